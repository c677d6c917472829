"""Nova on OneView: ``server create`` to ACTIVE, ``server delete`` to the node available.

One :class:`~oneview_openstack.testing.cloud.OneViewCloud` (the whole stack on loopback, as
``tests/e2e/test_nova_boot.py`` runs it) whose ``ironic-oneviewd`` enrolls the servers of
the ``--template`` given (by default ``SPT-Prod-SY480`` and ``SPT-Edge-SY480``: the 9 free
blades of the default datacenter's production enclosures and the 2 of its edge frame),
flavors from ``ironic-oneview flavor create``, a tenant VLAN network and a Glance image. Then,
for one server and for ``--concurrent`` servers at once (one per node, each with its node's
flavor), the wall time of:

- **create**: ``server create`` -> ACTIVE (scheduling, port, profile, network boot, the
  virtual agent's ``write_image`` of the Glance image served from Ironic's HTTP root);
- **delete**: ``server delete`` -> the node ``available`` again (tear-down, cleaning).

Each round starts once Placement offers every node. Each phase also records the CPU seconds
each service spent in it (every process the benchmark started, with its workers; ``bench``
is this process, which lists the servers, then the nodes, every 0.25 s): where the time
goes on a busy machine. Then the stack's resident memory, per service.

Prints a table and writes JSON to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.simulator import _machine
from oneview_openstack.testing.cloud import OneViewCloud

RESULTS_DIR = Path(__file__).with_name("results")
IMAGE = b"bench whole-disk image\n" * (64 * 1024)  # 1.5 MB
POLL = 0.25
TIMEOUT = 600.0
TEMPLATES = ("SPT-Prod-SY480", "SPT-Edge-SY480")


@dataclass(frozen=True)
class BootMeasure:
    servers: int  # at once
    phase: str  # create | delete
    seconds: float  # from the first request to the last arrival
    per_server_min: float
    per_server_max: float
    cpu_seconds: dict[str, float]  # by service, during the phase


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.nova_boot", description=__doc__)
    parser.add_argument(
        "--template", action="append", help=f"repeat for several (default: {' '.join(TEMPLATES)})"
    )
    parser.add_argument(
        "--concurrent", type=int, default=10, help="at most the templates' nodes (default: 10)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS_DIR)
    parser.add_argument("--workdir", type=Path, help="keep the services' files and logs here")
    args = parser.parse_args(argv)
    args.template = tuple(args.template or TEMPLATES)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="bench-nova-") as tmp,
        OneViewCloud(args.workdir or Path(tmp), template=args.template) as cloud,
    ):
        started = cloud.startup_seconds or 0.0
        conn = cloud.connection()
        nodes = _wait(lambda: _all_available(conn, args.concurrent),
                      f"the daemon brings {args.concurrent} nodes to available")  # fmt: skip
        concurrent = args.concurrent
        flavors = _flavors_by_node(cloud, conn, nodes)
        network = conn.network.create_network(name="bench-tenant")
        conn.network.create_subnet(network_id=network.id, ip_version=4, cidr="10.40.0.0/22")
        image = conn.image.create_image(
            name="bench",
            disk_format="raw",
            container_format="bare",
            visibility="public",
            data=IMAGE,
        )
        _wait(lambda: conn.image.get_image(image.id).status == "active", "Glance has the image")
        measures = []
        for count in (1, concurrent):
            chosen = nodes[:count]
            _wait(lambda: cloud.schedulable(n.id for n in nodes), "Placement offers every node")
            measures += _round(conn, [flavors[n.id] for n in chosen], network.id, image.id)
        memory = _stack_memory()
    _print_table(measures, memory, started)
    print(f"\nwrote {_write_json(measures, memory, started, args, concurrent)}")
    return 0


def _round(conn: Any, flavors: list[str], network_id: str, image_id: str) -> list[BootMeasure]:
    """Boot one server per flavor at once, then delete them all at once.

    One listing per poll follows every server (and then every node): ten clients each
    reading its own server every 0.25 s cost nova-api more CPU than the boots themselves.
    """
    count = len(flavors)

    def create(index_flavor: tuple[int, str]) -> tuple[str, float]:
        index, flavor = index_flavor
        began = time.monotonic()
        server = conn.compute.create_server(
            name=f"bench-{count}-{index}", flavor_id=flavor, image_id=image_id,
            networks=[{"uuid": network_id}],
        )  # fmt: skip
        return server.id, began

    def delete(server_id: str) -> tuple[str, float]:
        began = time.monotonic()
        conn.compute.delete_server(server_id)
        return nodes[server_id], began

    with ThreadPoolExecutor(max_workers=count) as pool:
        began, cpu = time.monotonic(), _stack_cpu()
        requested = dict(pool.map(create, enumerate(flavors)))
        nodes: dict[str, str] = {}
        created = _follow(requested, lambda: _active(conn, nodes), "servers ACTIVE")
        create_seconds, create_cpu = time.monotonic() - began, _cpu_since(cpu)
        began, cpu = time.monotonic(), _stack_cpu()
        requested = dict(pool.map(delete, list(created)))
        deleted = _follow(requested, lambda: _available(conn), "nodes available again")
        delete_seconds, delete_cpu = time.monotonic() - began, _cpu_since(cpu)
    return [
        BootMeasure(count, "create", create_seconds, *_extremes(created), create_cpu),
        BootMeasure(count, "delete", delete_seconds, *_extremes(deleted), delete_cpu),
    ]


def _follow(started: dict[str, float], done: Callable[[], set[str]], what: str) -> dict[str, float]:
    """``{id: seconds}`` from each id's start to the first poll that finds it done."""
    seconds: dict[str, float] = {}
    deadline = time.monotonic() + TIMEOUT
    while len(seconds) < len(started):
        now_done = done()
        now = time.monotonic()
        for key in now_done & started.keys() - seconds.keys():
            seconds[key] = now - started[key]
        if time.monotonic() > deadline:
            missing = sorted(started.keys() - seconds.keys())
            raise TimeoutError(f"not within {TIMEOUT:.0f} s: {what}: {missing}")
        time.sleep(POLL)
    return seconds


