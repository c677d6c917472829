"""Run the demo: ``python -m oneview_openstack.demo [--workdir DIR] [--keep]``."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import tempfile
import time
import traceback
from contextlib import ExitStack
from pathlib import Path
from types import FrameType

from oneview_openstack.client import OneViewClient
from oneview_openstack.demo import allocation, boot, enrollment, inventory, show, tenant
from oneview_openstack.demo.stage import DemoFailure, Stage
from oneview_openstack.testing.cloud import CLOUD_NAME, OneViewCloud

# Chapter 1 shows a power task progress: a 10 s power-on takes half a second.
INVENTORY_TIME_SCALE = 0.05
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STOPPING = "Stopping every service ..."
STOPPED = "Every service stopped cleanly."


class Stopped(Exception):
    """SIGTERM or SIGHUP: stop like Ctrl-C does."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The oneview-openstack demo.")
    parser.add_argument("--workdir", type=Path, help="keep certificates, configs and logs here")
    parser.add_argument(
        "--keep", action="store_true", help="after the story, keep every service running"
    )
    args = parser.parse_args(argv)
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="oneview-demo-"))).resolve()
    # Ctrl-C stops the demo even when it was started with SIGINT ignored (a background job
    # of a non-interactive shell): Python leaves an inherited SIG_IGN in place.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    starts = ServiceStarts()
    with ExitStack() as stack:  # stops every service started, in reverse order
        status = tell_safely(stack, workdir, args.keep, starts)
        stopping = time.monotonic()
    took = time.monotonic() - stopping
    show.say(f"Logs under {workdir} (a directory per service); stopping took {took:.0f} s.")
    left = processes_using(workdir)
    if left:
        show.say(f"NOT STOPPED: processes {', '.join(map(str, left))} still run for {workdir}")
        return status or 1
    show.say(STOPPED)
    return status


def tell_safely(stack: ExitStack, workdir: Path, keep: bool, starts: ServiceStarts) -> int:
    """Tell the story; the exit status. Failures are told, not raised: cleanup follows."""
    told = False
    try:
        started = time.monotonic()
        stage, story = tell(stack, workdir, starts)
        told = True
        show.say(
            f"\nThe story took {time.monotonic() - started:.0f} s, "
            f"{stage.cloud.startup_seconds:.0f} s of it starting the services."
        )
        if keep:
            keep_running(stage, story)
        show.say(f"\nThe end. {STOPPING}")
        return 0
    except (KeyboardInterrupt, Stopped, SystemExit):  # the cloud turns SIGTERM into SystemExit
        show.say(f"\n{'Stopped' if told else 'Interrupted'}. {STOPPING}")
        return 0 if told else 130
    except DemoFailure as failure:
        show.say(f"\nDEMO FAILED: {failure}")
        starts.say_dead()
        show.say(STOPPING)
        return 1
    except Exception as error:
        trace = workdir / "demo-failure.txt"
        trace.write_text(traceback.format_exc())
        show.say(f"\nDEMO FAILED: {type(error).__name__}: {error}")
        starts.say_dead()
        show.say(f"(traceback in {trace}) {STOPPING}")
        return 1
    finally:
        for signum in STOP_SIGNALS:  # a second Ctrl-C must not cut the cleanup short
            signal.signal(signum, signal.SIG_IGN)


