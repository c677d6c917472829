"""Server hardware types: GET /rest/server-hardware-types[/{id}]."""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator import query
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
