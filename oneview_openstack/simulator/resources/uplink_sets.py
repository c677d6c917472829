"""Uplink sets: /rest/uplink-sets, and which networks an enclosure group can reach.

An uplink set carries networks out of one logical interconnect (LI). Changes
take effect on the LI when their task completes (they do not wait for a
compliance update) and set the LI's consistency with its group by comparison.

``reachable_network_uris`` is the contract with the server profile resources:
a profile connection needs its network reachable through the logical
interconnects of the profile's enclosure group.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_reference, bad_request
from oneview_openstack.simulator.resources import li_state
from oneview_openstack.simulator.resources.conditional import (
    document_reply,
    require_current_etag,
)
from oneview_openstack.simulator.resources.networking import (
    ETHERNET_NETWORK_KINDS,
    UPLINK_SET_TYPES,
    check_native,
    choice,
    ethernet_networks,
    invalid_argument,
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
CATEGORY = "uplink-sets"
CREATE, UPDATE, DELETE = (f"{CATEGORY}.{op}" for op in ("create", "update", "delete"))
WHAT = "uplink set"
MAX_PORTS = 16
NETWORK_TYPES = ("Ethernet", "FibreChannel")


def reachable_network_uris(appliance: Appliance, enclosure_group_uri: str) -> set[str]:
    """URIs of the networks and network sets a profile in this enclosure group reaches.

    Networks: those of the uplink sets (``networkUris``, ``fcNetworkUris`` of the Fibre
    Channel ones, and ``nativeNetworkUri``) and the
    internal networks of the logical interconnects serving the enclosure group. Network
    sets: those whose members are all reachable networks. An unknown enclosure group
    reaches nothing.
    """
    store = appliance.store
    networks: set[str] = set()
    for li in li_state.logical_interconnects_of_enclosure_group(appliance, enclosure_group_uri):
        networks.update(li_state.internal_networks(li))
        for uplink_set in li_state.uplink_sets_of(appliance, li["uri"]):
            networks.update(uplink_set.get("networkUris") or [])
            networks.update(uplink_set.get("fcNetworkUris") or [])
            if uplink_set.get("nativeNetworkUri"):
                networks.add(uplink_set["nativeNetworkUri"])
    networks = {uri for uri in networks if store.get(uri) is not None}
    network_sets = {
        doc["uri"]
        for doc in store.iter("network-sets")
        if all(member in networks for member in doc.get("networkUris") or [])
    }
    return networks | network_sets


@bp.renderer(CATEGORY)
def render_uplink_set(doc: Doc, version: int) -> Doc:
    return {**doc, "type": type_for(UPLINK_SET_TYPES, version)}


# -- validation ----------------------------------------------------------------


def validated_fields(ctx: Ctx, body: Doc, current: Doc | None) -> Doc:
    """The stored fields a create or update body asks for (400 when invalid)."""
    check_type(body, UPLINK_SET_TYPES, ctx.api_version)
    base = current or {}
    merged = {**base, **body}
    name = require_name(merged, WHAT)
    li = _logical_interconnect(ctx.appliance, merged.get("logicalInterconnectUri"), current)
    if name != base.get("name") and name_taken(
        ctx.appliance,
        CATEGORY,
        name,
        pending_kinds=(CREATE, UPDATE),
        ignore_uri=base.get("uri"),
        within=("logicalInterconnectUri", li["uri"]),
    ):
        raise bad_request(
            "CRM_DUPLICATE_UPLINK_SET_NAME",
            f"An uplink set with the name {name} already exists on {li.get('name', li['uri'])}.",
            details=f"Field name: {name!r} is taken on logical interconnect {li['uri']}.",
        )
    network_type = choice(merged, "networkType", NETWORK_TYPES, "Ethernet", WHAT)
    if current is not None and network_type != current.get("networkType", "Ethernet"):
        raise invalid_argument(
            "networkType", network_type, f"{current['networkType']} (fixed)", WHAT
        )
    ports = _port_config_infos(ctx.appliance, merged, li["uri"], base.get("uri"))
    if network_type == "FibreChannel":
        return fc_fields(ctx.appliance, merged, li, ports)
    kind = choice(merged, "ethernetNetworkType", ETHERNET_NETWORK_KINDS, "Tagged", WHAT)
    members = uri_list(merged, "networkUris", WHAT)
    _check_networks(ctx.appliance, members, kind, name)
    _check_not_assigned(ctx.appliance, li, members, base.get("uri"))
    return {
        "name": name,
        "description": merged.get("description"),
        "logicalInterconnectUri": li["uri"],
        "ethernetNetworkType": kind,
        "connectionMode": choice(merged, "connectionMode", ("Auto", "FailOver"), "Auto", WHAT),
        "lacpTimer": choice(merged, "lacpTimer", ("Short", "Long"), "Short", WHAT),
        "networkUris": members,
        "nativeNetworkUri": check_native(
            merged.get("nativeNetworkUri"), members, "nativeNetworkUri", WHAT
        ),
        "portConfigInfos": ports,
    }


def _logical_interconnect(appliance: Appliance, uri: Any, current: Doc | None) -> Doc:
    if current is not None and uri != current.get("logicalInterconnectUri"):
        raise invalid_argument(
            "logicalInterconnectUri", uri, f"{current.get('logicalInterconnectUri')} (fixed)", WHAT
        )
    li = appliance.store.get(uri) if isinstance(uri, str) else None
    if li is None or li.get("category") != "logical-interconnects":
        raise bad_reference("logicalInterconnectUri", uri)
    return li


def _check_networks(appliance: Appliance, members: list[str], kind: str, name: str) -> None:
    networks = ethernet_networks(appliance, members, "networkUris")
    for net in networks:
        if net.get("ethernetNetworkType", "Tagged") != kind:
            raise invalid_argument(
                "networkUris",
                net["uri"],
                f"{kind} networks ({net['name']} is {net.get('ethernetNetworkType')})",
                WHAT,
            )
    if kind != "Tagged" and len(networks) > 1:
        raise invalid_argument("networkUris", members, f"at most one {kind} network", WHAT)
    reject_duplicate_vlans(networks, "CRM_DUPLICATE_VLAN_IDS_UPLINK_SET", f"uplink set {name}")


def _check_not_assigned(appliance: Appliance, li: Doc, members: list[str], own: Any) -> None:
    """A network leaves an LI through one uplink set only, and not if it is internal."""
    wanted = set(members)
    for other in li_state.uplink_sets_of(appliance, li["uri"]):
        if other["uri"] == own:
            continue
        clash = wanted & {*(other.get("networkUris") or []), *(other.get("fcNetworkUris") or [])}
        if clash:
            raise _already_assigned(appliance, sorted(clash)[0], f"uplink set {other['name']}")
    clash = wanted & set(li_state.internal_networks(li))
    if clash:
        raise _already_assigned(appliance, sorted(clash)[0], "the internal networks")


def _already_assigned(appliance: Appliance, uri: str, holder: str) -> ApiError:
    name = (appliance.store.get(uri) or {}).get("name", uri)
    return bad_request(
        "CRM_NETWORK_ALREADY_ASSIGNED",
        f"The network {name} is already assigned to {holder} on this logical interconnect.",
        details=f"Field networkUris: {uri} is already carried by {holder}.",
    )


def _port_config_infos(appliance: Appliance, body: Doc, li_uri: str, own: Any) -> list[Doc]:
    ports = body.get("portConfigInfos") or []
    if not isinstance(ports, list) or not all(isinstance(p, dict) for p in ports):
        raise invalid_argument("portConfigInfos", ports, "a list of port objects", WHAT)
    if len(ports) > MAX_PORTS:
        raise bad_request(
            "CRM_PORTS_EXCEED_MAX_PER_UPLINKSET",
            f"The uplink set contains more than {MAX_PORTS} ports.",
            details=f"Field portConfigInfos: {len(ports)} ports; at most {MAX_PORTS} are allowed.",
        )
    used = {
        port.get("portUri")
        for other in li_state.uplink_sets_of(appliance, li_uri)
        if other["uri"] != own
        for port in other.get("portConfigInfos") or []
    }
    for port in ports:
        if port.get("portUri") and port["portUri"] in used:
            raise bad_request(
                "CRM_PORT_ALREADY_ASSIGNED",
                f"The port {port['portUri']} is already assigned to another uplink set.",
                details=f"Field portConfigInfos: {port['portUri']} is in use on {li_uri}.",
            )
    return ports


# -- Fibre Channel uplink sets ---------------------------------------------------


def fc_fields(appliance: Appliance, body: Doc, li: Doc, ports: list[Doc]) -> Doc:
    """The stored fields of a Fibre Channel uplink set: one FC network, FC uplink ports
    of one interconnect (an FC uplink set does not span interconnects)."""
    members = uri_list(body, "fcNetworkUris", WHAT)
    if len(members) != 1:
        raise invalid_argument("fcNetworkUris", members, "exactly one FC network URI", WHAT)
    network = appliance.store.get(members[0])
    if network is None or network.get("category") != "fc-networks":
        raise bad_request(
            "CRM_INVALID_NETWORK_URI",
            f"The network URI {members[0]!r} in fcNetworkUris is not valid.",
            details=f"Field fcNetworkUris: {members[0]!r} is not the URI of an FC network.",
        )
    _check_not_assigned(appliance, li, members, body.get("uri"))
    interconnects = set()
    for info in ports:
        port = _interconnect_port(appliance, info.get("portUri"))
        if "FibreChannel" not in (port.get("capability") or []):
            raise invalid_argument(
                "portConfigInfos",
                info.get("portUri"),
                f"Fibre Channel capable uplink ports ({port.get('portName')} is not)",
                WHAT,
            )
        interconnects.add(str(info["portUri"]).split("/ports/")[0])
    if len(interconnects) > 1:
        raise invalid_argument(
            "portConfigInfos",
            sorted(interconnects),
            "ports of a single interconnect for a Fibre Channel uplink set",
            WHAT,
        )
    return {
        "name": body["name"],
        "description": body.get("description"),
        "logicalInterconnectUri": li["uri"],
        "networkType": "FibreChannel",
        "ethernetNetworkType": "NotApplicable",
        "connectionMode": choice(body, "connectionMode", ("Auto",), "Auto", WHAT),
        "networkUris": [],
        "fcNetworkUris": members,
        "nativeNetworkUri": None,
        "portConfigInfos": ports,
    }


def _interconnect_port(appliance: Appliance, port_uri: Any) -> Doc:
    interconnect = (
        appliance.store.get(port_uri.split("/ports/")[0]) if isinstance(port_uri, str) else None
    )
    for port in (interconnect or {}).get("ports") or []:
        if port.get("uri") == port_uri:
            return dict(port)
    raise bad_reference("portConfigInfos.portUri", port_uri)


def fc_document_fields(appliance: Appliance, fields: Doc) -> Doc:
    """What a Fibre Channel uplink set stores besides the common fields (deleted FC
    networks dropped)."""
    kept = [uri for uri in fields.get("fcNetworkUris") or [] if appliance.store.get(uri)]
    return {
        "networkType": "FibreChannel",
        "fcNetworkUris": kept,
        "lacpTimer": None,
        "manualLoginRedistributionState": "Supported",
    }


# -- routes --------------------------------------------------------------------


@bp.get("/rest/uplink-sets")
def list_uplink_sets(ctx: Ctx) -> Reply:
    """Uplink sets (filter by name, logicalInterconnectUri, ...; sort; paging)."""
    docs = ctx.appliance.store.iter(CATEGORY)
    return query.page(ctx, docs, collection_type="UplinkSetCollectionV7", category=CATEGORY)


@bp.post("/rest/uplink-sets")
def create_uplink_set(ctx: Ctx) -> Reply:
    """Create an uplink set on a logical interconnect (202)."""
    fields = validated_fields(ctx, ctx.json_object(), None)
    uri = f"/rest/uplink-sets/{uuid.uuid4()}"
    params = {
        "uri": uri,
        "name": fields["name"],
        "scope": fields["logicalInterconnectUri"],
        "fields": fields,
    }
    return _start(ctx, CREATE, params, "Create")


@bp.job(CREATE, duration=3.0, steps=["Validating the uplink set.", "Configuring the uplinks."])
def complete_create(appliance: Appliance, params: dict[str, Any]) -> None:
    fields = without_deleted_networks(appliance, params["fields"])
    li_uri = fields["logicalInterconnectUri"]
    if appliance.store.get(li_uri) is None:
        raise bad_reference("logicalInterconnectUri", li_uri)
    doc = li_state.uplink_set_document(
        params["uri"], li_uri, fields["name"], fields, fields.get("portConfigInfos")
    )
    if fields.get("networkType") == "FibreChannel":
        doc.update(fc_document_fields(appliance, fields))
    appliance.store.add(doc)
    li_state.refresh_consistency(appliance, li_uri)


@bp.get("/rest/uplink-sets/{id}")
def get_uplink_set(ctx: Ctx) -> Reply:
    """One uplink set."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.put("/rest/uplink-sets/{id}")