class ServiceStarts(logging.Handler):
    """Prints each service process as the harnesses start it (from their DEBUG log lines)
    and remembers it, to name the services that died when a step fails."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.started: dict[int, str] = {}  # pid: service
        self.since = time.monotonic()

    def listen(self) -> None:
        self.since = time.monotonic()
        for module in ("service_process", "simulator"):
            logger = logging.getLogger(f"oneview_openstack.testing.{module}")
            logger.addHandler(self)
            logger.setLevel(logging.DEBUG)

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        if record.msg.startswith("%s started") and len(args) > 1:
            name, pid = args[0], args[1]
        elif record.msg.startswith("simulator ready") and len(args) > 1:
            name, pid = "OneView simulator", args[1]
        else:
            return
        self.started[int(str(pid))] = str(name)
        show.say(f"+{time.monotonic() - self.since:5.1f}s  {name} started, pid {pid}", 1)

    def say_dead(self) -> None:
        """Name the services that died (often why a step failed)."""
        for pid, name in sorted(self.started.items()):
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                state = "gone"
            if state in ("gone", "Z"):
                show.say(
                    f"{name} (pid {pid}) is not running any more: its log is under the work dir."
                )


def processes_using(workdir: Path) -> list[int]:
    """Pids of the other processes whose command line or environment names ``workdir``, and
    of this process's children (Linux ``/proc``). A shell that exported the printed
    ``OS_CLIENT_CONFIG_FILE`` does not count."""
    needle = f"{workdir}/".encode()
    mine = str(os.getpid())
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        if proc.name == mine:
            continue
        try:
            named = needle in (proc / "cmdline").read_bytes() or any(
                needle in variable and not variable.startswith(b"OS_CLIENT_CONFIG_FILE=")
                for variable in (proc / "environ").read_bytes().split(b"\0")
            )
            child = (proc / "stat").read_text().rsplit(")", 1)[1].split()[1] == mine
        except OSError:
            continue
        if named or child:
            found.append(int(proc.name))
    return sorted(found)


def tell(stack: ExitStack, workdir: Path, starts: ServiceStarts) -> tuple[Stage, tenant.Tenant]:
    show.chapter(
        1,
        "The cloud on this machine, and the OneView appliance (simulated)",
        "Everything runs on loopback, its files in the work dir: MariaDB, RabbitMQ, Placement, "
        "Glance, Neutron with the `oneview` mechanism driver, Ironic with the `oneview` hardware "
        "type, Nova, and an HPE OneView simulator playing the appliance (a REST API over HTTPS "
        "with its own CA, blades in enclosures, templates, networks) whose servers network-boot "
        "virtual ironic-python-agents.",
    )
    stage = start_cloud(stack, workdir, starts)
    sim = stage.cloud.sim
    inventory.show_appliance(stage.ov, sim.username, featured=enrollment.SERVERS)
    time_scale = sim.operator.config()["time_scale"]
    sim.operator.set_config(time_scale=INVENTORY_TIME_SCALE)
    inventory.power_cycle_one(stage.ov, avoid=enrollment.SERVERS)
    sim.operator.set_config(time_scale=time_scale)
    enrollment.run(stage)
    story = tenant.run(stage)
    boot.run(stage, story)
    allocation.run(stage, story)
    return stage, story


def start_cloud(stack: ExitStack, workdir: Path, starts: ServiceStarts) -> Stage:
    show.step(f"Starting the services (work dir {workdir})")
    starts.listen()
    cloud = OneViewCloud(workdir, enroll_on_start=False)
    stack.callback(cloud.stop)  # before start(): a Ctrl-C while it starts must stop it too
    cloud.start()
    show.say(f"Everything is up in {cloud.startup_seconds:.0f} s:", 1)
    show.table(["service", "endpoint"], cloud.endpoints().items())
    sim = cloud.sim
    ov = stack.enter_context(
        OneViewClient(sim.url, sim.username, sim.password, ca_file=sim.ca_file)
    )
    show.step(f"The OneView appliance at {sim.url} (CA certificate {sim.ca_file})")
    return Stage(cloud=cloud, ov=ov, workdir=workdir)


def keep_running(stage: Stage, story: tenant.Tenant) -> None:
    """``--keep``: print how to use the cloud and how to stop it, then wait."""
    cloud = stage.cloud
    show.chapter(
        6,
        "Your turn: everything keeps running (--keep)",
        "The nodes are available, the flavor, network and image are there.",
    )
    show.table(["service", "endpoint"], cloud.endpoints().items())
    show.say(
        f"OneView: user {cloud.sim.username} (password in {cloud.ironic.config_path} [oneview]),"
        f" CA {cloud.sim.ca_file}",
        1,
    )
    path = cloud.clouds_yaml(stage.clouds_yaml)
    show.say(f"clouds.yaml ({path}):", 1)
    for line in path.read_text().rstrip().splitlines():
        show.say(line, 2)
    show.say()
    show.say(f"export OS_CLIENT_CONFIG_FILE={path} OS_CLOUD={CLOUD_NAME}", 1)
    show.say("openstack baremetal node list", 1)
    show.say(
        f"openstack server create --flavor {story.flavor.name} --image {story.image.name} "
        f"--network {story.network.name} --wait blue-3",
        1,
    )
    show.say(f"Ctrl-C here, or kill -TERM {os.getpid()}, stops everything.", 1)
    while True:
        time.sleep(3600)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signal.Signals(signum).name)


if __name__ == "__main__":
    sys.exit(main())
