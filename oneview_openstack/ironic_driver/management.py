"""``OneViewManagement``: boot device and mode, secure boot, the UID light, sensors and health.

- Boot device and boot mode: see :mod:`boot_devices`.
- Secure boot is the applied profile's ``bootMode.secureBoot`` (``Enabled``/``Disabled``;
  ``Unmanaged`` leaves it to the firmware: unknown to Ironic).
- The UID (locator) light of the server is Ironic's ``system`` indicator, named after the
  server hardware's id; OneView's ``On``/``Off``/``Blink`` are Ironic's on/off/blinking.
- Sensor data: the server's utilization (temperature, power, CPU) and power settings, in
  Ironic's format (see :mod:`sensors`); health: the server's OneView ``status``.

What Ironic's power-state sync asks of every node on every pass (vendor, boot mode, secure
boot, health) costs no request per node: boot mode and secure boot come from a shared
listing of the profiles (:mod:`profile_inventory`), health from the shared listing of the
servers (:mod:`inventory`), and ``validate`` reads nothing from OneView.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from ironic.common import components, exception, indicator_states, states
from ironic.common.health_states import HealthState
from ironic.conductor import task_manager
from ironic.drivers import base

from oneview_openstack import client
from oneview_openstack.client.constants import parse_enum
from oneview_openstack.ironic_driver import (
    boot_devices,
    checks,
    common,
    errors,
    inventory,
    nics,
    ownership,
    profile_inventory,
    profiles,
    sensors,
)

LOG = logging.getLogger(__name__)

# Ironic disables secure boot when it tears an instance down (the boot interface's
# clean_up_instance); the server may be powered off for it then.
TEARING_DOWN = (states.DELETING, states.CLEANING)

VENDOR = "hpe"

HEALTH = {
    client.Status.OK: HealthState.OK,
    client.Status.WARNING: HealthState.WARNING,
    client.Status.CRITICAL: HealthState.CRITICAL,
}
# OneView's uidState for Ironic's indicator states, and back.
TO_UID = {
    indicator_states.ON: "On",
    indicator_states.OFF: "Off",
    indicator_states.BLINKING: "Blink",
}
FROM_UID = {uid: state for state, uid in TO_UID.items()}
SECURE_BOOT = {"Enabled": True, "Disabled": False}


class OneViewManagement(base.ManagementInterface):
    """Boot device and mode, secure boot, UID light, sensors and health of a OneView server."""

    def get_properties(self) -> dict[str, str]:
        return common.COMMON_PROPERTIES.copy()

    def validate(self, task: Any) -> None:
        """Check the node's settings, offline (:func:`common.parse_driver_info`).

        Nova validates before every boot and Ironic's sensor data collection before every
        reading: an appliance that does not answer for a while must not fail them. What only
        OneView can tell is checked by the power and inspect interfaces and the deploy.
        """
        common.parse_driver_info(task.node)

    # -- boot device -------------------------------------------------------------------------

    def get_supported_boot_devices(self, task: Any) -> list[str]:
        """The devices OneView can boot this server from (its hardware type's
        ``bootCapabilities``) among those Ironic knows: pxe, disk, cdrom."""
        capabilities = set(self._hardware_type(task, "listing boot devices").boot_capabilities)
        return [
            device
            for device, capability in boot_devices.CAPABILITIES.items()
            if capability in capabilities
        ]

    @task_manager.require_exclusive_lock
    def set_boot_device(self, task: Any, device: str, persistent: bool = False) -> None:
        """Boot from *device* next time (``persistent=False``) or from now on.

        :raises: InvalidParameterValue for a device OneView cannot boot from.
        :raises: ServerInUseByOneView when a OneView user owns the server.
        """
        if device not in boot_devices.PROFILE_DEVICES:
            raise exception.InvalidParameterValue(
                f"Node {task.node.uuid}: boot device {device!r} is not supported; allowed: "
                f"{', '.join(boot_devices.PROFILE_DEVICES)}."
            )
        settings = common.parse_driver_info(task.node)
        ov = common.get_client(settings)
        doing = f"setting the {'persistent' if persistent else 'one-time'} boot device {device}"
        with errors.translated(task.node, doing, settings.connection):
            server = ov.server_hardware.get(settings.server_hardware_uri)
            common.refuse_if_in_use_by_oneview(task, settings, server, doing)
            if persistent:
                _set_persistent(task, ov, settings, server, device)
            else:
                ov.server_hardware.set_one_time_boot(server, boot_devices.ONE_TIME_DEVICES[device])

    def get_boot_device(self, task: Any) -> dict[str, Any]:
        """The one-time device OneView will use next, else the first of the profile's
        order (or the pending one); ``None`` when unknown (no profile, no order)."""
        settings = common.parse_driver_info(task.node)
        ov = common.get_client(settings)
        with errors.translated(task.node, "reading the boot device", settings.connection):
            server = ov.server_hardware.get(settings.server_hardware_uri)
            one_time = server.one_time_boot
            if one_time and one_time != client.OneTimeBoot.NORMAL:
                device = boot_devices.FROM_ONE_TIME.get(one_time)
                return {"boot_device": device, "persistent": False}
            waiting = boot_devices.pending(task.node)
            if waiting is not None:
                return {"boot_device": waiting, "persistent": True}
            if server.server_profile_uri is None:
                return {"boot_device": None, "persistent": None}
            order = ov.server_profiles.get(server.server_profile_uri).boot_order
        first = boot_devices.FROM_PROFILE.get(order[0]) if order else None
        return {"boot_device": first, "persistent": True if first else None}

    # -- boot mode ---------------------------------------------------------------------------

    def get_supported_boot_modes(self, task: Any) -> list[str]:
        """The boot modes of the server's hardware type (``bootModes``): bios and/or uefi."""
        modes = self._hardware_type(task, "listing boot modes").boot_modes
        found = {boot_devices.FROM_BOOT_MODE.get(parse_enum(client.BootMode, m)) for m in modes}
        return sorted(mode for mode in found if mode)

    def get_boot_mode(self, task: Any) -> str | None:
        """The boot mode of the profile Ironic applied; ``None`` without one (no request) or
        when the profile leaves the boot mode unmanaged.

        Read from the shared profile listing (:mod:`profile_inventory`): Ironic's power sync
        asks every node on every pass.
        """
        profile = self._applied_profile(task, "reading the boot mode")
        if profile is None or not (profile.get("bootMode") or {}).get("manageMode"):
            return None
        return boot_devices.FROM_BOOT_MODE.get(profile.boot_mode)

    @task_manager.require_exclusive_lock
    def set_boot_mode(self, task: Any, mode: str) -> None:
        """Accept the boot mode of the node's template; put it back into Ironic's profile if
        the profile lost it (the server must then be off).

        OneView applies the template's boot mode with the profile, and a profile with
        another one is no longer compliant with its template (which a deploy refuses), so
        the template decides (see :func:`boot_devices.check_requested_boot_mode`).

        :raises: InvalidParameterValue for a mode other than bios or uefi, another mode than
            the template's, or a node without a template.
        :raises: UnsupportedDriverExtension when the template leaves the boot mode
            unmanaged: OneView does not set it, the server boots in its firmware's mode
            (Ironic's boot mode sync then assumes the firmware is already in its mode).
        :raises: ServerInUseByOneView when a OneView user owns the server.
        :raises: OneViewError when OneView refuses the change.
        """
        if mode not in boot_devices.TO_BOOT_MODE:
            raise exception.InvalidParameterValue(
                f"Node {task.node.uuid}: boot mode {mode!r} is not supported; allowed: "
                f"{', '.join(boot_devices.TO_BOOT_MODE)}."
            )
        settings = common.parse_driver_info(task.node)
        ov = common.get_client(settings)
        doing = f"setting boot mode {mode}"
        with errors.translated(task.node, doing, settings.connection):
            server = ov.server_hardware.get(settings.server_hardware_uri)
            common.refuse_if_in_use_by_oneview(task, settings, server, doing)
            template_uri = settings.server_profile_template_uri
            template = ov.server_profile_templates.get(template_uri) if template_uri else None
            _check_template_boot_mode(task, template, mode)
            if server.server_profile_uri is None or template is None:
                return  # the profile will be made from the template, with its mode
            updated = ov.server_profiles.modify(
                server.server_profile_uri, lambda p: _with_boot_mode_of(p, template)
            )
        profile_inventory.changed(ov, updated)

    # -- the rest ----------------------------------------------------------------------------

    def detect_vendor(self, task: Any) -> str:
        """Every server OneView manages is an HPE one (no request needed)."""
        return VENDOR

    def get_mac_addresses(self, task: Any) -> list[str]:
        """The MACs of the server's NICs (see :mod:`nics`), boot NIC first."""
        settings = common.parse_driver_info(task.node)
        ov = common.get_client(settings)
        with errors.translated(task.node, "listing the NICs", settings.connection):
            server = ov.server_hardware.get(settings.server_hardware_uri)
            template_uri = settings.server_profile_template_uri
            template = ov.server_profile_templates.get(template_uri) if template_uri else None
        return [nic.mac for nic in nics.nics(server, template)]

    def get_sensors_data(self, task: Any) -> dict[str, Any]:
        """Temperature, power, CPU and power limits in Ironic's format (see :mod:`sensors`).

        Three requests: the server, its utilization, its environmental configuration.

        :raises: FailedToGetSensorData naming the node and what OneView answered.
        """
        settings = common.parse_driver_info(task.node)
        uri = settings.server_hardware_uri
        try:
            with errors.translated(task.node, "reading sensor data", settings.connection):
                ov = common.get_client(settings)
                server = ov.server_hardware.get(uri)
                utilization = ov.server_hardware.utilization(uri, sensors.METRICS)
                environment = ov.server_hardware.environmental_configuration(uri)
        except exception.IronicException as error:
            raise exception.FailedToGetSensorData(node=task.node.uuid, error=error) from error
        return sensors.sensor_data(server, utilization, environment)

    def get_node_health(self, task: Any) -> HealthState | None:
        """The server's OneView ``status`` (OK, Warning, Critical); ``None`` for Disabled or
        Unknown. From the shared server listing when there is one (Ironic's power sync asks
        every node on every pass)."""
        settings = common.parse_driver_info(task.node)
        ov = common.get_client(settings)
        with errors.translated(task.node, "reading the health", settings.connection):
            server = inventory.server_for_sync(ov, settings.server_hardware_uri)
            if server is None:
                server = ov.server_hardware.get(settings.server_hardware_uri)
        return HEALTH.get(parse_enum(client.Status, server.get("status")))

    # -- indicators ----------------------------------------------------------------------------

    def get_supported_indicators(
        self, task: Any, component: str | None = None
    ) -> dict[str, dict[str, dict[str, Any]]]:
        """The server's UID light: Ironic's ``system`` indicator named after the server
        hardware's id (no request)."""
        if component not in (None, components.SYSTEM):
            return {}
        indicator = _indicator_id(common.parse_driver_info(task.node))
        properties = {"readonly": False, "states": sorted(TO_UID)}
        return {components.SYSTEM: {indicator: properties}}

    def get_indicator_state(self, task: Any, component: str, indicator: str) -> str:
        """On, off or blinking: the server's ``uidState``.

        :raises: InvalidParameterValue for another indicator than the server's UID light.
        """
        settings = _check_indicator(task, component, indicator)
        ov = common.get_client(settings)
        with errors.translated(task.node, "reading the UID light", settings.connection):
            server = ov.server_hardware.get(settings.server_hardware_uri)
        return FROM_UID.get(server.uid_state or "", indicator_states.UNKNOWN)

    def set_indicator_state(self, task: Any, component: str, indicator: str, state: str) -> None:
        """Turn the server's UID light on, off or blinking (``PATCH uidState``).

        :raises: InvalidParameterValue for another indicator or state.
        :raises: OneViewError when OneView refuses or fails the change.
        """
        settings = _check_indicator(task, component, indicator)
        if state not in TO_UID:
            raise exception.InvalidParameterValue(
                f"Node {task.node.uuid}: indicator state {state!r} is not supported; "
                f"allowed: {', '.join(sorted(TO_UID))}."
            )
        ov = common.get_client(settings)
        doing = f"turning the UID light {state}"
        with errors.translated(task.node, doing, settings.connection):
            ov.server_hardware.set_uid_state(settings.server_hardware_uri, TO_UID[state])

    # -- secure boot ---------------------------------------------------------------------------

    def get_secure_boot_state(self, task: Any) -> bool:
        """Whether the profile Ironic applied enables UEFI secure boot. From the shared
        profile listing, as :meth:`get_boot_mode`.

        :raises: UnsupportedDriverExtension without Ironic's profile (no request) or when it
            leaves secure boot unmanaged: the state is then the firmware's, unknown to
            OneView (Ironic records it as unknown).
        """
        profile = self._applied_profile(task, "reading the secure boot state")
        state = _secure_boot_of(profile) if profile is not None else None
        if state is None:
            raise exception.UnsupportedDriverExtension(
                f"Node {task.node.uuid}: the secure boot state is unknown to OneView: "
                + (
                    "no server profile applied by Ironic."
                    if profile is None
                    else f"server profile {profile.uri} leaves secure boot unmanaged."
                )
            )
        return state

    @task_manager.require_exclusive_lock
    def set_secure_boot_state(self, task: Any, state: bool) -> None:
        """Enable or disable UEFI secure boot in the profile Ironic applied.

        Nothing is sent when the profile has it already (the usual case: a template with
        ``bootMode.secureBoot`` set gives it to every profile). Otherwise OneView updates
        the profile, which it does only while the server is off, and the profile then
        differs from its template. Disabling without a profile changes nothing.

        :raises: UnsupportedDriverExtension when the server hardware type cannot manage
            secure boot (OneView manages it on Gen10 and later servers).
        :raises: InvalidParameterValue to enable it without Ironic's profile, or with a
            profile whose boot mode is not UEFIOptimized (which OneView requires).
        :raises: ServerInUseByOneView when a OneView user owns the server.
        :raises: OneViewError when the server is on, or OneView refuses the change.
        """
        settings = common.parse_driver_info(task.node)
        ov = common.get_client(settings)
        doing = f"{'enabling' if state else 'disabling'} secure boot"
        with errors.translated(task.node, doing, settings.connection):
            server = ov.server_hardware.get(settings.server_hardware_uri)
            common.refuse_if_in_use_by_oneview(task, settings, server, doing)
            owner = ownership.owner(server.server_profile_uri, settings.applied_server_profile_uri)
            if owner is not ownership.Owner.IRONIC or server.server_profile_uri is None:
                if state:
                    raise exception.InvalidParameterValue(
                        f"Node {task.node.uuid}: secure boot cannot be enabled: server "
                        f"hardware {checks.label(server)} carries no server profile Ironic "
                        "applied, and OneView sets secure boot in the profile; deploy the "
                        "node (its template's bootMode.secureBoot applies) and try again."
                    )
                return
            profile = ov.server_profiles.get(server.server_profile_uri)
            if _secure_boot_of(profile) is state:
                return
            hardware_type = ov.server_hardware_types.get(server.server_hardware_type_uri or "")
            _check_secure_boot(task, hardware_type, profile, state, doing)
            if not state and task.node.provision_state in TEARING_DOWN:
                # The instance is gone: the server may go off for the change.
                profiles.power_off(task, ov, server)
                server = ov.server_hardware.get(server.uri)
            if server.power_state != client.PowerState.OFF:
                raise errors.OneViewError(
                    node=task.node.uuid,
                    doing=doing,
                    error=f"server hardware {checks.label(server)} is powered "
                    f"{server.power_state}; OneView changes a profile's secure boot only while "
                    "the server is off. Power the node off and try again, or use a template "
                    "whose bootMode.secureBoot is the one wanted.",
                )
            LOG.info("Node %s: %s in server profile %s", task.node.uuid, doing, profile.uri)
            updated = ov.server_profiles.modify(profile.uri, lambda p: _with_secure_boot(p, state))
        profile_inventory.changed(ov, updated)

    def _hardware_type(self, task: Any, doing: str) -> client.ServerHardwareType:
        settings = common.parse_driver_info(task.node)
        ov = common.get_client(settings)
        with errors.translated(task.node, doing, settings.connection):
            server = ov.server_hardware.get(settings.server_hardware_uri)
            return ov.server_hardware_types.get(server.server_hardware_type_uri or "")

    def _applied_profile(self, task: Any, doing: str) -> client.ServerProfile | None:
        """The boot settings of the profile Ironic applied (``None``, and no request,
        without one), from the shared profile listing."""
        settings = common.parse_driver_info(task.node)
        if settings.applied_server_profile_uri is None:
            return None
        ov = common.get_client(settings)
        with errors.translated(task.node, doing, settings.connection):
            return profile_inventory.boot_settings(ov, settings.applied_server_profile_uri)


