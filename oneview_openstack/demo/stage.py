"""What the chapters share: the simulator, the demo's own OneView client, Ironic and the nodes."""

from __future__ import annotations

import dataclasses
import importlib.metadata
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from oneview_openstack.client import OneViewClient
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.simulator import SimulatorHandle

# How often the conductor runs the OneView periodic task (dynamic allocation): 300 s by
# default, 1 s here so that chapter 3 happens while you watch.
PERIOD_SECONDS = 1
# Seconds between two readings of the OneView tasks the steps wait for (profile applies).
TASK_POLL_SECONDS = 1
# Profile tasks of 120 s take 1.2 s; a 10 s power task 0.1 s.
IRONIC_TIME_SCALE = 0.01
# Seconds between two heartbeats of the simulator's virtual agents (1 s by default).
AGENT_HEARTBEAT = 0.5


class DemoFailure(RuntimeError):
    """A step of the story did not happen; the message says which and what Ironic said."""


@dataclasses.dataclass
class DemoNode:
    """One Ironic node of the story and the OneView server and template it is enrolled with."""

    name: str
    server_name: str
    server_uri: str
    template_name: str
    template_uri: str
    id: str = ""

    @property
    def profile_name(self) -> str:
        """The name Ironic gives the profiles it applies to this node's server."""
        return f"ironic-{self.name}"


@dataclasses.dataclass
class Stage:
    sim: SimulatorHandle
    ov: OneViewClient
    workdir: Path
    ironic: IronicService | None = None
    nodes: list[DemoNode] = dataclasses.field(default_factory=list)
    _baremetal: Any = None

    @property
    def baremetal(self) -> Any:
        """openstacksdk's baremetal proxy on the demo's Ironic (one connection, reused)."""
        if self.ironic is None:
            raise DemoFailure("Ironic is not running yet")
        if self._baremetal is None:
            self._baremetal = self.ironic.connection().baremetal
        return self._baremetal


def oneview_options(sim: SimulatorHandle) -> dict[str, object]:
    """The ``[oneview]`` section of the demo's ``ironic.conf``."""
    return {
        "manager_url": sim.url,
        "username": sim.username,
        "password": sim.password,
        "tls_cacert_file": sim.ca_file,
        "periodic_check_interval": PERIOD_SECONDS,
        # How often the conductor reads the OneView tasks steps wait for (10 s by default).
        "task_poll_interval": TASK_POLL_SECONDS,
        # The power-state sync reads the periodic task's listing while it is this fresh.
        "inventory_max_age": 5 * PERIOD_SECONDS,
    }


def start_ironic(stack: ExitStack, stage: Stage) -> IronicService:
    """Start Ironic and make sure ``stack`` stops it, even if its start is interrupted."""
    ironic = IronicService(
        stage.workdir / "ironic",
        hardware_types=("oneview",),
        oneview=oneview_options(stage.sim),
        conductor={"sync_power_state_interval": PERIOD_SECONDS},
        sections={
            "agent": {
                # the virtual agents' callback URLs are plain HTTP on loopback
                "require_tls": False,
                # Ironic polls the power state after the agent's power off (default every 5 s)
                "post_deploy_get_power_state_retry_interval": 1,
            },
        },
        pxe=True,
    )
    # The agents get Ironic's URL from the catalog (no Keystone here).
    ironic.sections["service_catalog"] = {"endpoint_override": ironic.url}
    stack.callback(ironic.stop)  # before start(): a Ctrl-C while it starts must stop it too
    # A server that boots from the network now runs a virtual agent talking to this Ironic.
    stage.sim.operator.configure_agents(ironic_url=ironic.url)
    ironic.start()
    stage.ironic = ironic
    return ironic


def ironic_version() -> str:
    return importlib.metadata.version("ironic")
