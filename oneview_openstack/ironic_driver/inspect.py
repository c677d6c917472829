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
- one port per NIC (:mod:`nics`), the boot NIC ``pxe_enabled``, with the MAC the server
  presents now: the hardware's, or the connection's of a profile Ironic applied (Virtual
  MACs); existing ports of those NICs take that MAC (:mod:`node_ports`), others are kept.
  A server whose adapters OneView does not report (no ``portMap``) gets no port: a warning
  says to add them by hand or inspect in band (``oneview-agent``);
- the inventory (Ironic's inspection data: cpu, memory, disks, interfaces, system vendor).
"""

from __future__ import annotations

import logging
from typing import Any

from ironic import objects
from ironic.common import exception, states
from ironic.conductor import task_manager
from ironic.drivers import base
from ironic.drivers.modules import inspect_utils

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, errors, facts, nics, node_ports, ownership

LOG = logging.getLogger(__name__)

Facts = facts.Facts


class OneViewInspect(base.InspectInterface):
    """Inspection from OneView's data."""

    def get_properties(self) -> dict[str, str]:
        return common.COMMON_PROPERTIES.copy()

    def validate(self, task: Any) -> None:
        """Check the node's own settings, offline (:func:`common.parse_driver_info`); what
        OneView tells is checked by the power interface's verify step and by inspection."""
        common.parse_driver_info(task.node)

    @task_manager.require_exclusive_lock
    def inspect_hardware(self, task: Any) -> str:
        """Update the node from OneView; ``manageable`` when done.

        :raises: InvalidParameterValue when the node's settings do not fit what OneView
            reports (the checks of the power interface's verify step).
        :raises: HardwareInspectionFailure when OneView lacks an essential property.
        :raises: OneViewError when OneView cannot be read.
        """
        validated = common.validate_node(task)  # the verify step's checks, before any change
        settings = validated.settings
        ov = common.get_client(settings)
        with errors.translated(task.node, "inspecting", settings.connection):
            found = read_facts(ov, validated)
        node = task.node
        node.properties = inspected_properties(node, found)
        node.save()
        _replace_oneview_traits(task, traits(found))
        _ports(task, found)
        inspect_utils.store_inspection_data(node, inventory(found), None, task.context)
        LOG.info("Node %s inspected from OneView: %s", node.uuid, node.properties)
        return states.MANAGEABLE


def read_facts(ov: client.OneViewClient, validated: common.ValidatedNode) -> Facts:
    """Everything inspection needs besides the server and template validation read, one GET
    each."""
    settings, server, template = validated.settings, validated.server, validated.template
    try:
        storage: dict[str, Any] | None = ov.server_hardware.local_storage(server)
    except client.NotFound:
        storage = None  # older iLOs do not report it
    baseline_uri = template.firmware_baseline_uri if template is not None else None
    group_uri = server.enclosure_group_uri
    return Facts(
        server=server,
        storage=storage,
        hardware_type=ov.server_hardware_types.get(server.server_hardware_type_uri or ""),
        enclosure_group=ov.enclosure_groups.get(group_uri) if group_uri else None,
        template=template,
        firmware=ov.firmware_drivers.get(baseline_uri) if baseline_uri else None,
        profile=_ironics_profile(ov, settings, server),
    )


def _ironics_profile(
    ov: client.OneViewClient, settings: common.NodeSettings, server: client.ServerHardware
) -> client.ServerProfile | None:
    """The profile the server carries if Ironic applied it (one GET then, else none)."""
    owner = ownership.owner(server.server_profile_uri, settings.applied_server_profile_uri)
    if owner is not ownership.Owner.IRONIC:
        return None
    return ov.server_profiles.get(server.server_profile_uri or "")


def server_nics(found: Facts) -> list[nics.Nic]:
    """The NICs with the MACs the server presents now (:mod:`nics`)."""
    from_profile = nics.profile_nics(found.profile) if found.profile is not None else []
    return from_profile or nics.nics(found.server, found.template)


def inspected_properties(node: Any, found: Facts) -> dict[str, Any]:
    """The node's properties updated with what OneView reports."""
    server = found.server
    properties = dict(node.properties or {})
    arch = facts.cpu_arch(server) or properties.get("cpu_arch")
    if not arch or server.memory_mb <= 0:
        raise exception.HardwareInspectionFailure(
            error=f"Node {node.uuid}: server hardware {server.name!r} reports processorType "
            f"{server.get('processorType')!r} and memoryMb {server.get('memoryMb')!r}; an Intel "
            "or AMD processor and a positive memory size are needed (or set "
            "properties/cpu_arch by hand)."
        )
    cores = facts.cpus(server)
    properties.update(cpu_arch=arch, memory_mb=server.memory_mb, local_gb=local_gb(node, found))
    if cores > 0:
        properties["cpus"] = cores
    merged = {**common.node_capabilities(node), **capabilities(node, found)}
    properties["capabilities"] = ",".join(f"{key}:{value}" for key, value in merged.items())
    return properties


def local_gb(node: Any, found: Facts) -> int:
    """The root disk in GiB less one (:func:`facts.local_gb`); 0, with a warning, if none."""
    size = facts.local_gb(found.storage)
    if size <= 0:
        LOG.warning(
            "Node %s: server hardware %s reports no local storage; local_gb is 0",
            node.uuid,
            found.server.name,
        )
    return size


def capabilities(node: Any, found: Facts) -> dict[str, str]:
    """Capabilities Nova flavors can match on (and :mod:`checks` verifies)."""
    return facts.capabilities(
        found, boot_mode_set=facts.BOOT_MODE in common.node_capabilities(node)
    )


def traits(found: Facts) -> set[str]:
    """The ``CUSTOM_OV_*`` traits of the server."""
    return facts.traits(found)


def inventory(found: Facts) -> dict[str, Any]:
    """Ironic's inspection inventory (the ironic-python-agent format) from OneView data."""
    server = found.server
    controllers = (found.storage or {}).get("data") or []
    interfaces = server_nics(found)
    boot = next((nic for nic in interfaces if nic.pxe), None)
    result: dict[str, Any] = {
        "cpu": {
            "count": facts.cpus(server),
            "architecture": facts.cpu_arch(server) or "",
            "model_name": server.get("processorType"),
            "frequency": server.get("processorSpeedMhz"),
        },
        "memory": {"physical_mb": server.memory_mb, "total": server.memory_mb * 1024 * 1024},
        "interfaces": [{"name": nic.port_id, "mac_address": nic.mac} for nic in interfaces],
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
        result["boot"] = {"pxe_interface": boot.mac}
    return result


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


def _ports(task: Any, found: Facts) -> None:
    """Ports for the server's NICs (see the module's docstring)."""
    interfaces = server_nics(found)
    if not interfaces:
        LOG.warning(
            "Node %s: OneView reports no NIC of server hardware %s (no portMap); add the "
            "node's ports by hand, or inspect it in band (inspect interface oneview-agent)",
            task.node.uuid,
            found.server.name,
        )
        return
    node_ports.present(task, interfaces)
