"""Interconnect types (read only, as on a real appliance): GET /rest/interconnect-types[/{id}]."""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.resources.conditional import document_reply
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply
from oneview_openstack.simulator.versions import TypeTable, type_for

bp = Blueprint()

CATEGORY = "interconnect-types"
INTERCONNECT_TYPE_TYPES: TypeTable = [
    (0, "interconnect-typeV3"),
    (300, "interconnect-typeV300"),
    (600, "interconnect-typeV4"),
]


@bp.renderer(CATEGORY)
def render_type(doc: dict[str, Any], version: int) -> dict[str, Any]:
    return {**doc, "type": type_for(INTERCONNECT_TYPE_TYPES, version)}


@bp.get("/rest/interconnect-types")
def list_types(ctx: Ctx) -> Reply:
    """Interconnect types: the modules the appliance knows, with their portInfos."""
    docs = ctx.appliance.store.iter(CATEGORY)
    version_type = (
        "InterconnectTypeCollectionV4"
        if ctx.api_version >= 600
        else ("InterconnectTypeCollectionV3")
    )
    return query.page(ctx, docs, collection_type=version_type, category=CATEGORY)


@bp.get("/rest/interconnect-types/{id}")
def get_type(ctx: Ctx) -> Reply:
    """One interconnect type."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))
