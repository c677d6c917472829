"""``OneViewRAID``: logical drives through the server profile's ``localStorage`` section.

=========================  ============================================================
Ironic logical disk        OneView ``localStorage.controllers[].logicalDrives[]``
=========================  ============================================================
``raid_level``             ``raidLevel``: 0, 1, 1+0, 5, 6 -> RAID0, RAID1, RAID10,
                           RAID5, RAID6, if the server hardware type lists it
``size_gb``                ``MAX`` only: OneView builds a logical drive from whole drives
``number_of_physical_``    ``numPhysicalDrives`` (default: the level's minimum, 1, 2, 4,
``disks``                  3, 4)
``disk_type`` +            ``driveTechnology`` (``SasHdd``, ``SataSsd``...): both or none
``interface_type``
``volume_name``            ``name`` (default ``ironic-<n>``)
``is_root_volume``         ``bootable``
``controller``             ``deviceSlot`` (default ``Embedded``)
=========================  ============================================================

``physical_disks`` and ``share_physical_disks`` have no OneView equivalent and are refused
when the target is set (``validate_raid_config``), as are the levels OneView has not.
``create_configuration`` with ``delete_existing`` sets ``initialize`` (OneView deletes the
controller's logical drives first); without it the new drives join the profile's. Once
OneView applied it, the server's ``localStorage`` gives each drive's size: ``raid_config``
records it, and ``properties/local_gb`` follows the root volume (Ironic's
``update_raid_info``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from ironic.common import exception, raid
from ironic.drivers import base

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, errors, profile_edits, profile_tasks

LOG = logging.getLogger(__name__)

KIND = "raid"
SECTION = "localStorage"
DEFAULT_CONTROLLER = "Embedded"
MIB_PER_GIB = 1024
CREATED = "logical_disks"

LEVELS = {"0": "RAID0", "1": "RAID1", "1+0": "RAID10", "5": "RAID5", "6": "RAID6"}
"""Ironic's RAID levels OneView has, and OneView's names for them."""
MIN_DRIVES = {"RAID0": 1, "RAID1": 2, "RAID10": 4, "RAID5": 3, "RAID6": 4}
DRIVE_TECHNOLOGIES = {
    ("hdd", "sas"): "SasHdd",
    ("hdd", "sata"): "SataHdd",
    ("ssd", "sas"): "SasSsd",
    ("ssd", "sata"): "SataSsd",
}

_CREATE_ARGSINFO = {
    "create_root_volume": {
        "description": "Create the root volume of target_raid_config. Defaults to true.",
        "required": False,
    },
    "create_nonroot_volumes": {
        "description": "Create the other volumes of target_raid_config. Defaults to true.",
        "required": False,
    },
    "delete_existing": {
        "description": "Delete the controller's logical drives first (OneView's initialize). "
        "Defaults to false.",
        "required": False,
    },
}


class OneViewRAID(base.RAIDInterface):
    """Logical drives of a OneView server's Smart Array, through the applied profile."""

    def get_properties(self) -> dict[str, str]:
        return dict(common.COMMON_PROPERTIES)

    def validate(self, task: Any) -> None:
        """The node's OneView settings and target RAID configuration, offline."""
        common.parse_driver_info(task.node)
        super().validate(task)

    def validate_raid_config(self, task: Any, raid_config: dict[str, Any]) -> None:
        """Ironic's schema, then what OneView cannot build (before anything is sent)."""
        super().validate_raid_config(task, raid_config)
        for index, disk in enumerate(raid_config.get("logical_disks") or []):
            logical_drive(task.node, index, disk)

    def get_logical_disk_properties(self) -> dict[str, Any]:
        properties = dict(super().get_logical_disk_properties())
        properties["size_gb"] = (
            "'MAX' only: OneView builds a logical drive from whole drives; choose its size "
            "with number_of_physical_disks. Required."
        )
        for unsupported in ("physical_disks", "share_physical_disks"):
            properties.pop(unsupported, None)
        return properties

    @base.deploy_step(priority=0, argsinfo=base.RAID_APPLY_CONFIGURATION_ARGSINFO)
    def apply_configuration(
        self,
        task: Any,
        raid_config: dict[str, Any],
        create_root_volume: bool = True,
        create_nonroot_volumes: bool = True,
        delete_existing: bool = True,
    ) -> str | None:
        return super().apply_configuration(
            task,
            raid_config,
            create_root_volume=create_root_volume,
            create_nonroot_volumes=create_nonroot_volumes,
            delete_existing=delete_existing,
        )

    @base.clean_step(priority=0, abortable=False, argsinfo=_CREATE_ARGSINFO)
    def create_configuration(
        self,
        task: Any,
        create_root_volume: bool = True,
        create_nonroot_volumes: bool = True,
        delete_existing: bool = False,
    ) -> str | None:
        """The node's ``target_raid_config`` as logical drives of the applied profile.

        :raises: MissingParameterValue if the node has no target (or nothing is left of it).
        :raises: InvalidParameterValue naming the disk, the field, the value and what is
            allowed, if OneView cannot build it (or the hardware type has not the level).
        :raises: OneViewError naming OneView's message if it refuses the profile.
        """
        node = task.node
        target_config = raid.filter_target_raid_config(
            node,
            create_root_volume=create_root_volume,
            create_nonroot_volumes=create_nonroot_volumes,
        )
        disks = list(target_config["logical_disks"])
        wanted = [logical_drive(node, index, disk) for index, disk in enumerate(disks)]
        doing = "creating the RAID configuration"
        target = profile_edits.applied(task, doing)
        storage = _with_drives(target.profile.get(SECTION), wanted, node, delete_existing)
        _check_capabilities(node, target, wanted, storage, doing)
        created = [_recorded_disk(disk, drive) for disk, drive in zip(disks, wanted, strict=True)]
        state = profile_edits.submit(
            task, target, SECTION, storage, kind=KIND, doing=doing, data={CREATED: created}
        )
        if state is None:
            record(task, created)
        return state

    @base.clean_step(priority=0)
    @base.deploy_step(priority=0)
    def delete_configuration(self, task: Any) -> str | None:
        """Delete the logical drives of the profile's controllers (OneView's initialize)."""
        doing = "deleting the RAID configuration"
        target = profile_edits.applied(task, doing)
        storage = dict(target.profile.get(SECTION) or {})
        controllers = [dict(c) for c in storage.get("controllers") or []] or [
            {"deviceSlot": DEFAULT_CONTROLLER, "mode": "RAID"}
        ]
        for controller in controllers:
            controller.update(initialize=True, logicalDrives=[])
        storage["controllers"] = controllers
        state = profile_edits.submit(
            task, target, SECTION, storage, kind=KIND, doing=doing, data={CREATED: []}
        )
        if state is None:
            record(task, [])
        return state


