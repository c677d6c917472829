"""Plain-HTTP helpers for the networking tests of the simulator (``requests`` only)."""

from __future__ import annotations

from typing import Any

from . import http_support
from .http_support import error as error

TYPES_800 = {
    "ethernet-networks": "ethernet-networkV4",
    "network-sets": "network-setV4",
    "uplink-sets": "uplink-setV4",
    "logical-interconnect-groups": "logical-interconnect-groupV5",
}


class Api(http_support.Api):
    """One logged-in user at one API version, with the networking helpers."""

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
