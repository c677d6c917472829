"""Logical interconnects (/rest/logical-interconnects) and interconnects (/rest/interconnects).

Logical interconnects are created with their enclosures (seed data); clients
read them and change what they carry: update from group (``/compliance``),
internal networks, ethernet settings, reapply (``/configuration``). Those
changes are asynchronous, and only one runs on an LI at a time (409
CRM_ONGOING_OPERATION_ON_LOGICAL_INTERCONNECT). Interconnects are read-only.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import bad_request, conflict, not_found
from oneview_openstack.simulator.resources import li_state
from oneview_openstack.simulator.resources.conditional import document_reply
from oneview_openstack.simulator.resources.interconnect_groups import render_ethernet_settings
from oneview_openstack.simulator.resources.networking import (
    ETHERNET_SETTINGS_TYPES,
    LI_TYPES,
    ethernet_networks,
    invalid_argument,
    pending_params,
)
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply
from oneview_openstack.simulator.versions import check_type, type_for

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
CATEGORY = "logical-interconnects"
LI_NOT_FOUND = "CRM_LOGICAL_INTERCONNECT_NOT_FOUND_ERROR"
COMPLIANCE, INTERNAL, ETHERNET, CONFIGURATION = (
    f"{CATEGORY}.{op}" for op in ("compliance", "internal-networks", "ethernet", "configuration")
)
ETHERNET_SETTINGS_FIXED = ("uri", "dependentResourceUri", "id", "name", "interconnectType")


@bp.renderer(CATEGORY)
def render_logical_interconnect(doc: Doc, version: int) -> Doc:
    rendered = {
        **doc,
        "type": type_for(LI_TYPES, version),
        "ethernetSettings": render_ethernet_settings(doc.get("ethernetSettings"), version),
        "telemetryConfiguration": {
            **(doc.get("telemetryConfiguration") or {}),
            "uri": telemetry_uri(doc["uri"]),
        },
    }
    rendered.pop("internalNetworkUris", None)
    return rendered


@bp.renderer("interconnects")
def render_interconnect(doc: Doc, version: int) -> Doc:
    rendered = {**doc, "type": "InterconnectV4"}
    rendered.pop("_linkedBeforePowerOff", None)
    return rendered


def telemetry_uri(li_uri: str) -> str:
    """The LI's telemetry configuration: one per LI, with an id of its own."""
    return f"{li_uri}/telemetry-configurations/{uuid.uuid5(uuid.NAMESPACE_URL, li_uri)}"


def logical_interconnect(ctx: Ctx) -> Doc:
    """The LI the request path names; 404 CRM_LOGICAL_INTERCONNECT_NOT_FOUND_ERROR if none."""
    uri = "/".join(ctx.path.split("/")[:4])
    doc = ctx.appliance.store.get(uri)
    if doc is None:
        raise not_found(uri, LI_NOT_FOUND)
    return doc


def _refuse_if_busy(appliance: Appliance, li: Doc) -> None:
    """One change at a time on an LI, whichever of its sub-resources it is about."""
    kinds = {job["kind"] for job in appliance.store.iter("_jobs")}
    li_kinds = [kind for kind in kinds if kind.startswith(f"{CATEGORY}.")]
    if any(params.get("uri") == li["uri"] for params in pending_params(appliance, li_kinds)):
        raise conflict(
            "CRM_ONGOING_OPERATION_ON_LOGICAL_INTERCONNECT",
            f"An operation is already in progress on logical interconnect {li.get('name')}.",
            details=f"{li['uri']} is busy with an earlier request.",
            action="Wait for the running task of this logical interconnect to finish and retry.",
        )


def start_change(ctx: Ctx, li: Doc, kind: str, params: dict[str, Any], status: str) -> Reply:
    _refuse_if_busy(ctx.appliance, li)
    return ctx.start_task(
        kind,
        {"uri": li["uri"], **params},
        name="Update",
        resource_uri=li["uri"],
        resource_category=CATEGORY,
        resource_name=li.get("name"),
        status=f"{status} {li.get('name')}.",
    )


# -- logical interconnects -----------------------------------------------------


@bp.get("/rest/logical-interconnects")
def list_logical_interconnects(ctx: Ctx) -> Reply:
    """Logical interconnects (filter, sort, paging)."""
    suffix = type_for(LI_TYPES, ctx.api_version).rsplit("V", 1)[1]
    docs = ctx.appliance.store.iter(CATEGORY)
    return query.page(
        ctx, docs, collection_type=f"LogicalInterconnectCollectionV{suffix}", category=CATEGORY
    )


@bp.get("/rest/logical-interconnects/{id}")
def get_logical_interconnect(ctx: Ctx) -> Reply:
    """One logical interconnect."""
    return document_reply(ctx, logical_interconnect(ctx))


@bp.put("/rest/logical-interconnects/{id}/compliance")
def update_from_group(ctx: Ctx) -> Reply:
    """Make the LI match its group again (202); it becomes CONSISTENT."""
    li = logical_interconnect(ctx)
    return start_change(ctx, li, COMPLIANCE, {}, "Update from group")


@bp.job(COMPLIANCE, duration=5.0, steps=["Comparing with the group.", "Applying the group."])
def complete_compliance(appliance: Appliance, params: dict[str, Any]) -> None:
    if appliance.store.get(params["uri"]) is not None:
        li_state.apply_group(appliance, params["uri"])


