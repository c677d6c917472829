"""Enrolling seed servers in the real Ironic and acting on them, polling every 0.1 s."""

from __future__ import annotations

import time
from typing import Any

from ..oneview_seed import SeedUris

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
