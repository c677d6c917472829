"""``OneViewPower``: power through OneView's ``PUT /rest/server-hardware/{id}/powerState``.

Every action waits for OneView's power task (Ironic's power actions are blocking) and is
refused, with an error naming the owner's profile, when a OneView user owns the server.

============  ===============================================================================
Ironic        OneView
============  ===============================================================================
power on      (pending boot device written while off) On + MomentaryPress
power off     Off + PressAndHold
soft off      Off + MomentaryPress (ACPI shutdown); if OneView fails it (the OS ignored it,
              ``SERVER_MOMENTARY_PRESS_OFF_TIMEOUT``) or it outlasts Ironic's timeout: Off +
              PressAndHold, unless ``[oneview]soft_power_off_fallback`` is false
reboot        On + ColdBoot; with a pending boot device: hard off, write it, on
soft reboot   soft off (with the same fallback), pending boot device, on
(any reboot of a server that is off powers it on)
============  ===============================================================================

``validate`` only parses the node's settings (Nova validates before every boot: an appliance
that does not answer must not fail it); what only OneView can tell (the server exists, its
type, enclosure group, template and MACs agree) is the verify step
:meth:`OneViewPower.verify_oneview_settings`, run on ``manage``, and is checked again by
inspection and deploy.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from ironic.common import exception, states
from ironic.conductor import task_manager
from ironic.conf import CONF
from ironic.drivers import base

from oneview_openstack import client
from oneview_openstack.ironic_driver import (
    boot_devices,
    common,
    errors,
    inventory,
    ownership,
    periodics,
)

LOG = logging.getLogger(__name__)

# Transitional states report the state being reached, as Ironic's redfish driver does; a
# server whose state OneView does not know is in error (never None).
GET_POWER_STATE_MAP = {
    client.PowerState.ON: states.POWER_ON,
    client.PowerState.POWERING_ON: states.POWER_ON,
    client.PowerState.RESETTING: states.POWER_ON,
    client.PowerState.OFF: states.POWER_OFF,
    client.PowerState.POWERING_OFF: states.POWER_OFF,
    client.PowerState.UNKNOWN: states.ERROR,
}
SUPPORTED_POWER_STATES = [
    states.POWER_ON,
    states.POWER_OFF,
    states.REBOOT,
    states.SOFT_REBOOT,
    states.SOFT_POWER_OFF,
]
BUSY_RETRY_SECONDS = 0.5
# Above Ironic's own verify steps (redfish's is 1): a node naming another server fails first.
VERIFY_PRIORITY = 100


def ironic_power_state(state: client.PowerState) -> str:
    """The Ironic power state of a OneView ``powerState``."""
    return GET_POWER_STATE_MAP.get(state, states.ERROR)


class OneViewPower(periodics.OneViewPeriodicsMixin, base.PowerInterface):
    """Power of a OneView server hardware.

    It also hosts the dynamic-allocation periodic task (:mod:`periodics`): Ironic runs the
    periodic tasks of each interface class once, and every ``oneview`` node uses this one.
    """

    def get_properties(self) -> dict[str, str]:
        return common.COMMON_PROPERTIES.copy()

    def validate(self, task: Any) -> None:
        """Check the node's own settings, offline (:func:`common.parse_driver_info`)."""
        common.parse_driver_info(task.node)

    @base.verify_step(priority=VERIFY_PRIORITY)
    def verify_oneview_settings(self, task: Any) -> None:
        """Check the node's settings against OneView (:func:`common.validate_node`).

        Runs on ``manage`` (enroll -> verifying -> manageable); a failure sends the node
        back to ``enroll`` with an error naming the node, the field and its value.
        """
        common.validate_node(task)

    def supports_power_sync(self, task: Any) -> bool:
        """False while a OneView user holds the node's server: the conductor's power sync
        then records the state they chose instead of forcing Ironic's back (and failing,
        and putting the node in maintenance). Who holds it is decided as the
        dynamic-allocation task decides it (:func:`common.server_owner`): the node's own
        profile, which OneView still deletes after cleaning, is not a user's.

        Ironic asks only when the state it recorded and the server's disagree, right before
        it acts on the answer (forcing the power or recording the server's), so the server
        is read itself, as any caller about to act: the shared listing (:mod:`inventory`)
        may be up to ``[oneview]inventory_max_age`` seconds old, and would still show the
        profile of a user who just released the server (Ironic would then record a power
        state it should have restored, for good) or not yet show one just applied. When
        OneView cannot be read: True, Ironic's default (the power state read as ``error``
        anyway).
        """
        settings = common.parse_driver_info(task.node)
        ov = common.get_client(settings)
        try:
            server = ov.server_hardware.get(settings.server_hardware_uri)
        except client.OneViewError:
            return True
        owner = common.server_owner(task.node, server.server_profile_uri)
        return owner is not ownership.Owner.ONEVIEW_USER

    def get_power_state(self, task: Any) -> str:
        """``power on``, ``power off`` or ``error`` (OneView reports ``Unknown``).

        A caller holding a shared lock only looks (the conductor's power-state sync): it is
        served from the conductor's shared listing of the servers (:mod:`inventory`) when that
        agrees with the state Ironic recorded, so a sync pass costs one listing, not one GET
        per node. A disagreement, or any caller about to act, reads the server itself.

        An unreachable OneView gives ``error`` (logged), which the conductor's sync records
        (with maintenance and the ``power failure`` fault once its retries are spent) and its
        power failure recovery clears when OneView answers again. When the shared listing
        found it unreachable, the sync gets ``error`` at once instead of waiting for it again
        on every node.
        """
        settings = common.parse_driver_info(task.node)
        ov = common.get_client(settings)
        uri = settings.server_hardware_uri
        try:
            with errors.translated(task.node, "reading the power state", settings.connection):
                listed = inventory.server_for_sync(ov, uri) if task.shared else None
                if listed is not None:
                    state = ironic_power_state(listed.power_state)
                    if state == task.node.power_state:
                        return state
                return ironic_power_state(ov.server_hardware.get(uri).power_state)
        except errors.OneViewConnectionError as error:
            LOG.warning("%s", error)
            return states.ERROR

    def get_supported_power_states(self, task: Any) -> list[str]:
        return list(SUPPORTED_POWER_STATES)

    @task_manager.require_exclusive_lock
    def set_power_state(self, task: Any, power_state: str, timeout: float | None = None) -> None:
        """Reach *power_state*, waiting at most *timeout* seconds per OneView power task.

        :raises: InvalidParameterValue for a power state this interface does not support.
        :raises: ServerInUseByOneView when a OneView user owns the server.
        :raises: PowerStateFailure when a soft power off does not complete (and the
            operator did not opt in to ``[oneview]soft_power_off_fallback``).
        :raises: OneViewError when OneView refuses or fails the power task.
        """
        if power_state not in SUPPORTED_POWER_STATES:
            raise exception.InvalidParameterValue(
                f"Node {task.node.uuid}: power state {power_state!r} is not supported; "
                f"allowed: {', '.join(SUPPORTED_POWER_STATES)}."
            )
        _PowerAction(task, timeout).run(power_state)

    @task_manager.require_exclusive_lock
    def reboot(self, task: Any, timeout: float | None = None) -> None:
        """Hard reboot (a server that is off is powered on)."""
        _PowerAction(task, timeout).run(states.REBOOT)


