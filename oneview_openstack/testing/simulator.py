"""The OneView simulator as a subprocess, for tests, the demo and the benchmark.

``start_simulator(workdir, **flags)`` runs ``oneview-simulator`` on a free
loopback port with its certificates and log under ``workdir`` and returns a
:class:`SimulatorHandle` once the appliance answers ``GET /rest/version``.
:class:`OperatorClient` speaks the simulator's ``/sim`` operator API.

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

LOG = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
# Users of the packaged seed datacenter.
ADMIN_USERNAME = "Administrator"
ADMIN_PASSWORD = "admin-password"  # noqa: S105 - the simulator's well-known test user
READONLY_USERNAME = "readonly"
READONLY_PASSWORD = "readonly-password"  # noqa: S105 - the simulator's well-known test user

DEFAULT_TIME_SCALE = 0.01
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
_OPERATOR_TIMEOUT = 30.0
TERMINAL_TASK_STATES = frozenset({"Completed", "Warning", "Error", "Terminated", "Killed"})


class SimulatorStartError(RuntimeError):
    """The simulator did not become ready; the message carries the end of its log."""


class OperatorClient:
    """The ``/sim`` operator API of one simulator (see doc/simulator.md)."""

    def __init__(self, url: str, verify: str | bool) -> None:
        self.url = url
        self._http = requests.Session()
        # Per request, not Session.verify: REQUESTS_CA_BUNDLE would override that.
        self._verify = verify

    def reset(self) -> None:
        """Back to the seed state: no sessions, faults, counters or tasks."""
        self._call("POST", "/sim/reset")

    def counters(self) -> dict[str, int]:
        """Requests served, by ``"METHOD /rest/path/{template}"``."""
        result: dict[str, int] = self._call("GET", "/sim/counters")
        return result

    def count(self, method: str, template: str) -> int:
        """How often ``method template`` was served, e.g. ``count("GET", "/rest/tasks/{id}")``."""
        return self.counters().get(f"{method} {template}", 0)

    def clear_counters(self) -> None:
        self._call("DELETE", "/sim/counters")

    def add_fault(
        self,
        path: str = "*",
        *,
        method: str = "*",
        latency_ms: int = 0,
        status: int | None = None,
        error_code: str | None = None,
        message: str | None = None,
        rate: float = 1.0,
        times: int | None = None,
        drop_connection: bool = False,
    ) -> str:
        """Inject a fault into matching ``/rest`` requests; returns its id.

        ``path`` is an fnmatch pattern (``/rest/server-hardware*``); ``times=None``
        keeps the fault until :meth:`clear_faults`.
        """
        spec = {
            "method": method,
            "path": path,
            "latency_ms": latency_ms,
            "status": status,
            "errorCode": error_code,
            "message": message,
            "rate": rate,
            "times": times,
            "drop_connection": drop_connection,
        }
        fault: dict[str, Any] = self._call("POST", "/sim/faults", spec)
        return str(fault["id"])

    def faults(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/sim/faults")
        return result

    def remove_fault(self, fault_id: str) -> None:
        self._call("DELETE", f"/sim/faults/{fault_id}")

    def clear_faults(self) -> None:
        """Remove every request fault and queued task failure."""
        self._call("DELETE", "/sim/faults")

    def fail_next_task(
        self,
        error_code: str,
        message: str | None = None,
        *,
        name: str | None = None,
        resource_category: str | None = None,
    ) -> None:
        """The next task matching ``name``/``resource_category`` ends in Error."""
        spec = {
            "errorCode": error_code,
            "message": message,
            "name": name,
            "resourceCategory": resource_category,
        }
        self._call("POST", "/sim/tasks/fail-next", spec)

    def expire_sessions(self) -> int:
        """Invalidate every login session; returns how many there were."""
        return int(self._call("POST", "/sim/sessions/expire")["expired"])

    def press_power_button(self, server_hardware: str, hold: bool = False) -> dict[str, Any]:
        """A person presses the power button of a server (id or URI)."""
        path = f"/sim/server-hardware/{_last_segment(server_hardware)}/power-button"
        result: dict[str, Any] = self._call("POST", path, {"hold": hold})
        return result

    def apply_foreign_profile(self, server_hardware: str, name: str) -> dict[str, Any]:
        """Another OneView user applies a profile to the server (id or URI)."""
        path = f"/sim/server-hardware/{_last_segment(server_hardware)}/foreign-profile"
        result: dict[str, Any] = self._call("POST", path, {"name": name})
        return result

    def remove_foreign_profile(self, server_hardware: str) -> dict[str, Any]:
        path = f"/sim/server-hardware/{_last_segment(server_hardware)}/foreign-profile"
        result: dict[str, Any] = self._call("DELETE", path)
        return result

    def config(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/sim/config")
        return result

    def set_config(self, **changes: Any) -> dict[str, Any]:
        """Change run-time settings: time_scale, idle_timeout, api_version, max_page_size."""
        result: dict[str, Any] = self._call("PUT", "/sim/config", changes)
        return result

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._http.request(
            method, self.url + path, json=body, verify=self._verify, timeout=_OPERATOR_TIMEOUT
        )
        if response.status_code >= 400:
            raise RuntimeError(
                f"operator request {method} {path} failed with {response.status_code}: "
                f"{response.text}"
            )
        return response.json() if response.content else None


class RestSession:
    """A logged-in user speaking plain HTTP (``requests``) to the simulator's ``/rest`` API.

    Deliberately not the project's OneView client: tests of the simulator
    should not depend on the code they are used to check.
    """

    def __init__(self, handle: SimulatorHandle, session_id: str, api_version: int) -> None:
        self.handle = handle
        self.headers = {"auth": session_id, "X-API-Version": str(api_version)}

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        timeout: float = _OPERATOR_TIMEOUT,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """``path`` is relative to the appliance (``/rest/...``); ``headers`` are extra."""
        return requests.request(
            method,
            self.handle.url + path,
            json=body,
            headers={**self.headers, **(headers or {})},
            verify=self.handle.verify,
            timeout=timeout,
        )

    def wait_task(self, uri: str, timeout: float = 30.0) -> dict[str, Any]:
        """Poll a task until it reaches a terminal state; returns the task."""
        deadline = time.monotonic() + timeout
        while True:
            task: dict[str, Any] = self.call("GET", uri).json()
            if task.get("taskState") in TERMINAL_TASK_STATES:
                return task
            if time.monotonic() > deadline:
                raise TimeoutError(f"task {uri} still {task.get('taskState')} after {timeout} s")
            time.sleep(0.02)


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
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                LOG.warning("simulator pid %s ignored SIGTERM, killing it", process.pid)
        self.kill()

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


def _last_segment(uri_or_id: str) -> str:
    return uri_or_id.rstrip("/").rsplit("/", 1)[-1]
