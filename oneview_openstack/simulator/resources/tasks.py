"""The task collection: GET /rest/tasks and /rest/tasks/{id}; PATCH (cancel) is refused.

The seed adds a history of Completed tasks (``seed/build_activity``).
"""

from __future__ import annotations

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import bad_request
from oneview_openstack.simulator.resources.conditional import document_reply
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply
from oneview_openstack.simulator.tasks import TERMINAL_STATES

bp = Blueprint()


@bp.get("/rest/tasks")
def list_tasks(ctx: Ctx) -> Reply:
    """Tasks, filterable and sortable.

    Several tasks in one request, as a poller of pending tasks asks:
    ``filter="uri='/rest/tasks/a' OR uri='/rest/tasks/b'"`` (one filter joined with
    OR; several ``filter`` parameters are ANDed, as on an appliance), optionally
    ``AND taskState='Running'``.
    """
    docs = ctx.appliance.store.iter("tasks")
    return query.page(ctx, docs, collection_type="TaskResourceCollectionV2", category="tasks")


@bp.get("/rest/tasks/{id}")
def get_task(ctx: Ctx) -> Reply:
    """One task."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.patch("/rest/tasks/{id}")
def cancel_task(ctx: Ctx) -> Reply:
    """Ask to cancel a task: refused, no simulated task is cancellable (``isCancellable``)."""
    task = ctx.appliance.store.require(ctx.path)
    if task["taskState"] in TERMINAL_STATES:
        raise bad_request(
            "TASK_ALREADY_COMPLETED",
            f"The task {task['uri']} has already ended ({task['taskState']}).",
            details="Only a running, cancellable task can be cancelled.",
        )
    raise bad_request(
        "TASK_NOT_CANCELLABLE",
        f"The task {task['uri']} cannot be cancelled.",
        details=f"The task {task['name']!r} has isCancellable false.",
    )
