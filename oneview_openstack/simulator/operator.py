"""The operator API under ``/sim``: what a test (or a person) does to the appliance
that no OneView client can: reset it, inject faults, press a power button.

Outside ``/rest``: no login session, no X-API-Version, never counted, never
faulted, and only answered for loopback clients (see ``app``). Bodies are JSON;
errors use the OneView ErrorMessage shape, like the rest of the simulator.
"""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator.errors import ApiError
from oneview_openstack.simulator.resources import activity, power, profile_apply, profile_firmware
from oneview_openstack.simulator.router import Access, Blueprint, Ctx, Reply

bp = Blueprint()

OP = Access.OPERATOR


@bp.post("/sim/reset", OP)
def reset(ctx: Ctx) -> Reply:
    """Back to the seed state; clears sessions, faults, counters and tasks."""
    ctx.appliance.reset()
    return Reply(200, {"documents": ctx.appliance.store.size()})


@bp.get("/sim/counters", OP)
def get_counters(ctx: Ctx) -> Reply:
    """Requests served per method + path template, e.g. ``GET /rest/server-hardware/{id}``."""
    return Reply(200, dict(sorted(ctx.appliance.counters.items())))


@bp.delete("/sim/counters", OP)
def clear_counters(ctx: Ctx) -> Reply:
    """Zero the request counters."""
    ctx.appliance.counters.clear()
    return Reply(204)


@bp.get("/sim/faults", OP)
def list_faults(ctx: Ctx) -> Reply:
    """The active request faults and queued task failures."""
    return Reply(200, ctx.appliance.faults.describe())


@bp.post("/sim/faults", OP)
def add_fault(ctx: Ctx) -> Reply:
    """Add a request fault: latency, an error answer, or a dropped connection."""
    fault = ctx.appliance.faults.add(_object_or_empty(ctx))
    activity.fault_injected(ctx.appliance, f"{fault.method} {fault.path} {fault.describe()}")
    return Reply(201, fault.describe())


@bp.delete("/sim/faults", OP)
def clear_faults(ctx: Ctx) -> Reply:
    """Remove every request fault and queued task failure."""
    ctx.appliance.faults.clear()
    return Reply(204)


@bp.delete("/sim/faults/{id}", OP)
def remove_fault(ctx: Ctx) -> Reply:
    """Remove one request fault."""
    if not ctx.appliance.faults.remove(ctx.params["id"]):
        raise _operator_not_found(f"No fault with id {ctx.params['id']!r}.")
    return Reply(204)


@bp.post("/sim/tasks/fail-next", OP)
def fail_next_task(ctx: Ctx) -> Reply:
    """The next task matching name/resourceCategory ends in Error with this taskError."""
    failure = ctx.appliance.faults.fail_next_task(ctx.json_object())
    activity.fault_injected(ctx.appliance, f"next task fails {failure.describe()}")
    return Reply(201, failure.describe())


@bp.post("/sim/sessions/expire", OP)
def expire_sessions(ctx: Ctx) -> Reply:
    """Every login session becomes invalid; the next call with one gets 401."""
    return Reply(200, {"expired": ctx.appliance.sessions.expire_all()})


@bp.get("/sim/config", OP)
def get_config(ctx: Ctx) -> Reply:
    """The settings an operator may change at run time."""
    return Reply(200, ctx.appliance.describe())


@bp.put("/sim/config", OP)
def put_config(ctx: Ctx) -> Reply:
    """Change settings (time_scale, idle_timeout, api_version, max_page_size)."""
    ctx.appliance.configure(ctx.json_object())
    return Reply(200, ctx.appliance.describe())


@bp.post("/sim/server-hardware/{id}/power-button", OP)
def press_power_button(ctx: Ctx) -> Reply:
    """A person presses the server's power button (``hold`` = press and hold)."""
    body = _object_or_empty(ctx)
    hold = body.get("hold", False)
    if not isinstance(hold, bool):
        raise _bad_operator_field("hold", hold, "true or false")
    uri = _server_hardware_uri(ctx)
    power.press_button(ctx.appliance, uri, hold)
    return Reply(200, ctx.appliance.store.require(uri))


@bp.post("/sim/server-hardware/{id}/foreign-profile", OP)
def apply_foreign_profile(ctx: Ctx) -> Reply:
    """Another OneView user applies a profile named ``name`` to the server."""
    name = ctx.json_object().get("name")
    if not isinstance(name, str) or not name:
        raise _bad_operator_field("name", name, "a non-empty string")
    uri = _server_hardware_uri(ctx)
    profile_apply.apply_foreign_profile(ctx.appliance, uri, name)
    return Reply(200, ctx.appliance.store.require(uri))


@bp.delete("/sim/server-hardware/{id}/foreign-profile", OP)
def remove_foreign_profile(ctx: Ctx) -> Reply:
    """... and removes it again."""
    uri = _server_hardware_uri(ctx)
    profile_apply.remove_foreign_profile(ctx.appliance, uri)
    return Reply(200, ctx.appliance.store.require(uri))


@bp.post("/sim/server-hardware/{id}/firmware/fail-next", OP)
def fail_next_firmware_install(ctx: Ctx) -> Reply:
    """The server's next firmware install fails (optional ``errorCode``, ``message``)."""
    body = _object_or_empty(ctx)
    for field in ("errorCode", "message"):
        if field in body and (not isinstance(body[field], str) or not body[field]):
            raise _bad_operator_field(field, body[field], "a non-empty string")
    uri = _server_hardware_uri(ctx)
    failure = profile_firmware.fail_next_install(ctx.appliance, uri, body)
    activity.fault_injected(ctx.appliance, f"next firmware install fails {failure}")
    return Reply(201, failure)


def _server_hardware_uri(ctx: Ctx) -> str:
    uri = f"/rest/server-hardware/{ctx.params['id']}"
    ctx.appliance.store.require(uri)
    return uri


def _object_or_empty(ctx: Ctx) -> dict[str, Any]:
    return {} if ctx.body is None else ctx.json_object()


def _bad_operator_field(name: str, value: Any, allowed: str) -> ApiError:
    return ApiError(
        400,
        "INVALID_OPERATOR_REQUEST",
        f"Field {name!r} has the invalid value {value!r}.",
        details=f"Allowed for {name!r}: {allowed}.",
    )


def _operator_not_found(message: str) -> ApiError:
    return ApiError(404, "RESOURCE_NOT_FOUND", message, recommended_actions=[])
