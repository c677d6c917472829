"""The next move of a node toward ``available``, decided from the node alone (no I/O).

=====================  =========================================================
node                   move
=====================  =========================================================
in maintenance         none: an operator (or the driver's dynamic allocation) holds it
opted out              none: ``extra/ironic_oneviewd`` is ``off``
enroll                 ``manage`` (Ironic checks power and management access)
manageable             ``inspect`` when asked and properties are missing, else ``provide``
inspect failed,        ``manage`` again once its backoff has passed (then the row above)
clean failed
anything else          none (available, active, or moving: followed until it settles)
=====================  =========================================================
"""

from __future__ import annotations

import dataclasses
import enum
import random
from collections.abc import Mapping
from typing import Any

from oneview_openstack.enrollment import OneViewNode

#: ``openstack baremetal node set --extra ironic_oneviewd=off NODE`` keeps the daemon away.
OPT_OUT_KEY = "ironic_oneviewd"
OPT_OUT_VALUES = frozenset({"off", "false", "no", "manual", "disabled"})
REQUIRED_PROPERTIES = ("cpus", "memory_mb", "local_gb", "cpu_arch")
FAILED_STATES = frozenset({"inspect failed", "clean failed"})
#: States a node passes through on its own; the daemon waits.
MOVING_STATES = frozenset({"verifying", "inspecting", "inspect wait", "cleaning", "clean wait"})


class Move(enum.StrEnum):
    MANAGE = "manage"
    INSPECT = "inspect"
    PROVIDE = "provide"


@dataclasses.dataclass(frozen=True)
class Decision:
    move: Move | None
    reason: str = ""


def opted_out(extra: Mapping[str, Any]) -> bool:
    return str(extra.get(OPT_OUT_KEY, "")).strip().lower() in OPT_OUT_VALUES


def missing_properties(node: OneViewNode) -> list[str]:
    return [name for name in REQUIRED_PROPERTIES if not node.properties.get(name)]


def decide(node: OneViewNode, *, inspect: bool, retry_due: bool) -> Decision:
    """What to ask Ironic for ``node`` now; ``retry_due``: its failure backoff has passed."""
    if node.maintenance:
        return Decision(None, f"in maintenance ({node.maintenance_reason or 'no reason'})")
    if opted_out(node.extra):
        return Decision(None, f"opted out (extra/{OPT_OUT_KEY})")
    state = node.provision_state
    if state == "enroll":
        return Decision(Move.MANAGE)
    if state == "manageable":
        missing = missing_properties(node)
        if inspect and missing:
            return Decision(Move.INSPECT, "missing " + ", ".join(missing))
        return Decision(Move.PROVIDE)
    if state in FAILED_STATES:
        if not retry_due:
            return Decision(None, f"{state}: waiting before a retry")
        return Decision(Move.MANAGE, f"retrying after {state}: {node.last_error or ''}".strip())
    return Decision(None)


def is_settled(node: OneViewNode, decision: Decision) -> bool:
    """Nothing to do and nothing moving: the cycle need not wait for this node."""
    return decision.move is None and node.provision_state not in MOVING_STATES


class Backoff:
    """Per node: when a failing node may be retried (doubling, capped, with jitter).

    The wait runs from when the node is *seen* failed again after a retry, not from the
    retry: a retry that itself takes long (cleaning, inspection) still leaves the full wait
    before the next one.
    """

    def __init__(self, base: float, maximum: float) -> None:
        self.base = base
        self.maximum = maximum
        self._failures: dict[str, int] = {}
        self._wait: dict[str, float] = {}
        self._retry_at: dict[str, float] = {}

    def due(self, node_uuid: str, now: float) -> bool:
        """Is a node seen failed now to be retried now?"""
        if node_uuid not in self._wait:
            return True  # never retried: at once
        # The moment it may be retried, fixed when first seen failed (comparing instants,
        # not a difference of them, keeps float rounding from shaving the wait).
        retry_at = self._retry_at.setdefault(node_uuid, now + self._wait[node_uuid])
        return now >= retry_at

    def retried(self, node_uuid: str) -> float:
        """Record a retry issued now; the seconds to wait if the node fails again.

        The first failure of a node is retried at once (a race, e.g. with a OneView user,
        often is over); the next waits ``base``, doubled at each further failure, capped.
        """
        count = self._failures.get(node_uuid, 0)
        self._failures[node_uuid] = count + 1
        delay: float = self.base * 2.0**count * (1 + random.random() / 4)  # noqa: S311
        self._wait[node_uuid] = min(self.maximum, delay)
        self._retry_at.pop(node_uuid, None)
        return self._wait[node_uuid]

    def succeeded(self, node_uuid: str) -> None:
        self._failures.pop(node_uuid, None)
        self._wait.pop(node_uuid, None)
        self._retry_at.pop(node_uuid, None)

    def attempts(self, node_uuid: str) -> int:
        return self._failures.get(node_uuid, 0)
