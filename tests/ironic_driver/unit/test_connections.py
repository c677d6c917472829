"""The conductor's client cache: one session per appliance and user, bounded."""

from __future__ import annotations

import threading

import pytest

from oneview_openstack.client import OneViewClient
from oneview_openstack.ironic_driver.connections import ClientCache, Connection

from .. import oneview_seed as seed


def _connection(sim, **changes) -> Connection:
    fields = {"url": sim.url, "username": sim.username, "password": sim.password,
              "ca_file": sim.ca_file, **changes}  # fmt: skip
    return Connection(**fields)


@pytest.mark.functional
def test_one_login_serves_every_caller(sim) -> None:
    cache = ClientCache()
    results: list[OneViewClient] = []

    def use() -> None:
        ov = cache.get(_connection(sim))
        ov.server_hardware.get_by_name(seed.BLADE)
        results.append(ov)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({id(ov) for ov in results}) == 1
    assert sim.operator.count("POST", "/rest/login-sessions") == 1
    cache.clear()


@pytest.mark.functional
def test_another_user_or_password_gets_another_client(sim) -> None:
    cache = ClientCache()

    first = cache.get(_connection(sim))
    same = cache.get(_connection(sim))
    other_user = cache.get(
        _connection(sim, username=sim.readonly_username, password=sim.readonly_password)
    )
    other_password = cache.get(_connection(sim, password="changed"))

    assert first is same
    assert len({id(first), id(other_user), id(other_password)}) == 3
    cache.clear()


@pytest.mark.functional
def test_the_least_recently_used_client_is_logged_out_beyond_the_limit(sim) -> None:
    cache = ClientCache(max_size=2)
    oldest = cache.get(_connection(sim))
    oldest.connect()
    cache.get(_connection(sim, username=sim.readonly_username, password=sim.readonly_password))
    sim.operator.clear_counters()

    cache.get(_connection(sim, request_timeout=5.0))

    assert len(cache) == 2
    assert sim.operator.count("DELETE", "/rest/login-sessions") == 1
    assert cache.get(_connection(sim)) is not oldest
    cache.clear()


def test_a_cache_holds_at_least_one_client() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ClientCache(max_size=0)


def test_the_cache_key_and_repr_hide_the_password() -> None:
    connection = Connection("https://ov.example", "admin", "s3cret-pw")

    assert "s3cret-pw" not in repr(connection)
    assert "s3cret-pw" not in repr(connection.cache_key())
