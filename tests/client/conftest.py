"""Fixtures of the client's functional tests: a OneViewClient against the real simulator.

Every functional test runs twice: capped at API 800 (OneView 4.10) and at the simulator's
current version, through the ``client`` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from oneview_openstack.client import CallCounter, OneViewClient, RetryPolicy

# Fast retries: the behaviour is the same, the test suite stays quick.
FAST_RETRIES = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.05)


class Operator:
    """The simulator's operator API (``/sim``), called over real HTTP like a person would."""

    def __init__(self, handle: Any) -> None:
        self.url = handle.url
        self.verify = handle.ca_file

    def call(self, method: str, path: str, body: Any = None) -> Any:
        response = requests.request(
            method, self.url + path, json=body, verify=self.verify, timeout=30
        )
        assert response.status_code < 400, (method, path, body, response.text)
        return response.json() if response.content else None

    def fault(self, **spec: Any) -> Any:
        return self.call("POST", "/sim/faults", spec)

    def clear_faults(self) -> None:
        self.call("DELETE", "/sim/faults")

    def expire_sessions(self) -> None:
        self.call("POST", "/sim/sessions/expire")

    def fail_next_task(self, **spec: Any) -> None:
        self.call("POST", "/sim/tasks/fail-next", spec)

    def config(self, **settings: Any) -> Any:
        if settings:
            return self.call("PUT", "/sim/config", settings)
        return self.call("GET", "/sim/config")

    def counters(self) -> dict[str, int]:
        return dict(self.call("GET", "/sim/counters"))


@pytest.fixture
def ops(sim: Any) -> Iterator[Operator]:
    operator = Operator(sim)
    saved = operator.config()
    yield operator
    operator.clear_faults()
    restore = {
        k: saved[k]
        for k in ("time_scale", "idle_timeout", "api_version", "max_page_size")
        if k in saved
    }
    operator.config(**restore)


@pytest.fixture(params=[800, None], ids=["api800", "api-current"])
def api_version_cap(request: pytest.FixtureRequest) -> int | None:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def counter() -> CallCounter:
    return CallCounter()


def make_client(sim: Any, **kwargs: Any) -> OneViewClient:
    options: dict[str, Any] = {
        "ca_file": sim.ca_file,
        "retries": FAST_RETRIES,
        "task_poll_interval": 0.01,
        "task_timeout": 60.0,
        "timeout": 10.0,
    }
    options.update(kwargs)
    username = options.pop("username", sim.username)
    password = options.pop("password", sim.password)
    return OneViewClient(sim.url, username, password, **options)


@pytest.fixture
def client(
    sim: Any, ops: Operator, api_version_cap: int | None, counter: CallCounter
) -> Iterator[OneViewClient]:
    with make_client(sim, api_version_cap=api_version_cap, observer=counter) as ov:
        yield ov
