"""Plain-HTTP access to the simulator for its functional tests (``requests`` only).

``Api`` is one logged-in user at one API version; the compute and networking
helpers (``compute_support``, ``network_support``) extend it.
"""

from __future__ import annotations

import time
from typing import Any

import requests

from oneview_openstack.testing.simulator import SimulatorHandle

TERMINAL = {"Completed", "Warning", "Error", "Terminated", "Killed"}
CURRENT = 4600
TASK_WAIT_SECONDS = 60
Doc = dict[str, Any]


class Api:
    """One logged-in user at one API version."""

    def __init__(self, sim: SimulatorHandle, version: int = CURRENT, user: str | None = None):
        self.sim = sim
        self.version = version
        password = sim.readonly_password if user == sim.readonly_username else None
        self.session_id = sim.login(user, password)

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> requests.Response:
        sent = {"auth": self.session_id, "X-API-Version": str(self.version), **(headers or {})}
        return requests.request(
            method, self.sim.url + path, json=body, headers=sent, verify=self.sim.verify, timeout=30
        )

    def get(self, path: str) -> Any:
        response = self.call("GET", path)
        assert response.status_code == 200, response.text
        return response.json()

    def members(self, path: str) -> list[Doc]:
        separator = "&" if "?" in path else "?"
        found: list[Doc] = self.get(f"{path}{separator}start=0&count=-1")["members"]
        return found

    def named(self, collection: str, name: str) -> Doc:
        found = [doc for doc in self.members(f"/rest/{collection}") if doc["name"] == name]
        assert len(found) == 1, f"{len(found)} {collection} named {name}"
        return found[0]

    def wait(self, response: requests.Response) -> Doc:
        """The finished task of a 202 response."""
        assert response.status_code == 202, response.text
        task_uri = response.headers["Location"]
        assert task_uri == response.json()["uri"]
        deadline = time.monotonic() + TASK_WAIT_SECONDS
        while time.monotonic() < deadline:
            task: Doc = self.get(task_uri)
            if task["taskState"] in TERMINAL:
                return task
            time.sleep(0.01)
        raise AssertionError(f"task {task_uri} did not finish")

    def run(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Doc:
        """Send an asynchronous request and return its task, which must complete."""
        task = self.wait(self.call(method, path, body, headers))
        assert task["taskState"] == "Completed", task["taskErrors"]
        return task


def error(response: requests.Response, status: int, code: str) -> Doc:
    """The error body of ``response``, which must have ``status`` and ``errorCode``."""
    assert response.status_code == status, response.text
    body: Doc = response.json()
    assert body["errorCode"] == code, body
    return body
