"""The ML2 driver against the original networking-oneview 1.1.0: networks and port bindings.

For each driver, a fresh simulator (a generated datacenter of ``--servers`` servers:
``LIG-Prod`` with one ``US-Prod-Tenants`` uplink set per logical interconnect), a fresh
MariaDB database and a real Neutron 29 (ML2 vlan, ``physnet1:1000:2999``,
``uplinkset_mappings = physnet1:<LIG-Prod id>:US-Prod-Tenants``):

- (a) ``oneview``, this project's driver, from this venv (``NeutronService``);
- (b) ``oneview`` of networking-oneview 1.1.0 from PyPI, in its own venv (built on first use
  and cached: ``neutron==29.0.0 networking-oneview==1.1.0 hpOneView==4.8.0``), with the
  SQLAlchemy-2 shim of ``bench/originals/nov_neutron.py``.

The same client load for both, ``--clients`` (8) concurrent openstacksdk clients:

1. create ``--small`` (100) VLAN networks on physnet1;
2. create ``--large`` (1,000) more (give up after ``--timeout`` seconds: what was reached is
   reported);
3. bind ``--ports`` (100) bare-metal ports, one per blade carrying a profile from the
   generated template, on one network: ``local_link_information`` names the interconnect
   and downlink and carries networking-oneview's ``switch_info`` JSON
   (``server_hardware_id``, ``bootable``), so one body suits both drivers. The network has a
   subnet: Neutron 29 binds a port without an IP address only through an ``l2``-connectivity
   driver, which the original is not. The original's ``bind_port`` calls a method hpOneView
   never had; the shim supplies it (``--original-unfixed``: as published, no port binds).

Measured: wall time of the client load, and the OneView requests the simulator served
(``GET /sim/counters``) until it is quiet again. Checked after each step: every Neutron
network is a OneView network with its VLAN, in the LIG's uplink set and in every
``US-Prod-Tenants`` uplink set (a missing membership is a lost update); every port is bound
and its server's profile has a connection to the network.

Prints a table and writes JSON to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.simulator import _machine
from oneview_openstack.testing.mariadb import MariaDBServer, create_schema_cached
from oneview_openstack.testing.neutron_service import NeutronService
from oneview_openstack.testing.service_process import (
    LOOPBACK,
    ServiceProcess,
    cache_dir,
    run_checked,
)
from oneview_openstack.testing.simulator import SimulatorHandle, start_simulator

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = Path(__file__).with_name("results")
ORIGINAL_PACKAGES = (
    "neutron==29.0.0",
    "networking-oneview==1.1.0",
    "hpOneView==4.8.0",
    "PyMySQL",
    "openstacksdk",
)
ORIGINAL_VENV = "networking-oneview-1.1.0-neutron-29.0.0-hpOneView-4.8.0-py3.11"
ORIGINAL_RUNNER = Path(__file__).with_name("originals") / "nov_neutron.py"
LIG = "LIG-Prod"
UPLINK_SET = "US-Prod-Tenants"
VLANS = (1000, 2999)
TIME_SCALE = 0.001
DRIVERS = ("ours", "original")
QUIET = 1.5  # seconds without a OneView request: the driver is done


@dataclass
class Step:
    driver: str
    step: str  # networks-100, networks-1000, ports-100
    wanted: int
    done: int = 0
    failed: int = 0
    seconds: float = 0.0  # client load: first request to last answer
    settled_seconds: float = 0.0  # until OneView saw no request for QUIET seconds
    timed_out: bool = False
    oneview_requests: int = 0
    requests_by_type: dict[str, int] = field(default_factory=dict)
    check: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def per_item(self) -> float:
        return self.oneview_requests / self.done if self.done else 0.0


# -- the original's venv and Neutron -----------------------------------------------------------


def original_venv(path: Path | None) -> Path:
    """The venv given, else the cached one of networking-oneview 1.1.0 (built on first use)."""
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
        [str(venv / "bin" / "pip"), "install", "--quiet",
         "-c", str(ROOT / "constraints.txt"), *ORIGINAL_PACKAGES],
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    marker.write_text(" ".join(ORIGINAL_PACKAGES) + "\n")
    return venv


class OriginalNeutron(NeutronService):
    """Neutron with networking-oneview 1.1.0, run by the original's venv and shim."""

    def __init__(self, workdir: Path, venv: Path, fix_bind: bool, **options: Any) -> None:
        super().__init__(workdir, mechanism_drivers=("oneview",), model_modules=(), **options)
        self.venv = venv
        self.fix_bind = fix_bind

    def _config_sections(self) -> tuple[dict[str, dict[str, object]], dict[str, dict[str, object]]]:
        neutron_conf, ml2_conf = super()._config_sections()
        paste = self.venv / "etc" / "neutron" / "api-paste.ini"
        neutron_conf["DEFAULT"]["api_paste_config"] = paste
        return neutron_conf, ml2_conf

    def _create_schema(self) -> None:
        self.schema_cached = create_schema_cached(
            self.database_url, ORIGINAL_VENV, self._upgrade_heads
        )

    def _upgrade_heads(self) -> None:
        run_checked(
            "neutron-db-manage (original)",
            [str(self.venv / "bin" / "neutron-db-manage"),
             "--config-file", str(self.config_path), "--config-file", str(self.ml2_config_path),
             "upgrade", "heads"],
            self.workdir / "neutron-db-manage.log",
        )  # fmt: skip

    def start(self) -> None:
        started = time.monotonic()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.write_config()
        self._create_schema()
        self.schema_seconds = time.monotonic() - started
        argv = [
            str(self.venv / "bin" / "python"), str(ORIGINAL_RUNNER),
            '--host', LOOPBACK, '--port', str(self.port),
            '--config-file', str(self.config_path), '--config-file', str(self.ml2_config_path),
        ]  # fmt: skip
        env = {**os.environ, "NOV_SHIM_FIX_BIND": "1" if self.fix_bind else "0"}
        self._process = ServiceProcess("neutron-original", argv, self.log_path, env=env)
        self._process.start()
        self._process.wait_ready(self._serves_networks, self.startup_timeout)
        self.startup_seconds = time.monotonic() - started


