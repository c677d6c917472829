"""A one-line progress bar on a terminal's stderr; silent when stderr is not a terminal."""

from __future__ import annotations

import collections
import shutil
import sys
import time
from typing import TextIO

from oneview_openstack.enrollment import Outcome


class ProgressBar:
    """``[#######.......]  37/100 servers  created 35, failed 2  12.3 s``, redrawn in place."""

    def __init__(self, total: int, what: str = "servers", stream: TextIO | None = None) -> None:
        self.total = total
        self.what = what
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = total > 0 and self.stream.isatty()
        self.done = 0
        self.counts: collections.Counter[str] = collections.Counter()
        self.started = time.monotonic()

    def __call__(self, outcome: Outcome) -> None:
        self.done += 1
        self.counts[outcome.result.value] += 1
        if self.enabled:
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def line(self) -> str:
        width = max(10, min(40, shutil.get_terminal_size((80, 20)).columns - 60))
        filled = width * self.done // self.total if self.total else width
        counts = ", ".join(f"{name} {count}" for name, count in sorted(self.counts.items()))
        elapsed = time.monotonic() - self.started
        return (
            f"[{'#' * filled}{'.' * (width - filled)}] {self.done:>{len(str(self.total))}}/"
            f"{self.total} {self.what}  {counts}  {elapsed:.1f} s"
        )

    def close(self) -> None:
        """Erase the bar so the table that follows starts on a clean line."""
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()
