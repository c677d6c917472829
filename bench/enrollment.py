"""Enrollment at scale: ours, the original ``ironic-oneview`` 1.2.1 and Ironic's own floor.

For each N (100 and 1,000 by default) one simulator holds a datacenter whose one template,
``SPT-Bench``, fits exactly N servers (SY 480 blades, 12 to a frame, one enclosure group; the
generated datacenters have no template that fits more than ~360 servers), and each run below
gets a fresh Ironic of the same configuration (the all-in-one ``ironic``, ``oneview``
hardware type, on MariaDB when the harness is there, else sqlite), reached through a
counting HTTP proxy:

- **ours**: ``ironic-oneview node-create -t SPT-Bench --boot-nic-only`` as a subprocess (one
  port per server, as the original makes), the servers' local storage read from OneView
  (the default); then the same command again (**re-run**: everything enrolled); then, each
  from a clean Ironic, with ``--local-gb 100`` (no OneView request per server) and without
  ``--boot-nic-only`` (a port for every connected NIC: two per server here);
- **original**: ``ironic-oneview node-create -t SPT-Bench -n N`` of ironic-oneview-cli 1.2.1
  from PyPI, in its own venv (built on first use, cached), through
  ``bench/originals/ov_cli_shim.py``; then again (**re-run**) up to ``--original-rerun-max``
  servers (100: its re-run at 1,000 takes ~14 min, as quadratic as its first run);
- **floor**: one ``POST /v1/nodes`` and one ``POST /v1/ports`` per server, bodies like ours,
  from as many threads as our ``--workers`` (8), retried like ours on a 5xx; no OneView.
  **floor + traits** adds the ``PUT /v1/nodes/{uuid}/traits`` that ours sends too (Ironic's
  ``POST /v1/nodes`` takes no traits): Ironic's own cost of what ours writes.

Measured per run: wall time (the whole subprocess for ours and the original: start-up
included), OneView requests (the simulator's counters), Ironic requests by method and path
template with the bytes each way and Ironic's mean answer time (the proxy), 5xx answers, and
the nodes and ports Ironic holds afterwards. Prints a table and writes JSON to
``bench/results/``. With the defaults it takes ~17 min on 2 cores, most of it the original.

    python -m bench.enrollment [--servers 100 1000] [--workers 8] [--database mariadb|sqlite]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import http.client
import http.server
import importlib.metadata
import importlib.util
import inspect
import json
import os
import random
import re
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import yaml

from bench.simulator import _machine
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.service_process import LOOPBACK, cache_dir, free_port
from oneview_openstack.testing.simulator import SimulatorHandle, start_simulator

RESULTS_DIR = Path(__file__).with_name("results")
REPO = Path(__file__).resolve().parents[1]
SHIM = Path(__file__).with_name("originals") / "ov_cli_shim.py"
BIN = Path(sys.executable).parent
SEED = REPO / "oneview_openstack" / "simulator" / "seed" / "default.yaml"

TEMPLATE = "SPT-Bench"
BAYS = 12
ORIGINAL_PACKAGES = ("ironic-oneview-cli==1.2.1", "hpOneView==4.8.0")
ORIGINAL_VENV = "ironic-oneview-cli-1.2.1-hpOneView-4.8.0-py3.11"
MICROVERSION = "1.86"  # what ours sends (oneview_openstack.enrollment.ironic)
LOCAL_GB = 100
FLOOR_TRAITS = (  # as many as ours sets, of the same length
    "CUSTOM_OV_SHT_SY_480_GEN10",
    "CUSTOM_OV_EG_EG_BENCH",
    "CUSTOM_OV_SPT_SPT_BENCH",
    "CUSTOM_OV_FIRMWARE_SY_2024_04_01",
)
RETRIES = 5  # as ours
BACKOFF = 0.1

# Targets of the issue. OneView: a few paged listings and nothing per server.
ONEVIEW_FIXED_MAX = 20
IRONIC_PER_SERVER = 2.0
FLOOR_FACTOR = 1.2

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_NAMED = re.compile(r"^(/v1/(?:nodes|ports))/(?!detail(?:/|$)|\{uuid\})[^/]+")
_PROXY_COUNTS = "/__proxy__/counts"


@dataclass
class Run:
    """One measured command at one N."""

    name: str
    servers: int
    seconds: float
    status: int
    oneview: dict[str, int]
    ironic: dict[str, int]
    ironic_seconds: dict[str, float]
    ironic_bytes_sent: int
    ironic_bytes_received: int
    ironic_5xx: int
    nodes: int
    ports: int
    outcomes: dict[str, int] = field(default_factory=dict)
    note: str = ""
    targets: dict[str, bool] = field(default_factory=dict)

    @property
    def oneview_total(self) -> int:
        return sum(self.oneview.values())

    @property
    def ironic_total(self) -> int:
        return sum(self.ironic.values())

    def per_server(self, value: float) -> float:
        return value / self.servers if self.servers else 0.0


# -- the datacenter ------------------------------------------------------------------------


def write_seed(path: Path, servers: int) -> Path:
    """A seed whose template ``SPT-Bench`` fits exactly *servers* SY 480 blades."""
    seed = yaml.safe_load(SEED.read_text())
    rng = random.Random(servers)
    frames = []
    for number in range(1, -(-servers // BAYS) + 1):
        count = min(BAYS, servers - (number - 1) * BAYS)
        bays = {}
        for bay in range(1, count + 1):
            disk = rng.choice((240, 480, 960, 1920))
            bays[bay] = {
                "model": "SY 480 Gen10",
                "memoryMb": rng.choice((131072, 196608, 262144, 393216, 524288)),
                "processors": rng.choice((1, 2, 2, 2)),
                "cores": rng.choice((12, 14, 20, 24)),
                "disksGb": [disk, disk],
            }
        frames.append(
            {"name": f"Frame{number}", "serial": f"0000B{number:05d}", "group": "EG-Bench",
             "bays": bays}
        )  # fmt: skip
    seed.update(
        enclosure_groups=[{"name": "EG-Bench", "interconnect_group": "LIG-Prod"}],
        enclosures=frames,
        rack_servers=[],
        profiles=[],
        templates=[
            {
                "name": TEMPLATE,
                "hardware_type": "SY 480 Gen10",
                "enclosure_group": "EG-Bench",
                "firmware": "SY-2024.04.01",
                "boot_order": ["PXE", "HardDisk"],
                "connections": [
                    {
                        "name": "deploy",
                        "network": "deploy",
                        "port": "Mezz 3:1-a",
                        "boot": "Primary",
                    },
                    {"name": "tenants", "network": "tenant-set", "port": "Mezz 3:2-a"},
                ],
            }  # fmt: skip
        ],
    )
    path.write_text(yaml.safe_dump(seed, sort_keys=False))
    return path


# -- counting proxy in front of Ironic ------------------------------------------------------


def path_template(method: str, target: str) -> str:
    """``GET /v1/nodes/{uuid}``, ``/v1/nodes/{name}``; query parameters by name only."""
    parts = urlsplit(target)
    path = _NAMED.sub(r"\1/{name}", _UUID.sub("{uuid}", parts.path))
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{method} {path}" + ("?" + "&".join(keys) if keys else "")


class _Counts:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.requests: Counter[str] = Counter()
        # Ironic's answer time, summed per template
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.sent = 0
        self.received = 0
        self.server_errors = 0

    def snapshot(self) -> dict[str, Any]:
        return {
            "requests": dict(sorted(self.requests.items())),
            "seconds": {key: round(value, 4) for key, value in sorted(self.seconds.items())},
            "sent": self.sent,
            "received": self.received,
            "server_errors": self.server_errors,
        }


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    """Forwards each request to Ironic on a kept-alive connection of its own; counts it."""

    protocol_version = "HTTP/1.1"
    server: _ProxyServer
    upstream: http.client.HTTPConnection | None = None
    _HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length",
                      "proxy-connection", "te", "trailer", "upgrade"})  # fmt: skip

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's names
        if self.path == _PROXY_COUNTS:
            with self.server.counts.lock:
                self._answer(200, json.dumps(self.server.counts.snapshot()).encode(), {})
            return
        self._forward()

    def do_DELETE(self) -> None:  # noqa: N802
        if self.path == _PROXY_COUNTS:
            with self.server.counts.lock:
                self.server.counts.clear()
            self._answer(204, b"", {})
            return
        self._forward()

    def do_POST(self) -> None:  # noqa: N802
        self._forward()

    def do_PUT(self) -> None:  # noqa: N802
        self._forward()

    def do_PATCH(self) -> None:  # noqa: N802
        self._forward()

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in self._HOP}
        started = time.perf_counter()
        status, reply_headers, data = self._upstream_call(headers, body)
        elapsed = time.perf_counter() - started
        key = path_template(self.command, self.path)
        with self.server.counts.lock:
            counts = self.server.counts
            counts.requests[key] += 1
            counts.seconds[key] += elapsed
            counts.sent += length
            counts.received += len(data)
            counts.server_errors += status >= 500
        self._answer(status, data, reply_headers)

    def _upstream_call(
        self, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        for attempt in (1, 2):
            reused = self.upstream is not None
            if self.upstream is None:
                self.upstream = http.client.HTTPConnection(*self.server.target, timeout=600)
            try:
                self.upstream.request(self.command, self.path, body=body, headers=headers)
                response = self.upstream.getresponse()
                data = response.read()
            except (http.client.HTTPException, OSError):
                self.upstream.close()
                self.upstream = None
                if reused and attempt == 1:
                    continue  # Ironic closed an idle kept-alive connection: not a failure
                raise
            if response.will_close:
                self.upstream.close()
                self.upstream = None
            reply = {k: v for k, v in response.getheaders() if k.lower() not in self._HOP}
            return response.status, reply, data
        raise AssertionError("unreachable")

    def _answer(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        self.send_response_only(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)


class _ProxyServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, port: int, target: tuple[str, int]) -> None:
        super().__init__((LOOPBACK, port), _ProxyHandler)
        self.target = target
        self.counts = _Counts()


def serve_proxy(port: int, target_port: int) -> None:
    """Run the counting proxy (in a process of its own: the GIL is not shared)."""
    _ProxyServer(port, (LOOPBACK, target_port)).serve_forever()


class CountingProxy:
    """The proxy as a subprocess; ``counts()`` and ``clear()`` over its own path."""

    def __init__(self, target_port: int, log: Path) -> None:
        self.port = free_port()
        code = f"from bench.enrollment import serve_proxy; serve_proxy({self.port}, {target_port})"
        with log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - argv built here
                [sys.executable, "-c", code], cwd=REPO, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(requests.RequestException):
                self.clear()
                return
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the counting proxy did not start; see {log}")
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def counts(self) -> dict[str, Any]:
        result: dict[str, Any] = requests.get(self.url + _PROXY_COUNTS, timeout=30).json()
        return result

    def clear(self) -> None:
        requests.delete(self.url + _PROXY_COUNTS, timeout=30).raise_for_status()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# -- Ironic per run --------------------------------------------------------------------------


class Databases:
    """Where each fresh Ironic keeps its data: a new MariaDB database, or its own sqlite file."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind = kind
        self.server: Any = None
        self.made = 0
        if kind == "mariadb":
            from oneview_openstack.testing.mariadb import MariaDBServer

            self.server = MariaDBServer(workdir / "mariadb", options=["--max-connections=1000"])
            self.server.start()

    def new(self) -> tuple[dict[str, Any], Callable[[], None]]:
        """``IronicService`` keyword arguments for a fresh database, and how to drop it."""
        if self.server is None:
            return {}, lambda: None
        self.made += 1
        name = f"ironic_bench_{self.made}"
        url = self.server.create_database(name)
        return {"database_url": url}, lambda: self.server.drop_database(name)

    def version(self) -> str:
        if self.server is None:
            import sqlite3

            return f"sqlite {sqlite3.sqlite_version}"
        with contextlib.closing(self.server.admin_connection()) as db, db.cursor() as cur:
            cur.execute("SELECT VERSION()")
            return f"MariaDB {cur.fetchone()[0]}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


