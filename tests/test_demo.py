"""``make demo`` end to end: what an operator watching the terminal sees, and nothing left running.

The demo runs once for the module with ``--keep`` (``python -m oneview_openstack.demo --workdir
DIR --keep``: MariaDB, RabbitMQ, Placement, Glance, Neutron, Ironic, Nova, ironic-oneviewd and
the OneView simulator); each test checks one chapter of its output. Once it keeps the cloud
running, the ``clouds.yaml`` it printed is used, then SIGTERM stops it. Other runs are
interrupted early (Ctrl-C while starting, also to a demo started with SIGINT ignored; SIGTERM
while starting) or lose Ironic, and must say so and stop everything.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Collection
from pathlib import Path

import pytest

pytestmark = pytest.mark.functional

DEMO = [sys.executable, "-m", "oneview_openstack.demo"]
STOPPING = "Stopping every service ..."
STOPPED = "Every service stopped cleanly."
KEPT = "stops everything."  # the last line --keep prints before it waits
#: A row of Placement's inventory of a node: its resource class, total 1, reserved 0.
OFFERED = r"CUSTOM_OV_SY_480_GEN10_1_24C_192G_446G\s+1\s+0\n"
WITHHELD = r"CUSTOM_OV_SY_480_GEN10_1_24C_192G_446G\s+1\s+1\n"
OPENSTACK = str(Path(sys.executable).parent / "openstack")


def processes_using(workdir: Path, pids: Collection[int] = ()) -> list[str]:
    """The processes running for ``workdir`` (named in their command line or environment)
    or among ``pids``: ``pid: command line``."""
    needle = f"{workdir}/".encode()
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            argv = (proc / "cmdline").read_bytes()
            named = needle in argv or needle in (proc / "environ").read_bytes()
            if (named or int(proc.name) in pids) and int(proc.name) != os.getpid():
                found.append(proc.name + ": " + argv.replace(b"\0", b" ").decode())
    return found


def descendants(pid: int) -> set[int]:
    """The processes ``pid`` started, and theirs (each service runs in a session of its own)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def kill_leftovers(lines: list[str]) -> None:
    """After a failed test only: SIGKILL what the demo under test left behind."""
    for line in lines:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(line.split(":", 1)[0]), signal.SIGKILL)


@dataclasses.dataclass
class Run:
    """One demo run: its exit status, its output and what it left running."""

    status: int | None
    output: str
    leftovers: list[str]


Act = Callable[[subprocess.Popen[str], str], None]


def run_demo(
    workdir: Path,
    when: str,
    act: Act,
    *,
    keep: bool = False,
    timeout: float = 480,
    preexec_fn: Callable[[], None] | None = None,
) -> Run:
    """Run the demo; once a line contains ``when``, call ``act(demo, output so far)`` and
    read the rest. The demo's process group is SIGKILLed after ``timeout`` seconds; what it
    started and still runs is killed before returning."""
    demo = subprocess.Popen(
        [*DEMO, "--workdir", str(workdir), *(["--keep"] if keep else [])],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        preexec_fn=preexec_fn,
    )
    watchdog = threading.Timer(timeout, lambda: os.killpg(demo.pid, signal.SIGKILL))
    watchdog.start()
    seen: list[str] = []
    started: set[int] = set()
    try:
        assert demo.stdout is not None
        for line in demo.stdout:
            seen.append(line)
            if when in line:
                started = descendants(demo.pid)
                act(demo, "".join(seen))
                break
        seen.append(demo.communicate(timeout=timeout)[0])
    finally:
        watchdog.cancel()
        if demo.poll() is None:
            demo.kill()
        leftovers = processes_using(workdir, started)
        kill_leftovers(leftovers)
    return Run(demo.returncode, "".join(seen), leftovers)


