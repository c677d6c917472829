"""The ``oneview`` BIOS interface: settings through the applied profile's ``bios`` section,
checked against the hardware type's registry, applied asynchronously (profile_tasks)."""

from __future__ import annotations

import contextlib
import time
from typing import Any
from unittest import mock

import pytest
from ironic import objects
from ironic.common import exception, states
from ironic.conductor import task_manager
from ironic.conductor import utils as manager_utils
from ironic.conf import CONF
from ironic.drivers.modules import deploy_utils

from oneview_openstack import client
from oneview_openstack.ironic_driver import bios, common, errors, profile_tasks

from .. import oneview_seed
from ..oneview_seed import OneViewSide
from .base import OneViewTestCase, allocate_now
from .test_periodics import RecordingManager


class ProfileStepTestCase(OneViewTestCase):
    """A node in cleaning carrying the profile Ironic applied; OneView's tasks polled here."""

    interface = ""
    step = ""

    def setUp(self) -> None:
        super().setUp()
        self.sim.operator.set_config(time_scale=0.001)
        self.side = OneViewSide(self.sim)
        self.server_uri = self.seed.server(oneview_seed.BLADE)
        self.manager = RecordingManager(self.dbapi)
        resume = mock.patch.object(manager_utils, "notify_conductor_resume_operation")
        self.resumed = resume.start()
        self.addCleanup(resume.stop)

    def cleaning_node(self, *, with_profile: bool = True, **fields: Any) -> Any:
        node = self.create_oneview_node(
            name="bios-raid-1",
            provision_state=states.CLEANING,
            target_provision_state=states.MANAGEABLE,
            clean_step={"step": self.step, "interface": self.interface},
            bios_interface="oneview",
            raid_interface="oneview",
            driver_internal_info={"steps_validated": True},
            **fields,
        )
        if with_profile:
            with task_manager.acquire(self.context, node.uuid) as task:
                allocate_now(task)
        node.refresh()
        return node

    def profile(self, node: Any) -> dict[str, Any]:
        node.refresh()
        return self.side.get(common.parse_driver_info(node).applied_server_profile_uri or "")

    def run_step(self, node: Any, method: str, *args: Any, **kwargs: Any) -> str | None:
        """The step as the conductor runs it: under the lock, CLEANWAIT if it returns so."""
        with task_manager.acquire(self.context, node.uuid) as task:
            state: str | None = getattr(getattr(task.driver, self.interface), method)(
                task, *args, **kwargs
            )
            if state == states.CLEANWAIT:
                task.process_event("wait")
        return state

    def settle(self, node: Any) -> profile_tasks.PollReport:
        """Wait for OneView's task (the simulator's speed), then one poller period."""
        node.refresh()
        pending = profile_tasks.pending(node)
        assert pending is not None, "the step waits for a OneView task"
        ov = common.get_client(common.parse_driver_info(node))
        with contextlib.suppress(client.TaskFailed):  # the poller reports it
            ov.tasks.wait(pending["uri"])
        report = profile_tasks.TaskPoller(self.manager, self.context).run()
        node.refresh()
        return report


