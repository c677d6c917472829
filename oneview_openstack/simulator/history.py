"""Bounded activity history: tasks, alerts and events are pruned as an appliance prunes them.

What HPE documents (doc/simulator.md, "Bounded history"):

- tasks: about 50,000 are kept; past that, blocks of 500 of the oldest are deleted until
  fewer than 50,000 remain. Here the block is 1 % of the limit, at most 500, so a small
  configured limit keeps its proportion. A task is never deleted while it runs, nor
  within ``task_grace`` seconds of its end: a client may still be polling it. A pruned
  task answers 404 like any deleted resource.
- alerts: at 75,000 a clean-up deletes down to fewer than 74,200 (the same ratio for a
  configured limit): the oldest Cleared alerts first, then the oldest by severity, the
  least severe first.
- events: HPE documents no limit; they are kept like alerts, oldest deleted first.

``prune()`` runs with every ``TaskEngine.advance()`` (each request and the ticker); when
nothing is over a limit it costs three dictionary sizes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Set
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

Doc = dict[str, Any]
TASK_BLOCK = 500  # the appliance's block of deleted tasks
ALERT_LOW_WATER = 74_200 / 75_000  # the appliance cleans up to this share of the limit
SEVERITY_ORDER = ("OK", "Disabled", "Unknown", "Warning", "Critical")  # least severe first
RETRY_SECONDS = 1.0  # when every old task is still pollable, look again this much later


class History:
    def __init__(self, appliance: Appliance, terminal_states: Set[str]) -> None:
        self._appliance = appliance
        self._terminal = terminal_states  # the task states in which a task has ended
        self._retry_tasks_at = 0.0

    def prune(self) -> int:
        """Delete what is over the limits; returns how many documents went."""
        return self._prune_tasks() + self._prune_alerts() + self._prune_events()

    # -- tasks -----------------------------------------------------------------

    def _prune_tasks(self) -> int:
        store, config = self._appliance.store, self._appliance.config
        limit = config.task_history
        count = store.count("tasks")
        now = self._appliance.clock.now()
        if count <= limit or now < self._retry_tasks_at:
            return 0
        block = max(1, min(TASK_BLOCK, limit // 100))
        wanted = -(-(count - limit + 1) // block) * block  # whole blocks, to below the limit
        cutoff = self._appliance.clock.iso(now - config.task_grace)
        ended = _ended_tasks(store.iter("tasks"), self._terminal, cutoff)
        chosen = _first(ended, wanted)
        if len(chosen) < wanted:
            self._retry_tasks_at = now + RETRY_SECONDS
        return self._remove(chosen)

    # -- alerts and events -------------------------------------------------------

    def _prune_alerts(self) -> int:
        limit = self._appliance.config.alert_history
        count = self._appliance.store.count("alerts")
        if count < limit:
            return 0
        alerts = list(self._appliance.store.iter("alerts"))
        cleared = [a for a in alerts if a.get("alertState") == "Cleared"]
        others = [a for a in alerts if a.get("alertState") != "Cleared"]
        others.sort(key=_severity_rank)  # stable: oldest first within a severity
        return self._remove(_first(cleared + others, count - _low_water(limit)))

    def _prune_events(self) -> int:
        limit = self._appliance.config.event_history
        count = self._appliance.store.count("events")
        if count < limit:
            return 0
        return self._remove(_first(self._appliance.store.iter("events"), count - _low_water(limit)))

    def _remove(self, docs: list[Doc]) -> int:
        for doc in docs:
            self._appliance.store.remove(doc["uri"])
        return len(docs)


def _ended_tasks(tasks: Iterable[Doc], terminal: Set[str], cutoff: str) -> Iterator[Doc]:
    """Tasks, oldest first, that ended before ``cutoff`` (ISO times order as text)."""
    for task in tasks:
        if task.get("taskState") in terminal and str(task.get("modified") or "") < cutoff:
            yield task


def _first(docs: Iterable[Doc], wanted: int) -> list[Doc]:
    chosen: list[Doc] = []
    if wanted <= 0:
        return chosen
    for doc in docs:
        chosen.append(doc)
        if len(chosen) >= wanted:
            break
    return chosen


def _low_water(limit: int) -> int:
    """How many remain after a clean-up: fewer than 74,200 of 75,000, in proportion."""
    return max(0, min(limit - 1, int(limit * ALERT_LOW_WATER) - 1))


def _severity_rank(alert: Doc) -> int:
    severity = alert.get("severity")
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else 0