@dataclasses.dataclass
class KeptRun(Run):
    node_list: subprocess.CompletedProcess[str] | None = None


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> KeptRun:
    """The whole story with ``--keep``; while the cloud is kept, ``openstack baremetal node
    list`` with the ``export`` it printed; then SIGTERM."""
    node_list = []

    def use_then_stop(process: subprocess.Popen[str], printed: str) -> None:
        export = re.findall(r"export (OS_CLIENT_CONFIG_FILE=\S+) (OS_CLOUD=\S+)", printed)
        env = {**os.environ, **dict(v.split("=", 1) for v in export[0])} if export else None
        node_list.append(subprocess.run(  # noqa: S603 - the venv's openstack
            [OPENSTACK, "baremetal", "node", "list", "-f", "json"],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        ))  # fmt: skip
        process.send_signal(signal.SIGTERM)

    run = run_demo(tmp_path_factory.mktemp("demo"), KEPT, use_then_stop, keep=True)
    return KeptRun(run.status, run.output, run.leftovers, next(iter(node_list), None))


@pytest.fixture(scope="module")
def out(demo: KeptRun) -> str:
    assert demo.status == 0, demo.output[-6000:]
    return demo.output


def section(text: str, start: str, end: str) -> str:
    """The output from ``start`` to the next ``end``."""
    begin = text.index(start)
    return text[begin : text.index(end, begin + len(start))]


def test_sigterm_ends_the_kept_cloud_and_stops_everything(demo: KeptRun, out: str) -> None:
    assert "DEMO FAILED" not in out
    assert re.search(r"The story took \d+ s, \d+ s of it starting the services\.", out)
    assert f"Stopped. {STOPPING}" in out
    assert out.rstrip().endswith(STOPPED)
    assert demo.leftovers == []


def test_kept_running_it_prints_a_clouds_yaml_the_openstack_cli_uses(
    demo: KeptRun, out: str
) -> None:
    kept = section(out, "Chapter 6.", STOPPING)
    assert re.search(r"compute\s+http://127\.0\.0\.1:\d+/v2\.1", kept)
    assert re.search(r"baremetal_endpoint_override: http://127\.0\.0\.1:\d+", kept)
    assert re.search(r"kill -TERM \d+, stops everything\.", kept)
    assert "--image ubuntu-24.04.raw --network tenant-blue --wait blue-3" in kept
    assert "admin-password" not in out  # OneView's password stays in the configs
    assert demo.node_list is not None and demo.node_list.returncode == 0, demo.node_list
    nodes = json.loads(demo.node_list.stdout)
    assert sorted((n["name"], n["provision_state"]) for n in nodes) == [
        ("frame3-bay-1", "available"),
        ("frame3-bay-2", "available"),
    ]


def test_chapter_1_starts_every_service_and_shows_the_appliance(out: str) -> None:
    chapter = section(out, "Chapter 1.", "Chapter 2.")
    for service in ("mariadbd", "rabbitmq-server", "OneView simulator", "neutron", "ironic",
                    "nova-compute"):  # fmt: skip
        assert re.search(rf"{service} started, pid \d+", chapter), service
    assert re.search(r"Everything is up in \d+ s", chapter)
    assert "Server hardware (17 servers)" in chapter
    assert "Frame2, bay 4 carries 'sap-hana-01', a OneView user's server profile." in chapter
    assert "Frame3, bay 1: 24 cores, 192 GiB, power Off, free (Ironic will manage it)" in chapter
    assert re.search(r"task 'Power on': Completed; \S.* is On", chapter)


def test_chapter_2_the_daemon_brings_the_templates_servers_to_available(out: str) -> None:
    chapter = section(out, "Chapter 2.", "Chapter 3.")
    moving = section(chapter, "-- The nodes as Ironic and OneView show them", "-- Enrolled")
    for node, server in (("frame3-bay-1", "Frame3, bay 1"), ("frame3-bay-2", "Frame3, bay 2")):
        enrolled = moving.index(f"Ironic   {node}: enroll")
        cleaning = moving.index(f"Ironic   {node}: clean wait -> available", enrolled)
        assert f"OneView  {server}: ProfileApplied" in moving  # cleaning's profile
        assert re.search(rf"Ironic   {node}: available\s+power off", moving[cleaning:])
    assert "enrolled 2, repaired 0, failed 0" in " ".join(chapter.split())  # the daemon's log
    table = section(chapter, "-- Enrolled", "-- Nova's view")
    assert re.search(
        r"frame3-bay-1\s+available\s+ov-sy-480-gen10-1-24c-192g-446g\s+Frame3, bay 1\s+"
        r"NoProfileApplied\s+Off\s+none",
        table,
    )
    capacity = chapter[chapter.index("-- Nova's view") :]
    assert len(re.findall(OFFERED, capacity)) == 2


