"""Uplink sets over plain HTTP: networks in and out of a logical interconnect."""

from __future__ import annotations

from typing import Any

import pytest

from oneview_openstack.testing.simulator import SimulatorHandle

from .network_support import Api, error, network

pytestmark = pytest.mark.functional


@pytest.fixture
def api(sim: SimulatorHandle) -> Api:
    return Api(sim)


def logical_interconnect(api: Api, name: str = "Frame1-LIG-Prod") -> dict[str, Any]:
    return api.named("logical-interconnects", name)


def uplink_set(api: Api, li: dict[str, Any], name: str) -> dict[str, Any]:
    found = [
        doc
        for doc in api.members("/rest/uplink-sets")
        if doc["name"] == name and doc["logicalInterconnectUri"] == li["uri"]
    ]
    assert len(found) == 1
    return found[0]


def test_adding_a_network_to_an_uplink_set_takes_effect_on_its_task(api: Api) -> None:
    li = logical_interconnect(api)
    added = api.create("ethernet-networks", network("tenant-201", 201))
    tenants = uplink_set(api, li, "US-Tenants")

    updated = api.update(tenants, networkUris=[*tenants["networkUris"], added["uri"]])

    assert added["uri"] in updated["networkUris"]
    assert api.get(f"{added['uri']}/associatedUplinkGroups") == [tenants["uri"]]


def test_create_and_delete_an_uplink_set(api: Api) -> None:
    li = logical_interconnect(api)
    added = api.create("ethernet-networks", network("tenant-202", 202))
    body = {"name": "US-Extra", "logicalInterconnectUri": li["uri"], "networkType": "Ethernet",
            "ethernetNetworkType": "Tagged", "networkUris": [added["uri"]]}  # fmt: skip

    created = api.create("uplink-sets", body)
    task = api.run("DELETE", created["uri"])

    assert (created["name"], created["networkUris"]) == ("US-Extra", [added["uri"]])
    assert created["type"] == "uplink-setV7"
    assert task["name"] == "Delete"
    error(api.call("GET", created["uri"]), 404, "RESOURCE_NOT_FOUND")


def test_two_networks_with_one_vlan_in_an_uplink_set_are_refused(api: Api) -> None:
    li = logical_interconnect(api)
    twin = api.create("ethernet-networks", network("tenant-101-twin", 101))
    tenants = uplink_set(api, li, "US-Tenants")

    response = api.call(
        "PUT", tenants["uri"], {**tenants, "networkUris": [*tenants["networkUris"], twin["uri"]]}
    )

    assert "101" in error(response, 400, "CRM_DUPLICATE_VLAN_IDS_UPLINK_SET")["message"]


def test_a_network_leaves_a_logical_interconnect_through_one_uplink_set(api: Api) -> None:
    li = logical_interconnect(api)
    management = api.named("ethernet-networks", "management")
    body = {"name": "US-Second", "logicalInterconnectUri": li["uri"],
            "networkUris": [management["uri"]]}  # fmt: skip

    response = api.call("POST", "/rest/uplink-sets", body)
    elsewhere = api.call(
        "POST", "/rest/uplink-sets",
        {**body, "logicalInterconnectUri": logical_interconnect(api, "Frame3-LIG-Edge")["uri"]},
    )  # fmt: skip

    assert "US-Tenants" in error(response, 400, "CRM_NETWORK_ALREADY_ASSIGNED")["message"]
    assert api.wait(elsewhere)["taskState"] == "Completed"
    assert api.named("uplink-sets", "US-Second")["networkUris"] == [management["uri"]]


def test_unknown_logical_interconnect_in_the_body_is_400(api: Api) -> None:
    body = {"name": "US-Nowhere", "logicalInterconnectUri": "/rest/logical-interconnects/nope"}

    response = api.call("POST", "/rest/uplink-sets", body)

    assert "logicalInterconnectUri" in error(response, 400, "INVALID_RESOURCE_URI")["details"]


def test_an_untagged_network_does_not_fit_a_tagged_uplink_set(api: Api) -> None:
    li = logical_interconnect(api)
    flat = api.create("ethernet-networks", network("flat-2", ethernetNetworkType="Untagged"))
    tenants = uplink_set(api, li, "US-Tenants")

    response = api.call(
        "PUT", tenants["uri"], {**tenants, "networkUris": [*tenants["networkUris"], flat["uri"]]}
    )

    assert "Tagged" in error(response, 400, "CRM_DEFAULT_INVALID_ARGUMENT")["details"]


def test_a_port_of_another_uplink_set_is_refused(api: Api) -> None:
    li = logical_interconnect(api)
    deploy_ports = uplink_set(api, li, "US-Deploy")["portConfigInfos"]
    body = {"name": "US-Thief", "logicalInterconnectUri": li["uri"],
            "portConfigInfos": deploy_ports[:1]}  # fmt: skip

    response = api.call("POST", "/rest/uplink-sets", body)

    error(response, 400, "CRM_PORT_ALREADY_ASSIGNED")


def test_duplicate_uplink_set_name_on_one_logical_interconnect_is_refused(api: Api) -> None:
    li = logical_interconnect(api)

    response = api.call(
        "POST", "/rest/uplink-sets", {"name": "US-Tenants", "logicalInterconnectUri": li["uri"]}
    )

    error(response, 400, "CRM_DUPLICATE_UPLINK_SET_NAME")


def test_uplink_sets_filter_by_name_and_logical_interconnect(api: Api) -> None:
    li = logical_interconnect(api)

    by_li = api.members(f"/rest/uplink-sets?filter=\"logicalInterconnectUri='{li['uri']}'\"")
    by_name = api.members("/rest/uplink-sets?filter=\"name='US-Edge-Tenants'\"")

    assert sorted(doc["name"] for doc in by_li) == [
        "US-Deploy",
        "US-SAN-A",
        "US-SAN-B",
        "US-Tenants",
    ]
    assert [doc["name"] for doc in by_name] == ["US-Edge-Tenants"]


def test_uplink_set_type_follows_the_api_version(sim: SimulatorHandle) -> None:
    types = {
        version: {doc["type"] for doc in Api(sim, version=version).members("/rest/uplink-sets")}
        for version in (300, 800, 1000, 1200, 4600)
    }

    assert types == {
        300: {"uplink-setV300"}, 800: {"uplink-setV4"}, 1000: {"uplink-setV5"},
        1200: {"uplink-setV6"}, 4600: {"uplink-setV7"},
    }  # fmt: skip


def test_interconnects_are_listed_with_their_ports(api: Api) -> None:
    li = logical_interconnect(api)
    interconnects = [api.get(uri) for uri in li["interconnects"]]

    ports = api.members(f"{interconnects[0]['uri']}/ports")
    q1 = api.get(f"{interconnects[0]['uri']}/ports/Q1")

    assert {ic["logicalInterconnectUri"] for ic in interconnects} == {li["uri"]}
    assert {ic["type"] for ic in interconnects} == {"InterconnectV4"}
    assert {port["portType"] for port in ports} == {"Uplink", "Downlink"}
    assert q1["associatedUplinkSetUri"] == uplink_set(api, li, "US-Deploy")["uri"]
