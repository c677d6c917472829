"""Faults an operator injects: latency, errors, dropped connections, failed tasks."""

from __future__ import annotations

import fnmatch
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from oneview_openstack.simulator.errors import ApiError

DEFAULT_MESSAGES = {
    500: "An internal error occurred.",
    503: "The appliance is not ready to accept requests.",
}


@dataclass
class RequestFault:
    id: str
    method: str = "*"
    path: str = "*"
    latency_ms: int = 0
    status: int | None = None
    error_code: str | None = None
    message: str | None = None
    rate: float = 1.0
    times: int | None = None  # None: until cleared
    drop_connection: bool = False

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and fnmatch.fnmatchcase(path, self.path)

    def error(self) -> ApiError | None:
        if self.status is None:
            return None
        return ApiError(
            self.status,
            self.error_code or f"SIMULATED_HTTP_{self.status}",
            self.message or DEFAULT_MESSAGES.get(self.status, "Injected failure."),
            details="Injected by the simulator's operator API.",
            recommended_actions=["Retry the request."],
        )

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "latency_ms": self.latency_ms,
            "status": self.status,
            "errorCode": self.error_code,
            "message": self.message,
            "rate": self.rate,
            "times": self.times,
            "drop_connection": self.drop_connection,
        }


@dataclass
class Verdict:
    """What the faults decided for one request."""

    latency: float = 0.0
    error: ApiError | None = None
    drop_connection: bool = False


@dataclass
class TaskFailure:
    error_code: str
    message: str
    name: str | None = None
    resource_category: str | None = None

    def matches(self, task: dict[str, Any]) -> bool:
        category = task["associatedResource"]["resourceCategory"]
        return (self.name in (None, task["name"])) and (self.resource_category in (None, category))


@dataclass
class Faults:
    requests: list[RequestFault] = field(default_factory=list)
    task_failures: list[TaskFailure] = field(default_factory=list)
    rng: random.Random = field(default_factory=random.Random)

    def add(self, spec: dict[str, Any]) -> RequestFault:
        fault = RequestFault(
            id=str(uuid.uuid4()),
            method=str(spec.get("method", "*")).upper(),
            path=str(spec.get("path", "*")),
            latency_ms=int(spec.get("latency_ms", 0)),
            status=spec.get("status"),
            error_code=spec.get("errorCode"),
            message=spec.get("message"),
            rate=float(spec.get("rate", 1.0)),
            times=spec.get("times"),
            drop_connection=bool(spec.get("drop_connection", False)),
        )
        self.requests.append(fault)
        return fault

    def clear(self) -> None:
        self.requests.clear()
        self.task_failures.clear()

    def before_request(self, method: str, path: str) -> Verdict:
        verdict = Verdict()
        for fault in list(self.requests):
            if not fault.matches(method, path) or self.rng.random() >= fault.rate:
                continue
            verdict.latency += fault.latency_ms / 1000.0
            verdict.error = verdict.error or fault.error()
            verdict.drop_connection = verdict.drop_connection or fault.drop_connection
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.requests.remove(fault)
        return verdict

    def fail_next_task(self, spec: dict[str, Any]) -> TaskFailure:
        failure = TaskFailure(
            error_code=str(spec["errorCode"]),
            message=str(spec.get("message") or f"Injected task failure {spec['errorCode']}."),
            name=spec.get("name"),
            resource_category=spec.get("resourceCategory"),
        )
        self.task_failures.append(failure)
        return failure

    def take_task_failure(self, task: dict[str, Any]) -> ApiError | None:
        for failure in self.task_failures:
            if failure.matches(task):
                self.task_failures.remove(failure)
                return ApiError(400, failure.error_code, failure.message)
        return None
