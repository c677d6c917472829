"""Ironic port groups (bonds): one Neutron port naming two NICs of a server."""

from __future__ import annotations

import time
from typing import Any

import pytest

pytestmark = pytest.mark.functional

NICS = ("Mezz 3:1-a", "Mezz 3:2-a")


def group_body(baremetal: Any, **group: Any) -> dict[str, Any]:
    """``create_port`` arguments of a port group's port, as Ironic binds it."""
    profile: dict[str, Any] = {
        "local_link_information": [baremetal.nics[nic]["local_link"] for nic in NICS]
    }
    if group:
        profile["local_group_information"] = group
    return {
        "mac_address": baremetal.nics[NICS[0]]["mac"],
        "binding_vnic_type": "baremetal",
        "binding_host_id": baremetal.server.uuid,
        "binding_profile": profile,
    }


def wait_active(network: Any, port_id: str, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while (port := network.get_port(port_id)).status != "ACTIVE":
        assert time.monotonic() < deadline, f"port {port_id} is {port.status}"
        time.sleep(0.1)
    return port


def connections(ov: Any, profile_uri: str) -> dict[str, Any]:
    profile = ov.server_profiles.get(profile_uri)
    return {c.port_id: c for c in profile.connections if c.port_id in NICS}


def oneview_uri(ov: Any, neutron_id: str) -> str:
    tag = f"Neutron [{neutron_id}]"
    [found] = [n for n in ov.ethernet_networks.list() if tag in (n.name or "")]
    return str(found.uri)


def test_lacp_port_group_gets_both_nics_in_one_lag_and_gives_them_back(
    network, ov, baremetal
) -> None:
    template = {
        nic: (c.name, c.network_uri) for nic, c in connections(ov, baremetal.profile.uri).items()
    }
    net = network.create_network(name="bond")

    port = network.create_port(network_id=net.id, **group_body(baremetal, bond_mode="802.3ad"))
    wait_active(network, port.id)

    plugged = connections(ov, baremetal.profile.uri)
    assert set(plugged) == set(NICS)
    uri = oneview_uri(ov, net.id)
    assert {c.network_uri for c in plugged.values()} == {uri}
    assert {c.name for c in plugged.values()} == {f"Neutron port {port.id}"}
    assert {c.data.get("lagName") for c in plugged.values()} == {"LAG1"}

    network.update_port(port.id, binding_host_id="", binding_profile={})

    restored = connections(ov, baremetal.profile.uri)
    assert {nic: (c.name, c.network_uri) for nic, c in restored.items()} == template
    assert not any(c.data.get("lagName") for c in restored.values())


def test_port_group_without_lacp_gets_both_nics_without_lag(network, ov, baremetal) -> None:
    template = {
        nic: (c.name, c.network_uri) for nic, c in connections(ov, baremetal.profile.uri).items()
    }
    net = network.create_network(name="active-backup")

    port = network.create_port(
        network_id=net.id, **group_body(baremetal, bond_mode="active-backup")
    )
    wait_active(network, port.id)

    plugged = connections(ov, baremetal.profile.uri)
    assert {c.network_uri for c in plugged.values()} == {oneview_uri(ov, net.id)}
    assert len(plugged) == 2
    assert not any(c.data.get("lagName") for c in plugged.values())

    network.delete_port(port.id)

    restored = connections(ov, baremetal.profile.uri)
    assert {nic: (c.name, c.network_uri) for nic, c in restored.items()} == template
