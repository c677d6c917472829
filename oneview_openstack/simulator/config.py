"""Settings of one simulated appliance (command-line flags or the operator API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oneview_openstack.simulator.agents.settings import AgentSettings
from oneview_openstack.simulator.errors import ApiError

MINIMUM_API_VERSION = 120
DEFAULT_API_VERSION = 4600  # OneView 8.00


@dataclass
class SimulatorConfig:
    host: str = "127.0.0.1"
    port: int = 8443
    tls: bool = True
    cert_dir: Path | None = None
    seed_file: Path | None = None  # None: the packaged default datacenter
    servers: int | None = None  # generate a datacenter of this many servers instead
    state_file: Path | None = None
    time_scale: float = 1.0  # multiplies every task's duration
    api_version: int = DEFAULT_API_VERSION
    minimum_api_version: int = MINIMUM_API_VERSION
    idle_timeout: float = 24 * 3600.0  # seconds a session may stay unused
    max_page_size: int | None = None  # cap on members per page (exercises nextPageUri)
    tick_interval: float = 0.05  # seconds between background task advances
    # Bounded history (simulator/history.py): what an appliance keeps at most.
    task_history: int = 50_000  # tasks kept; older ended ones are deleted in blocks
    task_grace: float = 600.0  # seconds an ended task stays pollable whatever the limit
    alert_history: int = 75_000  # alerts kept (a clean-up deletes down to ~99 %)
    event_history: int = 75_000  # events kept (HPE documents no limit; as alerts)
    agents: AgentSettings = field(default_factory=AgentSettings)  # the virtual agents


# What the operator API may change at run time, and the range of each.
HISTORY_SETTINGS = ("task_history", "task_grace", "alert_history", "event_history")
RUNTIME_SETTINGS = ("time_scale", "idle_timeout", "api_version", "max_page_size", *HISTORY_SETTINGS)


def runtime_settings(config: SimulatorConfig) -> dict[str, Any]:
    return {name: getattr(config, name) for name in RUNTIME_SETTINGS}


def apply_runtime_changes(config: SimulatorConfig, changes: dict[str, Any]) -> None:
    """Validate every change first, then apply them all (nothing half-applied)."""
    for name in changes:
        if name not in RUNTIME_SETTINGS:
            raise ApiError(
                400,
                "INVALID_CONFIG",
                f"The setting {name!r} cannot be changed at run time.",
                details=f"Changeable settings: {', '.join(RUNTIME_SETTINGS)}.",
            )
    checked = {name: _checked(config, name, value) for name, value in changes.items()}
    for name, value in checked.items():
        setattr(config, name, value)


def _checked(config: SimulatorConfig, name: str, value: Any) -> Any:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    integer = isinstance(value, int) and not isinstance(value, bool)
    valid = {
        "time_scale": number and value >= 0,
        "idle_timeout": number and value > 0,
        "api_version": integer and value >= config.minimum_api_version,
        "max_page_size": value is None or (integer and value >= 1),
        "task_history": integer and value >= 1,
        "task_grace": number and value >= 0,
        "alert_history": integer and value >= 1,
        "event_history": integer and value >= 1,
    }
    if valid[name]:
        return float(value) if name in ("time_scale", "idle_timeout", "task_grace") else value
    allowed = {
        "time_scale": "a number >= 0 (task durations are multiplied by it)",
        "idle_timeout": "a number of seconds > 0",
        "api_version": f"an integer >= {config.minimum_api_version}",
        "max_page_size": "an integer >= 1, or null for no cap",
        "task_history": "an integer >= 1 (tasks kept)",
        "task_grace": "a number of seconds >= 0 (an ended task stays pollable)",
        "alert_history": "an integer >= 1 (alerts kept)",
        "event_history": "an integer >= 1 (events kept)",
    }[name]
    raise ApiError(
        400,
        "INVALID_CONFIG",
        f"The setting {name!r} has the invalid value {value!r}.",
        details=f"Allowed for {name!r}: {allowed}.",
    )
