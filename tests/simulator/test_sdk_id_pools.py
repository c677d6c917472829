"""Id pools, ranges and IPv4 subnets through the hpeOneView SDK (API 800, 2400, 4600) and HTTP."""

from __future__ import annotations

import pytest
from hpeOneView.exceptions import HPEOneViewException
from hpeOneView.oneview_client import OneViewClient

from oneview_openstack.testing.simulator import SimulatorHandle

from .http_support import Api
from .sdk_support import SDK_MARKS, SDK_VERSIONS, sdk_client

pytestmark = SDK_MARKS


@pytest.fixture(params=SDK_VERSIONS, ids=[f"api{v}" for v in SDK_VERSIONS])
def client(request: pytest.FixtureRequest, sim: SimulatorHandle) -> OneViewClient:
    return sdk_client(sim, request.param)


@pytest.mark.parametrize("pool_type", ["vmac", "vwwn", "vsn"])
def test_pool_allocate_validate_collect(client: OneViewClient, pool_type: str) -> None:
    pools = client.id_pools
    pool = pools.get_pool_type(pool_type).data

    allocated = pools.allocate({"count": 2}, pool_type)
    ids = allocated["idList"]
    validated = pools.validate_id_pool(pool_type, ids).data
    collected = pools.collect({"idList": ids[:1]}, pool_type)
    after = pools.get_pool_type(pool_type).data

    assert (pool["enabled"], len(pool["rangeUris"])) == (True, 1)
    assert allocated["count"] == 2 and len(set(ids)) == 2
    assert validated["valid"] is False  # allocated ids cannot be allocated again
    assert collected["idList"] == ids[:1]
    assert after["allocatedCount"] == pool["allocatedCount"] + 1
    assert pools.validate({"idList": ids[:1]}, pool_type)["valid"] is True


def test_pool_enable_generate_and_range_availability(client: OneViewClient) -> None:
    pools = client.id_pools
    pool = pools.get_pool_type("vmac").data

    disabled = pools.update_pool_type({**pool, "enabled": False}, "vmac")
    generated = pools.generate("vmac").data
    free = pools.get_check_range_availability("vmac", [generated["startAddress"]]).data
    with pytest.raises(HPEOneViewException) as raised:
        pools.allocate({"count": 1}, "vmac")
    pools.update_pool_type({"enabled": True, "type": "Pool"}, "vmac")

    assert disabled["enabled"] is False
    assert raised.value.oneview_response["errorCode"] == "POOL_DISABLED"
    assert free["availableIdList"] == [generated["startAddress"]]


@pytest.mark.parametrize(
    ("ranges", "start", "end", "first"),
    [
        ("id_pools_vmac_ranges", "A2:00:00:00:00:00", "A2:00:00:00:00:0F", "A2:00:00:00:00:00"),
        ("id_pools_vwwn_ranges", "20:00:00:00:00:00:00:00", "20:00:00:00:00:00:00:0F",
         "20:00:00:00:00:00:00:00"),
        ("id_pools_vsn_ranges", "VCGAA00000", "VCGAA0000F", "VCGAA00000"),
    ],
)  # fmt: skip
def test_custom_range_lifecycle(
    client: OneViewClient, ranges: str, start: str, end: str, first: str
) -> None:
    api = getattr(client, ranges)
    created = api.create({"type": "Range", "rangeCategory": "Custom",
                          "startAddress": start, "endAddress": end})  # fmt: skip
    uri = created["uri"]

    allocated = api.allocate({"count": 3}, uri)
    used = api.get_allocated_fragments(uri)
    free = api.get_free_fragments(uri)
    api.collect({"idList": allocated["idList"][1:2]}, uri)
    disabled = api.enable({"enabled": False, "type": "Range"}, uri)
    got = api.get(uri)
    with pytest.raises(HPEOneViewException) as raised:
        api.delete(got)
    deleted = api.delete(got, force=True)

    assert allocated["idList"][0] == first
    assert (used[0]["startAddress"], len(used)) == (first, 1)
    assert free[0]["fragmentType"] == "FREE"
    assert (disabled["enabled"], got["allocatedIdCount"], got["totalCount"]) == (False, 2, 16)
    assert raised.value.oneview_response["errorCode"] == "ID_RANGE_HAS_ALLOCATED_IDS"
    assert deleted is True


