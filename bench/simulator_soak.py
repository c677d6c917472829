"""Soak of oneview-simulator under networking-oneview 1.1.0's request pattern.

What the original ML2 driver sends per Neutron network (API 300, as hpOneView 4.8), from
``--clients`` (8) concurrent clients, each request on a new TLS connection as hpOneView
opens one (``--keep-alive``: one connection per client), against a simulator subprocess
(``--servers 160 --time-scale 0.001``, the ML2 bench's datacenter: ``LIG-Prod`` with 15
logical interconnects, each with an uplink set ``US-Prod-Tenants``): a new login, the
network looked up by name (``count=-1``), ``POST /rest/ethernet-networks`` and its task, the
uplink-set list by name (``count=-1``), a GET of each one's logical interconnect, GET + PUT of
the LIG with the network added, then GET + PUT of each uplink set (an ever longer
``networkUris``), every task polled until it ends; a refused update (412 from a concurrent
one, as with the original) deletes the network, as the original does. Every
``--list-every``-th network also lists every task (``count=-1``).

Every ``--report-every`` seconds it prints the networks done and refused, the requests, the
simulator's RSS (``/proc/PID/status``), the RSS grown per request since the last line, the
stored tasks, events and alerts, and the median and worst latency of the requests since
the last line. A stalled simulator shows as lines that stop coming (the client waits up to
120 s per request) while its RSS grows.

The history limits (``--task-history``, ``--task-grace``, ``--alert-history``,
``--event-history``, ``--idle-timeout``; default: the appliance's) are set through
``/sim/config`` before the run: with small ones the stored tasks, events and alerts level
off, and so does the memory per request (simulator/history.py).

    python -m bench.simulator_soak [--networks 600] [--clients 8] [--report-every 10]
        [--task-history 2000 --task-grace 5 --event-history 2000 --alert-history 2000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import ssl
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from oneview_openstack.testing.simulator import SimulatorHandle, start_simulator

TERMINAL = {"Completed", "Warning", "Error", "Terminated", "Killed"}


class Client:
    """An HTTPS client (keep-alive or a connection per request); records latencies."""

    def __init__(self, sim: SimulatorHandle, *, reconnect: bool) -> None:
        self._sim = sim
        self._reconnect = reconnect
        self._connection = self._connect()
        self.headers = {"X-API-Version": "300", "Content-Type": "application/json"}
        self.latencies: list[float] = []

    def _connect(self) -> http.client.HTTPSConnection:
        context = ssl.create_default_context(cafile=self._sim.ca_file)
        return http.client.HTTPSConnection(self._sim.host, context=context, timeout=120)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """One request; (status, parsed body)."""
        data = json.dumps(body) if body is not None else None
        began = time.perf_counter()
        if self._reconnect:  # hpOneView 4.8 opens a connection per request
            self._connection.close()
            self._connection = self._connect()
        self._connection.request(method, path, body=data, headers=self.headers)
        response = self._connection.getresponse()
        raw = response.read()
        self.latencies.append(time.perf_counter() - began)
        return response.status, json.loads(raw) if raw else None

    def login(self) -> None:
        status, body = self.call(
            "POST",
            "/rest/login-sessions",
            {"userName": self._sim.username, "password": self._sim.password},
        )
        if status != 200:
            raise RuntimeError(f"login answered {status}: {body}")
        self.headers["auth"] = body["sessionID"]

    def task(self, status: int, body: Any, what: str) -> dict[str, Any] | None:
        """Wait for the task of a 202; None when the request was refused (e.g. 412)."""
        if status != 202:
            if status in (400, 409, 412):
                return None
            raise RuntimeError(f"{what} answered {status}: {body}")
        uri = body["uri"]
        while True:
            _, task = self.call("GET", uri)
            if task["taskState"] in TERMINAL:
                return dict(task) if task["taskState"] == "Completed" else None
            time.sleep(0.002)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.simulator_soak", description=__doc__)
    parser.add_argument("--servers", type=int, default=160)
    parser.add_argument("--networks", type=int, default=600)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--report-every", type=float, default=10.0, help="seconds")
    parser.add_argument("--list-every", type=int, default=10)
    parser.add_argument("--task-history", type=int, help="tasks kept (default 50,000)")
    parser.add_argument("--task-grace", type=float, help="seconds an ended task is kept")
    parser.add_argument("--alert-history", type=int, help="alerts kept (default 75,000)")
    parser.add_argument("--event-history", type=int, help="events kept (default 75,000)")
    parser.add_argument("--idle-timeout", type=float, help="seconds a session may stay unused")
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="one keep-alive connection (default: a new TLS connection per request, as hpOneView)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="oneview-soak-") as tmp:
        sim = start_simulator(Path(tmp), servers=args.servers, time_scale=0.001)
        try:
            return soak(sim, args)
        finally:
            sim.stop()


class Shared:
    """What the clients share: the next network index, tallies, latencies."""

    def __init__(self, total: int) -> None:
        self.lock = threading.Lock()
        self.total = total
        self.next = 0
        self.created = 0
        self.refused = 0
        self.requests = 0
        self.latencies: list[float] = []

    def take(self) -> int | None:
        with self.lock:
            if self.next >= self.total:
                return None
            self.next += 1
            return self.next - 1

    def add(self, client: Client, ok: bool) -> None:
        with self.lock:
            self.created += ok
            self.refused += not ok
            self.requests += len(client.latencies)
            self.latencies += client.latencies
            client.latencies = []


def one_network(client: Client, index: int, lig_uri: str, args: argparse.Namespace) -> bool:
    """What networking-oneview 1.1.0 sends for one Neutron network; False if refused."""
    client.login()  # the original logs in again for each network
    client.call("GET", "/rest/version")
    name = f"soak-{index}"
    client.call("GET", "/rest/ethernet-networks?start=0&count=-1&filter=" + _filter(name))
    task = client.task(
        *client.call(
            "POST",
            "/rest/ethernet-networks",
            {
                "type": "ethernet-networkV300",
                "name": name,
                "vlanId": 1000 + index % 2000,
                "ethernetNetworkType": "Tagged",
                "purpose": "General",
                "smartLink": False,
                "privateNetwork": False,
            },
        ),
        "network create",
    )
    if task is None:
        return False
    net_uri = task["associatedResource"]["resourceUri"]
    _, network = client.call("GET", net_uri)
    _, sets = client.call(
        "GET", "/rest/uplink-sets?start=0&count=-1&filter=" + _filter("US-Prod-Tenants")
    )
    for member in sets["members"]:
        client.call("GET", member["logicalInterconnectUri"])
    _, lig = client.call("GET", lig_uri)
    for entry in lig["uplinkSets"]:
        if entry["name"] == "US-Prod-Tenants":
            entry["networkUris"] = [*entry["networkUris"], net_uri]
    ok = client.task(*client.call("PUT", lig_uri, lig), "LIG update") is not None
    for member in sets["members"]:
        if not ok:
            break
        _, current = client.call("GET", member["uri"])
        current["networkUris"] = [*current["networkUris"], net_uri]
        ok = client.task(*client.call("PUT", member["uri"], current), "uplink set") is not None
    if not ok:  # the original deletes the OneView network and Neutron answers 500
        client.task(*client.call("DELETE", net_uri), "network delete")
    if index % args.list_every == 0:
        client.call("GET", "/rest/tasks?start=0&count=-1")
    return ok


def _filter(name: str) -> str:
    return quote(f"\"name='{name}'\"")


HISTORY = ("task_history", "task_grace", "alert_history", "event_history", "idle_timeout")


def soak(sim: SimulatorHandle, args: argparse.Namespace) -> int:
    assert sim.pid is not None
    pid = sim.pid
    limits = {name: getattr(args, name) for name in HISTORY if getattr(args, name) is not None}
    if limits:
        sim.operator.set_config(**limits)
    print(
        "settings:",
        {name: sim.operator.config()[name] for name in HISTORY if name != "idle_timeout"},
    )
    first = Client(sim, reconnect=False)
    first.login()
    _, page = first.call(
        "GET", "/rest/logical-interconnect-groups?filter=" + quote("name='LIG-Prod'")
    )
    lig_uri = page["members"][0]["uri"]
    shared = Shared(args.networks)
    errors: list[BaseException] = []

    def work() -> None:
        client = Client(sim, reconnect=not args.keep_alive)
        try:
            while (index := shared.take()) is not None:
                shared.add(client, one_network(client, index, lig_uri, args))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(args.clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    print(
        f"{'s':>5} {'networks':>8} {'refused':>7} {'requests':>8} {'RSS MB':>7} {'KB/req':>6} "
        f"{'tasks':>6} {'events':>6} {'alerts':>6} {'p50 ms':>7} {'max ms':>8}"
    )
    last_rss, last_requests = rss_mb(pid), 0
    while any(thread.is_alive() for thread in threads):
        for thread in threads:
            thread.join(timeout=args.report_every / len(threads))
        with shared.lock:
            latencies, shared.latencies = sorted(shared.latencies), []
        counts = {
            name: first.call("GET", f"/rest/{name}?start=0&count=1")[1]["total"]
            for name in ("tasks", "events", "alerts")
        }
        p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
        worst = latencies[-1] * 1000 if latencies else float("nan")
        rss, requests = rss_mb(pid), shared.requests
        per_request = (rss - last_rss) * 1024 / max(requests - last_requests, 1)
        last_rss, last_requests = rss, requests
        print(
            f"{time.perf_counter() - began:>5.0f} {shared.created:>8} {shared.refused:>7} "
            f"{requests:>8} {rss:>7.0f} {per_request:>6.2f} {counts['tasks']:>6} "
            f"{counts['events']:>6} {counts['alerts']:>6} {p50:>7.1f} {worst:>8.1f}",
            flush=True,
        )
    if errors:
        raise errors[0]
    return 0


if __name__ == "__main__":
    sys.exit(main())
