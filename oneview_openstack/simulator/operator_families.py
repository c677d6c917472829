"""The operator API for hardware health (``/sim``, loopback only, like ``operator``).

What a test does to the datacenter that no OneView client can: raise an alert
on any resource, set a resource's status, fail an interconnect or take one of
its ports down, and bring them back. Alerts raised here are health alerts: the
resource's status follows them, and clearing them (``PUT /rest/alerts/{id}``)
puts it back (see ``resources.health``).
"""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator.errors import ApiError
from oneview_openstack.simulator.resources import activity, health, links
from oneview_openstack.simulator.router import Access, Blueprint, Ctx, Reply

bp = Blueprint()

Doc = dict[str, Any]
OP = Access.OPERATOR
ALERT_FIELDS = frozenset(
    {"resourceUri", "severity", "description", "healthCategory", "correctiveAction", "alertTypeID"}
)
ALERT_SEVERITIES = ("OK", "Warning", "Critical")
STATUSES = ("OK", "Warning", "Critical", "Disabled", "Unknown")
LINK_STATES = ("Up", "Down")


@bp.post("/sim/alerts", OP)
def raise_alert(ctx: Ctx) -> Reply:
    """An Active alert on any resource (and its event); the resource's status follows."""
    body = _known(ctx.json_object(), ALERT_FIELDS)
    resource = _resource(ctx, body.get("resourceUri"))
    description = body.get("description")
    if not isinstance(description, str) or not description.strip():
        raise _bad_field("description", description, "a non-empty string")
    alert = health.raise_health_alert(
        ctx.appliance,
        resource_uri=resource["uri"],
        severity=_one_of(body, "severity", ALERT_SEVERITIES, "Warning"),
        description=description,
        alert_type=_text(body, "alertTypeID") or "Simulator.OperatorAlert",
        health_category=_one_of(body, "healthCategory", activity.HEALTH_CATEGORIES, "Operational"),
        corrective_action=_text(body, "correctiveAction"),
    )
    return Reply(201, alert, {"Location": alert["uri"]})


@bp.put("/sim/resource-status", OP)
def set_status(ctx: Ctx) -> Reply:
    """Set a resource's ``status`` directly (no alert); the next alert change recomputes it."""
    body = _known(ctx.json_object(), frozenset({"resourceUri", "status"}))
    resource = _resource(ctx, body.get("resourceUri"))
    status = _one_of(body, "status", STATUSES, None)
    return Reply(200, ctx.appliance.store.update(resource["uri"], {"status": status}))


@bp.put("/sim/interconnects/{id}/link", OP)
def interconnect_link(ctx: Ctx) -> Reply:
    """``{"state": "Down"}`` fails the interconnect, ``"Up"`` brings it back."""
    interconnect = _interconnect(ctx)
    if _link_state(ctx) == "Down":
        links.interconnect_down(ctx.appliance, interconnect)
    else:
        links.interconnect_up(ctx.appliance, interconnect)
    return Reply(200, ctx.appliance.store.require(interconnect["uri"]))


@bp.put("/sim/interconnects/{id}/ports/{port}/link", OP)
def port_link(ctx: Ctx) -> Reply:
    """``{"state": "Down"}`` takes a port (name like Q2 or d3, or its portId) down."""
    interconnect = _interconnect(ctx)
    wanted = ctx.params["port"]
    port = next(
        (
            p
            for p in interconnect.get("ports") or []
            if wanted in (p.get("portName"), p.get("portId"))
        ),
        None,
    )
    if port is None:
        names = ", ".join(p["portName"] for p in interconnect.get("ports") or [])
        raise _not_found(f"{interconnect['name']} has no port {wanted!r}; its ports: {names}.")
    if _link_state(ctx) == "Down":
        links.port_down(ctx.appliance, interconnect, port)
    else:
        links.port_up(ctx.appliance, interconnect, port)
    return Reply(200, ctx.appliance.store.require(interconnect["uri"]))


def _interconnect(ctx: Ctx) -> Doc:
    uri = f"/rest/interconnects/{ctx.params['id']}"
    doc = ctx.appliance.store.get(uri)
    if doc is None:
        raise _not_found(f"No interconnect {uri}.")
    return doc


def _link_state(ctx: Ctx) -> str:
    body = _known(ctx.json_object(), frozenset({"state"}))
    return str(_one_of(body, "state", LINK_STATES, None))


def _resource(ctx: Ctx, uri: Any) -> Doc:
    doc = (
        ctx.appliance.store.get(uri) if isinstance(uri, str) and uri.startswith("/rest/") else None
    )
    if doc is None or "status" not in doc:
        raise _bad_field("resourceUri", uri, "the URI of an existing resource that has a status")
    return doc


def _known(body: Doc, fields: frozenset[str]) -> Doc:
    unknown = sorted(set(body) - fields)
    if unknown:
        raise _bad_field(
            unknown[0], body[unknown[0]], f"a known field: {', '.join(sorted(fields))}"
        )
    return body


def _one_of(body: Doc, field: str, allowed: tuple[str, ...], default: str | None) -> Any:
    value = body.get(field, default)
    if value not in allowed:
        raise _bad_field(field, value, ", ".join(allowed))
    return value


def _text(body: Doc, field: str) -> str | None:
    value = body.get(field)
    if value is not None and not isinstance(value, str):
        raise _bad_field(field, value, "a string or null")
    return value


def _bad_field(name: str, value: Any, allowed: str) -> ApiError:
    return ApiError(
        400,
        "INVALID_OPERATOR_REQUEST",
        f"Field {name!r} has the invalid value {value!r}.",
        details=f"Allowed for {name!r}: {allowed}.",
    )


def _not_found(message: str) -> ApiError:
    return ApiError(404, "RESOURCE_NOT_FOUND", message, recommended_actions=[])
