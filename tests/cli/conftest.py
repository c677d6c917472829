"""Fixtures for the CLI tests: a real nova-api for the session (flavors), reset per test."""

from collections.abc import Iterator

import pytest

from oneview_openstack.testing.nova_service import NovaApiService


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