# -- OneView side ------------------------------------------------------------------------------


def rest_get(session: Any, path: str) -> Any:
    response = session.call("GET", path, timeout=60)
    response.raise_for_status()
    return response.json()


def members(session: Any, path: str) -> list[dict[str, Any]]:
    sep = "&" if "?" in path else "?"
    out: list[dict[str, Any]] = []
    page: str | None = f"{path}{sep}start=0&count=-1"
    while page:
        body = rest_get(session, page)
        out.extend(body.get("members", []))
        page = body.get("nextPageUri")
    return out


def oneview_requests(sim: SimulatorHandle) -> dict[str, int]:
    return {k: v for k, v in sim.operator.counters().items() if " /rest" in k}


def settle(sim: SimulatorHandle, timeout: float = 300.0) -> float:
    """Wait until the simulator saw no OneView request for QUIET seconds; seconds waited."""
    started = time.monotonic()
    last = sum(oneview_requests(sim).values())
    quiet_since = time.monotonic()
    while time.monotonic() - started < timeout:
        time.sleep(0.25)
        now = sum(oneview_requests(sim).values())
        if now != last:
            last, quiet_since = now, time.monotonic()
        elif time.monotonic() - quiet_since >= QUIET:
            return quiet_since - started
    return time.monotonic() - started


def make_profiles(sim: SimulatorHandle, count: int, clients: int) -> list[dict[str, Any]]:
    """``count`` blades with a profile from the generated SY480 template; their port bodies."""
    session = sim.rest()
    templates = members(session, "/rest/server-profile-templates")
    template = next(t for t in templates if "SY480" in t["name"])
    interconnects = {ic["uri"]: ic for ic in members(session, "/rest/interconnects")}
    blades = [
        sh
        for sh in members(session, "/rest/server-hardware")
        if sh.get("serverHardwareTypeUri") == template["serverHardwareTypeUri"]
        and sh.get("serverGroupUri") == template.get("enclosureGroupUri")
        and not sh.get("serverProfileUri")
        and sh.get("powerState") == "Off"
    ][:count]
    if len(blades) < count:
        free = f"only {len(blades)} free blades (off, no profile) fit {template['name']}"
        raise SystemExit(f"{free}; use --servers")

    def one(blade: dict[str, Any]) -> dict[str, Any]:
        own = sim.rest()
        body = rest_get(own, f"{template['uri']}/new-profile")
        body.update(name=f"bench-{blade['name']}", serverHardwareUri=blade["uri"])
        response = own.call("POST", "/rest/server-profiles", body)
        response.raise_for_status()
        task = own.wait_task(response.headers["Location"], timeout=120)
        if task.get("taskState") != "Completed":
            raise RuntimeError(f"profile of {blade['name']}: {task.get('taskState')}")
        return port_body(blade, interconnects)

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(one, blades))


