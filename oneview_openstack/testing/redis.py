"""A private Redis server for tests: the coordination backend (tooz) of ``ironic-oneviewd``.

The harness runs Debian's ``redis-server`` as a process of its own, with its directory,
unix socket and log in ``workdir``, on a free loopback port, and never touches the
distribution's service (port 6379, ``/run/redis``)::

    with RedisServer(tmp_path / "redis") as redis:
        coordinator = tooz.coordination.get_coordinator(redis.url, b"conductor-1")

Nothing is persisted (``--save '' --appendonly no``): a server's data dies with it.

tooz's redis driver drops a member whose heartbeat key expired; by default after 30 s.
``?membership_timeout=SECONDS`` on the URL shortens that (the heart beats every half of
it), see :meth:`RedisServer.tooz_url`.

The Debian package comes from ``tools/system-packages.sh`` (``make test`` runs it).
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from oneview_openstack.testing.service_process import (
    LOOPBACK,
    ServiceHarness,
    ServiceProcess,
    free_port,
)

REDIS_SERVER = Path("/usr/bin/redis-server")

_SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes


class RedisServer(ServiceHarness):
    """A ``redis-server`` with its directory, unix socket and log in ``workdir``.

    :param workdir: an empty or new directory owned by this server.
    :param options: more ``redis-server`` options, e.g. ``['--maxclients', '1000']``; they
        come after the harness's own and win over them.
    :param startup_timeout: seconds to wait for the server to answer PING.
    :param stop_timeout: seconds a clean shutdown may take before the server is killed.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        options: tuple[str, ...] | list[str] = (),
        startup_timeout: float = 15.0,
        stop_timeout: float = 10.0,
    ) -> None:
        self.workdir = Path(workdir)
        self.options = tuple(options)
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.port = free_port()
        self.datadir = self.workdir / "data"
        self.log_path = self.workdir / "redis.log"
        self.socket_path = self.workdir / "redis.sock"
        self._socket_dir: Path | None = None  # a short one, when workdir's path is too long
        self.startup_seconds: float | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def url(self) -> str:
        """The tooz (and redis-py) URL over TCP: ``redis://127.0.0.1:PORT``."""
        return f"redis://{LOOPBACK}:{self.port}"

    @property
    def socket_url(self) -> str:
        """The tooz URL over the unix socket: ``redis:///absolute/path/redis.sock``."""
        return f"redis://{self.socket_path}"

    def tooz_url(self, *, unix_socket: bool = False, **options: object) -> str:
        """:attr:`url` (or :attr:`socket_url`) with tooz driver options as its query.

        e.g. ``tooz_url(membership_timeout=2)``: a member that stops heartbeating leaves
        its groups after 2 s instead of 30.
        """
        base = self.socket_url if unix_socket else self.url
        return f"{base}?{urlencode(options)}" if options else base

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Start redis-server and wait until it answers PING.

        Whatever interrupts the start (a failure, Ctrl-C) stops the server again.
        """
        if not REDIS_SERVER.exists():
            raise FileNotFoundError(
                f"Redis is not installed ({REDIS_SERVER} missing); "
                "run tools/system-packages.sh as root (make test does)"
            )
        started = time.monotonic()
        try:
            self.datadir.mkdir(parents=True, exist_ok=True)
            self._choose_socket_path()
            self._process = ServiceProcess("redis-server", self._argv(), self.log_path)
            self._process.start()
            self._process.wait_ready(self.answers, self.startup_timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    def stop(self) -> None:
        """SIGTERM the server (it saves nothing) and wait; SIGKILL after the timeout."""
        process, self._process = self._process, None
        if process is not None:
            process.stop(self.stop_timeout)
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None

    def answers(self) -> bool:
        """Whether the server answers PING on its TCP port."""
        try:
            with socket.create_connection((LOOPBACK, self.port), timeout=2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def _argv(self) -> list[str]:
        argv = [
            str(REDIS_SERVER),
            "--bind", LOOPBACK, "--port", str(self.port),
            "--unixsocket", str(self.socket_path), "--unixsocketperm", "700",
            "--dir", str(self.datadir), "--logfile", "",  # stdout: the harness's log
            "--daemonize", "no", "--supervised", "no", "--pidfile", "",
            "--save", "", "--appendonly", "no",
        ]  # fmt: skip
        return [*argv, *self.options]

    def _choose_socket_path(self) -> None:
        self.socket_path = self.workdir / "redis.sock"
        if len(str(self.socket_path)) > _SOCKET_PATH_MAX:
            self._socket_dir = Path(tempfile.mkdtemp(prefix="redis-"))
            self.socket_path = self._socket_dir / "redis.sock"
