"""A template with Virtual MACs (common on Synergy) cleans and deploys through the virtual
agents: the node's ports follow the MACs the applied profile presents, and take the
hardware's back once the profile is gone.

The virtual agent looks its node up by the MACs the server presents now, which with
``macType: Virtual`` are the profile connections' MACs from OneView's pool, not the
hardware's: a port left with the hardware MAC would never be found.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from oneview_openstack.testing.image_server import ImageServer
from oneview_openstack.testing.ironic_nodes import move_node

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide, uris_of
from .conftest import AgentLab
from .nodes import boot_nic_mac, enroll_booting

pytestmark = pytest.mark.functional

BOOT_PORT_ID = "Mezz 3:1-a"  # the seed template's Primary boot connection


def _boot_connection_mac(side: OneViewSide, profile_uri: str) -> str:
    profile = side.get(profile_uri)
    connections = profile.get("connectionSettings", {}).get("connections") or profile.get(
        "connections"
    )
    return str(next(c["mac"] for c in connections if c["portId"] == BOOT_PORT_ID)).lower()


def _port_mac(baremetal: Any, node_id: str) -> str:
    (port,) = baremetal.ports(details=True, node_id=node_id)
    return str(port.address)


def _wait_port_mac(baremetal: Any, node_id: str, mac: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while _port_mac(baremetal, node_id) != mac:
        assert time.monotonic() < deadline, f"the port kept {_port_mac(baremetal, node_id)}"
        time.sleep(0.2)


def test_a_virtual_mac_template_cleans_and_deploys_with_the_profiles_macs(
    lab: AgentLab,
) -> None:
    side = OneViewSide(lab.sim)
    uris = uris_of(lab.sim)
    server_uri, template_uri = uris.server(seed.BLADE), uris.template(seed.TEMPLATE)
    side.edit(template_uri, macType="Virtual")
    baremetal = lab.ironic.connection().baremetal
    node = enroll_booting(baremetal, lab.sim, seed.BLADE, seed.TEMPLATE, name="virtual-macs")
    hardware_mac = boot_nic_mac(side, server_uri, template_uri)
    (port,) = baremetal.ports(details=True, node_id=node.id)
    baremetal.update_port(port, extra={"oneview_port_id": BOOT_PORT_ID})

    move_node(baremetal, node.id, "manage")
    provided = move_node(baremetal, node.id, "provide")  # cleaning: the agent must be found

    assert provided.provision_state == "available", provided.last_error
    _wait_port_mac(baremetal, node.id, hardware_mac)  # the profile went: the hardware's MAC

    with ImageServer(b"an image\n" * 1024) as images:
        baremetal.update_node(
            node.id,
            instance_info={
                "image_source": images.url,
                "image_os_hash_algo": "sha256",
                "image_os_hash_value": images.sha256,
            },
        )
        active = move_node(baremetal, node.id, "active")

    assert active.provision_state == "active", active.last_error
    profile_uri = side.get(server_uri)["serverProfileUri"]
    virtual_mac = _boot_connection_mac(side, profile_uri)
    assert virtual_mac != hardware_mac
    assert _port_mac(baremetal, node.id) == virtual_mac
    assert lab.sim.operator.agent(server_uri)["disk"]["image"]["node_uuid"] == node.id
