"""Deploy and cleaning wait for OneView's profile tasks without holding the node (issue 12).

A real Ironic (the agent lab): while OneView applies a profile the node sits in ``wait
call-back`` / ``clean wait``, its lock free; the OneView task poller resumes it. The
simulator's profile apply is slowed down (``time_scale``) where a test needs to act during it.
"""

from __future__ import annotations

from typing import Any

import pytest

from oneview_openstack.testing.ironic_nodes import move_node
from oneview_openstack.testing.waiting import wait_for

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide, uris_of
from .conftest import AgentLab
from .test_lifecycle import IMAGE, enroll_for_deploy, image  # noqa: F401 - the image fixture

pytestmark = pytest.mark.functional

PENDING = "oneview_pending_task"
SLOW = 0.05  # a profile apply takes ~6 s (120 s on an appliance)


@pytest.fixture
def baremetal(lab: AgentLab) -> Any:
    return lab.ironic.connection().baremetal


def waiting_for_oneview(baremetal: Any, node_id: str, state: str) -> Any:
    """The node once it waits in *state* for a OneView task."""

    def check() -> Any:
        node = baremetal.get_node(node_id)
        if node.provision_state.endswith("failed"):
            raise AssertionError(f"node {node_id} failed: {node.last_error}")
        internal = node.driver_internal_info or {}
        return node if node.provision_state == state and PENDING in internal else None

    return wait_for(check, f"node {node_id} waiting in {state!r} for OneView")


def test_a_deploy_waits_for_the_profile_apply_with_the_node_unlocked(baremetal, lab) -> None:
    side = OneViewSide(lab.sim)
    server_uri = uris_of(lab.sim).server(seed.BLADE_2)
    node = enroll_for_deploy(baremetal, lab.sim, seed.BLADE_2, name="async-1")
    move_node(baremetal, node.id, "manage")
    move_node(baremetal, node.id, "provide", timeout=60)
    baremetal.update_node(node.id, instance_info=dict(IMAGE))
    lab.sim.operator.set_config(time_scale=SLOW)

    baremetal.set_node_provision_state(node.id, "active")
    waiting = waiting_for_oneview(baremetal, node.id, "wait call-back")

    assert waiting.driver_internal_info[PENDING]["kind"] == "oneview-apply-profile"
    unlocked = wait_for(  # the step returned: no conductor holds the node any more
        lambda: (n := baremetal.get_node(node.id)).reservation is None and n, "the lock's release"
    )
    assert unlocked.provision_state == "wait call-back", "while OneView still applies"
    baremetal.set_node_maintenance(node.id, reason="checked during the apply")  # takes the lock
    assert baremetal.get_node(node.id).maintenance_reason == "checked during the apply"
    baremetal.unset_node_maintenance(node.id)
    assert baremetal.get_node(node.id).provision_state == "wait call-back"

    lab.sim.operator.set_config(time_scale=0.001)
    active = wait_for(
        lambda: (n := baremetal.get_node(node.id)).provision_state == "active" and n,
        "the deploy",
    )
    assert (
        active.driver_internal_info["applied_server_profile_uri"]
        == (side.get(server_uri)["serverProfileUri"])
    )
    assert PENDING not in active.driver_internal_info


def test_cleaning_waits_for_the_profile_apply_then_boots_the_agent(baremetal, lab) -> None:
    side = OneViewSide(lab.sim)
    server_uri = uris_of(lab.sim).server(seed.BLADE_2)
    node = enroll_for_deploy(baremetal, lab.sim, seed.BLADE_2, name="async-2")
    move_node(baremetal, node.id, "manage")
    lab.sim.operator.set_config(time_scale=SLOW)

    baremetal.set_node_provision_state(node.id, "provide")
    waiting = waiting_for_oneview(baremetal, node.id, "clean wait")

    assert PENDING in waiting.driver_internal_info
    unlocked = wait_for(
        lambda: (n := baremetal.get_node(node.id)).reservation is None and n, "the lock's release"
    )
    assert unlocked.provision_state == "clean wait"
    assert side.get(server_uri)["powerState"] == "Off", "the agent boots after the apply"
    lab.sim.operator.set_config(time_scale=0.001)
    available = wait_for(
        lambda: (n := baremetal.get_node(node.id)).provision_state == "available" and n,
        "the cleaning",
    )
    assert available.last_error is None
    wait_for(lambda: side.get(server_uri)["serverProfileUri"] is None, "the profile's removal")