def _indicator_id(settings: common.NodeSettings) -> str:
    """The id of the server's UID light: the server hardware's id."""
    return settings.server_hardware_uri.rsplit("/", 1)[-1]


def _check_indicator(task: Any, component: str, indicator: str) -> common.NodeSettings:
    settings = common.parse_driver_info(task.node)
    expected = _indicator_id(settings)
    if component != components.SYSTEM or indicator != expected:
        raise exception.InvalidParameterValue(
            f"Node {task.node.uuid}: indicator {indicator!r} of component {component!r} is "
            f"not supported; allowed: indicator {expected!r} (the UID light of the server) "
            f"of component {components.SYSTEM!r}."
        )
    return settings


def supports_secure_boot(hardware_type: client.ServerHardwareType) -> bool:
    """OneView manages secure boot on Gen10 and later servers, in UEFIOptimized boot mode
    (it refuses a Gen9: "Secure boot cannot be managed by HPE OneView on the specified
    server hardware type")."""
    generation = re.search(r"\bGen(\d+)\b", hardware_type.model or hardware_type.name or "")
    if generation is None or int(generation.group(1)) < 10:
        return False
    return str(client.BootMode.UEFI_OPTIMIZED) in hardware_type.boot_modes


def _check_secure_boot(
    task: Any,
    hardware_type: client.ServerHardwareType,
    profile: client.ServerProfile,
    state: bool,
    doing: str,
) -> None:
    node = task.node
    if not supports_secure_boot(hardware_type):
        raise exception.UnsupportedDriverExtension(
            f"Node {node.uuid}: {doing} is not possible: OneView cannot manage secure boot on "
            f"server hardware type {checks.label(hardware_type)} (model "
            f"{hardware_type.model!r}); allowed: Gen10 or later servers whose type offers the "
            "UEFIOptimized boot mode."
        )
    if state and profile.boot_mode != client.BootMode.UEFI_OPTIMIZED:
        mode = (profile.get("bootMode") or {}).get("mode")
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: secure boot cannot be enabled: server profile "
            f"{checks.label(profile)} boots in mode {mode!r}, and OneView manages secure boot "
            "only in the UEFIOptimized boot mode; allowed: a template with bootMode "
            "UEFIOptimized."
        )


