"""Benchmark of oneview-simulator at datacenter scale.

Starts a real simulator subprocess (HTTPS, ``--servers N``) and measures what a
fleet of clients would notice: start-up time, memory, the latency of a
500-member page of server hardware, the rate of single-resource GETs over
keep-alive connections, and what the state file's fsync'd journal adds to a
write. Prints a table and writes the numbers as JSON to ``bench/results/``.

Before measuring, the datacenter gets activity through the API, so that the
collections a real appliance of that size carries are there: ``--power`` power-on
requests (a task and events each), the first ``--alerts`` of them failed by the
operator API's ``/sim/tasks/fail-next`` (a task in Error and an Active alert each), on
top of the seed's task history (a Completed task per seeded resource).

    python -m bench.simulator [--servers 10000] [--seconds 10] [--connections 16]
        [--power 4000] [--alerts 2000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import ssl
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.loadgen import run_load
from oneview_openstack.testing.simulator import RestSession, SimulatorHandle, start_simulator

RESULTS_DIR = Path(__file__).with_name("results")
PAGE_SIZE = 500
TARGETS = {
    "single_get_per_second": (">=", 1500.0),
    "page_500_p50_ms": ("<", 100.0),
    "rss_mb_after_load": ("<", 400.0),
}


@dataclass
class Measure:
    name: str
    value: float
    unit: str

    def row(self) -> tuple[str, str, str, str]:
        target = TARGETS.get(self.name)
        if target is None:
            return self.name, f"{self.value:,.1f} {self.unit}", "", ""
        op, limit = target
        ok = self.value >= limit if op == ">=" else self.value < limit
        return (
            self.name,
            f"{self.value:,.1f} {self.unit}",
            f"{op} {limit:,.0f}",
            "ok" if ok else "MISSED",
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.simulator", description=__doc__)
    parser.add_argument("--servers", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the GET load")
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections")
    parser.add_argument("--pages", type=int, default=20, help="500-member pages to time")
    parser.add_argument("--writes", type=int, default=100, help="writes per journal scenario")
    parser.add_argument(
        "--power", type=int, default=4_000, help="power-on requests before measuring"
    )
    parser.add_argument(
        "--alerts", type=int, default=2_000, help="of those, failed ones (an alert each)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS_DIR)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    measures: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="oneview-bench-") as tmp:
        workdir = Path(tmp)
        measures += _datacenter_scenario(workdir / "large", args)
        measures += _journal_scenario(workdir / "journal", args.writes)
    _print_table(measures, args)
    path = _write_json(measures, args)
    print(f"\nResults written to {path}")
    return 0 if all(m.row()[3] != "MISSED" for m in measures) else 1


# -- scenarios -----------------------------------------------------------------


def _datacenter_scenario(workdir: Path, args: argparse.Namespace) -> list[Measure]:
    started = time.perf_counter()
    sim = start_simulator(workdir, servers=args.servers, timeout=600)
    try:
        measures = [
            Measure("start_seconds", time.perf_counter() - started, "s"),
            Measure("rss_mb_after_start", _rss_mb(sim), "MB"),
        ]
        rest = sim.rest()
        servers = _server_hardware(rest)
        uris = [server["uri"] for server in servers]
        measures.append(Measure("server_hardware", len(uris), "documents"))
        measures += _activity(sim, rest, servers, args.power, args.alerts)
        measures += _page_latency(sim, rest, len(uris), args.pages)
        measures += _filter_latency(sim, rest, uris[len(uris) // 2])
        load = run_load(
            "127.0.0.1",
            sim.port,
            uris,
            headers=rest.headers,
            ca_file=sim.ca_file,
            connections=args.connections,
            seconds=1.0,
        )  # warm-up
        load = run_load(
            "127.0.0.1",
            sim.port,
            uris,
            headers=rest.headers,
            ca_file=sim.ca_file,
            connections=args.connections,
            seconds=args.seconds,
        )
        measures += [
            Measure("single_get_per_second", load.rate, "req/s"),
            Measure("single_get_p50_ms", load.percentile(0.5) * 1000, "ms"),
            Measure("single_get_p99_ms", load.percentile(0.99) * 1000, "ms"),
            Measure("single_get_errors", load.errors, "responses"),
            Measure("rss_mb_after_load", _rss_mb(sim), "MB"),
        ]
        return measures
    finally:
        sim.stop()


def _page_latency(sim: SimulatorHandle, rest: RestSession, total: int, pages: int) -> list[Measure]:
    """Sequential 500-member pages on one keep-alive connection, spread over the set."""
    connection = _connection(sim)
    timings: list[float] = []
    size = 0
    try:
        for index in range(pages):
            start = (index * PAGE_SIZE * 7) % max(total - PAGE_SIZE, 1)
            path = f"/rest/server-hardware?start={start}&count={PAGE_SIZE}"
            began = time.perf_counter()
            connection.request("GET", path, headers=rest.headers)
            response = connection.getresponse()
            body = response.read()
            timings.append(time.perf_counter() - began)
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}: {body[:200]!r}")
            size = len(body)
    finally:
        connection.close()
    timings.sort()
    return [
        Measure("page_500_p50_ms", statistics.median(timings) * 1000, "ms"),
        Measure("page_500_max_ms", timings[-1] * 1000, "ms"),
        Measure("page_500_bytes", size, "bytes"),
    ]


def _filter_latency(sim: SimulatorHandle, rest: RestSession, uri: str) -> list[Measure]:
    """Find one server by name among all of them (a filter scan of the collection)."""
    name = rest.call("GET", uri).json()["name"]
    path = "/rest/server-hardware?" + urlencode({"filter": f"name='{name}'"})
    connection = _connection(sim)
    timings = []
    try:
        for _ in range(10):
            began = time.perf_counter()
            connection.request("GET", path, headers=rest.headers)
            response = connection.getresponse()
            body = json.loads(response.read())
            timings.append(time.perf_counter() - began)
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}: {body}")
    return [
        Measure("filter_by_name_p50_ms", statistics.median(timings) * 1000, "ms"),
        Measure("filter_by_name_matches", body["total"], "documents"),
    ]


def _journal_scenario(workdir: Path, writes: int) -> list[Measure]:
    """The same writes with and without --state-file: what the fsync'd journal costs."""
    without = _write_latency(workdir / "memory", writes, state=False)
    with_state = _write_latency(workdir / "state", writes, state=True)
    return [
        Measure("write_p50_ms_in_memory", without * 1000, "ms"),
        Measure("write_p50_ms_with_state_file", with_state * 1000, "ms"),
    ]


