"""Driving Ironic nodes through provisioning in tests, fast.

openstacksdk's ``wait=True`` polls every few seconds, longer than a whole fake-driver
transition takes; :func:`move_node` polls every 0.1 s instead.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

# The stable provision state each provisioning verb ends in when it succeeds.
VERB_RESULT_STATES: Mapping[str, str] = {
    "manage": "manageable",
    "provide": "available",
    "inspect": "manageable",
    "clean": "manageable",
    "active": "active",
    "rebuild": "active",
    "deleted": "available",
    "adopt": "active",
    "rescue": "rescue",
    "unrescue": "active",
}


class ProvisioningError(RuntimeError):
    """A node did not reach the state a provisioning verb leads to."""


def move_node(
    baremetal: Any, node_id: str, verb: str, *, timeout: float = 30.0, **verb_args: Any
) -> Any:
    """Apply a provisioning ``verb`` and poll every 0.1 s until the node settles; the node.

    openstacksdk's own ``wait=True`` polls only every few seconds, which is most of the
    time a fake-driver transition takes. ``verb_args`` go to ``set_node_provision_state``
    (``config_drive``, ``clean_steps``, ...). Raises :class:`ProvisioningError` naming the
    node, the verb, the state reached and Ironic's ``last_error``.
    """
    if verb not in VERB_RESULT_STATES:
        raise ValueError(f"verb: {verb!r} is not one of {', '.join(VERB_RESULT_STATES)}")
    expected = VERB_RESULT_STATES[verb]
    baremetal.set_node_provision_state(node_id, verb, **verb_args)
    deadline = time.monotonic() + timeout
    while True:
        node = baremetal.get_node(node_id)
        if node.provision_state == expected and not node.target_provision_state:
            return node
        # Ironic 39 keeps the target on 'deploy failed' and 'inspect failed': a failure
        # state ends the wait whatever the target says.
        if node.provision_state.endswith("failed"):
            break
        if not node.target_provision_state and node.last_error:
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    raise ProvisioningError(
        f"node {node_id}: {verb!r} should lead to {expected!r} within {timeout:.0f} s, "
        f"but it is {node.provision_state!r} (target {node.target_provision_state!r}); "
        f"last_error: {node.last_error!r}"
    )