def port_body(blade: dict[str, Any], interconnects: dict[str, Any]) -> dict[str, Any]:
    for port in blade["portMap"]["deviceSlots"]:
        for physical in port.get("physicalPorts", []):
            switch = interconnects.get(physical.get("interconnectUri") or "")
            if physical.get("type") != "Ethernet" or switch is None:
                continue
            function = next(v for v in physical["virtualPorts"] if v["portFunction"] == "a")
            switch_info = {"server_hardware_id": blade["uuid"], "bootable": False}
            return {
                "mac_address": function["mac"].lower(),
                "binding_vnic_type": "baremetal",
                "binding_host_id": blade["uuid"],
                "binding_profile": {
                    "local_link_information": [{
                        "switch_id": switch["interconnectMAC"].lower(),
                        "port_id": f"d{physical['interconnectPort']}",
                        "switch_info": json.dumps(switch_info),
                    }],
                },
                "_server": blade["uri"],
            }  # fmt: skip
    raise RuntimeError(f"{blade['name']}: no Ethernet NIC on an interconnect")


# -- the load ----------------------------------------------------------------------------------


def run_load(
    neutron: NeutronService, items: list[Any], clients: int, timeout: float, action: Any
) -> tuple[list[Any], list[str], float, bool]:
    """``action(network_proxy, item)`` for every item, ``clients`` at once, until ``timeout``."""
    lock = threading.Lock()
    pending = iter(items)
    results: list[Any] = []
    errors: list[str] = []
    deadline = time.monotonic() + timeout
    timed_out = False

    def worker() -> None:
        nonlocal timed_out
        network = neutron.connection().network
        while True:
            with lock:
                if time.monotonic() > deadline:
                    timed_out = True
                    return
                item = next(pending, None)
            if item is None:
                return
            try:
                result = action(network, item)
            except Exception as error:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(f"{type(error).__name__}: {error}"[:300])
            else:
                with lock:
                    results.append(result)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors, time.monotonic() - started, timed_out


def create_network(network: Any, index: int) -> dict[str, Any]:
    net = network.create_network(
        name="",
        provider_network_type="vlan",
        provider_physical_network="physnet1",
    )
    return {"id": net.id, "vlan": net.provider_segmentation_id}


def measure(sim: SimulatorHandle, step: Step, run: Any) -> tuple[list[Any], float]:
    sim.operator.clear_counters()
    results, errors, seconds, timed_out = run()
    step.settled_seconds = seconds + settle(sim)
    counters = oneview_requests(sim)
    step.seconds = seconds
    step.done, step.failed, step.timed_out = len(results), len(errors), timed_out
    step.errors = sorted(set(errors))[:5]
    step.oneview_requests = sum(counters.values())
    step.requests_by_type = dict(sorted(counters.items(), key=lambda kv: -kv[1]))
    return results, seconds


def check_networks(
    sim: SimulatorHandle, lig_uri: str, networks: list[dict[str, Any]]
) -> dict[str, Any]:
    session = sim.rest()
    by_tag: dict[str, list[dict[str, Any]]] = {}
    for ov_net in members(session, "/rest/ethernet-networks"):
        name = ov_net.get("name", "")
        if "Neutron [" in name:
            tag = name[name.index("Neutron [") + 9 :].split("]")[0]
            by_tag.setdefault(tag, []).append(ov_net)
    uplink_sets = [u for u in members(session, "/rest/uplink-sets") if u["name"] == UPLINK_SET]
    lig = rest_get(session, lig_uri)
    lig_set = next(u for u in lig["uplinkSets"] if u["name"] == UPLINK_SET)
    missing, wrong_vlan, duplicates, not_in_lig, lost = 0, 0, 0, 0, 0
    for net in networks:
        found = by_tag.get(net["id"], [])
        if not found:
            missing += 1
            continue
        duplicates += len(found) - 1
        ov_net = found[0]
        wrong_vlan += ov_net.get("vlanId") != net["vlan"]
        not_in_lig += ov_net["uri"] not in lig_set.get("networkUris", [])
        lost += sum(ov_net["uri"] not in u.get("networkUris", []) for u in uplink_sets)
    return {
        "neutron_networks": len(networks),
        "missing_in_oneview": missing,
        "duplicates": duplicates,
        "wrong_vlan": wrong_vlan,
        "not_in_lig_uplink_set": not_in_lig,
        "uplink_sets": len(uplink_sets),
        "missing_uplink_set_memberships": lost,
        "ok": not (missing or duplicates or wrong_vlan or not_in_lig or lost),
    }