def test_abort_during_a_long_profile_apply_leaves_nothing_once_oneview_ends_it(
    baremetal, lab
) -> None:
    side = OneViewSide(lab.sim)
    server_uri = uris_of(lab.sim).server(seed.BLADE_2)
    node = enroll_for_deploy(baremetal, lab.sim, seed.BLADE_2, name="async-3")
    move_node(baremetal, node.id, "manage")
    lab.sim.operator.set_config(time_scale=SLOW)
    baremetal.set_node_provision_state(node.id, "provide")
    waiting = waiting_for_oneview(baremetal, node.id, "clean wait")
    applying = side.get(server_uri)["serverProfileUri"]

    baremetal.set_node_provision_state(node.id, "abort")
    aborted = wait_for(
        lambda: (n := baremetal.get_node(node.id)).provision_state == "clean failed" and n,
        "the abort",
    )

    torn_down = wait_for(  # Ironic's abort worker runs tear_down_cleaning after the state
        lambda: (
            (n := baremetal.get_node(node.id)).reservation is None
            and PENDING not in n.driver_internal_info
            and n
        ),
        "the abort's tear-down",
    )
    assert aborted.provision_state == "clean failed"
    assert "abort" in (torn_down.last_error or "").lower(), torn_down.last_error
    task_uri = waiting.driver_internal_info[PENDING]["uri"]
    assert side.rest.call("GET", task_uri).json()["taskState"] == "Running"
    assert applying and side.rest.call("GET", applying).status_code == 200, "not deleted mid-apply"
    leftovers = torn_down.driver_internal_info.get("oneview_leftover_tasks") or []
    assert task_uri in [e["uri"] for e in leftovers]

    lab.sim.operator.set_config(time_scale=0.001)  # OneView ends the apply
    wait_for(lambda: side.get(server_uri)["serverProfileUri"] is None, "the profile's removal")
    names = side.rest.call("GET", "/rest/server-profiles?filter=name='ironic-async-3'").json()
    assert names["members"] == []
    wait_for(
        lambda: not baremetal.get_node(node.id).driver_internal_info.get("oneview_leftover_tasks"),
        "the leftovers settled",
    )


def test_a_forged_ownership_record_never_removes_a_oneview_users_profile(baremetal, lab) -> None:
    side = OneViewSide(lab.sim)
    server_uri = uris_of(lab.sim).server(seed.BLADE_2)
    node = enroll_for_deploy(baremetal, lab.sim, seed.BLADE_2, name="async-4")
    move_node(baremetal, node.id, "manage")
    theirs = lab.sim.operator.apply_foreign_profile(server_uri, "payroll")["serverProfileUri"]
    baremetal.update_node(
        node.id, driver_info={**node.driver_info, "applied_server_profile_uri": theirs}
    )

    baremetal.set_node_provision_state(node.id, "provide")
    failed = wait_for(
        lambda: (n := baremetal.get_node(node.id)).provision_state == "clean failed" and n,
        "the cleaning's refusal",
    )

    assert "in use by a OneView user" in failed.last_error
    assert side.get(server_uri)["serverProfileUri"] == theirs
    assert side.rest.call("GET", theirs).status_code == 200
    assert "applied_server_profile_uri" not in failed.driver_info
    assert "applied_server_profile_uri" not in (failed.driver_internal_info or {})
