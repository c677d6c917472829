"""Network sets: /rest/network-sets (create, update, delete are asynchronous).

A network set groups ethernet networks so one profile connection carries them
all. Members must be ethernet networks (400 CRM_INVALID_NETWORK_URI) with
distinct VLAN IDs (400 CRM_DUPLICATE_VLAN_IDS_NETWORK_SET). Like a network, a set
owns a connection template, and cannot be deleted while a profile uses it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_request
from oneview_openstack.simulator.resources import connection_templates as templates
from oneview_openstack.simulator.resources import network_usage
from oneview_openstack.simulator.resources.conditional import (
    document_reply,
    require_current_etag,
)
from oneview_openstack.simulator.resources.networking import (
    NETWORK_SET_TYPES,
    check_native,
    choice,
    ethernet_networks,
    name_taken,
    reject_duplicate_vlans,
    require_name,
    uri_list,
    without_deleted_networks,
)
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply
from oneview_openstack.simulator.versions import check_type, type_for

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
CATEGORY = "network-sets"
CREATE, UPDATE, DELETE = (f"{CATEGORY}.{op}" for op in ("create", "update", "delete"))
SET_TYPES = ("Regular", "Large")
WHAT = "network set"


@bp.renderer(CATEGORY)
def render_network_set(doc: Doc, version: int) -> Doc:
    rendered = {**doc, "type": type_for(NETWORK_SET_TYPES, version)}
    if version < 1200:
        rendered.pop("networkSetType", None)
    return rendered


def _collection_type(ctx: Ctx) -> str:
    return "NetworkSetCollectionV5" if ctx.api_version >= 1200 else "NetworkSetCollectionV4"


def _without_ethernet(doc: Doc) -> Doc:
    return {key: value for key, value in doc.items() if key != "networkUris"}


def _duplicate_name(name: str) -> ApiError:
    return bad_request(
        "CRM_DUPLICATE_NETWORK_NAME",
        f"A network set with the name {name} already exists.",
        details=f"Field name: {name!r} is used by another network set; choose another name.",
    )


def validated_fields(ctx: Ctx, body: Doc, current: Doc | None) -> Doc:
    """The stored fields a create or update body asks for (400 when invalid)."""
    check_type(body, NETWORK_SET_TYPES, ctx.api_version)
    base = current or {}
    merged = {**base, **body}
    name = require_name(merged, WHAT)
    ignore = base.get("uri")
    if name != base.get("name") and name_taken(
        ctx.appliance, CATEGORY, name, pending_kinds=(CREATE, UPDATE), ignore_uri=ignore
    ):
        raise _duplicate_name(name)
    members = uri_list(merged, "networkUris", WHAT)
    networks = ethernet_networks(ctx.appliance, members, "networkUris")
    reject_duplicate_vlans(networks, "CRM_DUPLICATE_VLAN_IDS_NETWORK_SET", f"network set {name}")
    return {
        "name": name,
        "description": merged.get("description"),
        "networkUris": members,
        "nativeNetworkUri": check_native(
            merged.get("nativeNetworkUri"), members, "nativeNetworkUri", WHAT
        ),
        "networkSetType": choice(merged, "networkSetType", SET_TYPES, "Regular", WHAT),
    }


@bp.get("/rest/network-sets")
def list_network_sets(ctx: Ctx) -> Reply:
    """Network sets (filter, sort, paging)."""
    docs = ctx.appliance.store.iter(CATEGORY)
    return query.page(ctx, docs, collection_type=_collection_type(ctx), category=CATEGORY)


@bp.get("/rest/network-sets/withoutEthernet")
def list_without_ethernet(ctx: Ctx) -> Reply:
    """Network sets without their member lists."""
    reply = query.page(
        ctx,
        ctx.appliance.store.iter(CATEGORY),
        collection_type=_collection_type(ctx),
        category=CATEGORY,
    )
    reply.body["members"] = [_without_ethernet(doc) for doc in reply.body["members"]]
    return reply


@bp.post("/rest/network-sets")
def create_network_set(ctx: Ctx) -> Reply:
    """Create a network set (202)."""
    body = ctx.json_object()
    fields = validated_fields(ctx, body, None)
    bandwidth = templates.parse_bandwidth(
        ctx.appliance, body.get("bandwidth"), "Creating network-set"
    )
    uri = f"/rest/network-sets/{uuid.uuid4()}"
    params = {"uri": uri, "name": fields["name"], "fields": fields, "bandwidth": bandwidth}
    return ctx.start_task(
        CREATE,
        params,
        name="Create",
        resource_uri=uri,
        resource_category=CATEGORY,
        resource_name=fields["name"],
        status=f"Create network set {fields['name']}.",
    )


@bp.job(CREATE, duration=2.0, steps=["Validating the network set.", "Creating the network set."])
def complete_create(appliance: Appliance, params: dict[str, Any]) -> None:
    uri = params["uri"]
    fields = without_deleted_networks(appliance, params["fields"])
    if name_taken(appliance, CATEGORY, fields["name"]):
        raise _duplicate_name(fields["name"])
    template = templates.create_template(appliance, fields["name"], params["bandwidth"])
    appliance.store.add(
        {
            "type": "network-setV5",
            "category": CATEGORY,
            "uri": uri,
            **fields,
            "connectionTemplateUri": template,
            "scopesUri": f"/rest/scopes/resources{uri}",
            "state": "Active",
            "status": "OK",
        }
    )


@bp.get("/rest/network-sets/{id}")
def get_network_set(ctx: Ctx) -> Reply:
    """One network set."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.get("/rest/network-sets/{id}/withoutEthernet")
