"""``OneViewManagement``: boot device and boot mode through OneView (see :mod:`boot_devices`).

Sensor data: OneView offers a server's utilization (``/rest/server-hardware/{id}/utilization``:
temperature, power, CPU), but neither this project's client nor its simulator serves it yet,
so ``get_sensors_data`` is not implemented (Ironic logs that and carries on).
"""

from __future__ import annotations

import logging
from typing import Any

from ironic.common import exception
from ironic.conductor import task_manager
from ironic.drivers import base

from oneview_openstack import client
from oneview_openstack.client.constants import parse_enum
from oneview_openstack.ironic_driver import boot_devices, checks, common, errors, nics, ownership

LOG = logging.getLogger(__name__)

VENDOR = "hpe"


class OneViewManagement(base.ManagementInterface):
    """Boot device and boot mode of a OneView server hardware."""

    def get_properties(self) -> dict[str, str]:
        return common.COMMON_PROPERTIES.copy()

    def validate(self, task: Any) -> None:
        """Check the node's OneView settings (see :func:`common.validate_node`)."""
        common.validate_node(task)

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
        when the profile leaves the boot mode unmanaged."""
        settings = common.parse_driver_info(task.node)
        if settings.applied_server_profile_uri is None:
            return None
        ov = common.get_client(settings)
        with errors.translated(task.node, "reading the boot mode", settings.connection):
            profile = ov.server_profiles.get(settings.applied_server_profile_uri)
        if not (profile.get("bootMode") or {}).get("manageMode"):
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
            ov.server_profiles.modify(
                server.server_profile_uri, lambda p: _with_boot_mode_of(p, template)
            )

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
        raise NotImplementedError(
            "The oneview management interface does not collect sensor data yet: OneView's "
            "server utilization API is not supported by this driver's client."
        )

    def _hardware_type(self, task: Any, doing: str) -> client.ServerHardwareType:
        settings = common.parse_driver_info(task.node)
        ov = common.get_client(settings)
        with errors.translated(task.node, doing, settings.connection):
            server = ov.server_hardware.get(settings.server_hardware_uri)
            return ov.server_hardware_types.get(server.server_hardware_type_uri or "")


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
