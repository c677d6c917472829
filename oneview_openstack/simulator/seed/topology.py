"""The datacenter topology: what a seed file describes, parsed and checked.

A ``Topology`` is small and immutable; ``builder`` expands it into documents.
Every problem found while reading a seed file is a ``SeedError`` naming the
entry, the field, the bad value and what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from oneview_openstack.simulator.seed.catalog import INTERCONNECT_MODELS, SERVER_MODELS

NETWORK_TYPES = ("Tagged", "Untagged", "Tunnel")
PURPOSES = ("General", "Management", "VMMigration", "FaultTolerance", "ISCSI")
BOOT_PRIORITIES = ("Primary", "Secondary", "NotBootable")
BOOT_DEVICES = ("CD", "USB", "HardDisk", "PXE", "FibreChannelHba")
POWER_STATES = ("On", "Off")
ROLES = ("Infrastructure administrator", "Read only")
BAYS_PER_FRAME = 12


class SeedError(ValueError):
    """A seed file that cannot describe a datacenter."""


@dataclass(frozen=True)
class Network:
    name: str
    kind: str  # Tagged | Untagged | Tunnel
    vlan: int | None
    purpose: str = "General"


@dataclass(frozen=True)
class NetworkSet:
    name: str
    networks: tuple[str, ...]
    native: str | None = None


@dataclass(frozen=True)
class UplinkSet:
    name: str
    kind: str  # Tagged | Untagged
    networks: tuple[str, ...]
    ports: tuple[tuple[int, str], ...]  # (interconnect bay, port name)


@dataclass(frozen=True)
class InterconnectGroup:
    name: str
    module: str
    bays: tuple[int, ...]
    uplink_sets: tuple[UplinkSet, ...]


@dataclass(frozen=True)
class EnclosureGroup:
    name: str
    interconnect_group: str


@dataclass(frozen=True)
class Server:
    model: str
    memory_mb: int
    processors: int
    cores: int
    disks_gb: tuple[int, ...]
    power: str = "Off"
    name: str = ""  # rack servers only; blades are named after their bay


@dataclass(frozen=True)
class Enclosure:
    name: str
    serial: str
    group: str
    bays: tuple[tuple[int, Server], ...]


@dataclass(frozen=True)
class Firmware:
    name: str
    version: str
    release_date: str


@dataclass(frozen=True)
class Connection:
    name: str
    network: str
    port: str
    boot: str = "NotBootable"
    mbps: int = 2500


@dataclass(frozen=True)
class Template:
    name: str
    hardware_type: str
    enclosure_group: str | None
    firmware: str | None
    boot_order: tuple[str, ...]
    connections: tuple[Connection, ...]
    boot_mode: str = "UEFI"
    mac_type: str = "Physical"
    description: str = ""


@dataclass(frozen=True)
class Profile:
    name: str
    template: str
    server: str
    description: str = ""


@dataclass(frozen=True)
class Topology:
    random_seed: int
    created: str
    users: tuple[dict[str, str], ...]
    firmware: tuple[Firmware, ...] = ()
    networks: tuple[Network, ...] = ()
    network_sets: tuple[NetworkSet, ...] = ()
    interconnect_groups: tuple[InterconnectGroup, ...] = ()
    enclosure_groups: tuple[EnclosureGroup, ...] = ()
    enclosures: tuple[Enclosure, ...] = ()
    rack_servers: tuple[Server, ...] = ()
    templates: tuple[Template, ...] = ()
    profiles: tuple[Profile, ...] = field(default=())


# -- reading a seed file -------------------------------------------------------


def load_topology(path: Path) -> Topology:
    try:
        raw = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise SeedError(f"Seed file {path}: cannot be read as YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise SeedError(f"Seed file {path}: the top level must be a mapping of sections.")
    topology = parse_topology(raw, str(path))
    check_references(topology, str(path))
    return topology


def parse_topology(raw: dict[str, Any], where: str) -> Topology:
    r = _Reader(where)
    return Topology(
        random_seed=r.integer(raw, "random_seed", "top level", default=1),
        created=str(raw.get("created", "2024-03-04T08:00:00.000Z")),
        users=tuple(r.user(u, i) for i, u in enumerate(r.items(raw, "users"))),
        firmware=tuple(
            Firmware(r.text(f, "name", "firmware"), str(r.need(f, "version", "firmware")),
                     str(f.get("releaseDate", "2024-01-01")))
            for f in r.items(raw, "firmware")
        ),
        networks=tuple(r.network(n) for n in r.items(raw, "networks")),
        network_sets=tuple(
            NetworkSet(r.text(s, "name", "network set"), r.names(s, "networks", "network set"),
                       s.get("native"))
            for s in r.items(raw, "network_sets")
        ),
        interconnect_groups=tuple(r.lig(g) for g in r.items(raw, "interconnect_groups")),
        enclosure_groups=tuple(
            EnclosureGroup(r.text(g, "name", "enclosure group"),
                           r.text(g, "interconnect_group", "enclosure group"))
            for g in r.items(raw, "enclosure_groups")
        ),
        enclosures=tuple(r.enclosure(e) for e in r.items(raw, "enclosures")),
        rack_servers=tuple(
            r.server(s, f"rack server {s.get('name')!r}", named=True)
            for s in r.items(raw, "rack_servers")
        ),
        templates=tuple(r.template(t) for t in r.items(raw, "templates")),
        profiles=tuple(
            Profile(r.text(p, "name", "profile"), r.text(p, "template", "profile"),
                    r.text(p, "server", "profile"), str(p.get("description", "")))
            for p in r.items(raw, "profiles")
        ),
    )  # fmt: skip


class _Reader:
    """Field access with errors that say where and what is allowed."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, entry: str, name: str, value: Any, allowed: str) -> SeedError:
        return SeedError(
            f"Seed file {self.where}: {entry}: field {name!r} has the value {value!r}; "
            f"allowed: {allowed}."
        )

    def items(self, raw: dict[str, Any], section: str) -> list[dict[str, Any]]:
        value = raw.get(section) or []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail("top level", section, value, "a list of mappings")
        return value

    def need(self, raw: dict[str, Any], name: str, entry: str) -> Any:
        if raw.get(name) is None:
            raise self.fail(f"{entry} {raw.get('name', '')!r}".strip(), name, None, "a value")
        return raw[name]

    def text(self, raw: dict[str, Any], name: str, entry: str) -> str:
        value = self.need(raw, name, entry)
        if not isinstance(value, str) or not value:
            raise self.fail(entry, name, value, "a non-empty string")
        return value

    def integer(
        self, raw: dict[str, Any], name: str, entry: str, default: int | None = None
    ) -> int:
        value = raw.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(entry, name, value, "an integer")
        return value

    def choice(self, raw: dict[str, Any], name: str, entry: str, allowed: tuple[str, ...],
               default: str) -> str:  # fmt: skip
        value = raw.get(name, default)
        if value not in allowed:
            raise self.fail(entry, name, value, ", ".join(allowed))
        return str(value)

    def names(self, raw: dict[str, Any], name: str, entry: str) -> tuple[str, ...]:
        value = raw.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(entry, name, value, "a list of names")
        return tuple(value)

    def user(self, raw: dict[str, Any], index: int) -> dict[str, str]:
        entry = f"user #{index + 1}"
        return {
            "userName": self.text(raw, "userName", entry),
            "password": self.text(raw, "password", entry),
            "role": self.choice(raw, "role", entry, ROLES, ROLES[0]),
        }

    def network(self, raw: dict[str, Any]) -> Network:
        entry = f"network {raw.get('name')!r}"
        kind = self.choice(raw, "type", entry, NETWORK_TYPES, "Tagged")
        vlan = raw.get("vlan")
        if kind == "Tagged" and (not isinstance(vlan, int) or not 1 <= vlan <= 4094):
            raise self.fail(entry, "vlan", vlan, "an integer 1..4094 for a Tagged network")
        return Network(
            self.text(raw, "name", "network"),
            kind,
            vlan if kind == "Tagged" else None,
            self.choice(raw, "purpose", entry, PURPOSES, "General"),
        )

    def lig(self, raw: dict[str, Any]) -> InterconnectGroup:
        entry = f"interconnect group {raw.get('name')!r}"
        module = self.choice(raw, "module", entry, tuple(INTERCONNECT_MODELS), "")
        bays = raw.get("bays") or []
        if not bays or not all(isinstance(b, int) and 1 <= b <= 6 for b in bays):
            raise self.fail(entry, "bays", bays, "a list of interconnect bays 1..6")
        uplinks = []
        for u in self.items(raw, "uplink_sets"):
            sub = f"{entry} uplink set {u.get('name')!r}"
            ports = []
            for port in self.names(u, "ports", sub):
                bay, _, name = port.partition(":")
                if not bay.isdigit() or int(bay) not in bays or not name:
                    raise self.fail(sub, "ports", port, f"'<bay>:<port>' with a bay of {bays}")
                ports.append((int(bay), name))
            uplinks.append(
                UplinkSet(
                    self.text(u, "name", sub),
                    self.choice(u, "type", sub, ("Tagged", "Untagged"), "Tagged"),
                    self.names(u, "networks", sub),
                    tuple(ports),
                )
            )
        return InterconnectGroup(self.text(raw, "name", entry), module, tuple(bays), tuple(uplinks))

    def server(self, raw: dict[str, Any], entry: str, named: bool = False) -> Server:
        disks = raw.get("disksGb") or []
        if not isinstance(disks, list) or not all(isinstance(d, int) and d > 0 for d in disks):
            raise self.fail(entry, "disksGb", disks, "a list of drive sizes in GB")
        if isinstance(raw.get("power"), bool):  # YAML 1.1 reads a bare On/Off as a boolean
            raw = dict(raw, power="On" if raw["power"] else "Off")
        return Server(
            model=self.choice(raw, "model", entry, tuple(SERVER_MODELS), ""),
            memory_mb=self.integer(raw, "memoryMb", entry, 131072),
            processors=self.integer(raw, "processors", entry, 2),
            cores=self.integer(raw, "cores", entry, 12),
            disks_gb=tuple(disks),
            power=self.choice(raw, "power", entry, POWER_STATES, "Off"),
            name=self.text(raw, "name", entry) if named else "",
        )

    def enclosure(self, raw: dict[str, Any]) -> Enclosure:
        entry = f"enclosure {raw.get('name')!r}"
        bays = raw.get("bays") or {}
        if not isinstance(bays, dict):
            raise self.fail(entry, "bays", bays, "a mapping of bay number to server")
        parsed = []
        for bay, server in sorted(bays.items()):
            if not isinstance(bay, int) or not 1 <= bay <= BAYS_PER_FRAME:
                raise self.fail(entry, "bays", bay, f"bay numbers 1..{BAYS_PER_FRAME}")
            parsed.append((bay, self.server(server, f"{entry} bay {bay}")))
        return Enclosure(
            self.text(raw, "name", entry),
            str(self.need(raw, "serial", entry)),
            self.text(raw, "group", entry),
            tuple(parsed),
        )

    def template(self, raw: dict[str, Any]) -> Template:
        entry = f"template {raw.get('name')!r}"
        order = self.names(raw, "boot_order", entry)
        for device in order:
            if device not in BOOT_DEVICES:
                raise self.fail(entry, "boot_order", device, ", ".join(BOOT_DEVICES))
        connections = tuple(
            Connection(
                self.text(c, "name", f"{entry} connection"),
                self.text(c, "network", f"{entry} connection"),
                self.text(c, "port", f"{entry} connection"),
                self.choice(c, "boot", f"{entry} connection", BOOT_PRIORITIES, "NotBootable"),
                self.integer(c, "mbps", f"{entry} connection", 2500),
            )
            for c in self.items(raw, "connections")
        )
        return Template(
            name=self.text(raw, "name", entry),
            hardware_type=self.choice(raw, "hardware_type", entry, tuple(SERVER_MODELS), ""),
            enclosure_group=raw.get("enclosure_group"),
            firmware=raw.get("firmware"),
            boot_order=order,
            connections=connections,
            boot_mode=self.choice(raw, "boot_mode", entry, ("UEFI", "UEFIOptimized", "BIOS"),
                                  "UEFI"),
            mac_type=self.choice(raw, "mac_type", entry, ("Physical", "Virtual"), "Physical"),
            description=str(raw.get("description", "")),
        )  # fmt: skip


