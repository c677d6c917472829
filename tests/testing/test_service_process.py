"""Stopping server processes: many at once take as long as the slowest, none is left."""

from __future__ import annotations

import time
from pathlib import Path

from oneview_openstack.testing.service_process import ServiceProcess

# Takes a second to shut down after SIGTERM, like a service finishing its requests.
SLOW_TO_STOP = "trap 'sleep 1; exit 0' TERM; echo ready; while :; do sleep 0.05; done"
IGNORES_SIGTERM = "trap '' TERM; echo ready; while :; do sleep 0.05; done"


def _started(tmp_path: Path, name: str, script: str) -> ServiceProcess:
    process = ServiceProcess(name, ["sh", "-c", script], tmp_path / f"{name}.log")
    process.start()
    process.wait_ready(lambda: "ready" in process.log_path.read_text(), timeout=10)
    return process


def test_terminated_together_they_stop_in_the_time_of_one(tmp_path: Path) -> None:
    processes = [_started(tmp_path, f"slow{i}", SLOW_TO_STOP) for i in range(3)]
    began = time.monotonic()
    for process in processes:
        process.terminate()
    for process in processes:
        process.stop(timeout=10)
    assert time.monotonic() - began < 2.5  # one after the other: 3 s and more
    assert not any(process.is_running() for process in processes)


def test_a_process_ignoring_sigterm_is_killed_at_the_timeout(tmp_path: Path) -> None:
    process = _started(tmp_path, "deaf", IGNORES_SIGTERM)
    pid = process.pid
    began = time.monotonic()
    process.terminate()
    process.stop(timeout=0.5)
    assert 0.4 < time.monotonic() - began < 3
    assert not Path(f"/proc/{pid}").exists()
