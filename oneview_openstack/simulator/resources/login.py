"""Login sessions: POST/PUT/DELETE /rest/login-sessions, login domains, idle timeout."""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator.auth import LOCAL_DOMAIN, Session
from oneview_openstack.simulator.errors import ApiError
from oneview_openstack.simulator.router import Access, Blueprint, Ctx, Reply

bp = Blueprint()


@bp.post("/rest/login-sessions", Access.PUBLIC)
def login(ctx: Ctx) -> Reply:
    """Log in with userName and password (authLoginDomain, loginMsgAck optional)."""
    session_id = ctx.appliance.sessions.login(ctx.json_object())
    return Reply(200, {"partnerData": {}, "sessionID": session_id})


@bp.put("/rest/login-sessions", Access.READ)
def reuse(ctx: Ctx) -> Reply:
    """Confirm that the session in the auth header is still valid."""
    return Reply(200, {"partnerData": {}, "sessionID": ctx.session_id})


@bp.delete("/rest/login-sessions", Access.PUBLIC)
def logout(ctx: Ctx) -> Reply:
    """Log out the session in the auth header."""
    if not ctx.appliance.sessions.logout(ctx.session_id):
        raise ApiError(
            401,
            "AUTHN_LOGOUT_FAILED",
            "Logout failed: the session is not valid.",
            details="The auth header names no live session (expired, or already logged out).",
            recommended_actions=["Nothing to do: the session has already ended."],
        )
    return Reply(204)


@bp.get("/rest/logindomains")
def login_domains(ctx: Ctx) -> Reply:
    """The directories users can log in from (only the appliance's LOCAL users)."""
    member = {
        "type": "LoginDomainConfigVersion200",
        "category": "logindomains",
        "uri": f"/rest/logindomains/{LOCAL_DOMAIN}",
        "name": LOCAL_DOMAIN,
        "loginDomain": LOCAL_DOMAIN,
        "eTag": None,
        "created": None,
        "modified": None,
    }
    return Reply(
        200,
        {
            "type": "LoginDomainConfigVersion200List",
            "category": "logindomains",
            "uri": "/rest/logindomains",
            "start": 0,
            "count": 1,
            "total": 1,
            "prevPageUri": None,
            "nextPageUri": None,
            "members": [member],
            "eTag": None,
            "created": None,
            "modified": None,
        },
    )


@bp.get("/rest/sessions/idle-timeout", Access.PUBLIC)
def get_idle_timeout(ctx: Ctx) -> Reply:
    """The idle timeout (ms) of the session named by the Session-ID header."""
    session = _named_session(ctx)
    milliseconds = int(ctx.appliance.sessions.effective_idle_timeout(session) * 1000)
    return Reply(200, {"idleTimeout": milliseconds})


@bp.post("/rest/sessions/idle-timeout", Access.PUBLIC)
def set_idle_timeout(ctx: Ctx) -> Reply:
    """Change the idle timeout (ms) of the session named by the Session-ID header."""
    session = _named_session(ctx)
    milliseconds: Any = ctx.json_object().get("idleTimeout")
    if isinstance(milliseconds, bool) or not isinstance(milliseconds, int) or milliseconds < 1:
        raise ApiError(
            400,
            "INVALID_IDLE_TIMEOUT",
            f"The idleTimeout {milliseconds!r} is not valid.",
            details="idleTimeout is a positive integer number of milliseconds.",
        )
    session.idle_timeout = milliseconds / 1000.0
    return Reply(200, {"idleTimeout": milliseconds})


def _named_session(ctx: Ctx) -> Session:
    """The Session-ID header's session (or the auth header's); 404 when it is dead."""
    session_id = ctx.headers.get("session-id") or ctx.session_id
    session = ctx.appliance.sessions.session(session_id)
    if session is None:
        raise ApiError(
            404,
            "RESOURCE_NOT_FOUND",
            "Session not found.",
            details="The Session-ID header names no live session.",
            recommended_actions=["Log in again."],
        )
    return session
