"""Wall-clock time and OneView's timestamp format, in one place."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    def now(self) -> float:
        return time.time()

    def iso(self, when: float | None = None) -> str:
        """``2018-05-11T13:40:37.049Z``, the format of ``created``/``modified``."""
        stamp = datetime.fromtimestamp(self.now() if when is None else when, UTC)
        return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"
