"""Faults an operator injects: latency, errors, dropped connections, failed tasks."""

from __future__ import annotations

import fnmatch
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from oneview_openstack.simulator.errors import ApiError

HTTP_METHODS = ("*", "GET", "POST", "PUT", "PATCH", "DELETE")
REQUEST_FAULT_FIELDS = frozenset(
    {
        "method",
        "path",
        "latency_ms",
        "status",
        "errorCode",
        "message",
        "rate",
        "times",
        "drop_connection",
    }
)
TASK_FAILURE_FIELDS = frozenset({"errorCode", "message", "name", "resourceCategory", "resourceUri"})

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
    resource_uri: str | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "errorCode": self.error_code,
            "message": self.message,
            "name": self.name,
            "resourceCategory": self.resource_category,
            "resourceUri": self.resource_uri,
        }

    def matches(self, task: dict[str, Any]) -> bool:
        resource = task["associatedResource"]
        return (
            self.name in (None, task["name"])
            and self.resource_category in (None, resource["resourceCategory"])
            and self.resource_uri in (None, resource.get("resourceUri"))
        )


@dataclass
class Faults:
    requests: list[RequestFault] = field(default_factory=list)
    task_failures: list[TaskFailure] = field(default_factory=list)
    rng: random.Random = field(default_factory=random.Random)

    def add(self, spec: dict[str, Any]) -> RequestFault:
        """Add a request fault from the operator API's JSON; raises 400 on a bad field."""
        _refuse_unknown(spec, REQUEST_FAULT_FIELDS)
        fault = RequestFault(
            id=str(uuid.uuid4()),
            method=_choice(spec, "method", "*", HTTP_METHODS).upper(),
            path=_typed(spec, "path", "*", str, "a string (fnmatch pattern on the path)"),
            latency_ms=_number(spec, "latency_ms", 0, 0, 600_000),
            status=_status(spec.get("status")),
            error_code=_optional_str(spec, "errorCode"),
            message=_optional_str(spec, "message"),
            rate=float(_number(spec, "rate", 1.0, 0.0, 1.0)),
            times=_times(spec.get("times")),
            drop_connection=_typed(spec, "drop_connection", False, bool, "true or false"),
        )
        self.requests.append(fault)
        return fault

    def remove(self, fault_id: str) -> bool:
        before = len(self.requests)
        self.requests = [fault for fault in self.requests if fault.id != fault_id]
        return len(self.requests) != before

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
        """Queue a task failure from the operator API's JSON; raises 400 on a bad field."""
        _refuse_unknown(spec, TASK_FAILURE_FIELDS)
        error_code = spec.get("errorCode")
        if not isinstance(error_code, str) or not error_code:
            raise _bad_field("errorCode", error_code, "a non-empty string")
        failure = TaskFailure(
            error_code=error_code,
            message=_optional_str(spec, "message") or f"Injected task failure {error_code}.",
            name=_optional_str(spec, "name"),
            resource_category=_optional_str(spec, "resourceCategory"),
            resource_uri=_optional_str(spec, "resourceUri"),
        )
        self.task_failures.append(failure)
        return failure

    def take_task_failure(self, task: dict[str, Any]) -> ApiError | None:
        for failure in self.task_failures:
            if failure.matches(task):
                self.task_failures.remove(failure)
                return ApiError(400, failure.error_code, failure.message)
        return None

    def describe(self) -> dict[str, Any]:
        return {
            "requests": [fault.describe() for fault in self.requests],
            "tasks": [failure.describe() for failure in self.task_failures],
        }


def _bad_field(name: str, value: Any, allowed: str) -> ApiError:
    return ApiError(
        400,
        "INVALID_FAULT",
        f"Fault field {name!r} has the invalid value {value!r}.",
        details=f"Allowed for {name!r}: {allowed}.",
    )


def _refuse_unknown(spec: dict[str, Any], known: frozenset[str]) -> None:
    unknown = sorted(set(spec) - known)
    if unknown:
        raise ApiError(
            400,
            "INVALID_FAULT",
            f"Unknown fault field {unknown[0]!r}.",
            details=f"Known fields: {', '.join(sorted(known))}.",
        )


def _typed(spec: dict[str, Any], name: str, default: Any, kind: type, allowed: str) -> Any:
    value = spec.get(name, default)
    if not isinstance(value, kind):
        raise _bad_field(name, value, allowed)
    return value


def _optional_str(spec: dict[str, Any], name: str) -> str | None:
    value = spec.get(name)
    if value is not None and not isinstance(value, str):
        raise _bad_field(name, value, "a string or null")
    return value


def _choice(spec: dict[str, Any], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = spec.get(name, default)
    if not isinstance(value, str) or value.upper() not in allowed:
        raise _bad_field(name, value, f"one of {list(allowed)}")
    return value


def _number(spec: dict[str, Any], name: str, default: float, low: float, high: float) -> Any:
    value = spec.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise _bad_field(name, value, f"a number from {low} to {high}")
    return value


def _status(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 400 <= value <= 599:
        raise _bad_field("status", value, "an HTTP error status from 400 to 599, or null")
    return value


def _times(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _bad_field("times", value, "a positive integer, or null for until cleared")
    return value
