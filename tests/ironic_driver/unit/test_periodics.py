"""Dynamic allocation: the decision table, and one period against the simulator."""

from __future__ import annotations

from typing import Any

import pytest
from ironic.common import faults, states
from ironic.conductor import task_manager

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, periodics, profile_tasks, profiles, transitions
from oneview_openstack.ironic_driver.periodics import NodeView, decide
from oneview_openstack.ironic_driver.transitions import CLAIMED, Action

from .. import oneview_seed
from ..oneview_seed import OneViewSide
from .base import OneViewTestCase, allocate_now

OURS = "/rest/server-profiles/0a0a0a0a-0000-4000-8000-000000000001"
THEIRS = "/rest/server-profiles/0b0b0b0b-0000-4000-8000-000000000002"
CLAIM_REASON = "In use by OneView: ..."


def view(state: str, *, maintenance: bool = False, reason: str | None = None, **kw: Any):
    return NodeView(
        uuid="6c6c6c6c-0000-4000-8000-000000000003",
        provision_state=state,
        maintenance=maintenance,
        maintenance_reason=reason,
        driver_info=kw.get("driver_info", {}),
        driver_internal_info=kw.get("internal", {}),
        properties={},
    )


def server(profile: str | None) -> client.ServerHardware:
    return client.ServerHardware({"uri": "/rest/server-hardware/s1", "serverProfileUri": profile})


REMOVING_OURS = {
    profile_tasks.LEFTOVERS: [
        {"uri": "/rest/tasks/t1", "kind": profiles.REMOVE, "data": {"profile": OURS}}
    ]
}
CLAIMED_INFO = {CLAIMED: {"reason": CLAIM_REASON, "profile": THEIRS}}
LOST_OURS = {common.APPLIED_PROFILE: OURS, profiles.PROFILE_LOST: {"reason": "x"}}

DECISIONS = [
    # (node, server's profile, action)
    (view(states.AVAILABLE), THEIRS, Action.TAKE),
    (view(states.AVAILABLE), None, None),
    (view(states.AVAILABLE, maintenance=True, reason="operator"), THEIRS, None),
    (view(states.AVAILABLE, internal={common.APPLIED_PROFILE: OURS}), OURS, None),
    # driver_info is user-writable: a record there does not make a user's server Ironic's
    (view(states.AVAILABLE, driver_info={common.APPLIED_PROFILE: THEIRS}), THEIRS, Action.TAKE),
    # cleaning is over and OneView still deletes the node's own profile: not a user's server
    (view(states.AVAILABLE, internal=REMOVING_OURS), OURS, None),
    (view(states.AVAILABLE, internal=REMOVING_OURS), THEIRS, Action.TAKE),
    (view(states.MANAGEABLE, maintenance=True, reason=CLAIM_REASON, internal=CLAIMED_INFO),
     None, Action.GIVE_BACK),
    (view(states.MANAGEABLE, maintenance=True, reason=CLAIM_REASON, internal=CLAIMED_INFO),
     THEIRS, None),
    (view(states.MANAGEABLE, maintenance=True, reason="operator", internal=CLAIMED_INFO),
     None, None),
    (view(states.MANAGEABLE, maintenance=True, reason="operator"), None, None),
    (view(states.MANAGEABLE), THEIRS, None),
    (view(states.CLEANFAIL, internal={profiles.ALLOCATION_ERROR: "in use"}), THEIRS,
     Action.RESCUE),
    (view(states.CLEANFAIL, internal={profiles.ALLOCATION_ERROR: "in use"}), None,
     Action.RESCUE),
    (view(states.CLEANFAIL), THEIRS, None),
    (view(states.ACTIVE, internal={common.APPLIED_PROFILE: OURS}), OURS, None),
    (view(states.ACTIVE, internal={common.APPLIED_PROFILE: OURS}), None, Action.FLAG_LOST),
    (view(states.ACTIVE, internal={common.APPLIED_PROFILE: OURS}), THEIRS,
     Action.FLAG_LOST),
    (view(states.ACTIVE, internal=LOST_OURS), None, None),
    (view(states.ACTIVE, internal=LOST_OURS), OURS, Action.CLEAR_LOST),
    (view(states.ACTIVE), THEIRS, None),  # deployed without a profile (another deploy)
    (view(states.DEPLOYING), THEIRS, None),
]  # fmt: skip