def _secure_boot_of(profile: client.ServerProfile) -> bool | None:
    """``bootMode.secureBoot`` as a boolean; ``None`` when unmanaged."""
    return SECURE_BOOT.get(str((profile.get("bootMode") or {}).get("secureBoot")))


def _with_secure_boot(profile: client.ServerProfile, state: bool) -> bool:
    """*state* into the profile's ``bootMode.secureBoot`` (False: it has it already)."""
    current = profile.data.setdefault("bootMode", {})
    wanted = "Enabled" if state else "Disabled"
    if current.get("secureBoot") == wanted:
        return False
    current["secureBoot"] = wanted
    return True


def _set_persistent(
    task: Any,
    ov: client.OneViewClient,
    settings: common.NodeSettings,
    server: client.ServerHardware,
    device: str,
) -> None:
    """Write the profile's order now if possible, else leave it pending; drop any one-time
    device so that it does not win over the persistent one at the next boot."""
    if server.one_time_boot not in (None, client.OneTimeBoot.NORMAL):
        ov.server_hardware.set_one_time_boot(server, client.OneTimeBoot.NORMAL)
    owner = ownership.owner(server.server_profile_uri, settings.applied_server_profile_uri)
    if owner is ownership.Owner.IRONIC and server.power_state == client.PowerState.OFF:
        boot_devices.write_order(ov, server.server_profile_uri or "", device)
        if boot_devices.pending(task.node) is not None:
            boot_devices.set_pending(task, None)
        return
    LOG.info(
        "Node %s: boot device %s kept until the server is off with Ironic's profile "
        "(power state %s, profile %s)",
        task.node.uuid,
        device,
        server.power_state,
        server.server_profile_uri,
    )
    boot_devices.set_pending(task, device)


