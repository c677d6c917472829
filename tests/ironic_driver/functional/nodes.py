"""Enrolling seed servers in the real Ironic and acting on them, polling every 0.1 s."""

from __future__ import annotations

import time
from typing import Any

from oneview_openstack.testing.simulator import SimulatorHandle

from ..oneview_seed import OneViewSide, SeedUris, uris_of

POWER_RESULT = {
    "power on": "power on",
    "power off": "power off",
    "soft power off": "power off",
    "rebooting": "power on",
    "soft rebooting": "power on",
}


class PowerActionFailed(AssertionError):
    """Ironic recorded an error instead of reaching the power state."""


def enroll(baremetal: Any, seed: SeedUris, server: str, template: str | None, **fields: Any):
    """A node with driver ``oneview`` on the seed's *server* (default interfaces)."""
    info = {"server_hardware_uri": seed.server(server)}
    if template is not None:
        info["server_profile_template_uri"] = seed.template(template)
    info.update(fields.pop("driver_info", {}))
    return baremetal.create_node(driver="oneview", driver_info=info, **fields)


def power(baremetal: Any, node_id: str, target: str, timeout: float = 60.0) -> Any:
    """Ask Ironic for a power action and wait for it; the node (or PowerActionFailed)."""
    baremetal.set_node_power_state(node_id, target)
    deadline = time.monotonic() + timeout
    while True:
        time.sleep(0.1)
        node = baremetal.get_node(node_id)
        if node.target_power_state is None and node.reservation is None:
            if node.last_error or node.power_state != POWER_RESULT[target]:
                raise PowerActionFailed(node.last_error or f"power state {node.power_state!r}")
            return node
        if time.monotonic() > deadline:
            raise PowerActionFailed(f"{target!r} still running after {timeout} s")


def boot_nic_mac(side: OneViewSide, server_uri: str, template_uri: str) -> str:
    """The MAC of the template's Primary boot connection on the server (its FlexNIC)."""
    template = side.get(template_uri)
    connections = template["connectionSettings"]["connections"]
    port_id = next(c["portId"] for c in connections if c["boot"]["priority"] == "Primary")
    location, _, rest = port_id.partition(" ")  # "Mezz 3:1-a"
    slot, _, rest = rest.partition(":")
    port, _, function = rest.partition("-")
    for device in side.get(server_uri)["portMap"]["deviceSlots"]:
        if device["location"] == location and device["slotNumber"] == int(slot):
            physical = device["physicalPorts"][int(port) - 1]
            flexnic = next(v for v in physical["virtualPorts"] if v["portFunction"] == function)
            return str(flexnic["mac"]).lower()
    raise AssertionError(f"no port {port_id} on {server_uri}")


def enroll_booting(
    baremetal: Any,
    sim: SimulatorHandle,
    server: str,
    template: str,
    *,
    boot_interface: str = "pxe",
    deploy_interface: str = "oneview-direct",
    **fields: Any,
) -> Any:
    """A ``oneview`` node that network-boots the simulator's virtual agent: the real boot and
    deploy interfaces, and a PXE-enabled port with the MAC of the template's boot NIC on the
    server (what the agent's lookup finds)."""
    uris = uris_of(sim)
    node = enroll(
        baremetal,
        uris,
        server,
        template,
        boot_interface=boot_interface,
        deploy_interface=deploy_interface,
        power_interface="oneview",
        management_interface="oneview",
        **fields,
    )
    mac = boot_nic_mac(OneViewSide(sim), uris.server(server), uris.template(template))
    baremetal.create_port(node_uuid=node.id, address=mac, pxe_enabled=True)
    return node