def _extremes(seconds: dict[str, float]) -> tuple[float, float]:
    return min(seconds.values()), max(seconds.values())


def _active(conn: Any, nodes: dict[str, str]) -> set[str]:
    """Ids of the ACTIVE servers, their nodes noted in ``nodes``; an ERROR one raises."""
    active = set()
    for server in conn.compute.servers(details=True):
        if server.status == "ERROR":
            raise RuntimeError(f"server {server.id} failed: {server.fault}")
        if server.status == "ACTIVE":
            active.add(server.id)
            nodes[server.id] = server.hypervisor_hostname
    return active


def _available(conn: Any) -> set[str]:
    return {n.id for n in conn.baremetal.nodes() if n.provision_state == "available"}


def _flavors_by_node(cloud: OneViewCloud, conn: Any, nodes: list[Any]) -> dict[str, str]:
    """``{node id: flavor id}``: the CLI's flavor of each node's configuration."""
    by_name = {row["Name"]: row for row in cloud.create_flavors()}
    chosen = {}
    for name, row in by_name.items():
        flavor = conn.compute.find_flavor(name, ignore_missing=False)
        for node in nodes:
            if node.name in row["Nodes"]:
                chosen[node.id] = flavor.id
    return chosen


def _all_available(conn: Any, count: int) -> list[Any] | None:
    found = list(conn.baremetal.nodes(details=True))
    available = len(found) >= count and all(n.provision_state == "available" for n in found)
    return found if available else None


