"""The next move of a node (no I/O): each row of the decision table, and the backoff."""

from __future__ import annotations

from typing import Any

import pytest

from oneview_openstack.daemon.convergence import Backoff, Move, decide, is_settled, opted_out
from oneview_openstack.enrollment import OneViewNode

FULL = {"cpus": 28, "memory_mb": 262144, "local_gb": 446, "cpu_arch": "x86_64"}


def node(state: str, **fields: Any) -> OneViewNode:
    values: dict[str, Any] = {
        "uuid": "n1",
        "name": "frame1-bay-1",
        "server_uri": "/rest/server-hardware/s1",
        "template_id": None,
        "provision_state": state,
        "maintenance": False,
        "maintenance_reason": None,
        "applied_profile_uri": None,
        "resource_class": None,
        "properties": FULL,
        "traits": frozenset(),
        "instance_uuid": None,
        "last_error": None,
        "port_macs": frozenset(),
    }
    values.update(fields)
    return OneViewNode(**values)


@pytest.mark.parametrize(
    ("state", "move"),
    [
        ("enroll", Move.MANAGE),
        ("manageable", Move.PROVIDE),
        ("inspect failed", Move.MANAGE),
        ("clean failed", Move.MANAGE),
        ("available", None),
        ("active", None),
        ("cleaning", None),
        ("deploying", None),
        ("verifying", None),
    ],
)
def test_the_move_of_each_state(state: str, move: Move | None) -> None:
    assert decide(node(state), inspect=False, retry_due=True).move is move


def test_maintenance_is_left_alone_whatever_the_state() -> None:
    for state in ("enroll", "manageable", "inspect failed", "clean failed"):
        decision = decide(
            node(state, maintenance=True, maintenance_reason="by hand"),
            inspect=True,
            retry_due=True,
        )
        assert decision.move is None and "by hand" in decision.reason


def test_opted_out_nodes_are_left_alone() -> None:
    parked = node("manageable", extra={"ironic_oneviewd": "Off"})

    assert decide(parked, inspect=False, retry_due=True).move is None
    assert not opted_out({"ironic_oneviewd": "on"}) and not opted_out({})


def test_inspection_only_when_asked_and_properties_are_missing() -> None:
    lacking = node("manageable", properties={"cpus": 4})

    assert decide(lacking, inspect=True, retry_due=True).move is Move.INSPECT
    assert "memory_mb" in decide(lacking, inspect=True, retry_due=True).reason
    assert decide(lacking, inspect=False, retry_due=True).move is Move.PROVIDE
    assert decide(node("manageable"), inspect=True, retry_due=True).move is Move.PROVIDE


def test_a_failed_node_waits_for_its_backoff() -> None:
    decision = decide(node("inspect failed"), inspect=False, retry_due=False)

    assert decision.move is None and "waiting" in decision.reason


def test_settled_means_nothing_to_do_and_nothing_moving() -> None:
    for state, settled in (("available", True), ("cleaning", False), ("verifying", False)):
        n = node(state)
        assert is_settled(n, decide(n, inspect=False, retry_due=True)) is settled
    enrolling = node("enroll")
    assert not is_settled(enrolling, decide(enrolling, inspect=False, retry_due=True))


def test_backoff_doubles_up_to_the_maximum_and_resets() -> None:
    backoff = Backoff(base=10, maximum=35)

    assert backoff.due("n1", now=0)  # a node never retried is retried at once
    waits = [backoff.retried("n1") for _ in range(3)]

    assert 10 <= waits[0] <= 12.5 and 20 <= waits[1] <= 25 and waits[2] == 35
    backoff.succeeded("n1")
    assert backoff.due("n1", now=0) and backoff.attempts("n1") == 0


def test_the_wait_runs_from_when_the_node_is_seen_failed_again() -> None:
    """A retry that takes long (cleaning) still leaves the whole wait before the next."""
    backoff = Backoff(base=10, maximum=100)
    wait = backoff.retried("n1")  # retried at t=0; the node cleans for 50 s, then fails

    assert not backoff.due("n1", now=50)  # first seen failed again: the wait starts
    assert not backoff.due("n1", now=50 + wait - 1)
    assert backoff.due("n1", now=50 + wait)
    assert backoff.due("other", now=0)
