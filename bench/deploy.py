"""Deploys through the simulator's virtual agents: wall time, and the simulator's memory.

A real Ironic (the all-in-one ``ironic`` process, sqlite, ``pxe`` boot) and a simulator
started with ``--ironic-url`` of that Ironic, whose servers run a virtual ironic-python-agent
when they boot from the network. For one node, then for ``--concurrent`` nodes (20 by
default) at once, each on a blade of a generated datacenter with a template that fits it
(``oneview-direct``, a PXE port with the MAC of the template's boot NIC), the wall time of:

- **provide**: ``manageable`` -> ``available``, automated cleaning through the agent
  (profile applied, one-time network boot, ``erase_devices_metadata``, profile removed);
- **deploy**: ``available`` -> ``active``: profile, network boot, ``write_image`` of a
  loopback-served image (checked against its SHA-256), disk first, power on;
- **undeploy**: ``active`` -> ``available``: tear-down and cleaning through the agent.

For the concurrent run, the time from the first request to the last node's arrival.

Then the simulator's resident memory (``VmRSS``) with ``--agents`` servers (1,000 by
default): started idle with agents configured (an Ironic URL nothing answers on), and once
every server network-booted and runs a live agent (looking its node up and refused).

Prints a table and writes JSON to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.simulator import _machine
from oneview_openstack.testing.image_server import ImageServer
from oneview_openstack.testing.ironic_nodes import move_node
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.service_process import free_port
from oneview_openstack.testing.simulator import SimulatorHandle, start_simulator

RESULTS_DIR = Path(__file__).with_name("results")
IMAGE = b"bench whole-disk image\n" * (64 * 1024)  # 1.5 MB
TIME_SCALE = 0.01  # a 120 s profile task takes 1.2 s
HEARTBEAT = 0.5  # seconds between two heartbeats of an agent (1 s by default)
PHASES = ("provide", "deploy", "undeploy")


@dataclass(frozen=True)
class DeployMeasure:
    nodes: int  # deployed at once
    phase: str
    seconds: float  # from the first request to the last node's arrival
    per_node_min: float
    per_node_max: float


@dataclass(frozen=True)
class MemoryMeasure:
    agents: int
    state: str
    rss_mb: float
    threads: int


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.deploy", description=__doc__)
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--output", type=Path, default=RESULTS_DIR)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-deploy-") as tmp:
        workdir = Path(tmp)
        deploys = measure_deploys(workdir / "deploys", args.concurrent)
        memory = measure_memory(workdir / "memory", args.agents)
    print_table(deploys, memory)
    print(f"\nwrote {write_json(deploys, memory, args)}")
    return 0


# -- deploys ----------------------------------------------------------------------------------


def measure_deploys(workdir: Path, concurrent: int) -> list[DeployMeasure]:
    ironic = IronicService(
        workdir / "ironic",
        conductor={
            "automated_clean": True,
            "check_provision_state_interval": 1,
            # every node of the concurrent run at once
            "workers_pool_size": max(100, 4 * concurrent),
        },
        sections={
            "agent": {"require_tls": False, "post_deploy_get_power_state_retry_interval": 1},
        },
        pxe=True,
    )
    ironic.sections["service_catalog"] = {"endpoint_override": ironic.url}
    sim = start_simulator(
        workdir / "simulator",
        servers=max(100, 4 * concurrent),
        time_scale=TIME_SCALE,
        ironic_url=ironic.url,
        agent_port=0,
        heartbeat_interval=HEARTBEAT,
    )
    try:
        ironic.oneview = {
            "manager_url": sim.url,
            "username": sim.username,
            "password": sim.password,
            "tls_cacert_file": sim.ca_file,
        }
        with ironic, ImageServer(IMAGE) as image:
            blades = deployable_blades(sim, concurrent + 1)
            baremetal = ironic.connection().baremetal
            nodes = [enroll(baremetal, f"bench-{i}", *blade) for i, blade in enumerate(blades)]
            info = {
                "image_source": image.url,
                "image_os_hash_algo": "sha256",
                "image_os_hash_value": image.sha256,
            }
            for node in nodes:
                move_node(baremetal, node, "manage")
            measures = run_phases(ironic, nodes[:1], info)
            measures += run_phases(ironic, nodes[1:], info)
            check_written(sim, blades[1:], image)
            return measures
    finally:
        sim.stop()


def deployable_blades(sim: SimulatorHandle, count: int) -> list[tuple[str, str, str]]:
    """``(server uri, template uri, boot MAC)`` of idle blades, each with a template that
    fits it (same server hardware type and enclosure group)."""
    rest = sim.rest()
    servers = rest.call("GET", "/rest/server-hardware?count=-1").json()["members"]
    templates = rest.call("GET", "/rest/server-profile-templates?count=-1").json()["members"]
    fitting = {
        (t["serverHardwareTypeUri"], t.get("enclosureGroupUri")): t
        for t in templates
        if t.get("enclosureGroupUri")
    }
    found = []
    for server in servers:
        key = (server["serverHardwareTypeUri"], server.get("serverGroupUri"))
        if server["serverProfileUri"] or server["powerState"] != "Off" or key not in fitting:
            continue
        template = fitting[key]
        mac = boot_mac(server, template)
        if mac:
            found.append((server["uri"], template["uri"], mac))
        if len(found) == count:
            return found
    raise SystemExit(f"only {len(found)} idle blades with a fitting template, {count} needed")


def boot_mac(server: dict[str, Any], template: dict[str, Any]) -> str | None:
    """The MAC of the template's Primary boot connection on the server (its FlexNIC)."""
    connections = template.get("connectionSettings", {}).get("connections", [])
    port_ids = [c["portId"] for c in connections if c.get("boot", {}).get("priority") == "Primary"]
    if not port_ids or not server.get("portMap"):
        return None
    location, _, rest = port_ids[0].partition(" ")  # "Mezz 3:1-a"
    slot, _, rest = rest.partition(":")
    port, _, function = rest.partition("-")
    for device in server["portMap"]["deviceSlots"]:
        if device["location"] == location and str(device["slotNumber"]) == slot:
            physical = device["physicalPorts"][int(port) - 1]
            for virtual in physical.get("virtualPorts", []):
                if virtual["portFunction"] == function:
                    return str(virtual["mac"]).lower()
    return None


