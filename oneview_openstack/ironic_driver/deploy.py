"""Deploy interfaces of the ``oneview`` hardware type: Ironic's own, plus the server profile.

``oneview-direct`` is Ironic's agent (``direct``) deploy and ``oneview-ramdisk`` its ``ramdisk``
deploy, with the profile lifecycle of :mod:`profiles` around them:

- the deploy step ``apply_server_profile`` (priority 110, before ``deploy`` boots the agent)
  and ``prepare_cleaning`` start applying a profile made from the node's template to the
  node's server, powered off first (OneView sets the boot order and connections through the
  profile), and return DEPLOYWAIT / CLEANWAIT: OneView's task is waited for by the task
  poller of :mod:`profile_tasks`, not under the node's lock. When it succeeded, the node's
  ports take the profile's MACs (Virtual MACs), a deploy checks the profile's compliance and
  firmware, runs the parent's ``prepare`` (provisioning network, the agent's boot: a server
  reaches a network only through its profile) and resumes; cleaning boots the agent (the
  parent's ``prepare_cleaning``). A rebuild or a retry reuses the profile already applied;
- ``tear_down_cleaning`` removes it, and so does ``tear_down`` when no automated cleaning
  follows (otherwise cleaning runs on the same profile and removes it at the end); a profile
  OneView is still applying (an abort) is removed once OneView's task ended;
- ``validate`` is offline (the node's settings); the step refuses a deploy whose instance
  requires a firmware baseline the node's template does not install, or another boot mode
  than the template's, and a profile no longer compliant (see :mod:`requirements`);
- ``prepare``, when deploying, only records the template's boot mode as the node's (see
  :mod:`boot_devices`); the parent's preparation waits for the profile, as above.

Ironic tells a ramdisk deploy by the deploy interface's *name* (``deploy_utils.
is_ramdisk_deploy``: ``== 'ramdisk'``, an "anti-pattern" by Ironic's own FIXME): the boot
interfaces' ``prepare_instance`` would take ``oneview-ramdisk`` for a local boot, remove the
instance's PXE config and boot the server's disk. Importing this module makes that check
accept ``oneview-ramdisk`` too (:func:`_is_ramdisk_deploy`).

Cleaning that cannot get the server because a OneView user holds it records
``driver_internal_info/oneview_allocation_error``: the dynamic-allocation periodic task moves
such a node out of ``clean failed`` (see :mod:`periodics`).
"""

from __future__ import annotations

import logging
from typing import Any

from ironic.common import exception, states
from ironic.conductor import utils as manager_utils
from ironic.conf import CONF
from ironic.drivers import base
from ironic.drivers.modules import agent, deploy_utils, ramdisk

from oneview_openstack import client
from oneview_openstack.ironic_driver import (
    boot_devices,
    common,
    errors,
    nics,
    node_ports,
    profile_tasks,
    profiles,
    requirements,
    transitions,
)

LOG = logging.getLogger(__name__)

# The entry point name of OneViewRamdiskDeploy (pyproject.toml).
RAMDISK_DEPLOY = "oneview-ramdisk"
APPLY_PRIORITY = 110
"""Above ``deploy.deploy`` (100), which boots the agent ramdisk on the profile's settings."""
DEPLOYMENT = "deploy"
CLEANING = "clean"


def _is_ramdisk_deploy(node: Any) -> bool:
    """Ironic's check, with ``oneview-ramdisk`` a ramdisk deploy as ``ramdisk`` is."""
    return node.get_interface("deploy") in ("ramdisk", RAMDISK_DEPLOY)


deploy_utils.is_ramdisk_deploy = _is_ramdisk_deploy


