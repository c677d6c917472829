"""Boot devices: Ironic's names, OneView's two places for them, and the deferred order.

OneView keeps the persistent boot order in the server profile (``boot.order``), which it
only lets change while the server is off; a one-time boot device is a property of the
server hardware (``PATCH /oneTimeBoot``), settable at any time and consumed by the next
boot. So:

- one-time requests patch the server and never touch the profile;
- a persistent request for a server that is off and carries Ironic's profile rewrites the
  profile's order at once;
- otherwise (server on, or no profile yet) it is kept in
  ``driver_internal_info/oneview_pending_boot_device`` and applied by the next power on or
  reboot, while the server is off (and by the deploy interface once it created a profile).

Boot mode: the node's template decides it. OneView applies the template's ``bootMode`` with
the profile, and a profile with another mode is no longer compliant with its template (which
a deploy refuses), so:

- a deploy that asks for another mode than the template's (``boot_mode`` in
  ``instance_info/capabilities`` or ``properties/capabilities``) is refused at validation
  (:func:`check_requested_boot_mode`), and the management interface's ``set_boot_mode``
  refuses any mode but the template's;
- once Ironic applied a profile, Ironic's record of the node's boot mode follows it
  (:func:`follow_profile_boot_mode`): ``boot_mode`` and the ``deploy_boot_mode`` its boot
  mode sync remembers, so the PXE config Ironic writes (GRUB for UEFI, PXELINUX for BIOS)
  is the one the server boots in, even after the template's mode changed;
- a template that leaves the boot mode unmanaged leaves it to the server's firmware: Ironic
  uses the mode it is asked for or its ``[deploy] default_boot_mode``.
"""

from __future__ import annotations

import logging
from typing import Any

from ironic.common import boot_devices, boot_modes, exception
from ironic.common import utils as ironic_utils

from oneview_openstack import client
from oneview_openstack.ironic_driver import checks, common, facts, ownership

LOG = logging.getLogger(__name__)

PENDING_KEY = "oneview_pending_boot_device"

PROFILE_DEVICES = {
    boot_devices.PXE: client.BootDevice.PXE,
    boot_devices.DISK: client.BootDevice.HARD_DISK,
    boot_devices.CDROM: client.BootDevice.CD,
}
ONE_TIME_DEVICES = {
    boot_devices.PXE: client.OneTimeBoot.NETWORK,
    boot_devices.DISK: client.OneTimeBoot.HDD,
    boot_devices.CDROM: client.OneTimeBoot.CDROM,
}
FROM_PROFILE = {str(value): device for device, value in PROFILE_DEVICES.items()}
FROM_ONE_TIME = {str(value): device for device, value in ONE_TIME_DEVICES.items()}
# What a server hardware type's ``bootCapabilities`` must list for a device to be offered.
CAPABILITIES = {device: str(value) for device, value in PROFILE_DEVICES.items()}

FROM_BOOT_MODE = facts.FROM_BOOT_MODE
TO_BOOT_MODE = {boot_modes.LEGACY_BIOS: client.BootMode.BIOS, boot_modes.UEFI: client.BootMode.UEFI}
# driver_internal_info: the boot mode Ironic's boot mode sync settled on for the deploy.
DEPLOY_BOOT_MODE = "deploy_boot_mode"


template_boot_mode = facts.template_boot_mode


def pending(node: Any) -> str | None:
    """The persistent boot device waiting to be written into the profile, if any."""
    return (node.driver_internal_info or {}).get(PENDING_KEY)


def set_pending(task: Any, device: str | None) -> None:
    """Remember (or, with ``None``, forget) a persistent boot device for later."""
    node = task.node
    if device is None:
        node.del_driver_internal_info(PENDING_KEY)
    else:
        node.set_driver_internal_info(PENDING_KEY, device)
    node.save()


def with_first(order: list[str], device: client.BootDevice) -> list[str]:
    """*order* with *device* moved (or added) to the front."""
    return [str(device), *(entry for entry in order if entry != str(device))]


