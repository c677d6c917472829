"""Fixtures of the ironic-oneviewd tests: real processes only, started once per session.

- ``daemon_sim`` (session): a simulator with a generated datacenter of 70 servers
  (``--servers 70``): templates ``SPT-EG-001-SY480Gen10`` (61 compatible servers),
  ``SPT-EG-001-SY660Gen10`` (6) and ``SPT-Rack-DL360Gen10`` (3), no foreign profile.
- ``daemon_ironic`` (session): a real Ironic on MariaDB (dozens of nodes move at once),
  automated cleaning off, its ``[oneview]`` pointing at ``daemon_sim``.
- ``daemon_redis`` (session): a redis-server for tooz.
- ``env`` (function): the simulator back at its seed, Ironic without any node, and
  ``env.daemon(name, templates, **options)`` starting an ``ironic-oneviewd`` that is
  SIGKILLed after the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.mariadb import MariaDBServer
from oneview_openstack.testing.redis import RedisServer
from oneview_openstack.testing.simulator import SimulatorHandle, start_simulator

from .helpers import SERVERS, Env


@pytest.fixture(scope="session")
def daemon_sim(
    tmp_path_factory: pytest.TempPathFactory, simulator_cert_dir: Path
) -> Iterator[SimulatorHandle]:
    handle = start_simulator(
        tmp_path_factory.mktemp("daemon-simulator"),
        servers=SERVERS,
        time_scale=0.01,
        cert_dir=simulator_cert_dir,
    )
    yield handle
    handle.stop()


@pytest.fixture(scope="session")
def daemon_mariadb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MariaDBServer]:
    with MariaDBServer(tmp_path_factory.mktemp("daemon-mariadb")) as server:
        yield server


@pytest.fixture(scope="session")
def daemon_ironic(
    tmp_path_factory: pytest.TempPathFactory,
    daemon_sim: SimulatorHandle,
    daemon_mariadb: MariaDBServer,
) -> Iterator[IronicService]:
    oneview = {
        "manager_url": daemon_sim.url,
        "username": daemon_sim.username,
        "password": daemon_sim.password,
        "tls_cacert_file": daemon_sim.ca_file,
        "enable_periodic_tasks": False,
    }
    with IronicService(
        tmp_path_factory.mktemp("daemon-ironic"),
        oneview=oneview,
        conductor={"automated_clean": False},
        database_url=daemon_mariadb.create_database("ironic_oneviewd"),
    ) as service:
        yield service


@pytest.fixture(scope="session")
def daemon_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with RedisServer(tmp_path_factory.mktemp("daemon-redis")) as server:
        yield server


@pytest.fixture
def env(daemon_sim: SimulatorHandle, daemon_ironic: IronicService, tmp_path: Path) -> Iterator[Env]:
    daemon_sim.operator.reset()
    daemon_ironic.reset(timeout=60)
    environment = Env(daemon_sim, daemon_ironic, tmp_path)
    yield environment
    for daemon in environment.daemons:
        daemon.kill()
    daemon_sim.operator.clear_faults()
