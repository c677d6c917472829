"""Bounded history: tasks, alerts, events and expired sessions are pruned as an appliance
prunes them, and a task a client may still poll never is (simulator/history.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from oneview_openstack.simulator.appliance import Appliance
from oneview_openstack.simulator.auth import SWEEP_EVERY, Role, Sessions, User, hash_password
from oneview_openstack.simulator.clock import Clock
from oneview_openstack.simulator.config import SimulatorConfig
from oneview_openstack.simulator.errors import ApiError
from oneview_openstack.simulator.resources import activity
from oneview_openstack.simulator.tasks import JobKind, TaskEngine
from oneview_openstack.testing.simulator import SimulatorHandle

from .http_support import Api, error

START = 1_800_000_000.0
QUICK, SLOW = "test.quick", "test.slow"


class FixedClock(Clock):
    def __init__(self, now: float) -> None:
        self.value = now

    def now(self) -> float:
        return self.value


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def appliance(clock: FixedClock) -> Appliance:
    config = SimulatorConfig(time_scale=1.0, task_history=20, task_grace=60.0)
    config.alert_history = config.event_history = 40
    appliance = Appliance(config, clock=clock)
    appliance.tasks = TaskEngine(
        appliance,
        {
            QUICK: JobKind(QUICK, 0.0, [], lambda _a, _p: None),
            SLOW: JobKind(SLOW, 10_000.0, ["waiting"], lambda _a, _p: None),
        },
    )
    return appliance


def start(appliance: Appliance, kind: str, name: str) -> str:
    task = appliance.tasks.start(kind, {}, name=name, resource_uri=None, resource_category="tests")
    return str(task["uri"])


def tasks(appliance: Appliance) -> list[dict[str, Any]]:
    return appliance.store.members("tasks")


def test_ended_tasks_past_the_limit_go_oldest_first(
    appliance: Appliance, clock: FixedClock
) -> None:
    uris = [start(appliance, QUICK, f"quick-{n}") for n in range(30)]
    assert len(tasks(appliance)) > 20  # all within the grace period: none went yet

    clock.value += 61
    appliance.tasks.advance()

    kept = [task["uri"] for task in tasks(appliance)]
    assert len(kept) < 20
    assert kept == uris[-len(kept) :]  # the seed's and the oldest new ones went
    assert appliance.store.get(uris[0]) is None


def test_a_running_task_is_never_pruned(appliance: Appliance, clock: FixedClock) -> None:
    running = start(appliance, SLOW, "slow")
    for n in range(40):
        start(appliance, QUICK, f"quick-{n}")
    clock.value += 3600

    appliance.tasks.advance()

    assert appliance.store.require(running)["taskState"] in ("Starting", "Running")
    assert tasks(appliance)[0]["uri"] == running
    assert len(tasks(appliance)) < 20


def test_a_task_ended_within_the_grace_period_stays_pollable(
    appliance: Appliance, clock: FixedClock
) -> None:
    clock.value += 61
    appliance.tasks.advance()  # the seed's old tasks may go now
    recent = [start(appliance, QUICK, f"recent-{n}") for n in range(25)]
    clock.value += 59

    appliance.tasks.advance()

    assert all(appliance.store.get(uri) is not None for uri in recent)


def test_a_pruned_task_is_not_found(appliance: Appliance, clock: FixedClock) -> None:
    first = start(appliance, QUICK, "first")
    for n in range(30):
        start(appliance, QUICK, f"later-{n}")
    clock.value += 61
    appliance.tasks.advance()

    with pytest.raises(ApiError) as raised:
        appliance.store.require(first)

    assert raised.value.status == 404


@pytest.mark.functional
def test_a_pruned_task_answers_404_over_http(sim: SimulatorHandle) -> None:
    api = Api(sim)
    oldest = api.get("/rest/tasks?start=0&count=1")["members"][0]["uri"]
    total = api.get("/rest/tasks?count=1")["total"]
    sim.operator.set_config(task_history=total + 1, task_grace=0)
    for n in range(2):
        body = {"type": "ethernet-networkV4", "name": f"history-{n}", "vlanId": 3950 + n}
        api.run("POST", "/rest/ethernet-networks", body | {"ethernetNetworkType": "Tagged"})

    after = api.get("/rest/tasks?count=1")

    assert after["total"] <= total + 1
    body = error(api.call("GET", oldest), 404, "RESOURCE_NOT_FOUND")
    assert oldest in body["details"]
    assert sim.operator.config()["task_history"] == total + 1


def test_alerts_past_the_limit_go_cleared_first_then_least_severe(appliance: Appliance) -> None:
    store = appliance.store
    for alert in list(store.iter("alerts")):
        store.remove(alert["uri"])
    raised = {}
    for severity in ("Critical", "Warning", "OK"):
        for n in range(13):
            raised[severity, n] = _alert(appliance, severity)["uri"]
    cleared = raised["Critical", 12]
    store.update(cleared, {"alertState": "Cleared"})
    assert store.count("alerts") == 39
    _alert(appliance, "Critical")  # the 40th: the limit

    appliance.tasks.advance()

    assert store.get(cleared) is None
    assert store.count("alerts") < 40 * 74_200 / 75_000
    assert all(store.get(raised["Critical", n]) for n in range(12))
    assert all(store.get(raised["Warning", n]) for n in range(13))
    assert store.get(raised["OK", 0]) is None  # the oldest of the least severe


def test_events_past_the_limit_go_oldest_first(appliance: Appliance) -> None:
    store = appliance.store
    for _ in range(45):
        activity.record_event(appliance, event_type="test", description="event")
    newest = store.members("events")[-1]["uri"]

    appliance.tasks.advance()

    assert store.count("events") < 40
    assert store.get("/rest/events/1") is None
    assert store.get(newest) is not None


def test_history_limits_are_run_time_settings(appliance: Appliance) -> None:
    appliance.configure({"task_history": 5, "task_grace": 0})

    assert appliance.describe()["task_history"] == 5
    with pytest.raises(ApiError) as raised:
        appliance.configure({"alert_history": 0})
    assert raised.value.error_code == "INVALID_CONFIG"
    assert appliance.config.alert_history == 40


def test_expired_sessions_are_swept_by_later_logins(clock: FixedClock) -> None:
    user = User("admin", hash_password("admin-password"), Role.ADMINISTRATOR)
    sessions = Sessions(clock, {"admin": user}, idle_timeout=60.0)
    body = {"userName": "admin", "password": "admin-password"}
    abandoned = [sessions.login(body) for _ in range(SWEEP_EVERY - 1)]
    clock.value += 61

    kept = sessions.login(body)  # the SWEEP_EVERY-th login sweeps

    assert len(sessions) == 1
    assert sessions.authenticate(kept) is user
    assert sessions.authenticate(abandoned[0]) is None


def _alert(appliance: Appliance, severity: str) -> dict[str, Any]:
    return activity.raise_alert(
        appliance, alert_type="test", description="alert", resource_uri=None, severity=severity
    )


@pytest.mark.functional
def test_pruned_tasks_stay_pruned_and_leave_the_state_file(
    make_simulator: Callable[..., SimulatorHandle], tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    sim = make_simulator(state_file=state)
    api = Api(sim)
    seed_oldest = api.get("/rest/tasks?start=0&count=1")["members"][0]["uri"]
    sim.operator.set_config(task_history=3, task_grace=0)
    created = []
    for n in range(4):
        body = {"type": "ethernet-networkV4", "name": f"kept-{n}", "vlanId": 3960 + n}
        task = api.run("POST", "/rest/ethernet-networks", body | {"ethernetNetworkType": "Tagged"})
        created.append(task["uri"])
    gone = [uri for uri in created if api.call("GET", uri).status_code == 404]
    assert gone  # the seed's tasks went first, then the oldest new ones

    sim.restart()

    after = Api(sim)
    assert after.call("GET", seed_oldest).status_code == 404
    assert all(after.call("GET", uri).status_code == 404 for uri in gone)
    lines = [json.loads(line) for line in state.read_text().splitlines()[1:]]
    assert not [entry for [entry] in lines if entry[1] in gone]  # no "delete" line each
    assert after.get("/rest/tasks?count=1")["total"] <= 3
