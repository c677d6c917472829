"""How the demo speaks to the operator watching the terminal: chapters, steps, tables."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

WIDTH = 92
INDENT = "  "


def say(text: str = "", indent: int = 0) -> None:
    """Print at once (the demo is watched live, often through a pipe)."""
    print(INDENT * indent + text, flush=True)


def chapter(number: int, title: str, summary: str) -> None:
    say()
    say("=" * WIDTH)
    say(f"Chapter {number}. {title}")
    say("=" * WIDTH)
    paragraph(summary)


def step(title: str) -> None:
    say()
    say(f"-- {title}")


def paragraph(text: str, indent: int = 0) -> None:
    prefix = INDENT * indent
    for line in textwrap.wrap(" ".join(text.split()), WIDTH - len(prefix), break_on_hyphens=False):
        say(prefix + line)


def note(text: str) -> None:
    """Something the operator must not miss, e.g. what a test double stands in for."""
    say()
    for line in textwrap.wrap(" ".join(text.split()), WIDTH - 8, break_on_hyphens=False):
        say(f"  !!  {line}")


def fields(rows: Iterable[tuple[str, object]], indent: int = 1) -> None:
    """``name  value`` lines, the names aligned."""
    rows = list(rows)
    width = max((len(name) for name, _ in rows), default=0)
    for name, value in rows:
        say(f"{name.ljust(width)}  {value}", indent)


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], indent: int = 1) -> None:
    """Rows under headers, columns as wide as their widest cell."""
    cells = [[str(h) for h in headers]] + [["-" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        say("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), indent)
        if index == 0:
            say("  ".join("-" * w for w in widths), indent)
