"""An in-process appliance with virtual agents, a fake Ironic, and ASGI calls to both APIs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from oneview_openstack.simulator.agents.ironic import Lookup
from oneview_openstack.simulator.agents.listener import AgentListener
from oneview_openstack.simulator.agents.settings import AgentSettings
from oneview_openstack.simulator.app import SimulatorApp
from oneview_openstack.simulator.appliance import Appliance
from oneview_openstack.simulator.config import SimulatorConfig
from oneview_openstack.simulator.resources import power

NODE = "5c2a3d5e-4b8e-4c6a-9d7e-0a1b2c3d4e5f"
TOKEN = "agent-token-1"
IRONIC = "http://ironic.test:6385"
CALLBACK = "http://127.0.0.1:9999"
BLADE = "Frame1, bay 1"  # off, no profile
BLADE_ON = "Frame2, bay 4"  # on, the SAP team's profile (boot order PXE, HardDisk)
RACK = "dl360-01.lab.example"  # off, no profile, no port map


class FakeIronic:
    """Answers lookups with ``answer`` and heartbeats with ``heartbeat_status``; records both."""

    def __init__(self) -> None:
        self.answer = Lookup(200, NODE, TOKEN)
        self.heartbeat_status = 202
        self.lookups: list[tuple[str, tuple[str, ...]]] = []
        self.heartbeats: list[tuple[str, str, str, float]] = []

    def lookup(self, ironic_url: str, addresses: Any) -> Lookup:
        self.lookups.append((ironic_url, tuple(addresses)))
        return self.answer

    def heartbeat(self, ironic_url: str, node_uuid: str, callback_url: str, token: str) -> int:
        self.heartbeats.append((node_uuid, callback_url, token, time.monotonic()))
        return self.heartbeat_status


class Rig:
    """One appliance (time scale 0) whose agents talk to a ``FakeIronic``."""

    def __init__(self, **settings: Any) -> None:
        settings.setdefault("ironic_url", IRONIC)
        settings.setdefault("heartbeat_interval", 0.02)
        self.ironic = FakeIronic()
        config = SimulatorConfig(time_scale=0.0, agents=AgentSettings(**settings))
        self.appliance = Appliance(config, ironic=self.ironic)
        self.agents = self.appliance.agents
        self.agents.callback_base = CALLBACK
        self.app = SimulatorApp(self.appliance)
        self.listener = AgentListener(self.agents)

    # -- the datacenter ---------------------------------------------------------------------

    def uri(self, name: str) -> str:
        for doc in self.appliance.store.iter("server-hardware"):
            if doc["name"] == name:
                return str(doc["uri"])
        raise AssertionError(f"no server named {name}")

    def id(self, name: str) -> str:
        return self.uri(name).rsplit("/", 1)[-1]

    def server(self, name: str) -> dict[str, Any]:
        return self.appliance.store.require(self.uri(name))

    def press(self, name: str, hold: bool = False) -> None:
        power.press_button(self.appliance, self.uri(name), hold)

    def boot_from_network(self, name: str) -> None:
        """One-time boot Network, then on (off first if it is on)."""
        if self.server(name)["powerState"] == "On":
            self.press(name)
        self.appliance.store.update(self.uri(name), {"oneTimeBoot": "Network"})
        self.press(name)

    def seen(self, name: str) -> dict[str, Any]:
        return self.agents.describe_server(self.uri(name))

    # -- running ----------------------------------------------------------------------------

    def run(self, scenario: Callable[[], Awaitable[None]]) -> None:
        """Run ``scenario`` on an event loop with the agents started, then stop them."""

        async def main() -> None:
            self.agents.start()
            try:
                await scenario()
            finally:
                await self.agents.stop()

        asyncio.run(main())

    async def sim(self, method: str, path: str, body: Any = None) -> httpx.Response:
        """The simulator's own API (``/sim`` needs no session)."""
        return await _asgi(self.app, "http://sim", method, path, body)

    async def rest(self, method: str, path: str, body: Any = None) -> httpx.Response:
        """``/rest`` as the administrator."""
        login = await _asgi(
            self.app,
            "http://sim",
            "POST",
            "/rest/login-sessions",
            {"userName": "Administrator", "password": "admin-password"},
        )
        headers = {"auth": login.json()["sessionID"], "X-API-Version": "4600"}
        return await _asgi(self.app, "http://sim", method, path, body, headers)

    async def command(
        self,
        name: str,
        command: str | None,
        params: dict[str, Any] | None = None,
        *,
        wait: bool = False,
        token: str = TOKEN,
    ) -> httpx.Response:
        """POST /agents/<id>/v1/commands/ as Ironic sends it."""
        path = f"/agents/{self.id(name)}/v1/commands/?wait={str(wait).lower()}&agent_token={token}"
        body = {"name": command, "params": params or {}}
        return await _asgi(self.listener, CALLBACK, "POST", path, body)

    async def listener_get(self, path: str) -> httpx.Response:
        return await _asgi(self.listener, CALLBACK, "GET", path)

    async def commands(self, name: str, token: str = TOKEN) -> httpx.Response:
        path = f"/agents/{self.id(name)}/v1/commands/?agent_token={token}"
        return await _asgi(self.listener, CALLBACK, "GET", path)

    async def found_node(self, name: str) -> None:
        """Wait until the server's agent looked its node up (it holds the token)."""
        await until(lambda: (agent := self.agents.agent(self.id(name))) and agent.token)


async def until(predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)
    return found


async def _asgi(
    app: Any,
    base: str,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=base) as client:
        return await client.request(method, path, json=body, headers=headers)
