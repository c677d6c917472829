"""The server profiles Ironic applies: allocate one, deallocate it, and nothing in between lost.

A node gets a profile when it is deployed, cleaned or inspected in band: made from the node's
template (``GET .../new-profile``), named after the node (:func:`profile_name`), applied to the
node's server and **kept linked to the template**, so OneView keeps reporting the profile's
compliance and firmware drift. Tear-down removes it.

Retries and failures (the conductor may die or lose an answer at any point):

- the profile's URI is recorded in ``driver_internal_info/applied_server_profile_uri`` (the
  ownership marker, see :mod:`ownership`) as soon as OneView has applied it; an older
  release's ``driver_info/applied_server_profile_uri`` is honoured only if OneView shows an
  Ironic profile of this node there (:func:`adopt_legacy_record`), then moved;
- a retry adopts a profile Ironic applied but did not record: the profile on the node's server
  that carries the node's name and UUID (:func:`is_ironic_profile`);
- a profile whose apply task failed is deleted again, so a failed allocation leaves nothing;
- a profile a OneView user applied is never touched: allocation refuses with
  :class:`errors.ServerInUseByOneView` and deallocation leaves it alone.

Deploy, cleaning and in-band inspection do not wait for OneView under the node's lock (see
:mod:`profile_tasks`): :func:`start_allocation` POSTs the profile and returns the task (kind
:data:`APPLY`; in-band inspection's own kind, see :mod:`inband_inspect`), the poller calls
:func:`finish_allocation` when it succeeded, :func:`undo_failed_apply` when it failed;
:func:`deallocate` starts the DELETE and records it in the background (kind :data:`REMOVE`). A
profile OneView is still applying (an abort, a timeout) is never deleted under it:
:func:`remove_abandoned` deletes it once OneView's task ended. A node with such a task
outstanding waits for it before it applies a profile again.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from ironic.common import exception, states
from ironic.conductor import utils as manager_utils
from ironic.conf import CONF
from oslo_utils import timeutils

from oneview_openstack import client
from oneview_openstack.ironic_driver import (
    common,
    errors,
    nics,
    node_ports,
    ownership,
    profile_tasks,
)
from oneview_openstack.ironic_driver.checks import label

LOG = logging.getLogger(__name__)

PROFILE_NAME_PREFIX = "ironic-"
ONEVIEW_POWER_INTERFACE = "oneview"
ALLOCATION_ERROR = "oneview_allocation_error"
"""driver_internal_info: why cleaning could not get the server (a OneView user had it)."""
PROFILE_LOST = "oneview_profile_lost"
"""driver_internal_info: an active node's profile was removed or replaced in OneView."""
LAST_PROFILE = "oneview_last_profile"
"""driver_internal_info: the last profile Ironic removed, and when (for audits)."""
APPLY = "oneview-apply-profile"
"""profile_tasks kind: a profile being applied (data: ``profile``, ``purpose``)."""
REMOVE = "oneview-remove-profile"
"""profile_tasks kind: a profile being removed (data: ``profile``)."""


@dataclasses.dataclass(frozen=True)
class Started:
    """A OneView task the allocation waits for: applying the profile, or the node's earlier
    task still running (``data["waiting_for"] == "leftovers"``; then allocation starts again)."""

    task: client.Task
    data: dict[str, Any]


Allocation = client.ServerProfile | Started


def profile_name(node: Any) -> str:
    """``ironic-<node name>``, or ``ironic-<node uuid>`` for a node without a name."""
    return f"{PROFILE_NAME_PREFIX}{node.name or node.uuid}"


def profile_description(node: Any) -> str:
    return f"Applied by OpenStack Ironic to node {node.uuid}; removed when Ironic releases it."


def is_ironic_profile(profile: client.ServerProfile, node: Any) -> bool:
    """The profile Ironic creates for *node*: its name and its description naming the node."""
    return profile.name == profile_name(node) and node.uuid in (profile.description or "")


