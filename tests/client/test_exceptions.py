"""HTTP answers and OneView errorCodes map to exceptions in one place."""

import pytest

from oneview_openstack.client import (
    AuthenticationFailed,
    BadRequest,
    Conflict,
    ETagMismatch,
    Forbidden,
    NotFound,
    OneViewError,
    PreconditionFailed,
    ServerError,
    ServiceUnavailable,
    UnsupportedApiVersion,
)
from oneview_openstack.client.exceptions import error_from_response, raise_for_response

from .samples import response


def error(code, message, *, details="", actions=()):
    return {
        "errorCode": code,
        "message": message,
        "details": details,
        "recommendedActions": list(actions),
        "nestedErrors": [],
        "errorSource": None,
        "data": {},
    }


def test_not_found_carries_everything_oneview_said():
    body = error("RESOURCE_NOT_FOUND", "Resource not found.", actions=["Check the URI."])
    exc = error_from_response("GET", "/rest/server-hardware/ABC", response(404, body))
    assert type(exc) is NotFound
    assert exc.status == 404
    assert exc.error_code == "RESOURCE_NOT_FOUND"
    assert exc.message == "Resource not found."
    assert exc.recommended_actions == ["Check the URI."]
    assert str(exc) == (
        "GET /rest/server-hardware/ABC failed: HTTP 404 RESOURCE_NOT_FOUND: Resource not found. "
        "Recommended: Check the URI."
    )


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, "AUTHN_AUTH_FAIL", AuthenticationFailed),
        (400, "AUTHN_LOGIN_MESSAGE_ACKNOWLEDGMENT_REQUIRED", AuthenticationFailed),
        (403, "PASSWORD_CHANGE_REQUIRED", AuthenticationFailed),
        (401, "AUTHORIZATION", AuthenticationFailed),
        (400, "CRM_DUPLICATE_NETWORK_NAME", BadRequest),
        (403, "ACTION_FORBIDDEN_BY_ROLE", Forbidden),
        (404, "ProfileNotFoundException", NotFound),
        (409, "POWER_CONTROL_NOT_ALLOWED", Conflict),
        (412, "ETAG_MISMATCH", ETagMismatch),
        (412, "ETAG_CHECK_FAILED", ETagMismatch),
        (412, "INVALID_API_VERSION", UnsupportedApiVersion),
        (500, "INTERNAL_ERROR", ServerError),
        (503, "SERVICE_UNAVAILABLE", ServiceUnavailable),
        (418, "TEAPOT", OneViewError),
    ],
)
def test_status_and_error_code_choose_the_exception(status, code, expected):
    exc = error_from_response("PUT", "/rest/x", response(status, error(code, "m")))
    assert type(exc) is expected
    assert exc.error_code == code


def test_stale_etag_and_bad_api_version_are_both_precondition_failures():
    assert issubclass(ETagMismatch, PreconditionFailed)
    assert issubclass(UnsupportedApiVersion, PreconditionFailed)
    body = {
        "message": "The specified API version is not valid.",
        "details": "The request contained an invalid X-API-Version header of 3800.",
    }
    exc = error_from_response("GET", "/rest/x", response(412, body))
    assert type(exc) is UnsupportedApiVersion
    assert "3800" in str(exc)


def test_answer_without_json_still_names_the_request_and_status():
    exc = error_from_response(
        "GET", "/rest/tasks/1", response(502, text="<html>Bad gateway</html>", reason="Bad Gateway")
    )
    assert type(exc) is ServerError
    assert exc.error_code is None
    assert str(exc).startswith("GET /rest/tasks/1 failed: HTTP 502: Bad Gateway")


def test_attempts_are_part_of_the_message():
    exc = error_from_response("GET", "/rest/x", response(503, error("BUSY", "busy")), attempts=4)
    assert "GET /rest/x failed after 4 attempts: HTTP 503 BUSY: busy" in str(exc)


def test_success_does_not_raise():
    raise_for_response("GET", "/rest/x", response(200, {"uri": "/rest/x"}))
    raise_for_response("DELETE", "/rest/x", response(204))
    with pytest.raises(Conflict):
        raise_for_response("PUT", "/rest/x", response(409, error("LOCKED", "locked")))


def test_a_session_key_the_appliance_echoes_stays_out_of_the_message():
    body = error("INVALID_URL", "bad console URL", details="hplocons://addr=1.2.3.4&sessionkey=k3y")
    exc = error_from_response("GET", "/rest/x", response(400, body))
    assert "hplocons://addr=1.2.3.4&sessionkey=***" in str(exc)
    assert "k3y" not in str(exc)
