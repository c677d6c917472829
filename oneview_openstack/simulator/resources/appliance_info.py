"""Unauthenticated and appliance-wide endpoints: /rest/version and friends."""

from __future__ import annotations

from oneview_openstack.simulator.router import Access, Blueprint, Ctx, Reply

bp = Blueprint()


@bp.get("/rest/version", Access.PUBLIC)
def get_version(ctx: Ctx) -> Reply:
    """API versions the appliance accepts."""
    config = ctx.appliance.config
    return Reply(
        200,
        {"currentVersion": config.api_version, "minimumVersion": config.minimum_api_version},
    )
