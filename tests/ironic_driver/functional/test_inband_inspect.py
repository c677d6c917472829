"""In-band inspection (``oneview-agent``) waits for OneView's profile apply without holding
the node (issue 12).

A real Ironic (the agent lab): while OneView applies the inspection's profile the node sits
in ``inspect wait``, its lock free; the OneView task poller then boots the agent on the
profile. The simulator's virtual agents send no inspection data, so the inspection is
aborted, and its profile goes.
"""

from __future__ import annotations

from typing import Any

import pytest

from oneview_openstack.testing.ironic_nodes import move_node
from oneview_openstack.testing.waiting import wait_for

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide, uris_of
from .conftest import AgentLab
from .test_async_profile import PENDING, SLOW, waiting_for_oneview
from .test_lifecycle import enroll_for_deploy

pytestmark = pytest.mark.functional


@pytest.fixture
def baremetal(lab: AgentLab) -> Any:
    return lab.ironic.connection().baremetal


def test_in_band_inspection_waits_for_the_profile_apply_with_the_node_unlocked(
    baremetal, lab
) -> None:
    side = OneViewSide(lab.sim)
    server_uri = uris_of(lab.sim).server(seed.BLADE_2)
    node = enroll_for_deploy(
        baremetal, lab.sim, seed.BLADE_2, name="inband-1", inspect_interface="oneview-agent"
    )
    move_node(baremetal, node.id, "manage")
    lab.sim.operator.set_config(time_scale=SLOW)

    baremetal.set_node_provision_state(node.id, "inspect")
    waiting = waiting_for_oneview(baremetal, node.id, "inspect wait")

    assert waiting.driver_internal_info[PENDING]["kind"] == "oneview-apply-inspection-profile"
    unlocked = wait_for(  # inspect_hardware returned: no conductor holds the node
        lambda: (n := baremetal.get_node(node.id)).reservation is None and n, "the lock's release"
    )
    assert PENDING in unlocked.driver_internal_info, "while OneView still applies"
    baremetal.set_node_maintenance(node.id, reason="checked during the apply")  # takes the lock
    assert baremetal.get_node(node.id).maintenance_reason == "checked during the apply"
    baremetal.unset_node_maintenance(node.id)
    assert side.get(server_uri)["powerState"] == "Off", "the agent boots after the apply"

    lab.sim.operator.set_config(time_scale=0.001)
    booted = wait_for(
        lambda: (
            PENDING not in (n := baremetal.get_node(node.id)).driver_internal_info
            and side.get(server_uri)["powerState"] == "On"
            and n
        ),
        "the agent's boot on the applied profile",
    )
    assert booted.provision_state == "inspect wait", booted.last_error
    assert booted.driver_internal_info["oneview_inspection_profile"] is True
    applied = booted.driver_internal_info["applied_server_profile_uri"]
    assert applied == side.get(server_uri)["serverProfileUri"]

    baremetal.set_node_provision_state(node.id, "abort")
    wait_for(lambda: baremetal.get_node(node.id).provision_state == "inspect failed", "the abort")
    wait_for(lambda: side.get(server_uri)["serverProfileUri"] is None, "the profile's removal")
    assert side.rest.call("GET", applied).status_code == 404
