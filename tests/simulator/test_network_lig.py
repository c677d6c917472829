"""Logical interconnect groups and logical interconnects: group changes, compliance, settings."""

from __future__ import annotations

from typing import Any

import pytest

from oneview_openstack.testing.simulator import SimulatorHandle

from .network_support import Api, error, network

pytestmark = pytest.mark.functional

UNKNOWN_LI = "/rest/logical-interconnects/0b0b0b0b-0000-4000-8000-000000000000"


@pytest.fixture
def api(sim: SimulatorHandle) -> Api:
    return Api(sim)


def consistency(api: Api) -> dict[str, str]:
    return {
        li["name"]: li["consistencyStatus"] for li in api.members("/rest/logical-interconnects")
    }


def li_networks(api: Api, li_name: str, uplink_set_name: str) -> list[str]:
    li = api.named("logical-interconnects", li_name)
    for doc in api.members("/rest/uplink-sets"):
        if doc["logicalInterconnectUri"] == li["uri"] and doc["name"] == uplink_set_name:
            return list(doc["networkUris"])
    raise AssertionError(f"{li_name} has no uplink set {uplink_set_name}")


def add_to_group_uplink_set(api: Api, lig: dict[str, Any], name: str, uri: str) -> None:
    """What the ML2 driver does: GET the group, append a network, PUT it back."""
    current = api.get(lig["uri"])
    for entry in current["uplinkSets"]:
        if entry["name"] == name:
            entry["networkUris"].append(uri)
    api.run("PUT", lig["uri"], current, {"If-Match": current["eTag"]})


def test_a_group_change_makes_its_logical_interconnects_inconsistent(api: Api) -> None:
    lig = api.named("logical-interconnect-groups", "LIG-Prod")
    added = api.create("ethernet-networks", network("tenant-201", 201))

    add_to_group_uplink_set(api, lig, "US-Tenants", added["uri"])

    assert consistency(api) == {
        "Frame1-LIG-Prod": "NOT_CONSISTENT",
        "Frame2-LIG-Prod": "NOT_CONSISTENT",
        "Frame3-LIG-Edge": "CONSISTENT",
    }
    assert added["uri"] not in li_networks(api, "Frame1-LIG-Prod", "US-Tenants")


def test_compliance_copies_the_group_onto_the_logical_interconnect(api: Api) -> None:
    lig = api.named("logical-interconnect-groups", "LIG-Prod")
    added = api.create("ethernet-networks", network("tenant-202", 202))
    add_to_group_uplink_set(api, lig, "US-Tenants", added["uri"])
    li = api.named("logical-interconnects", "Frame1-LIG-Prod")

    task = api.run("PUT", f"{li['uri']}/compliance")

    assert task["associatedResource"]["resourceUri"] == li["uri"]
    assert consistency(api)["Frame1-LIG-Prod"] == "CONSISTENT"
    assert consistency(api)["Frame2-LIG-Prod"] == "NOT_CONSISTENT"
    assert added["uri"] in li_networks(api, "Frame1-LIG-Prod", "US-Tenants")
    assert added["uri"] not in li_networks(api, "Frame2-LIG-Prod", "US-Tenants")


def test_changing_the_li_like_its_group_makes_it_consistent_again(api: Api) -> None:
    lig = api.named("logical-interconnect-groups", "LIG-Prod")
    added = api.create("ethernet-networks", network("tenant-203", 203))
    add_to_group_uplink_set(api, lig, "US-Tenants", added["uri"])
    li = api.named("logical-interconnects", "Frame2-LIG-Prod")
    tenants = [
        doc
        for doc in api.members("/rest/uplink-sets")
        if doc["logicalInterconnectUri"] == li["uri"] and doc["name"] == "US-Tenants"
    ][0]

    api.update(tenants, networkUris=[*tenants["networkUris"], added["uri"]])

    assert consistency(api)["Frame2-LIG-Prod"] == "CONSISTENT"


def test_duplicate_vlans_across_group_uplink_sets_are_refused(api: Api) -> None:
    lig = api.named("logical-interconnect-groups", "LIG-Prod")
    twin = api.create("ethernet-networks", network("management-twin", 10))
    current = api.get(lig["uri"])
    current["uplinkSets"][0]["ethernetNetworkType"] = "Tagged"
    current["uplinkSets"].append(
        {"name": "US-Twin", "networkType": "Ethernet", "ethernetNetworkType": "Tagged",
         "networkUris": [twin["uri"]], "logicalPortConfigInfos": []}
    )  # fmt: skip

    response = api.call("PUT", lig["uri"], current)

    body = error(response, 400, "CRM_DUPLICATE_VLAN_IDS_LOGICAL_INTERCONNECT_GROUP")
    assert "10" in body["message"]
    assert consistency(api)["Frame1-LIG-Prod"] == "CONSISTENT"


def test_group_update_with_a_stale_if_match_is_412(api: Api) -> None:
    lig = api.named("logical-interconnect-groups", "LIG-Prod")
    api.update(lig, description="someone else was faster")

    response = api.call("PUT", lig["uri"], {**lig, "eTag": None}, {"If-Match": lig["eTag"]})

    error(response, 412, "ETAG_MISMATCH")
    assert "/" in lig["eTag"]  # LIG eTags look like "1441036118675/8"


def test_group_with_an_unknown_network_is_400(api: Api) -> None:
    current = api.get(api.named("logical-interconnect-groups", "LIG-Prod")["uri"])
    current["uplinkSets"][1]["networkUris"].append("/rest/fc-networks/abc")

    response = api.call("PUT", current["uri"], current)

    assert "/rest/fc-networks/abc" in error(response, 400, "CRM_INVALID_NETWORK_URI")["details"]


