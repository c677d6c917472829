"""The server profiles Ironic applies: allocate one, deallocate it, and nothing in between lost.

A node gets a profile when it is deployed, cleaned or inspected in band: made from the node's
template (``GET .../new-profile``), named after the node (:func:`profile_name`), applied to the
node's server and **kept linked to the template**, so OneView keeps reporting the profile's
compliance and firmware drift. Tear-down removes it.

Retries and failures (the conductor may die or lose an answer at any point):

- the profile's URI is recorded in ``driver_info/applied_server_profile_uri`` (the ownership
  marker, see :mod:`ownership`) as soon as OneView has applied it;
- a retry adopts a profile Ironic applied but did not record: the profile on the node's server
  that carries the node's name and UUID (:func:`is_ironic_profile`);
- a profile whose apply task failed is deleted again, so a failed allocation leaves nothing;
- a profile a OneView user applied is never touched: allocation refuses with
  :class:`errors.ServerInUseByOneView` and deallocation leaves it alone.
"""

from __future__ import annotations

import logging
from typing import Any

from ironic.common import exception, states
from ironic.conductor import utils as manager_utils
from oslo_utils import timeutils

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, errors, ownership
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


def profile_name(node: Any) -> str:
    """``ironic-<node name>``, or ``ironic-<node uuid>`` for a node without a name."""
    return f"{PROFILE_NAME_PREFIX}{node.name or node.uuid}"


def profile_description(node: Any) -> str:
    return f"Applied by OpenStack Ironic to node {node.uuid}; removed when Ironic releases it."


def is_ironic_profile(profile: client.ServerProfile, node: Any) -> bool:
    """The profile Ironic creates for *node*: its name and its description naming the node."""
    return profile.name == profile_name(node) and node.uuid in (profile.description or "")


def allocate(task: Any, doing: str = "allocating a server profile") -> client.ServerProfile:
    """The node's server carrying a profile Ironic applied; created from the template if needed.

    :raises: MissingParameterValue, InvalidParameterValue if the node's settings are wrong.
    :raises: ServerInUseByOneView if a OneView user's profile is on the server.
    :raises: OneViewError naming OneView's message if the profile cannot be applied; no
        profile is left behind then.
    """
    node = task.node
    settings = common.validate_node(task, require_template=True).settings
    ov = common.get_client(settings)
    with errors.translated(node, doing, settings.connection):
        server = ov.server_hardware.get(settings.server_hardware_uri)
        profile = _profile_already_applied(task, ov, settings, server, doing)
        if profile is not None:
            return profile
        _remove_unapplied_leftover(node, ov, server)
        power_off(task, ov, server)
        profile = _create(task, ov, settings, server, doing)
    record(node, profile.uri)
    LOG.info(
        "Node %s: applied server profile %s to server hardware %s",
        node.uuid,
        label(profile),
        label(server),
    )
    return profile


def deallocate(task: Any, doing: str = "removing the node's server profile") -> None:
    """Remove the profile Ironic applied to the node's server (if any) and forget it.

    A profile a OneView user applied meanwhile is left alone (and the record dropped).
    """
    node = task.node
    settings = common.parse_driver_info(node)
    ov = common.get_client(settings)
    with errors.translated(node, doing, settings.connection):
        server = ov.server_hardware.get(settings.server_hardware_uri)
        target = _profile_to_remove(node, ov, settings, server)
        if target is not None:
            power_off(task, ov, server)
            _delete(ov, target)
            node.set_driver_internal_info(
                LAST_PROFILE, {"uri": target, "removed_at": timeutils.utcnow().isoformat()}
            )
            node.save()
            LOG.info(
                "Node %s: removed server profile %s from server hardware %s",
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
    """Remember the profile Ironic applied (``driver_info/applied_server_profile_uri``)."""
    if node.driver_info.get(common.APPLIED_PROFILE) == profile_uri:
        return
    info = dict(node.driver_info)
    info[common.APPLIED_PROFILE] = profile_uri
    node.driver_info = info
    node.save()


def forget(node: Any) -> None:
    """Drop the record of an applied profile."""
    if common.APPLIED_PROFILE not in node.driver_info:
        return
    info = dict(node.driver_info)
    info.pop(common.APPLIED_PROFILE)
    node.driver_info = info
    node.save()


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
) -> client.ServerProfile:
    node = task.node
    template_uri = settings.server_profile_template_uri
    assert template_uri is not None
    profile = ov.server_profile_templates.new_profile(template_uri)
    profile.name = profile_name(node)
    profile.data["description"] = profile_description(node)
    profile.server_hardware_uri = server.uri
    profile.server_profile_template_uri = template_uri
    try:
        return ov.server_profiles.create(profile)
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