def get_without_ethernet(ctx: Ctx) -> Reply:
    """One network set without its member list."""
    uri = ctx.path.rsplit("/", 1)[0]
    return Reply(200, _without_ethernet(ctx.render(ctx.appliance.store.require(uri))))


@bp.put("/rest/network-sets/{id}")
def update_network_set(ctx: Ctx) -> Reply:
    """Replace a network set's name, members and native network (202)."""
    body = ctx.json_object()
    current = ctx.appliance.store.require(ctx.path)
    require_current_etag(ctx, current)
    fields = validated_fields(ctx, body, current)
    params = {"uri": current["uri"], "name": fields["name"], "fields": fields}
    return ctx.start_task(
        UPDATE,
        params,
        name="Update",
        resource_uri=current["uri"],
        resource_category=CATEGORY,
        resource_name=fields["name"],
        status=f"Modify network set {fields['name']}.",
    )


@bp.job(UPDATE, duration=1.0, steps=["Updating the network set."])
def complete_update(appliance: Appliance, params: dict[str, Any]) -> None:
    appliance.store.update(params["uri"], without_deleted_networks(appliance, params["fields"]))


@bp.delete("/rest/network-sets/{id}")
def delete_network_set(ctx: Ctx) -> Reply:
    """Delete a network set (202); refused while a profile connection uses it."""
    current = ctx.appliance.store.require(ctx.path)
    require_current_etag(ctx, current)
    network_usage.refuse_if_used_by_profiles(ctx.appliance, current["uri"])
    return ctx.start_task(
        DELETE,
        {"uri": current["uri"]},
        name="Delete",
        resource_uri=current["uri"],
        resource_category=CATEGORY,
        resource_name=current["name"],
        status=f"Delete network set {current['name']}.",
    )


@bp.job(DELETE, duration=1.0, steps=["Deleting the network set."])
def complete_delete(appliance: Appliance, params: dict[str, Any]) -> None:
    doc = appliance.store.get(params["uri"])
    if doc is not None:
        templates.remove_template(appliance, doc.get("connectionTemplateUri"))
        appliance.store.remove(params["uri"])