class OneViewDeployMixin:
    """Put a OneView server profile under a deploy interface's deploy and cleaning."""

    def get_properties(self) -> dict[str, str]:
        return {**super().get_properties(), **common.COMMON_PROPERTIES}  # type: ignore[misc]

    def validate(self, task: Any) -> None:
        """The node's OneView settings (offline: no OneView call) and the parent's checks; the
        template, boot mode and firmware are checked against OneView by the deploy itself.

        :raises: MissingParameterValue, InvalidParameterValue.
        """
        settings = common.parse_driver_info(task.node)
        if settings.server_profile_template_uri is None:
            raise exception.MissingParameterValue(
                f"Node {task.node.uuid}: driver_info/{common.TEMPLATE} is missing; it names the "
                "server profile template Ironic creates the node's profiles from."
            )
        super().validate(task)  # type: ignore[misc]

    def prepare(self, task: Any) -> None:
        """The parent's preparation; when deploying, only once the profile is applied.

        A server reaches a network only through its profile's connections: Neutron binds the
        provisioning port (and Ironic waits for that) once the ML2 driver has put the
        connection in the profile, and with Virtual MACs the agent's NICs are the profile's.
        So when deploying, Ironic's record of the boot mode follows the template's here, and
        the parent's preparation (power off, provisioning network, the agent's boot) runs
        after :meth:`apply_server_profile`'s profile is applied (:func:`_after_apply`).
        """
        if task.node.provision_state != states.DEPLOYING:
            super().prepare(task)  # type: ignore[misc]
            return
        try:
            profiles.wait_for_removals(task, "preparing the deployment")
        except errors.OneViewError as error:
            raise exception.InstanceDeployFailure(str(error)) from error
        template = _template(task, exception.InstanceDeployFailure)
        boot_devices.follow_profile_boot_mode(task, template)

    @base.deploy_step(priority=APPLY_PRIORITY)
    def apply_server_profile(self, task: Any) -> str | None:
        """Apply the node's server profile before ``deploy`` boots the agent; DEPLOYWAIT
        while OneView applies it (the node's lock is free meanwhile)."""
        node = task.node
        try:
            validated = common.validate_node(task, require_template=True)
            assert validated.template is not None
            boot_devices.check_requested_boot_mode(node, validated.template)
            if validated.settings.applied_server_profile_uri is None:
                ov = common.get_client(validated.settings)
                with errors.translated(
                    node, "checking the firmware", validated.settings.connection
                ):
                    requirements.check_firmware(node, ov, validated.template)
            outcome = profiles.start_allocation(task, "applying a server profile for deployment")
        except (errors.OneViewError, exception.InvalidParameterValue) as error:
            raise exception.InstanceDeployFailure(str(error)) from error
        return _continue(task, outcome, DEPLOYMENT)

    def tear_down(self, task: Any) -> str:
        """The parent's tear-down; then the profile goes unless cleaning will still use it."""
        result: str = super().tear_down(task)  # type: ignore[misc]
        transitions.forget_lost_profile(task.node)
        task.node.save()
        if manager_utils.skip_automated_cleaning(task.node):
            profiles.deallocate(task, "removing the server profile at tear-down")
        return result

    def prepare_cleaning(self, task: Any) -> str | None:
        """Start applying the node's profile (or keep the deployed one): CLEANWAIT while
        OneView applies it; the parent's preparation (booting the agent) follows it.

        :raises: NodeCleaningFailure naming OneView's reason.
        """
        node = task.node
        try:
            outcome = profiles.start_allocation(task, "applying a server profile for cleaning")
        except errors.ServerInUseByOneView as error:
            node.set_driver_internal_info(profiles.ALLOCATION_ERROR, str(error))
            node.save()
            raise exception.NodeCleaningFailure(node=node.uuid, reason=str(error)) from error
        except (errors.OneViewError, exception.InvalidParameterValue) as error:
            raise exception.NodeCleaningFailure(node=node.uuid, reason=str(error)) from error
        return _continue(task, outcome, CLEANING)

    def tear_down_cleaning(self, task: Any) -> None:
        """The parent's tear-down of cleaning, then the profile goes (in the background; one
        OneView is still applying goes when its apply ends)."""
        super().tear_down_cleaning(task)  # type: ignore[misc]
        try:
            profiles.deallocate(task, "removing the server profile after cleaning")
        except errors.OneViewError as error:
            raise exception.NodeCleaningFailure(node=task.node.uuid, reason=str(error)) from error


class OneViewAgentDeploy(OneViewDeployMixin, agent.AgentDeploy):
    """Ironic's agent (``direct``) deploy on a server carrying a profile Ironic applied."""


