"""What a server boots from when it powers on.

iLO's rule, as OneView manages it: the one-time boot device (``oneTimeBoot``,
consumed by that boot) wins; without one, the first device of the boot order its
server profile manages (in UEFI modes only the first device matters, and a
network boot that finds a ramdisk does not fall through). A server without a
profile, or whose profile leaves the boot order alone, boots as its firmware is
set up: ``None`` here, which the virtual agents read as "from its disk, if the
disk holds an image".
"""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator.store import Store

# oneTimeBoot values -> the profile's boot.order names for the same device.
ONE_TIME_DEVICES = {"Network": "PXE", "HDD": "HardDisk", "CDROM": "CD", "USB": "USB"}
NETWORK = "PXE"
DISK = "HardDisk"


def boot_device(store: Store, server: dict[str, Any]) -> str | None:
    """The device ``server`` boots from now (a ``boot.order`` name), or None: its firmware's.

    Read before the boot consumes the one-time device.
    """
    one_time = ONE_TIME_DEVICES.get(str(server.get("oneTimeBoot")))
    if one_time is not None:
        return one_time
    profile_uri = server.get("serverProfileUri")
    profile = store.get(profile_uri) if profile_uri else None
    boot = (profile or {}).get("boot") or {}
    order = boot.get("order") or []
    if boot.get("manageBoot") and order:
        return str(order[0])
    return None
