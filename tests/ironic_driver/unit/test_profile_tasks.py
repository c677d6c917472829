"""Steps waiting for OneView tasks: recorded on the node, settled by one listing per period."""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

import pytest
from ironic.common import exception, states
from ironic.conductor import task_manager
from ironic.conductor import utils as manager_utils

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, profile_tasks

from .. import oneview_seed
from .base import OneViewTestCase, allocate_now
from .test_periodics import RecordingManager

SEEN: list[tuple[str, Any]] = []


@profile_tasks.on_success("test-power")
def _powered(task: Any, finished: client.Task, data: dict[str, Any]) -> str | None:
    SEEN.append(("success", (finished.uri, data)))
    return data.get("answer")


@profile_tasks.on_failure("test-power")
def _power_failed(task: Any, finished: client.Task | None, data: dict[str, Any], msg: str) -> None:
    SEEN.append(("failure", (finished.uri if finished else None, msg)))


@profile_tasks.on_leftover("test-power")
def _power_leftover(task: Any, finished: client.Task, data: dict[str, Any]) -> None:
    SEEN.append(("leftover", (finished.uri, finished.state)))


@profile_tasks.on_success("test-chain")
def _chain(task: Any, finished: client.Task, data: dict[str, Any]) -> str | None:
    SEEN.append(("chained", finished.uri))
    return profile_tasks.wait_for(task, client.Task.completed(None), kind="test-power", timeout=5)