class _PowerAction:
    """One power request of Ironic, carried out as one or more OneView power tasks."""

    def __init__(self, task: Any, timeout: float | None) -> None:
        self.task = task
        self.node = task.node
        self.settings = common.parse_driver_info(task.node)
        self.ov = common.get_client(self.settings)
        self.timeout = float(timeout or CONF.oneview.power_timeout)

    def run(self, power_state: str) -> None:
        doing = f"setting power state {power_state!r}"
        with errors.translated(self.node, doing, self.settings.connection):
            server = self.ov.server_hardware.get(self.settings.server_hardware_uri)
            common.refuse_if_in_use_by_oneview(self.task, self.settings, server, doing)
            {
                states.POWER_ON: self.power_on,
                states.POWER_OFF: self.hard_off,
                states.SOFT_POWER_OFF: self.soft_off,
                states.REBOOT: self.reboot,
                states.SOFT_REBOOT: self.soft_reboot,
            }[power_state](server)

    def power_on(self, server: client.ServerHardware) -> None:
        boot_devices.apply_pending(
            self.task, self.ov, server, self.settings.applied_server_profile_uri
        )
        self._set(client.PowerState.ON, client.PowerControl.MOMENTARY_PRESS)

    def hard_off(self, server: client.ServerHardware) -> None:
        self._set(client.PowerState.OFF, client.PowerControl.PRESS_AND_HOLD)

    def soft_off(self, server: client.ServerHardware) -> None:
        try:
            self._set(client.PowerState.OFF, client.PowerControl.MOMENTARY_PRESS)
        except (client.TaskFailed, client.TaskTimeout) as error:
            if not CONF.oneview.soft_power_off_fallback:
                raise exception.PowerStateFailure(
                    f"Node {self.node.uuid}: failed to set power state to "
                    f"{states.SOFT_POWER_OFF!r}: the server did not shut down ({error}). It "
                    "is left as it is; power it off hard ('power off'), or let the driver "
                    "do so with [oneview]soft_power_off_fallback = true.",
                    pstate=states.SOFT_POWER_OFF,
                ) from error
            LOG.warning(
                "Node %s: soft power off did not complete (%s); powering off hard",
                self.node.uuid,
                error,
            )
            self._hard_off_when_idle()

    def reboot(self, server: client.ServerHardware) -> None:
        if server.power_state == client.PowerState.OFF:
            self.power_on(server)
        elif boot_devices.pending(self.node) is None:
            self._set(client.PowerState.ON, client.PowerControl.COLD_BOOT)
        else:
            self.hard_off(server)
            self.power_on(self._read())

    def soft_reboot(self, server: client.ServerHardware) -> None:
        if server.power_state != client.PowerState.OFF:
            self.soft_off(server)
            server = self._read()
        self.power_on(server)

    def _hard_off_when_idle(self) -> None:
        """Press and hold, waiting (up to ``[oneview]power_timeout``) while OneView is still
        busy with the soft request that outlasted Ironic's timeout."""
        deadline = time.monotonic() + CONF.oneview.power_timeout
        while True:
            try:
                self.ov.server_hardware.set_power(
                    self.settings.server_hardware_uri,
                    client.PowerState.OFF,
                    client.PowerControl.PRESS_AND_HOLD,
                    timeout=CONF.oneview.power_timeout,
                )
                return
            except client.Conflict:
                if time.monotonic() > deadline:
                    raise
                time.sleep(BUSY_RETRY_SECONDS)

    def _set(self, state: client.PowerState, control: client.PowerControl) -> None:
        LOG.debug("Node %s: power %s (%s)", self.node.uuid, state, control)
        self.ov.server_hardware.set_power(
            self.settings.server_hardware_uri, state, control, timeout=self.timeout
        )

    def _read(self) -> client.ServerHardware:
        return self.ov.server_hardware.get(self.settings.server_hardware_uri)
