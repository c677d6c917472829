"""Ethernet networks: /rest/ethernet-networks, /bulk, /bulk-delete and the association views.

Create, bulk create, update and delete are asynchronous (202 + task). The
synchronous part validates (400 with CRM_* codes) and claims the name; the job
stores the result. A network owns a connection template, made with it.

Deleting a network removes it from uplink sets, network sets, logical
interconnect group uplink sets and internal networks. It is refused (400
HAS_ASSOCIATED_RESOURCES) while a server profile or profile template connection
uses it: a profile must not be left pointing at nothing.
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
    BULK_ETHERNET_TYPES,
    ETHERNET_NETWORK_KINDS,
    ETHERNET_NETWORK_TYPES,
    VLAN_RANGE,
    choice,
    ethernet_network,
    flag,
    invalid_argument,
    name_taken,
    require_name,
    uri_list,
)
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply
from oneview_openstack.simulator.versions import check_type, type_for

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
CATEGORY = "ethernet-networks"
PURPOSES = ("General", "Management", "VMMigration", "FaultTolerance", "ISCSI")
CREATE, BULK, UPDATE, DELETE = (f"{CATEGORY}.{op}" for op in ("create", "bulk", "update", "delete"))
NAME_CLAIMS = (CREATE, BULK, UPDATE)
DEFAULT_FABRIC = "/rest/fabrics/85977d4a-0553-4bca-ae1d-9ae6679dacfb"
EDITABLE = ("name", "description", "purpose", "smartLink", "privateNetwork")


@bp.renderer(CATEGORY)
def render_network(doc: Doc, version: int) -> Doc:
    return {**doc, "type": type_for(ETHERNET_NETWORK_TYPES, version)}


# -- validation ----------------------------------------------------------------


def parse_vlan(body: Doc, kind: str) -> int:
    """The VLAN id of a network of ``kind``; untagged and tunnel networks carry 0."""
    vlan = body.get("vlanId")
    if kind != "Tagged":
        return 0
    if vlan is None:
        raise bad_request(
            "CRM_MISSING_VLAN_ID_IN_NETWORK",
            "A tagged network requires a VLAN ID.",
            details="Field vlanId: missing; a Tagged network needs a vlanId from 1 to 4094.",
        )
    if isinstance(vlan, bool) or not isinstance(vlan, int):
        raise invalid_argument("vlanId", vlan, "an integer from 1 to 4094", "ethernet network")
    check_vlan_range(vlan, "vlanId")
    return vlan


def check_vlan_range(vlan: int, field: str) -> None:
    low, high = VLAN_RANGE
    if not low <= vlan <= high:
        raise bad_request(
            "CRM_VALUE_OUT_OF_RANGE",
            "Value is out of range.",
            details=f"Field {field}: VLAN ID {vlan} is outside {low}-{high}.",
        )


def parse_vlan_range(text: Any) -> list[int]:
    """``"1-10,15"`` -> ``[1, ..., 10, 15]`` (sorted, without repeats)."""
    if not isinstance(text, str) or not text.strip():
        raise invalid_argument("vlanIdRange", text, "e.g. '1-10,15'", "bulk ethernet network")
    vlans: set[int] = set()
    for part in text.split(","):
        bounds = [piece.strip() for piece in part.split("-")]
        if len(bounds) > 2 or not all(piece.isdigit() for piece in bounds):
            raise invalid_argument(
                "vlanIdRange",
                text,
                "VLAN IDs and ranges such as '1-10,15'",
                "bulk ethernet network",
            )
        low, high = int(bounds[0]), int(bounds[-1])
        if low > high:
            raise invalid_argument(
                "vlanIdRange", text, f"ranges that go upwards (not {part.strip()})", "bulk network"
            )
        for vlan in (low, high):
            check_vlan_range(vlan, "vlanIdRange")
        vlans.update(range(low, high + 1))
    return sorted(vlans)


def check_name_free(appliance: Appliance, name: str, ignore_uri: str | None = None) -> None:
    if name_taken(appliance, CATEGORY, name, pending_kinds=NAME_CLAIMS, ignore_uri=ignore_uri):
        raise _duplicate_name(name)


def _duplicate_name(name: str) -> ApiError:
    return bad_request(
        "CRM_DUPLICATE_NETWORK_NAME",
        f"A network with the name {name} already exists.",
        details=f"Field name: {name!r} is used by another ethernet network; choose another name.",
    )


def network_document(appliance: Appliance, uri: str, body: Doc, vlan: int, kind: str) -> Doc:
    return {
        "type": "ethernet-networkV4",
        "category": CATEGORY,
        "uri": uri,
        "name": body["name"],
        "description": body.get("description"),
        "vlanId": vlan,
        "ethernetNetworkType": kind,
        "purpose": choice(body, "purpose", PURPOSES, "General", "ethernet network"),
        "smartLink": flag(body, "smartLink", True, "ethernet network"),
        "privateNetwork": flag(body, "privateNetwork", False, "ethernet network"),
        "connectionTemplateUri": None,
        "fabricUri": _fabric_uri(appliance),
        "subnetUri": None,
        "ipv6SubnetUri": None,
        "scopesUri": f"/rest/scopes/resources{uri}",
        "state": "Active",
        "status": "OK",
    }


def _fabric_uri(appliance: Appliance) -> str:
    for doc in appliance.store.iter("fabrics"):
        return str(doc["uri"])
    for doc in appliance.store.iter(CATEGORY):
        if doc.get("fabricUri"):
            return str(doc["fabricUri"])
    return DEFAULT_FABRIC


def _check_subnet(appliance: Appliance, body: Doc) -> None:
    for field in ("subnetUri", "ipv6SubnetUri"):
        uri = body.get(field)
        if uri is not None and appliance.store.get(uri) is None:
            raise bad_request(
                "CRM_BADLY_FORMED_URI",
                f"The subnet URI {uri!r} in {field} is not valid.",
                details=f"Field {field}: no subnet at {uri!r}.",
            )


# -- collection ----------------------------------------------------------------


@bp.get("/rest/ethernet-networks")
def list_networks(ctx: Ctx) -> Reply:
    """Ethernet networks (filter, sort, paging)."""
    version_type = "NetworkCollectionV4" if ctx.api_version >= 600 else "NetworkCollectionV3"
    docs = ctx.appliance.store.iter(CATEGORY)
    return query.page(ctx, docs, collection_type=version_type, category=CATEGORY)


@bp.post("/rest/ethernet-networks")
def create_network(ctx: Ctx) -> Reply:
    """Create one ethernet network (202)."""
    body = ctx.json_object()
    check_type(body, ETHERNET_NETWORK_TYPES, ctx.api_version)
    name = require_name(body, "ethernet network")
    kind = choice(body, "ethernetNetworkType", ETHERNET_NETWORK_KINDS, "Tagged", "ethernet network")
    vlan = parse_vlan(body, kind)
    check_name_free(ctx.appliance, name)
    _check_subnet(ctx.appliance, body)
    bandwidth = templates.parse_bandwidth(ctx.appliance, body.get("bandwidth"), "Creating network")
    uri = f"/rest/ethernet-networks/{uuid.uuid4()}"
    doc = network_document(ctx.appliance, uri, body, vlan, kind)
    doc["subnetUri"], doc["ipv6SubnetUri"] = body.get("subnetUri"), body.get("ipv6SubnetUri")
    params = {"uri": uri, "name": name, "doc": doc, "bandwidth": bandwidth}
    return ctx.start_task(
        CREATE,
        params,
        name="Create",
        resource_uri=uri,
        resource_category=CATEGORY,
        resource_name=name,
        status=f"Create ethernet network {name}.",
    )


@bp.job(CREATE, duration=2.0, steps=["Validating the network.", "Creating the network."])
def complete_create(appliance: Appliance, params: dict[str, Any]) -> None:
    if name_taken(appliance, CATEGORY, params["name"]):
        raise _duplicate_name(params["name"])
    store_network(appliance, dict(params["doc"]), params["bandwidth"])


def store_network(appliance: Appliance, doc: Doc, bandwidth: dict[str, int]) -> Doc:
    doc["connectionTemplateUri"] = templates.create_template(appliance, doc["name"], bandwidth)
    return appliance.store.add(doc)


@bp.post("/rest/ethernet-networks/bulk")
def create_bulk(ctx: Ctx) -> Reply:
    """Create ``<namePrefix>_<vlan>`` for every VLAN of ``vlanIdRange`` (202)."""
    body = ctx.json_object()
    check_type(body, BULK_ETHERNET_TYPES, ctx.api_version)
    prefix = body.get("namePrefix")
    if not isinstance(prefix, str) or not prefix.strip():
        raise bad_request(
            "CRM_MISSING_NAME",
            "The bulk ethernet network name prefix is missing.",
            details=f"Field namePrefix: got {prefix!r}; a non-empty string is required.",
        )
    vlans = parse_vlan_range(body.get("vlanIdRange"))
    names = [f"{prefix}_{vlan}" for vlan in vlans]
    for name in names:
        check_name_free(ctx.appliance, name)
    bandwidth = templates.parse_bandwidth(ctx.appliance, body.get("bandwidth"), "Creating network")
    docs = []
    for name, vlan in zip(names, vlans, strict=True):
        uri = f"/rest/ethernet-networks/{uuid.uuid4()}"
        docs.append(network_document(ctx.appliance, uri, {**body, "name": name}, vlan, "Tagged"))
    params = {"names": names, "docs": docs, "bandwidth": bandwidth}
    return ctx.start_task(
        BULK,
        params,
        name="Create",
        resource_uri=None,
        resource_category=CATEGORY,
        status=f"Create {len(docs)} ethernet networks {prefix}_*.",
    )


@bp.job(BULK, duration=4.0, steps=["Validating the networks.", "Creating the networks."])
def complete_bulk(appliance: Appliance, params: dict[str, Any]) -> None:
    for name in params["names"]:
        if name_taken(appliance, CATEGORY, name):
            raise _duplicate_name(name)
    for doc in params["docs"]:
        store_network(appliance, dict(doc), params["bandwidth"])


@bp.delete("/rest/ethernet-networks")
def delete_by_filter(ctx: Ctx) -> Reply:
    """Delete the networks matching ``filter`` (202, even when none matches)."""
    if not ctx.args("filter"):
        raise bad_request(
            "INVALID_FILTER",
            "A filter is required to delete ethernet networks from the collection.",
            details="Query parameter filter: missing; e.g. filter=\"name='net-101'\".",
        )
    matching = query.select(ctx, ctx.appliance.store.iter(CATEGORY))
    return _start_delete(ctx, [doc["uri"] for doc in matching], None, None)


@bp.post("/rest/ethernet-networks/bulk-delete")
def delete_bulk(ctx: Ctx) -> Reply:
    """Delete the networks of ``networkUris`` (202)."""
    body = ctx.json_object()
    uris = uri_list(body, "networkUris", "bulk delete")
    for uri in uris:
        ethernet_network(ctx.appliance, uri, "networkUris")
    return _start_delete(ctx, uris, None, None)


# -- one network ---------------------------------------------------------------


@bp.get("/rest/ethernet-networks/{id}")
def get_network(ctx: Ctx) -> Reply:
    """One ethernet network."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.put("/rest/ethernet-networks/{id}")