def _wait(check: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + TIMEOUT
    while not (found := check()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {TIMEOUT:.0f} s: {what}")
        time.sleep(POLL)
    return found


# -- memory and CPU ---------------------------------------------------------------------------

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class _Process:
    parent: int
    name: str
    rss_mb: float
    cpu_seconds: float  # user and system, its own and its waited-for children's


def _stack_memory() -> dict[str, float]:
    """RSS in MB of every process this benchmark started, by its top-level child's name."""
    return _by_service(lambda process: process.rss_mb)


def _stack_cpu() -> dict[str, float]:
    """CPU seconds so far of every service this benchmark started, and of ``bench``."""
    own = os.times()
    return {**_by_service(lambda process: process.cpu_seconds), "bench": own.user + own.system}


def _cpu_since(before: dict[str, float]) -> dict[str, float]:
    spent = {name: seconds - before.get(name, 0.0) for name, seconds in _stack_cpu().items()}
    return dict(sorted(spent.items(), key=lambda item: -item[1]))


def _by_service(value: Callable[[_Process], float]) -> dict[str, float]:
    processes = _processes()
    parents = {pid: process.parent for pid, process in processes.items()}
    me = os.getpid()
    totals: dict[str, float] = {}
    for pid in processes:
        child = _child_of(pid, me, parents)
        if child is not None:
            name = processes[child].name
            totals[name] = totals.get(name, 0.0) + value(processes[pid])
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def _processes() -> dict[int, _Process]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        # utime, stime, cutime, cstime: fields 14 to 17, after the ")" that ends the name
        ticks = sum(int(tick) for tick in stat.rsplit(")", 1)[1].split()[11:15])
        found[int(entry.name)] = _Process(
            parent=int(fields["PPid"]),
            name=_service_name(cmdline),
            rss_mb=int(fields.get("VmRSS", "0 kB").split()[0]) / 1024,
            cpu_seconds=ticks / _CLOCK_TICKS,
        )
    return found


def _child_of(pid: int, ancestor: int, parents: dict[int, int]) -> int | None:
    """The child of ``ancestor`` that ``pid`` descends from (itself included), or None."""
    while pid in parents and parents[pid] not in (ancestor, 0, 1):
        pid = parents[pid]
    return pid if parents.get(pid) == ancestor else None


#: What names a service in its top-level process's command line, first match wins.
SERVICES = (
    ("simulator", "oneview-simulator"),  # before "ironic": its command names --ironic-url
    ("nova-conductor", "nova-conductor"), ("nova-scheduler", "nova-scheduler"),
    ("nova-compute", "nova-compute"), ("nova_wsgi", "nova-api"),
    ("ironic-oneviewd", "ironic-oneviewd"), ("ironic", "ironic"), ("neutron", "neutron"),
    ("placement", "placement"), ("glance", "glance"),
    ("rabbitmq", "rabbitmq"), ("mariadbd", "mariadb"), ("epmd", "epmd"),
)  # fmt: skip


def _service_name(cmdline: list[bytes]) -> str:
    text = " ".join(word.decode(errors="replace") for word in cmdline)
    found = next((name for key, name in SERVICES if key in text), None)
    return found or (text.split(" ", 1)[0] or "?")


# -- output -----------------------------------------------------------------------------------


def _print_table(measures: list[BootMeasure], memory: dict[str, float], startup: float) -> None:
    machine = _machine()
    print(f"\nNova on OneView, {machine['cores']} cores ({machine['cpu']}), "
          f"Python {machine['python']}; stack started in {startup:.1f} s\n")  # fmt: skip
    rows: list[tuple[str, ...]] = [("servers", "phase", "wall time", "per server (min - max)")]
    rows += [(str(m.servers), m.phase, f"{m.seconds:.1f} s",
              f"{m.per_server_min:.1f} - {m.per_server_max:.1f} s") for m in measures]  # fmt: skip
    _print_rows(rows)
    print("\nCPU seconds by service during each phase (the 6 busiest)\n")
    rows = [("servers", "phase", "CPU seconds")]
    for m in measures:
        busiest = list(m.cpu_seconds.items())[:6]
        rows.append((str(m.servers), m.phase, ", ".join(f"{n} {s:.0f}" for n, s in busiest)))
    _print_rows(rows)
    print()
    rows = [("process", "RSS")]
    rows += [(name, f"{mb:.0f} MB") for name, mb in memory.items()]
    rows.append(("total", f"{sum(memory.values()):.0f} MB"))
    _print_rows(rows)


def _print_rows(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def _write_json(
    measures: list[BootMeasure], memory: dict[str, float], startup: float,
    args: argparse.Namespace, concurrent: int,
) -> Path:  # fmt: skip
    args.output.mkdir(parents=True, exist_ok=True)
    path: Path = args.output / f"nova-boot-{time.strftime('%Y%m%dT%H%M%S')}.json"
    document = {
        "benchmark": "nova_boot",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": _machine(),
        "parameters": {
            "templates": list(args.template),
            "concurrent": concurrent,
            "image_bytes": len(IMAGE),
        },  # fmt: skip
        "startup_seconds": startup,
        "boots": [asdict(m) for m in measures],
        "memory_mb": memory,
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
