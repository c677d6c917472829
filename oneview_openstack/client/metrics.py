"""Call observation: every HTTP exchange is reported to an optional observer.

The transport calls ``observer.record(method, path_template, status, seconds)`` once per HTTP
attempt (retries and re-logins included), where ``path_template`` is the path with resource ids
replaced by ``{id}`` (``/rest/server-hardware/{id}/powerState``) and ``status`` is ``None`` when
no answer arrived. :class:`CallCounter` is a ready-made, thread-safe observer for benchmarks.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit


class CallObserver(Protocol):
    """Anything with this ``record`` method can observe a :class:`OneViewClient`."""

    def record(self, method: str, path_template: str, status: int | None, seconds: float) -> None:
        """Called after every HTTP attempt; must be fast and must not raise."""


_HAS_DIGIT = re.compile(r"\d")
# Segments with digits that are names, not ids.
_NAMED_SEGMENTS = frozenset({"ipv4", "ipv6"})


def path_template(path: str) -> str:
    """``/rest/server-hardware/3030-4752/powerState`` -> ``/rest/server-hardware/{id}/powerState``.

    A segment after ``/rest/<collection>`` is an id when it contains a digit: OneView ids are
    UUIDs, serial numbers or integers, while sub-resource names are words.
    """
    clean = urlsplit(path).path
    segments = clean.split("/")
    out = []
    for index, segment in enumerate(segments):
        is_id = index >= 3 and _HAS_DIGIT.search(segment) and segment.lower() not in _NAMED_SEGMENTS
        out.append("{id}" if is_id else segment)
    return "/".join(out)


@dataclass
class CallStats:
    """Totals for one ``METHOD /path/template`` key."""

    count: int = 0
    errors: int = 0
    total_seconds: float = 0.0
    max_seconds: float = 0.0

    @property
    def mean_seconds(self) -> float:
        return self.total_seconds / self.count if self.count else 0.0


class CallCounter:
    """Thread-safe observer counting calls and latency by ``"METHOD /path/template"``.

    The keys have the same form as the simulator's ``GET /sim/counters``.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stats: dict[str, CallStats] = {}

    def record(self, method: str, path_template: str, status: int | None, seconds: float) -> None:
        key = f"{method} {path_template}"
        with self._lock:
            stats = self._stats.setdefault(key, CallStats())
            stats.count += 1
            stats.total_seconds += seconds
            stats.max_seconds = max(stats.max_seconds, seconds)
            if status is None or status >= 400:
                stats.errors += 1

    def counts(self) -> dict[str, int]:
        """``{"GET /rest/server-hardware/{id}": 3, ...}``."""
        with self._lock:
            return {key: stats.count for key, stats in self._stats.items()}

    def stats(self) -> dict[str, CallStats]:
        """A copy of the full statistics per key."""
        with self._lock:
            return {key: CallStats(**vars(stats)) for key, stats in self._stats.items()}

    @property
    def total(self) -> int:
        """Number of HTTP calls observed so far."""
        with self._lock:
            return sum(stats.count for stats in self._stats.values())

    def reset(self) -> None:
        with self._lock:
            self._stats.clear()