def database_kind(requested: str | None) -> str:
    """MariaDB when its harness and ``IronicService(database_url=)`` exist, else sqlite."""
    available = (
        importlib.util.find_spec("oneview_openstack.testing.mariadb") is not None
        and "database_url" in inspect.signature(IronicService).parameters
        and Path("/usr/sbin/mariadbd").exists()
    )
    if requested == "mariadb" and not available:
        raise SystemExit("--database mariadb: the MariaDB harness or mariadbd is not there")
    return requested or ("mariadb" if available else "sqlite")


@dataclass
class Bench:
    """What every run of one N shares."""

    workdir: Path
    sim: SimulatorHandle
    databases: Databases
    servers: int
    workers: int
    original: Path | None
    original_timeout: float
    runs_made: int = 0

    @contextlib.contextmanager
    def ironic(self) -> Iterator[tuple[IronicService, CountingProxy]]:
        self.runs_made += 1
        directory = self.workdir / f"ironic-{self.runs_made}"
        database, drop = self.databases.new()
        service = IronicService(
            directory,
            oneview={
                "manager_url": self.sim.url,
                "username": self.sim.username,
                "password": self.sim.password,
                "tls_cacert_file": self.sim.ca_file,
                "enable_periodic_tasks": False,  # no OneView request but the enrollment's
            },
            conductor={"sync_power_state_interval": 0},
            **database,
        )
        try:
            with service:
                proxy = CountingProxy(service.port, directory / "proxy.log")
                try:
                    yield service, proxy
                finally:
                    proxy.stop()
        finally:
            drop()

    def measure(
        self,
        name: str,
        ironic: IronicService,
        proxy: CountingProxy,
        action: Callable[[], tuple[int, dict[str, int], str]],
    ) -> Run:
        """Run *action* with both counters cleared first; what it cost and what it left."""
        self.sim.operator.clear_counters()
        proxy.clear()
        started = time.perf_counter()
        status, outcomes, note = action()
        seconds = time.perf_counter() - started
        oneview = {k: v for k, v in self.sim.operator.counters().items() if "/rest/" in k}
        counts = proxy.counts()
        nodes, ports = ironic_holds(ironic)
        run = Run(
            name=name,
            servers=self.servers,
            seconds=seconds,
            status=status,
            oneview=oneview,
            ironic=counts["requests"],
            ironic_seconds=counts["seconds"],
            ironic_bytes_sent=counts["sent"],
            ironic_bytes_received=counts["received"],
            ironic_5xx=counts["server_errors"],
            nodes=nodes,
            ports=ports,
            outcomes=outcomes,
            note=note,
        )
        print(
            f"  {name}, {self.servers:,} servers: {seconds:.1f} s, {run.oneview_total} OneView "
            f"and {run.ironic_total} Ironic requests ({run.ironic_5xx} 5xx); {nodes} nodes, "
            f"{ports} ports{'; ' + note if note else ''}",
            flush=True,
        )
        return run


