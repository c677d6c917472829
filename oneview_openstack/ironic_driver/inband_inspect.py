"""``oneview-agent``: Ironic's in-band inspection (``agent``) on a server carrying a profile.

Out-of-band inspection (the ``oneview`` inspect interface) needs no profile. In-band
inspection boots ironic-python-agent on the server, which needs what only a profile gives a
OneView server: its connections (the provisioning network) and its boot order. So this
interface applies the node's profile (:mod:`profiles`) before Ironic's ``agent`` inspection
boots the server, and removes it when the inspection ends: when the agent's data arrived,
when it is aborted, or when starting it failed. An inspection that times out (the conductor
moves the node to ``inspect failed``) leaves the profile to the dynamic-allocation periodic
task, which removes it (``driver_internal_info/oneview_inspection_profile`` marks it).
"""

from __future__ import annotations

import logging
from typing import Any

from ironic.common import exception
from ironic.drivers.modules.inspector import agent as inspector_agent

from oneview_openstack.ironic_driver import boot_devices, common, errors, profiles

LOG = logging.getLogger(__name__)

INSPECTION_PROFILE = "oneview_inspection_profile"
"""driver_internal_info: the node's profile was applied for an in-band inspection."""


class OneViewAgentInspect(inspector_agent.AgentInspect):
    """In-band inspection by ironic-python-agent, with the node's server profile applied."""

    def get_properties(self) -> dict[str, str]:
        return {**super().get_properties(), **common.COMMON_PROPERTIES}

    def validate(self, task: Any) -> None:
        common.validate_node(task, require_template=True)
        super().validate(task)

    def inspect_hardware(self, task: Any) -> str | None:
        """Apply the profile, then start Ironic's in-band inspection.

        :raises: HardwareInspectionFailure naming OneView's reason (no profile left).
        """
        node = task.node
        try:
            profile = profiles.allocate(task, "applying a server profile for in-band inspection")
        except (errors.OneViewError, exception.InvalidParameterValue) as error:
            raise exception.HardwareInspectionFailure(error=str(error)) from error
        node.set_driver_internal_info(INSPECTION_PROFILE, True)
        node.save()
        boot_devices.follow_profile_boot_mode(task, profile)
        try:
            result = super().inspect_hardware(task)
        except Exception:
            release_inspection_profile(task)
            raise
        return result

    def continue_inspection(self, task: Any, inventory: Any, plugin_data: Any) -> Any:
        """Ironic's processing of the agent's data; then the profile goes."""
        try:
            return super().continue_inspection(task, inventory, plugin_data)
        finally:
            release_inspection_profile(task)

    def abort(self, task: Any) -> None:
        super().abort(task)
        release_inspection_profile(task)


def release_inspection_profile(task: Any) -> None:
    """Remove the profile applied for an in-band inspection (errors are logged, not raised:
    the periodic task tries again)."""
    node = task.node
    if not node.driver_internal_info.get(INSPECTION_PROFILE):
        return
    try:
        profiles.deallocate(task, "removing the server profile after in-band inspection")
    except (errors.OneViewError, exception.IronicException) as error:
        LOG.error(
            "Node %s: could not remove the server profile after in-band inspection (%s); "
            "the OneView periodic task will",
            node.uuid,
            error,
        )
        return
    node.del_driver_internal_info(INSPECTION_PROFILE)
    node.save()
