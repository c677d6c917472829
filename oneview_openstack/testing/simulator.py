"""The OneView simulator as a subprocess, for tests, the demo and the benchmark.

``start_simulator(workdir, **flags)`` runs ``oneview-simulator`` on a free
loopback port with its certificates and log under ``workdir`` and returns a
:class:`SimulatorHandle` once the appliance answers ``GET /rest/version``.
:class:`OperatorClient` speaks the simulator's ``/sim`` operator API and
:class:`RestSession` its ``/rest`` API (both in ``simulator_clients``).

This module talks to the simulator only over HTTP (``requests``); it never
imports the simulator package.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from oneview_openstack.testing.service_process import LOOPBACK
from oneview_openstack.testing.simulator_clients import OperatorClient, RestSession

__all__ = [
    "ADMIN_PASSWORD",
    "ADMIN_USERNAME",
    "READONLY_PASSWORD",
    "READONLY_USERNAME",
    "OperatorClient",
    "RestSession",
    "SimulatorHandle",
    "SimulatorStartError",
    "start_simulator",
]

LOG = logging.getLogger(__name__)

# Users of the packaged seed datacenter.
ADMIN_USERNAME = "Administrator"
ADMIN_PASSWORD = "admin-password"  # noqa: S105 - the simulator's well-known test user
READONLY_USERNAME = "readonly"
READONLY_PASSWORD = "readonly-password"  # noqa: S105 - the simulator's well-known test user

DEFAULT_TIME_SCALE = 0.01
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
_OPERATOR_TIMEOUT = 30.0


class SimulatorStartError(RuntimeError):
    """The simulator did not become ready; the message carries the end of its log."""


class SimulatorHandle:
    """One simulator subprocess and how to reach it.

    ``url``/``host``/``ca_file`` are what a client needs; ``host`` is the
    ``ip:port`` form the hpeOneView SDK calls ``ip``.
    """

    def __init__(self, workdir: Path, flags: dict[str, Any]) -> None:
        self.workdir = workdir
        self.flags = dict(flags)
        self.cert_dir = Path(self.flags.pop("cert_dir", workdir / "certs"))
        self.tls = not self.flags.get("http", False)
        self.log_path = workdir / "simulator.log"
        self.port_file = workdir / "port"
        self.port = 0
        self.username = ADMIN_USERNAME
        self.password = ADMIN_PASSWORD
        self.readonly_username = READONLY_USERNAME
        self.readonly_password = READONLY_PASSWORD
        self._process: subprocess.Popen[bytes] | None = None
        self._operator: OperatorClient | None = None
        self._terminated = False  # SIGTERM sent to the running process

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{LOOPBACK}:{self.port}"

    @property
    def host(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    @property
    def ca_file(self) -> str:
        return str(self.cert_dir / "ca.pem")

    @property
    def verify(self) -> str | bool:
        """What ``requests`` takes as ``verify=``."""
        return self.ca_file if self.tls else False

    @property
    def operator(self) -> OperatorClient:
        if self._operator is None:
            self._operator = OperatorClient(self.url, self.verify)
        return self._operator

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def login(self, username: str | None = None, password: str | None = None) -> str:
        """A new login session id (the administrator's unless told otherwise)."""
        response = requests.post(
            self.url + "/rest/login-sessions",
            json={
                "userName": username or self.username,
                "password": password or self.password,
                "loginMsgAck": True,
            },
            headers={"X-API-Version": "2000"},
            verify=self.verify,
            timeout=_OPERATOR_TIMEOUT,
        )
        response.raise_for_status()
        return str(response.json()["sessionID"])

    def rest(
        self,
        username: str | None = None,
        password: str | None = None,
        api_version: int = 4600,
    ) -> RestSession:
        """Log in and return a :class:`RestSession` (the administrator's by default)."""
        return RestSession(self, self.login(username, password), api_version)

    def argv(self) -> list[str]:
        argv = [sys.executable, "-m", "oneview_openstack.simulator.main"]
        argv += ["--host", LOOPBACK, "--port", str(self.port), "--port-file", str(self.port_file)]
        argv += ["--cert-dir", str(self.cert_dir)]
        for name, value in self.flags.items():
            argv += _flag(name, value)
        return argv

    def start(self, timeout: float = START_TIMEOUT) -> SimulatorHandle:
        """Start the process (again, on the same port after a stop) and wait until ready."""
        if self._process is not None:
            raise RuntimeError(f"simulator {self.url} is already running")
        self.workdir.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self.port_file.unlink()
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(  # noqa: S603 - argv built here, not from input
                self.argv(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self._terminated = False
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.kill()
            raise
        LOG.debug("simulator ready at %s (pid %s)", self.url, self.pid)
        return self

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM (a clean shutdown that compacts the state file), SIGKILL if it hangs."""
        process = self._process
        if process is None:
            return
        self._close_operator()
        if process.poll() is None:
            self.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                LOG.warning("simulator pid %s ignored SIGTERM, killing it", process.pid)
        self.kill()

    def terminate(self) -> None:
        """SIGTERM without waiting: :meth:`stop` waits (a second SIGTERM is not sent)."""
        process = self._process
        if process is not None and process.poll() is None and not self._terminated:
            process.send_signal(signal.SIGTERM)
            self._terminated = True

    def kill(self) -> None:
        """SIGKILL: a crash, nothing flushed at exit."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        self._close_operator()

    def _close_operator(self) -> None:
        if self._operator is not None:
            self._operator.close()
            self._operator = None

    def restart(self, timeout: float = START_TIMEOUT) -> SimulatorHandle:
        self.stop()
        return self.start(timeout)

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                self._fail(f"exited with status {self._process.returncode}")
            if self._port_announced() and self._answers():
                return
            if time.monotonic() > deadline:
                self._fail(f"was not ready after {timeout:.0f} s")
            time.sleep(0.05)

    def _port_announced(self) -> bool:
        if self.port and self.port_file.exists():
            return True
        try:
            self.port = int(self.port_file.read_text())
        except (FileNotFoundError, ValueError):
            return False
        return True

    def _answers(self) -> bool:
        try:
            response = requests.get(self.url + "/rest/version", verify=self.verify, timeout=5)
        except requests.RequestException:
            return False
        return response.status_code == 200

    def _fail(self, reason: str) -> None:
        raise SimulatorStartError(
            f"simulator {' '.join(self.argv()[1:])} {reason}; "
            f"last lines of {self.log_path}:\n{self.log_tail()}"
        )

    def __enter__(self) -> SimulatorHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_simulator(
    workdir: Path, *, timeout: float = START_TIMEOUT, **flags: Any
) -> SimulatorHandle:
    """Start a simulator with its files under ``workdir``; flags as on the command line.

    ``start_simulator(tmp, state_file=tmp / "state.json", servers=10000)`` runs
    ``oneview-simulator --state-file ... --servers 10000``; ``time_scale``
    defaults to a fast 0.01; ``cert_dir`` defaults to ``workdir/certs``.
    """
    flags.setdefault("time_scale", DEFAULT_TIME_SCALE)
    return SimulatorHandle(workdir, flags).start(timeout)


def _flag(name: str, value: Any) -> list[str]:
    option = "--" + name.replace("_", "-")
    if value is True:
        return [option]
    if value is False or value is None:
        return []
    return [option, os.fspath(value) if isinstance(value, os.PathLike) else str(value)]
