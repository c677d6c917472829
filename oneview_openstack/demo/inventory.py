"""``make demo``: the main story on the embedded OneView simulator.

Today the story is the foundation: start the simulator with its default
datacenter, look at what it serves through our own client, watch one
asynchronous operation (a power-on task) progress, and stop cleanly. Later
chapters (Ironic, the CLI, the daemon, Neutron) extend this module.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from oneview_openstack.client import OneViewClient, PowerControl, PowerState
from oneview_openstack.testing.simulator import ADMIN_PASSWORD, ADMIN_USERNAME, start_simulator

DEMO_TIME_SCALE = 0.05  # a 10 s power-on takes half a second


def table(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Print rows under headers, columns as wide as their widest cell."""
    cells = [[str(h) for h in headers]] + [["-" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    print(f"\n{title} ({len(cells) - 1})")
    for index, row in enumerate(cells):
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  " + "  ".join("-" * width for width in widths))


def show_inventory(ov: OneViewClient) -> None:
    groups = {g.uri: g.name for g in ov.enclosure_groups.list()}
    types = {t.uri: t.name for t in ov.server_hardware_types.list()}
    profiles = {p.uri: p.name for p in ov.server_profiles.list()}
    table("Enclosure groups", ["name", "uri"], ((name, uri) for uri, name in groups.items()))
    table(
        "Server hardware",
        ["name", "type", "group", "cpus", "memory MB", "power", "owner"],
        (
            (
                sh.name,
                types.get(sh.server_hardware_type_uri or ""),
                groups.get(sh.enclosure_group_uri or "", "(rack)"),
                sh.processor_count * sh.processor_core_count,
                sh.memory_mb,
                sh.power_state,
                profiles.get(sh.server_profile_uri or "", "free"),
            )
            for sh in ov.server_hardware.list(sort="name:ascending")
        ),
    )
    table(
        "Server profile templates",
        ["name", "hardware type", "enclosure group", "firmware baseline"],
        (
            (
                spt.name,
                types.get(spt.server_hardware_type_uri or ""),
                groups.get(spt.enclosure_group_uri or ""),
                (spt.get("firmware") or {}).get("firmwareBaselineUri"),
            )
            for spt in ov.server_profile_templates.list()
        ),
    )
    table(
        "Ethernet networks",
        ["name", "type", "vlan"],
        (
            (n.name, n.get("ethernetNetworkType"), n.get("vlanId"))
            for n in ov.ethernet_networks.list()
        ),
    )
    interconnects = {li.uri: li.name for li in ov.logical_interconnects.list()}
    table(
        "Uplink sets",
        ["name", "logical interconnect", "networks"],
        (
            (
                u.name,
                interconnects.get(u.get("logicalInterconnectUri")),
                len(u.get("networkUris") or []),
            )
            for u in ov.uplink_sets.list()
        ),
    )


def power_cycle_one(ov: OneViewClient) -> None:
    """Power a free, powered-off server on and off, showing the task's progress."""
    server = next(
        (sh for sh in ov.server_hardware.list({"powerState": "Off"}) if not sh.server_profile_uri),
        None,
    )
    if server is None:
        print("\nNo free powered-off server to power on.")
        return
    print(f"\nPowering on {server.name} ...")
    task = ov.server_hardware.set_power(server, PowerState.ON, wait=False)
    while not task.is_terminal:
        print(f"  task {task.name!r}: {task.state} {task.percent_complete}%")
        time.sleep(0.2)
        task = ov.tasks.get(task.uri)
    power = ov.server_hardware.get(server).power_state
    print(f"  task {task.name!r}: {task.state}; server is {power}")
    ov.server_hardware.set_power(server, PowerState.OFF, PowerControl.PRESS_AND_HOLD)
    print(f"Powered {server.name} off again.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="keep certificates and logs here")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="oneview-demo-"))
    print(f"Starting the OneView simulator (work dir {workdir}) ...")
    with start_simulator(workdir, time_scale=DEMO_TIME_SCALE) as sim:
        print(f"Simulator at {sim.url}; CA certificate {sim.ca_file}")
        with OneViewClient(sim.url, ADMIN_USERNAME, ADMIN_PASSWORD, ca_file=sim.ca_file) as ov:
            version = ov.appliance_version()
            print(
                f"Logged in as {ADMIN_USERNAME}; API versions {version.minimum}..{version.current},"
                f" using {ov.api_version}"
            )
            show_inventory(ov)
            power_cycle_one(ov)
    print("\nSimulator stopped cleanly.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
