"""Plain-HTTP helpers for the networking tests of the simulator (``requests`` only)."""

from __future__ import annotations

import time
from typing import Any

import requests

from oneview_openstack.testing.simulator import SimulatorHandle

TERMINAL = {"Completed", "Warning", "Error", "Terminated", "Killed"}
TYPES_800 = {
    "ethernet-networks": "ethernet-networkV4",
    "network-sets": "network-setV4",
    "uplink-sets": "uplink-setV4",
    "logical-interconnect-groups": "logical-interconnect-groupV5",
}


class Api:
    """One logged-in user at one API version."""

    def __init__(self, sim: SimulatorHandle, version: int = 4600, user: str | None = None) -> None:
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

    def members(self, path: str) -> list[dict[str, Any]]:
        separator = "&" if "?" in path else "?"
        members: list[dict[str, Any]] = self.get(f"{path}{separator}start=0&count=-1")["members"]
        return members

    def named(self, collection: str, name: str) -> dict[str, Any]:
        found = [doc for doc in self.members(f"/rest/{collection}") if doc["name"] == name]
        assert len(found) == 1, f"{len(found)} {collection} named {name}"
        return found[0]

    def wait(self, response: requests.Response) -> dict[str, Any]:
        """The finished task of a 202 response."""
        assert response.status_code == 202, response.text
        task_uri = response.headers["Location"]
        assert task_uri == response.json()["uri"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            task: dict[str, Any] = self.get(task_uri)
            if task["taskState"] in TERMINAL:
                return task
            time.sleep(0.01)
        raise AssertionError(f"task {task_uri} did not finish")

    def run(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Send an asynchronous request and return its task, which must complete."""
        task = self.wait(self.call(method, path, body, headers))
        assert task["taskState"] == "Completed", task["taskErrors"]
        return task

    def create(self, collection: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST, wait, and return the created document."""
        task = self.run("POST", f"/rest/{collection}", body)
        created: dict[str, Any] = self.get(task["associatedResource"]["resourceUri"])
        return created

    def update(self, doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
        """GET-modify-PUT, wait, and return the new document."""
        current = self.get(doc["uri"])
        self.run("PUT", doc["uri"], {**current, **changes})
        updated: dict[str, Any] = self.get(doc["uri"])
        return updated


def error(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    """The error body of ``response``, which must have ``status`` and ``errorCode``."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["errorCode"] == code, body
    return body


def network(name: str, vlan: int | None = None, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "ethernetNetworkType": "Tagged",
        "purpose": "General",
        "smartLink": False,
        "privateNetwork": False,
        **fields,
    }
    if vlan is not None:
        body["vlanId"] = vlan
    return body
