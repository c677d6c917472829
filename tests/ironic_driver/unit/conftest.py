"""The unit tests run Ironic's own test base classes against the session's simulator."""

from __future__ import annotations

from typing import Any

import pytest

from oneview_openstack.ironic_driver.inventory import shared_inventories

from ..oneview_seed import uris_of


@pytest.fixture
def bind_simulator(request: pytest.FixtureRequest, sim: Any) -> None:
    """Give a unittest-style test case the freshly reset simulator and the seed's URIs."""
    request.instance.sim = sim
    request.instance.seed = uris_of(sim)
    shared_inventories().invalidate()  # a listing of the previous test's simulator state
