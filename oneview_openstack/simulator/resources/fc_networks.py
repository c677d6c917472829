"""Fibre Channel and FCoE networks: /rest/fc-networks, /rest/fcoe-networks (+ /bulk-delete).

Both families behave alike (``_Family`` describes what differs): create, update,
delete, delete by filter and bulk delete answer 202 with a task; the
synchronous part validates (400 with CRM_* codes) and claims the name. Each
network owns a connection template. A network a server profile (template)
connection uses cannot be deleted (400 HAS_ASSOCIATED_RESOURCES); deleting one
takes it out of the uplink sets that carry it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
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
    choice,
    flag,
    invalid_argument,
    name_taken,
    require_name,
    uri_list,
)
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply
from oneview_openstack.simulator.versions import TypeTable, check_type, type_for

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]

FC_NETWORK_TYPES: TypeTable = [(0, "fc-networkV2"), (300, "fc-networkV300"), (600, "fc-networkV4")]
FCOE_NETWORK_TYPES: TypeTable = [
    (0, "fcoe-network"),
    (300, "fcoe-networkV300"),
    (600, "fcoe-networkV4"),
]
FABRIC_TYPES = ("FabricAttach", "DirectAttach")
PATCHABLE = ("/name", "/description", "/scopeUris")
FC_VLAN_RANGE = (1, 4094)


@dataclass(frozen=True)
class _Family:
    category: str
    what: str  # "FC network"
    types: TypeTable
    editable: tuple[str, ...]

    @property
    def base(self) -> str:
        return f"/rest/{self.category}"

    def kind(self, op: str) -> str:
        return f"{self.category}.{op}"

    @property
    def claims(self) -> tuple[str, ...]:
        return (self.kind("create"), self.kind("update"))


FC = _Family(
    "fc-networks",
    "FC network",
    FC_NETWORK_TYPES,
    ("name", "description", "linkStabilityTime", "autoLoginRedistribution", "managedSanUri"),
)
FCOE = _Family("fcoe-networks", "FCoE network", FCOE_NETWORK_TYPES, ("name", "description"))


def _duplicate_name(family: _Family, name: str) -> ApiError:
    return bad_request(
        "CRM_DUPLICATE_NETWORK_NAME",
        f"A network with the name {name} already exists.",
        details=f"Field name: {name!r} is used by another {family.what}; choose another name.",
    )


def _check_name_free(
    appliance: Appliance, family: _Family, name: str, ignore: str | None = None
) -> None:
    if name_taken(appliance, family.category, name, pending_kinds=family.claims, ignore_uri=ignore):
        raise _duplicate_name(family, name)


def _link_stability(body: Doc, default: int) -> int:
    value = body.get("linkStabilityTime", default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1800:
        raise bad_request(
            "CRM_VALUE_OUT_OF_RANGE",
            "Value is out of range.",
            details=f"Field linkStabilityTime: got {value!r}; allowed 1 to 1800 seconds.",
        )
    return value


def _fcoe_vlan(body: Doc) -> int:
    vlan = body.get("vlanId")
    if vlan is None:
        raise bad_request(
            "CRM_MISSING_VLAN_ID_IN_NETWORK",
            "A FCoE network requires a VLAN ID.",
            details="Field vlanId: missing; a FCoE network needs a vlanId from 1 to 4094.",
        )
    if isinstance(vlan, bool) or not isinstance(vlan, int):
        raise invalid_argument("vlanId", vlan, "an integer from 1 to 4094", "FCoE network")
    low, high = FC_VLAN_RANGE
    if not low <= vlan <= high:
        raise bad_request(
            "CRM_VALUE_OUT_OF_RANGE",
            "Value is out of range.",
            details=f"Field vlanId: VLAN ID {vlan} is outside {low}-{high}.",
        )
    return vlan


def _fabric_uri(appliance: Appliance) -> str | None:
    for doc in appliance.store.iter("ethernet-networks"):
        if doc.get("fabricUri"):
            return str(doc["fabricUri"])
    return None


def _document(appliance: Appliance, family: _Family, uri: str, body: Doc) -> Doc:
    doc: Doc = {
        "type": type_for(family.types, 10**6),
        "category": family.category,
        "uri": uri,
        "name": body["name"],
        "description": body.get("description"),
        "managedSanUri": body.get("managedSanUri"),
        "connectionTemplateUri": None,
        "scopesUri": f"/rest/scopes/resources{uri}",
        "state": "Active",
        "status": "OK",
    }
    if family is FC:
        doc["fabricType"] = choice(body, "fabricType", FABRIC_TYPES, "FabricAttach", family.what)
        doc["linkStabilityTime"] = _link_stability(body, 30)
        doc["autoLoginRedistribution"] = flag(body, "autoLoginRedistribution", False, family.what)
    else:
        doc["vlanId"] = _fcoe_vlan(body)
        doc["fabricUri"] = _fabric_uri(appliance)
    return doc


def _register(family: _Family) -> None:
    base = family.base
    create_kind, update_kind, delete_kind = (
        family.kind(op) for op in ("create", "update", "delete")
    )

    @bp.renderer(family.category)
    def render(doc: Doc, version: int) -> Doc:
        return {**doc, "type": type_for(family.types, version)}

    def list_networks(ctx: Ctx) -> Reply:
        version_type = "NetworkCollectionV4" if ctx.api_version >= 600 else "NetworkCollectionV3"
        docs = ctx.appliance.store.iter(family.category)
        return query.page(ctx, docs, collection_type=version_type, category=family.category)

    list_networks.__doc__ = f"{family.what}s (filter, sort, paging)."
    bp.get(base)(list_networks)

    def create(ctx: Ctx) -> Reply:
        body = ctx.json_object()
        check_type(body, family.types, ctx.api_version)
        name = require_name(body, family.what)
        _check_name_free(ctx.appliance, family, name)
        bandwidth = templates.parse_bandwidth(
            ctx.appliance, body.get("bandwidth"), "Creating network"
        )
        uri = f"{base}/{uuid.uuid4()}"
        doc = _document(ctx.appliance, family, uri, body)
        return ctx.start_task(
            create_kind,
            {"name": name, "doc": doc, "bandwidth": bandwidth},
            name="Create",
            resource_uri=uri,
            resource_category=family.category,
            resource_name=name,
            status=f"Create {family.what} {name}.",
        )

    create.__doc__ = f"Create one {family.what} (202)."
    bp.post(base)(create)

    @bp.job(create_kind, duration=2.0, steps=["Validating the network.", "Creating the network."])
    def complete_create(appliance: Appliance, params: dict[str, Any]) -> None:
        if name_taken(appliance, family.category, params["name"]):
            raise _duplicate_name(family, params["name"])
        doc = dict(params["doc"])
        doc["connectionTemplateUri"] = templates.create_template(
            appliance, doc["name"], params["bandwidth"]
        )
        appliance.store.add(doc)

    def get_one(ctx: Ctx) -> Reply:
        return document_reply(ctx, ctx.appliance.store.require(ctx.path))

    get_one.__doc__ = f"One {family.what}."
    bp.get(f"{base}/{{id}}")(get_one)

    def update(ctx: Ctx) -> Reply:
        body = ctx.json_object()
        current = ctx.appliance.store.require(ctx.path)
        check_type(body, family.types, ctx.api_version)
        require_current_etag(ctx, current)
        if family is FCOE and "vlanId" in body and body["vlanId"] != current["vlanId"]:
            raise bad_request(
                "CRM_CHANGING_VLAN_ID",
                "VLAN ID can NOT be changed.",
                details=f"Field vlanId: {current['name']} has VLAN ID {current['vlanId']}; "
                f"got {body['vlanId']!r}.",
            )
        if family is FC and body.get("fabricType", current["fabricType"]) != current["fabricType"]:
            raise invalid_argument(
                "fabricType", body["fabricType"], f"{current['fabricType']} (unchangeable)",
                family.what,
            )  # fmt: skip
        merged = {**current, **{k: body[k] for k in family.editable if k in body}}
        name = require_name(merged, family.what)
        if name != current["name"]:
            _check_name_free(ctx.appliance, family, name, ignore=current["uri"])
        changes = {k: merged.get(k) for k in family.editable}
        if family is FC:
            changes["linkStabilityTime"] = _link_stability(merged, 30)
            changes["autoLoginRedistribution"] = flag(
                merged, "autoLoginRedistribution", False, family.what
            )
        return ctx.start_task(
            update_kind,
            {"uri": current["uri"], "name": name, "changes": changes},
            name="Update",
            resource_uri=current["uri"],
            resource_category=family.category,
            resource_name=name,
            status=f"Update {family.what} {name}.",
        )

    update.__doc__ = f"Change one {family.what} (202)."
    bp.put(f"{base}/{{id}}")(update)

    def patch(ctx: Ctx) -> Reply:
        current = ctx.appliance.store.require(ctx.path)
        require_current_etag(ctx, current)
        operations = ctx.body if isinstance(ctx.body, list) else [ctx.body]
        changes: Doc = {}
        for op in operations:
            path = op.get("path") if isinstance(op, dict) else None
            if not isinstance(op, dict) or op.get("op") != "replace" or path not in PATCHABLE:
                raise bad_request(
                    "INVALID_PATCH_OPERATION",
                    f"The patch operation is not supported for a {family.what}.",
                    details=f"Got {op!r}; supported: replace of {', '.join(PATCHABLE)}.",
                )
            changes[path[1:]] = op.get("value")
        name = require_name({"name": changes.get("name", current["name"])}, family.what)
        if name != current["name"]:
            _check_name_free(ctx.appliance, family, name, ignore=current["uri"])
        return ctx.start_task(
            update_kind,
            {"uri": current["uri"], "name": name, "changes": {**changes, "name": name}},
            name="Update",
            resource_uri=current["uri"],
            resource_category=family.category,
            resource_name=name,
            status=f"Update {family.what} {name}.",
        )

    patch.__doc__ = f"``replace`` of /name, /description or /scopeUris of a {family.what} (202)."
    bp.patch(f"{base}/{{id}}")(patch)

    @bp.job(update_kind, duration=1.0, steps=["Updating the network."])
    def complete_update(appliance: Appliance, params: dict[str, Any]) -> None:
        appliance.store.update(params["uri"], params["changes"])

    def delete_one(ctx: Ctx) -> Reply:
        current = ctx.appliance.store.require(ctx.path)
        require_current_etag(ctx, current)
        return start_delete(ctx, [current["uri"]], current["uri"], current["name"])

    delete_one.__doc__ = f"Delete one {family.what} (202)."
    bp.delete(f"{base}/{{id}}")(delete_one)

    def delete_by_filter(ctx: Ctx) -> Reply:
        if not ctx.args("filter"):
            raise bad_request(
                "INVALID_FILTER",
                f"A filter is required to delete {family.what}s from the collection.",
                details="Query parameter filter: missing; e.g. filter=\"name='SAN-A'\".",
            )
        matching = query.select(ctx, ctx.appliance.store.iter(family.category))
        return start_delete(ctx, [doc["uri"] for doc in matching], None, None)

    delete_by_filter.__doc__ = f"Delete the {family.what}s matching ``filter`` (202)."
    bp.delete(base)(delete_by_filter)

    def delete_bulk(ctx: Ctx) -> Reply:
        body = ctx.json_object()
        uris = uri_list(body, "networkUris", "bulk delete")
        for uri in uris:
            if not uri.startswith(f"{base}/") or ctx.appliance.store.get(uri) is None:
                raise bad_request(
                    "CRM_INVALID_NETWORK_URI",
                    f"The network URI {uri} is not a valid {family.what} URI.",
                    details=f"Field networkUris: no {family.what} at {uri!r}.",
                )
        return start_delete(ctx, uris, None, None)

    delete_bulk.__doc__ = f"Delete the {family.what}s of ``networkUris`` (202)."
    bp.post(f"{base}/bulk-delete")(delete_bulk)

    def start_delete(ctx: Ctx, uris: list[str], resource: str | None, name: str | None) -> Reply:
        for uri in uris:
            network_usage.refuse_if_used_by_profiles(ctx.appliance, uri)
        return ctx.start_task(
            delete_kind,
            {"uris": uris},
            name="Delete",
            resource_uri=resource or base,
            resource_category=family.category,
            resource_name=name,
            status=f"Delete {len(uris)} {family.what}(s).",
        )

    @bp.job(delete_kind, duration=2.0, steps=["Removing the network from its uses.", "Deleting."])
    def complete_delete(appliance: Appliance, params: dict[str, Any]) -> None:
        field = "fcNetworkUris" if family is FC else "fcoeNetworkUris"
        for uri in params["uris"]:
            doc = appliance.store.get(uri)
            if doc is None:
                continue
            for uplink in list(appliance.store.iter("uplink-sets")):
                if uri in (uplink.get(field) or []):
                    kept = [u for u in uplink[field] if u != uri]
                    appliance.store.update(uplink["uri"], {field: kept})
            templates.remove_template(appliance, doc.get("connectionTemplateUri"))
            appliance.store.remove(uri)


_register(FC)
_register(FCOE)
