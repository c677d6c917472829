"""Conductor time spent per deploy while OneView applies profiles: blocking vs asynchronous.

The same deploys through the simulator's virtual agents (a real Ironic, ``pxe``,
``oneview-direct``), twice:

- **blocking**: the driver at commit ``3d356f3`` (a ``git worktree`` put first on the
  ``PYTHONPATH`` of the Ironic process), which applies and removes profiles waiting for
  OneView's task under the node's exclusive lock;
- **asynchronous**: the driver of this working tree (issue 12), whose steps return
  ``wait call-back`` / ``clean wait`` and let the OneView task poller resume them.

For each, ``--nodes`` nodes (3 by default) go ``available -> active -> available``
(deploy, then undeploy with automated cleaning) at once, with a profile apply taking
``120 s x --time-scale`` (0.05: 6 s). From Ironic's DEBUG log (``Successfully released
exclusive lock ... (lock was held N sec)``) it sums per deploy cycle:

- **lock-seconds**: how long the node's exclusive lock was held (each conductor worker of a
  deploy or cleaning runs under it, so this is also the conductor's worker-seconds);
- **longest hold**: the longest single hold (what an operator's action on the node waits for).

Prints a table and writes JSON to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.deploy import IMAGE, deployable_blades, enroll
from bench.simulator import _machine
from oneview_openstack.testing.image_server import ImageServer
from oneview_openstack.testing.ironic_nodes import move_node
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.simulator import start_simulator

RESULTS_DIR = Path(__file__).with_name("results")
ROOT = Path(__file__).resolve().parent.parent
BLOCKING_COMMIT = "3d356f3"
HEARTBEAT = 0.5
RELEASED = re.compile(
    r"Successfully released exclusive lock for (?P<purpose>.+?) on node (?P<node>[0-9a-f-]{36}) "
    r"\(lock was held (?P<seconds>[0-9.]+) sec\)"
)
# Interfaces newer than the blocking commit: the old tree cannot load them.
NEWER_FAMILIES = ("bios", "firmware", "raid")


@dataclass(frozen=True)
class LockMeasure:
    mode: str
    nodes: int
    wall_seconds: float  # all nodes: deploy then undeploy
    lock_seconds_per_cycle: float  # mean over nodes
    longest_hold: float
    longest_purpose: str  # what the longest hold was for (Ironic's lock purpose)
    holds_per_cycle: float
    seconds_by_purpose: dict[str, float]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.deploy_locks", description=__doc__)
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--time-scale", type=float, default=0.05)
    parser.add_argument("--output", type=Path, default=RESULTS_DIR)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    measures = []
    with tempfile.TemporaryDirectory(prefix="bench-locks-") as tmp:
        workdir = Path(tmp)
        with blocking_tree(workdir / "blocking-tree") as old_tree:
            measures.append(measure("blocking", workdir / "blocking", args, old_tree))
        measures.append(measure("asynchronous", workdir / "async", args, None))
    print_table(measures, args)
    print(f"\nwrote {write_json(measures, args)}")
    return 0


@contextlib.contextmanager
def blocking_tree(path: Path) -> Iterator[Path]:
    """A detached ``git worktree`` of the blocking commit, removed afterwards."""
    git = ["git", "-C", str(ROOT)]
    subprocess.run([*git, "worktree", "add", "--detach", str(path), BLOCKING_COMMIT], check=True)
    try:
        yield path
    finally:
        subprocess.run([*git, "worktree", "remove", "--force", str(path)], check=False)


def measure(mode: str, workdir: Path, args: argparse.Namespace, tree: Path | None) -> LockMeasure:
    ironic = IronicService(
        workdir / "ironic",
        pxe=True,
        debug=True,
        conductor={"automated_clean": True, "check_provision_state_interval": 1},
        sections={
            "agent": {"require_tls": False, "post_deploy_get_power_state_retry_interval": 1},
        },
    )
    ironic.sections["service_catalog"] = {"endpoint_override": ironic.url}
    if tree is not None:
        ironic.sections["DEFAULT"] = {
            f"enabled_{family}_interfaces": [
                name for name in ironic.interfaces[family] if name != "oneview"
            ]
            for family in NEWER_FAMILIES
        }
    sim = start_simulator(
        workdir / "simulator",
        time_scale=args.time_scale,
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
            "task_poll_interval": 1,
        }
        if tree is not None:
            ironic.oneview.pop("task_poll_interval")  # unknown to the blocking driver
        with pythonpath_first(tree):
            ironic.start()
        try:
            with ImageServer(IMAGE) as image:
                return run_cycle(mode, ironic, sim, args.nodes, image)
        finally:
            ironic.stop()
    finally:
        sim.stop()


@contextlib.contextmanager
def pythonpath_first(tree: Path | None) -> Iterator[None]:
    """``tree`` first on the PYTHONPATH of the processes started inside the block."""
    saved = os.environ.get("PYTHONPATH")
    if tree is not None:
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree), saved]))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def run_cycle(
    mode: str, ironic: IronicService, sim: object, count: int, image: object
) -> LockMeasure:
    baremetal = ironic.connection().baremetal
    blades = deployable_blades(sim, count)  # type: ignore[arg-type]
    nodes = [enroll(baremetal, f"locks-{i}", *blade) for i, blade in enumerate(blades)]
    info = {
        "image_source": image.url,  # type: ignore[attr-defined]
        "image_os_hash_algo": "sha256",
        "image_os_hash_value": image.sha256,  # type: ignore[attr-defined]
    }
    for node in nodes:
        move_node(baremetal, node, "manage")
        move_node(baremetal, node, "provide", timeout=600)
    offset = ironic.log_path.stat().st_size

    def cycle(node: str) -> None:
        own = ironic.connection().baremetal
        own.update_node(node, instance_info=info)
        for verb, expected in (("active", "active"), ("deleted", "available")):
            moved = move_node(own, node, verb, timeout=600)
            if moved.provision_state != expected:
                raise RuntimeError(f"{mode}: {verb} of {node}: {moved.last_error}")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
        list(pool.map(cycle, nodes))
    wall = time.monotonic() - started
    time.sleep(2)  # the last releases reach the log
    with ironic.log_path.open(encoding="utf-8", errors="replace") as log:
        log.seek(offset)
        found = [
            (m["purpose"], float(m["seconds"]))
            for m in RELEASED.finditer(log.read())
            if m["node"] in set(nodes)
        ]
    holds = [seconds for _, seconds in found]
    by_purpose: dict[str, float] = {}
    for purpose, seconds in found:
        by_purpose[purpose] = round(by_purpose.get(purpose, 0.0) + seconds, 2)
    longest = max(found, key=lambda hold: hold[1], default=("none", 0.0))
    print(f"{mode}: {len(holds)} exclusive holds, {sum(holds):.1f} s in all", flush=True)
    return LockMeasure(
        mode=mode,
        nodes=len(nodes),
        wall_seconds=wall,
        lock_seconds_per_cycle=sum(holds) / len(nodes),
        longest_hold=longest[1],
        longest_purpose=longest[0],
        holds_per_cycle=len(holds) / len(nodes),
        seconds_by_purpose=dict(sorted(by_purpose.items(), key=lambda item: -item[1])),
    )


def print_table(measures: list[LockMeasure], args: argparse.Namespace) -> None:
    machine = _machine()
    print(
        f"\nDeploy + undeploy cycles, {args.nodes} node(s) at once, profile apply "
        f"{120 * args.time_scale:g} s; {machine['cores']} cores ({machine['cpu']})\n"
    )
    rows = [("driver", "wall time", "lock-seconds / cycle", "longest hold", "holds / cycle")]
    rows += [
        (
            m.mode,
            f"{m.wall_seconds:.1f} s",
            f"{m.lock_seconds_per_cycle:.1f} s",
            f"{m.longest_hold:.1f} s ({m.longest_purpose})",
            f"{m.holds_per_cycle:.0f}",
        )
        for m in measures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def write_json(measures: list[LockMeasure], args: argparse.Namespace) -> Path:
    args.output.mkdir(parents=True, exist_ok=True)
    path: Path = args.output / f"deploy-locks-{time.strftime('%Y%m%dT%H%M%S')}.json"
    document = {
        "benchmark": "deploy-locks",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": _machine(),
        "parameters": {
            "nodes": args.nodes,
            "time_scale": args.time_scale,
            "blocking_commit": BLOCKING_COMMIT,
        },
        "measures": [asdict(m) for m in measures],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