def _write_latency(workdir: Path, writes: int, *, state: bool) -> float:
    flags: dict[str, Any] = {"state_file": workdir / "state.json"} if state else {}
    sim = start_simulator(workdir, **flags)
    try:
        rest = sim.rest()
        connection = _connection(sim)
        headers = {**rest.headers, "Content-Type": "application/json"}
        timings = []
        for index in range(writes):
            body = json.dumps(
                {
                    "type": "ethernet-networkV4",
                    "name": f"bench-{index}",
                    "vlanId": 1000 + index,
                    "ethernetNetworkType": "Tagged",
                    "purpose": "General",
                }
            )
            began = time.perf_counter()
            connection.request("POST", "/rest/ethernet-networks", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            timings.append(time.perf_counter() - began)
            if response.status != 202:
                raise RuntimeError(f"POST /rest/ethernet-networks answered {response.status}")
        connection.close()
        return statistics.median(timings)
    finally:
        sim.stop()


# -- helpers -------------------------------------------------------------------


def _server_hardware(rest: RestSession) -> list[dict[str, Any]]:
    servers: list[dict[str, Any]] = []
    start = 0
    while True:
        page = rest.call("GET", f"/rest/server-hardware?start={start}&count={PAGE_SIZE}").json()
        servers += page["members"]
        start += len(page["members"])
        if not page["members"] or start >= page["total"]:
            return servers


def _activity(
    sim: SimulatorHandle,
    rest: RestSession,
    servers: list[dict[str, Any]],
    power: int,
    alerts: int,
) -> list[Measure]:
    """Power on ``power`` servers that are off, ``alerts`` of them failing; wait for the tasks.

    Returns the sizes of the task, alert and event collections afterwards.
    """
    off = [server["uri"] for server in servers if server.get("powerState") == "Off"][:power]
    for _ in range(min(alerts, len(off))):
        sim.operator.fail_next_task(
            "BENCH_POWER_FAILURE",
            "Injected power failure (bench).",
            resource_category="server-hardware",
        )
    connection = _connection(sim)
    headers = {**rest.headers, "Content-Type": "application/json"}
    body = json.dumps({"powerState": "On", "powerControl": "MomentaryPress"})
    try:
        for uri in off:
            connection.request("PUT", f"{uri}/powerState", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            if response.status != 202:
                raise RuntimeError(f"PUT {uri}/powerState answered {response.status}: {answer!r}")
    finally:
        connection.close()
    totals = {}
    deadline = time.monotonic() + 120
    while True:
        for name in ("tasks", "alerts", "events"):
            totals[name] = rest.call("GET", f"/rest/{name}?start=0&count=1").json()["total"]
        running = rest.call(
            "GET", "/rest/tasks?" + urlencode({"filter": "taskState='Running'", "count": 1})
        ).json()["total"]
        if (running == 0 and totals["alerts"] >= min(alerts, len(off))) or (
            time.monotonic() > deadline
        ):
            break
        time.sleep(0.5)
    return [
        Measure("power_requests", len(off), "requests"),
        Measure("tasks", totals["tasks"], "documents"),
        Measure("alerts", totals["alerts"], "documents"),
        Measure("events", totals["events"], "documents"),
        Measure("rss_mb_after_activity", _rss_mb(sim), "MB"),
    ]


def _connection(sim: SimulatorHandle) -> http.client.HTTPSConnection:
    context = ssl.create_default_context(cafile=sim.ca_file)
    return http.client.HTTPSConnection(sim.host, context=context, timeout=60)


def _rss_mb(sim: SimulatorHandle) -> float:
    status = Path(f"/proc/{sim.pid}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def _print_table(measures: list[Measure], args: argparse.Namespace) -> None:
    rows = [("measure", "value", "target", ""), *(m.row() for m in measures)]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    machine = _machine()
    print(
        f"oneview-simulator, {args.servers:,} servers, {args.connections} connections, "
        f"{machine['cores']} cores ({machine['cpu']}), Python {machine['python']}\n"
    )
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def _write_json(measures: list[Measure], args: argparse.Namespace) -> Path:
    args.output.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    path: Path = args.output / f"simulator-{stamp}.json"
    document = {
        "benchmark": "simulator",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": _machine(),
        "parameters": {
            "servers": args.servers,
            "seconds": args.seconds,
            "connections": args.connections,
            "pages": args.pages,
            "writes": args.writes,
            "power": args.power,
            "alerts": args.alerts,
        },
        "results": {m.name: {"value": round(m.value, 3), "unit": m.unit} for m in measures},
        "targets": {name: f"{op} {limit}" for name, (op, limit) in TARGETS.items()},
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


if __name__ == "__main__":
    sys.exit(main())
