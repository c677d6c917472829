"""TEST ONLY: ``oneview-fake-agent``, a deploy interface that stands in for the agent alone.

**Not for production: it writes no image.** No ironic-python-agent can boot on a simulated
server, so this interface does, out of band and at once, what the agent would do in band
(write the image, run the erase clean step) and records it in ``driver_internal_info``.
Everything else is the real code path of ``oneview-direct``: the server profile lifecycle of
:class:`deploy.OneViewDeployMixin`, and the power, boot-device and network calls Ironic's
``direct`` deploy makes (through the node's power, management and network interfaces, i.e.
OneView), in the same order:

=====================  ======================================================================
deploy step            what happens
=====================  ======================================================================
``deploy`` (100)       boot from the network (one time, as PXE boot does) and reboot into the
                       "ramdisk"
``write_image`` (80)   the stand-in: ``driver_internal_info/fake_agent_image`` = image_source
``prepare_instance_    boot from disk, persistently (as for a whole-disk image)
boot`` (60)
``tear_down_agent``    power off out of band (as with ``deploy_forces_oob_reboot``)
(40)
``switch_to_tenant_    Ironic's own step
network`` (30)
``boot_instance`` (20) Ironic's own step: power on
=====================  ======================================================================

Cleaning boots the "ramdisk" the same way, runs ``erase_devices_metadata`` (stand-in:
``driver_internal_info/fake_agent_erased``) and powers off.
"""

from __future__ import annotations

import logging
from typing import Any

from ironic.common import boot_devices, exception, states
from ironic.conductor import utils as manager_utils
from ironic.drivers import base
from ironic.drivers.modules import agent_base

from oneview_openstack.ironic_driver import deploy

LOG = logging.getLogger(__name__)

IMAGE_WRITTEN = "fake_agent_image"
ERASED = "fake_agent_erased"


class FakeAgent(agent_base.AgentOobStepsMixin, base.DeployInterface):
    """What Ironic's ``direct`` deploy does, with the in-band part replaced by a record."""

    def get_properties(self) -> dict[str, str]:
        return {}

    def validate(self, task: Any) -> None:
        """Like the agent deploy: there must be an image to write."""
        if not task.node.instance_info.get("image_source"):
            raise exception.MissingParameterValue(
                f"Node {task.node.uuid}: instance_info/image_source is missing; set it to the "
                "image to deploy."
            )

    def prepare(self, task: Any) -> None:
        if task.node.provision_state == states.DEPLOYING:
            manager_utils.node_power_action(task, states.POWER_OFF)
            task.driver.network.add_provisioning_network(task)
            task.driver.boot.prepare_ramdisk(task, {})
        elif task.node.provision_state in (states.ACTIVE, states.ADOPTING):
            task.driver.boot.prepare_instance(task)

    @base.deploy_step(priority=100)
    def deploy(self, task: Any) -> None:
        self._boot_ramdisk(task)

    @base.deploy_step(priority=80)
    def write_image(self, task: Any) -> None:
        image = task.node.instance_info.get("image_source")
        if not image:
            raise exception.InstanceDeployFailure(
                f"Node {task.node.uuid}: instance_info/image_source is missing; the (fake) "
                "agent has nothing to write."
            )
        task.node.set_driver_internal_info(IMAGE_WRITTEN, image)
        task.node.save()
        LOG.info("Node %s: the fake agent 'wrote' image %s", task.node.uuid, image)

    @base.deploy_step(priority=60)
    def prepare_instance_boot(self, task: Any) -> None:
        manager_utils.node_set_boot_device(task, boot_devices.DISK, persistent=True)
        task.driver.boot.prepare_instance(task)

    @base.deploy_step(priority=40)
    def tear_down_agent(self, task: Any) -> None:
        manager_utils.node_power_action(task, states.POWER_OFF)

    def tear_down(self, task: Any) -> str:
        manager_utils.node_power_action(task, states.POWER_OFF)
        task.driver.network.unconfigure_tenant_networks(task)
        task.driver.network.remove_provisioning_network(task)
        return states.DELETED

    def clean_up(self, task: Any) -> None:
        task.driver.boot.clean_up_ramdisk(task)
        task.driver.boot.clean_up_instance(task)

    def take_over(self, task: Any) -> None:
        """Nothing to take over: the fake agent keeps no state outside the node."""

    def prepare_cleaning(self, task: Any) -> None:
        task.driver.network.add_cleaning_network(task)
        self._boot_ramdisk(task)

    @base.clean_step(priority=99)
    def erase_devices_metadata(self, task: Any) -> None:
        task.node.set_driver_internal_info(ERASED, True)
        task.node.save()
        LOG.info("Node %s: the fake agent 'erased' the disk metadata", task.node.uuid)

    def tear_down_cleaning(self, task: Any) -> None:
        manager_utils.node_power_action(task, states.POWER_OFF)
        task.driver.network.remove_cleaning_network(task)

    @staticmethod
    def _boot_ramdisk(task: Any) -> None:
        manager_utils.node_set_boot_device(task, boot_devices.PXE, persistent=False)
        manager_utils.node_power_action(task, states.REBOOT)


class OneViewFakeAgentDeploy(deploy.OneViewDeployMixin, FakeAgent):
    """TEST ONLY (``oneview-fake-agent``): the OneView deploy with the agent stood in for."""