def update_network(ctx: Ctx) -> Reply:
    """Change name, description, purpose, smartLink, privateNetwork (202)."""
    body = ctx.json_object()
    current = ctx.appliance.store.require(ctx.path)
    check_type(body, ETHERNET_NETWORK_TYPES, ctx.api_version)
    require_current_etag(ctx, current)
    if "vlanId" in body and body["vlanId"] != current["vlanId"] and current["vlanId"]:
        raise bad_request(
            "CRM_CHANGING_VLAN_ID",
            "VLAN ID can NOT be changed.",
            details=f"Field vlanId: {current['name']} has VLAN ID {current['vlanId']}; "
            f"got {body['vlanId']!r}. Create a new network for another VLAN.",
        )
    kind = body.get("ethernetNetworkType", current["ethernetNetworkType"])
    if kind != current["ethernetNetworkType"]:
        raise invalid_argument(
            "ethernetNetworkType",
            kind,
            f"{current['ethernetNetworkType']} (unchangeable)",
            "ethernet network",
        )
    merged = {**current, **{k: body[k] for k in EDITABLE if k in body}}
    name = require_name(merged, "ethernet network")
    if name != current["name"]:
        check_name_free(ctx.appliance, name, ignore_uri=current["uri"])
    changes = {
        "name": name,
        "description": merged.get("description"),
        "purpose": choice(merged, "purpose", PURPOSES, "General", "ethernet network"),
        "smartLink": flag(merged, "smartLink", True, "ethernet network"),
        "privateNetwork": flag(merged, "privateNetwork", False, "ethernet network"),
    }
    params = {"uri": current["uri"], "name": name, "changes": changes}
    return ctx.start_task(
        UPDATE,
        params,
        name="Update",
        resource_uri=current["uri"],
        resource_category=CATEGORY,
        resource_name=name,
        status=f"Update ethernet network {name}.",
    )


