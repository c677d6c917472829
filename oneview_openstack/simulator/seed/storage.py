"""What a server's Smart Array reports: GET /rest/server-hardware/{id}/localStorage.

The first two drives form a RAID 1 boot volume (one drive: RAID 0); further
drives stay unconfigured. Ironic's ``local_gb`` is the boot volume's size.
"""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator.seed.catalog import ServerModel

BYTES_PER_GB = 1000**3
BYTES_PER_MIB = 1024**2


def local_storage(
    server: dict[str, Any], model: ServerModel, disks_gb: tuple[int, ...]
) -> dict[str, Any]:
    drives = [_physical_drive(server["serialNumber"], n, size) for n, size in enumerate(disks_gb)]
    logical = []
    if drives:
        members = drives[:2]
        raid = "RAID1" if len(members) == 2 else "RAID0"
        capacity_gb = min(d["capacityGB"] for d in members)
        logical.append(
            {
                "logicalDriveNumber": 1,
                "name": "Logical Drive 1",
                "raid": raid,
                "capacityGB": capacity_gb,
                "capacityMiB": capacity_gb * BYTES_PER_GB // BYTES_PER_MIB,
                "driveTechnology": "SasSsd",
                "bootable": True,
                "status": "OK",
                "dataDrives": [d["location"] for d in members],
            }
        )
    return {
        "uri": f"{server['uri']}/localStorage",
        "collectionState": "Success",
        "lastRefreshTime": None,
        "count": 1,
        "data": [
            {
                "adapterType": "SmartArray",
                "model": model.storage_controller,
                "location": "Embedded",
                "serialNumber": f"PEYHB0{server['serialNumber'][-6:]}",
                "firmwareVersion": "5.32",
                "mode": "Mixed",
                "status": "OK",
                "logicalDrives": logical,
                "physicalDrives": drives,
            }
        ],
    }


def _physical_drive(server_serial: str, index: int, size_gb: int) -> dict[str, Any]:
    return {
        "location": f"1I:1:{index + 1}",
        "capacityGB": size_gb,
        "capacityMiB": size_gb * BYTES_PER_GB // BYTES_PER_MIB,
        "interfaceType": "SAS",
        "mediaType": "SSD",
        "model": f"MO00{size_gb:04d}JWDKR",
        "serialNumber": f"S{server_serial[-6:]}{index:02d}",
        "firmwareVersion": "HPD3",
        "status": "OK",
    }
