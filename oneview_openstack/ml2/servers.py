"""Which OneView server a Neutron port plugs into, from its MAC or its local link.

One paged listing of server hardware (and one of interconnects) indexes every NIC by MAC
and by the interconnect downlink it plugs into; the index is reused for ``max_age``
seconds, and a port naming an unknown NIC lists again at most once per ``max_age``. A
deployment of N servers costs two listings, not N GETs.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterable

from oneview_openstack import client


@dataclasses.dataclass(frozen=True)
class Nic:
    """One NIC function of a server: what a profile connection needs."""

    server_uri: str
    server_name: str
    port_id: str  # the profile portId, e.g. "Mezz 3:1-a"
    mac: str  # lower case
    rack_server: bool = False


@dataclasses.dataclass(frozen=True)
class _Index:
    by_mac: dict[str, Nic]
    by_link: dict[tuple[str, str], Nic]  # (interconnect MAC, downlink "d<n>") -> function a
    built: float


class ServerIndex:
    """A thread-safe, lazily refreshed index of the appliance's NICs."""

    def __init__(
        self,
        ov: client.OneViewClient,
        *,
        max_age: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ov = ov
        self._max_age = max_age
        self._clock = clock
        self._index: _Index | None = None
        self._lock = threading.Lock()

    def by_mac(self, mac: str) -> Nic | None:
        key = mac.lower()
        return self._lookup(lambda index: index.by_mac.get(key))

    def by_local_link(self, switch_id: str, port_id: str) -> Nic | None:
        key = (switch_id.lower(), port_id.strip().lower())
        return self._lookup(lambda index: index.by_link.get(key))

    def invalidate(self) -> None:
        with self._lock:
            self._index = None

    def _lookup(self, find: Callable[[_Index], Nic | None]) -> Nic | None:
        with self._lock:
            index = self._current()
            found = find(index)
            if found is None and self._clock() - index.built >= min(self._max_age, 5.0):
                # an unknown NIC may be new hardware: list again (rate limited)
                self._index = index = self._build()
                found = find(index)
            return found

    def _current(self) -> _Index:
        if self._index is None or self._clock() - self._index.built >= self._max_age:
            self._index = self._build()
        return self._index

    def _build(self) -> _Index:
        switches = {
            ic.uri: ic.mac.lower() for ic in self._ov.interconnects.list() if ic.mac is not None
        }
        by_mac: dict[str, Nic] = {}
        by_link: dict[tuple[str, str], Nic] = {}
        for server in self._ov.server_hardware.list():
            for nic, link in _nics(server, switches):
                by_mac.setdefault(nic.mac, nic)
                if link is not None:
                    by_link.setdefault(link, nic)
        return _Index(by_mac, by_link, self._clock())


def _nics(
    server: client.ServerHardware, switches: dict[str, str]
) -> Iterable[tuple[Nic, tuple[str, str] | None]]:
    name = server.name or server.uri
    rack = server.is_rack_server
    for port in server.ethernet_ports:
        link = None
        switch = switches.get((port.interconnect_uri or "").rstrip("/"))
        if switch is not None and port.interconnect_port is not None:
            downlink = client.Interconnect.downlink_port_name(port.interconnect_port)
            link = (switch, downlink.lower())
        functions = [vp for vp in port.virtual_ports if vp.mac]
        for function in functions:
            port_id = port.function_port_id(function.port_function)
            nic = Nic(server.uri, name, port_id, str(function.mac).lower(), rack)
            yield nic, (link if function.port_function == "a" else None)
        if port.mac:
            first = port.function_port_id("a") if functions else port.port_id
            yield Nic(server.uri, name, first, port.mac.lower(), rack), None
