"""Deploy interfaces of the ``oneview`` hardware type: Ironic's own, plus the server profile.

``oneview-direct`` is Ironic's agent (``direct``) deploy and ``oneview-ramdisk`` its ``ramdisk``
deploy, with the profile lifecycle of :mod:`profiles` around them:

- ``prepare`` (deploying) and ``prepare_cleaning`` apply a profile made from the node's template
  to the node's server before the server is powered or booted (OneView sets the boot order and
  connections through the profile); a rebuild or a retry reuses the profile already applied;
- ``tear_down_cleaning`` removes it, and so does ``tear_down`` when no automated cleaning
  follows (otherwise cleaning runs on the same profile and removes it at the end);
- ``validate`` refuses a deploy whose instance requires a firmware baseline the node's template
  does not install, or another boot mode than the template's; ``prepare`` also refuses a
  profile no longer compliant with its template (see :mod:`requirements`);
- once the profile is applied, Ironic's record of the node's boot mode is the profile's, so
  the boot interface's ``prepare_ramdisk`` (PXE config, boot mode sync) works in the mode the
  server boots in (see :mod:`boot_devices`).

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
from ironic.drivers.modules import agent, deploy_utils, ramdisk

from oneview_openstack.ironic_driver import (
    boot_devices,
    common,
    errors,
    profiles,
    requirements,
    transitions,
)

LOG = logging.getLogger(__name__)

# The entry point name of OneViewRamdiskDeploy (pyproject.toml).
RAMDISK_DEPLOY = "oneview-ramdisk"


def _is_ramdisk_deploy(node: Any) -> bool:
    """Ironic's check, with ``oneview-ramdisk`` a ramdisk deploy as ``ramdisk`` is."""
    return node.get_interface("deploy") in ("ramdisk", RAMDISK_DEPLOY)


deploy_utils.is_ramdisk_deploy = _is_ramdisk_deploy


class OneViewDeployMixin:
    """Put a OneView server profile under a deploy interface's deploy and cleaning."""

    def get_properties(self) -> dict[str, str]:
        return {**super().get_properties(), **common.COMMON_PROPERTIES}  # type: ignore[misc]

    def validate(self, task: Any) -> None:
        """The node's OneView settings, the parent's checks, the boot mode asked for and the
        firmware requirement.

        :raises: MissingParameterValue, InvalidParameterValue.
        """
        validated = common.validate_node(task, require_template=True)
        super().validate(task)  # type: ignore[misc]
        assert validated.template is not None
        boot_devices.check_requested_boot_mode(task.node, validated.template)
        if requirements.required_baseline(task.node) is not None:
            settings = validated.settings
            with errors.translated(task.node, "checking the firmware", settings.connection):
                requirements.check_firmware(
                    task.node, common.get_client(settings), validated.template
                )

    def prepare(self, task: Any) -> None:
        """Apply the node's profile (when deploying), then the parent's preparation."""
        if task.node.provision_state != states.DEPLOYING:
            super().prepare(task)  # type: ignore[misc]
            return
        created = _allocate_for_deploy(task)
        try:
            super().prepare(task)  # type: ignore[misc]
            # Glance image properties reach instance_info only in the parent's prepare.
            _check_applied_profile(task)
        except Exception:
            if created:
                _release_after_failure(task)
            raise

    def tear_down(self, task: Any) -> str:
        """The parent's tear-down; then the profile goes unless cleaning will still use it."""
        result: str = super().tear_down(task)  # type: ignore[misc]
        transitions.forget_lost_profile(task.node)
        task.node.save()
        if manager_utils.skip_automated_cleaning(task.node):
            profiles.deallocate(task, "removing the server profile at tear-down")
        return result

    def prepare_cleaning(self, task: Any) -> str | None:
        """Apply the node's profile (or keep the deployed one), then the parent's preparation.

        :raises: NodeCleaningFailure naming OneView's reason.
        """
        node = task.node
        try:
            profile = profiles.allocate(task, "applying a server profile for cleaning")
        except errors.ServerInUseByOneView as error:
            node.set_driver_internal_info(profiles.ALLOCATION_ERROR, str(error))
            node.save()
            raise exception.NodeCleaningFailure(node=node.uuid, reason=str(error)) from error
        except errors.OneViewError as error:
            raise exception.NodeCleaningFailure(node=node.uuid, reason=str(error)) from error
        if node.del_driver_internal_info(profiles.ALLOCATION_ERROR) is not None:
            node.save()
        boot_devices.follow_profile_boot_mode(task, profile)
        result: str | None = super().prepare_cleaning(task)  # type: ignore[misc]
        return result

    def tear_down_cleaning(self, task: Any) -> None:
        """The parent's tear-down of cleaning, then the profile goes."""
        super().tear_down_cleaning(task)  # type: ignore[misc]
        try:
            profiles.deallocate(task, "removing the server profile after cleaning")
        except errors.OneViewError as error:
            raise exception.NodeCleaningFailure(node=task.node.uuid, reason=str(error)) from error


class OneViewAgentDeploy(OneViewDeployMixin, agent.AgentDeploy):
    """Ironic's agent (``direct``) deploy on a server carrying a profile Ironic applied."""


class OneViewRamdiskDeploy(OneViewDeployMixin, ramdisk.RamdiskDeploy):
    """Ironic's ``ramdisk`` deploy on a server carrying a profile Ironic applied."""


def _allocate_for_deploy(task: Any) -> bool:
    """Apply the node's profile; True when this call created it.

    :raises: InstanceDeployFailure naming OneView's reason (the server is left as it was).
    """
    node = task.node
    try:
        validated = common.validate_node(task, require_template=True)
        recorded = validated.settings.applied_server_profile_uri
        if recorded is None and validated.template is not None:
            ov = common.get_client(validated.settings)
            with errors.translated(node, "checking the firmware", validated.settings.connection):
                requirements.check_firmware(node, ov, validated.template)
        profile = profiles.allocate(task, "applying a server profile for deployment")
    except (errors.OneViewError, exception.InvalidParameterValue) as error:
        raise exception.InstanceDeployFailure(str(error)) from error
    boot_devices.follow_profile_boot_mode(task, profile)
    # A recorded profile that is gone, or an unrecorded one adopted, counts as created.
    return not common.same_uri(profile.uri, recorded)


def _check_applied_profile(task: Any) -> None:
    """The profile (new or reused) is compliant and carries the required baseline."""
    node = task.node
    settings = common.parse_driver_info(node)
    ov = common.get_client(settings)
    with errors.translated(node, "checking the node's server profile", settings.connection):
        profile = profiles.applied_profile(task, "reading the node's server profile")
        if profile is None:
            raise exception.InstanceDeployFailure(
                f"Node {node.uuid}: its server profile {settings.applied_server_profile_uri} "
                "disappeared from OneView during the deployment."
            )
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