def check_ports(
    sim: SimulatorHandle,
    network_uri: str | None,
    ports: list[dict[str, Any]],
    neutron: NeutronService,
) -> dict[str, Any]:
    session = sim.rest()
    api = neutron.connection().network
    bound, connected = 0, 0
    for port in ports:
        current = api.get_port(port["id"])
        bound += current.binding_vif_type not in ("binding_failed", "unbound", None)
        server = rest_get(session, port["server"])
        profile = (
            rest_get(session, server["serverProfileUri"]) if server.get("serverProfileUri") else {}
        )
        connections = (profile.get("connectionSettings") or {}).get("connections")
        connected += any(
            c.get("networkUri") == network_uri
            for c in connections or profile.get("connections") or []
        )
    return {
        "ports": len(ports),
        "bound": bound,
        "profiles_connected": connected,
        "ok": bound == connected == len(ports),
    }


# -- one driver --------------------------------------------------------------------------------


def run_driver(
    driver: str, workdir: Path, mariadb: MariaDBServer, args: argparse.Namespace
) -> list[Step]:
    print(f"[{driver}] simulator with {args.servers} servers", flush=True)
    sim = start_simulator(workdir / "simulator", servers=args.servers, time_scale=TIME_SCALE)
    steps: list[Step] = []
    try:
        session = sim.rest()
        lig = next(
            g for g in members(session, "/rest/logical-interconnect-groups") if g["name"] == LIG
        )
        taken: set[int] = {
            n["vlanId"] for n in members(session, "/rest/ethernet-networks") if "vlanId" in n
        }
        if taken & set(range(VLANS[0], VLANS[1] + 1)):
            raise SystemExit(f"VLANs {sorted(taken)} overlap {VLANS}")
        lig_id = lig["uri"].rsplit("/", 1)[-1]
        bodies = make_profiles(sim, args.ports, args.clients)
        print(f"[{driver}] {len(bodies)} profiles made", flush=True)
        mapping = f"physnet1:{lig_id}:{UPLINK_SET}"
        host = urlsplit(sim.url).netloc
        options: dict[str, Any] = {
            "database_url": mariadb.create_database(f"neutron_{driver}"),
            "vlan_ranges": (f"physnet1:{VLANS[0]}:{VLANS[1]}",),
            "startup_timeout": 180.0,
        }
        if driver == "ours":
            neutron: NeutronService = NeutronService(
                workdir / "neutron",
                sections={
                    "oneview": {"manager_url": sim.url, "username": sim.username,
                                "password": sim.password, "tls_cacert_file": sim.ca_file},
                    "ml2_oneview": {"uplinkset_mappings": mapping, "sync_interval": 0},
                },
                **options,
            )  # fmt: skip
        else:
            neutron = OriginalNeutron(
                workdir / "neutron",
                original_venv(args.original_venv),
                not args.original_unfixed,
                sections={
                    "DEFAULT": {"uplinkset_mappings": mapping, "sync_interval": 3600},
                    "oneview": {"oneview_host": host, "username": sim.username,
                                "password": sim.password, "allow_insecure_connections": True},
                },
                **options,
            )  # fmt: skip
        with neutron:
            print(f"[{driver}] neutron up in {neutron.startup_seconds:.1f} s", flush=True)
            settle(sim)
            networks: list[dict[str, Any]] = []
            for count, name in (
                (args.small, f"networks-{args.small}"),
                (args.large, f"networks-{args.large}"),
            ):
                step = Step(driver, name, count)
                items = list(range(count))
                results, _ = measure(
                    sim, step,
                    lambda items=items: run_load(
                        neutron, items, args.clients, args.timeout, create_network
                    ),
                )  # fmt: skip
                networks.extend(results)
                step.check = check_networks(sim, lig["uri"], networks)
                steps.append(step)
                print_step(step)
            # ports: on a network of their own, with a subnet (Neutron 29 binds a port without
            # an IP address only with a mechanism driver of 'l2' connectivity, which the
            # original is not)
            api = neutron.connection().network
            port_net = api.create_network(
                name="bench-ports",
                provider_network_type="vlan",
                provider_physical_network="physnet1",
            )
            api.create_subnet(
                network_id=port_net.id, ip_version=4, cidr="10.20.0.0/22", enable_dhcp=False
            )
            settle(sim)
            ov_net = next(
                (
                    n
                    for n in members(session, "/rest/ethernet-networks")
                    if port_net.id in n.get("name", "")
                ),
                None,
            )
            step = Step(driver, f"ports-{args.ports}", len(bodies))

            def bind(network: Any, body: dict[str, Any]) -> dict[str, Any]:
                clean = {k: v for k, v in body.items() if not k.startswith("_")}
                port = network.create_port(network_id=port_net.id, **clean)
                return {"id": port.id, "server": body["_server"], "mac": body["mac_address"]}

            ports, _ = measure(
                sim, step, lambda: run_load(neutron, bodies, args.clients, args.timeout, bind)
            )
            step.check = check_ports(sim, ov_net["uri"] if ov_net else None, ports, neutron)
            steps.append(step)
            print_step(step)
    finally:
        sim.stop()
    return steps


