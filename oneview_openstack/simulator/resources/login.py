"""Login sessions: POST/PUT/DELETE /rest/login-sessions."""

from __future__ import annotations

from oneview_openstack.simulator.errors import authorization
from oneview_openstack.simulator.router import Access, Blueprint, Ctx, Reply

bp = Blueprint()


@bp.post("/rest/login-sessions", Access.PUBLIC)
def login(ctx: Ctx) -> Reply:
    """Log in with userName and password; returns a sessionID."""
    body = ctx.json_object()
    session_id = ctx.appliance.sessions.login(body.get("userName"), body.get("password"))
    return Reply(200, {"sessionID": session_id, "partnerData": {}})


@bp.put("/rest/login-sessions", Access.READ)
def reuse(ctx: Ctx) -> Reply:
    """Confirm that the session in the auth header is still valid."""
    return Reply(200, {"sessionID": ctx.session_id, "partnerData": {}})


@bp.delete("/rest/login-sessions", Access.PUBLIC)
def logout(ctx: Ctx) -> Reply:
    """Log out the session in the auth header."""
    if not ctx.appliance.sessions.logout(ctx.session_id):
        raise authorization()
    return Reply(204)
