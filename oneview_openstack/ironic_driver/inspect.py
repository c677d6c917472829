"""``OneViewInspect``: out-of-band inspection from what OneView knows, no ramdisk, no profile.

Reads the server hardware, its local storage, its hardware type, enclosure group and (when
the node names one) template with its firmware baseline, then sets:

- ``properties``: ``cpus`` (cores of all processors), ``cpu_arch``, ``memory_mb``,
  ``local_gb`` (the boot volume, else the smallest drive, in GiB less one, as Ironic's
  redfish inspection counts it; 0 with a warning when the server reports no storage);
- ``properties/capabilities``: ``server_hardware_type_uri``, ``enclosure_group_uri``,
  ``server_profile_template_uri``, ``oneview_firmware_baseline`` (the template's baseline
  version) and, unless already set, ``boot_mode`` (the template's);
- traits ``CUSTOM_OV_SHT_<hardware type>``, ``CUSTOM_OV_EG_<enclosure group>``,
  ``CUSTOM_OV_SPT_<template>``, ``CUSTOM_OV_FIRMWARE_<baseline version>`` (upper-cased,
  other characters as ``_``), replacing earlier ``CUSTOM_OV_*`` traits and keeping others;
- one port per NIC (:mod:`nics`), the boot NIC ``pxe_enabled``; existing ports are kept;
- the inventory (Ironic's inspection data: cpu, memory, disks, interfaces, system vendor).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from ironic import objects
from ironic.common import exception, states
from ironic.conductor import task_manager
from ironic.drivers import base
from ironic.drivers.modules import inspect_utils

from oneview_openstack import client
from oneview_openstack.ironic_driver import boot_devices, common, errors, nics, requirements

LOG = logging.getLogger(__name__)

MIB_PER_GIB = 1024
MIN_DISK_GIB = 4  # smaller drives are not root-disk candidates (as in Ironic's redfish)
X86_VENDORS = ("intel", "amd", "xeon", "epyc", "opteron")


@dataclasses.dataclass(frozen=True)
class Facts:
    """What OneView reports about a node's server."""

    server: client.ServerHardware
    storage: dict[str, Any] | None
    hardware_type: client.ServerHardwareType
    enclosure_group: client.EnclosureGroup | None
    template: client.ServerProfileTemplate | None
    firmware: client.FirmwareDriver | None


class OneViewInspect(base.InspectInterface):
    """Inspection from OneView's data."""

    def get_properties(self) -> dict[str, str]:
        return common.COMMON_PROPERTIES.copy()

    def validate(self, task: Any) -> None:
        """Check the node's OneView settings (see :func:`common.validate_node`)."""
        common.validate_node(task)

    @task_manager.require_exclusive_lock
    def inspect_hardware(self, task: Any) -> str:
        """Update the node from OneView; ``manageable`` when done.

        :raises: HardwareInspectionFailure when OneView lacks an essential property.
        :raises: OneViewError when OneView cannot be read.
        """
        settings = common.parse_driver_info(task.node)
        ov = common.get_client(settings)
        with errors.translated(task.node, "inspecting", settings.connection):
            facts = read_facts(ov, settings)
        node = task.node
        node.properties = inspected_properties(node, facts)
        node.save()
        _replace_oneview_traits(task, traits(facts))
        _create_ports(task, nics.nics(facts.server, facts.template))
        inspect_utils.store_inspection_data(node, inventory(facts), None, task.context)
        LOG.info("Node %s inspected from OneView: %s", node.uuid, node.properties)
        return states.MANAGEABLE


def read_facts(ov: client.OneViewClient, settings: common.NodeSettings) -> Facts:
    """Everything inspection needs, one GET each."""
    server = ov.server_hardware.get(settings.server_hardware_uri)
    try:
        storage: dict[str, Any] | None = ov.server_hardware.local_storage(server)
    except client.NotFound:
        storage = None  # older iLOs do not report it
    template_uri = settings.server_profile_template_uri
    template = ov.server_profile_templates.get(template_uri) if template_uri else None
    baseline_uri = template.firmware_baseline_uri if template is not None else None
    group_uri = server.enclosure_group_uri
    return Facts(
        server=server,
        storage=storage,
        hardware_type=ov.server_hardware_types.get(server.server_hardware_type_uri or ""),
        enclosure_group=ov.enclosure_groups.get(group_uri) if group_uri else None,
        template=template,
        firmware=ov.firmware_drivers.get(baseline_uri) if baseline_uri else None,
    )


def inspected_properties(node: Any, facts: Facts) -> dict[str, Any]:
    """The node's properties updated with what OneView reports."""
    server = facts.server
    properties = dict(node.properties or {})
    arch = cpu_arch(server) or properties.get("cpu_arch")
    if not arch or server.memory_mb <= 0:
        raise exception.HardwareInspectionFailure(
            error=f"Node {node.uuid}: server hardware {server.name!r} reports processorType "
            f"{server.get('processorType')!r} and memoryMb {server.get('memoryMb')!r}; an Intel "
            "or AMD processor and a positive memory size are needed (or set "
            "properties/cpu_arch by hand)."
        )
    cores = server.processor_count * server.processor_core_count
    properties.update(cpu_arch=arch, memory_mb=server.memory_mb, local_gb=local_gb(node, facts))
    if cores > 0:
        properties["cpus"] = cores
    merged = {**common.node_capabilities(node), **capabilities(node, facts)}
    properties["capabilities"] = ",".join(f"{key}:{value}" for key, value in merged.items())
    return properties


