"""Server power over plain HTTP: the §11.4 matrix, transitions, power lock, the power button."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from oneview_openstack.testing.simulator import SimulatorHandle

from .compute_support import FAST, Api, error, power, profile_body, server, template, time_scale

pytestmark = pytest.mark.functional

BLADE = "Frame1, bay 1"  # Off in the seed, no profile


@pytest.fixture
def api(sim: SimulatorHandle) -> Iterator[Api]:
    with time_scale(sim, FAST):
        yield Api(sim)


@pytest.mark.parametrize(
    ("start", "state", "control", "end"),
    [
        ("Off", "On", "MomentaryPress", "On"),
        ("Off", "Off", "MomentaryPress", "Off"),
        ("Off", "Off", "PressAndHold", "Off"),
        ("On", "On", "MomentaryPress", "On"),
        ("On", "Off", "MomentaryPress", "Off"),
        ("On", "Off", "PressAndHold", "Off"),
        ("On", "On", "ColdBoot", "On"),
        ("On", "On", "Reset", "On"),
    ],
)
def test_valid_power_requests_end_in_the_requested_state(
    api: Api, start: str, state: str, control: str, end: str
) -> None:
    blade = server(api, BLADE)
    if start == "On":
        power(api, blade, "On")

    task = power(api, blade, state, control)

    assert api.get(blade["uri"])["powerState"] == end
    assert task["associatedResource"]["resourceUri"] == blade["uri"]
    assert task["associatedResource"]["resourceCategory"] == "server-hardware"
    assert (task["type"], task["percentComplete"]) == ("TaskResourceV2", 100)


@pytest.mark.parametrize(
    ("start", "state", "control", "code"),
    [
        ("Off", "On", "ColdBoot", "INVALID_POWER_CONTROL_REQUEST_POWER_COLDBOOT_OFF"),
        ("Off", "On", "Reset", "INVALID_POWER_CONTROL_REQUEST_POWER_RESET_OFF"),
        ("Off", "On", "PressAndHold", "INVALID_POWER_CONTROL_REQUEST"),
        ("On", "Off", "ColdBoot", "INVALID_POWER_CONTROL_REQUEST"),
        ("On", "Off", "Reset", "INVALID_POWER_CONTROL_REQUEST"),
    ],
)
def test_invalid_power_requests_are_refused_with_400(
    api: Api, start: str, state: str, control: str, code: str
) -> None:
    blade = server(api, BLADE)
    if start == "On":
        power(api, blade, "On")

    response = api.call(
        "PUT", f"{blade['uri']}/powerState", {"powerState": state, "powerControl": control}
    )

    body = error(response, 400, code)
    assert body["recommendedActions"]
    assert api.get(blade["uri"])["powerState"] == start


def test_ironic_power_on_without_power_control_is_a_momentary_press(api: Api) -> None:
    blade = server(api, BLADE)

    task = power(api, blade, "On")

    assert task["name"] == "Power on"
    assert api.get(blade["uri"])["powerState"] == "On"


def test_power_state_can_be_patched(api: Api) -> None:
    blade = server(api, BLADE)
    operation = {"op": "replace", "path": "/powerState", "value": {"powerState": "On"}}

    task = api.run(
        "PATCH", blade["uri"], [operation], {"Content-Type": "application/json-patch+json"}
    )

    assert task["name"] == "Power on"
    assert api.get(blade["uri"])["powerState"] == "On"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"powerState": "Sideways"}, "powerState"),
        ({"powerState": "On", "powerControl": "Kick"}, "powerControl"),
        ({}, "powerState"),
    ],
)
def test_malformed_power_bodies_name_the_field(api: Api, body: dict[str, str], field: str) -> None:
    blade = server(api, BLADE)

    response = api.call("PUT", f"{blade['uri']}/powerState", body)

    assert field in error(response, 400, "INVALID_POWER_CONTROL_REQUEST")["details"]


def test_the_server_shows_the_transition_while_the_power_task_runs(
    api: Api, sim: SimulatorHandle
) -> None:
    blade = server(api, BLADE)
    with time_scale(sim, 1.0):
        response = api.call("PUT", f"{blade['uri']}/powerState", {"powerState": "On"})
        during = api.get(blade["uri"])["powerState"]
        task = api.get(response.headers["Location"])
        second = api.call("PUT", f"{blade['uri']}/powerState", {"powerState": "Off"})

    assert response.status_code == 202
    assert during == "PoweringOn"
    assert task["taskState"] in ("Starting", "Running")
    error(second, 409, "POWER_CONTROL_NOT_ALLOWED")


@pytest.mark.parametrize(
    ("state", "control", "during"),
    [("Off", "MomentaryPress", "PoweringOff"), ("On", "Reset", "Resetting")],
)
def test_transitions_from_on(
    api: Api, sim: SimulatorHandle, state: str, control: str, during: str
) -> None:
    blade = server(api, BLADE)
    power(api, blade, "On")
    with time_scale(sim, 1.0):
        api.call(
            "PUT", f"{blade['uri']}/powerState", {"powerState": state, "powerControl": control}
        )
        shown = api.get(blade["uri"])["powerState"]

    assert shown == during


def test_power_lock_refuses_power_control_while_a_profile_is_applied(
    api: Api, sim: SimulatorHandle
) -> None:
    blade = server(api, BLADE)
    body = profile_body(api, template(api), "locked", blade)
    with time_scale(sim, 1.0):
        api.call("POST", "/rest/server-profiles", body)
        during = api.get(blade["uri"])
        put = api.call("PUT", f"{blade['uri']}/powerState", {"powerState": "On"})
        patch = api.call(
            "PATCH",
            blade["uri"],
            [{"op": "replace", "path": "/powerState", "value": {"powerState": "On"}}],
            {"Content-Type": "application/json-patch+json"},
        )

    assert (during["state"], during["powerLock"]) == ("ApplyingProfile", True)
    for response in (put, patch):
        body = error(response, 409, "POWER_CONTROL_NOT_ALLOWED")
        assert "profile configuration" in body["recommendedActions"][0]
    assert api.get(blade["uri"])["powerState"] == "Off"


def test_a_shutdown_the_os_ignores_leaves_the_server_on(api: Api, sim: SimulatorHandle) -> None:
    blade = server(api, BLADE)
    power(api, blade, "On")
    sim.operator.fail_next_task(
        "SERVER_MOMENTARY_PRESS_OFF_TIMEOUT", name="Power off", resource_category="server-hardware"
    )

    api.fails(
        "PUT",
        f"{blade['uri']}/powerState",
        {"powerState": "Off", "powerControl": "MomentaryPress"},
        "SERVER_MOMENTARY_PRESS_OFF_TIMEOUT",
    )

    assert api.get(blade["uri"])["powerState"] == "On"


def test_the_power_button_changes_power_without_a_task(api: Api, sim: SimulatorHandle) -> None:
    blade = server(api, BLADE)
    tasks_before = api.get("/rest/tasks")["total"]

    sim.operator.press_power_button(blade["uri"])
    after_press = api.get(blade["uri"])["powerState"]
    sim.operator.press_power_button(blade["uri"], hold=True)
    after_hold = api.get(blade["uri"])["powerState"]

    assert (after_press, after_hold) == ("On", "Off")
    assert api.get("/rest/tasks")["total"] == tasks_before


def test_the_power_button_works_even_under_power_lock(api: Api, sim: SimulatorHandle) -> None:
    blade = server(api, BLADE)
    body = profile_body(api, template(api), "locked", blade)
    with time_scale(sim, 1.0):
        api.call("POST", "/rest/server-profiles", body)
        sim.operator.press_power_button(blade["uri"])
        shown = api.get(blade["uri"])

    assert (shown["powerLock"], shown["powerState"]) == (True, "On")


def test_read_only_users_cannot_control_power(api: Api, sim: SimulatorHandle) -> None:
    reader = Api(sim, user=sim.readonly_username)
    blade = server(reader, BLADE)

    response = reader.call("PUT", f"{blade['uri']}/powerState", {"powerState": "On"})

    error(response, 403, "ACTION_FORBIDDEN_BY_ROLE")
    assert api.get(blade["uri"])["powerState"] == "Off"


def test_unknown_server_is_404(api: Api) -> None:
    response = api.call("PUT", "/rest/server-hardware/NOPE/powerState", {"powerState": "On"})

    error(response, 404, "RESOURCE_NOT_FOUND")


def test_a_boot_uses_the_one_time_boot_device_once(api: Api) -> None:
    blade = server(api, BLADE)
    one_time = {"op": "replace", "path": "/oneTimeBoot", "value": "Network"}
    patch = {"Content-Type": "application/json-patch+json"}
    api.run("PATCH", blade["uri"], [one_time], patch)

    power(api, blade, "On", "MomentaryPress")  # Off -> On: the server boots
    after_boot = api.get(blade["uri"])["oneTimeBoot"]
    api.run("PATCH", blade["uri"], [one_time], patch)
    power(api, blade, "On", "MomentaryPress")  # already On: no boot happens

    assert after_boot == "Normal"
    assert api.get(blade["uri"])["oneTimeBoot"] == "Network"
