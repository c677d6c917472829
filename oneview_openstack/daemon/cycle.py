"""One cycle of the daemon: enroll what is missing, then move nodes until they settle.

1. Read the coordination group's members (the servers this instance handles follow).
2. Enrollment, through :mod:`oneview_openstack.enrollment` (never written twice): Ironic's
   ``oneview`` nodes and ports (two paged listings), then per template its catalog (a few
   GETs and two paged listings), a plan, and the creation (node, traits, ports; all or
   nothing per server) or repair of this instance's servers. A server a OneView user holds is
   skipped by the plan; a server compatible with several templates goes with the first.
3. Convergence: rounds of one paged listing of the nodes, a decision per node
   (:mod:`convergence`) and the moves requested concurrently, every ``poll_interval``, until
   every node of this instance has settled or ``settle_timeout`` has passed. The first round
   decides on enrollment's listing when enrollment wrote nothing to Ironic (the usual cycle),
   so such a cycle lists the nodes once, not twice.

Every listing is one request per page, whatever the number of servers.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from openstack import exceptions as sdk_exceptions

from oneview_openstack import client
from oneview_openstack.daemon import convergence
from oneview_openstack.daemon.convergence import Backoff, Decision, Move
from oneview_openstack.daemon.metrics import Metrics
from oneview_openstack.daemon.ring import Membership
from oneview_openstack.daemon.settings import Settings
from oneview_openstack.enrollment import (
    Action,
    IronicNodes,
    OneViewNode,
    Outcome,
    Selection,
    Step,
    execute,
    plan,
    read_catalog,
    read_ironic,
)
from oneview_openstack.enrollment import ironic as ironic_api
from oneview_openstack.enrollment.run import IRONIC_ERRORS, Result

LOG = logging.getLogger(__name__)


@dataclasses.dataclass
class CycleReport:
    members: int = 1
    servers: int = 0
    created: int = 0
    repaired: int = 0
    failed: int = 0
    skipped: int = 0
    moves: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    move_errors: int = 0
    nodes: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    rounds: int = 0
    unsettled: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        moves = ", ".join(f"{k} {v}" for k, v in sorted(self.moves.items())) or "none"
        nodes = ", ".join(f"{k} {v}" for k, v in sorted(self.nodes.items())) or "none"
        return (
            f"{self.servers} servers ({self.members} member(s)); enrolled {self.created}, "
            f"repaired {self.repaired}, failed {self.failed}, skipped {self.skipped}; moves: "
            f"{moves} (errors {self.move_errors}); nodes: {nodes}; still moving "
            f"{self.unsettled}; {self.rounds} round(s) in {self.seconds:.1f} s"
        )


def server_key(uri: str | None) -> str:
    """The ring key of a server: its URI, lower case, without a trailing slash."""
    return (uri or "").rstrip("/").lower()


class Cycle:
    """Runs cycles; holds what outlives one (the retry backoff of failing nodes)."""

    def __init__(
        self,
        ov: client.OneViewClient,
        baremetal: Any,
        settings: Settings,
        membership: Membership,
        metrics: Metrics,
        stop: threading.Event,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ov = ov
        self.baremetal = baremetal
        self.settings = settings
        self.membership = membership
        self.metrics = metrics
        self.stop = stop
        self.clock = clock
        self.backoff = Backoff(settings.retry_backoff, settings.retry_backoff_max)
        self._skips_logged: set[tuple[str, str]] = set()

    def run(self) -> CycleReport:
        """One cycle.

        :raises ring.MembershipError: the members are unknown (nothing was done).
        :raises client.OneViewError, IRONIC_ERRORS: a listing failed.
        """
        started = self.clock()
        report = CycleReport(members=len(self.membership.refresh()))
        current = self._enroll(report)
        if not self.stop.is_set():
            self._converge(report, current)
        report.seconds = self.clock() - started
        return report

    def owns(self, server_uri: str | None) -> bool:
        return bool(server_uri) and self.membership.owns(server_key(server_uri))

    # -- enrollment ------------------------------------------------------------------

    def _enroll(self, report: CycleReport) -> IronicNodes | None:
        """Enroll this instance's servers; Ironic's nodes as read, unless they were changed."""
        known = read_ironic(self.baremetal)
        wrote = False
        taken: set[str] = set()  # servers of an earlier template
        for template in self.settings.templates:
            if self.stop.is_set():
                return None
            self.membership.refresh()  # a member that joined meanwhile takes its share now
            catalog = read_catalog(self.ov, template)
            steps = plan(catalog, known, Selection(), self.settings.node_options)
            mine = [s for s in steps if server_key(s.server.uri) not in taken]
            taken |= {server_key(s.server.uri) for s in steps}
            mine = [s for s in mine if self.owns(s.server.uri)]
            report.servers += len(mine)
            self._log_skips([s for s in mine if s.action is Action.SKIP], report)
            todo = [s for s in mine if s.action in (Action.CREATE, Action.REPAIR)]
            if todo:
                wrote = True
                outcomes = execute(
                    todo,
                    catalog,
                    self.ov,
                    self.baremetal,
                    self.settings.node_options,
                    workers=self.settings.workers,
                    stop=self.stop,
                )
                self._count(outcomes, report)
        return None if wrote else known

    def _log_skips(self, skipped: list[Step], report: CycleReport) -> None:
        """Count the servers the plan skips; say why once per server and reason."""
        report.skipped += len(skipped)
        for step in skipped:
            key = (server_key(step.server.uri), step.reason)
            if key not in self._skips_logged:
                self._skips_logged.add(key)
                LOG.info("Not enrolling %s: %s", step.server_name, step.reason)

    def _count(self, outcomes: Iterable[Outcome], report: CycleReport) -> None:
        for outcome in outcomes:
            self.metrics.enrolled.labels(outcome.result.value).inc()
            # enrollment logs each server; the cycle counts them
            if outcome.result is Result.CREATED:
                report.created += 1
            elif outcome.result is Result.REPAIRED:
                report.repaired += 1
            elif outcome.failed:
                report.failed += 1
                self.metrics.errors.labels("enrollment").inc()
                LOG.warning("Could not enroll %s: %s", outcome.server_name, outcome.reason)

    # -- convergence -----------------------------------------------------------------

    def _converge(self, report: CycleReport, current: IronicNodes | None) -> None:
        """Rounds until the nodes settle; ``current``: Ironic's nodes, read just before."""
        deadline = self.clock() + self.settings.settle_timeout
        while True:
            report.rounds += 1
            report.members = len(self.membership.refresh())
            listed = current if current is not None else read_ironic(self.baremetal, ports=False)
            current = None
            nodes = [n for n in listed.nodes if self._mine(n)]
            decided = [(node, self._decide(node)) for node in nodes]
            moves = [(node, d.move) for node, d in decided if d.move is not None]
            self._request(moves, report)
            waiting = [n for n, d in decided if not convergence.is_settled(n, d)]
            report.nodes = collections.Counter(n.provision_state for n in nodes)
            report.unsettled = len(waiting)
            if not waiting or self.stop.is_set() or self.clock() >= deadline:
                break
            self.stop.wait(self.settings.poll_interval)
        self._export(report)

    def _mine(self, node: OneViewNode) -> bool:
        return self.owns(node.server_uri)

    def _decide(self, node: OneViewNode) -> Decision:
        now = self.clock()
        due = self.backoff.due(node.uuid, now)
        decision = convergence.decide(node, inspect=self.settings.inspect, retry_due=due)
        if node.provision_state in convergence.FAILED_STATES and decision.move is not None:
            delay = self.backoff.retried(node.uuid)
            LOG.info(
                "Node %s is %s (%s): retrying now (attempt %d); if it fails again, the next "
                "retry in %.0f s",
                node.label,
                node.provision_state,
                node.last_error or "no error recorded",
                self.backoff.attempts(node.uuid),
                delay,
            )
        elif node.provision_state in ("available", "active"):
            self.backoff.succeeded(node.uuid)
        return decision

    def _request(self, moves: list[tuple[OneViewNode, Move]], report: CycleReport) -> None:
        if not moves:
            return
        workers = min(self.settings.workers, len(moves))
        with concurrent.futures.ThreadPoolExecutor(workers, "oneviewd-move") as pool:
            futures = {
                pool.submit(self._move, node, move): (node, move)
                for node, move in moves
                if not self.stop.is_set()
            }
            for future in concurrent.futures.as_completed(futures):
                node, move = futures[future]
                if future.result():
                    report.moves[move.value] += 1
                    self.metrics.moves.labels(move.value).inc()
                else:
                    report.move_errors += 1

    def _move(self, node: OneViewNode, move: Move) -> bool:
        """Ask Ironic for one move; False (logged) when it refuses."""
        path = f"/nodes/{node.uuid}/states/provision"
        try:
            ironic_api.call(self.baremetal, "PUT", path, json={"target": move.value})
        except IRONIC_ERRORS as error:
            gone = isinstance(error, sdk_exceptions.NotFoundException)
            LOG.warning(
                "Node %s: Ironic refused '%s' from %s: %s",
                node.label,
                move.value,
                node.provision_state,
                "the node is gone" if gone else ironic_api.error_text(error),
            )
            self.metrics.errors.labels("move").inc()
            return False
        LOG.debug("Node %s: %s -> %s", node.label, node.provision_state, move.value)
        return True

    def _export(self, report: CycleReport) -> None:
        self.metrics.nodes.clear()
        for state, count in report.nodes.items():
            self.metrics.nodes.labels(state).set(count)
        self.metrics.servers.set(report.servers)
        self.metrics.members.set(report.members)
