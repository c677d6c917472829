"""What a server's Smart Array reports: GET /rest/server-hardware/{id}/localStorage.

Kept in the internal collection ``_local-storage`` as ``/_local-storage/{server id}``
(the response body plus that ``uri``).

The first two drives form a RAID 1 boot volume (one drive: RAID 0); further
drives stay unconfigured. Ironic's ``local_gb`` is the boot volume's size
(``LogicalDrives[0].CapacityMiB``).
"""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator.seed.catalog import ServerModel

BYTES_PER_GB = 1000**3
BYTES_PER_MIB = 1024**2
HEALTHY = {"Health": "OK", "State": "Enabled"}


def local_storage(
    server: dict[str, Any], model: ServerModel, disks_gb: tuple[int, ...]
) -> dict[str, Any]:
    """The SmartStorage view the iLO reports and OneView relays (iLO's PascalCase keys)."""
    serial = server["serialNumber"]
    drives = [_physical_drive(serial, n, size) for n, size in enumerate(disks_gb)]
    logical = []
    if drives:
        members = drives[:2]
        logical.append(
            {
                "LogicalDriveNumber": 1,
                "LogicalDriveName": "boot",
                "Raid": "1" if len(members) == 2 else "0",
                "CapacityMiB": min(d["CapacityMiB"] for d in members),
                "StripSizeBytes": 262144,
                "MediaType": "SSD",
                "InterfaceType": "SAS",
                "DataDrives": [d["Location"] for d in members],
                "Status": dict(HEALTHY),
            }
        )
    return {
        "serverHardwareUri": server["uri"],
        "collectionState": "Success",
        "lastRefreshTime": None,
        "count": 1,
        "data": [
            {
                "AdapterType": "SmartArray",
                "Model": model.storage_controller,
                "Location": "Slot 0",
                "SerialNumber": f"PEYHB0{serial[-6:]}",
                "FirmwareVersion": {"Current": {"VersionString": "5.32"}},
                "CurrentOperatingMode": "Mixed",
                "Status": dict(HEALTHY),
                "LogicalDrives": logical,
                "PhysicalDrives": drives,
            }
        ],
    }


def _physical_drive(server_serial: str, index: int, size_gb: int) -> dict[str, Any]:
    return {
        "Location": f"1I:1:{index + 1}",
        "CapacityGB": size_gb,
        "CapacityMiB": size_gb * BYTES_PER_GB // BYTES_PER_MIB,
        "BlockSizeBytes": 512,
        "InterfaceType": "SAS",
        "MediaType": "SSD",
        "Model": f"MO00{size_gb:04d}JWDKR",
        "SerialNumber": f"S{server_serial[-6:]}{index:02d}",
        "FirmwareVersion": {"Current": {"VersionString": "HPD3"}},
        "Status": dict(HEALTHY),
    }
