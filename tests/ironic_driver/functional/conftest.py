"""A real Ironic whose ``[oneview]`` section points at the session's simulator (over HTTPS,
verified with the simulator's CA).

``ironic_service`` is declared again here, not only ``ironic_options``: a session fixture is
created once, so overriding only its options would let whichever test directory runs first
decide them for the whole session. The functional tests get their own Ironic this way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.simulator import SimulatorHandle


def oneview_section(simulator: SimulatorHandle) -> dict[str, Any]:
    """``[oneview]`` for a simulator; fast retries keep failure tests quick."""
    return {
        "manager_url": simulator.url,
        "username": simulator.username,
        "password": simulator.password,
        "tls_cacert_file": simulator.ca_file,
        "request_retries": 1,
        "power_timeout": 30,
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
