"""Local storage of profiles: ``localStorage.controllers[]`` and the server's Smart Array.

A controller names its ``deviceSlot`` (the seed's servers have one, "Embedded"),
a ``mode`` (RAID, HBA, Mixed), ``initialize`` and ``logicalDrives[]`` (``name``,
``raidLevel``, ``bootable``, ``numPhysicalDrives``, ``driveTechnology``,
``accelerator``). What contradicts the server hardware type (a level or mode
it does not support, a drive count the level cannot use, two bootable drives,
logical drives in HBA mode) is refused with 400 at once; what the server itself
cannot do (not enough free drives of the technology) ends the task in Error.

Applying: ``initialize: true`` deletes the controller's logical drives first;
without it, a logical drive the controller already has under the same name is
kept and the others are created on free drives. ``CapacityMiB`` follows from
the members' size and the RAID level. Each logical drive of the profile then
shows its ``driveNumber``. Removing the profile leaves the drives as they are
(OneView does not delete logical drives when a profile goes away).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator.errors import ApiError, bad_request

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

Doc = dict[str, Any]
DEVICE_SLOTS = ("Embedded",)
ACCELERATORS = ("Unmanaged", "Enabled", "Disabled", "ControllerCache", "IOBypass")
# RAID level: (fewest drives, most drives or None, count must be even)
DRIVE_COUNTS = {
    "RAID0": (1, None, False),
    "RAID1": (2, 2, False),
    "RAID1ADM": (3, 3, False),
    "RAID10": (4, None, True),
    "RAID5": (3, None, False),
    "RAID6": (4, None, False),
    "RAID50": (6, None, True),
    "RAID60": (8, None, True),
}
ILO_RAID = {"RAID0": "0", "RAID1": "1", "RAID1ADM": "1ADM", "RAID10": "10", "RAID5": "5",
            "RAID6": "6", "RAID50": "50", "RAID60": "60"}  # fmt: skip


# -- 400: what the hardware type cannot do ----------------------------------------------


def check_local_storage(appliance: Appliance, doc: Doc) -> None:
    """400 if the controllers contradict the server hardware type's storage capabilities."""
    controllers = (doc.get("localStorage") or {}).get("controllers")
    if controllers is None:
        return
    if not isinstance(controllers, list) or not all(isinstance(c, dict) for c in controllers):
        raise _invalid("localStorage.controllers", controllers, "a list of JSON objects")
    capabilities = _capabilities(appliance, doc)
    bootable = []
    for index, controller in enumerate(controllers):
        field = f"localStorage.controllers[{index}]"
        _check_controller(controller, field, capabilities)
        for number, drive in enumerate(controller.get("logicalDrives") or []):
            _check_logical_drive(drive, f"{field}.logicalDrives[{number}]", capabilities)
            if drive.get("bootable"):
                bootable.append(str(drive.get("name")))
    if len(bootable) > 1:
        raise bad_request(
            "MULTIPLE_BOOTABLE_LOGICAL_DRIVES",
            "Only one logical drive of a server profile can be bootable.",
            details=f"Bootable logical drives: {', '.join(bootable)}.",
        )


def _capabilities(appliance: Appliance, doc: Doc) -> Doc:
    type_uri = doc.get("serverHardwareTypeUri")
    if not type_uri and doc.get("serverHardwareUri"):
        type_uri = (appliance.store.get(doc["serverHardwareUri"]) or {}).get(
            "serverHardwareTypeUri"
        )
    hardware_type = appliance.store.get(type_uri or "") or {}
    return dict(hardware_type.get("storageCapabilities") or {})


