"""Failure injection for the virtual agents: the next N runs of a command or step fail."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from oneview_openstack.simulator.agents.commands import COMMANDS, STEPS
from oneview_openstack.simulator.errors import ApiError

FAILABLE = (*STEPS, *COMMANDS)


@dataclass(slots=True)
class Failure:
    id: str
    command: str  # a command ("standby.get_partition_uuids") or a step ("write_image")
    message: str  # the command_error details Ironic gets
    times: int  # runs still to fail
    server_id: str | None  # None: any server's agent

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "command": self.command,
            "message": self.message,
            "times": self.times,
            "server": self.server_id,
        }


class Failures:
    def __init__(self) -> None:
        self._items: list[Failure] = []
        self._ids = itertools.count(1)

    def add(self, body: dict[str, Any]) -> Failure:
        """``{"command", "message"?, "times"?: 1, "server"?: id}``; 400 naming a bad field."""
        unknown = sorted(set(body) - {"command", "message", "times", "server"})
        if unknown:
            raise _invalid("field", unknown[0], "command, message, times, server")
        command = body.get("command")
        if command not in FAILABLE:
            raise _invalid("command", command, ", ".join(FAILABLE))
        message = body.get("message", f"Injected failure of {command}")
        if not isinstance(message, str) or not message:
            raise _invalid("message", message, "a non-empty string")
        times = body.get("times", 1)
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            raise _invalid("times", times, "an integer >= 1")
        server = body.get("server")
        if server is not None and (not isinstance(server, str) or not server):
            raise _invalid("server", server, "a server hardware id, or null for any server")
        failure = Failure(str(next(self._ids)), command, message, times, server)
        self._items.append(failure)
        return failure

    def take(self, server_id: str, names: tuple[str, ...]) -> str | None:
        """The message of the first failure for one of ``names`` on this server, used once."""
        for name in names:
            for failure in self._items:
                if failure.command == name and failure.server_id in (None, server_id):
                    failure.times -= 1
                    if failure.times == 0:
                        self._items.remove(failure)
                    return failure.message
        return None

    def remove(self, failure_id: str) -> bool:
        before = len(self._items)
        self._items = [f for f in self._items if f.id != failure_id]
        return len(self._items) < before

    def clear(self) -> None:
        self._items.clear()

    def describe(self) -> list[dict[str, Any]]:
        return [failure.describe() for failure in self._items]


def _invalid(name: str, value: Any, allowed: str) -> ApiError:
    return ApiError(
        400,
        "INVALID_AGENT_FAILURE",
        f"The agent failure has the invalid {name} {value!r}.",
        details=f"Allowed: {allowed}.",
    )
