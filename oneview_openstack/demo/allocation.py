"""Chapter 3: dynamic allocation, OneView users and Ironic sharing the same servers."""

from __future__ import annotations

import time
from pathlib import Path

from oneview_openstack.demo import show
from oneview_openstack.demo.progress import Watcher, is_settled
from oneview_openstack.demo.stage import PERIOD_SECONDS, DemoFailure, DemoNode, Stage

PERIOD_LINE = "OneView dynamic allocation period: "
COUNTED_PERIODS = 5
FOREIGN_PROFILE = "analytics-team"


def run(stage: Stage) -> None:
    show.chapter(
        3,
        "Dynamic allocation: OneView users and Ironic share the servers",
        "Every period the conductor reads all the servers of its nodes from one paged listing "
        "of OneView's server hardware. A node whose server a OneView user took leaves "
        "`available` (Nova no longer places instances on it); it comes back, cleaned, when "
        "the user frees the server.",
    )
    node = stage.nodes[1]
    taken_by_a_oneview_user(stage, node)
    freed_by_the_user(stage, node)
    calls_per_period(stage)


def taken_by_a_oneview_user(stage: Stage, node: DemoNode) -> None:
    show.step(f"A OneView user takes {node.server_name} ({node.name}'s server) for a profile")
    watcher = Watcher(stage, [node])
    watcher.until(lambda n: is_settled(n, "available"), "the node to be available")
    show.say(f"(the simulator's operator API plays the user, applying '{FOREIGN_PROFILE}')", 1)
    stage.sim.operator.apply_foreign_profile(node.server_uri, FOREIGN_PROFILE)
    taken = watcher.until(
        lambda n: is_settled(n, "manageable") and n.is_maintenance,
        f"{node.name} to leave available",
    )[node.name]
    show.say(f"{node.name} is {taken.provision_state}, in maintenance: Nova no longer uses it.", 1)


def freed_by_the_user(stage: Stage, node: DemoNode) -> None:
    show.step(f"The user deletes '{FOREIGN_PROFILE}': {node.server_name} is free again")
    watcher = Watcher(stage, [node])
    stage.sim.operator.remove_foreign_profile(node.server_uri)
    back = watcher.until(
        lambda n: is_settled(n, "available") and not n.is_maintenance,
        f"{node.name} to come back",
    )[node.name]
    show.say(f"{node.name} is {back.provision_state} again, maintenance cleared", 1)


def calls_per_period(stage: Stage) -> None:
    """Count OneView's requests over a few periods, with no one else talking to OneView."""
    assert stage.ironic is not None
    show.step(f"What a period costs OneView: its requests over {COUNTED_PERIODS} periods")
    show.say(
        f"({len(stage.nodes)} nodes watched; Ironic's power-state sync runs every "
        f"{PERIOD_SECONDS} s too; counted by the simulator)",
        1,
    )
    log = stage.ironic.log_path
    _wait_for_periods(log, 1)  # a period just ended: the next starts about a period later
    stage.sim.operator.clear_counters()
    lines = _wait_for_periods(log, COUNTED_PERIODS)
    counters = stage.sim.operator.counters()
    show.table(
        ["OneView request", "count", "per period"],
        (
            (request, count, f"{count / COUNTED_PERIODS:g}")
            for request, count in sorted(counters.items(), key=lambda item: -item[1])
        ),
    )
    show.say("Ironic's log, one line per period:", 1)
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


def _wait_for_periods(log: Path, count: int) -> list[str]:
    """Wait until Ironic logs ``count`` more periods; their lines."""
    already = len(_period_lines(log))
    deadline = time.monotonic() + 10 * count * PERIOD_SECONDS
    while True:
        lines = _period_lines(log)[already:]
        if len(lines) >= count:
            return lines[:count]
        if time.monotonic() > deadline:
            raise DemoFailure(f"the OneView periodic task logged {len(lines)} periods, not {count}")
        time.sleep(0.02)