def ironic_holds(ironic: IronicService) -> tuple[int, int]:
    """Nodes and ports in Ironic (read directly, not through the proxy)."""
    baremetal = ironic.connection().baremetal
    return len(list(baremetal.nodes())), len(list(baremetal.ports()))


# -- the three contenders --------------------------------------------------------------------


def ours_env(sim: SimulatorHandle, ironic_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "OV_"))}
    env.pop("IRONIC_URL", None)
    env.update(
        OV_AUTH_URL=sim.url,
        OV_USERNAME=sim.username,
        OV_PASSWORD=sim.password,
        OV_CACERT=sim.ca_file,
        IRONIC_URL=ironic_url,
    )
    return env


def run_ours(
    bench: Bench, proxy: CountingProxy, *options: str
) -> Callable[[], tuple[int, dict[str, int], str]]:
    argv = [str(BIN / "ironic-oneview"), "node-create", "-t", TEMPLATE, "-f", "json",
            "--workers", str(bench.workers), *options]  # fmt: skip

    def action() -> tuple[int, dict[str, int], str]:
        done = subprocess.run(  # noqa: S603 - argv built here
            argv,
            env=ours_env(bench.sim, proxy.url),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=3600,
            check=False,
        )
        try:
            rows = json.loads(done.stdout)
        except json.JSONDecodeError:
            rows = []
        outcomes = Counter(str(row.get("Result")) for row in rows)
        note = "" if done.returncode == 0 else f"exit {done.returncode}: {done.stderr[-300:]}"
        return done.returncode, dict(outcomes), note

    return action


