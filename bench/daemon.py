"""ironic-oneviewd: ours against the original ironic-oneviewd 1.2.0, side by side.

For each N of ``--sizes`` one simulator holds a datacenter whose one template, ``SPT-Bench``,
fits exactly N servers (``bench.enrollment.write_seed``: SY 480 blades, 12 to a frame), and
each daemon gets a fresh Ironic on the same MariaDB server (all-in-one ``ironic``, ``oneview``
hardware type, ``automated_clean = False``, the driver's periodic tasks off), reached through
the counting HTTP proxy of ``bench.enrollment`` (every Ironic request, by method and path):

- **ours** (``DaemonProcess``, ``[daemon] templates = SPT-Bench``) from an empty Ironic: its
  first cycle enrolls the N servers and follows the nodes until they are ``available``;
  the next cycle has nothing to do (steady state);
- **original** (ironic-oneviewd 1.2.0 from PyPI in its own venv, built on first use and
  cached: ``ironic-oneviewd==1.2.0 hpOneView==4.8.0 python-ironicclient``, run through
  ``bench/originals/oneviewd_shim.py``). It cannot enroll (its inventory manager only logs
  unenrolled servers), so the N nodes are created first, in ``enroll``, by our CLI
  (``ironic-oneview node-create --boot-nic-only --local-gb 100``, not counted). Its node
  manager then moves each node one step per cycle (``enroll`` -> manage; ``manageable`` ->
  provide) and does not wait for the moves (they run in a thread pool while it sleeps);
  a cycle of the original is the window between two of its node-manager log lines
  ("... nodes has been taken" / "No Ironic nodes to manage"): its moves plus the next listing.

Measured: per cycle, the OneView requests (``/sim/counters``: those of the daemon *and* of
Ironic's oneview driver validating the nodes it moves), the Ironic requests (the proxy; ours
also exports ``ironic_oneviewd_ironic_requests_total`` and ``..._oneview_requests_total``),
cycle seconds (ours: its log line; original: from the cycle's log line until its last
Ironic request of the window was answered), and the seconds from the daemon's start until
every node is ``available`` (Ironic polled directly, not through the proxy). Both run with a
short interval (``--interval``, 10 s) for the sizes, and, with ``--default-intervals`` (on by
default), once more at ``--available-servers`` (100) with their default intervals (ours 60 s,
the original 300 s). Every phase stops after ``--cap`` seconds: what it reached is reported.

Prints a table and writes JSON to ``bench/results/``.

    python -m bench.daemon [--sizes 100,1000] [--drivers ours,original] [--interval 10]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.enrollment import (
    BIN,
    TEMPLATE,
    CountingProxy,
    Databases,
    ours_env,
    write_seed,
)
from bench.simulator import _machine
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.oneviewd import DaemonProcess
from oneview_openstack.testing.service_process import cache_dir
from oneview_openstack.testing.simulator import SimulatorHandle, start_simulator

RESULTS_DIR = Path(__file__).with_name("results")
SHIM = Path(__file__).with_name("originals") / "oneviewd_shim.py"
ORIGINAL_PACKAGES = (
    "ironic-oneviewd==1.2.0",
    "hpOneView==4.8.0",
    "python-ironicclient",
    "six",  # ironic_oneviewd.shell imports it; not declared
)
ORIGINAL_VENV = "ironic-oneviewd-1.2.0-hpOneView-4.8.0-py3.11"
DRIVERS = ("ours", "original")
OURS_DEFAULT_INTERVAL = 60  # [daemon] interval
ORIGINAL_DEFAULT_INTERVAL = 300  # [DEFAULT] retry_interval, [inventory] check_interval
TIME_SCALE = 0.001
POLL = 0.05

_OURS_CYCLE = re.compile(r"Cycle (\d+): (.*) in ([\d.]+) s$", re.M)
_ORIGINAL_CYCLE = re.compile(r"(\d+) Ironic nodes has been taken\.|No Ironic nodes to manage\.")


@dataclass
class CycleRun:
    """One cycle of one daemon at one N."""

    driver: str
    servers: int
    interval: float
    cycle: int  # 1: the first; later ones until steady
    kind: str  # first, working, steady, capped
    seconds: float
    oneview: dict[str, int]
    ironic: dict[str, int]
    ironic_seconds: dict[str, float] = field(default_factory=dict)
    daemon_metrics: dict[str, float] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)  # provision states at its end
    note: str = ""

    @property
    def oneview_total(self) -> int:
        return sum(self.oneview.values())

    @property
    def ironic_total(self) -> int:
        return sum(self.ironic.values())


@dataclass
class Available:
    """Seconds from the daemon's start until every node was available."""

    driver: str
    servers: int
    interval: float
    seconds: float | None  # None: not reached within the cap
    reached: int
    prepare_seconds: float = 0.0  # the original: creating the enroll nodes (not counted)
    note: str = ""


