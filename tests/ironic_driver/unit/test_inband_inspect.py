"""In-band inspection (``oneview-agent``): the profile is applied without holding the node,
and is there while the agent runs."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from ironic.common import exception, states
from ironic.conductor import task_manager

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, inband_inspect, periodics, profile_tasks

from .. import oneview_seed
from ..oneview_seed import OneViewSide
from .base import OneViewTestCase
from .test_periodics import RecordingManager

MAC = "02:23:13:10:00:01"  # the seed's first blade's PXE NIC


def inventory() -> dict[str, Any]:
    """What ironic-python-agent would send: enough for Ironic's default inspection hooks."""
    return {
        "interfaces": [{"name": "eno1", "mac_address": MAC, "ipv4_address": "192.0.2.10"}],
        "cpu": {"architecture": "x86_64", "count": 28},
        "memory": {"physical_mb": 262144},
        "disks": [{"name": "/dev/sda", "size": 480 * 1024**3}],
    }


class InbandInspectTestCase(OneViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sim.operator.set_config(time_scale=0.001)
        self.config(endpoint_override="http://127.0.0.1:6385", group="service_catalog")
        # no deploy kernel here for pxe to boot the agent: the server boots it from the network
        self.config(require_managed_boot=False, group="inspector")
        self.side = OneViewSide(self.sim)
        self.server_uri = self.seed.server(oneview_seed.BLADE)
        self.node = self.create_oneview_node(
            name="inband-1",
            provision_state=states.INSPECTING,
            inspect_interface="oneview-agent",
            boot_interface="pxe",
            network_interface="noop",
            deploy_interface="oneview-direct",
        )

    def removals_end(self) -> None:
        """Wait for the profile tasks started in the background; the poller settles them."""
        self.node.refresh()
        ov = common.get_client(common.parse_driver_info(self.node))
        for entry in profile_tasks.leftovers(self.node):
            with contextlib.suppress(client.TaskFailed):
                ov.tasks.wait(entry["uri"])
        self.run_poller()
        self.node.refresh()

    def run_poller(self) -> profile_tasks.PollReport:
        return profile_tasks.TaskPoller(RecordingManager(self.dbapi), self.context).run()

    def carried(self) -> str | None:
        return self.side.get(self.server_uri)["serverProfileUri"]

    def start(self) -> str:
        """inspect_hardware, as Ironic's conductor runs it (INSPECTWAIT: the 'wait' event)."""
        with task_manager.acquire(self.context, self.node.uuid) as task:
            result: str = task.driver.inspect.inspect_hardware(task)
            if result == states.INSPECTWAIT:
                task.process_event("wait")
        self.node.refresh()
        return result

    def apply_ends(self) -> profile_tasks.PollReport:
        """OneView ends the apply the inspection waits for; the poller's next period."""
        waiting = profile_tasks.pending(self.node)
        assert waiting is not None, "the inspection waits for OneView"
        ov = common.get_client(common.parse_driver_info(self.node))
        with contextlib.suppress(client.TaskFailed):
            ov.tasks.wait(waiting["uri"])
        report = self.run_poller()
        self.node.refresh()
        return report

    def inspecting(self) -> None:
        """The inspection started and its profile applied: the agent boots."""
        self.start()
        self.apply_ends()

    def test_the_inspection_waits_for_the_apply_with_the_node_unlocked(self) -> None:
        self.sim.operator.set_config(time_scale=0.01)

        assert self.start() == states.INSPECTWAIT

        waiting = profile_tasks.pending(self.node)
        assert waiting is not None and waiting["kind"] == inband_inspect.APPLY
        assert waiting["operation"] == "inspect"
        assert self.node.reservation is None, "the lock is free while OneView applies"
        assert common.applied_profile_uri(self.node) is None
        assert self.side.get(self.server_uri)["powerState"] == "Off", "the agent boots after"

    def test_the_agent_boots_on_a_server_carrying_the_nodes_profile(self) -> None:
        self.start()

        report = self.apply_ends()

        assert report.handled == {"waiting": [self.node.uuid]}
        assert self.node.provision_state == states.INSPECTWAIT, "until the agent's data"
        assert self.carried() == common.applied_profile_uri(self.node)
        assert self.node.driver_internal_info[inband_inspect.INSPECTION_PROFILE] is True
        assert profile_tasks.PENDING not in self.node.driver_internal_info
        assert self.side.get(self.server_uri)["powerState"] == "On"
        assert self.node.boot_mode == "uefi"  # the profile's, for the boot interface

    def test_a_profile_already_applied_boots_the_agent_at_once(self) -> None:
        self.inspecting()
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.node.provision_state = states.INSPECTING  # inspected again, profile kept
            task.node.save()

        assert self.start() == states.INSPECTWAIT

        assert profile_tasks.pending(self.node) is None
        assert self.carried() == common.applied_profile_uri(self.node)

    def test_the_profile_goes_when_the_agents_data_arrived(self) -> None:
        self.inspecting()
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.driver.inspect.continue_inspection(task, inventory(), {})

        self.removals_end()
        assert self.carried() is None
        assert common.applied_profile_uri(self.node) is None
        assert inband_inspect.INSPECTION_PROFILE not in self.node.driver_internal_info
        assert self.node.properties.get("cpu_arch") == "x86_64"

    def test_the_profile_goes_when_the_inspection_is_aborted(self) -> None:
        self.inspecting()
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.driver.inspect.abort(task)

        self.removals_end()
        assert self.carried() is None

    def test_an_abort_during_the_apply_leaves_nothing_once_oneview_ends_it(self) -> None:
        self.sim.operator.set_config(time_scale=0.01)
        self.start()
        task_uri = profile_tasks.pending(self.node)["uri"]  # type: ignore[index]
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.driver.inspect.abort(task)
            task.process_event("abort")

        self.node.refresh()
        assert self.node.provision_state == states.INSPECTFAIL
        assert [e["uri"] for e in profile_tasks.leftovers(self.node)] == [task_uri]
        assert self.side.rest.call("GET", task_uri).json()["taskState"] == "Running"

        self.removals_end()  # OneView ends the apply; its profile goes
        self.removals_end()  # and the removal ends
        assert self.carried() is None
        assert self.profiles_named("ironic-inband-1") == []
        assert profile_tasks.LEFTOVERS not in self.node.driver_internal_info
        assert inband_inspect.INSPECTION_PROFILE not in self.node.driver_internal_info

    def test_a_failed_apply_fails_the_inspection_with_oneviews_message_and_no_profile(
        self,
    ) -> None:
        self.sim.operator.fail_next_task(
            "SERVER_PROFILE_APPLY_FAILED", "Mezzanine 3 did not respond.", name="Create"
        )
        self.start()

        report = self.apply_ends()
        self.removals_end()

        assert report.handled == {"failed": [self.node.uuid]}
        assert self.node.provision_state == states.INSPECTFAIL
        assert "Mezzanine 3 did not respond." in self.node.last_error
        assert self.node.uuid in self.node.last_error
        assert self.carried() is None
        assert self.profiles_named("ironic-inband-1") == []
        assert inband_inspect.INSPECTION_PROFILE not in self.node.driver_internal_info

    def test_the_agents_boot_failing_after_the_apply_fails_the_inspection_and_no_profile(
        self,
    ) -> None:
        self.start()
        self.sim.operator.fail_next_task(
            "POWER_ON_FAILED", "The iLO did not answer.", resource_category="server-hardware"
        )

        report = self.apply_ends()
        self.removals_end()

        assert report.handled == {"failed": [self.node.uuid]}
        assert self.node.provision_state == states.INSPECTFAIL
        assert "The iLO did not answer." in self.node.last_error
        assert self.carried() is None
        assert common.applied_profile_uri(self.node) is None
        assert inband_inspect.INSPECTION_PROFILE not in self.node.driver_internal_info

    def test_an_apply_past_the_timeout_fails_the_inspection_and_its_profile_goes_later(
        self,
    ) -> None:
        self.sim.operator.set_config(time_scale=0.01)
        self.start()
        with task_manager.acquire(self.context, self.node.uuid) as task:
            entry = dict(profile_tasks.pending(task.node) or {}, timeout=0.0)
            task.node.set_driver_internal_info(profile_tasks.PENDING, entry)
            task.node.save()

        self.run_poller()

        self.node.refresh()
        assert self.node.provision_state == states.INSPECTFAIL
        assert "[oneview]task_timeout" in self.node.last_error
        assert [e["uri"] for e in profile_tasks.leftovers(self.node)] == [entry["uri"]]
        self.removals_end()  # OneView ends the apply; its profile goes
        self.removals_end()  # and the removal ends
        assert self.carried() is None
        assert self.profiles_named("ironic-inband-1") == []
        assert inband_inspect.INSPECTION_PROFILE not in self.node.driver_internal_info

    def test_a_server_a_oneview_user_holds_is_not_inspected_in_band(self) -> None:
        taken = self.sim.operator.apply_foreign_profile(self.server_uri, "batch-team")

        with pytest.raises(exception.HardwareInspectionFailure, match="in use by a OneView"):
            self.start()

        assert self.carried() == taken["serverProfileUri"]
        assert self.side.get(self.server_uri)["powerState"] == "Off"

    def test_the_periodic_task_removes_what_a_timed_out_inspection_left(self) -> None:
        self.inspecting()
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.node.provision_state = states.INSPECTFAIL  # the conductor's timeout
            task.node.save()

        periodics.DynamicAllocation(RecordingManager(self.dbapi), self.context).run()

        self.removals_end()
        assert self.carried() is None
        assert inband_inspect.INSPECTION_PROFILE not in self.node.driver_internal_info

    def profiles_named(self, name: str) -> list[dict[str, Any]]:
        found = self.side.rest.call("GET", f"/rest/server-profiles?filter=name='{name}'")
        return list(found.json()["members"])
