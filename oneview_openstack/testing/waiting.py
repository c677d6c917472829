"""Waiting for something a real service does in its own time: poll, never sleep blindly."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

_T = TypeVar("_T")


def wait_for(
    condition: Callable[[], _T], what: str, timeout: float = 60.0, interval: float = 0.1
) -> _T:
    """The first truthy value of ``condition()``, polled every ``interval`` seconds.

    :raises AssertionError: naming ``what`` when ``timeout`` seconds passed without one.
    """
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        time.sleep(interval)
    return found