def _check_template_boot_mode(
    task: Any, template: client.ServerProfileTemplate | None, mode: str
) -> None:
    node = task.node
    if template is None:
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: boot mode {mode!r} cannot be set: the node names no server "
            "profile template, and OneView sets a server's boot mode only through the profile "
            "made from one; allowed: set driver_info/server_profile_template_uri."
        )
    template_mode = boot_devices.template_boot_mode(template)
    if template_mode is None:
        raise exception.UnsupportedDriverExtension(
            f"Node {node.uuid}: boot mode {mode!r} cannot be set through OneView: template "
            f"{checks.label(template)} leaves the boot mode unmanaged, so the server boots in "
            "the mode its firmware is set to. Set it in the firmware, or use a template that "
            "manages the boot mode."
        )
    if template_mode != mode:
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: boot mode {mode!r} is not the boot mode of its template "
            f"{checks.label(template)}, which sets {template_mode!r} (OneView applies it with "
            f"the server profile); allowed: {template_mode!r}, or a template with the boot "
            "mode wanted."
        )


def _with_boot_mode_of(
    profile: client.ServerProfile, template: client.ServerProfileTemplate
) -> bool:
    """The template's boot mode back into the profile (False: it has it already)."""
    current = profile.data.setdefault("bootMode", {})
    wanted = template.get("bootMode") or {}
    if current.get("manageMode") and current.get("mode") == wanted.get("mode"):
        return False
    current.update(manageMode=True, mode=wanted.get("mode"))
    return True
