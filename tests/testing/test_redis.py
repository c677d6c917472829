"""The Redis harness, and tooz group membership and hash rings on it (ironic-oneviewd's way
of sharing the work between daemons)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from oneview_openstack.testing.redis import RedisServer

coordination = pytest.importorskip("tooz.coordination")
hashring = pytest.importorskip("tooz.hashring")

GROUP = b"ironic-oneviewd"
MEMBERSHIP_TIMEOUT = 2.0  # seconds; tooz's default is 30

# A member in a process of its own, to be SIGKILLed: no stop(), no clean leave.
_MEMBER = """
import sys, time
from tooz import coordination
coordinator = coordination.get_coordinator(sys.argv[1], sys.argv[2].encode())
coordinator.start(start_heart=True)
try:
    coordinator.create_group(sys.argv[3].encode()).get()
except coordination.GroupAlreadyExist:
    pass
coordinator.join_group(sys.argv[3].encode()).get()
print("joined", flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    with RedisServer(tmp_path / "redis") as server:
        yield server


def _member(url: str, member_id: bytes) -> coordination.CoordinationDriver:
    coordinator = coordination.get_coordinator(url, member_id)
    coordinator.start(start_heart=True)
    with contextlib.suppress(coordination.GroupAlreadyExist):
        coordinator.create_group(GROUP).get()
    coordinator.join_group(GROUP).get()
    return coordinator


def _wait_for_members(
    coordinator: coordination.CoordinationDriver, expected: set[bytes], timeout: float
) -> float:
    """Poll the group until its members are ``expected``; the seconds it took."""
    started = time.monotonic()
    while True:
        members = coordinator.get_members(GROUP).get()
        if members == expected:
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(f"members {members}, expected {expected} after {timeout} s")
        time.sleep(0.1)


@pytest.mark.functional
def test_server_starts_answers_and_stops_without_leftovers(tmp_path: Path) -> None:
    # a workdir whose socket path would not fit in sun_path
    server = RedisServer(tmp_path / ("long-" * 20))
    with server:
        pid = server.pid
        assert pid is not None
        assert server.answers()
        assert server.url == f"redis://127.0.0.1:{server.port}"
        assert server.socket_url.startswith("redis:///")
        assert len(str(server.socket_path)) <= 100
        assert server.socket_path.is_socket()
        assert "Ready to accept connections" in server.log_text()
    assert not _alive(pid)
    assert server.pid is None
    assert not server.socket_path.exists()


@pytest.mark.functional
def test_failed_start_kills_the_server(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis", options=["--no-such-option", "1"])
    with pytest.raises(Exception, match="redis-server"):
        server.start()
    assert server.pid is None


@pytest.mark.functional
@pytest.mark.parametrize("unix_socket", [False, True], ids=["tcp", "unix-socket"])
def test_members_see_each_other_and_a_stopped_member_leaves(
    redis: RedisServer, unix_socket: bool
) -> None:
    url = redis.socket_url if unix_socket else redis.url
    first = _member(url, b"conductor-1")
    second = _member(url, b"conductor-2")
    try:
        assert first.get_members(GROUP).get() == {b"conductor-1", b"conductor-2"}
        assert second.get_members(GROUP).get() == {b"conductor-1", b"conductor-2"}
    finally:
        second.stop()
    try:
        assert _wait_for_members(first, {b"conductor-1"}, timeout=2) < 1  # leaves at once
    finally:
        first.stop()


@pytest.mark.functional
def test_hash_ring_puts_each_key_on_exactly_one_member(redis: RedisServer) -> None:
    first = _member(redis.url, b"conductor-1")
    second = _member(redis.url, b"conductor-2")
    try:
        # each member builds its ring from what it sees; both must agree
        rings = [hashring.HashRing(c.get_members(GROUP).get()) for c in (first, second)]
    finally:
        second.stop()
        first.stop()
    keys = [f"server-hardware-{index}" for index in range(1000)]
    owners = [rings[0].get_nodes(key.encode()) for key in keys]
    assert all(len(nodes) == 1 for nodes in owners)
    assert owners == [rings[1].get_nodes(key.encode()) for key in keys]
    shares = {member: sum(member in nodes for nodes in owners) for member in rings[0].nodes}
    assert set(shares) == {b"conductor-1", b"conductor-2"}
    assert sum(shares.values()) == 1000
    assert all(share > 300 for share in shares.values()), shares  # no member is starved


@pytest.mark.functional
def test_a_killed_member_leaves_after_the_membership_timeout(redis: RedisServer) -> None:
    """tooz's redis driver drops a member when its heartbeat key expires:
    ``membership_timeout`` seconds (the URL option; default ``timeout``, 30) after its
    last beat, and it beats every half of that."""
    url = redis.tooz_url(membership_timeout=MEMBERSHIP_TIMEOUT)
    survivor = _member(url, b"conductor-1")
    child = subprocess.Popen(  # noqa: S603 - this interpreter and a fixed script
        [sys.executable, "-W", "ignore", "-c", _MEMBER, url, "conductor-2", GROUP.decode()],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "joined"
        _wait_for_members(survivor, {b"conductor-1", b"conductor-2"}, timeout=5)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        gone_after = _wait_for_members(survivor, {b"conductor-1"}, timeout=3 * MEMBERSHIP_TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        survivor.stop()
    print(
        f"a SIGKILLed member left after {gone_after:.2f} s",
        f"(membership_timeout={MEMBERSHIP_TIMEOUT})",
    )
    # its key lives at most membership_timeout after its last beat (at least half of it)
    assert MEMBERSHIP_TIMEOUT / 2 - 0.5 <= gone_after <= MEMBERSHIP_TIMEOUT + 1