@bp.job(UPDATE, duration=1.0, steps=["Updating the network."])
def complete_update(appliance: Appliance, params: dict[str, Any]) -> None:
    appliance.store.update(params["uri"], params["changes"])


@bp.delete("/rest/ethernet-networks/{id}")
def delete_network(ctx: Ctx) -> Reply:
    """Delete one network; it leaves every uplink set, network set and LIG (202)."""
    current = ctx.appliance.store.require(ctx.path)
    require_current_etag(ctx, current)
    return _start_delete(ctx, [current["uri"]], current["uri"], current["name"])


def _start_delete(ctx: Ctx, uris: list[str], resource: str | None, name: str | None) -> Reply:
    for uri in uris:
        network_usage.refuse_if_used_by_profiles(ctx.appliance, uri)
    return ctx.start_task(
        DELETE,
        {"uris": uris},
        name="Delete",
        resource_uri=resource or "/rest/ethernet-networks",
        resource_category=CATEGORY,
        resource_name=name,
        status=f"Delete {len(uris)} ethernet network(s).",
    )


@bp.job(DELETE, duration=2.0, steps=["Removing the network from its uses.", "Deleting."])
def complete_delete(appliance: Appliance, params: dict[str, Any]) -> None:
    for uri in params["uris"]:
        doc = appliance.store.get(uri)
        if doc is None:
            continue
        network_usage.detach_network(appliance, uri)
        templates.remove_template(appliance, doc.get("connectionTemplateUri"))
        appliance.store.remove(uri)


@bp.get("/rest/ethernet-networks/{id}/associatedProfiles")
def associated_profiles(ctx: Ctx) -> Reply:
    """URIs of the server profiles with a connection to this network."""
    uri = ctx.path.rsplit("/", 1)[0]
    ctx.appliance.store.require(uri)
    return Reply(200, network_usage.profiles_using(ctx.appliance, uri))


@bp.get("/rest/ethernet-networks/{id}/associatedUplinkGroups")
def associated_uplink_groups(ctx: Ctx) -> Reply:
    """URIs of the uplink sets carrying this network."""
    uri = ctx.path.rsplit("/", 1)[0]
    ctx.appliance.store.require(uri)
    return Reply(200, network_usage.uplink_sets_using(ctx.appliance, uri))