def test_chapter_3_the_cli_flavor_a_tenant_vlan_in_oneviews_uplink_sets_and_an_image(
    out: str,
) -> None:
    chapter = section(out, "Chapter 3.", "Chapter 4.")
    assert "Name: ov-sy-480-gen10-1-24c-192g-446g.eg-edge.sy-2023-10-01" in chapter
    assert "Result: created" in chapter
    assert "trait:CUSTOM_OV_EG_EG_EDGE: required" in chapter
    vlan = re.search(r"segment\s+vlan (\d+) on physnet1", chapter)
    assert vlan
    network_id = re.search(r"Neutron network\s+tenant-blue \((\S+)\)", chapter)
    assert network_id
    assert f"tenant-blue (Neutron [{network_id[1]}]), vlan {vlan[1]}" in chapter
    assert re.search(r"on uplink sets\s+US-Edge-Tenants, US-Tenants \(3:", chapter)
    assert re.search(r"Glance image\s+ubuntu-24\.04\.raw \(\S+\), active", chapter)


def test_chapter_4_server_create_is_active_on_a_blade_on_the_tenant_vlan(out: str) -> None:
    vlan = re.search(r"segment\s+vlan (\d+) on physnet1", out)
    image_id = re.search(r"Glance image\s+ubuntu-24\.04\.raw \((\S+)\)", out)
    assert vlan and image_id
    chapter = section(out, "Chapter 4.", "Chapter 5.")
    created = section(chapter, "-- The tenant: openstack server create", "-- OpenStack's side")
    assert "Nova     server: BUILD" in created
    assert re.search(r"Ironic   frame3-bay-\d: wait call-back -> active", created)
    assert "Nova     server: ACTIVE" in created
    side = section(chapter, "-- OpenStack's side", "-- OneView's side")
    server = re.search(r"Nova server\s+blue-1 \((\S+)\): ACTIVE, 10\.30\.0\.\d+", side)
    node = re.search(r"on node\s+(frame3-bay-\d) \((\S+)\)", side)
    assert server and node
    assert re.search(rf"Ironic node\s+active, power on, instance {server[1]}", side)
    assert re.search(r"Neutron port\s+\S+: ACTIVE, MAC", side)
    assert re.search(rf"bound\s+host {node[2]}, vnic baremetal", side)
    oneview = section(chapter, "-- OneView's side", "-- The tenant: openstack server delete")
    assert re.search(rf"server profile\s+ironic-{node[1]} \(/rest/server-profiles/", oneview)
    assert re.search(r"from template\s+SPT-Edge-SY480", oneview)
    assert re.search(
        rf"connection \d\s+Mezz 3:1-a, MAC \S+: tenant-blue \(Neutron \[\S+\]\), vlan {vlan[1]}",
        oneview,
    )
    assert re.search(r"server hardware\s+Frame3, bay \d: ProfileApplied, power On", oneview)
    assert re.search(rf"image\s+{image_id[1]} from http://", oneview)
    assert "(Glance's: the same)" in oneview


def test_chapter_4_server_delete_cleans_the_node_and_removes_the_profile(out: str) -> None:
    node = re.search(r"on node\s+(frame3-bay-\d)", out)
    assert node
    deleted = section(out, "-- The tenant: openstack server delete blue-1", "Chapter 5.")
    assert "Nova     server: gone" in deleted
    assert re.search(rf"Ironic   {node[1]}: cleaning -> available", deleted)
    assert re.search(rf"Ironic   {node[1]}: available\s+power off\n", deleted)
    assert re.search(
        rf"server profile ironic-{node[1]} and its tenant connection are gone "
        r"\(GET /rest/server-profiles/\S+: 404\)",
        deleted,
    )
    assert "the disk holds no image (cleaning erased it)" in deleted
    assert "Neutron ports of blue-1: 0" in deleted


