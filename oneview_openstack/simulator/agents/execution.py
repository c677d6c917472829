"""Running what Ironic asks an agent: busy, injected failures, latency, the steps' work.

A synchronous command answers with its result (after its latency). An
asynchronous one answers ``RUNNING`` and finishes in a task of its own; when it
ends, its agent heartbeats at once. The steps' work: ``erase_devices_metadata``
blanks the server's disk record, ``write_image`` downloads and verifies the
image (in the thread pool) and records it, ``standby.power_off`` powers the
server off through the simulator's power state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator.agents import commands, disks, image
from oneview_openstack.simulator.agents.agent import Agent
from oneview_openstack.simulator.agents.commands import AgentRefusal, Command, CommandFailed
from oneview_openstack.simulator.agents.failures import Failures
from oneview_openstack.simulator.agents.settings import AgentSettings
from oneview_openstack.simulator.resources import power

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

LOG = logging.getLogger(__name__)

Offload = Callable[..., Awaitable[Any]]  # runs a blocking function in the thread pool


class CommandRunner:
    def __init__(
        self, appliance: Appliance, settings: AgentSettings, failures: Failures, io: Offload
    ) -> None:
        self._appliance = appliance
        self.settings = settings
        self.failures = failures
        self._io = io

    async def run(self, agent: Agent, body: Any, wait: bool) -> dict[str, Any]:
        """Run ``{"name", "params"}``: the command's result (IPA's shape), or AgentRefusal."""
        name = body.get("name") if isinstance(body, dict) else None
        params = (body.get("params") if isinstance(body, dict) else None) or {}
        if not commands.is_known(name) or not isinstance(params, dict):
            raise AgentRefusal(400, f"Invalid command: Unknown command: {name}")
        running = agent.running()
        if running is not None:
            raise AgentRefusal(409, f"Agent is busy: {running.name} is still running.")
        assert isinstance(name, str)
        command = Command(name)
        agent.commands.append(command)
        names = commands.names_of(name, params)
        latency = self.settings.latency(names)
        failure = self.failures.take(agent.server_id, names)
        if name in commands.ASYNC_COMMANDS:
            work = asyncio.get_running_loop().create_task(
                self._finish(agent, command, params, latency, failure)
            )
            agent.work = work
            if wait:
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.shield(work)
            return command.describe()
        if latency:
            await asyncio.sleep(latency)
        if failure is not None:
            command.fail(CommandFailed(failure))
        else:
            command.succeed(commands.sync_result(name, agent.commands))
        return command.describe()

    async def _finish(
        self,
        agent: Agent,
        command: Command,
        params: dict[str, Any],
        latency: float,
        failure: str | None,
    ) -> None:
        """An asynchronous command: its work, then its result, then a heartbeat at once."""
        if latency:
            await asyncio.sleep(latency)
        try:
            if failure is not None:
                raise CommandFailed(failure)
            command.succeed(await self._execute(agent, command.name, params))
        except CommandFailed as error:
            command.fail(error)
        except Exception as error:
            LOG.exception("Agent of server %s: %s failed", agent.server_uri, command.name)
            command.fail(CommandFailed(f"{type(error).__name__}: {error}"))
        agent.work = None
        agent.wake.set()
        if command.name == "standby.power_off" and command.status == commands.Status.SUCCEEDED:
            power.shut_down(self._appliance, agent.server_uri)  # which kills this agent
            self._appliance.store.commit()

    async def _execute(self, agent: Agent, name: str, params: dict[str, Any]) -> Any:
        if name not in commands.STEP_COMMANDS:
            return None  # image.install_bootloader, standby.power_off
        step = params.get("step") or {}
        step_name = step.get("step")
        store, clock = self._appliance.store, self._appliance.clock
        if step_name == "erase_devices_metadata":
            disks.record_erase(store, clock, agent.server_uri, agent.node_uuid)
        elif step_name == "write_image":
            info = (step.get("args") or {}).get("image_info") or {}
            written = await self._io(image.write_image, info)
            if not agent.alive:
                raise asyncio.CancelledError
            disks.record_write(store, clock, agent.server_uri, written, agent.node_uuid)
        else:
            raise CommandFailed(
                f"The virtual agent has no step {step_name!r}; it has {', '.join(commands.STEPS)}.",
                "UnknownStep",
            )
        store.commit()
        return commands.step_result(name, step, None)
