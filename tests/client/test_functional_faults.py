"""Faults injected through the simulator's operator API: the client's resilience."""

from __future__ import annotations

import threading

import pytest

from oneview_openstack.client import (
    BadRequest,
    Conflict,
    ETagMismatch,
    PowerControl,
    PowerState,
    RequestTimeout,
    ServerError,
    ServiceUnavailable,
    TaskFailed,
    TaskTimeout,
)

from .conftest import make_client

pytestmark = pytest.mark.functional

LOGIN = "POST /rest/login-sessions"
GET_SERVER = "GET /rest/server-hardware/{id}"


def a_server(client):
    return next(s for s in client.server_hardware.list() if not s.power_lock)


def test_expired_session_is_renewed_transparently(client, ops, counter):
    server = a_server(client)
    ops.expire_sessions()
    assert client.server_hardware.get(server).uri == server.uri
    counts = counter.counts()
    assert counts[LOGIN] == 2
    assert counts[GET_SERVER] == 2, "the 401 answer and the successful repeat"


def test_idle_session_expiry_is_transparent(client, ops, counter):
    server = a_server(client)
    # Long enough that the re-login and the GET right after it never straddle it.
    ops.config(idle_timeout=0.5)
    threading.Event().wait(0.8)  # stay idle longer than the appliance allows
    assert client.server_hardware.get(server).uri == server.uri
    assert counter.counts()[LOGIN] == 2


def test_many_threads_hitting_an_expired_session_log_in_once(client, ops, counter):
    servers = list(client.server_hardware.list())
    ops.expire_sessions()
    barrier = threading.Barrier(8)
    results, errors = [], []

    def work(index):
        barrier.wait()
        try:
            results.append(client.server_hardware.get(servers[index % len(servers)]).uri)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 8
    assert counter.counts()[LOGIN] == 2, "one initial login, one re-login for all threads"


def test_transient_503_is_retried(client, ops, counter):
    server = a_server(client)
    ops.fault(method="GET", path="/rest/server-hardware/*", status=503, times=2)
    assert client.server_hardware.get(server).uri == server.uri
    assert counter.counts()[GET_SERVER] == 3


def test_persistent_5xx_ends_in_a_clear_error(client, ops, counter):
    server = a_server(client)
    ops.fault(method="GET", path="/rest/server-hardware/*", status=503, errorCode="APPLIANCE_BUSY")
    with pytest.raises(ServiceUnavailable) as caught:
        client.server_hardware.get(server)
    error = caught.value
    assert error.status == 503 and error.error_code == "APPLIANCE_BUSY"
    assert error.attempts == 3
    assert str(error).startswith(f"GET {server.uri} failed after 3 attempts: HTTP 503")
    assert counter.counts()[GET_SERVER] == 3


def test_500_on_a_create_is_not_repeated(client, ops, counter):
    ops.fault(method="POST", path="/rest/ethernet-networks", status=500, times=1)
    with pytest.raises(ServerError) as caught:
        client.ethernet_networks.create("Neutron [x]", 3901)
    assert caught.value.status == 500
    assert counter.counts()["POST /rest/ethernet-networks"] == 1


def test_slow_answers_are_retried_then_time_out_clearly(sim, ops, api_version_cap):
    with make_client(sim, timeout=0.5, api_version_cap=api_version_cap) as ov:
        server = a_server(ov)
        ops.fault(method="GET", path=server.uri, latency_ms=1500, times=1)
        assert ov.server_hardware.get(server).uri == server.uri, "second attempt is fast"
        ops.fault(method="GET", path=server.uri, latency_ms=1500)
        with pytest.raises(RequestTimeout) as caught:
            ov.server_hardware.get(server)
        assert caught.value.attempts == 3
        assert "within 0.5s" in str(caught.value)


def test_a_reset_is_not_repeated_but_a_power_on_is(client, ops, counter):
    server = a_server(client)
    client.server_hardware.set_power(server, PowerState.ON)
    set_power = "PUT /rest/server-hardware/{id}/powerState"
    before = counter.counts()[set_power]
    ops.fault(method="PUT", path=f"{server.uri}/powerState", status=500, times=1)
    with pytest.raises(ServerError):
        client.server_hardware.set_power(server, PowerState.ON, PowerControl.RESET)
    assert counter.counts()[set_power] == before + 1

    ops.fault(method="PUT", path=f"{server.uri}/powerState", status=500, times=1)
    client.server_hardware.set_power(server, PowerState.ON)
    assert counter.counts()[set_power] == before + 3
    assert client.server_hardware.get_power_state(server) == PowerState.ON


def test_lock_conflict_is_retried(client, ops, counter):
    server = a_server(client)
    ops.fault(
        method="PUT",
        path="/rest/server-hardware/*/powerState",
        status=409,
        errorCode="POWER_CONTROL_NOT_ALLOWED",
        times=2,
    )
    assert client.server_hardware.set_power(server, PowerState.OFF).is_success
    assert counter.counts()["PUT /rest/server-hardware/{id}/powerState"] == 3