def cpu_arch(server: client.ServerHardware) -> str | None:
    """``x86_64`` for the Intel and AMD processors of HPE's servers, else ``None``."""
    processor = str(server.get("processorType") or "").lower()
    return "x86_64" if any(vendor in processor for vendor in X86_VENDORS) else None


def local_gb(node: Any, facts: Facts) -> int:
    """The root disk in GiB less one: the boot volume, else the smallest large drive."""
    controllers = (facts.storage or {}).get("data") or []
    volumes = [vol for ctl in controllers for vol in ctl.get("LogicalDrives") or []]
    drives = [drive for ctl in controllers for drive in ctl.get("PhysicalDrives") or []]
    if volumes:
        boot = min(volumes, key=lambda vol: vol.get("LogicalDriveNumber") or 0)
        size_gib = int(boot.get("CapacityMiB") or 0) // MIB_PER_GIB
    else:
        sizes = [int(d.get("CapacityMiB") or 0) // MIB_PER_GIB for d in drives]
        size_gib = min((s for s in sizes if s >= MIN_DISK_GIB), default=0)
    if size_gib <= 0:
        LOG.warning(
            "Node %s: server hardware %s reports no local storage; local_gb is 0",
            node.uuid,
            facts.server.name,
        )
        return 0
    return max(0, size_gib - 1)


def capabilities(node: Any, facts: Facts) -> dict[str, str]:
    """Capabilities Nova flavors can match on (and :mod:`checks` verifies)."""
    found = {common.HARDWARE_TYPE: facts.hardware_type.uri}
    if facts.enclosure_group is not None:
        found[common.ENCLOSURE_GROUP] = facts.enclosure_group.uri
    if facts.template is not None:
        found[common.TEMPLATE] = facts.template.uri
        mode = boot_devices.template_boot_mode(facts.template)
        if mode and "boot_mode" not in common.node_capabilities(node):
            found["boot_mode"] = mode
    if facts.firmware is not None:
        found[requirements.FIRMWARE_CAPABILITY] = requirements.firmware_capability(facts.firmware)
    return found


def traits(facts: Facts) -> set[str]:
    """The ``CUSTOM_OV_*`` traits of the server."""
    named = [("SHT", facts.hardware_type.name)]
    if facts.enclosure_group is not None:
        named.append(("EG", facts.enclosure_group.name))
    if facts.template is not None:
        named.append(("SPT", facts.template.name))
    found = {common.custom_trait(kind, value) for kind, value in named if value}
    if facts.firmware is not None:
        found.add(requirements.firmware_trait(facts.firmware))
    return found


def inventory(facts: Facts) -> dict[str, Any]:
    """Ironic's inspection inventory (the ironic-python-agent format) from OneView data."""
    server = facts.server
    controllers = (facts.storage or {}).get("data") or []
    boot = nics.boot_nic(server, facts.template)
    found: dict[str, Any] = {
        "cpu": {
            "count": server.processor_count * server.processor_core_count,
            "architecture": cpu_arch(server) or "",
            "model_name": server.get("processorType"),
            "frequency": server.get("processorSpeedMhz"),
        },
        "memory": {"physical_mb": server.memory_mb, "total": server.memory_mb * 1024 * 1024},
        "interfaces": [
            {"name": nic.port_id, "mac_address": nic.mac}
            for nic in nics.nics(server, facts.template)
        ],
        "disks": [
            _disk(controller, drive)
            for controller in controllers
            for drive in controller.get("PhysicalDrives") or []
        ],
        "system_vendor": {
            "manufacturer": "HPE",
            "product_name": server.model,
            "serial_number": server.serial_number,
        },
        "bmc_address": server.mp_host_name,
    }
    if boot is not None:
        found["boot"] = {"pxe_interface": boot.mac}
    return found


def _disk(controller: dict[str, Any], drive: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": f"{controller.get('Location')} {drive.get('Location')}",
        "size": int(drive.get("CapacityMiB") or 0) * 1024 * 1024,
        "model": drive.get("Model"),
        "serial": drive.get("SerialNumber"),
        "rotational": drive.get("MediaType") != "SSD",
    }


def _replace_oneview_traits(task: Any, wanted: set[str]) -> None:
    node = task.node
    current = set(node.traits.get_trait_names()) if node.traits else set()
    kept = {trait for trait in current if not trait.startswith(common.TRAIT_PREFIX)}
    if current == kept | wanted:
        return
    node.traits = objects.TraitList.create(task.context, node.id, sorted(kept | wanted))
    node.obj_reset_changes(["traits"])


def _create_ports(task: Any, found: list[nics.Nic]) -> None:
    """One port per NIC; a MAC already enrolled (here or on another node) is left alone."""
    node = task.node
    for nic in found:
        try:
            port = objects.Port(
                task.context,
                node_id=node.id,
                address=nic.mac,
                pxe_enabled=nic.pxe,
                extra={"oneview_port_id": nic.port_id},
            )
            port.create()
            LOG.info("Node %s: created port %s (%s)", node.uuid, nic.mac, nic.port_id)
        except exception.MACAlreadyExists:
            owner = objects.Port.get_by_address(task.context, nic.mac).node_id
            if owner != node.id:
                LOG.warning(
                    "Node %s: NIC %s (%s) is already a port of another node (id %s); "
                    "not enrolled here",
                    node.uuid,
                    nic.mac,
                    nic.port_id,
                    owner,
                )
