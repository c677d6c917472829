"""Users created through the API are kept in the state file and log in after a restart.

Their passwords are kept as salted hashes only: neither the state file nor its
journal nor any answer holds one in clear.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from oneview_openstack.testing.simulator import RestSession, SimulatorHandle

pytestmark = pytest.mark.functional

MakeSimulator = Callable[..., SimulatorHandle]
PASSWORD = "Kept-secret-4711"
NEW_PASSWORD = "Changed-secret-0815"


def login(sim: SimulatorHandle, name: str, password: str) -> requests.Response:
    return requests.post(
        sim.url + "/rest/login-sessions",
        json={"userName": name, "password": password},
        headers={"X-API-Version": "4600"},
        verify=sim.verify,
        timeout=10,
    )


def create_user(rest: RestSession, name: str, role: str) -> None:
    body = {"userName": name, "password": PASSWORD, "fullName": "Kept User"}
    body["permissions"] = [{"roleName": role}]
    response = rest.call("POST", "/rest/users", body)
    assert response.status_code == 200, response.text
    assert "password" not in response.json()


def state_bytes(state: Path) -> bytes:
    return b"".join(p.read_bytes() for p in state.parent.glob(state.name + "*") if p.is_file())


def test_a_created_user_logs_in_after_a_restart(
    make_simulator: MakeSimulator, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    sim = make_simulator(state_file=state)
    create_user(sim.rest(), "kept-operator", "Server administrator")
    assert PASSWORD.encode() not in state_bytes(state)  # the journal, before the restart

    sim.restart()

    assert login(sim, "kept-operator", PASSWORD).status_code == 200
    rest = sim.rest("kept-operator", PASSWORD)
    user = rest.call("GET", "/rest/users/kept-operator").json()
    assert (user["fullName"], user["roles"]) == ("Kept User", ["Server administrator"])
    assert not any("password" in key.lower() for key in user)
    assert PASSWORD.encode() not in state_bytes(state)  # the snapshot, after it
    refused = login(sim, "kept-operator", "not-the-password")
    assert (refused.status_code, refused.json()["errorCode"]) == (400, "AUTHN_AUTH_FAIL")


def test_a_read_only_user_stays_read_only_after_a_restart(
    make_simulator: MakeSimulator, tmp_path: Path
) -> None:
    sim = make_simulator(state_file=tmp_path / "state.json")
    create_user(sim.rest(), "kept-reader", "Read only")

    sim.restart()

    rest = sim.rest("kept-reader", PASSWORD)
    assert rest.call("GET", "/rest/server-hardware?count=1").status_code == 200
    body = {"type": "ethernet-networkV4", "name": "not-by-a-reader", "vlanId": 3999}
    assert rest.call("POST", "/rest/ethernet-networks", body).status_code == 403


def test_password_change_and_deletion_survive_a_restart(
    make_simulator: MakeSimulator, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    sim = make_simulator(state_file=state)
    admin = sim.rest()
    create_user(admin, "kept-changer", "Infrastructure administrator")
    create_user(admin, "kept-deleted", "Read only")
    change = {"userName": "kept-changer", "oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}
    assert admin.call("POST", "/rest/users/changePassword", change).status_code == 200
    assert admin.call("DELETE", "/rest/users/kept-deleted").status_code == 204

    sim.kill()  # a crash: only the journal holds the changes
    sim.start()

    assert login(sim, "kept-changer", NEW_PASSWORD).status_code == 200
    assert login(sim, "kept-changer", PASSWORD).status_code == 400
    assert login(sim, "kept-deleted", PASSWORD).status_code == 400
    assert login(sim, sim.username, sim.password).status_code == 200  # the seed's admin
    assert NEW_PASSWORD.encode() not in state_bytes(state)


def test_reset_forgets_created_users(make_simulator: MakeSimulator, tmp_path: Path) -> None:
    sim = make_simulator(state_file=tmp_path / "state.json")
    create_user(sim.rest(), "kept-forgotten", "Read only")

    sim.operator.reset()
    sim.restart()

    assert login(sim, "kept-forgotten", PASSWORD).status_code == 400
    assert login(sim, sim.readonly_username, sim.readonly_password).status_code == 200