def start_allocation(task: Any, doing: str = "allocating a server profile") -> Allocation:
    """The profile Ironic applied already (kept or adopted), or the OneView task applying a
    new one from the node's template (:class:`Started`), not waited for: the task poller
    calls :func:`finish_allocation` when it succeeded, :func:`undo_failed_apply` when not.

    :raises: MissingParameterValue, InvalidParameterValue if the node's settings are wrong.
    :raises: ServerInUseByOneView if a OneView user's profile is on the server.
    :raises: OneViewError naming OneView's message if OneView refuses the profile.
    """
    node = task.node
    settings = common.validate_node(task, require_template=True).settings
    ov = common.get_client(settings)
    with errors.translated(node, doing, settings.connection):
        settings = adopt_legacy_record(node, ov)
        running = profile_tasks.leftovers(node)
        if running:
            LOG.info(
                "Node %s: waiting for OneView task %s it started earlier before %s",
                node.uuid,
                running[0].get("uri"),
                doing,
            )
            earlier = client.Task(uri=str(running[0].get("uri") or ""))
            return Started(earlier, {"waiting_for": "leftovers", "doing": doing})
        server = ov.server_hardware.get(settings.server_hardware_uri)
        profile = _profile_already_applied(task, ov, settings, server, doing)
        if profile is not None:
            return profile
        _remove_unapplied_leftover(node, ov, server)
        power_off(task, ov, server)
        applying = _create(task, ov, settings, server, doing)
    LOG.info(
        "Node %s: applying server profile %s to server hardware %s (OneView task %s)",
        node.uuid,
        applying.resource_uri,
        label(server),
        applying.uri,
    )
    return Started(applying, {"profile": applying.resource_uri, "doing": doing})


def finish_allocation(task: Any, finished: client.Task, data: dict[str, Any]) -> Allocation:
    """After the task :func:`start_allocation` returned succeeded: the profile, recorded.
    After an earlier task of the node ended: the allocation, started again."""
    node = task.node
    doing = str(data.get("doing") or "applying a server profile")
    if data.get("waiting_for"):
        return start_allocation(task, doing)
    settings = common.parse_driver_info(node)
    ov = common.get_client(settings)
    with errors.translated(node, doing, settings.connection):
        uri = finished.resource_uri or data.get("profile")
        profile = _get_or_none(ov, uri) or ov.server_profiles.find_by_name(profile_name(node))
        if profile is None or not is_ironic_profile(profile, node):
            raise errors.OneViewError(
                node=node.uuid,
                doing=doing,
                error=f"OneView task {finished.uri} succeeded but the profile it applied "
                f"({uri}) is gone",
            )
    record(node, profile.uri)
    LOG.info("Node %s: applied server profile %s", node.uuid, label(profile))
    return profile


def undo_failed_apply(
    task: Any, finished: client.Task | None, data: dict[str, Any], message: str
) -> None:
    """A failed apply deletes its profile (OneView leaves it in error); one that timed out
    is still applying and is removed when it ends (:func:`remove_abandoned`)."""
    if finished is None or data.get("waiting_for"):
        return
    _remove_own_profile(task, finished.resource_uri or data.get("profile"), force=True)


def remove_abandoned(task: Any, finished: client.Task, data: dict[str, Any]) -> None:
    """An apply no operation waits for any more ended: remove its profile if it is Ironic's
    for this node and the node did not take it meanwhile."""
    uri = finished.resource_uri or data.get("profile")
    if data.get("waiting_for") or not uri:
        return
    if common.same_uri(uri, common.applied_profile_uri(task.node)):
        return
    _remove_own_profile(task, uri, force=not finished.is_success)


def removal_ended(task: Any, finished: client.Task, data: dict[str, Any]) -> None:
    """A profile removal ran in the background: log how it ended; the node's ports take
    the hardware's MACs again if the profile gave them others (Virtual MACs).

    A failed removal is started again once, forced (OneView then deletes the profile even
    if it cannot unconfigure the server): the node no longer records the profile, so a
    profile left on the server would look like a OneView user's to dynamic allocation.
    """
    if finished.is_success:
        LOG.info("Node %s: server profile %s removed", task.node.uuid, data.get("profile"))
        _ports_follow_hardware(task)
        return
    failure = profile_tasks.failure_message(task.node, {"kind": REMOVE}, finished)
    if not data.get("forced"):
        LOG.warning("%s; removing it again, forced", failure)
        _remove_own_profile(task, data.get("profile"), force=True)
        return
    LOG.error(
        "%s; the profile stays on the server: delete it in OneView (dynamic allocation "
        "takes the node out of 'available' meanwhile, as for a OneView user's profile)",
        failure,
    )


