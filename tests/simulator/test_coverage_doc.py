"""doc/simulator-coverage.md is what tools/simulator_coverage.py writes (SDK x routes)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "simulator_coverage.py"
DOCUMENT = ROOT / "doc" / "simulator-coverage.md"


def _generate(target: Path) -> str:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--output", str(target)],
        check=True,
        capture_output=True,
        timeout=60,
        cwd=ROOT,
    )
    return target.read_text(encoding="utf-8")


def test_the_committed_document_is_up_to_date(tmp_path: Path) -> None:
    generated = _generate(tmp_path / "coverage.md")

    assert generated == DOCUMENT.read_text(encoding="utf-8"), (
        "doc/simulator-coverage.md is stale: run .venv/bin/python tools/simulator_coverage.py"
    )


def test_the_document_is_deterministic_and_fast(tmp_path: Path) -> None:
    started = time.monotonic()
    first = _generate(tmp_path / "first.md")
    elapsed = time.monotonic() - started

    assert _generate(tmp_path / "second.md") == first
    assert elapsed < 5


def test_every_family_of_the_issue_is_inventoried() -> None:
    text = DOCUMENT.read_text(encoding="utf-8")

    for family in ("Server hardware", "Logical enclosures", "ID pools and ranges", "Scopes",
                   "Index search", "Users", "Login details", "Versions"):  # fmt: skip
        assert f"\n## {family}\n" in text
    assert "| `ServerHardware.get_bios` | `GET /rest/server-hardware/{id}/bios` |" in text
    assert "`GET /rest/id-pools/vmac/ranges/{id}/allocated-fragments`" in text
    assert "`GET /rest/version`" in text