class OneViewRamdiskDeploy(OneViewDeployMixin, ramdisk.RamdiskDeploy):
    """Ironic's ``ramdisk`` deploy on a server carrying a profile Ironic applied."""


def _continue(
    task: Any, outcome: profiles.Allocation, purpose: str, *, created: bool = False
) -> str | None:
    """Wait for OneView's task, or go on at once with the profile (*created* by this
    operation, or already there)."""
    if isinstance(outcome, profiles.Started):
        return profile_tasks.wait_for(
            task,
            outcome.task,
            kind=profiles.APPLY,
            timeout=float(CONF.oneview.task_timeout),
            data={**outcome.data, "purpose": purpose},
        )
    return _after_apply(task, outcome, purpose, created=created)


@profile_tasks.on_success(profiles.APPLY)
def _profile_applied(task: Any, finished: client.Task, data: dict[str, Any]) -> str | None:
    """OneView applied the profile (or ended the node's earlier task): go on."""
    purpose = str(data.get("purpose") or DEPLOYMENT)
    outcome = profiles.finish_allocation(task, finished, data)
    result = _continue(task, outcome, purpose, created=not data.get("waiting_for"))
    return profile_tasks.KEEP_WAITING if result in profile_tasks.WAIT_STATES else result


def _after_apply(
    task: Any, profile: client.ServerProfile, purpose: str, *, created: bool
) -> str | None:
    """What follows the profile: the ports take its MACs; for a deploy its checks, then the
    parent's preparation (the step ends; a profile this deploy created goes again if either
    fails); for cleaning the parent's preparation (the agent boots: CLEANWAIT until it
    heartbeats)."""
    node = task.node
    if node.del_driver_internal_info(profiles.ALLOCATION_ERROR) is not None:
        node.save()
    boot_devices.follow_profile_boot_mode(task, profile)
    _follow_profile_macs(task, profile)
    parent = super(OneViewDeployMixin, task.driver.deploy)
    if purpose == CLEANING:
        result: str | None = parent.prepare_cleaning(task)  # type: ignore[attr-defined]
        return result
    try:
        _check_applied_profile(task, profile)
        parent.prepare(task)  # type: ignore[attr-defined]
    except Exception:
        if created:
            _release_after_failure(task)
        raise
    return None


def _follow_profile_macs(task: Any, profile: client.ServerProfile) -> None:
    """The node's ports take the MACs the profile presents (with ``macType`` Virtual they
    come from OneView's pool when the profile is made): before the network and the agent's
    boot are prepared for them."""
    changed = node_ports.follow(task, nics.profile_nics(profile))
    if changed:
        LOG.info("Node %s: ports %s follow the profile's MACs", task.node.uuid, ", ".join(changed))


def _template(task: Any, failure: type[Exception]) -> client.ServerProfileTemplate:
    """The node's template as OneView has it now."""
    node = task.node
    settings = common.parse_driver_info(node)
    uri = settings.server_profile_template_uri
    if uri is None:
        raise failure(f"Node {node.uuid}: driver_info/{common.TEMPLATE} is missing.")
    try:
        with errors.translated(node, "reading the server profile template", settings.connection):
            return common.get_client(settings).server_profile_templates.get(uri)
    except errors.OneViewError as error:
        raise failure(str(error)) from error


def _check_applied_profile(task: Any, profile: client.ServerProfile) -> None:
    """The profile (new or reused) is compliant and carries the required baseline."""
    node = task.node
    settings = common.parse_driver_info(node)
    ov = common.get_client(settings)
    with errors.translated(node, "checking the node's server profile", settings.connection):
        try:
            requirements.check_compliance(node, ov, profile)
            requirements.check_firmware(node, ov, profile)
        except exception.InvalidParameterValue as error:
            raise exception.InstanceDeployFailure(str(error)) from error


def _release_after_failure(task: Any) -> None:
    try:
        profiles.deallocate(task, "removing the server profile of a failed deployment")
    except Exception as error:  # the original failure is what the caller must see
        LOG.error(
            "Node %s: could not remove the server profile of the failed deployment: %s",
            task.node.uuid,
            error,
        )
