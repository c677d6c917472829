"""Fixtures for the Ironic driver tests: a real Ironic for the session, reset per test.

``ironic_unit`` is imported first, before any Ironic module, so
Ironic's unit-test base classes work here (see its docstring).
"""

from collections.abc import Iterator
from typing import Any

import pytest

from oneview_openstack.testing.ironic_service import IronicService

from . import ironic_unit  # noqa: F401  must precede other Ironic imports


@pytest.fixture(scope="session")
def ironic_options() -> dict[str, Any]:
    """Keyword arguments of the session's :class:`IronicService` (``oneview=``, ...).

    Override it in a conftest below this one, e.g. to point ``[oneview]`` at the session's
    simulator: ``def ironic_options(simulator): return {"oneview": {...}}``.
    """
    return {}


@pytest.fixture(scope="session")
def ironic_service(
    tmp_path_factory: pytest.TempPathFactory, ironic_options: dict[str, Any]
) -> Iterator[IronicService]:
    """One real Ironic (API + conductor) for the whole session, on a free loopback port."""
    with IronicService(tmp_path_factory.mktemp("ironic"), **ironic_options) as service:
        yield service


@pytest.fixture
def ironic(ironic_service: IronicService) -> Iterator[IronicService]:
    """The session's Ironic; every node is deleted after the test."""
    yield ironic_service
    ironic_service.reset()


@pytest.fixture
def baremetal(ironic: IronicService):
    """openstacksdk's baremetal proxy on the session's Ironic (reset after the test)."""
    return ironic.connection().baremetal
