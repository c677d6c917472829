"""The virtual agents of every simulated server: born on a network boot, dead at power off.

``Agents`` watches the servers' power (``power.PowerWatcher``). A server that
boots from the network (``boot.boot_device`` is ``PXE``) while an Ironic URL is
set runs an ``Agent``: it looks its node up by the server's MACs, heartbeats
every ``heartbeat_interval`` (and at once when an asynchronous command ends),
and runs the commands Ironic sends to its callback URL. A server that boots
from its disk runs the image written there, if any (recorded in its boot
history). A stop kills the agent.

Everything runs on the simulator's event loop: one small coroutine per *live*
agent, none per idle server. Blocking I/O (Ironic's API, image downloads) goes
to one small thread pool, created on first use; its results are applied back
on the loop, so the state needs no lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from oneview_openstack.simulator.agents import disks, nics
from oneview_openstack.simulator.agents.agent import Agent
from oneview_openstack.simulator.agents.commands import AgentRefusal
from oneview_openstack.simulator.agents.execution import CommandRunner
from oneview_openstack.simulator.agents.failures import Failures
from oneview_openstack.simulator.agents.ironic import HttpIronic, IronicApi
from oneview_openstack.simulator.agents.settings import AgentSettings, apply_changes
from oneview_openstack.simulator.errors import ApiError
from oneview_openstack.simulator.resources import boot

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

LOG = logging.getLogger(__name__)

POOL_THREADS = 8
BOOT_HISTORY = 10
T = TypeVar("T")


class Agents:
    def __init__(
        self, appliance: Appliance, settings: AgentSettings, ironic: IronicApi | None = None
    ) -> None:
        self._appliance = appliance
        self._initial = settings.copy()
        self.settings = settings
        self.failures = Failures()
        self.silent: set[str] = set()
        self.callback_base: str | None = None  # http://127.0.0.1:<agent port>
        self._ironic: IronicApi = ironic or HttpIronic()
        self._agents: dict[str, Agent] = {}  # server id -> its live agent
        self._boots: dict[str, list[dict[str, Any]]] = {}  # server id -> its last boots
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._runner = CommandRunner(appliance, settings, self.failures, self._io)
        self._apply_flags()

    @property
    def enabled(self) -> bool:
        return bool(self.settings.ironic_url and self.callback_base)

    def agent(self, server_id: str) -> Agent | None:
        return self._agents.get(server_id)

    # -- the servers' power (power.PowerWatcher) ---------------------------------------------

    def server_booted(self, server_uri: str, device: str | None) -> None:
        server_id = _server_id(server_uri)
        self._kill(server_id)
        store = self._appliance.store
        written = disks.image_on(store, server_id)
        if device == boot.NETWORK and self.enabled:
            runs = "agent"
            self._start_agent(server_uri)
        elif device == boot.NETWORK:
            runs = "nothing (network boot, agents off: no Ironic URL)"
        elif device in (boot.DISK, None) and written:
            runs = "written image"
        elif device in (boot.DISK, None):
            runs = "nothing (the disk holds no image)"
        else:
            runs = f"nothing (boot device {device})"
        if self.enabled or written or disks.disk_of(store, server_id):
            entry: dict[str, Any] = {
                "at": self._appliance.clock.iso(),
                "device": device,
                "runs": runs,
            }
            if runs == "written image":
                entry["image"] = written
            history = self._boots.setdefault(server_id, [])
            history[:] = [*history, entry][-BOOT_HISTORY:]
            LOG.info("Server %s booted from %s: runs %s", server_uri, device or "disk", runs)

    def server_stopped(self, server_uri: str) -> None:
        self._kill(_server_id(server_uri))

    def _start_agent(self, server_uri: str) -> None:
        store = self._appliance.store
        server_id = _server_id(server_uri)
        agent = Agent(
            server_id,
            server_uri,
            nics.addresses(store, store.require(server_uri)),
            f"{self.callback_base}/agents/{server_id}",
            self._appliance.clock.iso(),
        )
        self._agents[server_id] = agent
        self._spawn(agent)

    def _kill(self, server_id: str) -> None:
        agent = self._agents.pop(server_id, None)
        if agent is not None:
            LOG.info("Agent of server %s stopped", agent.server_uri)
            agent.kill()

    # -- running -----------------------------------------------------------------------------

    def start(self) -> None:
        """On the event loop, when the simulator starts: agents of earlier boots start too."""
        self._loop = asyncio.get_running_loop()
        for agent in self._agents.values():
            self._spawn(agent)

    async def stop(self) -> None:
        for server_id in list(self._agents):
            self._kill(server_id)
        await asyncio.sleep(0)  # let the cancelled loops end
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._loop = None

    def _spawn(self, agent: Agent) -> None:
        if self._loop is not None and agent.loop is None:
            agent.loop = self._loop.create_task(self._live(agent), name=f"agent-{agent.server_id}")

    async def _live(self, agent: Agent) -> None:
        """Look the node up until Ironic answers with a token, then heartbeat; until killed."""
        delay = 0.0
        while agent.alive:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(agent.wake.wait(), timeout=delay)
            agent.wake.clear()
            if not agent.alive:
                return
            interval = self.settings.heartbeat_interval
            url = self.settings.ironic_url
            if url is None or agent.server_id in self.silent:
                delay = interval
            elif agent.token is None:
                delay = await self._lookup(agent, url, interval)
            else:
                delay = await self._heartbeat(agent, url, interval)

    async def _lookup(self, agent: Agent, url: str, interval: float) -> float:
        agent.lookups += 1
        try:
            found = await self._io(self._ironic.lookup, url, agent.addresses)
        except Exception as error:
            agent.last_error = _short(f"lookup: {error}")
            return agent.backoff(interval)
        if not found.usable:
            agent.last_error = f"lookup: HTTP {found.status}, no usable token"
            return agent.backoff(interval)
        agent.node_uuid, agent.token, agent.delay = found.node_uuid, found.token, 0.0
        agent.last_error = None
        LOG.info("Agent of server %s found node %s", agent.server_uri, agent.node_uuid)
        return 0.0  # heartbeat at once

    async def _heartbeat(self, agent: Agent, url: str, interval: float) -> float:
        assert agent.node_uuid is not None and agent.token is not None
        agent.heartbeats += 1
        try:
            status = await self._io(
                self._ironic.heartbeat, url, agent.node_uuid, agent.callback_url, agent.token
            )
        except Exception as error:
            agent.last_error = _short(f"heartbeat: {error}")
            return agent.backoff(interval)
        agent.last_heartbeat = {"at": self._appliance.clock.iso(), "status": status}
        if status in (202, 409):  # accepted, or the node is locked: again next time
            agent.delay = 0.0
            return interval
        agent.last_error = f"heartbeat: HTTP {status}"
        return agent.backoff(interval)

    async def _io(self, function: Callable[..., T], *args: Any) -> T:
        """Run blocking ``function`` in the thread pool."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(POOL_THREADS, thread_name_prefix="agents")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(function, *args))

    # -- Ironic -> agent ---------------------------------------------------------------------

    def authorized(self, server_id: str, token: str | None) -> Agent:
        """The live agent of ``server_id`` if ``token`` is its own; else ``AgentRefusal``."""
        if self._appliance.store.get(f"/rest/server-hardware/{server_id}") is None:
            raise AgentRefusal(404, f"No server hardware {server_id!r} in this simulator.")
        agent = self._agents.get(server_id)
        if agent is None:
            raise AgentRefusal(404, f"No agent runs on server {server_id}: it is not booted.")
        if token is None or token != agent.token:
            raise AgentRefusal(401, "Token invalid.")
        return agent

    async def run_command(self, agent: Agent, body: Any, wait: bool) -> dict[str, Any]:
        """Run ``{"name", "params"}``: the command's result (IPA's shape), or AgentRefusal."""
        return await self._runner.run(agent, body, wait)

    # -- the operator API --------------------------------------------------------------------

    def configure(self, changes: dict[str, Any]) -> None:
        if changes.get("ironic_url") and self.callback_base is None:
            raise ApiError(
                400,
                "AGENTS_NOT_LISTENING",
                "The virtual agents have no listener for Ironic's commands.",
                details="Start the simulator with --agent-port (0: a free port) to run agents.",
            )
        apply_changes(self.settings, changes)
        if self.settings.ironic_url is None:
            for server_id in list(self._agents):
                self._kill(server_id)

    def set_silent(self, server_id: str, silent: bool) -> None:
        if silent:
            self.silent.add(server_id)
        else:
            self.silent.discard(server_id)
            agent = self._agents.get(server_id)
            if agent is not None:
                agent.wake.set()

    def reset(self) -> None:
        """Back to the flags: no agents, boot records, failures or silences."""
        for server_id in list(self._agents):
            self._kill(server_id)
        self._boots.clear()
        self.settings.__dict__.update(self._initial.copy().__dict__)
        self._apply_flags()

    def _apply_flags(self) -> None:
        self.failures.clear()
        for failure in self.settings.failures:
            self.failures.add(failure)
        self.silent = set(self.settings.silent)

    def describe(self) -> dict[str, Any]:
        return {
            "config": self.describe_config(),
            "agents": [self._summary(agent) for agent in self._agents.values()],
            "disks": [self._disk(doc) for doc in disks.all_disks(self._appliance.store)],
            "failures": self.failures.describe(),
            "silent": sorted(self.silent),
        }

    def describe_config(self) -> dict[str, Any]:
        return {**self.settings.describe(), "listener": self.callback_base}

    def describe_server(self, server_uri: str) -> dict[str, Any]:
        server_id = _server_id(server_uri)
        agent = self._agents.get(server_id)
        disk = disks.disk_of(self._appliance.store, server_id)
        return {
            "server": server_uri,
            "agent": agent.describe() if agent else None,
            "silent": server_id in self.silent,
            "disk": self._disk(disk) if disk else None,
            "boots": list(self._boots.get(server_id, [])),
        }

    def _summary(self, agent: Agent) -> dict[str, Any]:
        running = agent.running()
        return {
            "server": agent.server_uri,
            "node_uuid": agent.node_uuid,
            "has_token": agent.token is not None,
            "heartbeats": agent.heartbeats,
            "commands": len(agent.commands),
            "running": running.name if running else None,
            "last_error": agent.last_error,
        }

    @staticmethod
    def _disk(doc: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in doc.items() if key != "uri"}


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _server_id(server_uri: str) -> str:
    return server_uri.rsplit("/", 1)[-1]