def _ports_follow_hardware(task: Any) -> None:
    """Without a profile the server presents its own MACs: ports that carried a Virtual-MAC
    profile's take them back (two GETs, only for nodes whose template uses Virtual MACs)."""
    settings = common.parse_driver_info(task.node)
    if settings.server_profile_template_uri is None:
        return
    ov = common.get_client(settings)
    try:
        template = ov.server_profile_templates.get(settings.server_profile_template_uri)
        if not nics.uses_virtual_macs(template):
            return
        server = ov.server_hardware.get(settings.server_hardware_uri)
        node_ports.follow(task, nics.nics(server, template))
    except (client.OneViewError, exception.IronicException) as error:
        LOG.warning(
            "Node %s: its ports keep the removed profile's MACs (%s); inspection or the next "
            "profile puts them right",
            task.node.uuid,
            error,
        )


def wait_for_removals(task: Any, doing: str) -> None:
    """Wait for the removals of the node's earlier profile still running (a deploy right
    after cleaning): until OneView ended them, the server carries a profile the node no
    longer records, which the boot interface's preparation would take for a user's.

    This waits under the node's lock, but only in that narrow case, and a DELETE is short.
    """
    node = task.node
    removals = [e for e in profile_tasks.leftovers(node) if e.get("kind") == REMOVE]
    if not removals:
        return
    settings = common.parse_driver_info(node)
    ov = common.get_client(settings)
    found: dict[str, client.Task] = {}
    with errors.translated(node, doing, settings.connection):
        for entry in removals:
            uri = str(entry.get("uri") or "")
            LOG.info("Node %s: waiting for the removal of its earlier profile (%s)", node.uuid, uri)
            try:
                found[uri] = ov.tasks.wait(uri, timeout=float(CONF.oneview.task_timeout))
            except client.TaskFailed as failure:
                found[uri] = failure.task or ov.tasks.get(uri)
    profile_tasks.settle_leftovers(task, found)


def _remove_own_profile(task: Any, uri: str | None, *, force: bool) -> None:
    """Start deleting *uri* in the background if it is an Ironic profile of this node."""
    node = task.node
    settings = common.parse_driver_info(node)
    ov = common.get_client(settings)
    profile = _get_or_none(ov, uri)
    if profile is None or not is_ironic_profile(profile, node):
        return
    if profile.server_hardware_uri:
        power_off(task, ov, ov.server_hardware.get(profile.server_hardware_uri))
    _delete_in_background(task, ov, profile.uri, force=force)


def _delete_in_background(
    task: Any, ov: client.OneViewClient, uri: str, *, force: bool = False
) -> None:
    try:
        removal = ov.server_profiles.delete(uri, wait=False, force=force)
    except client.NotFound:
        LOG.debug("Server profile %s is already gone", uri)
        return
    if isinstance(removal, client.Task) and removal.uri and not removal.is_terminal:
        profile_tasks.in_background(
            task, removal, kind=REMOVE, data={"profile": uri, "forced": force}
        )


def deallocate(task: Any, doing: str = "removing the node's server profile") -> None:
    """Remove the profile Ironic applied to the node's server (if any) and forget it.

    A profile a OneView user applied meanwhile is left alone (and the record dropped).
    """
    node = task.node
    waiting = profile_tasks.pending(node)
    if waiting is not None and waiting.get("kind") == APPLY:
        profile_tasks.abandon(task, doing)
    settings = common.parse_driver_info(node)
    ov = common.get_client(settings)
    with errors.translated(node, doing, settings.connection):
        settings = adopt_legacy_record(node, ov)
        server = ov.server_hardware.get(settings.server_hardware_uri)
        target = _profile_to_remove(node, ov, settings, server)
        if target is not None and common.oneview_still_works_on(node, target):
            LOG.info(
                "Node %s: OneView still works on profile %s; it is removed when OneView's "
                "task ends",
                node.uuid,
                target,
            )
        elif target is not None:
            power_off(task, ov, server)
            _delete_in_background(task, ov, target)
            node.set_driver_internal_info(
                LAST_PROFILE, {"uri": target, "removed_at": timeutils.utcnow().isoformat()}
            )
            node.save()
            LOG.info(
                "Node %s: removing server profile %s from server hardware %s",
                node.uuid,
                target,
                label(server),
            )
    forget(node)


def applied_profile(task: Any, doing: str) -> client.ServerProfile | None:
    """The profile Ironic recorded for the node, as OneView shows it now (None if none)."""
    node = task.node
    settings = common.parse_driver_info(node)
    if settings.applied_server_profile_uri is None:
        return None
    ov = common.get_client(settings)
    with errors.translated(node, doing, settings.connection):
        try:
            return ov.server_profiles.get(settings.applied_server_profile_uri)
        except client.NotFound:
            return None