class BIOSTestCase(ProfileStepTestCase):
    interface = "bios"
    step = "apply_configuration"

    def server_bios(self) -> dict[str, Any]:
        body = self.side.get(f"{self.server_uri}/bios")
        return {s["id"]: s["value"] for s in body["settings"]}

    def cached(self, node: Any) -> dict[str, Any]:
        return {s.name: s for s in objects.BIOSSettingList.get_by_node_id(self.context, node.id)}

    def test_the_node_gets_the_oneview_bios_interface(self) -> None:
        node = self.cleaning_node(with_profile=False)
        with task_manager.acquire(self.context, node.uuid) as task:
            assert isinstance(task.driver.bios, bios.OneViewBIOS)
            steps = {s["step"]: s for s in task.driver.bios.get_clean_steps(task)}
        assert steps["apply_configuration"]["argsinfo"]["settings"]["required"] is True
        # the ramdisk's preparation is what applies the profile the step edits
        assert steps["apply_configuration"]["requires_ramdisk"] is True
        assert "factory_reset" in steps

    def test_apply_configuration_reaches_the_server_and_is_cached(self) -> None:
        node = self.cleaning_node()
        settings = [
            {"name": "ProcHyperthreading", "value": "Disabled"},
            {"name": "WorkloadProfile", "value": "LowLatency"},
        ]

        assert self.run_step(node, "apply_configuration", settings) == states.CLEANWAIT
        section = self.profile(node)["bios"]
        assert section["manageBios"] is True
        assert {"id": "ProcHyperthreading", "value": "Disabled"} in section["overriddenSettings"]
        report = self.settle(node)

        assert report.handled == {"resumed": [node.uuid]}
        assert self.resumed.called
        current = self.server_bios()
        assert current["ProcHyperthreading"] == "Disabled"
        assert current["WorkloadProfile"] == "LowLatency"
        assert current["ProcVirtualization"] == "Enabled", "the others keep their defaults"
        cached = self.cached(node)
        assert cached["ProcHyperthreading"].value == "Disabled"
        assert cached["ProcHyperthreading"].attribute_type == "Enumeration"
        assert cached["ProcHyperthreading"].allowable_values == ["Enabled", "Disabled"]
        assert cached["ProcHyperthreading"].read_only is False

    def test_a_second_apply_keeps_the_earlier_overrides(self) -> None:
        node = self.cleaning_node()
        self.run_step(
            node, "apply_configuration", [{"name": "UsbControl", "value": "ExternalUsbDisabled"}]
        )
        self.settle(node)
        node.provision_state, node.clean_step = states.CLEANING, {"step": "x", "interface": "bios"}
        node.save()

        self.run_step(
            node, "apply_configuration", [{"name": "ProcVirtualization", "value": "Disabled"}]
        )
        self.settle(node)

        current = self.server_bios()
        assert current["UsbControl"] == "ExternalUsbDisabled"
        assert current["ProcVirtualization"] == "Disabled"

    def test_settings_the_profile_already_has_finish_at_once(self) -> None:
        node = self.cleaning_node()
        wanted = [{"name": "ProcHyperthreading", "value": "Disabled"}]
        self.run_step(node, "apply_configuration", wanted)
        self.settle(node)
        node.provision_state = states.CLEANING
        node.save()
        self.sim.operator.clear_counters()

        assert self.run_step(node, "apply_configuration", wanted) is None

        puts = [k for k in self.sim.operator.counters() if k.startswith("PUT")]
        assert puts == [], "nothing is sent to OneView"

    def test_an_unknown_setting_is_refused_naming_it_and_nothing_is_sent(self) -> None:
        node = self.cleaning_node()
        before = self.profile(node)["bios"]

        with pytest.raises(exception.InvalidParameterValue) as raised:
            self.run_step(node, "apply_configuration", [{"name": "TurboMode", "value": "On"}])

        message = str(raised.value)
        assert node.uuid in message and "'TurboMode'" in message and "'On'" in message
        assert "ProcHyperthreading" in message, "the allowed names are listed"
        assert self.profile(node)["bios"] == before

    def test_a_value_not_allowed_is_refused_with_the_allowed_values(self) -> None:
        node = self.cleaning_node()

        with pytest.raises(exception.InvalidParameterValue) as raised:
            self.run_step(node, "apply_configuration", [{"name": "BootMode", "value": "Uefi2"}])

        message = str(raised.value)
        assert node.uuid in message and "'BootMode'" in message and "'Uefi2'" in message
        assert "allowed: Uefi, LegacyBios" in message

    def test_a_number_out_of_bounds_is_refused_with_the_bounds(self) -> None:
        node = self.cleaning_node()

        with pytest.raises(exception.InvalidParameterValue) as raised:
            self.run_step(node, "apply_configuration", [{"name": "ProcCoreDisable", "value": 99}])

        assert "'ProcCoreDisable'" in str(raised.value) and "99" in str(raised.value)
        assert "allowed: an integer from 0 to 28" in str(raised.value)

    def test_a_text_not_matching_the_expression_is_refused(self) -> None:
        node = self.cleaning_node()
        settings = [{"name": "ServerPrimaryOs", "value": "caf\u00e9 OS"}]

        with pytest.raises(exception.InvalidParameterValue) as raised:
            self.run_step(node, "apply_configuration", settings)

        assert "'ServerPrimaryOs'" in str(raised.value) and "0 to 42 characters" in str(
            raised.value
        )

    def test_numbers_and_texts_reach_the_server(self) -> None:
        node = self.cleaning_node()
        settings = [
            {"name": "ProcCoreDisable", "value": 4},
            {"name": "ServerPrimaryOs", "value": "Ubuntu 24.04"},
        ]

        self.run_step(node, "apply_configuration", settings)
        self.settle(node)

        assert self.server_bios()["ProcCoreDisable"] == "4"
        assert self.server_bios()["ServerPrimaryOs"] == "Ubuntu 24.04"
        cached = self.cached(node)["ProcCoreDisable"]
        assert (cached.attribute_type, cached.lower_bound, cached.upper_bound) == ("Integer", 0, 28)
        assert self.cached(node)["ServerPrimaryOs"].max_length == 42

    def test_settings_not_a_list_are_refused(self) -> None:
        node = self.cleaning_node()
        with pytest.raises(exception.InvalidParameterValue, match="not a non-empty list"):
            self.run_step(node, "apply_configuration", {"ProcHyperthreading": "Disabled"})

    def test_a_node_without_an_applied_profile_is_refused(self) -> None:
        node = self.cleaning_node(with_profile=False)
        with pytest.raises(exception.InvalidParameterValue) as raised:
            self.run_step(node, "apply_configuration", [{"name": "BootMode", "value": "Uefi"}])
        assert node.uuid in str(raised.value) and "carries none" in str(raised.value)

    def test_factory_reset_returns_every_setting_to_its_default(self) -> None:
        node = self.cleaning_node()
        self.run_step(
            node, "apply_configuration", [{"name": "ProcHyperthreading", "value": "Disabled"}]
        )
        self.settle(node)
        node.provision_state = states.CLEANING
        node.clean_step = {"step": "factory_reset", "interface": "bios"}
        node.save()

        assert self.run_step(node, "factory_reset") == states.CLEANWAIT
        self.settle(node)

        assert self.profile(node)["bios"]["overriddenSettings"] == []
        assert self.server_bios()["ProcHyperthreading"] == "Enabled"
        assert self.cached(node)["ProcHyperthreading"].value == "Enabled"

    def test_a_failed_task_fails_cleaning_with_oneviews_message_and_puts_the_bios_back(
        self,
    ) -> None:
        node = self.cleaning_node()
        before = self.profile(node)["bios"]
        self.sim.operator.fail_next_task(
            "BIOS_SETTINGS_APPLY_FAILED",
            "The BIOS settings could not be applied.",
            resource_category="server-profiles",
        )

        self.run_step(
            node, "apply_configuration", [{"name": "ProcHyperthreading", "value": "Disabled"}]
        )
        report = self.settle(node)

        assert report.handled == {"failed": [node.uuid]}
        assert node.provision_state == states.CLEANFAIL
        assert node.uuid in node.last_error
        assert "The BIOS settings could not be applied." in node.last_error
        assert self.profile(node)["bios"] == before, "no half-applied section is kept"

    def test_a_timed_out_apply_fails_cleaning_and_is_not_edited_under_oneview(self) -> None:
        node = self.cleaning_node()
        self.sim.operator.set_config(time_scale=1.0)  # OneView takes its real minute and a half
        self.run_step(node, "apply_configuration", [{"name": "ProcTurbo", "value": "Disabled"}])
        sent = self.profile(node)["bios"]
        later = time.time() + 2 * CONF.oneview.task_timeout

        with mock.patch.object(profile_tasks, "time", mock.Mock(time=lambda: later)):
            report = profile_tasks.TaskPoller(self.manager, self.context).run()

        node.refresh()
        assert report.handled == {"timed-out": [node.uuid]}
        assert node.provision_state == states.CLEANFAIL and node.uuid in node.last_error
        assert self.profile(node)["bios"] == sent, "no second edit while OneView applies one"

    def test_with_the_agent_up_the_server_boots_it_again_after_the_apply(self) -> None:
        node = self.cleaning_node()
        with task_manager.acquire(self.context, node.uuid) as task:
            manager_utils.node_power_action(task, states.POWER_ON)

        with mock.patch.object(deploy_utils, "reboot_to_finish_step") as reboot:
            self.run_step(
                node, "apply_configuration", [{"name": "BootMode", "value": "LegacyBios"}]
            )
            report = self.settle(node)

        assert report.handled == {"waiting": [node.uuid]}, "the agent's heartbeat resumes"
        assert reboot.called
        assert node.driver_internal_info["cleaning_reboot"] is True
        assert node.driver_internal_info["skip_current_clean_step"] is True
        assert not node.driver_internal_info.get("cleaning_polling")
        assert not self.resumed.called

    def test_cache_bios_settings_outside_a_step(self) -> None:
        node = self.cleaning_node(with_profile=False)
        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.bios.cache_bios_settings(task)
        cached = self.cached(node)
        assert cached["BootMode"].value == "Uefi"
        assert cached["WorkloadProfile"].allowable_values[0] == "GeneralPowerEfficientCompute"

    def test_apply_configuration_as_a_deploy_step_waits_in_deploywait(self) -> None:
        node = self.cleaning_node()
        node.provision_state, node.target_provision_state = states.DEPLOYING, states.ACTIVE
        node.clean_step, node.deploy_step = {}, {"step": self.step, "interface": "bios"}
        node.save()

        with task_manager.acquire(self.context, node.uuid) as task:
            state = task.driver.bios.apply_configuration(
                task, [{"name": "ProcTurbo", "value": "Disabled"}]
            )

        assert state == states.DEPLOYWAIT
        node.refresh()
        assert profile_tasks.pending(node)["operation"] == "deploy"

    def test_a_profile_oneview_refuses_changes_nothing_and_the_server_runs_again(self) -> None:
        node = self.cleaning_node()
        with task_manager.acquire(self.context, node.uuid) as task:
            manager_utils.node_power_action(task, states.POWER_ON)
        before = self.profile(node)["bios"]
        self.sim.operator.add_fault(
            "/rest/server-profiles/*",
            method="PUT",
            status=400,
            error_code="PROFILE_VALIDATION_FAILED",
            message="The profile is not valid.",
            times=1,
        )

        with pytest.raises(errors.OneViewError) as raised:
            self.run_step(node, "apply_configuration", [{"name": "ProcTurbo", "value": "Disabled"}])

        assert node.uuid in str(raised.value) and "The profile is not valid." in str(raised.value)
        assert self.profile(node)["bios"] == before
        assert self.side.get(self.server_uri)["powerState"] == "On"
