"""A real Ironic whose ``[oneview]`` section points at the session's simulator (over HTTPS,
verified with the simulator's CA).

``ironic_service`` is declared again here, not only ``ironic_options``: a session fixture is
created once, so overriding only its options would let whichever test directory runs first
decide them for the whole session. The functional tests get their own Ironic this way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.simulator import SimulatorHandle, start_simulator


def oneview_section(simulator: SimulatorHandle) -> dict[str, Any]:
    """``[oneview]`` for a simulator; fast retries keep failure tests quick."""
    return {
        "manager_url": simulator.url,
        "username": simulator.username,
        "password": simulator.password,
        "tls_cacert_file": simulator.ca_file,
        "request_retries": 1,
        "power_timeout": 30,
        "task_poll_interval": 1,  # the OneView tasks deploy/cleaning wait for
    }


@pytest.fixture(scope="session")
def ironic_options(simulator: SimulatorHandle) -> dict[str, Any]:
    return {"oneview": oneview_section(simulator)}


@pytest.fixture(scope="session")
def ironic_service(
    tmp_path_factory: pytest.TempPathFactory, ironic_options: dict[str, Any]
) -> Iterator[IronicService]:
    with IronicService(tmp_path_factory.mktemp("ironic-oneview"), **ironic_options) as service:
        yield service


# -- deploys through the simulator's virtual agents -------------------------------------------

# Seconds between two heartbeats of a virtual agent (Ironic's default polling is far slower).
AGENT_HEARTBEAT = 0.2


class AgentLab:
    """A simulator whose network-booted servers run virtual agents talking to a real Ironic
    booting ``pxe``/``ipxe`` from roots it owns (``IronicService(pxe=True)``)."""

    def __init__(self, sim: SimulatorHandle, ironic: IronicService) -> None:
        self.sim = sim
        self.ironic = ironic


@contextlib.contextmanager
def running_agent_lab(
    workdir: Path,
    cert_dir: Path,
    *,
    oneview: dict[str, Any] | None = None,
    conductor: dict[str, Any] | None = None,
) -> Iterator[AgentLab]:
    """A simulator started with ``--ironic-url`` of its own Ironic, and that Ironic.

    Ironic's port is chosen before either starts, so the simulator knows it; tasks take a
    thousandth of their time; agents heartbeat every :data:`AGENT_HEARTBEAT` seconds; a
    silent agent fails the node on Ironic's callback timeout in ~10 s. ``oneview`` and
    ``conductor`` add to (or override) Ironic's ``[oneview]`` and ``[conductor]``.
    """
    ironic = IronicService(
        workdir / "ironic",
        pxe=True,
        conductor={
            "automated_clean": True,
            "deploy_callback_timeout": 10,
            "clean_callback_timeout": 10,
            "check_provision_state_interval": 2,
            **(conductor or {}),
        },
        sections={
            "agent": {
                "require_tls": False,
                "deploy_logs_collect": "on_failure",
                "deploy_logs_local_path": workdir / "deploy-logs",
                # Ironic polls the power state after standby.power_off (default every 5 s).
                "post_deploy_get_power_state_retry_interval": 1,
            },
        },
    )
    # The ramdisk gets Ironic's URL from the catalog (ipa-api-url in the PXE config).
    ironic.sections["service_catalog"] = {"endpoint_override": ironic.url}
    sim = start_simulator(
        workdir / "simulator",
        cert_dir=cert_dir,
        time_scale=0.001,
        ironic_url=ironic.url,
        agent_port=0,
        heartbeat_interval=AGENT_HEARTBEAT,
    )
    try:
        ironic.oneview = {**oneview_section(sim), **(oneview or {})}
        with ironic:
            yield AgentLab(sim, ironic)
    finally:
        sim.stop()


@pytest.fixture(scope="session")
def agent_lab(
    tmp_path_factory: pytest.TempPathFactory, simulator_cert_dir: Path
) -> Iterator[AgentLab]:
    """The session's agent lab (see :func:`running_agent_lab`)."""
    with running_agent_lab(tmp_path_factory.mktemp("agent-lab"), simulator_cert_dir) as lab:
        yield lab


@pytest.fixture
def lab(agent_lab: AgentLab) -> Iterator[AgentLab]:
    """The agent lab with the simulator back to its seed (agents, disks and boots forgotten)
    before the test, and no node in Ironic after it."""
    agent_lab.sim.operator.reset()
    yield agent_lab
    agent_lab.ironic.reset()