def write_order(
    ov: client.OneViewClient, profile_uri: str, device: str, timeout: float | None = None
) -> None:
    """Put *device* first in the profile's boot order (no request if it already is)."""
    wanted = PROFILE_DEVICES[device]

    def change(profile: client.ServerProfile) -> bool:
        order = profile.boot_order
        if order[:1] == [str(wanted)]:
            return False
        profile.boot_order = with_first(order, wanted)
        return True

    ov.server_profiles.modify(profile_uri, change, timeout=timeout)


def apply_pending(
    task: Any,
    ov: client.OneViewClient,
    server: client.ServerHardware,
    applied_profile_uri: str | None,
) -> bool:
    """Write the pending device into Ironic's profile if the server is off; True if done."""
    device = pending(task.node)
    if device is None or server.power_state != client.PowerState.OFF:
        return False
    owner = ownership.owner(server.server_profile_uri, applied_profile_uri)
    if owner is not ownership.Owner.IRONIC or server.server_profile_uri is None:
        return False
    LOG.info(
        "Node %s: writing the pending boot device %s into server profile %s",
        task.node.uuid,
        device,
        server.server_profile_uri,
    )
    write_order(ov, server.server_profile_uri, device)
    set_pending(task, None)
    return True


# -- boot mode --------------------------------------------------------------------------------


def requested_boot_mode(node: Any) -> tuple[str, str] | None:
    """The boot mode the node's deploy asks for and the field that says so, as Ironic reads
    them: ``instance_info/capabilities`` (``secure_boot:true`` means uefi), then
    ``properties/capabilities``; ``None`` when nothing asks."""
    instance = ironic_utils.parse_instance_info_capabilities(node)
    if str(instance.get("secure_boot", "")).lower() == "true":
        return boot_modes.UEFI, "instance_info/capabilities secure_boot"
    if instance.get("boot_mode"):
        return str(instance["boot_mode"]).lower(), "instance_info/capabilities boot_mode"
    asked = common.node_capabilities(node).get(facts.BOOT_MODE)
    if asked:
        return asked.lower(), "properties/capabilities boot_mode"
    return None


def check_requested_boot_mode(node: Any, template: client.ServerProfileTemplate) -> None:
    """Refuse a deploy that asks for another boot mode than the one its template sets.

    :raises: InvalidParameterValue naming the field, the mode asked, the template and its
        mode.
    """
    template_mode = template_boot_mode(template)
    requested = requested_boot_mode(node)
    if template_mode is None or requested is None or requested[0] == template_mode:
        return
    mode, field = requested
    raise exception.InvalidParameterValue(
        f"Node {node.uuid}: {field} asks for boot mode {mode!r}, but its template "
        f"{checks.label(template)} sets {template_mode!r}, which OneView applies with the "
        f"server profile; allowed: {template_mode!r}, or a node whose template has the boot "
        "mode wanted."
    )


def follow_profile_boot_mode(
    task: Any, profile: client.ServerProfile | client.ServerProfileTemplate
) -> None:
    """Ironic's record of the node's boot mode is now the one of the profile it applied.

    ``boot_mode`` (what the API shows) and ``driver_internal_info/deploy_boot_mode`` (what
    Ironic's boot mode sync falls back to) take the profile's mode, so the sync that
    ``prepare_ramdisk`` runs finds Ironic and the server agreeing, even when the template's
    mode changed since Ironic last recorded one. A profile that leaves the boot mode
    unmanaged changes nothing: the mode is the firmware's, unknown to OneView.
    """
    node = task.node
    mode = template_boot_mode(profile)
    if mode is None:
        return
    if (node.driver_internal_info or {}).get(DEPLOY_BOOT_MODE) != mode:
        node.set_driver_internal_info(DEPLOY_BOOT_MODE, mode)
    if node.boot_mode != mode:
        LOG.info("Node %s: boot mode %s, as its server profile %s", node.uuid, mode, profile.uri)
        node.boot_mode = mode
    node.save()
