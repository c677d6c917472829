"""Editing one section of the server profile Ironic applied, as an asynchronous step.

The BIOS and RAID interfaces change a section of the node's applied profile (``bios``,
``localStorage``) and PUT it without waiting: OneView answers with a task, and
:mod:`profile_tasks` polls it and calls the interface's handler when it ends, so no conductor
worker holds the node's lock for the minutes an apply takes.

The steps require the ramdisk (Ironic's default): without it Ironic skips
``prepare_cleaning``, which is what applies the node's profile for cleaning, and there would
be no profile to edit.

OneView applies these sections only to a server that is off: the server is powered off
before the PUT. When the step ran with the agent up (the server was on and the ramdisk is
not disabled), the success handler boots the agent again (:func:`resume`) and the agent's
heartbeat moves on to the next step, as Ironic's redfish BIOS and RAID steps do after their
reboot. When OneView fails the task, :func:`restore` puts the section back as it was, so the
profile does not keep a half-applied edit that the next apply would retry.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from ironic.common import async_steps, exception, states
from ironic.conductor import utils as manager_utils
from ironic.conf import CONF
from ironic.drivers.modules import deploy_utils

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, errors, profile_tasks, profiles

LOG = logging.getLogger(__name__)

SECTION = "section"
PREVIOUS = "previous"
WAS_ON = "was_on"


@dataclasses.dataclass(frozen=True)
class AppliedProfile:
    """The node's applied profile and server, as OneView shows them now."""

    settings: common.NodeSettings
    ov: client.OneViewClient
    profile: client.ServerProfile
    server: client.ServerHardware


def applied(task: Any, doing: str) -> AppliedProfile:
    """The profile Ironic applied to the node, and its server.

    :raises: InvalidParameterValue when the node carries no profile Ironic applied (the
        interfaces edit it: cleaning and deployment apply one first).
    :raises: OneViewError naming OneView's message if it cannot be read.
    """
    node = task.node
    settings = common.parse_driver_info(node)
    uri = settings.applied_server_profile_uri
    if uri is None:
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: {doing} edits the server profile Ironic applied to the node, "
            "and the node carries none; run it as a clean or deploy step (cleaning and "
            f"deployment apply the profile of driver_info/{common.TEMPLATE} first)."
        )
    ov = common.get_client(settings)
    with errors.translated(node, doing, settings.connection):
        profile = ov.server_profiles.get(uri)
        server = ov.server_hardware.get(settings.server_hardware_uri)
    return AppliedProfile(settings, ov, profile, server)


def submit(
    task: Any,
    target: AppliedProfile,
    section: str,
    value: dict[str, Any],
    *,
    kind: str,
    doing: str,
    data: dict[str, Any] | None = None,
) -> str | None:
    """PUT the profile with *section* set to *value*; the wait state, or None if unchanged.

    The server is powered off first (OneView refuses these edits on a server that is on);
    the section as it was travels in the task's data for :func:`restore`.
    """
    node = task.node
    previous = target.profile.get(section)
    if previous == value:
        LOG.info("Node %s: %s: the server profile already has it, nothing to do", node.uuid, doing)
        return None
    was_on = target.server.power_state is not client.PowerState.OFF
    with errors.translated(node, doing, target.settings.connection):
        profiles.power_off(task, target.ov, target.server)
        try:
            profile = target.ov.server_profiles.get(target.profile.uri)  # eTag after power off
            profile.data[section] = value
            oneview_task = target.ov.server_profiles.update(profile, wait=False)
        except client.OneViewError:
            if was_on:  # refused: nothing changed, so the server runs again as it was
                _power_on_again(task)
            raise
    LOG.info("Node %s: %s through server profile %s", node.uuid, doing, profile.uri)
    details = {SECTION: section, PREVIOUS: previous, WAS_ON: was_on, **(data or {})}
    return profile_tasks.wait_for(
        task, oneview_task, kind=kind, timeout=float(CONF.oneview.task_timeout), data=details
    )


def _power_on_again(task: Any) -> None:
    try:
        manager_utils.node_power_action(task, states.POWER_ON)
    except exception.IronicException as error:
        LOG.warning("Node %s: could not power the server on again: %s", task.node.uuid, error)


def resume(task: Any, data: dict[str, Any]) -> str | None:
    """After OneView applied the edit: boot the agent again if the step had it up.

    Returns :data:`profile_tasks.KEEP_WAITING` while the agent boots (its heartbeat goes on
    with the next step), or None to go on at once (no ramdisk, or the server was off).
    """
    node = task.node
    if not data.get(WAS_ON) or deploy_utils.is_ramdisk_disabled(node):
        return None
    async_steps.set_node_flags(node, reboot=True, skip_current_step=True, polling=False)
    node.save()
    deploy_utils.reboot_to_finish_step(task)
    return profile_tasks.KEEP_WAITING


def restore(task: Any, finished: client.Task | None, data: dict[str, Any]) -> None:
    """Put the edited section back as it was (started, not awaited: the step has failed).

    Not while OneView still applies the edit (*finished* is None: the step timed out);
    sending another edit under a running apply is what must not happen then.
    """
    node = task.node
    section = str(data.get(SECTION) or "")
    if not section:
        return
    if finished is None:
        LOG.warning(
            "Node %s: OneView still applies the %s section of its server profile; it is "
            "left as sent",
            node.uuid,
            section,
        )
        return
    settings = common.parse_driver_info(node)
    if settings.applied_server_profile_uri is None:
        return
    ov = common.get_client(settings)
    try:
        profile = ov.server_profiles.get(settings.applied_server_profile_uri)
        if profile.get(section) == data.get(PREVIOUS):
            return
        profile.data[section] = data.get(PREVIOUS)
        restoring = ov.server_profiles.update(profile, wait=False)
    except client.OneViewError as error:
        LOG.warning(
            "Node %s: could not put the %s section of server profile %s back: %s",
            node.uuid,
            section,
            settings.applied_server_profile_uri,
            error,
        )
        return
    LOG.info(
        "Node %s: putting the %s section of server profile %s back as it was (task %s)",
        node.uuid,
        section,
        profile.uri,
        restoring.uri,
    )
