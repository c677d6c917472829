"""One pass of Ironic's power-state sync over deployed ``oneview`` nodes: OneView requests.

Ironic's conductor asks every node, on every pass of its power-state sync, for its power
state, then (``conductor/utils.py``) its vendor, boot mode, secure boot state and, with
``[conductor] enable_health_monitoring``, its health. This counts the OneView requests of one
such pass over 1,000 (by default) **deployed** nodes: active, each on a server carrying the
profile Ironic applied, in a real Ironic (the all-in-one ``ironic`` process, on MariaDB when
the harness and ``mariadbd`` are there, else sqlite) against one simulator. Three
configurations, each in its own Ironic, one after the other:

- **before**: this tree with the management interface as of ``--before`` (a commit, by
  default the last one before it served boot mode and secure boot from a shared listing):
  a copy of the package with that ``management.py``, put first on the Ironic process's
  ``PYTHONPATH``; its ``get_boot_mode`` read each node's profile;
- **after**: this tree: boot mode and secure boot from one shared listing of the profiles,
  power state and health from one shared listing of the servers;
- **after, each node alone**: this tree with ``[oneview]inventory_max_age = 0`` (no shared
  listing: what every node costs read on its own).

Requests are the simulator's counters, cleared just after a pass ends and read just after the
next one ends. One node is enrolled and provided through Ironic's API; the deployed nodes are
copies of it written with Ironic's own table definition, active, on servers that carry a
profile made from their template and are off (so the pass changes nothing). Prints a table
and writes JSON to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlalchemy

from bench.enrollment import Databases, database_kind
from bench.ironic_periodics import SYNC, wait_until
from bench.simulator import _machine
from oneview_openstack.client import OneViewClient, PowerState
from oneview_openstack.testing.ironic_nodes import move_node
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.simulator import SimulatorHandle, start_simulator

RESULTS_DIR = Path(__file__).with_name("results")
REPOSITORY = Path(__file__).resolve().parent.parent
BEFORE = "1ce62ff"  # the management interface read each node's profile for its boot mode
MANAGEMENT = "oneview_openstack/ironic_driver/management.py"
PAGE_SIZE = 500
APPLIED = "applied_server_profile_uri"


@dataclass(frozen=True)
class Configuration:
    name: str
    oneview: dict[str, Any]
    before: bool = False


CONFIGURATIONS = (
    Configuration("before", {"inventory_max_age": 19}, before=True),
    Configuration("after", {"inventory_max_age": 19}),
    Configuration("after, each node alone", {"inventory_max_age": 0}),
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


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.ironic_power_sync", description=__doc__)
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--before", default=BEFORE, help="commit of the 'before' driver")
    parser.add_argument("--database", choices=("mariadb", "sqlite"), default=None)
    parser.add_argument("--output", type=Path, default=RESULTS_DIR)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    measures = []
    with tempfile.TemporaryDirectory(prefix="bench-power-sync-") as tmp:
        workdir = Path(tmp)
        before_tree = export_tree(args.before, workdir / "before")
        sim = start_simulator(
            workdir / "simulator", servers=int(args.nodes * 1.25), time_scale=0.001
        )
        databases = Databases(database_kind(args.database), workdir)
        try:
            profiles = apply_profiles(sim, args.nodes)
            print(f"{len(profiles):,} servers carry a profile", flush=True)
            for configuration in CONFIGURATIONS:
                tree = before_tree if configuration.before else None
                measure = measure_configuration(
                    workdir, sim, databases, configuration, profiles, tree
                )
                print(f"  {configuration.name}: {measure.total_calls:,} requests "
                      f"{measure.calls}, {measure.seconds:.2f} s", flush=True)  # fmt: skip
                measures.append(measure)
            database = databases.version()
        finally:
            databases.stop()
            sim.stop()
    print_table(measures, database)
    print(f"\nwrote {write_json(measures, args, database)}")
    return 0


def export_tree(commit: str, directory: Path) -> Path:
    """A copy of this tree's package with the management interface as of *commit*, in
    *directory* (for PYTHONPATH)."""
    shutil.copytree(
        REPOSITORY / "oneview_openstack",
        directory / "oneview_openstack",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    old = subprocess.run(
        ["git", "-C", str(REPOSITORY), "show", f"{commit}:{MANAGEMENT}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    (directory / MANAGEMENT).write_text(old)
    return directory


def apply_profiles(sim: SimulatorHandle, count: int) -> dict[str, str]:
    """Profiles made from each server's template on *count* idle servers: server -> profile."""
    with OneViewClient(sim.url, sim.username, sim.password, ca_file=sim.ca_file) as ov:
        templates = {
            (t.get("serverHardwareTypeUri"), t.get("enclosureGroupUri")): t.uri
            for t in ov.server_profile_templates.list()
        }
        chosen: list[tuple[str, str]] = []
        for server in ov.server_hardware.list():
            template = templates.get((server.server_hardware_type_uri, server.enclosure_group_uri))
            idle = not server.server_profile_uri and server.power_state == PowerState.OFF
            if template and idle and len(chosen) < count:
                chosen.append((server.uri, template))
        if len(chosen) < count:
            raise SystemExit(f"only {len(chosen)} idle servers with a template for {count} nodes")

        def apply(item: tuple[int, tuple[str, str]]) -> tuple[str, str]:
            number, (server, template) = item
            profile = ov.server_profiles.create_from_template(
                template, f"ironic-bench-{number}", server
            )
            return server, profile.uri

        with ThreadPoolExecutor(16) as pool:
            return dict(pool.map(apply, enumerate(chosen)))