def enroll(baremetal: Any, name: str, server_uri: str, template_uri: str, mac: str) -> str:
    node = baremetal.create_node(
        driver="oneview",
        name=name,
        driver_info={
            "server_hardware_uri": server_uri,
            "server_profile_template_uri": template_uri,
        },
        boot_interface="pxe",
        deploy_interface="oneview-direct",
    )
    baremetal.create_port(node_uuid=node.id, address=mac, pxe_enabled=True)
    return str(node.id)


def run_phases(
    ironic: IronicService, nodes: list[str], image_info: dict[str, str]
) -> list[DeployMeasure]:
    measures = []
    for phase in PHASES:
        verb = {"provide": "provide", "deploy": "active", "undeploy": "deleted"}[phase]

        def one(node: str, verb: str = verb, phase: str = phase) -> float:
            baremetal = ironic.connection().baremetal  # one connection per thread
            if phase == "deploy":
                baremetal.update_node(node, instance_info=image_info)
            started = time.monotonic()
            moved = move_node(baremetal, node, verb, timeout=600)
            expected = "active" if phase == "deploy" else "available"
            if moved.provision_state != expected:
                raise RuntimeError(f"{phase} of {node}: {moved.provision_state} {moved.last_error}")
            return time.monotonic() - started

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
            per_node = list(pool.map(one, nodes))
        measures.append(
            DeployMeasure(
                len(nodes), phase, time.monotonic() - started, min(per_node), max(per_node)
            )
        )
        print(f"{len(nodes)} node(s): {phase} in {measures[-1].seconds:.1f} s", flush=True)
    return measures


