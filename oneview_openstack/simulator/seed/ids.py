"""Deterministic identifiers: UUIDs, serial numbers, MAC addresses, timestamps.

One ``Ids`` per build, seeded from the topology, so the same seed always gives
the same datacenter (and a reset rebuilds it identically). Serial numbers and
MACs come from counters, which makes them unique by construction.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta


class Ids:
    def __init__(self, seed: int, created: str) -> None:
        self._rng = random.Random(seed)
        self._serial = 10000
        self._macs: dict[str, int] = {}
        self._ip = 0
        self._base = datetime.strptime(created, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        self._tick = 0

    # -- UUIDs -------------------------------------------------------------------

    def uuid(self) -> str:
        """A version-4 style UUID, lower case (profiles, networks, groups, ...)."""
        value = self._rng.getrandbits(128)
        value = (value & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
        value = (value & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
        text = f"{value:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def upper_uuid(self) -> str:
        return self.uuid().upper()

    # -- hardware identities -----------------------------------------------------

    def server_serial(self) -> str:
        """``2M2`` + five digits + ``GR``, as HPE Synergy blades report them."""
        self._serial += 1
        return f"2M2{self._serial:05d}GR"

    @staticmethod
    def server_uuid(uuid_code: str, serial: str) -> str:
        """The SMBIOS UUID: the ASCII of model code + serial, in hex (upper case).

        ``004704`` + ``2M201136GR`` -> ``30303437-3034-4D32-3230-313133364752``.
        """
        text = (uuid_code + serial[1] + serial[0] + serial[2:]).encode("ascii").hex().upper()
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:32]}"

    def mac_block(self, prefix: str, size: int) -> list[str]:
        """``size`` consecutive MACs under a three-byte ``prefix`` ("02:23:13")."""
        start = self._macs.get(prefix, 0x100000)
        self._macs[prefix] = start + size
        if start + size > 0xFFFFFF:
            raise OverflowError(f"MAC prefix {prefix} is exhausted")
        return [_mac(prefix, start + i) for i in range(size)]

    def ip_address(self) -> str:
        """A management (iLO) address in 10.16.0.0/12, unique per build."""
        self._ip += 1
        value = (10 << 24) | (16 << 16) | (self._ip + 10)
        return ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))

    def choice(self, options: list[int]) -> int:
        return self._rng.choice(options)

    # -- time --------------------------------------------------------------------

    def timestamp(self) -> tuple[str, int]:
        """The next creation time (ISO text and epoch milliseconds), strictly increasing."""
        self._tick += 1
        moment = self._base + timedelta(milliseconds=self._tick * 37)
        millis = int(moment.timestamp() * 1000)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z", millis


def _mac(prefix: str, value: int) -> str:
    return f"{prefix}:{value >> 16 & 0xFF:02X}:{value >> 8 & 0xFF:02X}:{value & 0xFF:02X}"
