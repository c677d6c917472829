"""One running virtual agent: what its ramdisk knows between a network boot and the next stop.

Nothing here does I/O; the fleet drives it. A dead agent (server off or reset)
is dropped whole: its token, node and commands are forgotten with it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from oneview_openstack.simulator.agents.commands import Command

MAX_BACKOFF_SECONDS = 60.0
BACKOFF_FACTOR = 10  # refused lookups and heartbeats back off to 10 heartbeat intervals


@dataclass(slots=True, eq=False)
class Agent:
    server_id: str
    server_uri: str
    addresses: tuple[str, ...]  # MACs of the server's NICs, as the lookup sends them
    callback_url: str
    booted_at: str
    node_uuid: str | None = None
    token: str | None = None
    commands: list[Command] = field(default_factory=list)
    alive: bool = True
    lookups: int = 0
    heartbeats: int = 0
    last_heartbeat: dict[str, Any] | None = None  # {"at", "status"}
    last_error: str | None = None
    delay: float = 0.0  # seconds until the next lookup or heartbeat after a refusal
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    loop: asyncio.Task[None] | None = None  # the lookup / heartbeat loop
    work: asyncio.Task[None] | None = None  # the asynchronous command running

    def running(self) -> Command | None:
        """The command still running, if any (the agent is then busy)."""
        last = self.commands[-1] if self.commands else None
        return last if last is not None and last.running else None

    def backoff(self, interval: float) -> float:
        """The next delay after a refusal: doubled, from ``interval`` up to the cap."""
        cap = max(interval, min(BACKOFF_FACTOR * interval, MAX_BACKOFF_SECONDS))
        self.delay = min(max(2 * self.delay, interval), cap)
        return self.delay

    def kill(self) -> None:
        """The server stopped: the ramdisk is gone, with everything it knew."""
        self.alive = False
        self.token = None
        for task in (self.loop, self.work):
            if task is not None and not task.done():
                task.cancel()
        self.wake.set()

    def describe(self) -> dict[str, Any]:
        return {
            "server": self.server_uri,
            "booted_at": self.booted_at,
            "addresses": list(self.addresses),
            "callback_url": self.callback_url,
            "node_uuid": self.node_uuid,
            "has_token": self.token is not None,
            "lookups": self.lookups,
            "heartbeats": self.heartbeats,
            "last_heartbeat": self.last_heartbeat,
            "last_error": self.last_error,
            "commands": [command.describe() for command in self.commands],
        }