def test_other_conflicts_are_not_retried(client, ops, counter):
    server = a_server(client)
    ops.fault(method="PUT", path="/rest/server-hardware/*/powerState", status=409, times=1)
    with pytest.raises(Conflict) as caught:
        client.server_hardware.set_power(server, PowerState.OFF)
    assert caught.value.attempts == 1
    assert counter.counts()["PUT /rest/server-hardware/{id}/powerState"] == 1


def test_profile_busy_with_a_task_is_a_conflict_after_the_retries(client, ops):
    template = next(iter(client.server_profile_templates.list()))
    server = next(
        s
        for s in client.server_hardware.list(
            {"serverHardwareTypeUri": template.server_hardware_type_uri}
        )
        if s.server_profile_uri is None and s.enclosure_group_uri == template.enclosure_group_uri
    )
    client.server_hardware.set_power(server, PowerState.OFF)
    profile = client.server_profiles.create_from_template(template, "busy", server)
    ops.config(time_scale=1.0)  # the next profile task runs for real-hardware minutes
    profile.boot_order = ["PXE"]
    client.server_profiles.update(profile, wait=False)
    busy = client.server_profiles.get(profile)
    assert busy.in_progress
    busy.name = "busy-renamed"
    with pytest.raises(Conflict) as caught:
        client.server_profiles.update(busy)
    assert caught.value.error_code == "PROFILE_OPERATION_IN_PROGRESS"
    assert caught.value.attempts == 3


def test_dropped_connection_on_a_read_is_retried(client, ops):
    server = a_server(client)
    ops.fault(method="GET", path=server.uri, drop_connection=True, times=1)
    assert client.server_hardware.get(server).uri == server.uri


def test_failed_task_raises_task_failed_with_the_oneview_error_code(client, ops):
    server = a_server(client)
    client.server_hardware.set_power(server, PowerState.ON)
    ops.fail_next_task(
        errorCode="SERVER_MOMENTARY_PRESS_OFF_TIMEOUT",
        message="The server did not power off in time.",
        resourceCategory="server-hardware",
    )
    with pytest.raises(TaskFailed) as caught:
        client.server_hardware.set_power(server, PowerState.OFF, wait=True)
    error = caught.value
    assert error.error_code == "SERVER_MOMENTARY_PRESS_OFF_TIMEOUT"
    assert error.message == "The server did not power off in time."
    assert error.task.uri.startswith("/rest/tasks/")
    assert "SERVER_MOMENTARY_PRESS_OFF_TIMEOUT" in str(error)


def test_task_that_does_not_finish_in_time(client, ops):
    server = a_server(client)
    client.server_hardware.set_power(server, PowerState.OFF)
    ops.config(time_scale=10.0)
    task = client.server_hardware.set_power(server, PowerState.ON, wait=False)
    with pytest.raises(TaskTimeout) as caught:
        client.tasks.wait(task, timeout=0.2)
    assert caught.value.task.uri == task.uri
    assert not caught.value.task.is_terminal


def test_stale_etag_is_refused_and_modify_reapplies_the_change(client, sim, api_version_cap):
    network = client.ethernet_networks.create("etag-net", 3601)
    other = client.ethernet_networks.create("etag-other", 3602)
    network_set = client.network_sets.create("etag-set", [network.uri])
    stale = client.network_sets.get(network_set)

    with make_client(sim, api_version_cap=api_version_cap) as someone_else:
        someone_else.network_sets.modify(stale, lambda ns: setattr(ns, "name", "renamed"))

    stale.network_uris = [network.uri, other.uri]
    with pytest.raises(ETagMismatch) as caught:
        client.network_sets.update(stale)
    assert caught.value.status == 412
    assert client.network_sets.get(stale).network_uris == [network.uri], "nothing changed"

    calls = []

    def add_other(ns):
        calls.append(ns.etag)
        if len(calls) == 1:  # someone changes it between our read and our write
            with make_client(sim, api_version_cap=api_version_cap) as racer:
                racer.network_sets.modify(ns.uri, lambda n: setattr(n, "name", "raced"))
        ns.network_uris = [*ns.network_uris, other.uri]

    result = client.network_sets.modify(network_set, add_other)
    assert len(calls) == 2, "re-read once after the 412"
    assert result.name == "raced", "the other writer's change survives"
    assert sorted(result.network_uris) == sorted([network.uri, other.uri])


def test_validation_errors_are_never_retried(client, counter):
    with pytest.raises(BadRequest):
        list(client.server_hardware.list(["name zz 'x'"]))
    assert counter.counts()["GET /rest/server-hardware"] == 1
