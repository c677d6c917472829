"""What a cycle costs Ironic: one listing of the nodes per round, none more.

The daemon's node listings are counted in Ironic's request log (its API logs every request
with its query); only the daemon asks for ``driver_internal_info``.
"""

from __future__ import annotations

import re

import pytest

from .helpers import SY660, Env

pytestmark = pytest.mark.functional

_CYCLE = re.compile(
    r"Cycle \d+: .*?enrolled (\d+), repaired (\d+), failed (\d+),.*?; (\d+) round\(s\)"
)
_NODE_LISTING = re.compile(r"GET /v1/nodes\?\S*driver_internal_info")


def test_a_cycle_that_enrolls_nothing_lists_the_nodes_once_per_round(env: Env) -> None:
    log = env.ironic.log_path
    start = log.stat().st_size
    # a long interval: the third cycle cannot begin while the first two are counted
    daemon = env.daemon("requests", [SY660], interval=10)

    daemon.wait_cycles(2)  # the first enrolls, the second finds everything enrolled

    cycles = [tuple(map(int, found)) for found in _CYCLE.findall(daemon.log_text())[:2]]
    assert len(cycles) == 2, daemon.log_text()[-2000:]
    assert cycles[0][0] == 6 and cycles[1][:3] == (0, 0, 0), cycles
    # a round lists the nodes; enrollment's listing is reused unless it changed Ironic
    expected = sum(c[3] + (1 if sum(c[:3]) else 0) for c in cycles)

    def listings() -> int:
        with log.open("rb") as text:
            text.seek(start)
            return len(_NODE_LISTING.findall(text.read().decode(errors="replace")))

    env.wait(lambda: listings() >= expected, f"{expected} node listings in Ironic's log", 5)
    assert listings() == expected, cycles
