"""Referential integrity of networks, and which networks an enclosure group reaches.

Deleting a network removes every reference to it, except that profiles keep
theirs (the delete is refused). ``reachable_network_uris`` is checked in process
on an appliance driven through its ASGI application, with tasks that finish at
once (time scale 0), through httpx's ASGI transport.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from oneview_openstack.simulator.app import SimulatorApp
from oneview_openstack.simulator.appliance import Appliance
from oneview_openstack.simulator.config import SimulatorConfig
from oneview_openstack.simulator.resources.uplink_sets import reachable_network_uris
from oneview_openstack.testing.simulator import SimulatorHandle

from .network_support import Api, error, network


@pytest.fixture
def api(sim: SimulatorHandle) -> Api:
    return Api(sim)


def named(api: Api, collection: str, name: str) -> dict[str, Any]:
    return api.named(collection, name)


@pytest.mark.functional
def test_deleting_a_network_removes_it_from_everything_that_carried_it(api: Api) -> None:
    doomed = api.create("ethernet-networks", network("doomed", 250))
    us_tenants = [u for u in api.members("/rest/uplink-sets") if u["name"] == "US-Tenants"][0]
    api.update(us_tenants, networkUris=[*us_tenants["networkUris"], doomed["uri"]])
    tenant_set = named(api, "network-sets", "tenant-set")
    api.update(tenant_set, networkUris=[*tenant_set["networkUris"], doomed["uri"]])
    lig = api.get(named(api, "logical-interconnect-groups", "LIG-Prod")["uri"])
    lig["uplinkSets"][1]["networkUris"].append(doomed["uri"])
    api.run("PUT", lig["uri"], lig)
    edge_li = named(api, "logical-interconnects", "Frame3-LIG-Edge")
    api.run("PUT", f"{edge_li['uri']}/internalNetworks", [doomed["uri"]])

    api.run("DELETE", doomed["uri"])

    assert all(doomed["uri"] not in u["networkUris"] for u in api.members("/rest/uplink-sets"))
    assert doomed["uri"] not in api.get(tenant_set["uri"])["networkUris"]
    lig_after = api.get(lig["uri"])
    assert all(doomed["uri"] not in entry["networkUris"] for entry in lig_after["uplinkSets"])
    assert api.members(f"{edge_li['uri']}/internalVlans") == []


@pytest.mark.functional
def test_a_network_a_profile_uses_cannot_be_deleted(api: Api) -> None:
    deploy = named(api, "ethernet-networks", "deploy")

    response = api.call("DELETE", deploy["uri"])

    body = error(response, 400, "HAS_ASSOCIATED_RESOURCES")
    assert body["message"] == "deploy cannot be deleted while server profile connections use it."
    assert "/rest/server-profiles/" in body["details"]
    assert api.get(deploy["uri"])["name"] == "deploy"


@pytest.mark.functional
def test_deleting_a_network_that_left_the_group_restores_consistency(api: Api) -> None:
    extra = api.create("ethernet-networks", network("group-only", 251))
    lig = api.get(named(api, "logical-interconnect-groups", "LIG-Edge")["uri"])
    lig["uplinkSets"][1]["networkUris"].append(extra["uri"])
    api.run("PUT", lig["uri"], lig)

    api.run("DELETE", extra["uri"])

    li = named(api, "logical-interconnects", "Frame3-LIG-Edge")
    assert li["consistencyStatus"] == "CONSISTENT"


# -- reachable_network_uris, in process ----------------------------------------


class Local:
    """One in-process appliance and an administrator talking to it."""

    def __init__(self) -> None:
        self.appliance = Appliance(SimulatorConfig(time_scale=0.0))
        self.app = SimulatorApp(self.appliance)
        self.headers = {"X-API-Version": "4600"}
        login = self.call(
            "POST", "/rest/login-sessions",
            {"userName": "Administrator", "password": "admin-password"},
        )  # fmt: skip
        self.headers["auth"] = login["sessionID"]

    def call(self, method: str, path: str, body: Any = None) -> Any:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
                return await client.request(method, path, json=body, headers=self.headers)

        response = asyncio.run(send())
        assert response.status_code in (200, 202), response.text
        return response.json()

    def uri(self, collection: str, name: str) -> str:
        for doc in self.appliance.store.iter(collection):
            if doc["name"] == name:
                return str(doc["uri"])
        raise AssertionError(f"no {collection} named {name}")

    def names(self, uris: set[str]) -> set[str]:
        return {self.appliance.store.require(uri)["name"] for uri in uris}

    def reachable(self, group: str) -> set[str]:
        return self.names(
            reachable_network_uris(self.appliance, self.uri("enclosure-groups", group))
        )


@pytest.fixture
def local() -> Local:
    return Local()


def test_each_enclosure_group_reaches_what_its_uplink_sets_carry(local: Local) -> None:
    assert local.reachable("EG-Prod") == {
        "deploy", "management", "tenant-101", "tenant-102", "tenant-103", "tenant-104",
        "tenant-set", "SAN-A", "SAN-B",
    }  # fmt: skip
    assert local.reachable("EG-Edge") == {"deploy", "tenant-103", "tenant-104", "SAN-A", "SAN-B"}


def test_a_network_set_is_reachable_only_when_all_its_members_are(local: Local) -> None:
    edge_li = local.uri("logical-interconnects", "Frame3-LIG-Edge")
    tenant_101 = local.uri("ethernet-networks", "tenant-101")

    local.call("PUT", f"{edge_li}/internalNetworks", [tenant_101])

    assert "tenant-101" in local.reachable("EG-Edge")
    assert "tenant-set" not in local.reachable("EG-Edge")  # tenant-102 is still missing


def test_an_uplink_set_change_changes_what_is_reachable(local: Local) -> None:
    created = local.call(
        "POST", "/rest/ethernet-networks", network("tenant-260", 260, type="ethernet-networkV4")
    )
    new_uri = created["associatedResource"]["resourceUri"]
    edge_li = local.uri("logical-interconnects", "Frame3-LIG-Edge")
    uplink = next(
        doc
        for doc in local.appliance.store.iter("uplink-sets")
        if doc["logicalInterconnectUri"] == edge_li and doc["name"] == "US-Edge-Tenants"
    )

    local.call("PUT", uplink["uri"], {**uplink, "networkUris": [*uplink["networkUris"], new_uri]})

    assert "tenant-260" in local.reachable("EG-Edge")
    assert "tenant-260" not in local.reachable("EG-Prod")


def test_a_deleted_network_is_no_longer_reachable(local: Local) -> None:
    tenant_104 = local.uri("ethernet-networks", "tenant-104")

    local.call("DELETE", tenant_104)

    assert "tenant-104" not in local.reachable("EG-Edge")
    assert local.reachable("EG-Edge") == {"deploy", "tenant-103", "SAN-A", "SAN-B"}


def test_an_unknown_enclosure_group_reaches_nothing(local: Local) -> None:
    assert reachable_network_uris(local.appliance, "/rest/enclosure-groups/unknown") == set()
