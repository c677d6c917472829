"""``oneview-agent``: Ironic's in-band inspection (``agent``) on a server carrying a profile.

Out-of-band inspection (the ``oneview`` inspect interface) needs no profile. In-band
inspection boots ironic-python-agent on the server, which needs what only a profile gives a
OneView server: its connections (the provisioning network), its boot order and (Virtual
MACs) the MACs the agent looks up with. So :meth:`OneViewAgentInspect.inspect_hardware`
starts applying the node's profile (:mod:`profiles`) and returns INSPECTWAIT without
waiting: OneView's task is waited for by the task poller of :mod:`profile_tasks`, not under
the node's lock. When it succeeded (:func:`_profile_applied`), the node follows the
profile's boot mode and MACs and Ironic's ``agent`` inspection boots the agent; the node
stays in INSPECTWAIT until the agent's data arrives. A failed apply fails the inspection
with OneView's message and deletes the profile; one still running past
``[oneview]task_timeout`` fails it too and its profile is removed when OneView ends it.

The profile goes when the inspection ends: when the agent's data arrived, when it is aborted
(during the apply too: removed once OneView's task ended), or when starting the agent
failed. An inspection that times out (the conductor moves the node to ``inspect failed``)
leaves the profile to the dynamic-allocation periodic task, which removes it
(``driver_internal_info/oneview_inspection_profile`` marks it).
"""

from __future__ import annotations

import logging
from typing import Any

from ironic.common import exception
from ironic.conf import CONF
from ironic.drivers.modules.inspector import agent as inspector_agent

from oneview_openstack import client
from oneview_openstack.ironic_driver import (
    boot_devices,
    common,
    errors,
    nics,
    node_ports,
    profile_tasks,
    profiles,
)

LOG = logging.getLogger(__name__)

INSPECTION_PROFILE = "oneview_inspection_profile"
"""driver_internal_info: the node's profile is (being) applied for an in-band inspection."""
APPLY = "oneview-apply-inspection-profile"
"""profile_tasks kind: a profile being applied for an in-band inspection (data as
:data:`profiles.APPLY`'s)."""
DOING = "applying a server profile for in-band inspection"


class OneViewAgentInspect(inspector_agent.AgentInspect):
    """In-band inspection by ironic-python-agent, with the node's server profile applied."""

    def get_properties(self) -> dict[str, str]:
        return {**super().get_properties(), **common.COMMON_PROPERTIES}

    def validate(self, task: Any) -> None:
        common.validate_node(task, require_template=True)
        super().validate(task)

    def inspect_hardware(self, task: Any) -> str | None:
        """Start applying the profile: INSPECTWAIT while OneView applies it (the node's lock
        is free meanwhile); Ironic's in-band inspection follows it. A profile already applied
        is kept and the agent boots at once.

        :raises: HardwareInspectionFailure naming OneView's reason (no profile left).
        """
        node = task.node
        try:
            outcome = profiles.start_allocation(task, DOING)
        except (errors.OneViewError, exception.InvalidParameterValue) as error:
            raise exception.HardwareInspectionFailure(error=str(error)) from error
        node.set_driver_internal_info(INSPECTION_PROFILE, True)
        node.save()
        return _continue(task, outcome)

    def continue_inspection(self, task: Any, inventory: Any, plugin_data: Any) -> Any:
        """Ironic's processing of the agent's data; then the profile goes."""
        try:
            return super().continue_inspection(task, inventory, plugin_data)
        finally:
            release_inspection_profile(task)

    def abort(self, task: Any) -> None:
        """Ironic's abort (the agent's boot cleaned up, the server off), then the profile
        goes. During the apply nothing is booted yet: OneView's task is abandoned and the
        profile removed once it ended (the server is not powered under OneView's apply)."""
        if not _applying(task.node):
            super().abort(task)
        release_inspection_profile(task)


def _applying(node: Any) -> bool:
    waiting = profile_tasks.pending(node)
    return waiting is not None and waiting.get("kind") == APPLY


def _continue(task: Any, outcome: profiles.Allocation) -> str | None:
    """Wait for OneView's task, or boot the agent at once on the profile applied."""
    if isinstance(outcome, profiles.Started):
        return profile_tasks.wait_for(
            task,
            outcome.task,
            kind=APPLY,
            timeout=float(CONF.oneview.task_timeout),
            data=outcome.data,
        )
    return _after_apply(task, outcome)


@profile_tasks.on_success(APPLY)
def _profile_applied(task: Any, finished: client.Task, data: dict[str, Any]) -> str | None:
    """OneView applied the profile (or ended the node's earlier task): go on; the agent's
    data ends the wait."""
    outcome = profiles.finish_allocation(task, finished, data)
    result = _continue(task, outcome)
    return profile_tasks.KEEP_WAITING if result in profile_tasks.WAIT_STATES else result


@profile_tasks.on_failure(APPLY)
def _apply_failed(
    task: Any, finished: client.Task | None, data: dict[str, Any], message: str
) -> None:
    """The failed apply's profile is deleted (one still applying is removed when it ends,
    :func:`profiles.remove_abandoned`): the periodic task has nothing left to remove."""
    profiles.undo_failed_apply(task, finished, data, message)
    if task.node.del_driver_internal_info(INSPECTION_PROFILE) is not None:
        task.node.save()


profile_tasks.on_leftover(APPLY)(profiles.remove_abandoned)


def _after_apply(task: Any, profile: client.ServerProfile) -> str | None:
    """The node follows the profile's boot mode and MACs (the agent looks up with them),
    then Ironic's in-band inspection boots the agent (INSPECTWAIT); the profile goes again
    if that fails."""
    boot_devices.follow_profile_boot_mode(task, profile)
    changed = node_ports.follow(task, nics.profile_nics(profile))
    if changed:
        LOG.info("Node %s: ports %s follow the profile's MACs", task.node.uuid, ", ".join(changed))
    parent = super(OneViewAgentInspect, task.driver.inspect)
    try:
        result: str | None = parent.inspect_hardware(task)  # type: ignore[attr-defined]
    except Exception:
        release_inspection_profile(task)
        raise
    return result


def release_inspection_profile(task: Any) -> None:
    """Remove the profile applied for an in-band inspection (errors are logged, not raised:
    the periodic task tries again). One OneView still applies is removed when it ended."""
    node = task.node
    if _applying(node):
        profile_tasks.abandon(task, "the in-band inspection ended")
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
