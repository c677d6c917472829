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
"""

from __future__ import annotations

import logging
from typing import Any

from ironic.common import boot_devices, boot_modes

from oneview_openstack import client
from oneview_openstack.ironic_driver import facts, ownership

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
