"""Connection templates: the bandwidth of a network or network set.

Every ethernet network and network set owns one, made and removed with it; its
values start from the default template. PUT is synchronous (200), unlike most
networking writes.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import bad_request
from oneview_openstack.simulator.resources.conditional import (
    document_reply,
    require_current_etag,
)
from oneview_openstack.simulator.resources.networking import (
    CONNECTION_TEMPLATE_TYPES,
)
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply
from oneview_openstack.simulator.versions import check_type

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
CATEGORY = "connection-templates"
DEFAULT_URI = "/rest/connection-templates/defaultConnectionTemplate"
DEFAULT_BANDWIDTH = {"typicalBandwidth": 2500, "maximumBandwidth": 20000}
MAX_BANDWIDTH_MBPS = 20000


def template_document(uri: str, name: str, bandwidth: dict[str, int]) -> Doc:
    return {
        "type": "connection-template",
        "category": CATEGORY,
        "uri": uri,
        "name": name,
        "description": None,
        "bandwidth": dict(bandwidth),
        "state": "Active",
        "status": None,
    }


def default_template(appliance: Appliance) -> Doc:
    """The stored default template, or the factory one (not stored until changed)."""
    stored = appliance.store.get(DEFAULT_URI)
    if stored is not None:
        return stored
    return template_document(DEFAULT_URI, "defaultConnectionTemplate", DEFAULT_BANDWIDTH)


def parse_bandwidth(
    appliance: Appliance, value: Any, action: str, base: dict[str, int] | None = None
) -> dict[str, int]:
    """A ``bandwidth`` body value, completed from ``base`` (default: the default template).

    ``action`` names the operation in the error text ("Creating network-set").
    """
    bandwidth = dict(base or default_template(appliance)["bandwidth"])
    if value is None:
        return bandwidth
    if not isinstance(value, dict):
        raise _invalid_bandwidth(action, f"bandwidth must be an object, got {value!r}")
    for field in ("typicalBandwidth", "maximumBandwidth"):
        given = value.get(field)
        if given is None:
            continue
        if isinstance(given, bool) or not isinstance(given, int) or given <= 0:
            raise _invalid_bandwidth(action, f"{field} must be a positive integer, got {given!r}")
        bandwidth[field] = given
    if bandwidth["maximumBandwidth"] > MAX_BANDWIDTH_MBPS:
        raise _invalid_bandwidth(
            action,
            "Maximum bandwidth exceeds 20 GBits/s",
            f"maximumBandwidth {bandwidth['maximumBandwidth']} is above {MAX_BANDWIDTH_MBPS}.",
        )
    if bandwidth["typicalBandwidth"] > bandwidth["maximumBandwidth"]:
        raise _invalid_bandwidth(
            action,
            "Typical bandwidth exceeds maximum bandwidth",
            f"typicalBandwidth {bandwidth['typicalBandwidth']} is above maximumBandwidth "
            f"{bandwidth['maximumBandwidth']}.",
        )
    return bandwidth


def _invalid_bandwidth(action: str, reason: str, details: str = "") -> Exception:
    return bad_request(
        "CRM_DEFAULT_INVALID_ARGUMENT",
        f"{action}: Invalid bandwidth: {reason}",
        details=details or reason,
    )


def create_template(appliance: Appliance, name: str, bandwidth: dict[str, int]) -> str:
    uri = f"/rest/connection-templates/{uuid.uuid4()}"
    appliance.store.add(template_document(uri, name, bandwidth))
    return uri


def remove_template(appliance: Appliance, uri: str | None) -> None:
    if uri and uri != DEFAULT_URI and appliance.store.get(uri) is not None:
        appliance.store.remove(uri)


@bp.renderer(CATEGORY)
def render_template(doc: Doc, version: int) -> Doc:
    return {**doc, "type": "connection-template"}


@bp.get("/rest/connection-templates")
def list_templates(ctx: Ctx) -> Reply:
    """Connection templates (filter, sort, paging)."""
    docs = [d for d in ctx.appliance.store.iter(CATEGORY) if d["uri"] != DEFAULT_URI]
    return query.page(ctx, docs, collection_type="ConnectionTemplateCollection", category=CATEGORY)


@bp.get("/rest/connection-templates/defaultConnectionTemplate")
def get_default_template(ctx: Ctx) -> Reply:
    """The template new networks copy their bandwidth from."""
    return document_reply(ctx, default_template(ctx.appliance))


@bp.get("/rest/connection-templates/{id}")
def get_template(ctx: Ctx) -> Reply:
    """One connection template."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.put("/rest/connection-templates/{id}")
def update_template(ctx: Ctx) -> Reply:
    """Change a template's name or bandwidth; synchronous (200)."""
    body = ctx.json_object()
    store = ctx.appliance.store
    is_default = ctx.path == DEFAULT_URI
    current = default_template(ctx.appliance) if is_default else store.require(ctx.path)
    check_type(body, CONNECTION_TEMPLATE_TYPES, ctx.api_version)
    require_current_etag(ctx, current)
    bandwidth = parse_bandwidth(
        ctx.appliance, body.get("bandwidth"), "Updating connection-template", current["bandwidth"]
    )
    name = body.get("name") or current["name"]
    if is_default and store.get(DEFAULT_URI) is None:
        store.add({**current, "name": name, "bandwidth": bandwidth})
    else:
        store.update(current["uri"], {"name": name, "bandwidth": bandwidth})
    return Reply(200, ctx.render(store.require(current["uri"])))