class ProfileTasksTestCase(OneViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        SEEN.clear()
        self.sim.operator.set_config(time_scale=0.001)
        self.manager = RecordingManager(self.dbapi)
        resume = mock.patch.object(manager_utils, "notify_conductor_resume_operation")
        self.resumed = resume.start()
        self.addCleanup(resume.stop)

    def ov(self, node: Any) -> client.OneViewClient:
        return common.get_client(common.parse_driver_info(node))

    def waiting_node(
        self, server: str = oneview_seed.BLADE, *, timeout: float = 60, answer: str | None = None
    ) -> tuple[Any, client.Task]:
        """A node in CLEANWAIT (its prepare_cleaning) waiting for a power task of *server*."""
        name = server.lower().replace(", ", "-").replace(" ", "-").replace(".", "-")
        node = self.create_oneview_node(server=server, name=name, provision_state=states.CLEANING)
        ov = self.ov(node)
        started = ov.server_hardware.set_power(
            self.seed.server(server), client.PowerState.ON, wait=False
        )
        data = {"answer": answer} if answer else {}
        with task_manager.acquire(self.context, node.uuid) as task:
            state = profile_tasks.wait_for(
                task, started, kind="test-power", timeout=timeout, data=data
            )
            task.process_event("wait")
        assert state == states.CLEANWAIT
        return node, started

    def run_period(self) -> profile_tasks.PollReport:
        self.sim.operator.clear_counters()
        return profile_tasks.TaskPoller(self.manager, self.context).run()

    def task_listings(self) -> int:
        counters = self.sim.operator.counters()
        return sum(v for k, v in counters.items() if k.startswith("GET /rest/tasks"))

    def finish(self, started: client.Task, node: Any) -> client.Task:
        return self.ov(node).tasks.wait(started) if started.uri else started

    # -- wait_for ---------------------------------------------------------------------

    def test_wait_for_records_the_task_and_frees_the_step(self) -> None:
        node, started = self.waiting_node()

        node.refresh()
        recorded = node.driver_internal_info[profile_tasks.PENDING]
        assert node.provision_state == states.CLEANWAIT
        assert recorded["uri"] == started.uri and recorded["kind"] == "test-power"
        assert recorded["operation"] == "clean" and recorded["timeout"] == 60
        assert node.reservation is None, "the lock is free while OneView works"

    def test_a_deploy_step_waits_in_deploywait_and_is_polled(self) -> None:
        node = self.create_oneview_node(
            provision_state=states.DEPLOYING, deploy_step={"step": "x", "interface": "deploy"}
        )
        with task_manager.acquire(self.context, node.uuid) as task:
            state = profile_tasks.wait_for(
                task, client.Task.completed(None), kind="test-power", timeout=5
            )
        node.refresh()
        assert state == states.DEPLOYWAIT
        assert node.driver_internal_info["deployment_polling"] is True
        assert node.driver_internal_info["skip_current_deploy_step"] is True

    def inspecting_node(self, *, answer: str | None = None) -> tuple[Any, client.Task]:
        """A node in INSPECTWAIT (its inspect_hardware) waiting for a power task."""
        node = self.create_oneview_node(provision_state=states.INSPECTING)
        started = self.ov(node).server_hardware.set_power(
            self.seed.server(oneview_seed.BLADE), client.PowerState.ON, wait=False
        )
        data = {"answer": answer} if answer else {}
        with task_manager.acquire(self.context, node.uuid) as task:
            state = profile_tasks.wait_for(task, started, kind="test-power", timeout=60, data=data)
            task.process_event("wait")
        assert state == states.INSPECTWAIT
        return node, started

    def test_an_inspection_waits_in_inspectwait_and_is_done_after_the_task(self) -> None:
        node, started = self.inspecting_node()
        node.refresh()
        assert node.driver_internal_info[profile_tasks.PENDING]["operation"] == "inspect"
        assert node.reservation is None, "the lock is free while OneView works"
        self.finish(started, node)

        report = self.run_period()

        node.refresh()
        assert report.handled == {"resumed": [node.uuid]}
        assert node.provision_state == states.MANAGEABLE
        assert profile_tasks.PENDING not in node.driver_internal_info

    def test_an_inspection_may_keep_waiting_for_the_agent(self) -> None:
        node, started = self.inspecting_node(answer=profile_tasks.KEEP_WAITING)
        self.finish(started, node)

        self.run_period()

        node.refresh()
        assert node.provision_state == states.INSPECTWAIT

    def test_a_failed_task_fails_the_inspection_with_oneviews_message(self) -> None:
        self.sim.operator.fail_next_task(
            "SERVER_MOMENTARY_PRESS_OFF_TIMEOUT",
            "The server did not power off in time.",
            resource_category="server-hardware",
        )
        node, started = self.inspecting_node()
        with pytest.raises(client.TaskFailed):
            self.finish(started, node)

        report = self.run_period()

        node.refresh()
        assert report.handled == {"failed": [node.uuid]}
        assert node.provision_state == states.INSPECTFAIL
        assert node.uuid in node.last_error and started.uri in node.last_error
        assert "The server did not power off in time." in node.last_error
        assert SEEN[0][0] == "failure" and SEEN[0][1][0] == started.uri
        history = self.dbapi.get_node_history_by_node_id(node.id)
        assert history[-1].event_type == states.INTROSPECTION and history[-1].severity == "ERROR"

    def test_a_timed_out_task_fails_the_inspection_and_becomes_a_leftover(self) -> None:
        self.sim.operator.set_config(time_scale=0.05)
        node, started = self.inspecting_node()
        with task_manager.acquire(self.context, node.uuid) as task:
            entry = dict(task.node.driver_internal_info[profile_tasks.PENDING], timeout=0.0)
            task.node.set_driver_internal_info(profile_tasks.PENDING, entry)
            task.node.save()

        self.run_period()

        node.refresh()
        assert node.provision_state == states.INSPECTFAIL
        assert "still" in node.last_error and started.uri in node.last_error
        assert [e["uri"] for e in profile_tasks.leftovers(node)] == [started.uri]

    def test_waiting_outside_an_operation_is_refused(self) -> None:
        node = self.create_oneview_node(provision_state=states.MANAGEABLE)
        with (
            task_manager.acquire(self.context, node.uuid) as task,
            pytest.raises(exception.InvalidState, match="manageable"),
        ):
            profile_tasks.wait_for(task, client.Task.completed(None), kind="test-power", timeout=5)

    def test_an_unregistered_kind_is_a_programming_error(self) -> None:
        node = self.create_oneview_node(provision_state=states.CLEANING)
        with (
            task_manager.acquire(self.context, node.uuid) as task,
            pytest.raises(ValueError, match="no-such-kind"),
        ):
            profile_tasks.wait_for(
                task, client.Task.completed(None), kind="no-such-kind", timeout=5
            )

    # -- the poller -------------------------------------------------------------------

    def test_finished_tasks_of_many_nodes_are_read_in_one_listing(self) -> None:
        waiting = [
            self.waiting_node(server)
            for server in (oneview_seed.BLADE, oneview_seed.BLADE_2, oneview_seed.BLADE_BIG)
        ]
        for node, started in waiting:
            self.finish(started, node)

        report = self.run_period()

        assert self.task_listings() == 1, "one listing, not one GET per node"
        assert report.listings == 1 and report.nodes == 3
        assert sorted(report.handled["resumed"]) == sorted(n.uuid for n, _ in waiting)
        assert self.resumed.call_count == 3
        for node, _started in waiting:
            node.refresh()
            assert profile_tasks.PENDING not in node.driver_internal_info

    def test_a_running_task_keeps_the_node_waiting_without_taking_its_lock(self) -> None:
        self.sim.operator.set_config(time_scale=1.0)
        node, _started = self.waiting_node()

        report = self.run_period()

        node.refresh()
        assert report.handled == {} and SEEN == []
        assert node.provision_state == states.CLEANWAIT
        assert profile_tasks.PENDING in node.driver_internal_info

    def test_a_handler_may_keep_the_node_waiting(self) -> None:
        node, started = self.waiting_node(answer=profile_tasks.KEEP_WAITING)
        self.finish(started, node)

        report = self.run_period()

        node.refresh()
        assert report.handled == {"waiting": [node.uuid]}
        assert [("success", (started.uri, {"answer": profile_tasks.KEEP_WAITING}))] == SEEN
        assert node.provision_state == states.CLEANWAIT and not self.resumed.called

    def test_a_failed_task_fails_the_operation_with_oneviews_message(self) -> None:
        self.sim.operator.fail_next_task(
            "SERVER_MOMENTARY_PRESS_OFF_TIMEOUT",
            "The server did not power off in time.",
            resource_category="server-hardware",
        )
        node, started = self.waiting_node()
        self.sim.operator.set_config(time_scale=0.001)
        with pytest.raises(client.TaskFailed):
            self.finish(started, node)

        report = self.run_period()

        node.refresh()
        assert report.handled == {"failed": [node.uuid]}
        assert node.provision_state == states.CLEANFAIL
        assert node.uuid in node.last_error and started.uri in node.last_error
        assert "The server did not power off in time." in node.last_error
        assert "SERVER_MOMENTARY_PRESS_OFF_TIMEOUT" in node.last_error
        assert SEEN[0][0] == "failure" and SEEN[0][1][0] == started.uri
        assert profile_tasks.PENDING not in node.driver_internal_info

    def test_a_timed_out_task_fails_the_operation_and_is_cleaned_up_when_it_ends(self) -> None:
        self.sim.operator.set_config(time_scale=0.05)
        node, started = self.waiting_node(timeout=0.01)
        time.sleep(0.02)

        self.run_period()

        node.refresh()
        assert node.provision_state == states.CLEANFAIL
        assert "still" in node.last_error and started.uri in node.last_error
        assert SEEN[0][0] == "failure" and SEEN[0][1][0] is None
        assert node.last_error.startswith(SEEN[0][1][1]), "the handler saw the message"
        assert [e["uri"] for e in profile_tasks.leftovers(node)] == [started.uri]

        self.finish(started, node)
        report = self.run_period()

        node.refresh()
        assert report.handled == {"leftover-test-power": [node.uuid]}
        assert SEEN[-1] == ("leftover", (started.uri, client.TaskState.COMPLETED))
        assert profile_tasks.LEFTOVERS not in node.driver_internal_info

    def test_an_abandoned_task_is_cleaned_up_when_it_ends(self) -> None:
        self.sim.operator.set_config(time_scale=0.05)
        node, started = self.waiting_node()
        with task_manager.acquire(self.context, node.uuid) as task:
            entry = profile_tasks.abandon(task, "aborted")
        assert entry is not None and entry["uri"] == started.uri

        self.finish(started, node)
        self.run_period()

        node.refresh()
        assert [("leftover", (started.uri, client.TaskState.COMPLETED))] == SEEN
        assert profile_tasks.LEFTOVERS not in node.driver_internal_info
        assert node.provision_state == states.CLEANWAIT, "abandon does not decide the state"

    def test_a_handler_chains_another_task_while_cleaning_is_prepared(self) -> None:
        node = self.create_oneview_node(provision_state=states.CLEANING)
        with task_manager.acquire(self.context, node.uuid) as task:
            profile_tasks.wait_for(task, client.Task.completed(None), kind="test-chain", timeout=5)
            task.process_event("wait")

        first = self.run_period()
        second = self.run_period()

        node.refresh()
        assert first.handled == {"waiting": [node.uuid]}
        assert second.handled == {"resumed": [node.uuid]}
        assert node.provision_state == states.CLEANWAIT and self.resumed.called
        assert profile_tasks.PENDING not in node.driver_internal_info

    def test_a_task_recorded_after_the_periods_listing_is_read_next_period(self) -> None:
        # The period lists the tasks the nodes record, then takes each node's lock: by then
        # the node may record a task the listing did not ask about (a deploy applied its
        # profile meanwhile). It is not one OneView purged: the next period reads it.
        node, started = self.waiting_node()
        self.finish(started, node)
        stale_listing = {"/rest/tasks/the-task-the-node-recorded-before"}

        with task_manager.acquire(self.context, node.uuid) as task:
            outcomes = profile_tasks.NodeTasks(task, {}, stale_listing).settle()

        node.refresh()
        assert outcomes == [] and SEEN == []
        assert node.provision_state == states.CLEANWAIT, node.last_error
        assert node.driver_internal_info[profile_tasks.PENDING]["uri"] == started.uri
        assert self.run_period().handled == {"resumed": [node.uuid]}

    def test_a_listed_task_oneview_no_longer_has_fails_the_operation(self) -> None:
        node, started = self.waiting_node()

        with task_manager.acquire(self.context, node.uuid) as task:
            outcomes = profile_tasks.NodeTasks(task, {}, {started.uri}).settle()

        node.refresh()
        assert outcomes == ["failed"]
        assert "OneView no longer lists this task" in (node.last_error or "")
        assert profile_tasks.PENDING not in node.driver_internal_info

    def test_a_locked_node_is_left_for_the_next_period(self) -> None:
        node, started = self.waiting_node()
        self.finish(started, node)

        with task_manager.acquire(self.context, node.uuid):
            report = self.run_period()

        assert report.handled == {} and SEEN == []
        node.refresh()
        assert profile_tasks.PENDING in node.driver_internal_info

    # -- nodes upgraded from the driver_info ownership record -------------------------

    def test_an_upgraded_nodes_record_moves_at_the_next_poll(self) -> None:
        node = self.create_oneview_node(name="up-1", provision_state=states.ACTIVE)
        with task_manager.acquire(self.context, node.uuid) as task:
            profile = allocate_now(task)
            task.node.del_driver_internal_info(common.APPLIED_PROFILE)  # the old layout
            task.node.driver_info = {**task.node.driver_info, common.APPLIED_PROFILE: profile.uri}
            task.node.save()

        report = self.run_period()

        node.refresh()
        assert report.handled == {"legacy-record": [node.uuid]}
        assert common.APPLIED_PROFILE not in node.driver_info
        assert common.applied_profile_uri(node) == profile.uri

    def test_a_forged_record_is_dropped_at_the_next_poll(self) -> None:
        blade = self.seed.server(oneview_seed.BLADE)
        theirs = self.sim.operator.apply_foreign_profile(blade, "sap-2")["serverProfileUri"]
        node = self.create_oneview_node(
            provision_state=states.ACTIVE, driver_info={common.APPLIED_PROFILE: theirs}
        )

        self.run_period()

        node.refresh()
        assert common.APPLIED_PROFILE not in node.driver_info
        assert common.applied_profile_uri(node) is None
        assert self.ov(node).server_hardware.get(blade).server_profile_uri == theirs