# -- cross references ------------------------------------------------------------


def check_references(t: Topology, where: str) -> None:
    """Every name an entry refers to exists; bays are not used twice."""

    def missing(entry: str, name: str, value: Any, known: Any) -> SeedError:
        return SeedError(
            f"Seed file {where}: {entry}: field {name!r} refers to {value!r}, which is not "
            f"defined; known: {', '.join(sorted(known)) or 'none'}."
        )

    networks = {n.name for n in t.networks}
    sets = {s.name for s in t.network_sets}
    for s in t.network_sets:
        for n in s.networks:
            if n not in networks:
                raise missing(f"network set {s.name!r}", "networks", n, networks)
    ligs = {g.name for g in t.interconnect_groups}
    for g in t.interconnect_groups:
        for u in g.uplink_sets:
            for n in u.networks:
                if n not in networks:
                    raise missing(f"uplink set {u.name!r}", "networks", n, networks)
    for eg in t.enclosure_groups:
        if eg.interconnect_group not in ligs:
            raise missing(f"enclosure group {eg.name!r}", "interconnect_group",
                          eg.interconnect_group, ligs)  # fmt: skip
    groups = {eg.name for eg in t.enclosure_groups}
    servers = {s.name for s in t.rack_servers}
    for e in t.enclosures:
        if e.group not in groups:
            raise missing(f"enclosure {e.name!r}", "group", e.group, groups)
        _check_bays(e, where)
        servers.update(f"{e.name}, bay {bay}" for bay, _ in e.bays)
    firmware = {f.version for f in t.firmware}
    templates = {tp.name for tp in t.templates}
    for tp in t.templates:
        if tp.enclosure_group is not None and tp.enclosure_group not in groups:
            raise missing(f"template {tp.name!r}", "enclosure_group", tp.enclosure_group, groups)
        if tp.firmware is not None and tp.firmware not in firmware:
            raise missing(f"template {tp.name!r}", "firmware", tp.firmware, firmware)
        for c in tp.connections:
            if c.network not in networks | sets:
                raise missing(f"template {tp.name!r}", "network", c.network, networks | sets)
    for p in t.profiles:
        if p.template not in templates:
            raise missing(f"profile {p.name!r}", "template", p.template, templates)
        if p.server not in servers:
            raise missing(f"profile {p.name!r}", "server", p.server, servers)


def _check_bays(enclosure: Enclosure, where: str) -> None:
    taken: dict[int, int] = {}
    for bay, server in enclosure.bays:
        covered = [bay]
        if SERVER_MODELS[server.model].form_factor == "FullHeight":
            if bay > BAYS_PER_FRAME // 2:
                raise SeedError(
                    f"Seed file {where}: enclosure {enclosure.name!r} bay {bay}: a full-height "
                    f"{server.model} must sit in bays 1..6 (it also covers the bay below)."
                )
            covered.append(bay + BAYS_PER_FRAME // 2)
        for b in covered:
            if b in taken:
                raise SeedError(
                    f"Seed file {where}: enclosure {enclosure.name!r}: bay {b} is used by the "
                    f"servers of bays {taken[b]} and {bay}; each bay holds one server."
                )
            taken[b] = bay
