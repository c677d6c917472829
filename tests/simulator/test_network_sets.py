"""Network sets and connection templates over plain HTTP."""

from __future__ import annotations

import pytest

from oneview_openstack.testing.simulator import SimulatorHandle

from .network_support import Api, error, network

pytestmark = pytest.mark.functional


@pytest.fixture
def api(sim: SimulatorHandle) -> Api:
    return Api(sim)


def uri_of(api: Api, name: str) -> str:
    return str(api.named("ethernet-networks", name)["uri"])


def test_create_a_network_set_of_two_networks(api: Api) -> None:
    members = [uri_of(api, "tenant-103"), uri_of(api, "tenant-104")]

    created = api.create(
        "network-sets", {"name": "pair", "networkUris": members, "nativeNetworkUri": members[0]}
    )

    assert created["networkUris"] == members
    assert created["nativeNetworkUri"] == members[0]
    assert (created["type"], created["networkSetType"]) == ("network-setV5", "Regular")
    assert api.get(created["connectionTemplateUri"])["category"] == "connection-templates"


def test_network_set_at_api_800_is_v4_without_set_type(sim: SimulatorHandle) -> None:
    api = Api(sim, version=800)

    tenant_set = api.named("network-sets", "tenant-set")

    assert tenant_set["type"] == "network-setV4"
    assert "networkSetType" not in tenant_set


def test_member_that_is_not_an_ethernet_network_is_refused(api: Api) -> None:
    tenant_set = api.named("network-sets", "tenant-set")
    for bad in (tenant_set["uri"], "/rest/ethernet-networks/not-there"):
        response = api.call("POST", "/rest/network-sets", {"name": "bad", "networkUris": [bad]})

        assert bad in error(response, 400, "CRM_INVALID_NETWORK_URI")["details"]


def test_members_with_the_same_vlan_are_refused(api: Api) -> None:
    twin = api.create("ethernet-networks", network("tenant-101-twin", 101))

    response = api.call(
        "POST", "/rest/network-sets",
        {"name": "clash", "networkUris": [uri_of(api, "tenant-101"), twin["uri"]]},
    )  # fmt: skip

    body = error(response, 400, "CRM_DUPLICATE_VLAN_IDS_NETWORK_SET")
    assert "101" in body["message"]


def test_native_network_must_be_a_member(api: Api) -> None:
    response = api.call(
        "POST", "/rest/network-sets",
        {"name": "native", "networkUris": [uri_of(api, "tenant-103")],
         "nativeNetworkUri": uri_of(api, "tenant-104")},
    )  # fmt: skip

    assert "nativeNetworkUri" in error(response, 400, "CRM_DEFAULT_INVALID_ARGUMENT")["details"]


def test_update_replaces_the_members(api: Api) -> None:
    tenant_set = api.named("network-sets", "tenant-set")
    wanted = [uri_of(api, "tenant-103")]

    updated = api.update(tenant_set, networkUris=wanted)

    assert updated["networkUris"] == wanted


def test_update_with_a_stale_etag_is_412(api: Api) -> None:
    tenant_set = api.named("network-sets", "tenant-set")
    api.update(tenant_set, description="newer")

    response = api.call("PUT", tenant_set["uri"], {**tenant_set, "description": "older"})

    error(response, 412, "ETAG_MISMATCH")


def test_delete_a_network_set_no_profile_uses(api: Api) -> None:
    created = api.create("network-sets", {"name": "short-lived", "networkUris": []})

    api.run("DELETE", created["uri"])

    error(api.call("GET", created["uri"]), 404, "RESOURCE_NOT_FOUND")
    error(api.call("GET", created["connectionTemplateUri"]), 404, "RESOURCE_NOT_FOUND")


def test_a_network_set_used_by_profile_templates_cannot_be_deleted(api: Api) -> None:
    tenant_set = api.named("network-sets", "tenant-set")

    response = api.call("DELETE", tenant_set["uri"])

    body = error(response, 400, "HAS_ASSOCIATED_RESOURCES")
    assert "/rest/server-profile-templates/" in body["details"]
    assert api.get(tenant_set["uri"])["name"] == "tenant-set"


def test_without_ethernet_hides_the_members(api: Api) -> None:
    tenant_set = api.named("network-sets", "tenant-set")

    one = api.get(f"{tenant_set['uri']}/withoutEthernet")
    listed = api.members("/rest/network-sets/withoutEthernet")

    assert one["name"] == "tenant-set"
    assert "networkUris" not in one
    assert all("networkUris" not in member for member in listed)


def test_connection_templates_list_and_default(api: Api) -> None:
    listed = api.members("/rest/connection-templates")
    default = api.get("/rest/connection-templates/defaultConnectionTemplate")

    assert len(listed) == 9  # six seed networks, one network set, two FC networks
    assert default["bandwidth"] == {"typicalBandwidth": 2500, "maximumBandwidth": 20000}


def test_connection_template_put_is_synchronous(api: Api) -> None:
    template = api.members("/rest/connection-templates")[0]
    wanted = {"typicalBandwidth": 1000, "maximumBandwidth": 5000}

    response = api.call("PUT", template["uri"], {**template, "bandwidth": wanted})

    assert response.status_code == 200
    assert response.json()["bandwidth"] == wanted
    assert api.get(template["uri"])["bandwidth"] == wanted


def test_connection_template_above_20_gb_is_refused(api: Api) -> None:
    template = api.members("/rest/connection-templates")[0]
    too_fast = {"typicalBandwidth": 2500, "maximumBandwidth": 25000}

    response = api.call("PUT", template["uri"], {**template, "bandwidth": too_fast})

    body = error(response, 400, "CRM_DEFAULT_INVALID_ARGUMENT")
    assert body["message"] == (
        "Updating connection-template: Invalid bandwidth: Maximum bandwidth exceeds 20 GBits/s"
    )


def test_default_template_change_applies_to_new_networks(api: Api) -> None:
    default = api.get("/rest/connection-templates/defaultConnectionTemplate")
    wanted = {"typicalBandwidth": 1500, "maximumBandwidth": 9000}
    api.call("PUT", default["uri"], {**default, "bandwidth": wanted})

    created = api.create("ethernet-networks", network("after-default", 230))

    assert api.get(created["connectionTemplateUri"])["bandwidth"] == wanted