def test_create_and_delete_a_group_and_a_taken_name_fails_the_task(api: Api) -> None:
    created = api.create("logical-interconnect-groups", {"name": "LIG-Lab", "uplinkSets": []})
    duplicate = api.wait(api.call("POST", "/rest/logical-interconnect-groups", {"name": "LIG-Lab"}))
    api.run("DELETE", created["uri"])

    assert created["type"] == "logical-interconnect-groupV8"
    assert created["ethernetSettings"]["uri"] == f"{created['uri']}/ethernetSettings"
    assert duplicate["taskState"] == "Error"
    assert duplicate["taskErrors"][0]["message"] == (
        "Another logical interconnect group with that name already exists: LIG-Lab"
    )
    error(api.call("GET", created["uri"]), 404, "RESOURCE_NOT_FOUND")


def test_a_group_in_use_cannot_be_deleted(api: Api) -> None:
    lig = api.named("logical-interconnect-groups", "LIG-Edge")

    response = api.call("DELETE", lig["uri"])

    body = error(response, 400, "HAS_ASSOCIATED_RESOURCES")
    assert "/rest/logical-interconnects/" in body["details"]
    assert "/rest/enclosure-groups/" in body["details"]


def test_group_settings_and_defaults(api: Api) -> None:
    lig = api.named("logical-interconnect-groups", "LIG-Prod")

    settings = api.get(f"{lig['uri']}/settings")
    defaults = api.get("/rest/logical-interconnect-groups/defaultSettings")

    assert settings["ethernetSettings"]["macRefreshInterval"] == 5
    assert defaults["ethernetSettings"]["enableFastMacCacheFailover"] is True


@pytest.mark.parametrize(
    ("version", "group_type", "li_type"),
    [(300, "logical-interconnect-groupV300", "logical-interconnectV300"),
     (800, "logical-interconnect-groupV5", "logical-interconnectV5"),
     (2000, "logical-interconnect-groupV8", "logical-interconnectV8")],
)  # fmt: skip
def test_types_follow_the_api_version(
    sim: SimulatorHandle, version: int, group_type: str, li_type: str
) -> None:
    api = Api(sim, version=version)

    groups = api.members("/rest/logical-interconnect-groups")
    lis = api.members("/rest/logical-interconnects")

    assert {doc["type"] for doc in groups} == {group_type}
    assert {doc["type"] for doc in lis} == {li_type}
    assert all("internalNetworkUris" not in doc for doc in lis)


@pytest.mark.parametrize("suffix", ["", "/internalVlans", "/ethernetSettings"])
def test_unknown_logical_interconnect_is_404_with_its_own_code(api: Api, suffix: str) -> None:
    response = api.call("GET", UNKNOWN_LI + suffix)

    assert UNKNOWN_LI in error(response, 404, "CRM_LOGICAL_INTERCONNECT_NOT_FOUND_ERROR")["details"]


def test_compliance_of_an_unknown_logical_interconnect_is_404(api: Api) -> None:
    response = api.call("PUT", f"{UNKNOWN_LI}/compliance")

    error(response, 404, "CRM_LOGICAL_INTERCONNECT_NOT_FOUND_ERROR")


def test_internal_networks_are_listed_as_internal_vlans(api: Api) -> None:
    li = api.named("logical-interconnects", "Frame3-LIG-Edge")
    internal = api.create("ethernet-networks", network("storage-net", 401))

    api.run("PUT", f"{li['uri']}/internalNetworks", [internal["uri"]])

    vlans = api.members(f"{li['uri']}/internalVlans")
    assert [(v["generalNetworkUri"], v["internalVlanId"]) for v in vlans] == [
        (internal["uri"], 401)
    ]
    assert consistency(api)["Frame3-LIG-Edge"] == "NOT_CONSISTENT"


def test_internal_networks_refuse_bad_and_carried_networks(api: Api) -> None:
    li = api.named("logical-interconnects", "Frame3-LIG-Edge")
    carried = api.named("ethernet-networks", "tenant-103")

    bad = api.call("PUT", f"{li['uri']}/internalNetworks", ["/rest/network-sets/xyz"])
    busy = api.call("PUT", f"{li['uri']}/internalNetworks", [carried["uri"]])

    error(bad, 400, "CRM_INVALID_NETWORK_URI")
    error(busy, 400, "CRM_NETWORK_ALREADY_ASSIGNED")


def test_ethernet_settings_change_through_a_task(sim: SimulatorHandle) -> None:
    api = Api(sim, version=800)
    li = api.named("logical-interconnects", "Frame1-LIG-Prod")
    settings = api.get(f"{li['uri']}/ethernetSettings")

    api.run("PUT", f"{li['uri']}/ethernetSettings", {**settings, "macRefreshInterval": 12})

    after = api.get(f"{li['uri']}/ethernetSettings")
    assert (settings["type"], after["macRefreshInterval"]) == ("EthernetInterconnectSettingsV4", 12)


def test_a_second_operation_on_a_busy_logical_interconnect_is_409(api: Api) -> None:
    li = api.named("logical-interconnects", "Frame1-LIG-Prod")
    # Ten times slower than a real appliance: the first operation is still running
    # when the second arrives, however loaded the machine.
    api.sim.operator.set_config(time_scale=10.0)
    first = api.call("PUT", f"{li['uri']}/compliance")
    second = api.call("PUT", f"{li['uri']}/configuration")
    api.sim.operator.set_config(time_scale=0.01)

    assert first.status_code == 202
    error(second, 409, "CRM_ONGOING_OPERATION_ON_LOGICAL_INTERCONNECT")