# -- Ironic's logical disks -> OneView's logical drives -----------------------------------


def logical_drive(node: Any, index: int, disk: Mapping[str, Any]) -> dict[str, Any]:
    """OneView's logical drive for Ironic's logical disk number *index*.

    :raises: InvalidParameterValue naming the node, the disk, the field, the value and what
        OneView allows.
    """

    def refuse(field: str, allowed: str) -> exception.InvalidParameterValue:
        return exception.InvalidParameterValue(
            f"Node {node.uuid}: logical disk {index} of the RAID configuration has {field} "
            f"{disk.get(field)!r}, which OneView cannot build; allowed: {allowed}."
        )

    level = LEVELS.get(str(disk.get("raid_level")))
    if level is None:
        raise refuse("raid_level", ", ".join(LEVELS))
    if disk.get("size_gb") != "MAX":
        raise refuse("size_gb", "'MAX' (OneView uses whole drives: set number_of_physical_disks)")
    for field in ("physical_disks", "share_physical_disks"):
        if disk.get(field):
            raise refuse(field, "nothing (OneView chooses the drives)")
    count = disk.get("number_of_physical_disks") or MIN_DRIVES[level]
    if count < MIN_DRIVES[level]:
        raise refuse("number_of_physical_disks", f"{MIN_DRIVES[level]} or more for {level}")
    return {
        "name": str(disk.get("volume_name") or f"ironic-{index}"),
        "raidLevel": level,
        "bootable": bool(disk.get("is_root_volume")),
        "numPhysicalDrives": int(count),
        "driveTechnology": _drive_technology(disk, refuse),
        "accelerator": "Unmanaged",
        "deviceSlot": str(disk.get("controller") or DEFAULT_CONTROLLER),
    }


def _drive_technology(disk: Mapping[str, Any], refuse: Any) -> str | None:
    media, interface = disk.get("disk_type"), disk.get("interface_type")
    if media is None and interface is None:
        return None
    technology = DRIVE_TECHNOLOGIES.get((str(media), str(interface)))
    if technology is None:
        field = "interface_type" if media is not None else "disk_type"
        raise refuse(
            field,
            "disk_type (hdd, ssd) and interface_type (sas, sata) together, or neither "
            "(OneView's driveTechnology names both)",
        )
    return technology