# -- the node's record --------------------------------------------------------------------


def record(node: Any, profile_uri: str) -> None:
    """Remember the profile Ironic applied (``driver_internal_info/applied_server_profile_uri``)."""
    if common.applied_profile_uri(node) == profile_uri:
        return
    node.set_driver_internal_info(common.APPLIED_PROFILE, profile_uri)
    node.save()


def forget(node: Any) -> None:
    """Drop the record of an applied profile."""
    if node.del_driver_internal_info(common.APPLIED_PROFILE) is not None:
        node.save()


def adopt_legacy_record(node: Any, ov: client.OneViewClient) -> common.NodeSettings:
    """Move an older release's ``driver_info/applied_server_profile_uri`` to
    driver_internal_info if OneView shows an Ironic profile of this node there; drop it
    otherwise (anyone who may edit the node can write driver_info, so it proves nothing).

    :returns: the node's settings afterwards.
    """
    legacy = common.parse_driver_info(node).legacy_applied_profile_uri
    if common.APPLIED_PROFILE in (node.driver_info or {}):
        profile = _get_or_none(ov, legacy)
        if profile is not None and is_ironic_profile(profile, node):
            if common.applied_profile_uri(node) is None:
                node.set_driver_internal_info(common.APPLIED_PROFILE, profile.uri)
            LOG.info("Node %s: profile record %s moved to driver_internal_info", node.uuid, legacy)
        else:
            LOG.warning(
                "Node %s: ignoring driver_info/%s=%r: it does not name a profile Ironic "
                "created for this node",
                node.uuid,
                common.APPLIED_PROFILE,
                node.driver_info.get(common.APPLIED_PROFILE),
            )
        info = dict(node.driver_info)
        info.pop(common.APPLIED_PROFILE)
        node.driver_info = info
        node.save()
    return common.parse_driver_info(node)


# -- allocation ---------------------------------------------------------------------------


def _profile_already_applied(
    task: Any,
    ov: client.OneViewClient,
    settings: common.NodeSettings,
    server: client.ServerHardware,
    doing: str,
) -> client.ServerProfile | None:
    """The profile to keep when the server already carries one Ironic applied."""
    node = task.node
    carried = server.server_profile_uri
    owner = ownership.owner(carried, settings.applied_server_profile_uri)
    if owner is ownership.Owner.NOBODY:
        if settings.applied_server_profile_uri:
            LOG.warning(
                "Node %s: server hardware %s no longer carries the recorded profile %s; "
                "forgetting it",
                node.uuid,
                label(server),
                settings.applied_server_profile_uri,
            )
            forget(node)
        return None
    assert carried is not None
    profile = _get_or_none(ov, carried)
    if owner is ownership.Owner.IRONIC and profile is not None:
        return profile
    if profile is not None and is_ironic_profile(profile, node):
        LOG.info("Node %s: adopting its unrecorded profile %s", node.uuid, label(profile))
        record(node, profile.uri)
        return profile
    raise errors.ServerInUseByOneView(
        node=node.uuid, doing=doing, server=label(server), profile=carried
    )


def _remove_unapplied_leftover(
    node: Any, ov: client.OneViewClient, server: client.ServerHardware
) -> None:
    """Delete a profile of this node that is applied nowhere (an earlier attempt's)."""
    leftover = ov.server_profiles.find_by_name(profile_name(node))
    if leftover is None:
        return
    if not is_ironic_profile(leftover, node):
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: the server profile name {profile_name(node)!r} is taken by "
            f"profile {leftover.uri}, which Ironic did not create for this node; allowed: "
            "rename that profile in OneView or give the node another name."
        )
    if leftover.server_hardware_uri and not common.same_uri(
        leftover.server_hardware_uri, server.uri
    ):
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: its server profile {label(leftover)} is applied to server "
            f"hardware {leftover.server_hardware_uri}, not to the node's server hardware "
            f"{label(server)}; remove it in OneView, or point driver_info/server_hardware_uri "
            "back at that server."
        )
    LOG.info("Node %s: deleting profile %s left by an earlier attempt", node.uuid, leftover.uri)
    _delete(ov, leftover.uri)