def measure_configuration(
    workdir: Path,
    sim: SimulatorHandle,
    databases: Databases,
    configuration: Configuration,
    profiles: Mapping[str, str],
    tree: Path | None,
) -> Measure:
    with ironic_for(workdir, sim, databases, configuration, tree) as ironic:
        first = enroll_first(ironic, next(iter(profiles)))
        copies = [
            deployed(server, profile, number)
            for number, (server, profile) in enumerate(profiles.items(), start=1)
        ]
        clone_rows(ironic.database_url, first, copies)
        return one_pass(ironic, sim, configuration, len(copies))


@contextlib.contextmanager
def ironic_for(
    workdir: Path,
    sim: SimulatorHandle,
    databases: Databases,
    configuration: Configuration,
    tree: Path | None,
) -> Iterator[IronicService]:
    oneview = {
        "manager_url": sim.url,
        "username": sim.username,
        "password": sim.password,
        "tls_cacert_file": sim.ca_file,
        "inventory_page_size": PAGE_SIZE,
        "enable_periodic_tasks": False,
        **configuration.oneview,
    }
    conductor = {
        "automated_clean": False,
        "sync_power_state_interval": 20,
        "enable_health_monitoring": True,
    }
    directory = workdir / configuration.name.replace(" ", "-").replace(",", "")
    database, drop = databases.new()
    try:
        with (
            python_path(tree),
            IronicService(
                directory, oneview=oneview, conductor=conductor, debug=True, **database
            ) as ironic,
        ):
            yield ironic
    finally:
        drop()


@contextlib.contextmanager
def python_path(tree: Path | None) -> Iterator[None]:
    """Ironic (started meanwhile) imports ``oneview_openstack`` from *tree* when given."""
    saved = os.environ.get("PYTHONPATH")
    if tree is not None:
        os.environ["PYTHONPATH"] = str(tree)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def enroll_first(ironic: IronicService, server_uri: str) -> str:
    """One node through the API (Ironic fills in every field); it stays available."""
    baremetal = ironic.connection().baremetal
    node = baremetal.create_node(
        driver="oneview", name="bench-enrolled", driver_info={"server_hardware_uri": server_uri}
    )
    move_node(baremetal, node.id, "manage")
    move_node(baremetal, node.id, "provide")
    return str(node.id)


def deployed(server: str, profile: str, number: int) -> dict[str, Any]:
    """An active node on *server* whose profile Ironic applied."""
    return {
        "name": f"bench-{number}",
        "driver_info": {"server_hardware_uri": server},
        "driver_internal_info": {APPLIED: profile},
        "provision_state": "active",
        "power_state": "power off",
        "instance_uuid": str(uuid.uuid4()),
        "boot_mode": "uefi",
    }


def clone_rows(url: str, source_uuid: str, variations: Sequence[Mapping[str, Any]]) -> None:
    """Copies of node *source_uuid*'s row, one per variation, in one transaction (any
    database Ironic runs on; ``testing.ironic_bulk`` does the same for sqlite files)."""
    from ironic.db.sqlalchemy import models

    table = models.Node.__table__
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as connection:
            source = connection.execute(sqlalchemy.select(table).where(table.c.uuid == source_uuid))
            row = dict(source.mappings().one())
            row.pop("id")
            rows = [{**row, "uuid": str(uuid.uuid4()), **dict(v)} for v in variations]
            connection.execute(table.insert(), rows)
    finally:
        engine.dispose()


def one_pass(
    ironic: IronicService, sim: SimulatorHandle, configuration: Configuration, nodes: int
) -> Measure:
    """Requests and duration of one whole pass that saw every node (the second one after they
    were written: the first may have started before)."""
    seen = len(SYNC.findall(ironic.log_text()))
    wait_until(lambda: len(SYNC.findall(ironic.log_text())) >= seen + 2, "two passes")
    ended = len(SYNC.findall(ironic.log_text()))
    sim.operator.clear_counters()
    wait_until(lambda: len(SYNC.findall(ironic.log_text())) > ended, "the next pass")
    calls = {k: v for k, v in sim.operator.counters().items() if "/rest/" in k}
    seconds = float(SYNC.findall(ironic.log_text())[ended])
    return Measure(configuration.name, nodes, calls, seconds)


def print_table(measures: list[Measure], database: str) -> None:
    machine = _machine()
    print(
        f"\nOne power-sync pass over {measures[0].nodes:,} deployed nodes, {database}, "
        f"{machine['cores']} cores ({machine['cpu']}), Python {machine['python']}\n"
    )
    rows = [["configuration", "requests", "of which profile GETs", "pass"]]
    for m in measures:
        profile_gets = m.calls.get("GET /rest/server-profiles/{id}", 0)
        rows.append(
            [m.configuration, f"{m.total_calls:,}", f"{profile_gets:,}", f"{m.seconds:.2f} s"]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def write_json(measures: list[Measure], args: argparse.Namespace, database: str) -> Path:
    args.output.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    path: Path = args.output / f"ironic-power-sync-{stamp}.json"
    document = {
        "benchmark": "ironic_power_sync",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": _machine(),
        "database": database,
        "parameters": {"nodes": args.nodes, "before": args.before, "page_size": PAGE_SIZE},
        "configurations": [asdict(c) for c in CONFIGURATIONS],
        "results": [asdict(m) | {"total_calls": m.total_calls} for m in measures],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
