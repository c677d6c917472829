"""Server hardware types: GET /rest/server-hardware-types[/{id}]."""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_request, conflict
from oneview_openstack.simulator.resources import compute_types
from oneview_openstack.simulator.resources.conditional import document_reply
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply

bp = Blueprint()


@bp.renderer("server-hardware-types")
def render_hardware_type(doc: dict[str, Any], version: int) -> dict[str, Any]:
    return compute_types.with_type(doc, compute_types.SERVER_HARDWARE_TYPE_TYPES, version)


@bp.get("/rest/server-hardware-types")
def list_hardware_types(ctx: Ctx) -> Reply:
    """Server hardware types (one per model and adapter layout)."""
    docs = ctx.appliance.store.iter("server-hardware-types")
    return query.page(
        ctx, docs, collection_type="server-hardware-type-list", category="server-hardware-types"
    )


@bp.get("/rest/server-hardware-types/{id}")
def get_hardware_type(ctx: Ctx) -> Reply:
    """One server hardware type."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.post("/rest/server-hardware-types")
def create_hardware_type(ctx: Ctx) -> Reply:
    """Refused: types are made by the appliance when it discovers hardware (405)."""
    raise ApiError(
        405,
        "METHOD_NOT_ALLOWED",
        "The method POST is not supported for /rest/server-hardware-types.",
        details="Server hardware types are created when a server of a new model is added.",
    )


@bp.put("/rest/server-hardware-types/{id}")
def update_hardware_type(ctx: Ctx) -> Reply:
    """Change a type's name or description (the rest comes from the hardware)."""
    current = ctx.appliance.store.require(ctx.path)
    body = ctx.json_object()
    changes: dict[str, Any] = {}
    for key in ("name", "description"):
        if key in body and body[key] != current.get(key):
            if key == "name" and (not isinstance(body[key], str) or not body[key].strip()):
                raise bad_request(
                    "INVALID_PARAMETER",
                    "The server hardware type name must be a non-empty string.",
                    details=f"Field name: {body[key]!r}.",
                )
            changes[key] = body[key]
    return Reply(200, ctx.render(ctx.appliance.store.update(current["uri"], changes)))


@bp.delete("/rest/server-hardware-types/{id}")
def delete_hardware_type(ctx: Ctx) -> Reply:
    """Delete a type no server, profile or template uses (200, no body); else 409."""
    current = ctx.appliance.store.require(ctx.path)
    store = ctx.appliance.store
    users = [
        doc["uri"]
        for category in ("server-hardware", "server-profiles", "server-profile-templates")
        for doc in store.iter(category)
        if doc.get("serverHardwareTypeUri") == current["uri"]
    ]
    if users:
        raise conflict(
            "SERVER_HARDWARE_TYPE_IN_USE",
            f"The server hardware type {current.get('name')!r} is in use.",
            details=f"Used by {len(users)} resources, e.g. {users[0]}.",
            action="Remove the server hardware and profiles of this type first.",
        )
    store.remove(current["uri"])
    return Reply(204)
