"""The OneView deploy interfaces' profile hooks (``oneview-direct``; Ironic's ``pxe`` boot
interface's ramdisk and instance preparation is mocked: no deploy kernel here)."""

from __future__ import annotations

import types
from typing import Any

import fixtures
import pytest
from ironic.common import exception, states
from ironic.conductor import task_manager
from ironic.drivers.modules import deploy_utils, pxe
from ironic.tests.unit.objects import utils as obj_utils

from oneview_openstack.ironic_driver import boot_devices, common, deploy, profiles

from .. import oneview_seed
from ..oneview_seed import OneViewSide
from .base import OneViewTestCase

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
        return node.driver_info.get(common.APPLIED_PROFILE)

    # -- validate ---------------------------------------------------------------------

    def test_the_interface_is_the_oneview_deploy(self) -> None:
        node = self.node_in(states.AVAILABLE)
        with task_manager.acquire(self.context, node.uuid) as task:
            assert isinstance(task.driver.deploy, deploy.OneViewAgentDeploy)
            assert isinstance(task.driver.deploy, deploy.OneViewDeployMixin)
            assert "server_profile_template_uri" in task.driver.deploy.get_properties()

    def test_validate_refuses_a_baseline_the_template_does_not_install(self) -> None:
        info = {**IMAGE, "oneview_required_firmware_baseline": "SY-2023.10.01"}
        node = self.node_in(states.AVAILABLE, instance_info=info)

        with (
            task_manager.acquire(self.context, node.uuid) as task,
            pytest.raises(exception.InvalidParameterValue, match="SY-2023.10.01"),
        ):
            task.driver.deploy.validate(task)

        assert self.carried_profile() is None

    def test_validate_accepts_the_baseline_the_template_installs(self) -> None:
        info = {**IMAGE, "oneview_required_firmware_baseline": "SY-2024.04.01"}
        node = self.node_in(states.AVAILABLE, instance_info=info)

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.validate(task)

    def test_validate_needs_the_template(self) -> None:
        node = self.create_oneview_node(
            template=None, deploy_interface="oneview-direct", instance_info=dict(IMAGE)
        )
        with (
            task_manager.acquire(self.context, node.uuid) as task,
            pytest.raises(exception.MissingParameterValue, match="template"),
        ):
            task.driver.deploy.validate(task)

    def test_validate_refuses_another_boot_mode_than_the_templates(self) -> None:
        node = self.node_in(states.AVAILABLE, properties={"capabilities": "boot_mode:bios"})

        with (
            task_manager.acquire(self.context, node.uuid) as task,
            pytest.raises(exception.InvalidParameterValue) as caught,
        ):
            task.driver.deploy.validate(task)

        message = str(caught.value)
        assert "properties/capabilities boot_mode asks for boot mode 'bios'" in message
        assert f"template '{oneview_seed.TEMPLATE}'" in message
        assert "sets 'uefi'" in message
        assert self.carried_profile() is None

    def test_validate_refuses_what_the_instance_asks_for_first(self) -> None:
        info = {**IMAGE, "capabilities": {"boot_mode": "bios"}}
        node = self.node_in(states.AVAILABLE, instance_info=info)

        with (
            task_manager.acquire(self.context, node.uuid) as task,
            pytest.raises(exception.InvalidParameterValue, match="instance_info/capabilities"),
        ):
            task.driver.deploy.validate(task)

    def test_validate_accepts_the_templates_boot_mode(self) -> None:
        info = {**IMAGE, "capabilities": {"boot_mode": "uefi"}}
        node = self.node_in(
            states.AVAILABLE, instance_info=info, properties={"capabilities": "boot_mode:uefi"}
        )

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.validate(task)

    def test_validate_accepts_any_boot_mode_when_the_template_leaves_it_unmanaged(self) -> None:
        template = self.seed.template(oneview_seed.TEMPLATE)
        self.side.edit(template, bootMode={"manageMode": False, "mode": None})
        node = self.node_in(states.AVAILABLE, properties={"capabilities": "boot_mode:bios"})

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.validate(task)

    # -- deploy -----------------------------------------------------------------------

    def test_prepare_for_deployment_applies_the_profile(self) -> None:
        node = self.node_in(states.DEPLOYING)

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.prepare(task)

        assert self.carried_profile() == self.recorded(node) is not None
        assert self.side.get(self.carried_profile())["name"] == "ironic-deploy-1"

    def test_prepare_records_the_boot_mode_of_the_profile_over_an_older_one(self) -> None:
        node = self.node_in(
            states.DEPLOYING, driver_internal_info={boot_devices.DEPLOY_BOOT_MODE: "bios"}
        )

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.prepare(task)

        node.refresh()
        assert node.boot_mode == "uefi"
        assert node.driver_internal_info[boot_devices.DEPLOY_BOOT_MODE] == "uefi"

    def test_a_profile_that_leaves_the_boot_mode_unmanaged_records_none(self) -> None:
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

    def test_deployment_refused_when_a_oneview_user_holds_the_server(self) -> None:
        node = self.node_in(states.DEPLOYING)
        foreign = self.sim.operator.apply_foreign_profile(self.server_uri, "batch-team")

        with (
            task_manager.acquire(self.context, node.uuid) as task,
            pytest.raises(exception.InstanceDeployFailure, match="in use by a OneView user"),
        ):
            task.driver.deploy.prepare(task)

        assert self.carried_profile() == foreign["serverProfileUri"]

    def test_deployment_fails_with_oneviews_message_and_leaves_no_profile(self) -> None:
        node = self.node_in(states.DEPLOYING)
        self.sim.operator.fail_next_task(
            "SERVER_PROFILE_APPLY_FAILED", "Mezzanine 3 did not respond.", name="Create"
        )

        with (
            task_manager.acquire(self.context, node.uuid) as task,
            pytest.raises(exception.InstanceDeployFailure, match="Mezzanine 3 did not"),
        ):
            task.driver.deploy.prepare(task)

        assert self.carried_profile() is None
        assert self.recorded(node) is None

    def test_a_redeployment_refused_after_reusing_the_profile_keeps_it(self) -> None:
        node = self.node_in(states.DEPLOYING)
        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.prepare(task)
        profile = self.carried_profile()
        node.refresh()
        node.instance_info = {**IMAGE, "oneview_required_firmware_baseline": "SY-2023.10.01"}
        node.save()
        self.sim.operator.clear_counters()

        with (
            task_manager.acquire(self.context, node.uuid) as task,
            pytest.raises(exception.InstanceDeployFailure, match="SY-2023.10.01"),
        ):
            task.driver.deploy.prepare(task)

        reads = self.sim.operator.counters().get("GET /rest/server-profiles/{id}")
        assert profile is not None
        assert self.carried_profile() == self.recorded(node) == profile
        assert reads == 2  # once to reuse it, once to check it after the parent's prepare

    # -- tear down --------------------------------------------------------------------

    def test_tear_down_keeps_the_profile_for_the_automated_cleaning_that_follows(self) -> None:
        node = self.deployed()
        profile = self.carried_profile()

        with task_manager.acquire(self.context, node.uuid) as task:
            assert task.driver.deploy.tear_down(task) == states.DELETED

        assert self.carried_profile() == profile
        assert self.side.get(self.server_uri)["powerState"] == "Off"

    def test_tear_down_without_automated_cleaning_removes_the_profile(self) -> None:
        self.config(automated_clean=False, group="conductor")
        node = self.deployed()

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.tear_down(task)

        assert self.carried_profile() is None
        assert self.recorded(node) is None

    # -- cleaning ---------------------------------------------------------------------

    def test_cleaning_applies_a_profile_and_its_tear_down_removes_it(self) -> None:
        node = self.node_in(states.CLEANING)
        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.prepare_cleaning(task)
            assert self.carried_profile() == self.recorded(task.node) is not None
            task.driver.deploy.tear_down_cleaning(task)

        assert self.carried_profile() is None
        assert self.side.get(self.server_uri)["powerState"] == "Off"
        assert self.recorded(node) is None

    def test_cleaning_records_the_boot_mode_of_its_profile(self) -> None:
        template = self.seed.template(oneview_seed.TEMPLATE)
        self.side.edit(template, bootMode={"manageMode": True, "mode": "BIOS"})
        node = self.node_in(states.CLEANING)

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.prepare_cleaning(task)

        node.refresh()
        assert node.boot_mode == "bios"
        assert node.driver_internal_info[boot_devices.DEPLOY_BOOT_MODE] == "bios"

    def test_cleaning_a_server_a_oneview_user_holds_fails_and_says_why(self) -> None:
        node = self.node_in(states.CLEANING)
        self.sim.operator.apply_foreign_profile(self.server_uri, "batch-team")

        with (
            task_manager.acquire(self.context, node.uuid) as task,
            pytest.raises(exception.NodeCleaningFailure, match="in use by a OneView user"),
        ):
            task.driver.deploy.prepare_cleaning(task)

        node.refresh()
        assert "in use by a OneView user" in node.driver_internal_info[profiles.ALLOCATION_ERROR]

    def test_a_successful_cleaning_clears_an_earlier_allocation_error(self) -> None:
        node = self.node_in(
            states.CLEANING, driver_internal_info={profiles.ALLOCATION_ERROR: "earlier"}
        )
        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.prepare_cleaning(task)

        node.refresh()
        assert profiles.ALLOCATION_ERROR not in node.driver_internal_info

    def deployed(self) -> Any:
        node = self.node_in(states.DEPLOYING)
        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.deploy.prepare(task)
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
