"""A large datacenter of N servers (``--servers N``), the same N always alike.

Mostly Synergy frames (12 bays; every fourth frame holds six full-height SY 660
blades, the others twelve SY 480), one rack server in twenty, forty frames per
enclosure group, two interconnect groups, one template per enclosure group and
hardware type, and one server in a hundred already carrying a profile that a
OneView user applied.
"""

from __future__ import annotations

import random

from oneview_openstack.simulator.seed import topology as topo

RACK_SHARE = 20  # one rack server in this many
FRAMES_PER_GROUP = 40
PROFILE_SHARE = 100  # one server in this many carries a foreign profile
TENANT_VLANS = 20
MEMORY_CHOICES_MB = (131072, 196608, 262144, 393216, 524288)
DEFAULT_USERS = (
    {
        "userName": "Administrator",
        "password": "admin-password",
        "role": "Infrastructure administrator",
    },
    {"userName": "readonly", "password": "readonly-password", "role": "Read only"},
)


def generate_topology(
    servers: int, users: tuple[dict[str, str], ...] = DEFAULT_USERS
) -> topo.Topology:
    if servers < 0:
        raise topo.SeedError(f"--servers {servers}: the number of servers must be 0 or more.")
    rng = random.Random(servers)
    racks = servers // RACK_SHARE
    frames = _frames(servers - racks, rng)
    group_count = max(1, -(-len(frames) // FRAMES_PER_GROUP))
    groups = tuple(
        topo.EnclosureGroup(f"EG-{n:03d}", "LIG-Prod" if n % 2 else "LIG-Edge")
        for n in range(1, group_count + 1)
    )
    enclosures = tuple(
        topo.Enclosure(e.name, e.serial, groups[i // FRAMES_PER_GROUP].name, e.bays)
        for i, e in enumerate(frames)
    )
    rack_servers = tuple(
        _server(rng, "DL360 Gen10", name=f"dl360-{n:05d}.lab.example") for n in range(1, racks + 1)
    )
    templates = _templates(enclosures, bool(rack_servers))
    return topo.Topology(
        random_seed=servers,
        created="2024-03-04T08:00:00.000Z",
        users=users,
        firmware=(
            topo.Firmware("Service Pack for Synergy", "SY-2023.10.01", "2023-10-16"),
            topo.Firmware("Service Pack for Synergy", "SY-2024.04.01", "2024-04-22"),
            topo.Firmware("Service Pack for ProLiant", "2024.04.00.00", "2024-04-30"),
        ),
        networks=_networks(),
        network_sets=(topo.NetworkSet("tenant-set", ("tenant-101", "tenant-102")),),
        interconnect_groups=_interconnect_groups(),
        enclosure_groups=groups,
        enclosures=enclosures,
        rack_servers=rack_servers,
        templates=templates,
        profiles=_profiles(enclosures, templates),
    )


def _frames(blades: int, rng: random.Random) -> list[topo.Enclosure]:
    frames = []
    number = 0
    while blades > 0:
        number += 1
        full_height = number % 4 == 0
        capacity = 6 if full_height else 12
        count = min(capacity, blades)
        blades -= count
        model = "SY 660 Gen10" if full_height else "SY 480 Gen10"
        bays = tuple((bay, _server(rng, model)) for bay in range(1, count + 1))
        frames.append(topo.Enclosure(f"Frame{number:04d}", f"0000A{60000 + number:05d}", "", bays))
    return frames


def _server(rng: random.Random, model: str, name: str = "") -> topo.Server:
    big = model == "SY 660 Gen10"
    disk = rng.choice((240, 480, 960, 1920))
    return topo.Server(
        model=model,
        memory_mb=rng.choice(MEMORY_CHOICES_MB) * (2 if big else 1),
        processors=4 if big else rng.choice((1, 2, 2, 2)),
        cores=rng.choice((12, 14, 20, 24)),
        disks_gb=(disk, disk),
        power="On" if rng.random() < 0.1 else "Off",
        name=name,
    )


def _networks() -> tuple[topo.Network, ...]:
    tenants = tuple(
        topo.Network(f"tenant-{vlan}", "Tagged", vlan) for vlan in range(101, 101 + TENANT_VLANS)
    )
    return (
        topo.Network("deploy", "Untagged", None),
        topo.Network("management", "Tagged", 10, "Management"),
        *tenants,
    )


def _interconnect_groups() -> tuple[topo.InterconnectGroup, ...]:
    tagged = tuple(n.name for n in _networks() if n.kind == "Tagged")
    return tuple(
        topo.InterconnectGroup(
            name,
            module,
            (3, 6),
            (
                topo.UplinkSet(
                    f"US-{suffix}-Deploy", "Untagged", ("deploy",), ((3, "Q1"), (6, "Q1"))
                ),
                topo.UplinkSet(f"US-{suffix}-Tenants", "Tagged", tagged, ((3, "Q2"), (6, "Q2"))),
            ),
        )
        for name, suffix, module in (
            ("LIG-Prod", "Prod", "Virtual Connect SE 40Gb F8 Module for Synergy"),
            ("LIG-Edge", "Edge", "Virtual Connect SE 100Gb F32 Module for Synergy"),
        )
    )


def _templates(enclosures: tuple[topo.Enclosure, ...], rack: bool) -> tuple[topo.Template, ...]:
    combos: dict[tuple[str, str], None] = {}
    for enclosure in enclosures:
        for _, server in enclosure.bays[:1]:
            combos[(enclosure.group, server.model)] = None
    connections = (
        topo.Connection("deploy", "deploy", "Mezz 3:1-a", "Primary"),
        topo.Connection("tenants", "tenant-set", "Mezz 3:2-a"),
    )
    templates = [
        topo.Template(
            name=f"SPT-{group}-{model.replace(' ', '')}",
            hardware_type=model,
            enclosure_group=group,
            firmware="SY-2024.04.01",
            boot_order=("PXE", "HardDisk"),
            connections=connections,
        )
        for group, model in combos
    ]
    if rack:
        templates.append(
            topo.Template("SPT-Rack-DL360Gen10", "DL360 Gen10", None, "2024.04.00.00",
                          ("PXE", "HardDisk"), ())
        )  # fmt: skip
    return tuple(templates)


def _profiles(
    enclosures: tuple[topo.Enclosure, ...], templates: tuple[topo.Template, ...]
) -> tuple[topo.Profile, ...]:
    by_combo = {(t.enclosure_group, t.hardware_type): t.name for t in templates}
    profiles = []
    index = 0
    for enclosure in enclosures:
        for bay, server in enclosure.bays:
            index += 1
            if index % PROFILE_SHARE == 0:
                profiles.append(
                    topo.Profile(
                        f"oneview-user-{index:05d}",
                        by_combo[(enclosure.group, server.model)],
                        f"{enclosure.name}, bay {bay}",
                        "Applied by a OneView user",
                    )
                )
    return tuple(profiles)