# -- output ------------------------------------------------------------------------------------


def print_step(step: Step) -> None:
    print(
        f"[{step.driver}] {step.step}: {step.done}/{step.wanted} in {step.seconds:.1f} s "
        f"(settled {step.settled_seconds:.1f} s), {step.oneview_requests} OneView requests, "
        f"failed {step.failed}{' TIMED OUT' if step.timed_out else ''}; check {step.check}",
        flush=True,
    )


def print_table(steps: list[Step]) -> None:
    rows = [("step", "driver", "done", "seconds", "items/s", "OV requests", "OV req/item", "check")]
    for step in steps:
        check = (
            "ok"
            if step.check.get("ok")
            else json.dumps({k: v for k, v in step.check.items() if v and k != "ok"})
        )
        done = f"{step.done}/{step.wanted}" + (" (timeout)" if step.timed_out else "")
        rate = step.done / step.seconds if step.seconds else 0.0
        rows.append((step.step, step.driver, done, f"{step.seconds:.1f}", f"{rate:.1f}",
                     str(step.oneview_requests), f"{step.per_item:.1f}", check))  # fmt: skip
    by = {(s.step, s.driver): s for s in steps}
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print()
    for name in dict.fromkeys(s.step for s in steps):
        ours, orig = by.get((name, "ours")), by.get((name, "original"))
        if ours and orig and ours.done and orig.done:
            req = (orig.per_item / ours.per_item) if ours.per_item else float("inf")
            speed = (orig.seconds / orig.done) / (ours.seconds / ours.done) if ours.seconds else 0.0
            print(f"{name}: original/ours per item: {req:.1f}x OneView requests, {speed:.1f}x time")
    machine = _machine()
    print(f"\nmachine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}")


def write_json(steps: list[Step], args: argparse.Namespace) -> Path:
    args.output.mkdir(parents=True, exist_ok=True)
    path: Path = args.output / f"ml2-{time.strftime('%Y%m%dT%H%M%S')}.json"
    options = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    path.write_text(json.dumps(
        {"machine": _machine(), "options": options,
         "steps": [{**asdict(s), "oneview_requests_per_item": s.per_item} for s in steps]},
        indent=1,
    ))  # fmt: skip
    return path


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ml2",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--ports", type=int, default=100)
    parser.add_argument("--servers", type=int, default=160)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds a step's load may take (then: what it reached)")  # fmt: skip
    parser.add_argument("--drivers", default=",".join(DRIVERS))
    parser.add_argument("--original-unfixed", action="store_true",
                        help="run the original's bind_port as published (it fails: see "
                        "bench/originals/nov_neutron.py)")  # fmt: skip
    parser.add_argument("--original-venv", type=Path, dest="original_venv")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR)
    parser.add_argument("--workdir", type=Path,
                        help="keep the services' files and logs here (default: a temporary "
                        "directory)")  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    drivers = [d for d in args.drivers.split(",") if d]
    if "original" in drivers:
        args.original_venv = original_venv(args.original_venv)
    steps: list[Step] = []
    with tempfile.TemporaryDirectory(prefix="bench-ml2-") as tmp:
        workdir = args.workdir or Path(tmp)
        with MariaDBServer(workdir / "mariadb", options=["--max-connections=1000"]) as mariadb:
            for driver in drivers:
                steps.extend(run_driver(driver, workdir / driver, mariadb, args))
    steps.sort(key=lambda s: (s.step, DRIVERS.index(s.driver)))
    print()
    print_table(steps)
    print(f"\nwrote {write_json(steps, args)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
