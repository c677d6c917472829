"""The OneView deploy interfaces' profile hooks (``oneview-direct``; Ironic's ``pxe`` boot
interface's ramdisk and instance preparation is mocked: no deploy kernel here)."""

from __future__ import annotations

import contextlib
import types
from typing import Any
from unittest import mock

import fixtures
import pytest
from ironic.common import exception, states
from ironic.conductor import task_manager
from ironic.conductor import utils as manager_utils
from ironic.drivers.modules import deploy_utils, pxe
from ironic.tests.unit.objects import utils as obj_utils

from oneview_openstack import client
from oneview_openstack.ironic_driver import boot_devices, common, deploy, profile_tasks, profiles

from .. import oneview_seed
from ..oneview_seed import OneViewSide
from .base import OneViewTestCase
from .test_periodics import RecordingManager

MAC = "02:23:13:10:00:01"  # the seed's first blade's PXE NIC
IMAGE = {"image_source": "http://127.0.0.1:1/image.raw", "image_checksum": "0" * 32}


class DeployTestCase(OneViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        # No image server nor deploy kernel here: what pxe and the image checks would fetch.
        self.useFixture(
            fixtures.MockPatchObject(
                deploy_utils,
                "build_instance_info_for_deploy",
                lambda task: dict(task.node.instance_info),
            )
        )
        self.config(endpoint_override="http://127.0.0.1:6385", group="service_catalog")
        self.config(
            deploy_kernel="http://127.0.0.1:1/ipa.kernel",
            deploy_ramdisk="http://127.0.0.1:1/ipa.initramfs",
            group="conductor",
        )
        for method in ("prepare_ramdisk", "clean_up_ramdisk", "prepare_instance"):
            self.useFixture(fixtures.MockPatchObject(pxe.PXEBoot, method))
        self.sim.operator.set_config(time_scale=0.001)
        self.side = OneViewSide(self.sim)
        self.server_uri = self.seed.server(oneview_seed.BLADE)
        self.manager = RecordingManager(self.dbapi)
        resume = mock.patch.object(manager_utils, "notify_conductor_resume_operation")
        self.resumed = resume.start()
        self.addCleanup(resume.stop)

    def node_in(self, provision_state: str, **fields: Any) -> Any:
        fields.setdefault("instance_info", dict(IMAGE))
        node = self.create_oneview_node(
            name="deploy-1",
            provision_state=provision_state,
            deploy_interface="oneview-direct",
            boot_interface="pxe",
            network_interface="noop",
            **fields,
        )
        # pxe validates that the node has a port to boot from
        obj_utils.create_test_port(self.context, node_id=node.id, address=MAC)
        return node

    def carried_profile(self) -> str | None:
        return self.side.get(self.server_uri)["serverProfileUri"]

    def recorded(self, node: Any) -> str | None:
        node.refresh()
        return common.applied_profile_uri(node)

    # -- validate ---------------------------------------------------------------------

    def test_the_interface_is_the_oneview_deploy(self) -> None:
        node = self.node_in(states.AVAILABLE)
        with task_manager.acquire(self.context, node.uuid) as task:
            assert isinstance(task.driver.deploy, deploy.OneViewAgentDeploy)
            assert isinstance(task.driver.deploy, deploy.OneViewDeployMixin)
            assert "server_profile_template_uri" in task.driver.deploy.get_properties()

    def test_validate_is_offline(self) -> None:
        info = {**IMAGE, "oneview_required_firmware_baseline": "SY-2023.10.01"}
        node = self.node_in(states.AVAILABLE, instance_info=info)
        self.sim.operator.clear_counters()

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.validate(task)

        assert self.oneview_calls() == {}, "OneView's checks moved to the deploy itself"

    def test_validate_needs_the_template(self) -> None:
        node = self.create_oneview_node(
            template=None, deploy_interface="oneview-direct", instance_info=dict(IMAGE)
        )
        with (
            task_manager.acquire(self.context, node.uuid) as task,
            pytest.raises(exception.MissingParameterValue, match="template"),
        ):
            task.driver.deploy.validate(task)

    # -- deploy -----------------------------------------------------------------------

    def test_the_profile_step_runs_before_the_agent_boots(self) -> None:
        node = self.node_in(states.AVAILABLE)
        with task_manager.acquire(self.context, node.uuid) as task:
            steps = {s["step"]: s["priority"] for s in task.driver.deploy.get_deploy_steps(task)}
        assert steps["apply_server_profile"] > steps["deploy"]

    def test_deployment_applies_the_profile_without_holding_the_node(self) -> None:
        node = self.node_in(states.DEPLOYING)

        assert self.apply_step(node) == states.DEPLOYWAIT
        node.refresh()
        assert node.reservation is None and self.recorded(node) is None
        assert node.driver_internal_info[profile_tasks.PENDING]["kind"] == profiles.APPLY

        report = self.poll_until_settled(node)

        assert report.handled == {"resumed": [node.uuid]}
        assert self.resumed.call_args.args[1] == "deploy"
        assert self.carried_profile() == self.recorded(node) is not None
        assert self.side.get(self.carried_profile())["name"] == "ironic-deploy-1"

    def test_prepare_records_the_boot_mode_of_the_template_over_an_older_one(self) -> None:
        node = self.node_in(
            states.DEPLOYING, driver_internal_info={boot_devices.DEPLOY_BOOT_MODE: "bios"}
        )

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.prepare(task)

        node.refresh()
        assert node.boot_mode == "uefi"
        assert node.driver_internal_info[boot_devices.DEPLOY_BOOT_MODE] == "uefi"
        assert self.carried_profile() is None, "prepare no longer needs the profile"

    def test_a_template_that_leaves_the_boot_mode_unmanaged_records_none(self) -> None:
        template = self.seed.template(oneview_seed.TEMPLATE)
        self.side.edit(template, bootMode={"manageMode": False, "mode": None})
        node = self.node_in(states.DEPLOYING)

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.prepare(task)

        node.refresh()
        assert node.boot_mode is None
        assert boot_devices.DEPLOY_BOOT_MODE not in node.driver_internal_info

    def test_prepare_outside_deployment_applies_nothing(self) -> None:
        node = self.node_in(states.ACTIVE)

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.prepare(task)

        assert self.carried_profile() is None

    def test_deployment_refuses_a_baseline_the_template_does_not_install(self) -> None:
        info = {**IMAGE, "oneview_required_firmware_baseline": "SY-2023.10.01"}
        node = self.node_in(states.DEPLOYING, instance_info=info)

        with pytest.raises(exception.InstanceDeployFailure, match="SY-2023.10.01"):
            self.apply_step(node)

        assert self.carried_profile() is None

    def test_deployment_refuses_another_boot_mode_than_the_templates(self) -> None:
        node = self.node_in(states.DEPLOYING, properties={"capabilities": "boot_mode:bios"})

        with pytest.raises(exception.InstanceDeployFailure) as caught:
            self.apply_step(node)

        message = str(caught.value)
        assert "properties/capabilities boot_mode asks for boot mode 'bios'" in message
        assert f"template '{oneview_seed.TEMPLATE}'" in message and "sets 'uefi'" in message
        assert self.carried_profile() is None

    def test_deployment_refused_when_a_oneview_user_holds_the_server(self) -> None:
        node = self.node_in(states.DEPLOYING)
        foreign = self.sim.operator.apply_foreign_profile(self.server_uri, "batch-team")

        with pytest.raises(exception.InstanceDeployFailure, match="in use by a OneView user"):
            self.apply_step(node)

        assert self.carried_profile() == foreign["serverProfileUri"]

    def test_a_failed_apply_fails_the_deployment_with_oneviews_message_and_no_profile(
        self,
    ) -> None:
        node = self.node_in(states.DEPLOYING)
        self.sim.operator.fail_next_task(
            "SERVER_PROFILE_APPLY_FAILED", "Mezzanine 3 did not respond.", name="Create"
        )
        self.apply_step(node)

        report = self.poll_until_settled(node)
        self.removals_end(node)

        node.refresh()
        assert report.handled["failed"] == [node.uuid]
        assert node.provision_state == states.DEPLOYFAIL
        assert "Mezzanine 3 did not respond." in node.last_error and node.uuid in node.last_error
        assert self.carried_profile() is None
        assert self.profiles_named("ironic-deploy-1") == []
        assert self.recorded(node) is None

    def test_a_redeployment_refused_after_reusing_the_profile_keeps_it(self) -> None:
        node = self.node_in(states.DEPLOYING)
        self.apply_step(node)
        self.poll_until_settled(node)
        profile = self.carried_profile()
        node.refresh()
        node.instance_info = {**IMAGE, "oneview_required_firmware_baseline": "SY-2023.10.01"}
        node.provision_state = states.DEPLOYING
        node.save()

        with pytest.raises(exception.InstanceDeployFailure, match="SY-2023.10.01"):
            self.apply_step(node)

        assert profile is not None
        assert self.carried_profile() == self.recorded(node) == profile

    # -- tear down --------------------------------------------------------------------

    def test_tear_down_keeps_the_profile_for_the_automated_cleaning_that_follows(self) -> None:
        node = self.deployed()
        profile = self.carried_profile()

        with task_manager.acquire(self.context, node.uuid) as task:
            assert task.driver.deploy.tear_down(task) == states.DELETED

        assert profile is not None and self.carried_profile() == profile
        assert self.side.get(self.server_uri)["powerState"] == "Off"

    def test_tear_down_without_automated_cleaning_removes_the_profile(self) -> None:
        self.config(automated_clean=False, group="conductor")
        node = self.deployed()
        assert self.carried_profile() is not None

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.tear_down(task)
        self.removals_end(node)

        assert self.carried_profile() is None
        assert self.recorded(node) is None

    # -- cleaning ---------------------------------------------------------------------

    def test_cleaning_applies_a_profile_then_boots_the_agent_and_its_tear_down_removes_it(
        self,
    ) -> None:
        node = self.node_in(states.CLEANING)

        assert self.prepare_cleaning(node) == states.CLEANWAIT
        node.refresh()
        assert node.reservation is None
        assert not pxe.PXEBoot.prepare_ramdisk.called, "the agent boots on the profile"

        report = self.poll_until_settled(node)

        node.refresh()
        assert report.handled == {"waiting": [node.uuid]}, "the agent's heartbeat resumes"
        assert node.provision_state == states.CLEANWAIT
        assert pxe.PXEBoot.prepare_ramdisk.called
        assert self.carried_profile() == self.recorded(node) is not None
        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.tear_down_cleaning(task)
        self.removals_end(node)

        assert self.carried_profile() is None
        assert self.side.get(self.server_uri)["powerState"] == "Off"
        assert self.recorded(node) is None

    def test_cleaning_records_the_boot_mode_of_its_profile(self) -> None:
        template = self.seed.template(oneview_seed.TEMPLATE)
        self.side.edit(template, bootMode={"manageMode": True, "mode": "BIOS"})
        node = self.node_in(states.CLEANING)

        self.prepare_cleaning(node)
        self.poll_until_settled(node)

        node.refresh()
        assert node.boot_mode == "bios"
        assert node.driver_internal_info[boot_devices.DEPLOY_BOOT_MODE] == "bios"

    def test_cleaning_a_server_a_oneview_user_holds_fails_and_says_why(self) -> None:
        node = self.node_in(states.CLEANING)
        self.sim.operator.apply_foreign_profile(self.server_uri, "batch-team")

        with pytest.raises(exception.NodeCleaningFailure, match="in use by a OneView user"):
            self.prepare_cleaning(node)

        node.refresh()
        assert "in use by a OneView user" in node.driver_internal_info[profiles.ALLOCATION_ERROR]

    def test_a_successful_cleaning_clears_an_earlier_allocation_error(self) -> None:
        node = self.node_in(
            states.CLEANING, driver_internal_info={profiles.ALLOCATION_ERROR: "earlier"}
        )
        self.prepare_cleaning(node)
        self.poll_until_settled(node)

        node.refresh()
        assert profiles.ALLOCATION_ERROR not in node.driver_internal_info

    def test_abort_during_a_long_apply_leaves_nothing_once_oneview_ends_it(self) -> None:
        self.sim.operator.set_config(time_scale=0.02)  # the apply takes ~2.4 s
        node = self.node_in(states.CLEANING)
        self.prepare_cleaning(node)

        with task_manager.acquire(self.context, node.uuid) as task:  # the abort's tear-down
            task.driver.deploy.tear_down_cleaning(task)
        node.refresh()
        [leftover] = profile_tasks.leftovers(node)
        assert profile_tasks.PENDING not in node.driver_internal_info
        assert self.carried_profile() is not None, "not deleted while OneView applies it"
        assert self.oneview_calls().get("DELETE /rest/server-profiles/{id}") is None

        common.get_client(common.parse_driver_info(node)).tasks.wait(leftover["uri"])
        self.run_poller()
        self.removals_end(node)

        assert self.carried_profile() is None
        assert self.profiles_named("ironic-deploy-1") == []
        node.refresh()
        assert profile_tasks.leftovers(node) == []

    def test_a_new_apply_waits_for_the_nodes_earlier_task(self) -> None:
        self.sim.operator.set_config(time_scale=0.02)
        node = self.node_in(states.CLEANING)
        self.prepare_cleaning(node)
        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.tear_down_cleaning(task)
        node.refresh()
        node.provision_state = states.DEPLOYING
        node.save()

        self.apply_step(node)

        node.refresh()
        waiting = node.driver_internal_info[profile_tasks.PENDING]
        assert waiting["data"]["waiting_for"] == "leftovers"
        self.sim.operator.set_config(time_scale=0.001)
        report = self.poll_until_settled(node)
        assert "resumed" in report.handled
        assert self.carried_profile() == self.recorded(node) is not None

    def test_a_deploy_right_after_cleaning_waits_for_the_profile_removal(self) -> None:
        self.sim.operator.set_config(time_scale=0.01)
        node = self.node_in(states.CLEANING)
        self.prepare_cleaning(node)
        self.poll_until_settled(node)
        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.tear_down_cleaning(task)
        node.refresh()
        assert [e["kind"] for e in profile_tasks.leftovers(node)] == [profiles.REMOVE]
        node.provision_state = states.DEPLOYING
        node.save()

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.prepare(task)

        node.refresh()
        assert profile_tasks.leftovers(node) == []
        assert self.carried_profile() is None, "the boot preparation sees a free server"

    # -- helpers ----------------------------------------------------------------------

    def apply_step(self, node: Any) -> str | None:
        """Run the deploy step as the conductor would (then the node waits in DEPLOYWAIT)."""
        node.refresh()
        step = {"step": "apply_server_profile", "interface": "deploy", "priority": 110}
        with task_manager.acquire(self.context, node.uuid) as task:
            task.node.deploy_step = step
            task.node.save()
            result: str | None = task.driver.deploy.apply_server_profile(task)
            if result == states.DEPLOYWAIT:
                task.node.provision_state = states.DEPLOYWAIT
                task.node.save()
        return result

    def prepare_cleaning(self, node: Any) -> str | None:
        with task_manager.acquire(self.context, node.uuid) as task:
            result: str | None = task.driver.deploy.prepare_cleaning(task)
            if result == states.CLEANWAIT:
                task.node.provision_state = states.CLEANWAIT
                task.node.save()
        return result

    def run_poller(self) -> profile_tasks.PollReport:
        return profile_tasks.TaskPoller(self.manager, self.context).run()

    def poll_until_settled(self, node: Any) -> profile_tasks.PollReport:
        """Poll (as the periodic task does) until the node waits for no OneView task."""
        merged = profile_tasks.PollReport()
        ov = common.get_client(common.parse_driver_info(node))
        for _ in range(20):
            node.refresh()
            waiting = profile_tasks.pending(node)
            if waiting is None:
                return merged
            if waiting["uri"]:
                with contextlib.suppress(client.TaskFailed):
                    ov.tasks.wait(waiting["uri"])
            for outcome, uuids in self.run_poller().handled.items():
                merged.handled.setdefault(outcome, []).extend(uuids)
        raise AssertionError("the node kept waiting")

    def removals_end(self, node: Any) -> None:
        node.refresh()
        ov = common.get_client(common.parse_driver_info(node))
        for entry in profile_tasks.leftovers(node):
            with contextlib.suppress(client.TaskFailed):
                ov.tasks.wait(entry["uri"])
        self.run_poller()

    def oneview_calls(self) -> dict[str, int]:
        return {k: v for k, v in self.sim.operator.counters().items() if "/rest/" in k}

    def profiles_named(self, name: str) -> list[dict]:
        members = self.side.rest.call("GET", f"/rest/server-profiles?filter=name='{name}'")
        return list(members.json()["members"])

    def deployed(self) -> Any:
        node = self.node_in(states.DEPLOYING)
        self.apply_step(node)
        self.poll_until_settled(node)
        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.boot_instance(task)
        node.refresh()
        node.provision_state = states.DELETING
        node.save()
        return node


def test_ironic_boots_oneview_ramdisk_instances_as_ramdisk_deploys() -> None:
    """Ironic tells a ramdisk deploy by the interface's name; ``deploy`` widens the check."""

    def node(deploy_interface: str) -> Any:
        return types.SimpleNamespace(get_interface=lambda family: deploy_interface)

    assert deploy_utils.get_boot_option(node("oneview-ramdisk")) == "ramdisk"
    assert deploy_utils.get_boot_option(node("ramdisk")) == "ramdisk"
    assert deploy_utils.get_boot_option(node("oneview-direct")) == "local"
