"""The task engine at the exact time of a progress update (floating-point rounding).

``advance()`` once rescheduled a progress update due exactly ``now`` at the same time,
forever, when ``(now - start) / span * steps`` rounded a hair below the step: the
appliance spun at 100 % CPU, stopped answering, and grew by a pending store change per
round (bench/RESULTS.md, the ML2 bench's stall; ``bench/simulator_soak.py``).
"""

from __future__ import annotations

from typing import Any

import pytest

from oneview_openstack.simulator.appliance import Appliance
from oneview_openstack.simulator.clock import Clock
from oneview_openstack.simulator.config import SimulatorConfig
from oneview_openstack.simulator.tasks import JobKind, TaskEngine

# A start time and a 3 ms task (uplink-set update at --time-scale 0.001) for which the
# boundary of step 1 of 2, start + span * 1 / 2, computes back to 0.99999... steps.
START = 1796300847.433737
KIND = "test.two-steps"


class FixedClock(Clock):
    def __init__(self, now: float) -> None:
        self.value = now

    def now(self) -> float:
        return self.value


class UpdateLimit(RuntimeError):
    pass


@pytest.fixture
def appliance() -> Appliance:
    clock = FixedClock(START)
    appliance = Appliance(SimulatorConfig(time_scale=0.001), clock=clock)
    completed: list[dict[str, Any]] = []
    appliance.tasks = TaskEngine(
        appliance,
        {KIND: JobKind(KIND, 3.0, ["one", "two"], lambda _a, params: completed.append(params))},
    )
    return appliance


def _limit_updates(appliance: Appliance, limit: int) -> None:
    """Make a runaway loop fail the test instead of filling the memory."""
    store = appliance.store
    original = store.update
    calls = 0

    def update(uri: str, changes: dict[str, Any] | None = None) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls > limit:
            raise UpdateLimit(f"{calls} store updates in one advance()")
        return original(uri, changes)

    store.update = update  # type: ignore[method-assign]


def test_the_rounding_case_is_real() -> None:
    span = (START + 0.003) - START
    boundary = START + span * 1 / 2
    assert int((boundary - START) / span * 2) + 1 == 1  # a hair below step 1


def test_progress_at_the_exact_time_of_an_update_advances(appliance: Appliance) -> None:
    clock = appliance.clock
    assert isinstance(clock, FixedClock)
    task = appliance.tasks.start(
        KIND, {}, name="Update", resource_uri=None, resource_category="uplink-sets"
    )
    job = appliance.store.require("/_jobs/" + task["uri"].rsplit("/", 1)[1])
    clock.value = job["start"] + (job["due"] - job["start"]) * 1 / 2  # step 1's time
    _limit_updates(appliance, 50)
    appliance.tasks.advance()
    task = appliance.store.require(task["uri"])
    assert task["taskState"] == "Running"
    assert [update["statusUpdate"] for update in task["progressUpdates"]] == ["one", "two"]
    clock.value = job["due"]
    appliance.tasks.advance()
    assert appliance.store.require(task["uri"])["taskState"] == "Completed"
    assert appliance.tasks.pending() == 0