@pytest.mark.parametrize(("node", "carried", "action"), DECISIONS)
def test_decision_table(node: NodeView, carried: str | None, action: Action | None) -> None:
    assert decide(node, server(carried)) is action


class RecordingManager:
    """The two conductor-manager methods the periodic uses: the real node query of the test
    database, and provisioning actions recorded instead of started."""

    def __init__(self, dbapi: Any) -> None:
        self.dbapi = dbapi
        self.actions: list[tuple[str, str]] = []

    def iter_nodes(self, fields: Any = None, **kwargs: Any) -> list[tuple[Any, ...]]:
        columns = ["uuid", "driver", "conductor_group", *(fields or ())]
        return list(self.dbapi.get_nodeinfo_list(columns=columns, **kwargs))

    def do_provisioning_action(self, context: Any, node_id: str, action: str) -> None:
        self.actions.append((node_id, action))


class PeriodTestCase(OneViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sim.operator.set_config(time_scale=0.001)
        self.side = OneViewSide(self.sim)
        self.manager = RecordingManager(self.dbapi)

    def run_period(self) -> periodics.PeriodReport:
        self.sim.operator.clear_counters()
        return periodics.DynamicAllocation(self.manager, self.context).run()

    def oneview_calls(self) -> dict[str, int]:
        return {k: v for k, v in self.sim.operator.counters().items() if "/rest/" in k}

    def node_on(self, server: str, state: str, **fields: Any) -> Any:
        name = server.lower().replace(", ", "-").replace(" ", "-").replace(".", "-")
        return self.create_oneview_node(server=server, name=name, provision_state=state, **fields)

    # -- the three transitions of the original driver ---------------------------------

    def test_a_server_claimed_by_a_oneview_user_takes_its_node_out_of_available(self) -> None:
        node = self.node_on(oneview_seed.BLADE, states.AVAILABLE)
        self.sim.operator.apply_foreign_profile(self.seed.server(oneview_seed.BLADE), "sap-2")

        report = self.run_period()

        node.refresh()
        assert (node.provision_state, node.maintenance) == (states.MANAGEABLE, True)
        assert node.maintenance_reason.startswith("In use by OneView")
        assert "'sap-2'" in node.maintenance_reason
        assert node.driver_internal_info[CLAIMED]["reason"] == node.maintenance_reason
        assert report.actions == {"take": [node.uuid]}

    def test_the_freed_node_goes_back_through_cleaning(self) -> None:
        blade = self.seed.server(oneview_seed.BLADE)
        node = self.node_on(oneview_seed.BLADE, states.AVAILABLE)
        self.sim.operator.apply_foreign_profile(blade, "sap-2")
        self.run_period()
        self.sim.operator.remove_foreign_profile(blade)

        report = self.run_period()

        node.refresh()
        assert (node.provision_state, node.maintenance) == (states.MANAGEABLE, False)
        assert node.maintenance_reason is None
        assert CLAIMED not in node.driver_internal_info
        assert self.manager.actions == [(node.uuid, "provide")]
        assert report.actions == {"give back": [node.uuid]}

    def test_a_node_still_claimed_stays_out(self) -> None:
        node = self.node_on(oneview_seed.BLADE, states.AVAILABLE)
        self.sim.operator.apply_foreign_profile(self.seed.server(oneview_seed.BLADE), "sap-2")
        self.run_period()

        report = self.run_period()

        node.refresh()
        assert (node.provision_state, node.maintenance) == (states.MANAGEABLE, True)
        assert report.actions == {} and self.manager.actions == []

    def test_cleaning_that_lost_the_race_is_rescued_into_manageable(self) -> None:
        node = self.node_on(
            oneview_seed.BLADE,
            states.CLEANFAIL,
            driver_internal_info={profiles.ALLOCATION_ERROR: "in use by a OneView user"},
            last_error="Failed to prepare node for cleaning: in use by a OneView user",
        )
        self.sim.operator.apply_foreign_profile(self.seed.server(oneview_seed.BLADE), "sap-2")

        self.run_period()

        node.refresh()
        assert (node.provision_state, node.maintenance) == (states.MANAGEABLE, True)
        assert node.maintenance_reason.startswith("In use by OneView")
        assert profiles.ALLOCATION_ERROR not in node.driver_internal_info
        assert self.manager.actions == []

    def test_a_failed_cleaning_whose_own_profile_oneview_still_removes_is_provided(self) -> None:
        blade = self.seed.server(oneview_seed.BLADE)
        self.sim.operator.apply_foreign_profile(blade, "ironic-left-behind")
        carried = self.side.get(blade)["serverProfileUri"]
        removing = {"uri": "/rest/tasks/t1", "kind": profiles.REMOVE, "data": {"profile": carried}}
        node = self.node_on(
            oneview_seed.BLADE,
            states.CLEANFAIL,
            driver_internal_info={
                profiles.ALLOCATION_ERROR: "in use by a OneView user",
                profile_tasks.LEFTOVERS: [removing],
            },
        )

        self.run_period()

        node.refresh()
        assert (node.provision_state, node.maintenance) == (states.MANAGEABLE, False)
        assert CLAIMED not in node.driver_internal_info, "its own profile is nobody's"
        assert self.manager.actions == [(node.uuid, "provide")]

    def test_cleaning_that_lost_the_race_is_provided_again_once_the_server_is_free(self) -> None:
        node = self.node_on(
            oneview_seed.BLADE,
            states.CLEANFAIL,
            maintenance=True,
            fault=faults.CLEAN_FAILURE,
            maintenance_reason="cleaning failed",
            driver_internal_info={profiles.ALLOCATION_ERROR: "in use by a OneView user"},
        )

        self.run_period()

        node.refresh()
        assert (node.provision_state, node.maintenance, node.fault) == (
            states.MANAGEABLE,
            False,
            None,
        )
        assert self.manager.actions == [(node.uuid, "provide")]

    # -- operators and Ironic's own profiles ------------------------------------------

    def test_maintenance_an_operator_set_is_never_touched(self) -> None:
        blade = self.seed.server(oneview_seed.BLADE)
        node = self.node_on(oneview_seed.BLADE, states.AVAILABLE)
        self.sim.operator.apply_foreign_profile(blade, "sap-2")
        self.run_period()
        with task_manager.acquire(self.context, node.uuid) as task:
            task.node.maintenance_reason = "replacing a DIMM"  # the operator takes over
            task.node.save()
        self.sim.operator.remove_foreign_profile(blade)
        operated = self.node_on(
            oneview_seed.BLADE_2, states.AVAILABLE, maintenance=True, maintenance_reason="mine"
        )
        self.sim.operator.apply_foreign_profile(self.seed.server(oneview_seed.BLADE_2), "x")

        self.run_period()

        node.refresh()
        operated.refresh()
        assert (node.provision_state, node.maintenance_reason) == (
            states.MANAGEABLE,
            "replacing a DIMM",
        )
        assert (operated.provision_state, operated.maintenance_reason) == (
            states.AVAILABLE,
            "mine",
        )
        assert self.manager.actions == []

    def test_a_server_carrying_ironics_own_profile_is_not_taken(self) -> None:
        node = self.node_on(oneview_seed.BLADE, states.AVAILABLE)
        with task_manager.acquire(self.context, node.uuid) as task:
            allocate_now(task)
            task.node.del_driver_internal_info(common.APPLIED_PROFILE)  # a record lost
            task.node.save()  # still Ironic's by name

        self.run_period()

        node.refresh()
        assert (node.provision_state, node.maintenance) == (states.AVAILABLE, False)

    # -- nodes upgraded from the driver_info ownership record ------------------------

    def test_an_upgraded_nodes_own_record_moves_to_driver_internal_info(self) -> None:
        node = self.node_on(oneview_seed.BLADE, states.ACTIVE)
        with task_manager.acquire(self.context, node.uuid) as task:
            profile = allocate_now(task)
            task.node.del_driver_internal_info(common.APPLIED_PROFILE)  # the old layout
            task.node.driver_info = {**task.node.driver_info, common.APPLIED_PROFILE: profile.uri}
            task.node.save()

        report = self.run_period()

        node.refresh()
        assert common.APPLIED_PROFILE not in node.driver_info
        assert common.applied_profile_uri(node) == profile.uri
        assert report.actions == {"legacy record": [node.uuid]}, "not flagged as lost"
        assert not node.maintenance

    def test_a_forged_record_of_a_users_profile_is_dropped_and_the_node_taken(self) -> None:
        blade = self.seed.server(oneview_seed.BLADE)
        node = self.node_on(oneview_seed.BLADE, states.AVAILABLE)
        theirs = self.sim.operator.apply_foreign_profile(blade, "sap-2")["serverProfileUri"]
        node.driver_info = {**node.driver_info, common.APPLIED_PROFILE: theirs}
        node.save()

        report = self.run_period()

        node.refresh()
        assert common.APPLIED_PROFILE not in node.driver_info
        assert common.applied_profile_uri(node) is None
        assert report.actions["take"] == [node.uuid]
        assert self.side.get(blade)["serverProfileUri"] == theirs

    # -- active nodes -----------------------------------------------------------------

    def test_an_active_node_whose_profile_was_removed_is_flagged_then_cleared(self) -> None:
        node = self.node_on(oneview_seed.BLADE, states.ACTIVE)
        with task_manager.acquire(self.context, node.uuid) as task:
            profile = allocate_now(task)
        blade = self.seed.server(oneview_seed.BLADE)
        self.sim.operator.remove_foreign_profile(blade)  # an admin deletes Ironic's profile

        self.run_period()

        node.refresh()
        assert node.provision_state == states.ACTIVE
        assert node.maintenance
        assert node.maintenance_reason.startswith("Server profile lost in OneView")
        assert profile.uri in node.maintenance_reason
        assert node.last_error == node.maintenance_reason

        self.run_period()  # flagged once, not again
        assert self.manager.actions == []

        # the profile comes back (an admin restores it): the server carries the recorded one
        restored = self.sim.operator.apply_foreign_profile(blade, "restored")
        with task_manager.acquire(self.context, node.uuid) as task:
            profiles.record(task.node, restored["serverProfileUri"])

        self.run_period()

        node.refresh()
        assert not node.maintenance
        assert node.last_error is None
        assert profiles.PROFILE_LOST not in node.driver_internal_info

    def test_a_lost_profile_on_a_node_an_operator_maintains_keeps_the_operators_reason(
        self,
    ) -> None:
        node = self.node_on(
            oneview_seed.BLADE, states.ACTIVE, maintenance=True, maintenance_reason="firmware"
        )
        with task_manager.acquire(self.context, node.uuid) as task:
            allocate_now(task)
        self.sim.operator.remove_foreign_profile(self.seed.server(oneview_seed.BLADE))

        self.run_period()

        node.refresh()
        assert node.maintenance_reason == "firmware"
        assert node.last_error.startswith("Server profile lost in OneView")

    def test_tear_down_forgets_the_lost_profile_and_its_maintenance(self) -> None:
        node = self.node_on(oneview_seed.BLADE, states.ACTIVE)
        with task_manager.acquire(self.context, node.uuid) as task:
            allocate_now(task)
        self.sim.operator.remove_foreign_profile(self.seed.server(oneview_seed.BLADE))
        self.run_period()

        with task_manager.acquire(self.context, node.uuid) as task:
            transitions.forget_lost_profile(task.node)
            task.node.save()

        node.refresh()
        assert not node.maintenance
        assert profiles.PROFILE_LOST not in node.driver_internal_info

    # -- cost ---------------------------------------------------------------------------

    def test_one_listing_per_period_whatever_the_number_of_nodes(self) -> None:
        servers = [
            oneview_seed.BLADE,
            oneview_seed.BLADE_2,
            oneview_seed.BLADE_BIG,
            oneview_seed.BLADE_EDGE,
        ]
        for index, name in enumerate(servers):
            template = oneview_seed.TEMPLATE_EDGE if name == oneview_seed.BLADE_EDGE else None
            state = (states.AVAILABLE, states.ACTIVE, states.MANAGEABLE)[index % 3]
            self.create_oneview_node(
                server=name, name=f"n{index}", provision_state=state, template=template
            )

        self.run_period()  # logs in (the simulator was reset)
        report = self.run_period()

        assert report.nodes == len(servers)
        assert report.listings == 1
        assert self.oneview_calls() == {"GET /rest/server-hardware": 1}

    def test_no_node_to_watch_costs_no_call(self) -> None:
        self.node_on(oneview_seed.BLADE, states.ENROLL)

        report = self.run_period()

        assert report.nodes == 0
        assert self.oneview_calls() == {}

    def test_an_unreachable_oneview_skips_the_period(self) -> None:
        node = self.node_on(oneview_seed.BLADE, states.AVAILABLE)
        self.sim.operator.add_fault("/rest/server-hardware*", status=503, times=None)
        try:
            report = self.run_period()
        finally:
            self.sim.operator.clear_faults()

        node.refresh()
        assert report.listings == 0
        assert node.provision_state == states.AVAILABLE
