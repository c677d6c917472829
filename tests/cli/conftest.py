"""Fixtures for the CLI tests: the session's simulator, a real Ironic and a real nova-api.

The commands run as operators run them: ``ironic-oneview`` and ``openstack`` as processes
of the venv, configured through the environment only (``OV_*``, ``IRONIC_URL``,
``OS_COMPUTE_ENDPOINT_OVERRIDE``). Each test starts with the simulator at its seed, no node
in Ironic and no flavor in Nova.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.nova_service import NovaApiService
from oneview_openstack.testing.simulator import SimulatorHandle

BIN = Path(sys.executable).parent
CLI_TIMEOUT = 240


@pytest.fixture(scope="session")
def nova_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NovaApiService]:
    """One real nova-api (sqlite, noauth, no other Nova service) for the whole session."""
    with NovaApiService(tmp_path_factory.mktemp("nova")) as service:
        yield service


@pytest.fixture
def nova(nova_service: NovaApiService) -> Iterator[NovaApiService]:
    """The session's nova-api; every flavor is deleted after the test."""
    yield nova_service
    nova_service.reset()


@dataclass
class Cli:
    """Runs the installed commands with an environment that names OneView, Ironic and Nova."""

    env: dict[str, str]
    sim: SimulatorHandle
    ironic: IronicService
    nova: NovaApiService

    def run(
        self,
        *args: str,
        env: Mapping[str, str | None] | None = None,
        command: str = "ironic-oneview",
    ) -> subprocess.CompletedProcess[str]:
        environ = dict(self.env)
        for key, value in (env or {}).items():
            if value is None:
                environ.pop(key, None)
            else:
                environ[key] = value
        return subprocess.run(
            [str(BIN / command), *args],
            env=environ,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=CLI_TIMEOUT,
            check=False,
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(BIN / "ironic-oneview"), *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )


@pytest.fixture
def cli(sim: SimulatorHandle, ironic: IronicService, nova: NovaApiService) -> Cli:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OS_", "OV_")) and key not in ("IRONIC_URL",)
    }
    env.update(
        OV_AUTH_URL=sim.url,
        OV_USERNAME=sim.username,
        OV_PASSWORD=sim.password,
        OV_CACERT=sim.ca_file,
        IRONIC_URL=ironic.url,
        OS_COMPUTE_ENDPOINT_OVERRIDE=nova.url,
    )
    return Cli(env=env, sim=sim, ironic=ironic, nova=nova)


def oneview_nodes(ironic: IronicService) -> list[Any]:
    """Every ``oneview`` node with the fields the tests check."""
    return list(ironic.connection().baremetal.nodes(details=True, driver="oneview"))


def ports_by_node(ironic: IronicService) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for port in ironic.connection().baremetal.ports(details=True):
        found.setdefault(port.node_id, []).append(port)
    return found