def _create(
    task: Any,
    ov: client.OneViewClient,
    settings: common.NodeSettings,
    server: client.ServerHardware,
    doing: str,
) -> client.Task:
    """POST the node's profile without waiting: the apply task, its profile's URI known."""
    node = task.node
    template_uri = settings.server_profile_template_uri
    assert template_uri is not None
    profile = ov.server_profile_templates.new_profile(template_uri)
    profile.name = profile_name(node)
    profile.data["description"] = profile_description(node)
    profile.server_hardware_uri = server.uri
    profile.server_profile_template_uri = template_uri
    try:
        applying = ov.server_profiles.create(profile, wait=False)
        if not applying.resource_uri and applying.uri:
            applying = ov.tasks.get(applying)
        return applying
    except client.OneViewError as failure:
        _undo_failed_create(node, ov, failure)
        _raise_if_taken_meanwhile(node, ov, settings, doing)
        raise


def _undo_failed_create(node: Any, ov: client.OneViewClient, failure: client.OneViewError) -> None:
    """Delete what a failed create left (a profile in error, or still applying)."""
    task = getattr(failure, "task", None)
    uri = getattr(task, "resource_uri", None)
    leftover = _get_or_none(ov, uri) if uri else None
    if leftover is None:
        leftover = ov.server_profiles.find_by_name(profile_name(node))
    if leftover is None or not is_ironic_profile(leftover, node):
        return
    try:
        _delete(ov, leftover.uri, force=True)
    except client.OneViewError as error:
        LOG.error(
            "Node %s: could not delete the profile %s of a failed allocation (%s); the next "
            "attempt deletes it",
            node.uuid,
            leftover.uri,
            error,
        )


def _raise_if_taken_meanwhile(
    node: Any, ov: client.OneViewClient, settings: common.NodeSettings, doing: str
) -> None:
    """A OneView user applying a profile at the same moment makes ours fail: say so."""
    try:
        server = ov.server_hardware.get(settings.server_hardware_uri)
    except client.OneViewError:
        return
    if server.server_profile_uri and ownership.owner(server.server_profile_uri, None) is (
        ownership.Owner.ONEVIEW_USER
    ):
        carried = _get_or_none(ov, server.server_profile_uri)
        if carried is None or not is_ironic_profile(carried, node):
            raise errors.ServerInUseByOneView(
                node=node.uuid, doing=doing, server=label(server), profile=server.server_profile_uri
            )


# -- deallocation -------------------------------------------------------------------------


def _profile_to_remove(
    node: Any,
    ov: client.OneViewClient,
    settings: common.NodeSettings,
    server: client.ServerHardware,
) -> str | None:
    carried = server.server_profile_uri
    owner = ownership.owner(carried, settings.applied_server_profile_uri)
    if owner is ownership.Owner.IRONIC:
        return carried
    if owner is ownership.Owner.ONEVIEW_USER:
        assert carried is not None
        profile = _get_or_none(ov, carried)
        if profile is not None and is_ironic_profile(profile, node):
            return carried
        LOG.warning(
            "Node %s: server hardware %s carries profile %s, which a OneView user applied; "
            "leaving it",
            node.uuid,
            label(server),
            carried,
        )
        return None
    recorded = settings.applied_server_profile_uri
    stray = _get_or_none(ov, recorded) if recorded else None
    if stray is not None and is_ironic_profile(stray, node) and not stray.server_hardware_uri:
        _delete(ov, stray.uri)
    return None


# -- OneView helpers ----------------------------------------------------------------------


def power_off(task: Any, ov: client.OneViewClient, server: client.ServerHardware) -> None:
    """Power the server off (OneView applies and removes profiles only on servers that are off).

    Through Ironic's power action when the node uses the OneView power interface, so Ironic
    records it; otherwise (a test's fake power) straight through OneView.
    """
    if server.power_state is client.PowerState.OFF:
        return
    if task.node.power_interface == ONEVIEW_POWER_INTERFACE:
        manager_utils.node_power_action(task, states.POWER_OFF)
        return
    ov.server_hardware.set_power(server, client.PowerState.OFF, client.PowerControl.PRESS_AND_HOLD)


def _delete(ov: client.OneViewClient, uri: str, *, force: bool = False) -> None:
    try:
        ov.server_profiles.delete(uri, force=force)
    except client.NotFound:
        LOG.debug("Server profile %s is already gone", uri)


def _get_or_none(ov: client.OneViewClient, uri: str | None) -> client.ServerProfile | None:
    if not uri:
        return None
    try:
        return ov.server_profiles.get(uri)
    except client.NotFound:
        return None


profile_tasks.on_failure(APPLY)(undo_failed_apply)
profile_tasks.on_leftover(APPLY)(remove_abandoned)
profile_tasks.on_leftover(REMOVE)(removal_ended)