def _check_controller(controller: Doc, field: str, capabilities: Doc) -> None:
    if controller.get("deviceSlot") not in DEVICE_SLOTS:
        raise _invalid(f"{field}.deviceSlot", controller.get("deviceSlot"), ", ".join(DEVICE_SLOTS))
    modes = capabilities.get("controllerModes") or []
    if controller.get("mode") not in modes:
        raise bad_request(
            "INVALID_CONTROLLER_MODE",
            f"The controller mode {controller.get('mode')!r} is not supported.",
            details=f"{field}.mode: allowed {', '.join(modes) or 'none'}.",
        )
    if not isinstance(controller.get("initialize", False), bool):
        raise _invalid(f"{field}.initialize", controller.get("initialize"), "true, false")
    drives = controller.get("logicalDrives")
    if drives is not None and not isinstance(drives, list):
        raise _invalid(f"{field}.logicalDrives", drives, "a list of logical drives")
    if drives and controller["mode"] == "HBA":
        raise bad_request(
            "LOGICAL_DRIVES_NOT_SUPPORTED_IN_HBA_MODE",
            "A controller in HBA mode cannot have logical drives.",
            details=f"{field}: mode HBA with {len(drives)} logical drives; use RAID or Mixed.",
        )


def _check_logical_drive(drive: Any, field: str, capabilities: Doc) -> None:
    if not isinstance(drive, dict):
        raise _invalid(field, drive, "a JSON object")
    name = drive.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _invalid(f"{field}.name", name, "a non-empty string")
    level = drive.get("raidLevel")
    levels = capabilities.get("raidLevels") or []
    if level not in levels or level not in DRIVE_COUNTS:
        raise bad_request(
            "UNSUPPORTED_RAID_LEVEL",
            f"The RAID level {level!r} of logical drive {name!r} is not supported.",
            details=f"{field}.raidLevel: the server hardware type supports {', '.join(levels)}.",
        )
    given = drive.get("numPhysicalDrives")
    count = given if isinstance(given, int) and not isinstance(given, bool) else -1
    fewest, most, even = DRIVE_COUNTS[level]
    maximum = min(most or 1_000, int(capabilities.get("maximumDrives") or 1_000))
    if not fewest <= count <= maximum or (even and count % 2):
        allowed = f"{fewest} to {maximum}" + (", even" if even else "")
        raise bad_request(
            "INVALID_NUMBER_OF_PHYSICAL_DRIVES",
            f"The logical drive {name!r} cannot be {level} with {given!r} physical drives.",
            details=f"{field}.numPhysicalDrives: {level} here takes {allowed} drives.",
        )
    technology = drive.get("driveTechnology")
    technologies = capabilities.get("driveTechnologies") or []
    if technology is not None and technology not in technologies:
        raise _invalid(f"{field}.driveTechnology", technology, ", ".join(technologies))
    accelerator = drive.get("accelerator")
    if accelerator is not None and accelerator not in ACCELERATORS:
        raise _invalid(f"{field}.accelerator", accelerator, ", ".join(ACCELERATORS))


def _invalid(field: str, value: Any, allowed: str) -> ApiError:
    return bad_request(
        "INVALID_PARAMETER",
        f"The field {field} has the invalid value {value!r}.",
        details=f"Field {field}: {value!r}. Allowed: {allowed}.",
    )


# -- the server's Smart Array -----------------------------------------------------------


def storage_problem(appliance: Appliance, profile: Doc, server: Doc) -> ApiError | None:
    """The task error if the server lacks the drives the profile's logical drives need."""
    try:
        plan(appliance, profile, server)
    except ApiError as error:
        return error
    return None


def apply_local_storage(appliance: Appliance, profile: Doc, server_uri: str) -> None:
    """Configure the server's controller as the profile says (see the module docstring)."""
    server = appliance.store.get(server_uri)
    if server is None or not (profile.get("localStorage") or {}).get("controllers"):
        return
    stored = plan(appliance, profile, server)
    if stored is not None:
        appliance.store.put_internal(stored)


def number_drives(appliance: Appliance, profile: Doc, server_uri: str) -> None:
    """Each logical drive of the profile shows the ``driveNumber`` the controller gave it."""
    stored = appliance.store.get(_uri(server_uri)) or {}
    controller = (stored.get("data") or [{}])[0]
    numbers = {d["LogicalDriveName"]: d["LogicalDriveNumber"] for d in _drives_of(controller)}
    for given in (profile.get("localStorage") or {}).get("controllers") or []:
        for drive in given.get("logicalDrives") or []:
            drive["driveNumber"] = numbers.get(drive.get("name"))


