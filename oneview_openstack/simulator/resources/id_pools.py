"""Virtual identifiers OneView hands out to profiles: MACs, WWNs, serial numbers.

The counters live in one internal document so they survive a restart (state
file) and start over on reset. A fresh pool starts after the highest virtual
MAC already present in the seed, so handed-out MACs never collide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

POOL_URI = "/_pools/compute"
MAC_BASE = 0x9AA022900000  # 9A:A0:22:90:00:00, locally administered like OneView's pools
WWN_BASE = 0x10000ACA22900000  # 10:00:0A:CA:22:90:00:00
SERIAL_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _pool(appliance: Appliance) -> dict[str, Any]:
    pool = appliance.store.get(POOL_URI)
    if pool is None:
        pool = {"uri": POOL_URI, "mac": _highest_virtual_mac(appliance) + 1, "wwn": 1, "serial": 1}
    return pool


def _highest_virtual_mac(appliance: Appliance) -> int:
    highest = 0
    for profile in appliance.store.iter("server-profiles"):
        settings = profile.get("connectionSettings") or {}
        for connection in settings.get("connections") or []:
            mac = connection.get("mac")
            if connection.get("macType") == "Virtual" and isinstance(mac, str):
                value = int(mac.replace(":", ""), 16) - MAC_BASE
                if 0 <= value < 0x100000:
                    highest = max(highest, value)
    return highest


def _take(appliance: Appliance, key: str) -> int:
    pool = _pool(appliance)
    value = int(pool[key])
    pool[key] = value + 1
    appliance.store.put_internal(pool)
    return value


def next_mac(appliance: Appliance) -> str:
    return _colon_hex(MAC_BASE + _take(appliance, "mac"), 6)


def next_wwpn(appliance: Appliance) -> tuple[str, str]:
    """(wwpn, wwnn) of a virtual Fibre Channel port."""
    value = WWN_BASE + 2 * _take(appliance, "wwn")
    return _colon_hex(value, 8), _colon_hex(value + 1 + (1 << 60), 8)


def next_serial(appliance: Appliance) -> str:
    """``VCG`` + seven characters, like OneView's virtual serial numbers (``VCGU6DA002``)."""
    value = _take(appliance, "serial")
    text = ""
    for _ in range(7):
        value, digit = divmod(value, len(SERIAL_ALPHABET))
        text = SERIAL_ALPHABET[digit] + text
    return "VCG" + text


def _colon_hex(value: int, octets: int) -> str:
    text = f"{value:0{octets * 2}X}"[-octets * 2 :]
    return ":".join(text[i : i + 2] for i in range(0, len(text), 2))
