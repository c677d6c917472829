"""Sessions and API versions: login, reuse, logout, expiry, roles, X-API-Version."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from oneview_openstack.testing.simulator import SimulatorHandle

pytestmark = pytest.mark.functional

AUTHORIZATION_ERROR = {
    "errorCode": "AUTHORIZATION",
    "message": "Authorization error: User not authorized for this operation.",
    "details": "User not authorized for this operation.",
    "recommendedActions": [
        "Please verify your credentials and re-authenticate before attempting the operation again."
    ],
    "nestedErrors": [],
    "errorSource": None,
    "data": {},
}


def call(
    sim: SimulatorHandle,
    method: str,
    path: str,
    session_id: str | None = None,
    *,
    version: str | None = "2000",
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    sent = dict(headers or {})
    if session_id is not None:
        sent["auth"] = session_id
    if version is not None:
        sent["X-API-Version"] = version
    return requests.request(
        method, sim.url + path, json=body, headers=sent, verify=sim.verify, timeout=10
    )


def login_body(sim: SimulatorHandle, **changes: Any) -> dict[str, Any]:
    body = {"userName": sim.username, "password": sim.password, "loginMsgAck": True}
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def test_login_returns_a_session_that_opens_the_api(sim: SimulatorHandle) -> None:
    response = call(sim, "POST", "/rest/login-sessions", body=login_body(sim))

    assert response.status_code == 200
    session_id = response.json()["sessionID"]
    assert call(sim, "GET", "/rest/logindomains", session_id).status_code == 200


def test_login_without_api_version_and_with_a_login_domain(sim: SimulatorHandle) -> None:
    body = login_body(sim, authLoginDomain="LOCAL")

    response = call(sim, "POST", "/rest/login-sessions", body=body, version=None)

    assert response.status_code == 200
    assert response.json()["sessionID"]


@pytest.mark.parametrize(
    "changes",
    [
        {"password": "wrong"},
        {"userName": "nobody"},
        {"password": None},
        {"userName": None},
        {"authLoginDomain": "corp.example"},
    ],
    ids=["bad-password", "unknown-user", "no-password", "no-user", "unknown-domain"],
)
def test_failed_login_is_400_authn_auth_fail(sim: SimulatorHandle, changes: dict[str, Any]) -> None:
    response = call(sim, "POST", "/rest/login-sessions", body=login_body(sim, **changes))

    assert response.status_code == 400
    assert response.json()["errorCode"] == "AUTHN_AUTH_FAIL"
    assert "wrong" not in response.text  # a password never comes back


def test_missing_field_is_named_in_the_details(sim: SimulatorHandle) -> None:
    response = call(sim, "POST", "/rest/login-sessions", body=login_body(sim, password=None))

    assert "password" in response.json()["details"]


@pytest.mark.parametrize("header", ["auth", "Auth", "AUTH"])
def test_the_auth_header_name_is_case_insensitive(sim: SimulatorHandle, header: str) -> None:
    session_id = sim.login()

    response = call(sim, "GET", "/rest/logindomains", headers={header: session_id})

    assert response.status_code == 200
    assert response.json()["members"][0]["name"] == "LOCAL"


def test_put_login_sessions_reuses_a_live_session(sim: SimulatorHandle) -> None:
    session_id = sim.login()

    response = call(sim, "PUT", "/rest/login-sessions", session_id)

    assert response.status_code == 200
    assert response.json()["sessionID"] == session_id


def test_logout_ends_the_session(sim: SimulatorHandle) -> None:
    session_id = sim.login()

    response = call(sim, "DELETE", "/rest/login-sessions", session_id)

    assert response.status_code == 204
    after = call(sim, "GET", "/rest/logindomains", session_id)
    assert after.status_code == 401
    assert after.json() == AUTHORIZATION_ERROR


@pytest.mark.parametrize("session_id", [None, "", "not-a-session"], ids=["none", "empty", "bogus"])
def test_no_valid_session_is_401_authorization(
    sim: SimulatorHandle, session_id: str | None
) -> None:
    response = call(sim, "GET", "/rest/logindomains", session_id)

    assert response.status_code == 401
    assert response.json() == AUTHORIZATION_ERROR
    assert response.headers["Content-Type"].startswith("application/json")


def test_operator_expiry_invalidates_every_session(sim: SimulatorHandle) -> None:
    sessions = [sim.login(), sim.login(sim.readonly_username, sim.readonly_password)]

    assert sim.operator.expire_sessions() == 2

    for session_id in sessions:
        assert call(sim, "PUT", "/rest/login-sessions", session_id).status_code == 401
    assert call(sim, "GET", "/rest/version").status_code == 200  # still public


def test_idle_sessions_expire_after_the_configured_timeout(sim: SimulatorHandle) -> None:
    sim.operator.set_config(idle_timeout=0.8)
    idle, busy = sim.login(), sim.login()
    idle_since = time.monotonic()  # the appliance saw the login before this

    # Leave ``idle`` alone for longer than the timeout while using ``busy`` every 50 ms:
    # only a pause of 0.8 s between two uses (rare even on a loaded machine) would end it.
    while time.monotonic() - idle_since <= 1.0:
        assert call(sim, "GET", "/rest/logindomains", busy).status_code == 200
        time.sleep(0.05)

    assert call(sim, "GET", "/rest/logindomains", idle).status_code == 401
    assert call(sim, "GET", "/rest/logindomains", busy).status_code == 200  # lived > 0.8 s


def test_read_only_user_reads_but_cannot_write(sim: SimulatorHandle) -> None:
    session_id = sim.login(sim.readonly_username, sim.readonly_password)
    network = {
        "type": "ethernet-networkV4",
        "name": "ro",
        "vlanId": 55,
        "ethernetNetworkType": "Tagged",
    }

    assert call(sim, "GET", "/rest/ethernet-networks", session_id).status_code == 200
    response = call(sim, "POST", "/rest/ethernet-networks", session_id, body=network)

    assert response.status_code == 403
    assert response.json()["errorCode"] == "ACTION_FORBIDDEN_BY_ROLE"


def test_idle_timeout_endpoint_reads_and_sets_the_session_timeout(sim: SimulatorHandle) -> None:
    session_id = sim.login()
    header = {"Session-ID": session_id}

    assert call(sim, "GET", "/rest/sessions/idle-timeout", headers=header).json() == {
        "idleTimeout": 86400 * 1000
    }
    changed = call(
        sim, "POST", "/rest/sessions/idle-timeout", headers=header, body={"idleTimeout": 1}
    )
    assert changed.status_code == 200
    time.sleep(0.05)

    assert call(sim, "GET", "/rest/logindomains", session_id).status_code == 401
    assert call(sim, "GET", "/rest/sessions/idle-timeout", headers=header).status_code == 404


def test_missing_api_version_means_the_minimum(sim: SimulatorHandle) -> None:
    session_id = sim.login()

    def member_types(version: str | None) -> set[str]:
        response = call(sim, "GET", "/rest/ethernet-networks", session_id, version=version)
        assert response.status_code == 200, response.text
        return {member["type"] for member in response.json()["members"]}

    # /rest/version says minimumVersion 120; documents take the shape of their version.
    assert member_types(None) == member_types("120") != member_types("2000")


@pytest.mark.parametrize("version", ["4601", "99999", "abc", "-1", "3.5"])
def test_unsupported_api_version_is_412(sim: SimulatorHandle, version: str) -> None:
    session_id = sim.login()

    response = call(sim, "GET", "/rest/tasks", session_id, version=version)

    assert response.status_code == 412
    assert response.json()["message"] == "The specified API version is not valid."
    assert response.json()["details"] == (
        f"The request contained an invalid X-API-Version header of {version}.  "
        "Only values 1 through 4600 are accepted."
    )


def test_api_version_follows_the_operator_config(sim: SimulatorHandle) -> None:
    session_id = sim.login()
    sim.operator.set_config(api_version=3800)

    assert call(sim, "GET", "/rest/version").json()["currentVersion"] == 3800
    assert call(sim, "GET", "/rest/tasks", session_id, version="4600").status_code == 412
