"""Chapter 5: sharing with OneView users: the servers they take leave Nova's capacity."""

from __future__ import annotations

import time
from pathlib import Path

from oneview_openstack.demo import enrollment, show
from oneview_openstack.demo.boot import server_create
from oneview_openstack.demo.progress import Watcher, is_settled, wait_for
from oneview_openstack.demo.stage import DemoFailure, Stage
from oneview_openstack.demo.tenant import Tenant

PERIOD_LINE = "OneView dynamic allocation period: "
COUNTED_PERIODS = 3
FOREIGN_PROFILE = "analytics-team"
REFUSED_SERVER = "blue-2"
SCHEDULER_REASON = "Got no allocation candidates from the Placement API"


def run(stage: Stage, tenant: Tenant) -> None:
    show.chapter(
        5,
        "Sharing with OneView users: what they take leaves Nova's capacity",
        "OneView users and Ironic share the servers. Every period Ironic's conductor reads all "
        "the servers of its nodes in one listing; a node whose server a OneView user took "
        "leaves `available`, and Placement stops offering it. It comes back, cleaned, when the "
        "user frees the server.",
    )
    taken_by_oneview_users(stage)
    no_valid_host(stage, tenant)
    given_back(stage)
    listings_per_period(stage)


def taken_by_oneview_users(stage: Stage) -> None:
    names = ", ".join(n.server_name for n in stage.nodes)
    show.step(f"OneView users take {names} for profiles of their own")
    show.say(f"(the simulator's operator API plays the users, applying '{FOREIGN_PROFILE}-N')", 1)
    watcher = Watcher(stage)
    watcher.look()
    for number, node in enumerate(stage.nodes, 1):
        stage.cloud.sim.operator.apply_foreign_profile(
            node.server_uri, f"{FOREIGN_PROFILE}-{number}"
        )
    watcher.until(
        lambda s: s.all_nodes(lambda n: is_settled(n, "manageable") and n.is_maintenance),
        "Ironic to take the nodes out of available",
    )
    wait_for(
        lambda: stage.cloud.withheld(n.id for n in stage.nodes),
        "Placement to stop offering the nodes",
    )
    show.say("Placement no longer offers them:", 1)
    enrollment.show_capacity(stage)


def no_valid_host(stage: Stage, tenant: Tenant) -> None:
    name = REFUSED_SERVER
    server_id = server_create(stage, tenant, name)
    failed = Watcher(stage, server_id=server_id, server_failures=()).until(
        lambda s: s.server is not None and s.server.status == "ERROR",
        f"Nova to give up on {name} (no node free)",
    )
    fault = (failed.server.fault or {}).get("message", "")
    if "No valid host" not in fault:
        raise DemoFailure(f"{name} is ERROR but not for No valid host: {fault!r}")
    show.say(f"Nova: {name} is ERROR, fault {fault!r}", 1)
    scheduler_log = stage.cloud.nova.service_log("nova-scheduler")
    conductor_log = stage.cloud.nova.service_log("nova-conductor")
    show.say("why, in the logs:", 1)
    show.say(f"{scheduler_log}: {_last_line(scheduler_log, SCHEDULER_REASON)}", 2)
    show.say(f"{conductor_log}: {_last_line(conductor_log, 'No valid host')}", 2)
    stage.openstack_cli("server", "delete", server_id)
    wait_for(
        lambda: stage.conn.compute.find_server(server_id, ignore_missing=True) is None,
        f"Nova to delete {name}",
    )
    show.say(f"deleted {name}", 1)


def _last_line(log: Path, needle: str) -> str:
    """The last line of ``log`` naming ``needle``, from ``needle`` on (the reason findable)."""
    lines = [line for line in log.read_text(errors="replace").splitlines() if needle in line]
    if not lines:
        raise DemoFailure(f"{log} says nothing about {needle!r}")
    line = lines[-1]
    return line[line.index(needle) :][:160]


def given_back(stage: Stage) -> None:
    show.step("The users delete their profiles: the servers are free again")
    watcher = Watcher(stage)
    watcher.look()
    for node in stage.nodes:
        stage.cloud.sim.operator.remove_foreign_profile(node.server_uri)
    watcher.until(
        lambda s: s.all_nodes(lambda n: is_settled(n, "available") and not n.is_maintenance),
        "Ironic to clean the nodes and give them back",
    )
    enrollment.wait_profiles_removed(stage)
    wait_for(
        lambda: stage.cloud.schedulable(n.id for n in stage.nodes),
        "Placement to offer the nodes again",
    )
    show.say("Placement offers them again: the capacity is back.", 1)
    enrollment.show_capacity(stage)


def listings_per_period(stage: Stage) -> None:
    show.step(f"What a period costs OneView: Ironic's log over {COUNTED_PERIODS} periods")
    lines = _wait_for_periods(stage.cloud.ironic.log_path, COUNTED_PERIODS)
    for line in lines:
        show.say(line, 2)
    show.paragraph(
        "One listing per period whatever the number of nodes (3 requests for 1,000 nodes on a "
        "1,050-server appliance, see bench/RESULTS.md), where the original driver made one "
        "GET per node and per period.",
        indent=1,
    )


def _period_lines(log: Path) -> list[str]:
    text = log.read_text(errors="replace")
    return [line[line.index(PERIOD_LINE) :] for line in text.splitlines() if PERIOD_LINE in line]


def _wait_for_periods(log: Path, count: int, timeout: float = 60.0) -> list[str]:
    """Wait until Ironic logs ``count`` more periods; their lines."""
    already = len(_period_lines(log))
    deadline = time.monotonic() + timeout
    while True:
        lines = _period_lines(log)[already:]
        if len(lines) >= count:
            return lines[:count]
        if time.monotonic() > deadline:
            raise DemoFailure(f"Ironic logged {len(lines)} OneView periods in {timeout:.0f} s")
        time.sleep(0.1)
