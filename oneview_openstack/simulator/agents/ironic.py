"""The agent's side of Ironic's ramdisk API: lookup and heartbeat (blocking, ``requests``).

Called from the fleet's small thread pool. ``X-OpenStack-Ironic-API-Version: 1.68``:
1.22 opens the ramdisk endpoints, 1.36 takes ``agent_version``, 1.62 returns the
agent token at lookup.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import requests

from oneview_openstack.simulator.agents.commands import AGENT_VERSION

API_VERSION = "1.68"
TIMEOUT = 10.0
# What a lookup returns instead of the token when the node already has one.
MASKED_TOKEN = "******"  # noqa: S105 - not a secret: what Ironic shows instead of one


@dataclass(frozen=True)
class Lookup:
    status: int
    node_uuid: str | None = None
    token: str | None = None

    @property
    def usable(self) -> bool:
        """A node and a token this agent may use (not Ironic's masked one)."""
        return bool(self.node_uuid and self.token and self.token != MASKED_TOKEN)


class IronicApi(Protocol):
    def lookup(self, ironic_url: str, addresses: Sequence[str]) -> Lookup: ...

    def heartbeat(self, ironic_url: str, node_uuid: str, callback_url: str, token: str) -> int:
        """POST /v1/heartbeat/<node>; the HTTP status (202: accepted)."""
        ...


class HttpIronic:
    """``IronicApi`` over HTTP, one ``requests.Session`` per pool thread."""

    def __init__(self) -> None:
        self._local = threading.local()

    def lookup(self, ironic_url: str, addresses: Sequence[str]) -> Lookup:
        response = self._session().get(
            f"{ironic_url}/v1/lookup", params={"addresses": ",".join(addresses)}, timeout=TIMEOUT
        )
        if response.status_code != 200:
            return Lookup(response.status_code)
        body = response.json()
        return Lookup(
            200, (body.get("node") or {}).get("uuid"), (body.get("config") or {}).get("agent_token")
        )

    def heartbeat(self, ironic_url: str, node_uuid: str, callback_url: str, token: str) -> int:
        response = self._session().post(
            f"{ironic_url}/v1/heartbeat/{node_uuid}",
            json={
                "callback_url": callback_url,
                "agent_token": token,
                "agent_version": AGENT_VERSION,
            },
            timeout=TIMEOUT,
        )
        return response.status_code

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["X-OpenStack-Ironic-API-Version"] = API_VERSION
            self._local.session = session
        return session
