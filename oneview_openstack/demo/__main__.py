"""Run the demo: ``python -m oneview_openstack.demo [--workdir DIR]``."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import traceback
from contextlib import ExitStack
from pathlib import Path
from types import FrameType

from oneview_openstack.client import OneViewClient
from oneview_openstack.demo import allocation, inventory, ironic, show
from oneview_openstack.demo.stage import AGENT_HEARTBEAT, DemoFailure, Stage
from oneview_openstack.testing.simulator import start_simulator

# Chapter 1 shows a power task progress: a 10 s power-on takes half a second.
INVENTORY_TIME_SCALE = 0.05
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stopped(Exception):
    """SIGTERM or SIGHUP: stop like Ctrl-C does."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The oneview-openstack demo.")
    parser.add_argument("--workdir", type=Path, help="keep certificates, configs and logs here")
    args = parser.parse_args(argv)
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="oneview-demo-"))).resolve()
    # Ctrl-C stops the demo even when it was started with SIGINT ignored (a background job
    # of a non-interactive shell): Python leaves an inherited SIG_IGN in place.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    with ExitStack() as stack:  # stops every process started, in reverse order
        status = tell_safely(stack, workdir)
    show.say(f"Logs: {workdir / 'simulator.log'}, {workdir / 'ironic' / 'ironic.log'}")
    left = processes_using(workdir)
    if left:
        show.say(f"NOT STOPPED: processes {', '.join(map(str, left))} still use {workdir}")
        return status or 1
    show.say("Ironic and the OneView simulator stopped cleanly.")
    return status


def tell_safely(stack: ExitStack, workdir: Path) -> int:
    """Tell the story; the exit status. Failures are told, not raised: cleanup follows."""
    try:
        tell(stack, workdir)
        show.say("\nThe end. Stopping Ironic and the simulator ...")
        return 0
    except (KeyboardInterrupt, Stopped):
        show.say("\nInterrupted. Stopping Ironic and the simulator ...")
        return 130
    except DemoFailure as failure:
        show.say(f"\nDEMO FAILED: {failure}\nStopping Ironic and the simulator ...")
        return 1
    except Exception as error:
        trace = workdir / "demo-failure.txt"
        trace.write_text(traceback.format_exc())
        show.say(f"\nDEMO FAILED: {type(error).__name__}: {error}")
        show.say(f"(traceback in {trace}) Stopping Ironic and the simulator ...")
        return 1
    finally:
        for signum in STOP_SIGNALS:  # a second Ctrl-C must not cut the cleanup short
            signal.signal(signum, signal.SIG_IGN)


def processes_using(workdir: Path) -> list[int]:
    """Pids of other processes whose command line names ``workdir`` (Linux ``/proc``)."""
    needle = f"{workdir}/".encode()
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if needle in cmdline.read_bytes() and cmdline.parent.name != str(os.getpid()):
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return sorted(found)


def tell(stack: ExitStack, workdir: Path) -> None:
    show.chapter(
        1,
        "The OneView appliance (simulated) and what it serves",
        "An HPE OneView simulator plays the appliance: a REST API over HTTPS with its own CA, "
        "blades in enclosures, rack servers, server profile templates and networks.",
    )
    show.step(f"Starting the OneView simulator (work dir {workdir})")
    # An agent listener, so that chapter 2 can point the virtual agents at its Ironic.
    sim = stack.enter_context(
        start_simulator(
            workdir,
            time_scale=INVENTORY_TIME_SCALE,
            agent_port=0,
            heartbeat_interval=AGENT_HEARTBEAT,
        )
    )
    show.say(f"Simulator at {sim.url}, CA certificate {sim.ca_file}", 1)
    ov = stack.enter_context(
        OneViewClient(sim.url, sim.username, sim.password, ca_file=sim.ca_file)
    )
    stage = Stage(sim=sim, ov=ov, workdir=workdir)
    inventory.show_appliance(ov, sim.username, featured=ironic.SERVERS.values())
    inventory.power_cycle_one(ov, avoid=ironic.SERVERS.values())
    ironic.run(stage, stack)
    allocation.run(stage)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signal.Signals(signum).name)


if __name__ == "__main__":
    sys.exit(main())
