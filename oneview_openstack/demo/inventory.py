"""Chapter 1: the (simulated) OneView appliance and what it serves, through our own client."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Collection

from oneview_openstack.client import OneViewClient, PowerControl, PowerState
from oneview_openstack.demo import show


def show_appliance(ov: OneViewClient, username: str, featured: Collection[str] = ()) -> None:
    """What the appliance serves; ``featured`` servers (the story's) are named."""
    version = ov.appliance_version()
    show.say(
        f"Logged in as {username}; the appliance speaks API versions "
        f"{version.minimum}..{version.current}, the client uses {ov.api_version}.",
        1,
    )
    show_servers(ov, featured)
    show_templates(ov)
    show_networks(ov)


def show_servers(ov: OneViewClient, featured: Collection[str]) -> None:
    groups = {g.uri: g.name for g in ov.enclosure_groups.list()}
    types = {t.uri: t.name for t in ov.server_hardware_types.list()}
    servers = list(ov.server_hardware.list(sort="name:ascending"))
    kinds = Counter(
        (
            groups.get(sh.enclosure_group_uri or "", "(rack servers)"),
            types.get(sh.server_hardware_type_uri or ""),
        )
        for sh in servers
    )
    show.step(f"Server hardware ({len(servers)} servers)")
    show.table(
        ["enclosure group", "hardware type", "servers"],
        ((*kind, n) for kind, n in sorted(kinds.items())),
    )
    for sh in servers:
        if sh.server_profile_uri:
            profile = ov.server_profiles.get(sh.server_profile_uri)
            show.say(f"{sh.name} carries {profile.name!r}, a OneView user's server profile.", 1)
    for sh in servers:
        if sh.name in featured:
            show.say(
                f"{sh.name}: {sh.processor_count * sh.processor_core_count} cores, "
                f"{sh.memory_mb // 1024} GiB, power {sh.power_state}, "
                f"{'free' if not sh.server_profile_uri else 'taken'} (Ironic will manage it)",
                1,
            )


def show_templates(ov: OneViewClient) -> None:
    groups = {g.uri: g.name for g in ov.enclosure_groups.list()}
    types = {t.uri: t.name for t in ov.server_hardware_types.list()}
    templates = list(ov.server_profile_templates.list())
    show.step(f"Server profile templates ({len(templates)}): what a server is configured with")
    show.table(
        ["name", "hardware type", "enclosure group", "firmware baseline"],
        (
            (
                spt.name,
                types.get(spt.server_hardware_type_uri or ""),
                groups.get(spt.enclosure_group_uri or ""),
                _last_segment((spt.get("firmware") or {}).get("firmwareBaselineUri")),
            )
            for spt in templates
        ),
    )


def show_networks(ov: OneViewClient) -> None:
    networks = [
        f"{n.name} (vlan {n.get('vlanId')})" if n.get("vlanId") else f"{n.name} (untagged)"
        for n in ov.ethernet_networks.list()
    ]
    uplink_sets = list(ov.uplink_sets.list())
    show.step(f"Networks ({len(networks)}), on {len(uplink_sets)} uplink sets")
    show.paragraph(", ".join(networks), indent=1)


def power_cycle_one(ov: OneViewClient, avoid: Collection[str] = ()) -> None:
    """Power a free, powered-off server on and off, showing OneView's task as it runs."""
    server = next(
        (
            sh
            for sh in ov.server_hardware.list({"powerState": "Off"}, sort="name:ascending")
            if not sh.server_profile_uri and sh.name not in avoid
        ),
        None,
    )
    if server is None:
        show.say("No free powered-off server to power on.")
        return
    show.step(f"An asynchronous operation: powering {server.name} on (a OneView task)")
    task = ov.server_hardware.set_power(server, PowerState.ON, wait=False)
    while not task.is_terminal:
        show.say(f"task {task.name!r}: {task.state} {task.percent_complete}%", 1)
        time.sleep(0.2)
        task = ov.tasks.get(task.uri)
    power = ov.server_hardware.get(server).power_state
    show.say(f"task {task.name!r}: {task.state}; {server.name} is {power}", 1)
    ov.server_hardware.set_power(server, PowerState.OFF, PowerControl.PRESS_AND_HOLD)
    show.say(f"Powered {server.name} off again.", 1)


def _last_segment(uri: str | None) -> str | None:
    return uri.rsplit("/", 1)[-1] if uri else None
