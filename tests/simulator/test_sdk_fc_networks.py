"""FC and FCoE networks through the hpeOneView SDK (API 800, 2400, 4600) and raw HTTP."""

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


def test_the_seed_has_fc_networks_on_both_san_fabrics(client: OneViewClient) -> None:
    networks = client.fc_networks.get_all(sort="name:ascending")

    assert [(n["name"], n["fabricType"]) for n in networks] == [
        ("SAN-A", "FabricAttach"),
        ("SAN-B", "FabricAttach"),
    ]
    assert all(
        n["connectionTemplateUri"].startswith("/rest/connection-templates/") for n in networks
    )


def test_fc_network_lifecycle(client: OneViewClient) -> None:
    created = client.fc_networks.create(
        {"name": "sdk-fc", "fabricType": "DirectAttach", "linkStabilityTime": 30,
         "autoLoginRedistribution": False}
    )  # fmt: skip
    found = client.fc_networks.get_by_name("sdk-fc")
    found.update({"name": "sdk-fc-2", "linkStabilityTime": 60})
    found.patch("replace", "/description", "patched")
    again = client.fc_networks.get_by_uri(created.data["uri"])
    filtered = client.fc_networks.get_all(filter="fabricType='DirectAttach'")

    again.delete()

    assert (again.data["name"], again.data["linkStabilityTime"]) == ("sdk-fc-2", 60)
    assert again.data["description"] == "patched"
    assert [n["name"] for n in filtered] == ["sdk-fc-2"]
    assert client.fc_networks.get_by_name("sdk-fc-2") is None


def test_fc_networks_bulk_delete(client: OneViewClient) -> None:
    uris = [
        client.fc_networks.create({"name": f"sdk-bulk-{n}", "fabricType": "FabricAttach"}).data[
            "uri"
        ]
        for n in range(2)
    ]

    client.fc_networks.delete_bulk({"networkUris": uris})

    assert [n["name"] for n in client.fc_networks.get_all()] == ["SAN-A", "SAN-B"]


def test_fcoe_network_lifecycle(client: OneViewClient) -> None:
    created = client.fcoe_networks.create({"name": "sdk-fcoe", "vlanId": 1001})
    created.update({"name": "sdk-fcoe-2"})
    second = client.fcoe_networks.create({"name": "sdk-fcoe-3", "vlanId": 1002})
    names = [n["name"] for n in client.fcoe_networks.get_all(sort="name:descending")]

    client.fcoe_networks.delete_bulk({"networkUris": [second.data["uri"]]})
    client.fcoe_networks.get_by_name("sdk-fcoe-2").delete()

    assert names == ["sdk-fcoe-3", "sdk-fcoe-2"]
    assert created.data["vlanId"] == 1001
    assert client.fcoe_networks.get_all() == []


@pytest.mark.parametrize(
    ("family", "data", "code"),
    [
        ("fc_networks", {"name": "SAN-A"}, "CRM_DUPLICATE_NETWORK_NAME"),
        ("fc_networks", {"name": "x", "fabricType": "Loop"}, "CRM_DEFAULT_INVALID_ARGUMENT"),
        ("fc_networks", {"name": "x", "linkStabilityTime": 0}, "CRM_VALUE_OUT_OF_RANGE"),
        ("fcoe_networks", {"name": "x"}, "CRM_MISSING_VLAN_ID_IN_NETWORK"),
        ("fcoe_networks", {"name": "x", "vlanId": 5000}, "CRM_VALUE_OUT_OF_RANGE"),
    ],
)
def test_bad_networks_raise_the_appliance_error(
    client: OneViewClient, family: str, data: dict[str, object], code: str
) -> None:
    with pytest.raises(HPEOneViewException) as raised:
        getattr(client, family).create(data)

    assert raised.value.oneview_response["errorCode"] == code


def test_raw_http_paths_types_and_errors(sim: SimulatorHandle) -> None:
    sim.operator.set_config(time_scale=0)
    old, new = Api(sim, 300), Api(sim)
    san_a = new.named("fc-networks", "SAN-A")

    assert old.get(san_a["uri"])["type"] == "fc-networkV300"
    assert new.get("/rest/fc-networks/")["total"] == 2
    missing = new.call("GET", "/rest/fc-networks/00000000-0000-4000-8000-000000000000")
    assert (missing.status_code, missing.json()["errorCode"]) == (404, "RESOURCE_NOT_FOUND")
    no_filter = new.call("DELETE", "/rest/fcoe-networks")
    assert (no_filter.status_code, no_filter.json()["errorCode"]) == (400, "INVALID_FILTER")
    bad_bulk = new.call("POST", "/rest/fc-networks/bulk-delete", {"networkUris": ["/rest/x/1"]})
    assert bad_bulk.json()["errorCode"] == "CRM_INVALID_NETWORK_URI"
    stale = new.call("PUT", san_a["uri"], {**san_a, "eTag": "stale"})
    assert stale.status_code == 412
    typed = new.call("POST", "/rest/fc-networks", {"name": "t", "type": "fc-networkV2"})
    assert typed.json()["errorCode"] == "INVALID_JSON_TYPE"
    task = new.wait(new.call("DELETE", "/rest/fc-networks?filter=\"name='SAN-B'\""))
    assert task["taskState"] == "Completed"
    assert [n["name"] for n in new.members("/rest/fc-networks")] == ["SAN-A"]