@dataclass
class Results:
    cycles: list[CycleRun] = field(default_factory=list)
    available: list[Available] = field(default_factory=list)


# -- helpers ---------------------------------------------------------------------------------


def oneview_counts(sim: SimulatorHandle) -> Counter[str]:
    return Counter({k: v for k, v in sim.operator.counters().items() if "/rest/" in k})


def diff(after: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    out = {k: round(v - before.get(k, 0), 4) for k, v in after.items()}
    return {k: v for k, v in sorted(out.items()) if v}


def states(ironic: IronicService) -> Counter[str]:
    """Provision states of all nodes (read directly, not through the proxy)."""
    baremetal = ironic.connection().baremetal
    return Counter(node.provision_state for node in baremetal.nodes(fields=["provision_state"]))


class Snapshot:
    """OneView and Ironic counters (and ours' metrics) at one moment."""

    def __init__(self, sim: SimulatorHandle, proxy: CountingProxy, daemon: Any = None) -> None:
        self.at = time.monotonic()
        self.oneview = dict(oneview_counts(sim))
        counts = proxy.counts()
        self.ironic: dict[str, int] = counts["requests"]
        self.ironic_seconds: dict[str, float] = counts["seconds"]
        self.metrics: dict[str, float] = {}
        if daemon is not None:
            self.metrics = {
                k: v
                for k, v in daemon.metrics().items()
                if k.startswith(("ironic_oneviewd_ironic_requests", "ironic_oneviewd_oneview_req"))
            }


@contextlib.contextmanager
def fresh_ironic(
    workdir: Path, sim: SimulatorHandle, databases: Databases
) -> Iterator[tuple[IronicService, CountingProxy]]:
    database, drop = databases.new()
    service = IronicService(
        workdir,
        oneview={
            "manager_url": sim.url,
            "username": sim.username,
            "password": sim.password,
            "tls_cacert_file": sim.ca_file,
            "enable_periodic_tasks": False,  # OneView requests: the daemons' and their moves'
        },
        conductor={"automated_clean": False, "sync_power_state_interval": 0},
        **database,
    )
    try:
        with service:
            proxy = CountingProxy(service.port, workdir / "proxy.log")
            try:
                yield service, proxy
            finally:
                proxy.stop()
    finally:
        drop()


# -- ours ------------------------------------------------------------------------------------


def run_ours(
    workdir: Path, sim: SimulatorHandle, databases: Databases, n: int, interval: float,
    cap: float, steady: bool,
) -> tuple[list[CycleRun], Available]:  # fmt: skip
    cycles: list[CycleRun] = []
    with fresh_ironic(workdir / "ironic", sim, databases) as (ironic, proxy):
        sim.operator.clear_counters()
        proxy.clear()
        daemon = DaemonProcess(
            workdir / "daemon", simulator=sim, ironic_url=proxy.url, templates=[TEMPLATE],
            daemon={"interval": int(interval), "settle_timeout": int(cap)},
        )  # fmt: skip
        started = time.monotonic()
        available_at: float | None = None
        with daemon:
            start = Snapshot(sim, proxy)
            deadline = started + cap
            capped = False
            while daemon.cycles() < 1:
                if available_at is None and states(ironic).get("available", 0) >= n:
                    available_at = time.monotonic() - started
                if time.monotonic() > deadline:
                    capped = True
                    break
                time.sleep(0.5)
            first = Snapshot(sim, proxy, daemon)
            seen = daemon.cycles()
            current = states(ironic)
            if available_at is None and current.get("available", 0) >= n:
                available_at = first.at - started
            steady_run: CycleRun | None = None
            if steady and not capped:
                while daemon.cycles() < seen + 1:  # one whole cycle after the snapshot
                    if time.monotonic() > first.at + interval + cap:
                        raise TimeoutError("ours: no steady cycle")
                    time.sleep(0.1)
                last = Snapshot(sim, proxy, daemon)
                number = daemon.cycles()
                steady_run = ours_cycle(n, interval, number, "steady", first, last,
                                        ours_line(daemon, number), states(ironic))  # fmt: skip
            run = ours_cycle(n, interval, 1, "capped" if capped else "first", start, first,
                             ours_line(daemon, 1), current)  # fmt: skip
            if capped:
                run.seconds, run.note = first.at - started, f"stopped after {cap:.0f} s"
            elif seen > 1 and steady_run is not None:
                # cycles 2..seen (nothing to do) ended before the snapshot: take them out
                extra = seen - 1
                for name in ("oneview", "ironic", "daemon_metrics"):
                    mine, theirs = getattr(run, name), getattr(steady_run, name)
                    setattr(run, name, {k: v - extra * theirs.get(k, 0) for k, v in mine.items()})
                run.note += f" (window held {extra} steady cycle(s), subtracted)"
            cycles.append(run)
            report(run)
            if steady_run is not None:
                cycles.append(steady_run)
                report(steady_run)
    reached = cycles[0].states.get("available", 0)
    return cycles, Available("ours", n, interval, available_at, reached)


def ours_line(daemon: DaemonProcess, number: int) -> tuple[str, float]:
    for found in _OURS_CYCLE.finditer(daemon.log_text()):
        if int(found.group(1)) == number:
            return found.group(2), float(found.group(3))
    return "", 0.0


def ours_cycle(
    n: int, interval: float, number: int, kind: str, before: Snapshot, after: Snapshot,
    line: tuple[str, float], current: Counter[str],
) -> CycleRun:  # fmt: skip
    return CycleRun(
        driver="ours", servers=n, interval=interval, cycle=number, kind=kind,
        seconds=line[1], oneview=diff(after.oneview, before.oneview),
        ironic=diff(after.ironic, before.ironic),
        ironic_seconds=diff(after.ironic_seconds, before.ironic_seconds),
        daemon_metrics=diff(after.metrics, before.metrics), states=dict(current), note=line[0],
    )  # fmt: skip


# -- the original ----------------------------------------------------------------------------


def original_venv(path: Path | None) -> Path:
    """The venv given, else the cached one of ironic-oneviewd 1.2.0 (built on first use)."""
    if path is not None:
        if not (path / "bin" / "python").exists():
            raise SystemExit(f"--original-venv {path}: no bin/python there")
        return path
    venv = cache_dir() / ORIGINAL_VENV
    marker = venv / "complete"
    if marker.exists():
        return venv
    python = shutil.which("python3.11") or str(getattr(sys, "_base_executable", sys.executable))
    print(f"building the original's venv in {venv} ({' '.join(ORIGINAL_PACKAGES)})", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)  # noqa: S603
    subprocess.run(  # noqa: S603 - fixed argv
        [str(venv / "bin" / "pip"), "install", "--quiet", *ORIGINAL_PACKAGES],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    marker.write_text(" ".join(ORIGINAL_PACKAGES) + "\n")
    return venv


def create_enroll_nodes(sim: SimulatorHandle, ironic: IronicService, log: Path) -> float:
    """N nodes in ``enroll`` by our CLI, straight to Ironic (not counted); seconds taken."""
    argv = [str(BIN / "ironic-oneview"), "node-create", "-t", TEMPLATE, "--boot-nic-only",
            "--local-gb", "100", "--workers", "8", "-f", "json"]  # fmt: skip
    started = time.monotonic()
    with log.open("w") as out:
        subprocess.run(  # noqa: S603 - argv built here
            argv, env=ours_env(sim, ironic.url), stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, timeout=3600, check=True,
        )  # fmt: skip
    return time.monotonic() - started


def template_id(sim: SimulatorHandle) -> str:
    session = sim.rest()
    response = session.call("GET", "/rest/server-profile-templates?start=0&count=-1", timeout=60)
    response.raise_for_status()
    template = next(t for t in response.json()["members"] if t["name"] == TEMPLATE)
    return str(template["uri"]).rsplit("/", 1)[-1]


def original_config(path: Path, sim: SimulatorHandle, interval: float, log: Path) -> None:
    path.write_text(
        "[DEFAULT]\n"
        f"retry_interval = {int(interval)}\n"
        "rpc_thread_pool_size = 20\n"
        f"log_file = {log}\n"
        "[inventory]\n"
        f"check_interval = {int(interval)}\n"
        f"server_profile_templates = {template_id(sim)}\n"
        "[oneview]\n"
        f"manager_url = {sim.host}\n"
        f"username = {sim.username}\n"
        f"password = {sim.password}\n"
        "allow_insecure_connections = true\n"
        "[openstack]\n"
        "inspection_enabled = false\n"
        "ironic_driver = oneview\n"
    )


def run_original(
    workdir: Path, sim: SimulatorHandle, databases: Databases, n: int, interval: float,
    cap: float, venv: Path,
) -> tuple[list[CycleRun], Available]:  # fmt: skip
    cycles: list[CycleRun] = []
    workdir.mkdir(parents=True, exist_ok=True)
    with fresh_ironic(workdir / "ironic", sim, databases) as (ironic, proxy):
        prepare = create_enroll_nodes(sim, ironic, workdir / "node-create.log")
        print(f"  original, {n:,} servers: {n} enroll nodes created in {prepare:.1f} s (ours' CLI)")
        log = workdir / "ironic-oneviewd.log"
        config = workdir / "ironic-oneviewd.conf"
        original_config(config, sim, interval, log)
        sim.operator.clear_counters()
        proxy.clear()
        env = {**os.environ, "IRONIC_URL": proxy.url, "PYTHONUNBUFFERED": "1"}
        argv = [str(venv / "bin" / "python"), str(SHIM), "--config-file", str(config)]
        started = time.monotonic()
        with (workdir / "stdout.log").open("w") as out:
            process = subprocess.Popen(  # noqa: S603 - argv built here
                argv, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
        available_at: float | None = None
        try:
            before = Snapshot(sim, proxy)
            seen = 0  # node-manager cycle lines seen
            last_change = started
            last_total = 0
            window_start = started
            taken_line = ""
            deadline = started + cap
            text = ""
            offset = 0
            polled = 0.0
            current: Counter[str] = Counter()
            while True:
                time.sleep(POLL)
                now = time.monotonic()
                if process.poll() is not None:
                    raise RuntimeError(f"ironic-oneviewd 1.2.0 exited; see {log}")
                if log.exists():  # only what was appended: read 20 times a second
                    with log.open("rb") as stream:
                        stream.seek(offset)
                        chunk = stream.read()
                    cut = chunk.rfind(b"\n") + 1
                    offset += cut
                    text = chunk[:cut].decode(errors="replace")
                matches = list(_ORIGINAL_CYCLE.finditer(text))
                if matches:
                    # a new cycle began: the previous window (if any) is complete
                    after = Snapshot(sim, proxy)
                    if seen:
                        current = states(ironic)
                        cycles.append(
                            original_cycle(n, interval, seen, before, after, taken_line,
                                           last_change - window_start, current)
                        )  # fmt: skip
                        report(cycles[-1])
                        if cycles[-1].kind == "steady":
                            break
                    before = after
                    seen += len(matches)
                    window_start = now
                    last_total = sum(after.ironic.values())
                    taken_line = matches[-1].group(0)
                    continue
                if now - polled >= 0.5:
                    polled = now
                    total = sum(proxy.counts()["requests"].values())
                    if total != last_total:
                        last_total, last_change = total, now
                    if available_at is None:
                        current = states(ironic)
                        if current.get("available", 0) >= n:
                            available_at = now - started
                if now > deadline:
                    after = Snapshot(sim, proxy)
                    run = original_cycle(n, interval, seen, before, after, taken_line,
                                         now - window_start, current)  # fmt: skip
                    run.kind, run.note = "capped", f"stopped after {cap:.0f} s; {run.note}"
                    cycles.append(run)
                    report(run)
                    break
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        reached = states(ironic).get("available", 0)
    available = Available("original", n, interval, available_at, reached, prepare)
    return cycles, available


def original_cycle(
    n: int, interval: float, number: int, before: Snapshot, after: Snapshot, line: str,
    busy: float, current: Counter[str],
) -> CycleRun:  # fmt: skip
    ironic = diff(after.ironic, before.ironic)
    moves = sum(v for k, v in ironic.items() if k.startswith("PUT "))
    kind = "first" if number == 1 else ("working" if moves else "steady")
    listing = diff(after.ironic_seconds, before.ironic_seconds)
    seconds = (
        max(busy, 0.0)
        if moves
        else sum(v for k, v in listing.items() if k.startswith("GET /v1/nodes/detail"))
        / max(1, sum(v for k, v in ironic.items() if k.startswith("GET /v1/nodes/detail")))
    )
    return CycleRun(
        driver="original", servers=n, interval=interval, cycle=number, kind=kind,
        seconds=seconds, oneview=diff(after.oneview, before.oneview), ironic=ironic,
        ironic_seconds=listing, states=dict(current), note=line,
    )  # fmt: skip


# -- output ----------------------------------------------------------------------------------


def report(run: CycleRun) -> None:
    print(
        f"  {run.driver}, {run.servers:,} servers, interval {run.interval:.0f} s, cycle "
        f"{run.cycle} ({run.kind}): {run.seconds:.1f} s, {run.oneview_total:,} OneView and "
        f"{run.ironic_total:,} Ironic requests; nodes {dict(run.states)}",
        flush=True,
    )


def print_table(results: Results, context: dict[str, Any]) -> None:
    machine = context["machine"]
    print(
        f"\nironic-oneviewd: ours vs the original 1.2.0; {machine['cores']} cores "
        f"({machine['cpu']}), Python {machine['python']}, {context['database']}\n"
    )
    print("| daemon | servers | interval s | cycle | kind | seconds | OneView req (/server) "
          "| Ironic req (/server) | provision PUTs | nodes after |")  # fmt: skip
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|---|")
    for run in results.cycles:
        puts = sum(v for k, v in run.ironic.items() if k.endswith("/states/provision"))
        nodes = ", ".join(f"{k} {v}" for k, v in sorted(run.states.items()))
        print(
            f"| {run.driver} | {run.servers:,} | {run.interval:.0f} | {run.cycle} | {run.kind} "
            f"| {run.seconds:.1f} | {run.oneview_total:,} ({run.oneview_total / run.servers:.2f}) "
            f"| {run.ironic_total:,} ({run.ironic_total / run.servers:.2f}) | {puts:,} "
            f"| {nodes} |"
        )
    print("\n| daemon | servers | interval s | seconds until all available | reached |")
    print("|---|---:|---:|---:|---:|")
    for item in results.available:
        seconds = f"{item.seconds:.1f}" if item.seconds is not None else "not reached"
        print(f"| {item.driver} | {item.servers:,} | {item.interval:.0f} | {seconds} "
              f"| {item.reached:,} / {item.servers:,} |")  # fmt: skip


def write_json(results: Results, context: dict[str, Any], output: Path) -> Path:
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"daemon-{time.strftime('%Y%m%dT%H%M%S')}.json"
    body = {**context, "cycles": [asdict(c) for c in results.cycles],
            "available": [asdict(a) for a in results.available]}  # fmt: skip
    path.write_text(json.dumps(body, indent=2) + "\n")
    return path


# -- main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.daemon", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument(
        "--sizes",
        default="100,1000",
        help="servers, comma separated (default 100,1000; ours' first cycle alone takes "
        "~22 min at 5000: use --cap)",
    )
    parser.add_argument("--drivers", default="ours,original", help="ours, original or both")
    parser.add_argument(
        "--interval",
        type=float,
        default=10.0,
        help="both daemons' interval for the sizes (default 10 s)",
    )
    parser.add_argument(
        "--cap", type=float, default=600.0, help="longest wait for one phase, seconds (default 600)"
    )
    parser.add_argument(
        "--default-intervals",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time-to-available with the default intervals too",
    )
    parser.add_argument("--available-servers", type=int, default=100)
    parser.add_argument("--original-venv", type=Path, default=None)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    args.size_list = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.driver_list = [d.strip() for d in args.drivers.split(",") if d.strip()]
    if bad := set(args.driver_list) - set(DRIVERS):
        parser.error(f"--drivers: unknown {', '.join(sorted(bad))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    venv = original_venv(args.original_venv) if "original" in args.driver_list else None
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-daemon-"))
    started = time.monotonic()
    results = Results()
    databases = Databases("mariadb", workdir)
    plan: list[tuple[int, float, float]] = [(n, args.interval, args.interval)
                                            for n in args.size_list]  # fmt: skip
    if args.default_intervals:
        plan.append((args.available_servers, OURS_DEFAULT_INTERVAL, ORIGINAL_DEFAULT_INTERVAL))
    try:
        for n, ours_interval, original_interval in plan:
            sized = ours_interval == original_interval
            seed = write_seed(workdir / f"seed-{n}.yaml", n)
            tag = f"n{n}-i{ours_interval:.0f}"
            sim = start_simulator(workdir / f"simulator-{tag}", seed=seed,
                                  time_scale=TIME_SCALE, timeout=300)  # fmt: skip
            try:
                if "ours" in args.driver_list:
                    cycles, available = run_ours(workdir / f"ours-{tag}", sim, databases, n,
                                                 ours_interval, args.cap, steady=sized)  # fmt: skip
                    results.cycles.extend(cycles if sized else [])
                    results.available.append(available)
                if "original" in args.driver_list:
                    assert venv is not None
                    cap = max(args.cap, original_interval + 120)
                    cycles, available = run_original(workdir / f"original-{tag}", sim,
                                                     databases, n, original_interval, cap,
                                                     venv)  # fmt: skip
                    results.cycles.extend(cycles if sized else [])
                    results.available.append(available)
            finally:
                sim.stop()
        database = databases.version()
    finally:
        databases.stop()
    context = {
        "benchmark": "daemon",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": _machine(),
        "database": database,
        "sizes": args.size_list,
        "interval": args.interval,
        "cap": args.cap,
        "total_seconds": round(time.monotonic() - started, 1),
        "workdir": str(workdir),
    }
    print_table(results, context)
    path = write_json(results, context, args.output)
    print(f"\n{context['total_seconds']:.0f} s in all; JSON: {path}; logs: {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