def check_written(sim: SimulatorHandle, blades: list[tuple[str, str, str]], image: Any) -> None:
    """Every deployed server's disk held the image, erased again by the undeploy."""
    for server_uri, _, _ in blades:
        history = sim.operator.agent(server_uri)["disk"]["history"]
        writes = [e for e in history if e["event"] == "write_image"]
        if not writes:
            raise RuntimeError(f"no image written on {server_uri}")


# -- memory -----------------------------------------------------------------------------------


def measure_memory(workdir: Path, agents: int) -> list[MemoryMeasure]:
    nobody = f"http://127.0.0.1:{free_port()}"  # agents configured; their lookups refused
    sim = start_simulator(
        workdir,
        servers=agents,
        time_scale=0.0,
        ironic_url=nobody,
        agent_port=0,
        heartbeat_interval=1.0,
    )
    try:
        measures = [memory_of(sim, agents, "agents configured, servers idle")]
        rest = sim.rest()
        servers = rest.call("GET", "/rest/server-hardware?count=-1").json()["members"]
        booted = 0
        for server in servers:
            if server["powerState"] == "On":
                sim.operator.press_power_button(server["uri"], hold=True)
            patch = [{"op": "replace", "path": "/oneTimeBoot", "value": "Network"}]
            rest.call("PATCH", server["uri"], patch)
            sim.operator.press_power_button(server["uri"])
            booted += 1
        deadline = time.monotonic() + 120
        while len(sim.operator.agents()["agents"]) < booted and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(5)  # a few lookups each
        live = len(sim.operator.agents()["agents"])
        measures.append(memory_of(sim, agents, f"{live} servers network-booted, agents live"))
        return measures
    finally:
        sim.stop()


def memory_of(sim: SimulatorHandle, agents: int, state: str) -> MemoryMeasure:
    status = Path(f"/proc/{sim.pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    rss_kb = int(fields["VmRSS"].split()[0])
    return MemoryMeasure(agents, state, rss_kb / 1024, int(fields["Threads"]))


# -- output -----------------------------------------------------------------------------------


def print_table(deploys: list[DeployMeasure], memory: list[MemoryMeasure]) -> None:
    machine = _machine()
    print(
        f"\nDeploys through the virtual agents, {machine['cores']} cores ({machine['cpu']}), "
        f"Python {machine['python']}\n"
    )
    rows = [("nodes", "phase", "wall time", "per node (min - max)")]
    rows += [
        (
            str(m.nodes),
            m.phase,
            f"{m.seconds:.1f} s",
            f"{m.per_node_min:.1f} - {m.per_node_max:.1f} s",
        )
        for m in deploys
    ]
    totals: dict[int, float] = {}
    for m in deploys:
        totals[m.nodes] = totals.get(m.nodes, 0.0) + m.seconds
    rows += [(str(n), "provide + deploy + undeploy", f"{s:.1f} s", "") for n, s in totals.items()]
    _print_rows(rows)
    print()
    _print_rows(
        [("servers", "simulator", "RSS", "threads")]
        + [(f"{m.agents:,}", m.state, f"{m.rss_mb:.1f} MB", str(m.threads)) for m in memory]
    )


def _print_rows(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def write_json(
    deploys: list[DeployMeasure], memory: list[MemoryMeasure], args: argparse.Namespace
) -> Path:
    args.output.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    path: Path = args.output / f"deploy-{stamp}.json"
    document = {
        "benchmark": "deploy",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": _machine(),
        "parameters": {
            "concurrent": args.concurrent,
            "agents": args.agents,
            "image_bytes": len(IMAGE),
            "time_scale": TIME_SCALE,
            "heartbeat_interval": HEARTBEAT,
        },
        "deploys": [asdict(m) for m in deploys],
        "memory": [asdict(m) for m in memory],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
