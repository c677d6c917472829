"""Which OneView server a Neutron port plugs into, from its MAC or its local link.

One paged listing of server hardware (and one of interconnects) indexes every NIC by MAC
and by the interconnect downlink it plugs into; the index is reused for ``max_age``
seconds, and a port naming an unknown NIC lists again at most once per ``max_age``. A
deployment of N servers costs two listings, not N GETs.

A profile whose template says ``macType: Virtual`` (or ``UserDefined``) gives its NICs the
connections' MACs instead of the hardware's, and Ironic's ports follow them: a MAC that is
no hardware's is looked up among the connections of the profiles, from one listing of
profiles (reused like the index; the synchronization hands over the listing of its pass).
A profile applied a moment ago brings new MACs, so a MAC found nowhere lists the profiles
again once they are more than :data:`PROFILES_MISS_AGE` seconds old.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterable

from oneview_openstack import client

#: On a MAC found nowhere, the profiles are listed again if read longer ago than this.
PROFILES_MISS_AGE = 1.0
#: On a NIC found nowhere, the hardware is listed again if read longer ago than this.
HARDWARE_MISS_AGE = 5.0


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
    by_port: dict[tuple[str, str], Nic]  # (server URI, profile portId) -> NIC
    built: float


@dataclasses.dataclass(frozen=True)
class _ProfileMacs:
    """The MACs profile connections give NICs: MAC -> (server URI, portId)."""

    by_mac: dict[str, tuple[str, str]]
    read: float


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
        self._profiles: _ProfileMacs | None = None
        self._lock = threading.Lock()

    def by_mac(self, mac: str) -> Nic | None:
        """The NIC with this MAC: the hardware's, or the one a profile connection gives it."""
        key = mac.lower()
        with self._lock:
            found = self._find_mac(key)
            if found is None:  # new hardware, or a profile applied since: list again
                if self._clock() - self._current_profiles().read >= PROFILES_MISS_AGE:
                    self._profiles = self._read_profiles()
                self._refresh_hardware_after_miss()
                found = self._find_mac(key)
            return found

    def by_local_link(self, switch_id: str, port_id: str) -> Nic | None:
        key = (switch_id.lower(), port_id.strip().lower())
        with self._lock:
            found = self._current().by_link.get(key)
            if found is None:  # an unknown NIC may be new hardware: list again
                self._refresh_hardware_after_miss()
                found = self._current().by_link.get(key)
            return found

    def learn_profiles(self, profiles: Iterable[client.ServerProfile]) -> None:
        """Take the profiles' MACs from a listing made anyway (no listing of its own)."""
        with self._lock:
            self._profiles = _profile_macs(profiles, self._clock())

    def invalidate(self) -> None:
        with self._lock:
            self._index = None
            self._profiles = None

    def _find_mac(self, key: str) -> Nic | None:
        index = self._current()
        found = index.by_mac.get(key)
        if found is None:  # the profiles are read only when a MAC is no hardware's
            where = self._current_profiles().by_mac.get(key)
            found = index.by_port.get(where) if where is not None else None
        return found

    def _refresh_hardware_after_miss(self) -> None:
        index = self._current()
        if self._clock() - index.built >= min(self._max_age, HARDWARE_MISS_AGE):
            self._index = self._build()

    def _current_profiles(self) -> _ProfileMacs:
        if self._profiles is None or self._clock() - self._profiles.read >= self._max_age:
            self._profiles = self._read_profiles()
        return self._profiles

    def _read_profiles(self) -> _ProfileMacs:
        return _profile_macs(self._ov.server_profiles.list(), self._clock())

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
        by_port: dict[tuple[str, str], Nic] = {}
        for server in self._ov.server_hardware.list():
            for nic, link in _nics(server, switches):
                by_mac.setdefault(nic.mac, nic)
                by_port.setdefault((_server_key(nic.server_uri), nic.port_id.lower()), nic)
                if link is not None:
                    by_link.setdefault(link, nic)
        return _Index(by_mac, by_link, by_port, self._clock())


def _profile_macs(profiles: Iterable[client.ServerProfile], now: float) -> _ProfileMacs:
    by_mac: dict[str, tuple[str, str]] = {}
    for profile in profiles:
        server = profile.server_hardware_uri
        for connection in profile.connections if server else ():
            if connection.mac and connection.port_id:
                where = (_server_key(server), connection.port_id.lower())
                by_mac.setdefault(connection.mac.lower(), where)
    return _ProfileMacs(by_mac, now)


def _server_key(uri: str | None) -> str:
    return (uri or "").rstrip("/").lower()


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