def test_chapter_5_servers_taken_by_oneview_users_give_no_valid_host(out: str) -> None:
    chapter = section(out, "Chapter 5.", "Chapter 6.")
    taken = section(chapter, "-- OneView users take", "-- The tenant: openstack server create")
    assert re.search(r"Ironic   frame3-bay-1: manageable\s+power off, in maintenance", taken)
    reason = " ".join(taken[taken.index("maintenance reason:") :].split())
    assert "\"In use by OneView: server hardware 'Frame3, bay" in reason
    assert len(re.findall(WITHHELD, taken)) == 2
    refused = section(chapter, "-- The tenant: openstack server create", "-- The users delete")
    assert "Nova: blue-2 is ERROR, fault 'No valid host was found. '" in refused
    assert re.search(
        r"/nova/nova-scheduler\.log: Got no allocation candidates from the Placement API", refused
    )
    assert re.search(r"/nova/nova-conductor\.log: No valid host was found", refused)


def test_chapter_5_the_capacity_comes_back_with_one_listing_per_period(out: str) -> None:
    back = section(out, "-- The users delete their profiles", "-- What a period costs")
    assert "Ironic   frame3-bay-1: maintenance cleared" in back
    assert "Placement offers them again: the capacity is back." in back
    assert len(re.findall(OFFERED, back)) == 2
    periods = section(out, "-- What a period costs", "Chapter 6.")
    assert re.findall(r"period: 2 node\(s\) watched, (\d+) listing\(s\)", periods) == ["1"] * 3


# -- interrupted ----------------------------------------------------------------------------


def ctrl_c(demo: subprocess.Popen[str], printed: str) -> None:
    os.killpg(demo.pid, signal.SIGINT)  # a terminal signals the whole foreground group


def ignore_sigint() -> None:
    """What a background job of a non-interactive shell (``make demo &`` in a script)
    inherits: SIGINT ignored, which Python keeps unless told otherwise."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def sigterm(demo: subprocess.Popen[str], printed: str) -> None:
    demo.send_signal(signal.SIGTERM)  # only the demo: it must stop the others itself


def test_ctrl_c_while_the_services_start_stops_everything(tmp_path: Path) -> None:
    # started with SIGINT ignored, interrupted with the databases, Neutron and Ironic running
    run = run_demo(tmp_path, "ironic started", ctrl_c, preexec_fn=ignore_sigint)

    assert run.status == 130, run.output
    assert f"Interrupted. {STOPPING}" in run.output
    assert run.output.rstrip().endswith(STOPPED)
    assert run.leftovers == []


def test_sigterm_while_nova_starts_stops_everything(tmp_path: Path) -> None:
    run = run_demo(tmp_path, "nova-api started", sigterm)

    assert run.status == 130, run.output
    assert f"Interrupted. {STOPPING}" in run.output
    assert run.output.rstrip().endswith(STOPPED)
    assert run.leftovers == []


def test_a_demo_whose_ironic_dies_says_so_and_stops_everything(tmp_path: Path) -> None:
    def kill_ironic(demo: subprocess.Popen[str], printed: str) -> None:
        ironic = re.search(r"ironic started, pid (\d+)", printed)
        assert ironic, printed
        os.kill(int(ironic[1]), signal.SIGKILL)

    # killed as soon as it runs: what a crash costs the demo does not depend on when
    run = run_demo(tmp_path, "ironic started", kill_ironic)

    assert run.status == 1, run.output
    ironic = re.search(r"ironic started, pid (\d+)", run.output)
    assert ironic
    failure = run.output[run.output.index("DEMO FAILED: ") :]
    assert f"ironic (pid {ironic[1]}) is not running any more" in failure, failure
    assert "Chapter 2." not in run.output
    assert run.output.rstrip().endswith(STOPPED)
    assert run.leftovers == []
