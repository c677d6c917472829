"""OneViewFirmware in Ironic's own test base, against the simulator (in process)."""

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

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, facts, firmware, profile_tasks

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide
from .base import OneViewTestCase
from .test_periodics import RecordingManager

OLD = "SY-2023.10.01"
NEW = "SY-2024.04.01"  # the baseline of seed.TEMPLATE
PROLIANT = "2024.04.00.00"
UPDATE_STEP = {"step": "update", "interface": "firmware", "priority": 0, "args": {}}


class FirmwareTestCase(OneViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sim.operator.set_config(time_scale=0.001)  # profile tasks in tenths of a second
        self.side = OneViewSide(self.sim)
        self.server_uri = self.seed.server(seed.BLADE)
        self.manager = RecordingManager(self.dbapi)
        resume = mock.patch.object(manager_utils, "notify_conductor_resume_operation")
        self.resumed = resume.start()
        self.addCleanup(resume.stop)

    # -- helpers ------------------------------------------------------------------------

    def baseline(self, version: str) -> dict[str, Any]:
        members = self.side.get("/rest/firmware-drivers")["members"]
        return next(b for b in members if b["version"] == version)

    def server_versions(self) -> dict[str, str]:
        inventory = self.side.get(f"{self.server_uri}/firmware")
        return {c["componentName"]: c["componentVersion"] for c in inventory["components"]}

    def node_with_profile(self, *, power_on: bool = False, **fields: Any) -> tuple[Any, str]:
        """A node whose server carries the profile 'Ironic applied' (as cleaning would)."""
        profile = self.side.create_profile(
            self.seed.template(seed.TEMPLATE), self.server_uri, "ironic-fw"
        )
        if power_on:
            self.side.power(self.server_uri, "On")
        fields.setdefault("provision_state", states.CLEANING)
        fields.setdefault("clean_step", UPDATE_STEP)
        internal = {common.APPLIED_PROFILE: profile, **fields.pop("driver_internal_info", {})}
        traits = fields.pop("traits", [])
        node = self.create_oneview_node(
            firmware_interface="oneview", driver_internal_info=internal, **fields
        )
        if traits:
            objects.TraitList.create(self.context, node.id, traits)
        return node, profile

    def update(self, node: Any, **args: Any) -> str:
        with task_manager.acquire(self.context, node.uuid) as task:
            state: str = task.driver.firmware.update(task, **args)
            task.process_event("wait")
        return state

    def settle(self, node: Any) -> profile_tasks.PollReport:
        """Wait for the node's OneView task, then run one period of the task poller."""
        node.refresh()
        pending = node.driver_internal_info[profile_tasks.PENDING]
        ov = common.get_client(common.parse_driver_info(node))
        with contextlib.suppress(client.TaskFailed):  # the poller reads the failure itself
            ov.tasks.wait(pending["uri"])
        return profile_tasks.TaskPoller(self.manager, self.context).run()

    def components(self, node: Any) -> dict[str, str]:
        found = objects.FirmwareComponentList.get_by_node_id(self.context, node.id)
        return {c.component: c.current_version for c in found}

    def cache(self, node: Any) -> None:
        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.firmware.cache_firmware_components(task)

    # -- components ---------------------------------------------------------------------

    def test_components_are_the_servers_with_ironics_names_for_bios_and_bmc(self) -> None:
        node = self.create_oneview_node(firmware_interface="oneview")

        self.cache(node)

        versions = self.server_versions()
        found = objects.FirmwareComponentList.get_by_node_id(self.context, node.id)
        by_name = {c.component: c for c in found}
        assert by_name["bios"].current_version == versions["System ROM"]
        assert by_name["bios"].model == "System ROM"
        assert by_name["bmc"].current_version == versions["HPE Integrated Lights-Out 5"]
        assert by_name["Smart Array Firmware"].current_version == versions["Smart Array Firmware"]
        assert len(by_name) == len(versions)

    def test_names_that_come_twice_get_their_location(self) -> None:
        inventory = {
            "components": [
                {"componentName": "NIC", "componentLocation": "Mezz 1", "componentVersion": "1"},
                {"componentName": "NIC", "componentLocation": "Mezz 3", "componentVersion": "2"},
                {"componentName": "iLO 5", "componentVersion": "2.78"},
            ]
        }

        found = firmware.ironic_components(inventory)

        assert [(c["component"], c["current_version"]) for c in found] == [
            ("NIC (Mezz 1)", "1"),
            ("NIC (Mezz 3)", "2"),
            ("bmc", "2.78"),
        ]

    # -- refused before anything changes ------------------------------------------------

    def test_an_unknown_baseline_is_refused_naming_those_there_are(self) -> None:
        node, profile = self.node_with_profile()
        before = self.side.get(profile)

        with pytest.raises(exception.InvalidParameterValue) as caught:
            self.update(node, baseline="SY-1999.01.01")

        message = str(caught.value)
        assert node.uuid in message and "'SY-1999.01.01'" in message
        assert OLD in message and NEW in message and PROLIANT in message
        assert self.side.get(profile)["firmware"] == before["firmware"]
        assert self.side.get(profile)["eTag"] == before["eTag"]

    def test_a_name_several_baselines_have_is_refused_naming_them(self) -> None:
        node, _ = self.node_with_profile()

        with pytest.raises(exception.InvalidParameterValue, match="several") as caught:
            self.update(node, baseline="Service Pack for Synergy")

        assert self.baseline(OLD)["uri"] in str(caught.value)
        assert self.baseline(NEW)["uri"] in str(caught.value)

    def test_a_baseline_is_found_by_its_uri_id_short_name_or_trait(self) -> None:
        node, _ = self.node_with_profile()
        doc = self.baseline(OLD)
        ov = common.get_client(common.parse_driver_info(node))

        for name in (
            doc["uri"],
            doc["uuid"],
            doc["baselineShortName"],
            "custom_ov_firmware_sy_2023_10_01",
        ):
            assert firmware.find_baseline(node, ov, name).uri == doc["uri"], name

    def test_a_baseline_of_the_other_platform_is_refused(self) -> None:
        node, profile = self.node_with_profile(power_on=True)
        before = self.side.get(profile)

        with pytest.raises(exception.InvalidParameterValue) as caught:
            self.update(node, baseline=PROLIANT)

        assert "Synergy server" in str(caught.value) and PROLIANT in str(caught.value)
        assert self.side.get(profile)["eTag"] == before["eTag"]
        assert self.side.get(self.server_uri)["powerState"] == "On", "not powered off"

    def test_an_install_type_oneview_does_not_have_is_refused(self) -> None:
        node, _ = self.node_with_profile()

        with pytest.raises(exception.InvalidParameterValue) as caught:
            self.update(node, baseline=OLD, firmware_install_type="Everything")

        assert "firmware_install_type" in str(caught.value)
        assert "FirmwareOnlyOfflineMode" in str(caught.value)

    def test_force_must_be_a_boolean(self) -> None:
        node, _ = self.node_with_profile()

        with pytest.raises(exception.InvalidParameterValue, match="force.*'maybe'"):
            self.update(node, baseline=OLD, force="maybe")

    def test_a_node_without_an_applied_profile_is_refused(self) -> None:
        node = self.create_oneview_node(
            firmware_interface="oneview", provision_state=states.CLEANING, clean_step=UPDATE_STEP
        )

        with pytest.raises(exception.InvalidParameterValue, match="has none"):
            self.update(node, baseline=OLD)

    # -- the update ---------------------------------------------------------------------

    def test_update_sets_the_profiles_firmware_and_waits_without_the_lock(self) -> None:
        node, profile = self.node_with_profile()

        state = self.update(node, baseline=OLD, force="true")

        node.refresh()
        section = self.side.get(profile)["firmware"]
        assert state == states.CLEANWAIT and node.reservation is None
        assert section["manageFirmware"] is True
        assert section["firmwareBaselineUri"] == self.baseline(OLD)["uri"]
        assert section["firmwareInstallType"] == "FirmwareOnlyOfflineMode"
        assert section["forceInstallFirmware"] is True
        pending = node.driver_internal_info[profile_tasks.PENDING]
        assert pending["kind"] == firmware.KIND and pending["operation"] == "clean"

    def test_a_finished_update_records_components_trait_and_capability(self) -> None:
        node, _ = self.node_with_profile(
            traits=["CUSTOM_OV_FIRMWARE_SY_2024_04_01", "CUSTOM_GPU"],
            properties={"capabilities": "oneview_firmware_baseline:SY-2024.04.01,boot_mode:uefi"},
        )
        self.update(node, baseline=OLD, force=True)

        report = self.settle(node)

        node.refresh()
        assert report.handled == {"resumed": [node.uuid]}
        assert set(node.traits.get_trait_names()) == {
            "CUSTOM_OV_FIRMWARE_SY_2023_10_01",
            "CUSTOM_GPU",
        }
        capabilities = common.node_capabilities(node)
        assert capabilities == {"oneview_firmware_baseline": OLD, "boot_mode": "uefi"}
        versions = self.server_versions()
        wanted = {c["name"]: c["componentVersion"] for c in self.baseline(OLD)["fwComponents"]}
        assert {name: versions[name] for name in wanted} == wanted
        assert self.components(node)["bios"] == wanted["System ROM"]
        assert self.components(node)["bmc"] == wanted["HPE Integrated Lights-Out 5"]

    def test_the_server_is_powered_off_for_an_offline_install_and_on_again(self) -> None:
        node, _ = self.node_with_profile(
            power_on=True,
            provision_state=states.SERVICING,
            clean_step=None,
            service_step={**UPDATE_STEP},
            driver_internal_info={"service_disable_ramdisk": True},
        )

        state = self.update(node, baseline=OLD)

        assert state == states.SERVICEWAIT
        assert self.side.get(self.server_uri)["powerState"] == "Off"
        self.settle(node)
        assert self.side.get(self.server_uri)["powerState"] == "On"

    def test_an_online_install_leaves_the_power_alone(self) -> None:
        node, _ = self.node_with_profile(power_on=True)

        state = self.update(node, baseline=OLD, firmware_install_type="FirmwareOnly")

        assert state == states.CLEANWAIT
        assert self.side.get(self.server_uri)["powerState"] == "On"

    def test_the_timeout_is_the_configured_one_or_twice_what_oneview_announces(self) -> None:
        self.config(group="oneview", task_timeout=1234)
        node, _ = self.node_with_profile()

        self.update(node, baseline=OLD)

        node.refresh()
        pending = node.driver_internal_info[profile_tasks.PENDING]
        announced = self.side.get(pending["uri"]).get("expectedDuration") or 0
        assert pending["timeout"] == max(1234, 2 * announced)

    def test_a_long_announced_duration_extends_the_timeout(self) -> None:
        self.config(group="oneview", task_timeout=60)
        started = client.Task.from_json({"uri": "/rest/tasks/x", "expectedDuration": 3600})

        assert firmware.update_timeout(started) == 7200
        assert firmware.update_timeout(client.Task(uri="/rest/tasks/y")) == 60

    def test_a_refused_profile_edit_powers_the_server_on_again(self) -> None:
        node, profile = self.node_with_profile(power_on=True)
        self.sim.operator.add_fault(
            "/rest/server-profiles/*",
            method="PUT",
            status=400,
            error_code="INVALID_FIRMWARE_BASELINE",
            message="The firmware baseline is being deleted.",
            times=1,
        )

        with pytest.raises(exception.DriverOperationError) as caught:
            self.update(node, baseline=OLD)

        assert "The firmware baseline is being deleted." in str(caught.value)
        assert self.side.get(self.server_uri)["powerState"] == "On"
        node.refresh()
        assert profile_tasks.PENDING not in node.driver_internal_info

    def test_a_failed_install_fails_the_step_with_oneviews_message(self) -> None:
        node, _ = self.node_with_profile(
            traits=["CUSTOM_OV_FIRMWARE_SY_2024_04_01"],
            properties={"capabilities": "oneview_firmware_baseline:SY-2024.04.01"},
        )
        self.cache(node)
        recorded = self.components(node)
        versions = self.server_versions()
        self.sim.operator.fail_next_task(
            "FIRMWARE_UPDATE_FAILED",
            "The System ROM component could not be flashed.",
            resource_category="server-profiles",
        )
        self.update(node, baseline=OLD, force=True)

        report = self.settle(node)

        node.refresh()
        assert report.handled == {"failed": [node.uuid]}
        assert node.provision_state == states.CLEANFAIL
        assert "The System ROM component could not be flashed." in node.last_error
        assert "FIRMWARE_UPDATE_FAILED" in node.last_error
        assert self.components(node) == recorded
        assert self.server_versions() == versions
        assert node.traits.get_trait_names() == ["CUSTOM_OV_FIRMWARE_SY_2024_04_01"]
        assert common.node_capabilities(node)[facts.FIRMWARE_CAPABILITY] == NEW

    def test_an_install_that_outlasts_the_timeout_is_recorded_when_oneview_ends_it(self) -> None:
        node, _ = self.node_with_profile(
            traits=["CUSTOM_OV_FIRMWARE_SY_2024_04_01"],
            properties={"capabilities": "oneview_firmware_baseline:SY-2024.04.01"},
        )
        self.sim.operator.set_config(time_scale=0.012)  # the install takes ~2.4 s
        self.update(node, baseline=OLD, force=True)
        node.refresh()  # a wait shorter than the install (the timeout itself is tested above)
        pending = node.driver_internal_info[profile_tasks.PENDING]
        node.set_driver_internal_info(profile_tasks.PENDING, {**pending, "timeout": 0.5})
        node.save()
        time.sleep(0.6)

        timed_out = profile_tasks.TaskPoller(self.manager, self.context).run()
        node.refresh()
        assert timed_out.handled == {"timed-out": [node.uuid]}
        assert node.provision_state == states.CLEANFAIL and "still" in node.last_error
        (leftover,) = profile_tasks.leftovers(node)
        common.get_client(common.parse_driver_info(node)).tasks.wait(leftover["uri"])

        profile_tasks.TaskPoller(self.manager, self.context).run()

        node.refresh()
        wanted = {c["name"]: c["componentVersion"] for c in self.baseline(OLD)["fwComponents"]}
        assert self.components(node)["bios"] == wanted["System ROM"]
        assert node.traits.get_trait_names() == ["CUSTOM_OV_FIRMWARE_SY_2023_10_01"]
        assert profile_tasks.leftovers(node) == []

    def test_a_failed_service_update_puts_the_profiles_firmware_back(self) -> None:
        node, profile = self.node_with_profile(
            provision_state=states.SERVICING,
            clean_step=None,
            service_step={**UPDATE_STEP},
            driver_internal_info={"service_disable_ramdisk": True},
        )
        before = self.side.get(profile)["firmware"]
        self.sim.operator.fail_next_task(
            "FIRMWARE_UPDATE_FAILED", "Flash failed.", resource_category="server-profiles"
        )
        self.update(node, baseline=OLD, force=True)

        self.settle(node)

        node.refresh()
        assert node.provision_state == states.SERVICEFAIL
        assert "Flash failed." in node.last_error
        restored = common.get_client(common.parse_driver_info(node)).server_profiles.get(profile)
        assert restored.firmware_baseline_uri == before["firmwareBaselineUri"]
