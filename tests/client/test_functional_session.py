"""Login, logout, TLS, secrets in logs, and sharing one client between threads."""

from __future__ import annotations

import logging
import threading
import warnings

import pytest
import requests

from oneview_openstack.client import (
    AuthenticationFailed,
    ConnectionFailed,
    Forbidden,
    InsecureConnectionWarning,
    NotFound,
    OneViewClient,
    PowerState,
    UnsupportedApiVersion,
)

from .conftest import make_client

pytestmark = pytest.mark.functional


def session_is_valid(sim, token):
    response = requests.get(
        f"{sim.url}/rest/server-hardware?count=1",
        headers={"auth": token, "X-API-Version": "800"},
        verify=sim.ca_file,
        timeout=10,
    )
    return response.status_code == 200


def test_one_login_for_many_calls_and_logout_on_close(sim, ops, counter):
    with make_client(sim, observer=counter) as ov:
        for server in ov.server_hardware.list():
            ov.server_hardware.get(server)
        token = ov._auth._token
        assert session_is_valid(sim, token)
    assert counter.counts()["POST /rest/login-sessions"] == 1
    assert counter.counts()["DELETE /rest/login-sessions"] == 1
    assert not session_is_valid(sim, token), "close() ended the session on the appliance"


def test_wrong_password_fails_clearly_without_showing_it(sim, ops):
    ov = make_client(sim, password="not-the-password-123")
    with pytest.raises(AuthenticationFailed) as caught:
        ov.server_hardware.get("X")
    assert caught.value.error_code == "AUTHN_AUTH_FAIL"
    assert "POST /rest/login-sessions" in str(caught.value)
    assert "not-the-password-123" not in str(caught.value)
    assert "not-the-password-123" not in repr(caught.value.args)


def test_read_only_user_can_read_but_not_write(sim, ops):
    with make_client(sim, username=sim.readonly_username, password=sim.readonly_password) as ov:
        server = next(iter(ov.server_hardware.list()))
        with pytest.raises((Forbidden, AuthenticationFailed)) as caught:
            ov.server_hardware.set_power(server, PowerState.OFF)
        assert caught.value.status in (401, 403)


def test_tls_is_verified_by_default(sim, ops, monkeypatch):
    # requests' default trust, not whatever bundle this machine's environment names.
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    ov = OneViewClient(sim.url, sim.username, sim.password, retries=0)
    with pytest.raises(ConnectionFailed, match="TLS verification of https://127.0.0.1"):
        ov.api_version  # noqa: B018 - the first request


def test_insecure_works_but_warns(sim, ops):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with OneViewClient(sim.url, sim.username, sim.password, insecure=True) as ov:
            assert next(iter(ov.server_hardware.list())).uri
    assert InsecureConnectionWarning in [w.category for w in caught]


def test_cap_below_what_the_appliance_accepts(sim, ops):
    appliance = make_client(sim).appliance_version()
    ov = make_client(sim, api_version_cap=max(appliance.minimum - 1, 1))
    with pytest.raises(UnsupportedApiVersion, match="no common API version"):
        ov.server_hardware.get("X")


def test_no_secret_in_any_log_record(sim, ops, caplog):
    caplog.set_level(logging.DEBUG)
    with make_client(sim) as ov:
        server = next(iter(ov.server_hardware.list()))
        token_before = ov._auth._token
        ops.expire_sessions()
        ov.server_hardware.get(server)  # logs in again
        token_after = ov._auth._token
        console = ov.server_hardware.remote_console_url(server)
    with pytest.raises(AuthenticationFailed):
        make_client(sim, password="wrong-secret-456").server_hardware.get(server.uuid)

    assert token_before and token_after and token_before != token_after
    secrets = [sim.password, "wrong-secret-456", token_before, token_after]
    if "sessionkey=" in console:
        secrets.append(console.split("sessionkey=", 1)[1])
    records = caplog.records  # every logger: ours, requests, urllib3
    messages = [r.getMessage() for r in records if r.name.startswith("oneview_openstack.client")]
    assert any("login-sessions" in m for m in messages), "requests were logged"
    assert any("'password': '***'" in m for m in messages), "the login body was logged, masked"
    assert any("'auth': '***'" in m for m in messages), "headers were logged, masked"
    for record in records:
        text = record.getMessage() + repr(record.args)
        for secret in secrets:
            assert secret not in text, f"secret leaked in log record: {record.name}"


def test_a_secret_in_a_failing_path_stays_out_of_logs_and_errors(sim, ops, caplog):
    caplog.set_level(logging.DEBUG)
    with make_client(sim) as ov, pytest.raises(NotFound) as raised:
        ov.tasks.get("/rest/tasks/no-such-task?sessionkey=path-secret-789")

    assert "/rest/tasks/no-such-task" in str(raised.value), "the error still names the path"
    assert "path-secret-789" not in str(raised.value)
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("oneview_openstack")]
    assert any("no-such-task" in m for m in messages), "the request was logged"
    assert not [m for m in messages if "path-secret-789" in m]


def test_one_client_shared_by_threads(client):
    servers = list(client.server_hardware.list())
    errors = []

    def work():
        try:
            for server in servers:
                assert client.server_hardware.get(server.uuid).uri == server.uri
            assert len(list(client.ethernet_networks.list(page_size=3))) >= 1
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_observer_counts_match_what_the_appliance_served(sim, ops, counter):
    ops.call("DELETE", "/sim/counters")
    with make_client(sim, observer=counter) as ov:
        server = next(iter(ov.server_hardware.list()))
        ov.server_hardware.get(server.uuid)
        ov.server_hardware.set_power(server, PowerState.OFF)
        ov.server_hardware_types.get(server.server_hardware_type_uri)
        list(ov.ethernet_networks.list(page_size=2))
    served = ops.counters()
    observed = counter.counts()
    assert observed == {key: served.get(key, 0) for key in observed}
    assert observed["PUT /rest/server-hardware/{id}/powerState"] == 1
    assert counter.stats()["GET /rest/server-hardware/{id}"].total_seconds > 0
