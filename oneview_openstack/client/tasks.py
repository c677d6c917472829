"""OneView tasks: the model of ``/rest/tasks/{id}``, waiting for one, listing many at once."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from oneview_openstack.client import exceptions, query
from oneview_openstack.client.constants import TaskState, parse_enum
from oneview_openstack.client.transport import Transport, relative

LOG = logging.getLogger(__name__)

TASKS_PATH = "/rest/tasks"
DEFAULT_TASK_TIMEOUT = 3600.0
MAX_POLL_INTERVAL = 5.0
URIS_PER_LISTING = 40
"""Task URIs asked for in one ``GET /rest/tasks`` (keeps the query string short)."""


@dataclass(frozen=True)
class TaskError:
    """One entry of a task's ``taskErrors``."""

    error_code: str | None
    message: str
    details: str | None = None
    recommended_actions: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TaskError:
        actions = data.get("recommendedActions") or []
        return cls(
            error_code=data.get("errorCode") or None,
            message=str(data.get("message") or data.get("details") or "no message"),
            details=data.get("details") or None,
            recommended_actions=tuple(str(a) for a in actions if a),
        )


@dataclass(frozen=True)
class Task:
    """A snapshot of a OneView task."""

    uri: str
    state: TaskState = TaskState.UNKNOWN
    name: str | None = None
    status: str | None = None
    """``taskStatus``: the human-readable line ("Power off Server: bay 3")."""
    percent_complete: int = 0
    resource_uri: str | None = None
    """``associatedResource.resourceUri``."""
    resource_category: str | None = None
    errors: tuple[TaskError, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Task:
        resource = data.get("associatedResource") or {}
        errors = data.get("taskErrors") or []
        return cls(
            uri=str(data.get("uri") or ""),
            state=parse_enum(TaskState, data.get("taskState")),
            name=data.get("name"),
            status=data.get("taskStatus"),
            percent_complete=int(data.get("percentComplete") or 0),
            resource_uri=resource.get("resourceUri") or None,
            resource_category=resource.get("resourceCategory") or None,
            errors=tuple(TaskError.from_json(e) for e in errors if isinstance(e, dict)),
            raw=dict(data),
        )

    @classmethod
    def completed(cls, resource_uri: str | None) -> Task:
        """A stand-in for an operation the appliance finished synchronously (no task)."""
        return cls(
            uri="", state=TaskState.COMPLETED, percent_complete=100, resource_uri=resource_uri
        )

    @property
    def is_terminal(self) -> bool:
        return self.state.is_terminal

    @property
    def is_success(self) -> bool:
        return self.state.is_success


def task_from_response(response: requests.Response) -> Task | None:
    """The task an HTTP 202 answer points at (``Location`` header or body), else ``None``."""
    if response.status_code != 202:
        return None
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    if isinstance(body, dict) and (body.get("taskState") or body.get("category") == "tasks"):
        task = Task.from_json(body)
        if task.uri:
            return task
    location = response.headers.get("Location")
    if location:
        return Task(uri=relative(location))
    raise exceptions.InvalidResponse(
        "HTTP 202 without a task: no Location header and no task in the body",
        status=202,
        method=response.request.method if response.request else None,
        path=relative(response.url),
    )


class TaskManager:
    """``client.tasks``: read tasks and wait for them."""

    def __init__(
        self,
        transport: Transport,
        *,
        default_timeout: float = DEFAULT_TASK_TIMEOUT,
        poll_interval: float = 0.2,
    ) -> None:
        self._transport = transport
        self.default_timeout = default_timeout
        self.poll_interval = poll_interval

    def uri(self, task: Task | str) -> str:
        """``/rest/tasks/{id}`` from a task, an id or a URI."""
        ref = task.uri if isinstance(task, Task) else task
        if not ref or not isinstance(ref, str):
            raise ValueError(
                f"tasks: expected a Task, a task id or a /rest/tasks/... URI, got {task!r}"
            )
        ref = relative(ref)
        if ref.startswith("/rest/"):
            if not ref.startswith(TASKS_PATH + "/"):
                raise ValueError(f"tasks: expected a /rest/tasks/{{id}} URI, got {ref!r}")
            return ref
        if "/" in ref or "?" in ref:
            raise ValueError(f"tasks: {ref!r} is neither a task id nor a /rest/tasks/ URI")
        return f"{TASKS_PATH}/{ref}"

    def get(self, task: Task | str) -> Task:
        """The current state of a task."""
        uri = self.uri(task)
        response = self._transport.request("GET", uri)
        return Task.from_json(self._transport.json(response, "GET", uri))

    def list_by_uri(self, tasks: Iterable[Task | str]) -> dict[str, Task]:
        """The current state of many tasks, keyed by URI, from filtered listings of
        ``/rest/tasks`` (``filter="uri='a' OR uri='b'"``, up to :data:`URIS_PER_LISTING` URIs
        per request) rather than one GET each. A task OneView no longer has is absent.
        """
        uris = sorted({self.uri(task) for task in tasks})
        found: dict[str, Task] = {}
        for start in range(0, len(uris), URIS_PER_LISTING):
            chunk = uris[start : start + URIS_PER_LISTING]
            expression = " OR ".join(query.filter_expression("uri", uri) for uri in chunk)
            for member in self._listing([("filter", f'"{expression}"')], len(chunk)):
                current = Task.from_json(member)
                if current.uri in chunk:
                    found[current.uri] = current
        return found

    def _listing(self, params: list[tuple[str, str]], count: int) -> list[Mapping[str, Any]]:
        """All members of a filtered task listing, following ``nextPageUri``."""
        members: list[Mapping[str, Any]] = []
        request: tuple[str, list[tuple[str, str]] | None] | None = (
            TASKS_PATH,
            [*params, ("start", "0"), ("count", str(count))],
        )
        seen: set[str] = set()
        while request is not None:
            path, page_params = request
            response = self._transport.request("GET", path, params=page_params)
            page = self._transport.json(response, "GET", path)
            if not isinstance(page, dict):
                break
            members += [m for m in page.get("members") or [] if isinstance(m, dict)]
            following = page.get("nextPageUri")
            if not following or following in seen or len(members) >= count:
                break
            seen.add(following)
            request = (relative(following), None)
        return members

    def wait(self, task: Task | str, *, timeout: float | None = None) -> Task:
        """Poll until the task is terminal; return it if it succeeded (Completed or Warning).

        Raises ``TaskFailed`` (carrying the first ``taskErrors`` entry's errorCode and message)
        when it ends in Error/Terminated/Killed/Interrupted, and ``TaskTimeout`` when it is not
        terminal after *timeout* seconds (default: the client's task timeout).
        """
        if isinstance(task, Task) and not task.uri and task.is_terminal:
            return task  # completed synchronously
        limit = self.default_timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        interval = self.poll_interval
        current = task if isinstance(task, Task) and task.is_terminal else self.get(task)
        while not current.is_terminal:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise exceptions.TaskTimeout(
                    f"still {current.state} at {current.percent_complete}% after {limit:g}s",
                    context=f"task {current.uri} ({current.name or 'unnamed'})",
                    task=current,
                )
            time.sleep(min(interval, remaining))
            interval = min(interval * 1.5, max(MAX_POLL_INTERVAL, self.poll_interval))
            current = self.get(current.uri)
        if not current.is_success:
            raise _task_failure(current)
        LOG.debug("Task %s (%s) %s", current.uri, current.name, current.state)
        return current


def _task_failure(task: Task) -> exceptions.TaskFailed:
    first = task.errors[0] if task.errors else None
    context = f"task {task.uri} ({task.name or 'unnamed'}"
    if task.resource_uri:
        context += f" on {task.resource_uri}"
    context += f") ended in {task.state}"
    message = first.message if first else (task.status or "no taskErrors given")
    return exceptions.TaskFailed(
        message,
        context=context,
        task=task,
        error_code=first.error_code if first else None,
        details=first.details if first else None,
        recommended_actions=first.recommended_actions if first else (),
    )
