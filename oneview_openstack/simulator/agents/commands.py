"""The ironic-python-agent commands a virtual agent knows, and their answers.

What Ironic 39 sends for automated cleaning, the ``direct`` deploy and its
tear-down (ironic-python-agent 13's extensions): names are ``<extension>.<method>``;
a result names the method alone (``command_name``). *Synchronous* commands
answer with their result; *asynchronous* ones answer ``RUNNING`` and finish
later (Ironic polls ``GET /v1/commands/`` on its next heartbeat). The work of
the steps (``write_image``, ``erase_devices_metadata``) is the fleet's: here is
only what the agent answers.
"""

from __future__ import annotations

import base64
import io
import tarfile
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

AGENT_VERSION = "13.0.0"
HARDWARE_MANAGER = "SimulatedHardwareManager"
HARDWARE_MANAGER_VERSION = {HARDWARE_MANAGER: "1.0"}
CLEAN_STEPS = [
    {
        "step": "erase_devices_metadata",
        "priority": 99,
        "interface": "deploy",
        "reboot_requested": False,
        "abortable": True,
    }
]
DEPLOY_STEPS = [
    {"step": "write_image", "priority": 0, "interface": "deploy", "reboot_requested": False}
]
STEPS = ("erase_devices_metadata", "write_image")
# execute_*_step commands -> the word of their result keys (clean_result, clean_step).
STEP_COMMANDS = {"clean.execute_clean_step": "clean", "deploy.execute_deploy_step": "deploy"}
ASYNC_COMMANDS = frozenset({*STEP_COMMANDS, "image.install_bootloader", "standby.power_off"})
SYNC_COMMANDS = frozenset(
    {
        "clean.get_clean_steps",
        "deploy.get_deploy_steps",
        "standby.get_partition_uuids",
        "standby.sync",
        "log.collect_system_logs",
    }
)
COMMANDS = tuple(sorted(SYNC_COMMANDS | ASYNC_COMMANDS))


class Status:
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class AgentRefusal(Exception):
    """Ironic's request to an agent is refused: ``status`` and IPA's ``faultstring``."""

    def __init__(self, status: int, faultstring: str) -> None:
        super().__init__(faultstring)
        self.status = status
        self.faultstring = faultstring

    def body(self) -> dict[str, str]:
        return {"faultcode": "Client", "faultstring": self.faultstring}


class CommandFailed(Exception):
    """A command failed; ``details`` is what Ironic records as the node's last_error."""

    def __init__(self, details: str, kind: str = "CommandExecutionError") -> None:
        super().__init__(details)
        self.details = details
        self.kind = kind


@dataclass(slots=True, eq=False)
class Command:
    """One command the agent ran since it booted, as ``GET /v1/commands/`` shows it."""

    name: str  # extension.method
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: str = Status.RUNNING
    result: Any = None
    error: dict[str, Any] | None = None
    started: float = field(default_factory=time.time)

    @property
    def running(self) -> bool:
        return self.status == Status.RUNNING

    def succeed(self, result: Any) -> None:
        self.status, self.result = Status.SUCCEEDED, result

    def fail(self, failure: CommandFailed) -> None:
        self.status = Status.FAILED
        self.error = {
            "type": failure.kind,
            "code": 500,
            "message": f"Command {self.name} failed",
            "details": failure.details,
        }

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "command_name": self.name.partition(".")[2],
            "command_status": self.status,
            "command_error": self.error,
            "command_result": self.result,
        }


def is_known(name: Any) -> bool:
    return name in SYNC_COMMANDS or name in ASYNC_COMMANDS


def names_of(name: str, params: dict[str, Any]) -> tuple[str, ...]:
    """What a failure or a latency may name this command by: its step first, then itself."""
    if name in STEP_COMMANDS:
        step = (params.get("step") or {}).get("step")
        if isinstance(step, str):
            return step, name
    return (name,)


def sync_result(name: str, history: list[Command]) -> Any:
    """The result of a synchronous command."""
    if name == "clean.get_clean_steps":
        return {
            "clean_steps": {HARDWARE_MANAGER: CLEAN_STEPS},
            "hardware_manager_version": HARDWARE_MANAGER_VERSION,
        }
    if name == "deploy.get_deploy_steps":
        return {
            "deploy_steps": {HARDWARE_MANAGER: DEPLOY_STEPS},
            "hardware_manager_version": HARDWARE_MANAGER_VERSION,
        }
    if name == "standby.get_partition_uuids":
        return {"root uuid": None}  # whole-disk images only
    if name == "log.collect_system_logs":
        return {"system_logs": system_logs(history)}
    return None  # standby.sync


def step_result(name: str, step: dict[str, Any], output: Any) -> dict[str, Any]:
    """``{"deploy_result": ..., "deploy_step": <the step Ironic sent>}``."""
    word = STEP_COMMANDS[name]
    return {f"{word}_result": output, f"{word}_step": step}


def system_logs(history: list[Command]) -> str:
    """A base64 tar.gz holding ``journal``: the commands this agent ran (what Ironic stores)."""
    lines = [
        f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(c.started))} {c.name} {c.status}"
        for c in history
    ]
    text = ("\n".join(lines) + "\n").encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("journal")
        info.size = len(text)
        info.mtime = int(time.time())
        archive.addfile(info, io.BytesIO(text))
    return base64.b64encode(buffer.getvalue()).decode()
