"""Firmware baselines (Service Packs): GET /rest/firmware-drivers[/{id}]."""

from __future__ import annotations

from oneview_openstack.simulator import query
from oneview_openstack.simulator.resources.conditional import document_reply
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply

bp = Blueprint()


@bp.get("/rest/firmware-drivers")
def list_firmware_drivers(ctx: Ctx) -> Reply:
    """Firmware baselines uploaded to the appliance."""
    docs = ctx.appliance.store.iter("firmware-drivers")
    return query.page(ctx, docs, collection_type="FirmwareDriverList", category="firmware-drivers")


@bp.get("/rest/firmware-drivers/{id}")
def get_firmware_driver(ctx: Ctx) -> Reply:
    """One firmware baseline."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))