@bp.put("/rest/logical-interconnects/{id}/internalNetworks")
def update_internal_networks(ctx: Ctx) -> Reply:
    """Replace the LI's internal networks with a JSON array of ethernet network URIs (202)."""
    li = logical_interconnect(ctx)
    uris = ctx.body if ctx.body is not None else []
    if not isinstance(uris, list) or not all(isinstance(uri, str) for uri in uris):
        raise invalid_argument("body", uris, "a JSON array of ethernet network URIs", "request")
    uris = list(dict.fromkeys(uris))
    ethernet_networks(ctx.appliance, uris, "internalNetworks")
    carried = {
        uri
        for uplink_set in li_state.uplink_sets_of(ctx.appliance, li["uri"])
        for uri in uplink_set.get("networkUris") or []
    }
    clash = sorted(carried & set(uris))
    if clash:
        raise bad_request(
            "CRM_NETWORK_ALREADY_ASSIGNED",
            f"The network {clash[0]} is carried by an uplink set of this logical interconnect.",
            details="An internal network does not leave the logical interconnect; remove it "
            "from the uplink set first.",
        )
    return start_change(ctx, li, INTERNAL, {"networks": uris}, "Update internal networks of")


@bp.job(INTERNAL, duration=3.0, steps=["Configuring the internal networks."])
def complete_internal_networks(appliance: Appliance, params: dict[str, Any]) -> None:
    store = appliance.store
    if store.get(params["uri"]) is None:
        return
    existing = [uri for uri in params["networks"] if store.get(uri) is not None]
    store.update(params["uri"], {"internalNetworkUris": existing})
    li_state.refresh_consistency(appliance, params["uri"])


@bp.get("/rest/logical-interconnects/{id}/internalVlans")
def internal_vlans(ctx: Ctx) -> Reply:
    """The internal networks of the LI with the VLAN each uses inside it."""
    li = logical_interconnect(ctx)
    members = []
    for uri in li_state.internal_networks(li):
        network = ctx.appliance.store.get(uri)
        if network is not None:
            members.append(
                {
                    "type": "internal-vlan-association",
                    "generalNetworkUri": uri,
                    "internalVlanId": network.get("vlanId"),
                    "logicalInterconnectUri": li["uri"],
                }
            )
    return query.page(
        ctx, members, collection_type="InternalVlanAssociationCollection", category=CATEGORY
    )


@bp.get("/rest/logical-interconnects/{id}/ethernetSettings")
def get_ethernet_settings(ctx: Ctx) -> Reply:
    """The LI's ethernet settings."""
    li = logical_interconnect(ctx)
    return Reply(200, render_ethernet_settings(li.get("ethernetSettings") or {}, ctx.api_version))


@bp.put("/rest/logical-interconnects/{id}/ethernetSettings")
def update_ethernet_settings(ctx: Ctx) -> Reply:
    """Change the LI's ethernet settings (202)."""
    li = logical_interconnect(ctx)
    body = ctx.json_object()
    if "type" in body:
        check_type(body, ETHERNET_SETTINGS_TYPES, ctx.api_version)
    current = li.get("ethernetSettings") or {}
    changes = {k: v for k, v in body.items() if k not in ETHERNET_SETTINGS_FIXED + ("type",)}
    for key, value in changes.items():
        if key in current and type(current[key]) is not type(value) and current[key] is not None:
            raise invalid_argument(
                key, value, f"a {type(current[key]).__name__}", "ethernet settings"
            )
    return start_change(ctx, li, ETHERNET, {"changes": changes}, "Update ethernet settings of")


@bp.job(ETHERNET, duration=3.0, steps=["Applying the ethernet settings."])
def complete_ethernet_settings(appliance: Appliance, params: dict[str, Any]) -> None:
    li = appliance.store.get(params["uri"])
    if li is not None:
        settings = {**(li.get("ethernetSettings") or {}), **params["changes"]}
        appliance.store.update(params["uri"], {"ethernetSettings": settings})
        li_state.refresh_consistency(appliance, params["uri"])


@bp.put("/rest/logical-interconnects/{id}/configuration")
def reapply_configuration(ctx: Ctx) -> Reply:
    """Reapply the LI's configuration to its interconnects (202)."""
    li = logical_interconnect(ctx)
    return start_change(ctx, li, CONFIGURATION, {}, "Reapply configuration of")


@bp.job(CONFIGURATION, duration=5.0, steps=["Reapplying the configuration."])
def complete_configuration(appliance: Appliance, params: dict[str, Any]) -> None:
    """Nothing changes: the interconnects get the configuration they already have."""


# -- interconnects -------------------------------------------------------------


@bp.get("/rest/interconnects")
def list_interconnects(ctx: Ctx) -> Reply:
    """Interconnects (filter, sort, paging)."""
    docs = ctx.appliance.store.iter("interconnects")
    return query.page(
        ctx, docs, collection_type="InterconnectCollectionV4", category="interconnects"
    )


@bp.get("/rest/interconnects/{id}")
def get_interconnect(ctx: Ctx) -> Reply:
    """One interconnect."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.get("/rest/interconnects/{id}/ports")
def list_ports(ctx: Ctx) -> Reply:
    """The ports of one interconnect."""
    interconnect = ctx.appliance.store.require(ctx.path.rsplit("/", 1)[0])
    ports = [p for p in interconnect.get("ports") or [] if isinstance(p, dict)]
    return query.page(ctx, ports, collection_type="PortCollectionV4", category="ports")


@bp.get("/rest/interconnects/{id}/ports/{port}")
def get_port(ctx: Ctx) -> Reply:
    """One port of an interconnect, by id or name."""
    interconnect_uri = "/".join(ctx.path.split("/")[:4])
    interconnect = ctx.appliance.store.require(interconnect_uri)
    wanted = ctx.params["port"]
    for port in interconnect.get("ports") or []:
        if wanted in (
            port.get("portId"),
            port.get("portName"),
            str(port.get("uri", "")).rsplit("/", 1)[-1],
        ):
            return Reply(200, port)
    raise not_found(ctx.path)
