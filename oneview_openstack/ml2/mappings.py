"""The two mapping options, parsed once: which physical networks reach which OneView parts.

Parsing only checks the shape; :mod:`oneview_openstack.ml2.topology` checks the names
against the appliance.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable


class MappingError(ValueError):
    """A mapping option is malformed; the message names the option, the entry and the format."""


@dataclasses.dataclass(frozen=True)
class UplinkSetMapping:
    """``<physical network>:<logical interconnect group>:<uplink set name>``."""

    physical_network: str
    group: str  # name or id of the logical interconnect group
    uplink_set: str


@dataclasses.dataclass(frozen=True)
class FlatMapping:
    """``<physical network>:<OneView network name or id>``."""

    physical_network: str
    network: str


UPLINKSET_FORMAT = "<physical network>:<logical interconnect group>:<uplink set name>"
FLAT_FORMAT = "<physical network>:<OneView network name or id>"


def parse_uplinkset_mappings(entries: Iterable[str]) -> list[UplinkSetMapping]:
    """Parse ``uplinkset_mappings``; duplicates are kept once.

    networking-oneview wrote one entry with several group/uplink-set pairs
    (``physnet1:lig1:us1:lig2:us2``); that form is accepted too.
    """
    mappings: list[UplinkSetMapping] = []
    for entry in _entries(entries):
        parts = [part.strip() for part in entry.split(":")]
        if len(parts) < 3 or len(parts) % 2 == 0 or not all(parts):
            raise MappingError(
                f"uplinkset_mappings: {entry!r} is not {UPLINKSET_FORMAT} (several "
                "entries are separated by commas)"
            )
        physnet = parts[0]
        for index in range(1, len(parts), 2):
            mappings.append(UplinkSetMapping(physnet, parts[index], parts[index + 1]))
    return list(dict.fromkeys(mappings))


def parse_flat_net_mappings(entries: Iterable[str]) -> list[FlatMapping]:
    """Parse ``flat_net_mappings``; a physical network maps to one network only."""
    mappings: dict[str, FlatMapping] = {}
    for entry in _entries(entries):
        physnet, sep, network = (part.strip() for part in entry.partition(":"))
        if not sep or not physnet or not network or ":" in network:
            raise MappingError(f"flat_net_mappings: {entry!r} is not {FLAT_FORMAT}")
        known = mappings.get(physnet)
        if known is not None and known.network != network:
            raise MappingError(
                f"flat_net_mappings: physical network {physnet!r} is mapped twice "
                f"({known.network!r} and {network!r}); a flat segment has one OneView network"
            )
        mappings[physnet] = FlatMapping(physnet, network)
    return list(mappings.values())


def _entries(entries: Iterable[str]) -> Iterable[str]:
    for raw in entries:
        for entry in raw.split(","):
            if entry.strip():
                yield entry.strip()