def update_uplink_set(ctx: Ctx) -> Reply:
    """Replace an uplink set's networks, ports and settings (202)."""
    body = ctx.json_object()
    current = ctx.appliance.store.require(ctx.path)
    require_current_etag(ctx, current)
    fields = validated_fields(ctx, body, current)
    params = {
        "uri": current["uri"],
        "name": fields["name"],
        "scope": fields["logicalInterconnectUri"],
        "fields": fields,
    }
    return _start(ctx, UPDATE, params, "Update")


@bp.job(UPDATE, duration=3.0, steps=["Validating the uplink set.", "Configuring the uplinks."])
def complete_update(appliance: Appliance, params: dict[str, Any]) -> None:
    fields = without_deleted_networks(appliance, params["fields"])
    if fields.get("networkType") == "FibreChannel":
        fields.update(fc_document_fields(appliance, fields))
    doc = appliance.store.update(params["uri"], fields)
    li_state.refresh_consistency(appliance, doc["logicalInterconnectUri"])


@bp.delete("/rest/uplink-sets/{id}")
def delete_uplink_set(ctx: Ctx) -> Reply:
    """Delete an uplink set (202)."""
    current = ctx.appliance.store.require(ctx.path)
    require_current_etag(ctx, current)
    return _start(ctx, DELETE, {"uri": current["uri"], "name": current["name"]}, "Delete")


@bp.job(DELETE, duration=2.0, steps=["Removing the uplinks."])
def complete_delete(appliance: Appliance, params: dict[str, Any]) -> None:
    doc = appliance.store.get(params["uri"])
    if doc is not None:
        appliance.store.remove(params["uri"])
        li_state.refresh_consistency(appliance, doc.get("logicalInterconnectUri", ""))


def _start(ctx: Ctx, kind: str, params: dict[str, Any], task_name: str) -> Reply:
    name = params["name"]
    return ctx.start_task(
        kind,
        params,
        name=task_name,
        resource_uri=params["uri"],
        resource_category=CATEGORY,
        resource_name=name,
        status=f"{task_name} uplink set {name}.",
    )
