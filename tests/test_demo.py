"""``make demo`` end to end: what an operator watching the terminal sees, and nothing left running.

The demo runs once for the module (``python -m oneview_openstack.demo --workdir DIR``, a real
simulator and a real Ironic); each test checks one chapter of its output. More runs are
interrupted halfway (Ctrl-C as a terminal sends it, also to a demo started with SIGINT ignored,
and SIGTERM) and must stop everything.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.functional

DEMO = [sys.executable, "-m", "oneview_openstack.demo"]
STOPPED = "Ironic and the OneView simulator stopped cleanly."


def processes_using(workdir: Path) -> list[str]:
    """Command lines of the processes running on files under ``workdir`` (the demo's own)."""
    needle = f"{workdir}/".encode()
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            argv = cmdline.read_bytes()
            if needle in argv:
                found.append(cmdline.parent.name + ": " + argv.replace(b"\0", b" ").decode())
    return found


def kill_leftovers(workdir: Path) -> None:
    """After a failed test only: SIGKILL what the demo under test left behind."""
    for line in processes_using(workdir):
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(line.split(":", 1)[0]), signal.SIGKILL)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    workdir = tmp_path_factory.mktemp("demo")
    try:
        result = subprocess.run(
            [*DEMO, "--workdir", str(workdir)],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    finally:
        leftovers = processes_using(workdir)
        kill_leftovers(workdir)
    assert not leftovers, leftovers
    return result, workdir


@pytest.fixture(scope="module")
def out(demo: tuple[subprocess.CompletedProcess, Path]) -> str:
    result, _ = demo
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result.stdout


def section(text: str, start: str, end: str) -> str:
    """The output from the line starting with ``start`` to the next starting with ``end``."""
    begin = text.index(start)
    return text[begin : text.index(end, begin + len(start))]


def test_the_demo_ends_with_everything_stopped(demo, out) -> None:
    _, workdir = demo
    assert out.rstrip().endswith(STOPPED)
    assert processes_using(workdir) == []
    assert "DEMO FAILED" not in out


def test_chapter_1_shows_the_appliance_and_a_power_task(out) -> None:
    chapter = section(out, "Chapter 1.", "Chapter 2.")
    assert "Server hardware (17 servers)" in chapter
    assert "Frame2, bay 4 carries 'sap-hana-01', a OneView user's server profile." in chapter
    assert "SPT-Prod-SY480" in chapter
    assert re.search(r"task 'Power on': Completed; \S.* is On", chapter)


def test_chapter_2_deploys_with_oneview_direct_through_the_virtual_agents(out) -> None:
    chapter = section(out, "Chapter 2.", "Chapter 3.")
    assert "VIRTUAL IRONIC-PYTHON-AGENT" in " ".join(chapter.replace("!!", "").split())
    assert "deploy oneview-direct" in chapter
    assert "boot pxe" in chapter
    assert "fake" not in chapter
    provide = section(out, "-- provide:", "-- deploy")
    assert "bm-01: booted (PXE: agent); the virtual agent ran erase_devices_metadata" in provide
    assert "bm-02: booted (PXE: agent); the virtual agent ran erase_devices_metadata" in provide
    deploy = section(out, "-- deploy", "-- OneView's side")
    image = re.search(
        r"image (http://127\.0\.0\.1:\d+/images/ubuntu-24\.04\.raw) \((\d+) bytes\)", deploy
    )
    assert image
    assert "the image written on the server's disk" in deploy
    assert re.search(rf"image\s+{re.escape(image[1])}", deploy.split("written on")[1])
    assert re.search(rf"size\s+{image[2]} bytes", deploy)
    assert re.search(r"sha256\s+[0-9a-f]{64}", deploy)
    assert "PXE: agent, HardDisk: written image" in deploy


def test_chapter_2_enrolls_validates_and_inspects_from_oneview(out) -> None:
    validate = section(out, "-- validate:", "-- manage:")
    assert re.search(r"power\s+ok\s+ok", validate)
    assert re.search(r"management\s+ok\s+ok", validate)
    inspect = section(out, "-- inspect", "-- provide:")
    # SY 480 Gen10 blades of the seed: 2 x 14 cores, 256 GiB, 2 x 480 GB drives
    assert re.search(r"bm-01\s+28\s+x86_64\s+262144\s+446\s+\S+ \(PXE\), \S+", inspect)
    assert re.search(r"bm-02\s+28\s+x86_64\s+262144\s+446\s+", inspect)
    assert "CUSTOM_OV_FIRMWARE_SY_2024_04_01" in inspect
    assert "CUSTOM_OV_SPT_SPT_PROD_SY480" in inspect
    assert "OneView requests that changed anything during inspection: 0" in inspect


def test_chapter_2_cleaning_applies_and_removes_a_profile_named_after_each_node(out) -> None:
    provide = section(out, "-- provide:", "-- deploy bm-01")
    for node, server in (("bm-01", "Frame1, bay 1"), ("bm-02", "Frame1, bay 2")):
        profile = f"server profile 'ironic-{node}'"
        applied = provide.index(f"OneView  {server}: ProfileApplied, {profile}")
        assert f"Ironic   {node}: available" in provide[applied:]
    # the removal runs in the background once the nodes are available; the demo waits for it
    assert "OneView removed the profiles in the background" in provide


def test_chapter_2_deploys_with_a_profile_from_the_template_then_removes_it(out) -> None:
    deploy = section(out, "-- deploy bm-01", "-- OneView's side")
    applied = deploy.index("Frame1, bay 1: ProfileApplied, server profile 'ironic-bm-01'")
    assert re.search(r"Ironic   bm-01: active\s+power on", deploy[applied:])

    side = section(out, "-- OneView's side of bm-01", "-- undeploy")
    profile_uri = re.search(r"server profile\s+ironic-bm-01 \((/rest/server-profiles/\S+)\)", side)
    assert profile_uri
    assert re.search(r"template\s+SPT-Prod-SY480, still linked", side)
    assert re.search(r"boot\s+UEFI, order HardDisk, PXE", side)
    assert re.search(r"server hardware\s+Frame1, bay 1: ProfileApplied, power On", side)

    undeploy = section(out, "-- undeploy bm-01", "Chapter 3.")
    assert re.search(r"Ironic   bm-01: available\s+power off", undeploy)
    removed = f"server profile ironic-bm-01 removed from OneView (GET {profile_uri[1]}: 404)"
    assert removed in undeploy
    assert "Frame1, bay 1: NoProfileApplied, power Off" in undeploy


def test_chapter_3_a_server_taken_in_oneview_takes_its_node_out_and_back(out) -> None:
    taken = section(out, "-- A OneView user takes Frame1, bay 2", "-- The user deletes")
    claimed = taken.index("Frame1, bay 2: ProfileApplied, server profile 'analytics-team'")
    assert re.search(r"Ironic   bm-02: manageable\s+power off, in maintenance", taken[claimed:])
    reason = " ".join(taken[taken.index("maintenance reason:") :].split())
    assert "\"In use by OneView: server hardware 'Frame1, bay 2'" in reason
    assert "carries server profile 'analytics-team'" in reason

    freed = section(out, "-- The user deletes 'analytics-team'", "-- What a period costs")
    cleared = freed.index("Ironic   bm-02: maintenance cleared")
    assert re.search(r"Ironic   bm-02: available\s+power off\n", freed[cleared:])
    assert "bm-02 is available again, maintenance cleared" in freed


def test_chapter_3_counts_one_oneview_listing_per_period(out) -> None:
    counted = out[out.index("-- What a period costs OneView: its requests over 5 periods") :]
    assert re.search(r"GET /rest/server-hardware\s+5\s+1\n", counted)
    assert "/rest/server-hardware/{id}" not in counted  # no request per node
    periods = re.findall(r"period: 2 node\(s\) watched, (\d+) listing\(s\)", counted)
    assert periods == ["1"] * 5


def wait_for_file(path: Path) -> None:
    for _ in range(600):
        if path.exists():
            return
        time.sleep(0.01)
    raise AssertionError(f"{path} never appeared")


def interrupt(
    workdir: Path, when: str, act, preexec_fn: Callable[[], None] | None = None
) -> tuple[int, str, list[str]]:
    """Run the demo, call ``act(demo)`` once a line starts with ``when``; its exit status,
    its output and the processes left under ``workdir`` (killed before returning).
    ``preexec_fn`` runs in the demo's process before it starts, as in ``subprocess.Popen``."""
    demo = subprocess.Popen(
        [*DEMO, "--workdir", str(workdir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        preexec_fn=preexec_fn,
    )
    seen = []
    try:
        assert demo.stdout is not None
        for line in demo.stdout:
            seen.append(line)
            if line.startswith(when):
                break
        act(demo)
        rest, _ = demo.communicate(timeout=60)
    finally:
        if demo.poll() is None:
            demo.kill()
        leftovers = processes_using(workdir)
        kill_leftovers(workdir)
    return demo.returncode, "".join(seen) + rest, leftovers


def ctrl_c(demo: subprocess.Popen) -> None:
    os.killpg(demo.pid, signal.SIGINT)  # a terminal signals the whole foreground group


def ctrl_c_once_ironic_runs(workdir: Path):
    def act(demo: subprocess.Popen) -> None:
        wait_for_file(workdir / "ironic" / "ironic.log")  # written once Ironic's process runs
        ctrl_c(demo)

    return act


def ignore_sigint() -> None:
    """What a background job of a non-interactive shell (``make demo &`` in a script)
    inherits: SIGINT ignored, which Python keeps unless told otherwise."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def sigterm(demo: subprocess.Popen) -> None:
    demo.send_signal(signal.SIGTERM)  # only the demo: it must stop the others itself


def test_ctrl_c_while_ironic_starts_stops_everything(tmp_path) -> None:
    status, output, leftovers = interrupt(
        tmp_path, "-- Starting Ironic", ctrl_c_once_ironic_runs(tmp_path)
    )

    assert status == 130, output
    assert "Interrupted. Stopping Ironic and the simulator ..." in output
    assert output.rstrip().endswith(STOPPED)
    assert leftovers == []


def test_ctrl_c_stops_a_demo_started_with_sigint_ignored(tmp_path) -> None:
    # Interrupted as soon as the simulator runs: the cheapest point with something to stop.
    status, output, leftovers = interrupt(tmp_path, "  Simulator at ", ctrl_c, ignore_sigint)

    assert status == 130, output
    assert "Interrupted. Stopping Ironic and the simulator ..." in output
    assert output.rstrip().endswith(STOPPED)
    assert leftovers == []


def test_sigterm_while_ironic_cleans_stops_everything(tmp_path) -> None:
    status, output, leftovers = interrupt(tmp_path, "-- provide:", sigterm)

    assert status == 130, output
    assert "Interrupted. Stopping Ironic and the simulator ..." in output
    assert output.rstrip().endswith(STOPPED)
    assert leftovers == []


def test_a_demo_whose_ironic_dies_says_so_and_stops_the_simulator(tmp_path) -> None:
    def kill_ironic(demo: subprocess.Popen) -> None:
        (ironic,) = [p for p in processes_using(tmp_path) if "ironic.conf" in p]
        os.kill(int(ironic.split(":", 1)[0]), signal.SIGKILL)

    status, output, leftovers = interrupt(tmp_path, "-- deploy bm-01", kill_ironic)

    assert status == 1, output
    assert (
        "DEMO FAILED: ConnectFailure: Unable to establish connection to http://127.0.0.1:" in output
    )
    assert f"(traceback in {tmp_path / 'demo-failure.txt'})" in output
    assert output.rstrip().endswith(STOPPED)
    assert leftovers == []
