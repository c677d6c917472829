"""Enclosures and enclosure groups: GET /rest/enclosures[/{id}], /rest/enclosure-groups[/{id}]."""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.resources import compute_types
from oneview_openstack.simulator.resources.conditional import document_reply
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply

bp = Blueprint()

STACKING_MODE_DROPPED_AT = 600  # enclosure groups lost stackingMode in API 600


@bp.renderer("enclosures")
def render_enclosure(doc: dict[str, Any], version: int) -> dict[str, Any]:
    return compute_types.with_type(doc, compute_types.ENCLOSURE_TYPES, version)


@bp.renderer("enclosure-groups")
def render_enclosure_group(doc: dict[str, Any], version: int) -> dict[str, Any]:
    shown = compute_types.with_type(doc, compute_types.ENCLOSURE_GROUP_TYPES, version)
    if version < STACKING_MODE_DROPPED_AT:
        shown.setdefault("stackingMode", "Enclosure")
    else:
        shown.pop("stackingMode", None)
    return shown


@bp.get("/rest/enclosures")
def list_enclosures(ctx: Ctx) -> Reply:
    """Enclosures (Synergy frames)."""
    docs = ctx.appliance.store.iter("enclosures")
    return query.page(ctx, docs, collection_type="EnclosureListV7", category="enclosures")


@bp.get("/rest/enclosures/{id}")
def get_enclosure(ctx: Ctx) -> Reply:
    """One enclosure."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.get("/rest/enclosure-groups")
def list_enclosure_groups(ctx: Ctx) -> Reply:
    """Enclosure groups."""
    docs = ctx.appliance.store.iter("enclosure-groups")
    return query.page(
        ctx, docs, collection_type="EnclosureGroupListV8", category="enclosure-groups"
    )


@bp.get("/rest/enclosure-groups/{id}")
def get_enclosure_group(ctx: Ctx) -> Reply:
    """One enclosure group."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))
