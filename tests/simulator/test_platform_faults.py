"""Injected faults, failed tasks, counters and reset, as a client of the appliance sees them."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from oneview_openstack.testing.simulator import RestSession, SimulatorHandle

pytestmark = pytest.mark.functional


def create_network(rest: RestSession, name: str, vlan: int) -> requests.Response:
    body = {
        "type": "ethernet-networkV4",
        "name": name,
        "vlanId": vlan,
        "ethernetNetworkType": "Tagged",
        "purpose": "General",
        "smartLink": False,
        "privateNetwork": False,
    }
    return rest.call("POST", "/rest/ethernet-networks", body)


def network_names(rest: RestSession) -> set[str]:
    members = rest.call("GET", "/rest/ethernet-networks?start=0&count=-1").json()["members"]
    return {member["name"] for member in members}


@pytest.fixture
def rest(sim: SimulatorHandle) -> RestSession:
    return sim.rest()


def test_error_fault_answers_its_status_and_error_body(
    sim: SimulatorHandle, rest: RestSession
) -> None:
    sim.operator.add_fault(
        "/rest/tasks*", status=503, error_code="APPLIANCE_BUSY", message="Try later."
    )

    response = rest.call("GET", "/rest/tasks")

    assert response.status_code == 503
    body = response.json()
    assert (body["errorCode"], body["message"]) == ("APPLIANCE_BUSY", "Try later.")
    assert set(body) >= {"details", "recommendedActions", "nestedErrors", "errorSource", "data"}


def test_fault_with_times_fires_that_often_then_disappears(
    sim: SimulatorHandle, rest: RestSession
) -> None:
    sim.operator.add_fault("/rest/tasks", status=500, times=2)

    statuses = [rest.call("GET", "/rest/tasks").status_code for _ in range(3)]

    assert statuses == [500, 500, 200]
    assert sim.operator.faults()["requests"] == []


@pytest.mark.parametrize(("rate", "expected"), [(0.0, 200), (1.0, 500)])
def test_fault_rate_is_the_chance_it_fires(
    sim: SimulatorHandle, rest: RestSession, rate: float, expected: int
) -> None:
    sim.operator.add_fault("/rest/tasks", status=500, rate=rate)

    statuses = {rest.call("GET", "/rest/tasks").status_code for _ in range(5)}

    assert statuses == {expected}


def test_fault_matches_method_and_path_pattern(sim: SimulatorHandle, rest: RestSession) -> None:
    sim.operator.add_fault("/rest/ethernet-*", method="POST", status=500)

    assert rest.call("GET", "/rest/ethernet-networks").status_code == 200
    assert rest.call("GET", "/rest/tasks").status_code == 200
    assert create_network(rest, "blocked", 301).status_code == 500


def test_latency_fault_makes_a_short_client_timeout_expire(
    sim: SimulatorHandle, rest: RestSession
) -> None:
    sim.operator.add_fault("/rest/tasks", latency_ms=3000, times=1)

    with pytest.raises(requests.exceptions.ReadTimeout):
        rest.call("GET", "/rest/tasks", timeout=0.3)


def test_drop_connection_fault_is_a_connection_error(
    sim: SimulatorHandle, rest: RestSession
) -> None:
    sim.operator.add_fault("/rest/tasks", drop_connection=True, times=1)

    with pytest.raises(requests.exceptions.ConnectionError):
        rest.call("GET", "/rest/tasks")
    assert rest.call("GET", "/rest/tasks").status_code == 200


def test_faults_never_touch_the_operator_api(sim: SimulatorHandle) -> None:
    sim.operator.add_fault("*", status=500)

    sim.operator.reset()  # would raise on a 500

    assert sim.operator.faults() == {"requests": [], "tasks": []}


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"status": 200}, "status"),
        ({"rate": 2}, "rate"),
        ({"times": 0}, "times"),
        ({"method": "FETCH"}, "method"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_fault_is_refused_naming_the_field(
    sim: SimulatorHandle, spec: dict[str, Any], field: str
) -> None:
    response = requests.post(sim.url + "/sim/faults", json=spec, verify=sim.verify, timeout=10)

    assert response.status_code == 400
    assert field in response.json()["message"]


def test_unknown_operator_request_is_404_json(sim: SimulatorHandle) -> None:
    response = requests.get(sim.url + "/sim/no-such-thing", verify=sim.verify, timeout=10)

    assert response.status_code == 404
    assert response.json()["errorCode"] == "RESOURCE_NOT_FOUND"


def test_fail_next_task_ends_the_next_matching_task_in_error(
    sim: SimulatorHandle, rest: RestSession
) -> None:
    sim.operator.fail_next_task(
        "CRM_SIMULATED_FAILURE", "The switch said no.", resource_category="ethernet-networks"
    )

    failed = rest.wait_task(create_network(rest, "doomed", 302).headers["Location"])
    succeeded = rest.wait_task(create_network(rest, "lucky", 303).headers["Location"])

    assert failed["taskState"] == "Error"
    assert failed["percentComplete"] == 100
    assert failed["taskErrors"][0]["errorCode"] == "CRM_SIMULATED_FAILURE"
    assert failed["taskErrors"][0]["message"] == "The switch said no."
    assert succeeded["taskState"] == "Completed"
    assert {"lucky"} <= network_names(rest)
    assert "doomed" not in network_names(rest)


def test_fail_next_task_waits_for_a_matching_name(sim: SimulatorHandle, rest: RestSession) -> None:
    sim.operator.fail_next_task("NOPE", name="Delete")

    task = rest.wait_task(create_network(rest, "created-fine", 304).headers["Location"])

    assert task["taskState"] == "Completed"
    assert sim.operator.faults()["tasks"][0]["errorCode"] == "NOPE"


def test_counters_count_requests_by_path_template(sim: SimulatorHandle, rest: RestSession) -> None:
    sim.operator.clear_counters()

    rest.call("GET", "/rest/tasks/ONE")
    rest.call("GET", "/rest/tasks/TWO")
    rest.call("GET", "/rest/tasks")
    rest.call("GET", "/sim/config")

    assert sim.operator.counters() == {"GET /rest/tasks/{id}": 2, "GET /rest/tasks": 1}


def test_reset_returns_to_the_seed(sim: SimulatorHandle, rest: RestSession) -> None:
    seed_networks = network_names(rest)
    rest.wait_task(create_network(rest, "temporary", 305).headers["Location"])
    sim.operator.add_fault("/rest/nothing", status=500)

    sim.operator.reset()

    assert rest.call("GET", "/rest/tasks").status_code == 401  # sessions are gone
    after = sim.rest()
    assert network_names(after) == seed_networks
    tasks = after.call("GET", "/rest/tasks").json()["members"]  # the seed's history only
    assert {task["taskState"] for task in tasks} == {"Completed"}
    assert "temporary" not in {task["associatedResource"]["resourceName"] for task in tasks}
    assert sim.operator.faults()["requests"] == []
    assert sim.operator.counters() == {
        "POST /rest/login-sessions": 1,
        "GET /rest/ethernet-networks": 1,
        "GET /rest/tasks": 2,  # the refused one counts too
    }


@pytest.mark.parametrize(
    ("changes", "setting"),
    [
        ({"time_scale": -1}, "time_scale"),
        ({"idle_timeout": 0}, "idle_timeout"),
        ({"api_version": 100}, "api_version"),
        ({"port": 1}, "port"),
    ],
)
def test_bad_config_change_is_refused_naming_the_setting(
    sim: SimulatorHandle, changes: dict[str, Any], setting: str
) -> None:
    before = sim.operator.config()

    response = requests.put(sim.url + "/sim/config", json=changes, verify=sim.verify, timeout=10)

    assert response.status_code == 400
    assert setting in response.json()["message"]
    assert sim.operator.config() == before


def test_reset_restores_the_run_time_settings(sim: SimulatorHandle) -> None:
    before = sim.operator.config()
    sim.operator.set_config(time_scale=3.0, idle_timeout=60, max_page_size=10)

    sim.operator.reset()

    assert sim.operator.config() == before
