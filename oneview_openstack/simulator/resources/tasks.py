"""The task collection: GET /rest/tasks and /rest/tasks/{id}."""

from __future__ import annotations

from oneview_openstack.simulator import query
from oneview_openstack.simulator.resources.conditional import document_reply
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply

bp = Blueprint()


@bp.get("/rest/tasks")
def list_tasks(ctx: Ctx) -> Reply:
    """Tasks, filterable (e.g. taskState='Running') and sortable."""
    docs = ctx.appliance.store.iter("tasks")
    return query.page(ctx, docs, collection_type="TaskResourceCollectionV2", category="tasks")


@bp.get("/rest/tasks/{id}")
def get_task(ctx: Ctx) -> Reply:
    """One task."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))