def plan(appliance: Appliance, profile: Doc, server: Doc) -> Doc | None:
    """The server's storage document after applying the profile (ApiError if it cannot)."""
    given = [
        c
        for c in (profile.get("localStorage") or {}).get("controllers") or []
        if c.get("deviceSlot") == "Embedded"
    ]
    stored = copy.deepcopy(appliance.store.get(_uri(server["uri"])))
    if not given or stored is None or not stored.get("data"):
        return None
    controller = stored["data"][0]
    wanted = given[0]
    kept = [] if wanted.get("initialize") else _drives_of(controller)
    by_name = {d["LogicalDriveName"]: d for d in kept}
    used = {location for d in kept for location in d.get("DataDrives") or []}
    for drive in wanted.get("logicalDrives") or []:
        if drive["name"] in by_name:
            continue
        members = _free_drives(controller, used, drive, server)
        used.update(m["Location"] for m in members)
        number = max((d["LogicalDriveNumber"] for d in kept), default=0) + 1
        kept.append(_logical_drive(number, drive, members))
    controller["LogicalDrives"] = kept
    controller["CurrentOperatingMode"] = wanted["mode"]
    return dict(stored)


def _drives_of(controller: Doc) -> list[Doc]:
    return list(controller.get("LogicalDrives") or [])


def _free_drives(controller: Doc, used: set[str], drive: Doc, server: Doc) -> list[Doc]:
    technology = drive.get("driveTechnology")
    free = [
        d
        for d in controller.get("PhysicalDrives") or []
        if d["Location"] not in used and technology in (None, _technology(d))
    ]
    needed = int(drive["numPhysicalDrives"])
    if len(free) < needed:
        raise ApiError(
            400,
            "INSUFFICIENT_PHYSICAL_DRIVES",
            f"The logical drive {drive['name']!r} needs {needed} available "
            f"{technology or ''} drives; the server hardware {server.get('name')!r} has "
            f"{len(free)}.".replace("  ", " "),
            details=(
                f"Drives of {server.get('name')}: "
                + ", ".join(f"{d['Location']} {_technology(d)}" for d in _all(controller))
                + f"; in use by kept logical drives: {', '.join(sorted(used)) or 'none'}."
            ),
            recommended_actions=[
                "Use fewer drives, another drive technology, or initialize the controller."
            ],
        )
    return free[:needed]


def _all(controller: Doc) -> list[Doc]:
    return list(controller.get("PhysicalDrives") or [])


def _technology(physical: Doc) -> str:
    interface = "Sas" if physical.get("InterfaceType") == "SAS" else "Sata"
    return interface + ("Ssd" if physical.get("MediaType") == "SSD" else "Hdd")


def _logical_drive(number: int, drive: Doc, members: list[Doc]) -> Doc:
    smallest = min(int(m["CapacityMiB"]) for m in members)
    return {
        "LogicalDriveNumber": number,
        "LogicalDriveName": drive["name"],
        "Raid": ILO_RAID[drive["raidLevel"]],
        "CapacityMiB": capacity_mib(drive["raidLevel"], len(members), smallest),
        "StripSizeBytes": 262144,
        "MediaType": members[0].get("MediaType"),
        "InterfaceType": members[0].get("InterfaceType"),
        "DataDrives": [m["Location"] for m in members],
        "Status": {"Health": "OK", "State": "Enabled"},
    }


def capacity_mib(level: str, drives: int, smallest_mib: int) -> int:
    """Usable size of a logical drive: the members' data share at the smallest member's size."""
    data_drives = {
        "RAID0": drives,
        "RAID1": 1,
        "RAID1ADM": 1,
        "RAID10": drives // 2,
        "RAID5": drives - 1,
        "RAID6": drives - 2,
        "RAID50": drives - 2,
        "RAID60": drives - 4,
    }[level]
    return data_drives * smallest_mib


def _uri(server_uri: str) -> str:
    return f"/_local-storage/{server_uri.rsplit('/', 1)[-1]}"