def original_env(sim: SimulatorHandle, ironic_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "OV_"))}
    env.update(
        OV_AUTH_URL=sim.host,  # hpOneView takes host:port and speaks HTTPS
        OV_USERNAME=sim.username,
        OV_PASSWORD=sim.password,
        OV_INSECURE="true",
        OS_DRIVER="oneview",
        OS_POWER_INTERFACE="oneview",
        OS_MANAGEMENT_INTERFACE="oneview",
        OS_INSPECT_INTERFACE="oneview",
        OS_DEPLOY_INTERFACE="oneview-direct",
        OS_IRONIC_DEPLOY_KERNEL_UUID="11111111-1111-1111-1111-111111111111",
        OS_IRONIC_DEPLOY_RAMDISK_UUID="22222222-2222-2222-2222-222222222222",
        IRONIC_URL=ironic_url,
        PYTHONUNBUFFERED="1",
    )
    return env


def run_original(
    bench: Bench, proxy: CountingProxy
) -> Callable[[], tuple[int, dict[str, int], str]]:
    assert bench.original is not None
    argv = [str(bench.original / "bin" / "python"), str(SHIM), "node-create", "-t", TEMPLATE,
            "-n", str(bench.servers)]  # fmt: skip
    log = bench.workdir / f"original-{bench.runs_made}.log"

    def action() -> tuple[int, dict[str, int], str]:
        with log.open("w") as out:
            process = subprocess.Popen(  # noqa: S603 - argv built here
                argv,
                env=original_env(bench.sim, proxy.url),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            try:
                status = process.wait(bench.original_timeout)
                note = "" if status == 0 else f"exit {status}: see {log}"
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                status = -9
                note = f"stopped after {bench.original_timeout:.0f} s"
        text = log.read_text(errors="replace")
        outcomes = {
            "created": len(re.findall(r"^Port \S+ was created", text, re.M)),
            "already enrolled": len(re.findall(r"is already enrolled on Ironic", text)),
        }
        if "Traceback" in text and not note:
            note = f"traceback in {log}"
        return status, outcomes, note

    return action


def floor_bodies(servers: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """A node and a port body per server, of the size and shape ours sends."""
    rng = random.Random(servers)
    bodies = []
    for index in range(servers):
        node_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        mac = "02:" + ":".join(f"{rng.randrange(256):02x}" for _ in range(5))
        node = {
            "uuid": node_uuid,
            "name": f"floor-{index}",
            "driver": "oneview",
            "resource_class": "ov-sy-480-gen10-48c-256g-480g",
            "properties": {
                "cpus": 48, "memory_mb": 262144, "local_gb": 480, "cpu_arch": "x86_64",
                "capabilities": "server_hardware_type_uri:" + "a" * 60
                + ",enclosure_group_uri:" + "b" * 60 + ",server_profile_template_uri:"
                + "c" * 60 + ",firmware_baseline:SY-2024.04.01,boot_mode:uefi",
            },
            "driver_info": {"server_hardware_uri": f"/rest/server-hardware/{node_uuid}"},
        }  # fmt: skip
        port = {
            "node_uuid": node_uuid,
            "address": mac,
            "pxe_enabled": True,
            "extra": {"oneview_port_id": "Mezz 3:1-a"},
            "local_link_connection": {
                "switch_id": "02:00:00:00:00:01",
                "port_id": "d1",
                "switch_info": "Frame1, interconnect 3",
            },
        }
        bodies.append((node, port))
    return bodies


def run_floor(
    bench: Bench, proxy: CountingProxy, *, traits: bool = False
) -> Callable[[], tuple[int, dict[str, int], str]]:
    """POST node (and PUT its traits, if *traits*) and POST port per server, *workers* threads."""
    bodies = floor_bodies(bench.servers)
    local = threading.local()
    headers = {"X-OpenStack-Ironic-API-Version": MICROVERSION}

    def send(method: str, path: str, body: dict[str, Any]) -> None:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        for attempt in range(RETRIES + 1):
            response = session.request(
                method, proxy.url + path, json=body, headers=headers, timeout=600
            )
            if response.status_code < 500 or attempt == RETRIES:
                break
            time.sleep(BACKOFF * 2**attempt * (1 + random.random()))  # noqa: S311 - jitter
        if response.status_code == 409 and attempt:  # a retried create that got through
            return
        response.raise_for_status()

    def one(node: dict[str, Any], port: dict[str, Any]) -> None:
        send("POST", "/v1/nodes", node)
        if traits:
            send("PUT", f"/v1/nodes/{node['uuid']}/traits", {"traits": list(FLOOR_TRAITS)})
        send("POST", "/v1/ports", port)

    def action() -> tuple[int, dict[str, int], str]:
        with concurrent.futures.ThreadPoolExecutor(bench.workers) as pool:
            futures = [pool.submit(one, node, port) for node, port in bodies]
            errors = [f.exception() for f in concurrent.futures.as_completed(futures)]
        failed = [error for error in errors if error is not None]
        outcomes = {"created": len(bodies) - len(failed), "failed": len(failed)}
        note = f"{len(failed)} failed, e.g. {failed[0]}" if failed else ""
        return (1 if failed else 0), outcomes, note

    return action


# -- the original's venv -----------------------------------------------------------------------


def original_venv(path: Path | None) -> Path:
    """The venv given, else the cached one of ironic-oneview-cli 1.2.1 (built on first use)."""
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


# -- one N -------------------------------------------------------------------------------------


def measure_size(
    args: argparse.Namespace, workdir: Path, databases: Databases, n: int
) -> list[Run]:
    seed = write_seed(workdir / f"seed-{n}.yaml", n)
    sim = start_simulator(workdir / f"simulator-{n}", seed=seed, timeout=300)
    bench = Bench(workdir / f"n{n}", sim, databases, n, args.workers, args.original_path,
                  args.original_timeout)  # fmt: skip
    runs: list[Run] = []
    try:
        with bench.ironic() as (ironic, proxy):
            runs.append(bench.measure("floor", ironic, proxy, run_floor(bench, proxy)))
        with bench.ironic() as (ironic, proxy):
            action = run_floor(bench, proxy, traits=True)
            runs.append(bench.measure("floor + traits", ironic, proxy, action))
        with bench.ironic() as (ironic, proxy):
            action = run_ours(bench, proxy, "--boot-nic-only")
            runs.append(bench.measure("ours --boot-nic-only", ironic, proxy, action))
            runs.append(bench.measure("ours --boot-nic-only, re-run", ironic, proxy, action))
        with bench.ironic() as (ironic, proxy):
            action = run_ours(bench, proxy, "--boot-nic-only", "--local-gb", str(LOCAL_GB))
            runs.append(
                bench.measure(f"ours --boot-nic-only --local-gb {LOCAL_GB}", ironic, proxy, action)
            )
        if not args.skip_all_nics:
            with bench.ironic() as (ironic, proxy):
                action = run_ours(bench, proxy)
                runs.append(bench.measure("ours, every NIC (2 ports)", ironic, proxy, action))
        if bench.original is not None:
            with bench.ironic() as (ironic, proxy):
                action = run_original(bench, proxy)
                runs.append(bench.measure("original 1.2.1", ironic, proxy, action))
                if n <= args.original_rerun_max:
                    runs.append(bench.measure("original 1.2.1, re-run", ironic, proxy, action))
    finally:
        sim.stop()
    judge(runs)
    return runs


def judge(runs: list[Run]) -> None:
    """The issue's targets, for the runs that create (re-runs create nothing)."""
    floor = next((r for r in runs if r.name == "floor"), None)
    for run in runs:
        if run.name.startswith("floor") or "re-run" in run.name:
            continue
        run.targets["oneview_constant"] = run.oneview_total <= ONEVIEW_FIXED_MAX
        run.targets["ironic_2_per_server"] = run.per_server(run.ironic_total) <= IRONIC_PER_SERVER
        if floor is not None:
            run.targets["wall_1.2x_floor"] = run.seconds <= FLOOR_FACTOR * floor.seconds


# -- report ------------------------------------------------------------------------------------


def startup_seconds(original: Path | None) -> dict[str, float]:
    """How long each command takes to start and exit (part of every run's wall time)."""
    commands = {"ours (ironic-oneview --version)": [str(BIN / "ironic-oneview"), "--version"]}
    if original is not None:
        commands["original (shim --help)"] = [str(original / "bin" / "python"), str(SHIM),
                                             "--help"]  # fmt: skip
    found = {}
    for name, argv in commands.items():
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=False)  # noqa: S603 - fixed argv
            timings.append(time.perf_counter() - started)
        found[name] = min(timings)
    return found


def print_table(runs: list[Run], context: dict[str, Any]) -> None:
    machine = context["machine"]
    print(
        f"\nEnrollment, {machine['cores']} cores ({machine['cpu']}), Python "
        f"{machine['python']}, Ironic {context['ironic']} on {context['database']}, "
        f"{context['workers']} workers\n"
    )
    floors = {r.servers: r for r in runs if r.name == "floor"}
    traited = {r.servers: r for r in runs if r.name == "floor + traits"}
    header = ("run", "N", "wall s", "ms/server", "x floor", "x f+traits", "OneView req",
              "OV/server", "Ironic req", "Ironic/server", "Ironic MB in/out", "5xx",
              "nodes/ports", "targets")  # fmt: skip
    rows = [header]
    for run in runs:
        floor = floors.get(run.servers)
        ratio = f"{run.seconds / floor.seconds:.2f}" if floor else ""
        other = traited.get(run.servers)
        ratio_traits = f"{run.seconds / other.seconds:.2f}" if other else ""
        targets = " ".join(f"{name}:{'ok' if ok else 'MISSED'}" for name, ok in run.targets.items())
        rows.append(
            (
                run.name + (" (!)" if run.note else ""),
                f"{run.servers:,}",
                f"{run.seconds:.1f}",
                f"{run.per_server(run.seconds) * 1000:.0f}",
                ratio,
                ratio_traits,
                f"{run.oneview_total:,}",
                f"{run.per_server(run.oneview_total):.2f}",
                f"{run.ironic_total:,}",
                f"{run.per_server(run.ironic_total):.2f}",
                f"{run.ironic_bytes_sent / 1e6:.2f} / {run.ironic_bytes_received / 1e6:.2f}",
                f"{run.ironic_5xx}",
                f"{run.nodes:,}/{run.ports:,}",
                targets,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))
    print()
    for run in runs:
        if run.note:
            print(f"(!) {run.name}, {run.servers:,}: {' '.join(run.note.split())}")
    for name, seconds in context["startup_seconds"].items():
        print(f"start-up and exit, {name}: {seconds:.2f} s")
    for run in runs:
        print(f"\n{run.name}, {run.servers:,} servers (Ironic: mean answer time):")
        for key, count in sorted(run.oneview.items(), key=lambda item: -item[1]):
            print(f"  OneView {count:7,}  {key}")
        for key, count in sorted(run.ironic.items(), key=lambda item: -item[1]):
            mean = run.ironic_seconds.get(key, 0.0) / count * 1000
            print(f"  Ironic  {count:7,}  {key}  ({mean:.0f} ms)")


def write_json(runs: list[Run], context: dict[str, Any], output: Path) -> Path:
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"enrollment-{time.strftime('%Y%m%dT%H%M%S')}.json"
    document = {
        "benchmark": "enrollment",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        **context,
        "targets": {
            "oneview_constant": f"OneView requests <= {ONEVIEW_FIXED_MAX} whatever N",
            "ironic_2_per_server": f"Ironic requests per server <= {IRONIC_PER_SERVER}",
            "wall_1.2x_floor": f"wall time <= {FLOOR_FACTOR} x the floor's",
        },
        "results": [
            asdict(run) | {"oneview_total": run.oneview_total, "ironic_total": run.ironic_total}
            for run in runs
        ],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.enrollment",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--servers", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--workers", type=int, default=8, help="ours --workers and floor threads")
    parser.add_argument("--database", choices=("mariadb", "sqlite"),
                        help="Ironic's database (default: MariaDB when available)")  # fmt: skip
    parser.add_argument("--skip-original", action="store_true")
    parser.add_argument("--skip-all-nics", action="store_true",
                        help="leave out ours without --boot-nic-only")  # fmt: skip
    parser.add_argument("--original-venv", type=Path, dest="original_path",
                        help=f"venv with {' and '.join(ORIGINAL_PACKAGES)} (default: cached "
                        f"{ORIGINAL_VENV}, built if missing)")  # fmt: skip
    parser.add_argument("--original-timeout", type=float, default=3600.0,
                        help="seconds before a run of the original is stopped")  # fmt: skip
    parser.add_argument("--original-rerun-max", type=int, default=100,
                        help="re-run the original only up to this N (its re-run is as "
                        "quadratic as its first run)")  # fmt: skip
    parser.add_argument("--output", type=Path, default=RESULTS_DIR)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    kind = database_kind(args.database)
    args.original_path = None if args.skip_original else original_venv(args.original_path)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-enrollment-") as tmp:
        workdir = Path(tmp)
        databases = Databases(kind, workdir)
        try:
            context = {
                "machine": _machine(),
                "ironic": importlib.metadata.version("ironic"),
                "database": databases.version(),
                "workers": args.workers,
                "template": TEMPLATE,
                "original": list(ORIGINAL_PACKAGES) if args.original_path else None,
                "startup_seconds": startup_seconds(args.original_path),
            }
            for n in sorted(args.servers):
                runs += measure_size(args, workdir, databases, n)
        finally:
            databases.stop()
    print_table(runs, context)
    print(f"\nwrote {write_json(runs, context, args.output)}")
    return 0 if all(run.status == 0 for run in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
