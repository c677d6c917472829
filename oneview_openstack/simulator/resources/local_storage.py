"""Local storage of a server: GET .../localStorage (SmartStorage) and .../localStorageV2 (Redfish).

The seed keeps, per server, the document ``/localStorage`` returns in the
internal collection ``_local-storage`` (``/_local-storage/{server id}``). The
Redfish-shaped V2 view is derived from it, so both always agree. A server
without such a document reports its controller with no drives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

Doc = dict[str, Any]
MIB = 1024 * 1024
RAID_TYPES = {
    "0": "RAID0",
    "1": "RAID1",
    "1ADM": "RAID1Triple",
    "10": "RAID10",
    "5": "RAID5",
    "6": "RAID6",
}


def smart_storage(appliance: Appliance, server: Doc) -> Doc:
    """What the iLO's SmartStorage reports, as OneView relays it."""
    server_id = server["uri"].rsplit("/", 1)[-1]
    stored = appliance.store.get(f"/_local-storage/{server_id}")
    if stored is not None:
        body = {key: value for key, value in stored.items() if key != "uri"}
        body["serverHardwareUri"] = server["uri"]
        return body
    return {
        "serverHardwareUri": server["uri"],
        "collectionState": "Success",
        "lastRefreshTime": server.get("modified"),
        "count": 0,
        "data": [],
    }


def redfish_storage(appliance: Appliance, server: Doc) -> Doc:
    """The same controllers in the Redfish ``Storage`` shape, drives and volumes inlined."""
    source = smart_storage(appliance, server)
    data = [
        _redfish_controller(index, controller)
        for index, controller in enumerate(source.get("data") or [])
    ]
    return {
        "serverHardwareUri": server["uri"],
        "collectionState": source.get("collectionState", "Success"),
        "lastRefreshTime": source.get("lastRefreshTime"),
        "count": len(data),
        "data": data,
    }


def _redfish_controller(index: int, controller: Doc) -> Doc:
    status = controller.get("Status") or {"Health": "OK", "State": "Enabled"}
    firmware = ((controller.get("FirmwareVersion") or {}).get("Current") or {}).get("VersionString")
    drives = [_redfish_drive(drive) for drive in controller.get("PhysicalDrives") or []]
    volumes = [_redfish_volume(volume) for volume in controller.get("LogicalDrives") or []]
    return {
        "Id": f"DE0{index}A000",
        "Name": controller.get("Model"),
        "Status": status,
        "StorageControllers": [
            {
                "Model": controller.get("Model"),
                "Name": controller.get("Model"),
                "FirmwareVersion": firmware,
                "SerialNumber": controller.get("SerialNumber"),
                "Location": controller.get("Location"),
                "Status": status,
            }
        ],
        "Drives": drives,
        "Volumes": volumes,
    }


def _redfish_drive(drive: Doc) -> Doc:
    capacity = drive.get("CapacityMiB")
    capacity_bytes = (
        int(capacity) * MIB if capacity else int(drive.get("CapacityGB") or 0) * 1000**3
    )
    location = drive.get("Location")
    return {
        "Id": location,
        "Name": f"Drive {location}",
        "CapacityBytes": capacity_bytes,
        "MediaType": drive.get("MediaType"),
        "Protocol": drive.get("InterfaceType"),
        "Model": drive.get("Model"),
        "SerialNumber": drive.get("SerialNumber"),
        "Revision": (((drive.get("FirmwareVersion") or {}).get("Current")) or {}).get(
            "VersionString"
        ),
        "BlockSizeBytes": drive.get("BlockSizeBytes", 512),
        "PhysicalLocation": {"PartLocation": {"ServiceLabel": f"Port:Box:Bay={location}"}},
        "Status": drive.get("Status") or {"Health": "OK", "State": "Enabled"},
    }


def _redfish_volume(volume: Doc) -> Doc:
    raid = str(volume.get("Raid") or "")
    return {
        "Id": str(volume.get("LogicalDriveNumber")),
        "Name": volume.get("LogicalDriveName"),
        "CapacityBytes": int(volume.get("CapacityMiB") or 0) * MIB,
        "RAIDType": RAID_TYPES.get(raid, raid or None),
        "Status": volume.get("Status") or {"Health": "OK", "State": "Enabled"},
    }