def _check_capabilities(
    node: Any,
    target: profile_edits.AppliedProfile,
    wanted: list[dict[str, Any]],
    storage: Mapping[str, Any],
    doing: str,
) -> None:
    """What the server hardware type's controller can do (``storageCapabilities``), for the
    *wanted* drives and all the drives of the resulting *storage* section."""
    uri = target.server.server_hardware_type_uri or ""
    with errors.translated(node, doing, target.settings.connection):
        hardware_type = target.ov.server_hardware_types.get(uri)
    capabilities = hardware_type.get("storageCapabilities") or {}
    name = f"server hardware type {hardware_type.name!r} ({uri})"
    if "RAID" not in (capabilities.get("controllerModes") or []):
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: the {name} has no local storage controller OneView can put in "
            "RAID mode; OneView cannot configure RAID on this server."
        )
    levels = capabilities.get("raidLevels") or []
    technologies = capabilities.get("driveTechnologies") or []
    for drive in wanted:
        if drive["raidLevel"] not in levels:
            raise exception.InvalidParameterValue(
                f"Node {node.uuid}: logical disk {drive['name']!r} asks for {drive['raidLevel']}, "
                f"which the {name} does not offer; allowed: {', '.join(levels)}."
            )
        technology = drive["driveTechnology"]
        if technology is not None and technology not in technologies:
            raise exception.InvalidParameterValue(
                f"Node {node.uuid}: logical disk {drive['name']!r} asks for {technology} "
                f"drives, which the {name} does not offer; allowed: {', '.join(technologies)}."
            )
    most = capabilities.get("maximumDrives")
    total = sum(
        int(drive.get("numPhysicalDrives") or 0)
        for controller in storage.get("controllers") or []
        for drive in controller.get("logicalDrives") or []
    )
    if most is not None and total > most:
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: the server profile's logical drives would use {total} drives "
            f"(those it has unless delete_existing, and the new ones); the {name} has at "
            f"most {most}."
        )


def _with_drives(
    section: Any, wanted: list[dict[str, Any]], node: Any, delete_existing: bool
) -> dict[str, Any]:
    """The ``localStorage`` section with *wanted* added to (or replacing) its controllers'."""
    storage = dict(section or {})
    controllers = {c.get("deviceSlot"): dict(c) for c in storage.get("controllers") or []}
    for drive in wanted:
        slot = drive["deviceSlot"]
        controller = controllers.setdefault(slot, {"deviceSlot": slot, "logicalDrives": []})
        if "fresh" not in controller:  # first drive of this controller in this request
            controller.update(mode="RAID", initialize=bool(delete_existing), fresh=True)
            if delete_existing:
                controller["logicalDrives"] = []
        drives = list(controller.get("logicalDrives") or [])
        if any(existing.get("name") == drive["name"] for existing in drives):
            raise exception.InvalidParameterValue(
                f"Node {node.uuid}: the server profile already has a logical drive named "
                f"{drive['name']!r} on controller {slot!r}; choose another volume_name or "
                "set delete_existing."
            )
        drives.append({k: v for k, v in drive.items() if k != "deviceSlot"})
        controller["logicalDrives"] = drives
    for controller in controllers.values():
        controller.pop("fresh", None)
    storage["controllers"] = list(controllers.values())
    return storage


def _recorded_disk(disk: Mapping[str, Any], drive: Mapping[str, Any]) -> dict[str, Any]:
    """The logical disk as ``raid_config`` records it (size filled in once applied)."""
    recorded = {
        "raid_level": str(disk["raid_level"]),
        "size_gb": "MAX",
        "volume_name": drive["name"],
        "controller": drive["deviceSlot"],
        "number_of_physical_disks": drive["numPhysicalDrives"],
    }
    if drive["bootable"]:
        recorded["is_root_volume"] = True
    return recorded


# -- the node's record --------------------------------------------------------------------


def record(task: Any, created: list[dict[str, Any]]) -> None:
    """``raid_config`` (and ``local_gb``) from the sizes the server's controllers report."""
    node = task.node
    disks = [dict(disk) for disk in created]
    if not disks:
        node.raid_config = {}
        node.save()
        LOG.info("Node %s: RAID configuration deleted", node.uuid)
        return
    if disks:
        settings = common.parse_driver_info(node)
        ov = common.get_client(settings)
        doing = "reading the server's logical drives"
        with errors.translated(node, doing, settings.connection):
            storage = ov.server_hardware.local_storage(settings.server_hardware_uri)
        sizes = {
            str(volume.get("LogicalDriveName")): int(volume.get("CapacityMiB") or 0)
            for controller in storage.get("data") or []
            for volume in controller.get("LogicalDrives") or []
        }
        for disk in disks:
            mib = sizes.get(disk["volume_name"])
            if mib is None:
                raise errors.OneViewError(
                    node=node.uuid,
                    doing=doing,
                    error=f"OneView applied the logical drive {disk['volume_name']!r}, but the "
                    "server's localStorage does not report it.",
                )
            disk["size_gb"] = mib // MIB_PER_GIB
    raid.update_raid_info(node, {"logical_disks": disks})
    LOG.info("Node %s: RAID configuration %s", node.uuid, disks)


# -- OneView's task ended -----------------------------------------------------------------


@profile_tasks.on_success(KIND)
def _applied(task: Any, finished: client.Task, data: dict[str, Any]) -> str | None:
    record(task, list(data.get(CREATED) or []))
    return profile_edits.resume(task, data)


@profile_tasks.on_failure(KIND)
def _failed(task: Any, finished: client.Task | None, data: dict[str, Any], message: str) -> None:
    profile_edits.restore(task, finished, data)
