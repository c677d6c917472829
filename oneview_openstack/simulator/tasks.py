"""Asynchronous operations: 202 + ``Location: /rest/tasks/{id}``.

An operation is a *job*: a kind (registered by a resource module), its
parameters, and a schedule. Jobs are stored documents (collection ``_jobs``), so
an operation accepted before a restart finishes after it. The handler does the
synchronous part (validation, locks, "Creating" states) before starting the job;
the job's ``complete`` function does the rest when the task ends, or its
``fail`` function undoes the synchronous part when the task ends in Error.

Nothing runs in the background of its own: ``advance()`` is called at the start
of every request and by the app's ticker, and applies what is due.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator.errors import ApiError
from oneview_openstack.simulator.history import History

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

LOG = logging.getLogger(__name__)

Complete = Callable[["Appliance", dict[str, Any]], None]
Fail = Callable[["Appliance", dict[str, Any], ApiError], None]

TERMINAL_STATES = frozenset({"Completed", "Warning", "Error", "Terminated", "Killed"})


@dataclass
class JobKind:
    name: str
    duration: float  # seconds at time scale 1.0 (a real appliance's pace)
    steps: list[str]  # progressUpdates texts, spread over the duration
    complete: Complete
    fail: Fail | None = None


class TaskEngine:
    def __init__(self, appliance: Appliance, kinds: dict[str, JobKind]) -> None:
        self._appliance = appliance
        self._kinds = kinds
        self._heap: list[tuple[float, int, str]] = []
        self._seq = itertools.count()
        self.history = History(appliance, TERMINAL_STATES)

    # -- starting ------------------------------------------------------------

    def start(
        self,
        kind: str,
        params: dict[str, Any],
        *,
        name: str,
        resource_uri: str | None,
        resource_category: str,
        resource_name: str | None = None,
        status: str = "",
        owner: str = "Administrator",
        duration: float | None = None,
        fails_with: ApiError | None = None,
    ) -> dict[str, Any]:
        """Create the task document and schedule its job; returns the task."""
        appliance = self._appliance
        job_kind = self._kinds[kind]
        task_id = str(uuid.uuid4()).upper()
        task_uri = f"/rest/tasks/{task_id}"
        base = job_kind.duration if duration is None else duration
        seconds = base * appliance.config.time_scale
        now = appliance.clock.now()
        task = appliance.store.add(
            _task_document(
                task_uri,
                name=name,
                owner=owner,
                status=status or name,
                resource=(resource_uri, resource_category, resource_name),
                total_steps=len(job_kind.steps),
                expected=int(job_kind.duration),
            )
        )
        job = {
            "uri": f"/_jobs/{task_id}",
            "task": task_uri,
            "kind": kind,
            "params": params,
            "start": now,
            "due": now + seconds,
            "step": 0,
            "error": fails_with.body() if fails_with else None,
            "status": fails_with.status if fails_with else None,
        }
        appliance.store.put_internal(job)
        self._schedule(job)
        if seconds <= 0:
            self.advance()
        return task

    def reload(self) -> None:
        """Reschedule the stored jobs (after a restart or a reset)."""
        self._heap.clear()
        for job in self._appliance.store.members("_jobs"):
            self._schedule(job)

    # -- running -------------------------------------------------------------

    def advance(self) -> None:
        """Apply every step and completion that is due now; prune the history."""
        now = self._appliance.clock.now()
        while self._heap and self._heap[0][0] <= now:
            _, _, job_uri = heapq.heappop(self._heap)
            job = self._appliance.store.get(job_uri)
            if job is None:
                continue
            if now >= job["due"]:
                self._finish(job)
            else:
                self._progress(job, now)
                self._schedule(job)
        self.history.prune()

    def pending(self) -> int:
        return self._appliance.store.count("_jobs")

    def _schedule(self, job: dict[str, Any]) -> None:
        """Queue the job's next event: its next progress step, or its end.

        ``job["step"]`` counts the progress updates already emitted; update ``n``
        is due at ``start + n * span / steps``.
        """
        steps = len(self._kinds[job["kind"]].steps)
        if job["step"] < steps:
            when = job["start"] + (job["due"] - job["start"]) * job["step"] / steps
        else:
            when = job["due"]
        heapq.heappush(self._heap, (when, next(self._seq), job["uri"]))

    def _progress(self, job: dict[str, Any], now: float) -> None:
        kind = self._kinds[job["kind"]]
        store = self._appliance.store
        task = store.require(job["task"])
        span = max(job["due"] - job["start"], 1e-9)
        # The update this event was scheduled for is due, whatever the rounding of ``now``
        # at its exact time says: without ``step + 1``, ``start + span * k / steps`` can be
        # <= now while ``(now - start) / span * steps`` is a hair below k, and ``advance``
        # would reschedule the same update at the same time forever (each round a
        # ``store.update`` pending commit: a stalled appliance growing without bound).
        computed = int((now - job["start"]) / span * len(kind.steps)) + 1
        reached = min(max(computed, job["step"] + 1), len(kind.steps))
        for index in range(job["step"], reached):
            task["progressUpdates"].append(self._update_entry(kind.steps[index], index))
        job["step"] = max(job["step"], reached)
        percent = min(99, int(100 * (now - job["start"]) / span))
        store.update(
            task["uri"],
            {
                "taskState": "Running",
                "stateReason": "Running",
                "percentComplete": percent,
                "computedPercentComplete": percent,
                "completedSteps": job["step"],
            },
        )
        store.put_internal(job)

    def _finish(self, job: dict[str, Any]) -> None:
        appliance = self._appliance
        store = appliance.store
        kind = self._kinds[job["kind"]]
        task = store.require(job["task"])
        error = self._injected_or_recorded_error(job, task)
        if error is None:
            try:
                kind.complete(appliance, job["params"])
            except ApiError as exc:
                error = exc
            except Exception:
                # A simulator bug must not wedge the task in Running forever.
                LOG.exception("Job %s of task %s failed", job["kind"], task["uri"])
                error = ApiError(
                    500,
                    "INTERNAL_ERROR",
                    "An internal error occurred in the simulator.",
                    details=f"The {job['kind']} job raised an unexpected exception.",
                )
        if error is not None and kind.fail is not None:
            kind.fail(appliance, job["params"], error)
        if error is None:
            for index in range(len(task["progressUpdates"]), len(kind.steps)):
                task["progressUpdates"].append(self._update_entry(kind.steps[index], index))
        store.update(task["uri"], _terminal_fields(task, error))
        store.remove(job["uri"])
        from oneview_openstack.simulator.resources import activity

        activity.task_finished(appliance, task)

    def _injected_or_recorded_error(
        self, job: dict[str, Any], task: dict[str, Any]
    ) -> ApiError | None:
        if job.get("error"):
            body = job["error"]
            return ApiError(
                job.get("status") or 400,
                body["errorCode"],
                body["message"],
                details=body.get("details", ""),
                recommended_actions=body.get("recommendedActions"),
            )
        return self._appliance.faults.take_task_failure(task)

    def _update_entry(self, text: str, index: int) -> dict[str, Any]:
        return {
            "timestamp": self._appliance.clock.iso(),
            "id": index + 1,
            "statusUpdate": text,
        }


def _task_document(
    uri: str,
    *,
    name: str,
    owner: str,
    status: str,
    resource: tuple[str | None, str, str | None],
    total_steps: int,
    expected: int,
) -> dict[str, Any]:
    resource_uri, category, resource_name = resource
    return {
        "type": "TaskResourceV2",
        "category": "tasks",
        "uri": uri,
        "name": name,
        "owner": owner,
        "taskType": "User",
        "userInitiated": True,
        "hidden": False,
        "isCancellable": False,
        "taskState": "Starting",
        "stateReason": "Starting",
        "taskStatus": status,
        "percentComplete": 0,
        "computedPercentComplete": 0,
        "completedSteps": 0,
        "totalSteps": total_steps,
        "expectedDuration": expected,
        "associatedResource": {
            "resourceUri": resource_uri,
            "resourceCategory": category,
            "resourceName": resource_name,
            "associationType": "MANAGED_BY",
        },
        "parentTaskUri": None,
        "associatedTaskUri": None,
        "data": None,
        "progressUpdates": [],
        "taskErrors": [],
        "taskOutput": [],
    }


def _terminal_fields(task: dict[str, Any], error: ApiError | None) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "percentComplete": 100,
        "computedPercentComplete": 100,
        "completedSteps": task["totalSteps"],
    }
    if error is None:
        fields.update(taskState="Completed", stateReason="Completed")
    else:
        fields.update(
            taskState="Error",
            stateReason="ValidationError" if error.status == 400 else "Error",
            taskErrors=[error.body()],
            taskStatus=error.message,
        )
    return fields
