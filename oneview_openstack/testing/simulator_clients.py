"""HTTP clients of a running simulator: the ``/sim`` operator API and a plain ``/rest`` session.

Both use ``requests`` directly, never the project's OneView client: the tests
that use them check that client against the simulator.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from oneview_openstack.testing.simulator import SimulatorHandle

TIMEOUT = 30.0
TERMINAL_TASK_STATES = frozenset({"Completed", "Warning", "Error", "Terminated", "Killed"})


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

    # -- virtual agents (doc/simulator.md, "Virtual agents") --------------------------------

    def agents(self) -> dict[str, Any]:
        """Agent settings, live agents, what was written on disks, failures, silences."""
        result: dict[str, Any] = self._call("GET", "/sim/agents")
        return result

    def agent_config(self) -> dict[str, Any]:
        """``ironic_url``, ``heartbeat_interval``, ``command_latency`` and ``listener``."""
        result: dict[str, Any] = self._call("GET", "/sim/agents/config")
        return result

    def configure_agents(self, **changes: Any) -> dict[str, Any]:
        """Change ``ironic_url`` (None: agents off), ``heartbeat_interval`` or
        ``command_latency``; needs a simulator started with an agent listener."""
        result: dict[str, Any] = self._call("PUT", "/sim/agents/config", changes)
        return result

    def agent(self, server_hardware: str) -> dict[str, Any]:
        """One server (id or URI): its live agent, its disk and its last boots."""
        result: dict[str, Any] = self._call("GET", f"/sim/agents/{_last_segment(server_hardware)}")
        return result

    def fail_agent_command(
        self, command: str, message: str | None = None, *, times: int = 1, server: str | None = None
    ) -> str:
        """The next ``times`` runs of an agent command or step fail; returns the failure id."""
        spec: dict[str, Any] = {"command": command, "times": times}
        if message is not None:
            spec["message"] = message
        if server is not None:
            spec["server"] = _last_segment(server)
        return str(self._call("POST", "/sim/agents/failures", spec)["id"])

    def silence_agent(self, server_hardware: str, silent: bool = True) -> None:
        """The server's agent never looks up nor heartbeats (or speaks again)."""
        path = f"/sim/agents/{_last_segment(server_hardware)}/silent"
        self._call("POST" if silent else "DELETE", path)

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._http.request(
            method, self.url + path, json=body, verify=self._verify, timeout=TIMEOUT
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
        timeout: float = TIMEOUT,
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


def _last_segment(uri_or_id: str) -> str:
    return uri_or_id.rstrip("/").rsplit("/", 1)[-1]