def test_ipv4_subnet_and_range(client: OneViewClient) -> None:
    subnet = client.id_pools_ipv4_subnets.create(
        {"type": "Subnet", "name": "sdk-subnet", "networkId": "192.168.50.0",
         "subnetmask": "255.255.255.0", "gateway": "192.168.50.1", "domain": "example.com",
         "dnsServers": ["192.168.50.2"]}
    )  # fmt: skip
    ranges = client.id_pools_ipv4_ranges
    created = ranges.create(
        {"type": "Range", "name": "sdk-range", "subnetUri": subnet.data["uri"],
         "startStopFragments": [{"startAddress": "192.168.50.10", "endAddress": "192.168.50.19"}]}
    )  # fmt: skip
    uri = created.data["uri"]

    allocated = client.id_pools_ipv4_subnets.allocate({"count": 2}, subnet.data["uri"])
    ranges.update_collector({"idList": ["192.168.50.11"]}, uri)
    ranges.update_allocator({"idList": ["192.168.50.15"]}, uri)
    used = ranges.get_allocated_fragments(uri)
    ranges.enable({"enabled": False}, uri)
    listed = client.id_pools_ipv4_subnets.get_by_name("sdk-subnet")
    created.update({"name": "sdk-range-2"})

    assert allocated["idList"] == ["192.168.50.10", "192.168.50.11"]
    assert [(f["startAddress"], f["endAddress"]) for f in used] == [
        ("192.168.50.10", "192.168.50.10"), ("192.168.50.15", "192.168.50.15"),
    ]  # fmt: skip
    assert listed.data["rangeUris"] == [uri]
    assert ranges.get_by_uri(uri).data["name"] == "sdk-range-2"
    assert ranges.get_by_uri(uri).data["enabled"] is False


def test_raw_http_errors(sim: SimulatorHandle) -> None:
    api = Api(sim)
    pool = api.get("/rest/id-pools/vmac")
    generated = api.get(pool["rangeUris"][0])

    assert api.call("GET", "/rest/id-pools/nope").status_code == 404
    stale = api.call("PUT", "/rest/id-pools/vmac", {"enabled": False, "eTag": "stale"})
    assert (stale.status_code, stale.json()["errorCode"]) == (412, "ETAG_CHECK_FAILED")
    overlap = api.call("POST", "/rest/id-pools/vmac/ranges",
                       {"startAddress": generated["startAddress"],
                        "endAddress": generated["startAddress"]})  # fmt: skip
    assert overlap.json()["errorCode"] == "OVERLAPPING_POOLRANGE"
    backwards = api.call("POST", "/rest/id-pools/vsn/ranges",
                         {"startAddress": "VCGB000009", "endAddress": "VCGB000000"})  # fmt: skip
    assert backwards.json()["errorCode"] == "INVALID_POOLRANGE"
    kept = api.call("DELETE", generated["uri"])
    assert kept.json()["errorCode"] == "GENERATED_RANGE_NOT_DELETABLE"
    bad_ids = api.call("PUT", "/rest/id-pools/vwwn/allocator", {"idList": ["zz"]})
    assert bad_ids.json()["errorCode"] == "INVALID_ID_FORMAT"
    assert api.call("GET", "/rest/id-pools/ipv4/generate").status_code == 400
    subnet = {"networkId": "10.9.0.0", "subnetmask": "255.255.0.0", "gateway": "10.8.0.1"}
    assert api.call("POST", "/rest/id-pools/ipv4/subnets", subnet).json()["errorCode"] == (
        "INVALID_GATEWAY"
    )
    outside = api.call("POST", "/rest/id-pools/ipv4/ranges",
                       {"subnetUri": "/rest/id-pools/ipv4/subnets/none",
                        "startStopFragments": []})  # fmt: skip
    assert outside.json()["errorCode"] == "INVALID_SUBNET_URI"
