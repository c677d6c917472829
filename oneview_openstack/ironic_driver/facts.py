"""What a node of the ``oneview`` hardware type looks like, computed from OneView's documents.

Out-of-band inspection (:mod:`inspect`) and enrollment (:mod:`oneview_openstack.enrollment`,
used by the CLI and the daemon) describe a server to Ironic in the same terms, from here:

- ``cpus`` (cores of all processors), ``cpu_arch``, ``memory_mb`` and ``local_gb`` (the boot
  logical drive, else the smallest drive of at least 4 GiB, in GiB less one, as Ironic's
  redfish inspection counts it);
- the capabilities ``server_hardware_type_uri``, ``enclosure_group_uri``,
  ``server_profile_template_uri``, ``oneview_firmware_baseline`` and ``boot_mode``;
- the traits ``CUSTOM_OV_SHT_<hardware type>``, ``CUSTOM_OV_EG_<enclosure group>``,
  ``CUSTOM_OV_SPT_<template>`` and ``CUSTOM_OV_FIRMWARE_<baseline version>``.

Pure functions of the documents: no Ironic import, no request.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from oneview_openstack import client

MIB_PER_GIB = 1024
MIN_DISK_GIB = 4  # smaller drives are not root-disk candidates (as in Ironic's redfish)
X86_VENDORS = ("intel", "amd", "xeon", "epyc", "opteron")

TRAIT_PREFIX = "CUSTOM_OV_"
_TRAIT_UNSAFE = re.compile(r"[^A-Z0-9]+")

# Capability names (``properties/capabilities``) the driver reads and inspection writes.
HARDWARE_TYPE = "server_hardware_type_uri"
ENCLOSURE_GROUP = "enclosure_group_uri"
TEMPLATE = "server_profile_template_uri"
FIRMWARE_CAPABILITY = "oneview_firmware_baseline"
BOOT_MODE = "boot_mode"

# Ironic's boot mode names (ironic.common.boot_modes) for OneView's.
UEFI = "uefi"
LEGACY_BIOS = "bios"
FROM_BOOT_MODE = {
    client.BootMode.BIOS: LEGACY_BIOS,
    client.BootMode.UEFI: UEFI,
    client.BootMode.UEFI_OPTIMIZED: UEFI,
}


# Server states in which OneView does not control the server: Ironic cannot use it.
UNCONTROLLED_STATES = frozenset(
    {
        client.ServerHardwareState.MONITORED,
        client.ServerHardwareState.UNMANAGED,
        client.ServerHardwareState.UNSUPPORTED,
        client.ServerHardwareState.REMOVING,
        client.ServerHardwareState.REMOVED,
    }
)


@dataclasses.dataclass(frozen=True)
class Facts:
    """What OneView reports about a server (and the template a node is made from)."""

    server: client.ServerHardware
    storage: dict[str, Any] | None
    hardware_type: client.ServerHardwareType
    enclosure_group: client.EnclosureGroup | None
    template: client.ServerProfileTemplate | None
    firmware: client.FirmwareDriver | None
    profile: client.ServerProfile | None = None
    """The profile Ironic applied to the server, if it carries one (its MACs are the ones
    the server presents, see :mod:`nics`)."""


def custom_trait(kind: str, value: str) -> str:
    """``CUSTOM_OV_<KIND>_<VALUE>`` in the alphabet Placement accepts (A-Z, 0-9, _)."""
    name = _TRAIT_UNSAFE.sub("_", f"{kind}_{value}".upper()).strip("_")
    return (TRAIT_PREFIX + name)[:255]


def cpu_arch(server: client.ServerHardware) -> str | None:
    """``x86_64`` for the Intel and AMD processors of HPE's servers, else ``None``."""
    processor = str(server.get("processorType") or "").lower()
    return "x86_64" if any(vendor in processor for vendor in X86_VENDORS) else None


def cpus(server: client.ServerHardware) -> int:
    """Cores of all processors (0 when OneView does not say)."""
    return server.processor_count * server.processor_core_count


def local_gb(storage: dict[str, Any] | None) -> int:
    """The root disk in GiB less one: the boot volume, else the smallest large drive.

    0 when the server reports no storage (``storage`` is what
    ``GET /rest/server-hardware/{id}/localStorage`` answers, or ``None``).
    """
    controllers = (storage or {}).get("data") or []
    volumes = [vol for ctl in controllers for vol in ctl.get("LogicalDrives") or []]
    drives = [drive for ctl in controllers for drive in ctl.get("PhysicalDrives") or []]
    if volumes:
        boot = min(volumes, key=lambda vol: vol.get("LogicalDriveNumber") or 0)
        size_gib = int(boot.get("CapacityMiB") or 0) // MIB_PER_GIB
    else:
        sizes = [int(d.get("CapacityMiB") or 0) // MIB_PER_GIB for d in drives]
        size_gib = min((s for s in sizes if s >= MIN_DISK_GIB), default=0)
    return max(0, size_gib - 1)


def template_boot_mode(
    template: client.ServerProfileTemplate | client.ServerProfile,
) -> str | None:
    """The boot mode profiles made from *template* get, or that a profile has (``None``:
    left unmanaged)."""
    if not (template.get("bootMode") or {}).get("manageMode"):
        return None
    return FROM_BOOT_MODE.get(template.boot_mode)


def firmware_trait(baseline: client.FirmwareDriver) -> str:
    """``CUSTOM_OV_FIRMWARE_<VERSION>`` for a baseline."""
    return custom_trait("FIRMWARE", baseline.version or baseline.id)


def firmware_capability(baseline: client.FirmwareDriver) -> str:
    """The value of the ``oneview_firmware_baseline`` capability for a baseline."""
    return (baseline.version or baseline.id).replace(",", "_").replace(":", "_")


def capabilities(facts: Facts, *, boot_mode_set: bool = False) -> dict[str, str]:
    """Capabilities Nova flavors can match on (and the driver's checks verify).

    ``boot_mode`` is the template's, unless the node already has one (``boot_mode_set``).
    """
    found = {HARDWARE_TYPE: facts.hardware_type.uri}
    if facts.enclosure_group is not None:
        found[ENCLOSURE_GROUP] = facts.enclosure_group.uri
    if facts.template is not None:
        found[TEMPLATE] = facts.template.uri
        mode = template_boot_mode(facts.template)
        if mode and not boot_mode_set:
            found[BOOT_MODE] = mode
    if facts.firmware is not None:
        found[FIRMWARE_CAPABILITY] = firmware_capability(facts.firmware)
    return found


def traits(facts: Facts) -> set[str]:
    """The ``CUSTOM_OV_*`` traits of the server."""
    named = [("SHT", facts.hardware_type.name)]
    if facts.enclosure_group is not None:
        named.append(("EG", facts.enclosure_group.name))
    if facts.template is not None:
        named.append(("SPT", facts.template.name))
    found = {custom_trait(kind, value) for kind, value in named if value}
    if facts.firmware is not None:
        found.add(firmware_trait(facts.firmware))
    return found


def format_capabilities(found: dict[str, str]) -> str:
    """Ironic's ``"k1:v1,k2:v2"`` form of ``properties/capabilities``."""
    return ",".join(f"{key}:{value}" for key, value in found.items())
