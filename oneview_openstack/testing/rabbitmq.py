"""A private RabbitMQ broker for tests: the message bus between Nova's services.

oslo.messaging's ``fake:/`` transport lives inside one process, so Nova's api, conductor,
scheduler and compute need a real broker. The harness runs Debian's ``rabbitmq-server`` as a
node of its own: its own node name, AMQP port, Erlang distribution port and ``epmd`` port,
with its database, logs and Erlang cookie in ``workdir``; it never touches the
distribution's service (port 5672, ``/var/lib/rabbitmq``)::

    with RabbitMQServer(tmp_path / "rabbitmq") as rabbit:
        nova_conf["DEFAULT"]["transport_url"] = rabbit.transport_url

The broker's default user ``guest`` (password ``guest``) may only connect over loopback,
which is all the tests need. Nothing survives the broker: its directory is its own.

The Debian package comes from ``tools/system-packages.sh`` (``make test`` runs it).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from oneview_openstack.testing.service_process import (
    LOOPBACK,
    ServiceHarness,
    ServiceProcess,
    free_port,
)

RABBITMQ_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
EPMD = Path("/usr/bin/epmd")
USER = "guest"
PASSWORD = "guest"  # noqa: S105 - RabbitMQ's built-in loopback-only account

# The protocol header an AMQP 0-9-1 client opens with; a broker answers Connection.Start.
_AMQP_HEADER = b"AMQP\x00\x00\x09\x01"
_AMQP_METHOD_FRAME = 1
_STARTUP_COMPLETE = "Server startup complete"


class RabbitMQServer(ServiceHarness):
    """A RabbitMQ node with its data, logs, config and cookie in ``workdir``.

    :param workdir: an empty or new directory owned by this broker.
    :param startup_timeout: seconds to wait until the broker accepts AMQP connections
        (an Erlang VM boots in 3-8 s on a busy 2-core machine).
    :param stop_timeout: seconds a clean shutdown may take before the node is killed.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        startup_timeout: float = 60.0,
        stop_timeout: float = 20.0,
    ) -> None:
        self.workdir = Path(workdir)
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.port = free_port()
        self.dist_port = free_port()
        self.epmd_port = free_port()
        self.node_name = f"oneview-test-{self.port}@localhost"
        self.log_path = self.workdir / "rabbitmq.log"
        self.startup_seconds: float | None = None
        self._epmd: ServiceProcess | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def epmd_pid(self) -> int | None:
        return self._epmd.pid if self._epmd else None

    @property
    def transport_url(self) -> str:
        """oslo.messaging's URL: ``rabbit://guest:guest@127.0.0.1:PORT/``."""
        return f"rabbit://{USER}:{PASSWORD}@{LOOPBACK}:{self.port}/"

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Start the node and wait until it speaks AMQP on its port.

        Whatever interrupts the start (a failure, Ctrl-C) stops the node again.
        """
        if not RABBITMQ_SERVER.exists():
            raise FileNotFoundError(
                f"RabbitMQ is not installed ({RABBITMQ_SERVER} missing); "
                "run tools/system-packages.sh as root (make test does)"
            )
        started = time.monotonic()
        try:
            self._write_files()
            self._start_epmd()
            self._process = ServiceProcess(
                "rabbitmq-server", [str(RABBITMQ_SERVER)], self.log_path, env=self._env()
            )
            self._process.start()
            self._process.wait_ready(self._started, self.startup_timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    def stop(self) -> None:
        """SIGTERM the node, then its ``epmd``, and wait; SIGKILL after the timeout."""
        process, self._process = self._process, None
        if process is not None:
            process.stop(self.stop_timeout)
        epmd, self._epmd = self._epmd, None
        if epmd is not None:
            epmd.stop(self.stop_timeout)

    def _started(self) -> bool:
        """This node finished booting (another broker may answer on a port taken meanwhile:
        only the node's own log tells) and speaks AMQP."""
        try:
            booted = _STARTUP_COMPLETE in self.log_path.read_text(errors="replace")
        except OSError:
            return False
        return booted and self.answers()

    def answers(self) -> bool:
        """Whether the broker answers an AMQP 0-9-1 protocol header with a method frame."""
        try:
            with socket.create_connection((LOOPBACK, self.port), timeout=2) as sock:
                sock.sendall(_AMQP_HEADER)
                reply = sock.recv(8)
        except OSError:
            return False
        return bool(reply) and reply[0] == _AMQP_METHOD_FRAME

    def _start_epmd(self) -> None:
        """The node's own port mapper, in the foreground: one the VM started itself would
        daemonize and outlive the broker."""
        self._epmd = ServiceProcess(
            "epmd",
            [str(EPMD), "-port", str(self.epmd_port), "-address", LOOPBACK],
            self.workdir / "epmd.log",
        )
        self._epmd.start()
        self._epmd.wait_ready(self._epmd_answers, self.startup_timeout)

    def _epmd_answers(self) -> bool:
        try:
            socket.create_connection((LOOPBACK, self.epmd_port), timeout=2).close()
        except OSError:
            return False
        return True

    # -- files and environment ---------------------------------------------------

    def _write_files(self) -> None:
        for name in ("home", "mnesia", "logs"):
            (self.workdir / name).mkdir(parents=True, exist_ok=True)
        config = self.workdir / "rabbitmq.conf"
        config.write_text(
            "\n".join(
                [
                    f"listeners.tcp.1 = {LOOPBACK}:{self.port}",
                    "loopback_users.guest = true",
                    "log.console = true",
                    "log.console.level = info",
                    "log.file = false",
                    # A test machine's disk may be nearly full; the broker must not block.
                    "disk_free_limit.absolute = 1MB",
                    "",
                ]
            )
        )
        (self.workdir / "enabled_plugins").write_text("[].\n")

    def _env(self) -> dict[str, str]:
        home = self.workdir / "home"  # the Erlang cookie is created there
        return {
            **os.environ,
            "HOME": str(home),
            "RABBITMQ_NODENAME": self.node_name,
            "RABBITMQ_NODE_IP_ADDRESS": LOOPBACK,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "ERL_EPMD_PORT": str(self.epmd_port),
            "ERL_EPMD_ADDRESS": LOOPBACK,
            "RABBITMQ_CONFIG_FILE": str(self.workdir / "rabbitmq"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.workdir / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(self.workdir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.workdir / "logs"),
            "RABBITMQ_PID_FILE": str(self.workdir / "rabbitmq.pid"),
        }
