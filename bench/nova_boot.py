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

Each round starts once Placement offers every node. Then the stack's resident memory, per
service (every process the benchmark started, with its workers).

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
    """Boot one server per flavor at once, then delete them all at once."""
    count = len(flavors)

    def create(index_flavor: tuple[int, str]) -> tuple[str, str, float]:
        index, flavor = index_flavor
        began = time.monotonic()
        server = conn.compute.create_server(
            name=f"bench-{count}-{index}", flavor_id=flavor, image_id=image_id,
            networks=[{"uuid": network_id}],
        )  # fmt: skip
        server = _wait(lambda: _built(conn, server.id), f"server {server.id} ACTIVE")
        return server.id, server.hypervisor_hostname, time.monotonic() - began

    def delete(server_node: tuple[str, str]) -> float:
        server_id, node_id = server_node
        began = time.monotonic()
        conn.compute.delete_server(server_id)
        _wait(lambda: conn.baremetal.get_node(node_id).provision_state == "available",
              f"node {node_id} available after the delete of {server_id}")  # fmt: skip
        return time.monotonic() - began

    with ThreadPoolExecutor(max_workers=count) as pool:
        began = time.monotonic()
        created = list(pool.map(create, enumerate(flavors)))
        create_seconds = time.monotonic() - began
        began = time.monotonic()
        deleted = list(pool.map(delete, [(s, n) for s, n, _ in created]))
        delete_seconds = time.monotonic() - began
    per_create = [seconds for _, _, seconds in created]
    return [
        BootMeasure(count, "create", create_seconds, min(per_create), max(per_create)),
        BootMeasure(count, "delete", delete_seconds, min(deleted), max(deleted)),
    ]


def _built(conn: Any, server_id: str) -> Any:
    server = conn.compute.get_server(server_id)
    if server.status == "ERROR":
        raise RuntimeError(f"server {server_id} failed: {server.fault}")
    return server if server.status == "ACTIVE" else None


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


# -- memory -----------------------------------------------------------------------------------


def _stack_memory() -> dict[str, float]:
    """RSS in MB of every process this benchmark started, by its top-level child's name."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    rss: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        parents[pid] = int(fields["PPid"])
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
        names[pid] = _service_name(cmdline)
    me = os.getpid()
    totals: dict[str, float] = {}
    for pid in rss:
        child = _child_of(pid, me, parents)
        if child is not None:
            totals[names[child]] = totals.get(names[child], 0.0) + rss[pid]
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


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
