"""Fixtures for the ML2 driver tests: a real Neutron API for the session, reset per test."""

from collections.abc import Iterator
from typing import Any

import pytest

from oneview_openstack.testing.neutron_service import NeutronService


@pytest.fixture(scope="session")
def neutron_options() -> dict[str, Any]:
    """Keyword arguments of the session's :class:`NeutronService`; override to change them."""
    return {}


@pytest.fixture(scope="session")
def neutron_service(
    tmp_path_factory: pytest.TempPathFactory, neutron_options: dict[str, Any]
) -> Iterator[NeutronService]:
    """One real Neutron (ML2 flat+vlan, this project's mechanism drivers) for the session."""
    with NeutronService(tmp_path_factory.mktemp("neutron"), **neutron_options) as service:
        yield service


@pytest.fixture
def neutron(neutron_service: NeutronService) -> Iterator[NeutronService]:
    """The session's Neutron; every port, subnet and network is deleted after the test."""
    yield neutron_service
    neutron_service.reset()


@pytest.fixture
def network(neutron: NeutronService):
    """openstacksdk's network proxy on the session's Neutron (reset after the test)."""
    return neutron.connection().network
