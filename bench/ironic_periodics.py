"""Ironic's periodic OneView work at scale: OneView calls and wall time of one period.

For 100, 1,000 and 5,000 ``oneview`` nodes (by default) in a real Ironic (the all-in-one
``ironic`` process, sqlite) against one simulator holding 25 % more servers than the largest
node count, three configurations, each in its own Ironic, run one after the other:

- **dynamic allocation**: one period of the OneView periodic task (power sync off);
- **power sync, shared listing**: one pass of the conductor's power-state sync, the OneView
  power interface serving it from the shared server-hardware listing (periodic task off);
- **power sync, one GET per node**: the same with ``[oneview]inventory_max_age = 0``, which
  is what the original driver did, for comparison.

OneView calls are the simulator's counters, cleared just after a period (or pass) ends and
read just after the next one ends; wall time is the one Ironic logs for that period or pass.
One node per configuration is enrolled and provided through Ironic's API; the others are
copies of it written with Ironic's own table definition (``testing.ironic_bulk``), on servers
that carry no profile and are off, so every pass measured is a steady one. Prints a table and
writes JSON to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.simulator import _machine
from oneview_openstack.client import OneViewClient, PowerState
from oneview_openstack.testing.ironic_bulk import clone_nodes
from oneview_openstack.testing.ironic_nodes import move_node
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.simulator import SimulatorHandle, start_simulator

RESULTS_DIR = Path(__file__).with_name("results")
PERIOD = re.compile(r"OneView dynamic allocation period: (\d+) node.* in ([\d.]+) s")
SYNC = re.compile(r"Completed power state sync operation, .* in ([\d.]+) seconds")
PAGE_SIZE = 500


@dataclass(frozen=True)
class Configuration:
    name: str
    oneview: dict[str, Any]
    conductor: dict[str, Any]
    pattern: re.Pattern[str]
    debug: bool = False


CONFIGURATIONS = (
    Configuration(
        "dynamic allocation",
        {"periodic_check_interval": 2},
        {"sync_power_state_interval": 0},
        PERIOD,
    ),
    Configuration(
        "power sync, shared listing",
        # as in production (30 s and 60 s): older than one interval, longer than one pass
        {"enable_periodic_tasks": False, "inventory_max_age": 19},
        {"sync_power_state_interval": 20},
        SYNC,
        debug=True,  # Ironic logs a pass's duration at DEBUG
    ),
    Configuration(
        "power sync, one GET per node",
        {"enable_periodic_tasks": False, "inventory_max_age": 0},
        {"sync_power_state_interval": 5},
        SYNC,
        debug=True,
    ),
)


@dataclass(frozen=True)
class Measure:
    configuration: str
    nodes: int
    calls: dict[str, int]
    seconds: float

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.ironic_periodics", description=__doc__)
    parser.add_argument("--nodes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--output", type=Path, default=RESULTS_DIR)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = sorted(args.nodes)
    measures: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="bench-ironic-") as tmp:
        workdir = Path(tmp)
        servers_count = int(sizes[-1] * 1.25)  # 1 in 10 is on, 1 in 100 has a profile
        sim = start_simulator(workdir / "simulator", servers=servers_count, time_scale=0.001)
        try:
            servers = idle_servers(sim)
            if len(servers) < sizes[-1]:
                raise SystemExit(f"only {len(servers)} idle servers for {sizes[-1]} nodes")
            for configuration in CONFIGURATIONS:
                measures += measure_configuration(workdir, sim, configuration, servers, sizes)
        finally:
            sim.stop()
    print_table(measures, sizes)
    print(f"\nwrote {write_json(measures, args)}")
    return 0


def idle_servers(sim: SimulatorHandle) -> list[str]:
    """Servers without a profile and powered off: nodes on them stay as they are."""
    with OneViewClient(sim.url, sim.username, sim.password, ca_file=sim.ca_file) as ov:
        return [
            server.uri
            for server in ov.server_hardware.list()
            if not server.server_profile_uri and server.power_state == PowerState.OFF
        ]


def measure_configuration(
    workdir: Path,
    sim: SimulatorHandle,
    configuration: Configuration,
    servers: list[str],
    sizes: list[int],
) -> list[Measure]:
    measures = []
    with ironic_for(workdir, sim, configuration) as ironic:
        first = enroll_first(ironic, servers[0])
        for size in sizes:
            enrolled = len(list(ironic.connection().baremetal.nodes()))
            copies = [
                {"name": f"bench-{i}", "driver_info": {"server_hardware_uri": servers[i]}}
                for i in range(enrolled, size)
            ]
            clone_nodes(ironic.database_path, first, copies)
            measure = one_period(ironic, sim, configuration, size)
            print(f"  {configuration.name}, {size:,} nodes: {measure.total_calls} calls, "
                  f"{measure.seconds:.2f} s", flush=True)  # fmt: skip
            measures.append(measure)
    return measures


@contextmanager
def ironic_for(
    workdir: Path, sim: SimulatorHandle, configuration: Configuration
) -> Iterator[IronicService]:
    oneview = {
        "manager_url": sim.url,
        "username": sim.username,
        "password": sim.password,
        "tls_cacert_file": sim.ca_file,
        "inventory_page_size": PAGE_SIZE,
        **configuration.oneview,
    }
    directory = workdir / configuration.name.replace(" ", "-").replace(",", "")
    # No cleaning at provide: the nodes have no template and no agent runs here.
    conductor = {"automated_clean": False, **configuration.conductor}
    with IronicService(
        directory, oneview=oneview, conductor=conductor, debug=configuration.debug
    ) as ironic:
        yield ironic


def enroll_first(ironic: IronicService, server_uri: str) -> str:
    baremetal = ironic.connection().baremetal
    node = baremetal.create_node(
        driver="oneview",
        name="bench-0",
        driver_info={"server_hardware_uri": server_uri},
    )
    move_node(baremetal, node.id, "manage")
    move_node(baremetal, node.id, "provide")
    return str(node.id)


def one_period(
    ironic: IronicService, sim: SimulatorHandle, configuration: Configuration, nodes: int
) -> Measure:
    """Calls and duration of one whole period that saw all *nodes* (the second one after
    they were enrolled: the first may have started before)."""
    pattern = configuration.pattern
    seen = len(pattern.findall(ironic.log_text()))
    wait_until(lambda: len(pattern.findall(ironic.log_text())) >= seen + 2, "two periods")
    if pattern is PERIOD:
        wait_until(lambda: last_watched(ironic) == nodes, f"a period watching {nodes} nodes")
    ended = len(pattern.findall(ironic.log_text()))
    sim.operator.clear_counters()
    wait_until(lambda: len(pattern.findall(ironic.log_text())) > ended, "the next period")
    calls = {k: v for k, v in sim.operator.counters().items() if "/rest/" in k}
    last = pattern.findall(ironic.log_text())[ended]
    seconds = float(last[-1] if isinstance(last, tuple) else last)
    return Measure(configuration.name, nodes, calls, seconds)


def last_watched(ironic: IronicService) -> int | None:
    found = PERIOD.findall(ironic.log_text())
    return int(found[-1][0]) if found else None


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.02)


def print_table(measures: list[Measure], sizes: list[int]) -> None:
    machine = _machine()
    print(
        f"\nIronic periodic OneView work, {machine['cores']} cores ({machine['cpu']}), "
        f"Python {machine['python']}\n"
    )
    header = ["configuration", *(f"{size:,} nodes" for size in sizes)]
    rows = [header]
    for configuration in CONFIGURATIONS:
        cells = [configuration.name]
        for size in sizes:
            found = [m for m in measures if m.configuration == configuration.name]
            measure = next(m for m in found if m.nodes == size)
            cells.append(f"{measure.total_calls:,} calls, {measure.seconds:.2f} s")
        rows.append(cells)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def write_json(measures: list[Measure], args: argparse.Namespace) -> Path:
    args.output.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    path: Path = args.output / f"ironic-periodics-{stamp}.json"
    document = {
        "benchmark": "ironic_periodics",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": _machine(),
        "parameters": {"nodes": sorted(args.nodes), "page_size": PAGE_SIZE},
        "configurations": [asdict(c) | {"pattern": c.pattern.pattern} for c in CONFIGURATIONS],
        "results": [asdict(m) | {"total_calls": m.total_calls} for m in measures],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
