"""What the virtual agents do: set by flags, changed through ``PUT /sim/agents/config``."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from oneview_openstack.simulator.errors import ApiError

DEFAULT_HEARTBEAT_INTERVAL = 1.0
ANY_COMMAND = "*"
# What the operator API may change at run time.
RUNTIME_SETTINGS = ("ironic_url", "heartbeat_interval", "command_latency")


@dataclass
class AgentSettings:
    ironic_url: str | None = None  # None: agents are off
    heartbeat_interval: float = DEFAULT_HEARTBEAT_INTERVAL  # seconds between two heartbeats
    # seconds a command (``deploy.execute_deploy_step``) or step (``write_image``) takes;
    # ``*``: any other
    command_latency: dict[str, float] = field(default_factory=dict)
    # failures injected from the start ({"command", "message", "times"?, "server"?})
    failures: list[dict[str, Any]] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)  # server ids whose agents stay silent
    listen: bool = False  # the agents' listener is open (--agent-port or --ironic-url)

    def latency(self, names: tuple[str, ...]) -> float:
        """Seconds the first of ``names`` with a latency takes (else ``*``'s, else 0)."""
        for name in (*names, ANY_COMMAND):
            if name in self.command_latency:
                return self.command_latency[name]
        return 0.0

    def copy(self) -> AgentSettings:
        return copy.deepcopy(self)

    def describe(self) -> dict[str, Any]:
        return {
            "ironic_url": self.ironic_url,
            "heartbeat_interval": self.heartbeat_interval,
            "command_latency": dict(self.command_latency),
        }


def apply_changes(settings: AgentSettings, changes: dict[str, Any]) -> None:
    """Validate every change, then apply them all (nothing half-applied); 400 on a bad one."""
    for name in changes:
        if name not in RUNTIME_SETTINGS:
            raise _invalid(
                f"The agent setting {name!r} cannot be changed at run time.",
                f"Changeable settings: {', '.join(RUNTIME_SETTINGS)}.",
            )
    checked = {name: _checked(name, value) for name, value in changes.items()}
    for name, value in checked.items():
        setattr(settings, name, value)


def parse_ironic_url(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value.startswith(("http://", "https://")) and len(value) > 8:
        return value.rstrip("/")
    raise _invalid(
        f"The agent setting 'ironic_url' has the invalid value {value!r}.",
        "Allowed: an http:// or https:// URL of Ironic's API, or null to turn the agents off.",
    )


def _checked(name: str, value: Any) -> Any:
    if name == "ironic_url":
        return parse_ironic_url(value)
    if name == "heartbeat_interval":
        if _number(value) and value > 0:
            return float(value)
        raise _invalid(
            f"The agent setting 'heartbeat_interval' has the invalid value {value!r}.",
            "Allowed: a number of seconds > 0.",
        )
    return checked_latencies(value)


def checked_latencies(value: Any) -> dict[str, float]:
    if isinstance(value, dict) and all(
        isinstance(k, str) and k and _number(v) and v >= 0 for k, v in value.items()
    ):
        return {k: float(v) for k, v in value.items()}
    raise _invalid(
        f"The agent setting 'command_latency' has the invalid value {value!r}.",
        "Allowed: an object of command or step names ('deploy.execute_deploy_step', "
        "'write_image', '*' for any) to seconds >= 0.",
    )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _invalid(message: str, details: str) -> ApiError:
    return ApiError(400, "INVALID_AGENT_CONFIG", message, details=details)
