"""What a port does to a profile's connections: decided without OneView (pure functions)."""

from __future__ import annotations

import copy
from typing import Any

from oneview_openstack.client import ServerProfile, ServerProfileTemplate
from oneview_openstack.ml2.connections import (
    plug_connections,
    release_connections,
    unplug_connections,
)
from oneview_openstack.ml2.ports import PortPlan
from oneview_openstack.ml2.servers import Nic

DEPLOY = "/rest/ethernet-networks/deploy"
TENANTS = "/rest/network-sets/tenants"
BLUE = "/rest/ethernet-networks/blue"
SERVER = "/rest/server-hardware/s1"
NIC_A = Nic(SERVER, "Frame1, bay 1", "Mezz 3:1-a", "02:00:00:00:00:0a")
NIC_B = Nic(SERVER, "Frame1, bay 1", "Mezz 3:2-a", "02:00:00:00:00:0b")


def _connection(cid: int, name: str, port: str, network: str, boot: str, **extra: Any) -> dict:
    return {
        "id": cid,
        "name": name,
        "functionType": "Ethernet",
        "portId": port,
        "networkUri": network,
        "boot": {"priority": boot},
        **extra,
    }


TEMPLATE_CONNECTIONS = [
    _connection(1, "deploy", "Mezz 3:1-a", DEPLOY, "Primary"),
    _connection(2, "tenants", "Mezz 3:2-a", TENANTS, "NotBootable"),
]


def profile(connections: list[dict] | None = None) -> ServerProfile:
    items = copy.deepcopy(TEMPLATE_CONNECTIONS if connections is None else connections)
    return ServerProfile(
        {"uri": "/rest/server-profiles/p1", "connectionSettings": {"connections": items}}
    )


def template() -> ServerProfileTemplate:
    return ServerProfileTemplate(
        {
            "uri": "/rest/server-profile-templates/t",
            "connectionSettings": {"connections": copy.deepcopy(TEMPLATE_CONNECTIONS)},
        }
    )


def by_port(p: ServerProfile) -> dict[str, Any]:
    return {c.port_id: c for c in p.connections}


def test_plug_points_the_nics_connection_at_the_network_and_keeps_its_boot() -> None:
    p = profile()

    assert plug_connections(p, PortPlan("port-1", (NIC_A,)), BLUE)

    conn = by_port(p)["Mezz 3:1-a"]
    assert (conn.name, conn.network_uri, str(conn.boot_priority)) == (
        "Neutron port port-1",
        BLUE,
        "Primary",
    )
    assert by_port(p)["Mezz 3:2-a"].network_uri == TENANTS


def test_plug_again_changes_nothing() -> None:
    p = profile()
    plan = PortPlan("port-1", (NIC_A,))
    plug_connections(p, plan, BLUE)

    assert not plug_connections(p, plan, BLUE)


def test_plug_on_a_nic_already_carrying_the_network_changes_nothing() -> None:
    p = profile()

    assert not plug_connections(p, PortPlan("port-1", (NIC_A,)), DEPLOY)
    assert by_port(p)["Mezz 3:1-a"].name == "deploy"


def test_plug_adds_a_connection_for_a_nic_without_one() -> None:
    p = profile([TEMPLATE_CONNECTIONS[0]])

    assert plug_connections(p, PortPlan("port-2", (NIC_B,)), BLUE)

    added = by_port(p)["Mezz 3:2-a"]
    assert (added.name, added.network_uri, str(added.boot_priority)) == (
        "Neutron port port-2",
        BLUE,
        "NotBootable",
    )


def test_bootable_port_gets_the_first_free_boot_priority() -> None:
    p = profile([TEMPLATE_CONNECTIONS[0]])  # Primary is taken

    plug_connections(p, PortPlan("port-2", (NIC_B,), bootable=True), BLUE)

    assert str(by_port(p)["Mezz 3:2-a"].boot_priority) == "Secondary"


def test_mac_is_matched_when_the_port_id_differs() -> None:
    conn = _connection(5, "x", "Auto", DEPLOY, "Primary", mac="02:00:00:00:00:0A")
    p = profile([conn])

    plug_connections(p, PortPlan("port-1", (NIC_A,)), BLUE)

    assert [c.network_uri for c in p.connections] == [BLUE]  # no second connection


def test_unplug_restores_the_templates_connection() -> None:
    p = profile()
    plan = PortPlan("port-1", (NIC_A,))
    plug_connections(p, plan, BLUE)

    assert unplug_connections(p, plan, template())

    assert [c.data for c in p.connections] == TEMPLATE_CONNECTIONS


def test_unplug_without_template_removes_the_connection() -> None:
    p = profile([TEMPLATE_CONNECTIONS[1]])
    plan = PortPlan("port-1", (NIC_A,))
    plug_connections(p, plan, BLUE)

    unplug_connections(p, plan, None)

    assert [c.port_id for c in p.connections] == ["Mezz 3:2-a"]


def test_unplug_leaves_connections_that_are_not_the_ports() -> None:
    p = profile()
    plug_connections(p, PortPlan("port-1", (NIC_A,)), BLUE)
    before = copy.deepcopy([c.data for c in p.connections])

    assert not unplug_connections(p, PortPlan("port-OTHER", (NIC_A,)), template())
    assert not unplug_connections(p, PortPlan("port-1", (NIC_B,)), template())
    assert [c.data for c in p.connections] == before


def test_networking_oneview_connections_are_recognised_by_mac() -> None:
    legacy = _connection(1, "NeutronPort[02:00:00:00:00:0a]", "Mezz 3:1-a", BLUE, "Primary")
    p = profile([legacy, TEMPLATE_CONNECTIONS[1]])

    assert unplug_connections(p, PortPlan("port-1", (NIC_A,)), template())
    assert by_port(p)["Mezz 3:1-a"].network_uri == DEPLOY


def test_bond_gets_one_lag_on_both_nics_and_keeps_it() -> None:
    p = profile(
        [
            *TEMPLATE_CONNECTIONS,
            _connection(9, "other", "Mezz 3:1-b", BLUE, "NotBootable", lagName="LAG1"),
        ]
    )
    plan = PortPlan("bond", (NIC_A, NIC_B), bond=True)

    plug_connections(p, plan, BLUE, lag=True)

    lags = {c.port_id: c.data.get("lagName") for c in p.connections}
    assert lags["Mezz 3:1-a"] == lags["Mezz 3:2-a"] == "LAG2"  # LAG1 is someone else's
    assert not plug_connections(p, plan, BLUE, lag=True)


def test_release_gives_back_only_the_named_ports_connections() -> None:
    p = profile()
    plug_connections(p, PortPlan("gone", (NIC_A,)), BLUE)
    plug_connections(p, PortPlan("kept", (NIC_B,)), BLUE)

    assert release_connections(p, "gone", template())

    assert by_port(p)["Mezz 3:1-a"].name == "deploy"
    assert by_port(p)["Mezz 3:2-a"].name == "Neutron port kept"
    assert not release_connections(p, "unknown", template())
