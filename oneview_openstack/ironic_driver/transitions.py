"""The node transitions of dynamic allocation, made under the node's exclusive lock.

:func:`apply` changes the node and returns the provisioning verb (``provide``) to run once the
lock is released, if any: ``provide`` starts cleaning in a conductor worker that takes the lock
itself. See :mod:`periodics` for when each transition happens.
"""

from __future__ import annotations

import enum
import logging
from typing import Any

from ironic.common import faults

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, inband_inspect, ownership, profiles
from oneview_openstack.ironic_driver.checks import label

LOG = logging.getLogger(__name__)

CLAIMED = "oneview_claimed"
"""driver_internal_info: the claim the periodic put the node in maintenance for."""
IN_USE_REASON = "In use by OneView"
PROFILE_LOST_REASON = "Server profile lost in OneView"


class Action(enum.Enum):
    """What the periodic does to one node."""

    TAKE = "take"
    """A OneView user claimed the server of an available node."""
    GIVE_BACK = "give back"
    """The claim that took the node ended."""
    RESCUE = "rescue"
    """Cleaning failed because a OneView user had the server."""
    FLAG_LOST = "flag lost profile"
    """The profile of an active node was removed or replaced in OneView."""
    CLEAR_LOST = "clear lost profile"
    """... and it is back."""
    RELEASE_INSPECTION = "release inspection profile"
    """An in-band inspection ended without removing its profile (it timed out)."""


def apply(
    task: Any, action: Action, server: client.ServerHardware, ov: client.OneViewClient
) -> str | None:
    """Make the *action* transition of the task's node; a verb to run after the lock, or None."""
    task.upgrade_lock()
    handlers = {
        Action.TAKE: _take,
        Action.GIVE_BACK: _give_back,
        Action.RESCUE: _rescue,
        Action.FLAG_LOST: _flag_lost,
        Action.CLEAR_LOST: _clear_lost,
        Action.RELEASE_INSPECTION: _release_inspection,
    }
    verb: str | None = handlers[action](task, server, ov)
    LOG.info("Node %s: OneView dynamic allocation: %s", task.node.uuid, action.value)
    return verb


def claim_reason(server: client.ServerHardware, profile: client.ServerProfile | None) -> str:
    """The maintenance reason of a node whose server a OneView user claimed."""
    carried = label(profile) if profile is not None else str(server.server_profile_uri)
    return (
        f"{IN_USE_REASON}: server hardware {label(server)} carries server profile {carried}, "
        "applied by a OneView user. Ironic returns the node to 'available' (through cleaning) "
        "once that profile is removed."
    )


def forget_lost_profile(node: Any) -> None:
    """Drop the lost-profile flag (and the maintenance it set) when the node is torn down."""
    flag = node.del_driver_internal_info(profiles.PROFILE_LOST)
    if flag and node.maintenance and node.maintenance_reason == flag.get("reason"):
        node.maintenance = False
        node.maintenance_reason = None


# -- the transitions ----------------------------------------------------------------------


def _take(task: Any, server: client.ServerHardware, ov: client.OneViewClient) -> None:
    node = task.node
    profile = _profile_or_none(ov, server.server_profile_uri)
    if profile is not None and profiles.is_ironic_profile(profile, node):
        LOG.warning(
            "Node %s is available but its server %s still carries its profile %s; it is "
            "removed when the node is next cleaned",
            node.uuid,
            label(server),
            label(profile),
        )
        return None
    _claim(node, server, profile)
    task.process_event("manage")
    return None


def _give_back(task: Any, server: client.ServerHardware, ov: client.OneViewClient) -> str:
    node = task.node
    node.maintenance = False
    node.maintenance_reason = None
    node.del_driver_internal_info(CLAIMED)
    node.save()
    return "provide"


def _rescue(task: Any, server: client.ServerHardware, ov: client.OneViewClient) -> str | None:
    node = task.node
    node.del_driver_internal_info(profiles.ALLOCATION_ERROR)
    # the node's own profile that OneView still removes is nobody's (common.server_owner)
    taken = common.server_owner(node, server.server_profile_uri) is ownership.Owner.ONEVIEW_USER
    operator_maintenance = node.maintenance and node.fault != faults.CLEAN_FAILURE
    if taken and not operator_maintenance:
        _claim(node, server, _profile_or_none(ov, server.server_profile_uri))
        node.fault = None
        task.process_event("manage")
        return None
    if not operator_maintenance:
        node.maintenance = False
        node.maintenance_reason = None
        node.fault = None
    task.process_event("manage")
    return None if taken or operator_maintenance else "provide"


def _flag_lost(task: Any, server: client.ServerHardware, ov: client.OneViewClient) -> None:
    node = task.node
    applied = common.applied_profile_uri(node)
    carried = server.server_profile_uri
    now = f"it now carries {carried}" if carried else "it carries no profile"
    reason = (
        f"{PROFILE_LOST_REASON}: the server profile {applied} Ironic applied to server "
        f"hardware {label(server)} was removed or replaced ({now}); the instance lost the "
        "connections and boot settings it was deployed with. Undeploy or rebuild the node to "
        "apply a new profile."
    )
    node.set_driver_internal_info(
        profiles.PROFILE_LOST, {"profile": applied, "carried": carried, "reason": reason}
    )
    node.last_error = reason
    if not node.maintenance:
        node.maintenance = True
        node.maintenance_reason = reason
    node.save()
    LOG.warning("Node %s: %s", node.uuid, reason)


def _clear_lost(task: Any, server: client.ServerHardware, ov: client.OneViewClient) -> None:
    node = task.node
    flag = node.driver_internal_info.get(profiles.PROFILE_LOST) or {}
    forget_lost_profile(node)
    if node.last_error == flag.get("reason"):
        node.last_error = None
    node.save()


def _release_inspection(task: Any, server: client.ServerHardware, ov: client.OneViewClient) -> None:
    inband_inspect.release_inspection_profile(task)


def _claim(node: Any, server: client.ServerHardware, profile: client.ServerProfile | None) -> None:
    reason = claim_reason(server, profile)
    node.maintenance = True
    node.maintenance_reason = reason
    node.set_driver_internal_info(
        CLAIMED, {"server": server.uri, "profile": server.server_profile_uri, "reason": reason}
    )


def _profile_or_none(ov: client.OneViewClient, uri: str | None) -> client.ServerProfile | None:
    if not uri:
        return None
    try:
        return ov.server_profiles.get(uri)
    except client.OneViewError as error:
        LOG.debug("Could not read server profile %s: %s", uri, error)
        return None
