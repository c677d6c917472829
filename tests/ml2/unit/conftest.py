"""Unit tests of the ML2 driver's parts: no Neutron; OneView is the session simulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from oneview_openstack.client import OneViewClient
from oneview_openstack.testing.simulator import SimulatorHandle


@pytest.fixture
def ov(sim: SimulatorHandle) -> Iterator[OneViewClient]:
    """A client on the session simulator, back to its seed state."""
    with OneViewClient(sim.url, sim.username, sim.password, ca_file=sim.ca_file) as client:
        yield client
