"""Logical interconnect groups: /rest/logical-interconnect-groups.

A LIG describes what its logical interconnects should carry. Create, update
and delete are asynchronous. A completed update makes every LI of the group
NOT_CONSISTENT until ``PUT /rest/logical-interconnects/{id}/compliance``.
A LIG still used by a logical interconnect or an enclosure group cannot be
deleted. A name already taken fails the task (the appliance reports it there).
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_request
from oneview_openstack.simulator.resources import li_state
from oneview_openstack.simulator.resources.conditional import (
    document_reply,
    require_current_etag,
)
from oneview_openstack.simulator.resources.networking import (
    ETHERNET_NETWORK_KINDS,
    ETHERNET_SETTINGS_TYPES,
    LIG_TYPES,
    associated,
    check_native,
    choice,
    ethernet_networks,
    invalid_argument,
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
CATEGORY = "logical-interconnect-groups"
CREATE, UPDATE, DELETE = (f"{CATEGORY}.{op}" for op in ("create", "update", "delete"))
WHAT = "logical interconnect group"
DEFAULT_ETHERNET_SETTINGS: Doc = {
    "interconnectType": "Ethernet",
    "enableIgmpSnooping": False,
    "igmpIdleTimeoutInterval": 260,
    "enableFastMacCacheFailover": True,
    "macRefreshInterval": 5,
    "enableNetworkLoopProtection": True,
    "enablePauseFloodProtection": True,
    "enableRichTLV": False,
    "enableTaggedLldp": False,
}
SKELETON: Doc = {
    "description": None,
    "enclosureType": "C7000",
    "enclosureIndexes": [1],
    "interconnectBaySet": 1,
    "redundancyType": "Redundant",
    "stackingMode": "Enclosure",
    "interconnectMapTemplate": {"interconnectMapEntryTemplates": []},
    "telemetryConfiguration": {
        "type": "telemetry-configuration",
        "enableTelemetry": True,
        "sampleCount": 12,
        "sampleInterval": 300,
    },
    "snmpConfiguration": {
        "type": "snmp-configuration",
        "enabled": True,
        "readCommunity": "public",
        "trapDestinations": [],
        "snmpAccess": [],
    },
    "qosConfiguration": {
        "type": "qos-aggregated-configuration",
        "activeQosConfig": {"type": "QosConfiguration", "configType": "Passthrough"},
    },
    "state": "Active",
    "status": "OK",
}
PASSED_THROUGH = tuple(key for key in SKELETON if key not in ("state", "status"))


def render_ethernet_settings(settings: Any, version: int) -> Any:
    if not isinstance(settings, dict):
        return settings
    return {**settings, "type": type_for(ETHERNET_SETTINGS_TYPES, version)}


@bp.renderer(CATEGORY)
def render_group(doc: Doc, version: int) -> Doc:
    return {
        **doc,
        "type": type_for(LIG_TYPES, version),
        "ethernetSettings": render_ethernet_settings(doc.get("ethernetSettings"), version),
    }


# -- validation ----------------------------------------------------------------


def validated_fields(ctx: Ctx, body: Doc, current: Doc | None) -> Doc:
    """The stored fields a create or update body asks for (400 when invalid)."""
    check_type(body, LIG_TYPES, ctx.api_version)
    base = current or {}
    merged = {**SKELETON, **base, **body}
    name = require_name(merged, WHAT)
    uplink_sets = _uplink_sets(ctx.appliance, merged.get("uplinkSets"))
    internal = uri_list(merged, "internalNetworkUris", WHAT)
    ethernet_networks(ctx.appliance, internal, "internalNetworkUris")
    carried = {uri for entry in uplink_sets for uri in entry["networkUris"]}
    for uri in internal:
        if uri in carried:
            raise _already_assigned(uri, "an uplink set and the internal networks")
    settings = merged.get("ethernetSettings") or {}
    if not isinstance(settings, dict):
        raise invalid_argument("ethernetSettings", settings, "an object", WHAT)
    fields = {key: merged.get(key) for key in PASSED_THROUGH}
    fields.update(
        name=name,
        uplinkSets=uplink_sets,
        internalNetworkUris=internal,
        ethernetSettings={
            **DEFAULT_ETHERNET_SETTINGS,
            **(base.get("ethernetSettings") or {}),
            **settings,
        },
    )
    return fields


def _uplink_sets(appliance: Appliance, value: Any) -> list[Doc]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise invalid_argument("uplinkSets", value, "a list of uplink set objects", WHAT)
    entries = [_uplink_set_entry(appliance, entry, index) for index, entry in enumerate(value)]
    names = [entry["name"] for entry in entries]
    for name in names:
        if names.count(name) > 1:
            raise invalid_argument("uplinkSets.name", name, "a name used once per group", WHAT)
    _check_assignments(appliance, entries)
    _check_ports(entries)
    return entries


def _uplink_set_entry(appliance: Appliance, entry: Doc, index: int) -> Doc:
    field = f"uplinkSets[{index}]"
    name = require_name(entry, f"{WHAT} uplink set")
    network_type = choice(entry, "networkType", ("Ethernet", "FibreChannel"), "Ethernet", WHAT)
    members = uri_list(entry, "networkUris", WHAT)
    if network_type == "Ethernet":
        ethernet_networks(appliance, members, f"{field}.networkUris")
    else:
        for uri in members:
            if appliance.store.get(uri) is None:
                raise invalid_argument(f"{field}.networkUris", uri, "existing FC networks", WHAT)
    return {
        **entry,
        "name": name,
        "networkType": network_type,
        "ethernetNetworkType": choice(
            entry, "ethernetNetworkType", ETHERNET_NETWORK_KINDS, "Tagged", WHAT
        )
        if network_type == "Ethernet"
        else "NotApplicable",
        "mode": choice(entry, "mode", ("Auto", "Failover"), "Auto", WHAT),
        "networkUris": members,
        "nativeNetworkUri": check_native(
            entry.get("nativeNetworkUri"), members, f"{field}.nativeNetworkUri", WHAT
        ),
        "logicalPortConfigInfos": list(entry.get("logicalPortConfigInfos") or []),
    }


def _check_assignments(appliance: Appliance, entries: list[Doc]) -> None:
    """Each network in one uplink set only; no VLAN twice across the group."""
    seen: dict[str, str] = {}
    for entry in entries:
        for uri in entry["networkUris"]:
            if uri in seen:
                raise _already_assigned(uri, f"uplink sets {seen[uri]} and {entry['name']}")
            seen[uri] = entry["name"]
    ethernet = [
        uri
        for entry in entries
        if entry["networkType"] == "Ethernet"
        for uri in entry["networkUris"]
    ]
    reject_duplicate_vlans(
        ethernet_networks(appliance, ethernet, "uplinkSets.networkUris"),
        "CRM_DUPLICATE_VLAN_IDS_LOGICAL_INTERCONNECT_GROUP",
        "logical interconnect group's uplink sets",
    )


def _check_ports(entries: list[Doc]) -> None:
    owners: dict[str, str] = {}
    for entry in entries:
        for port in entry["logicalPortConfigInfos"]:
            key = json.dumps(port.get("logicalLocation"), sort_keys=True)
            if key in owners and port.get("logicalLocation"):
                raise bad_request(
                    "CRM_INVALID_UPLINK_SET_PORT",
                    f"The uplink port {key} is used by uplink sets {owners[key]} and "
                    f"{entry['name']}.",
                    details="Field uplinkSets.logicalPortConfigInfos: a port belongs to one "
                    "uplink set only.",
                )
            owners[key] = entry["name"]


def _already_assigned(uri: str, holders: str) -> ApiError:
    return bad_request(
        "CRM_NETWORK_ALREADY_ASSIGNED",
        f"The network {uri} is assigned to {holders}.",
        details="A network leaves a logical interconnect group through one uplink set only, "
        "and is then not an internal network.",
    )


def _duplicate_name(appliance: Appliance, name: str, own: str) -> ApiError | None:
    for doc in appliance.store.iter(CATEGORY):
        if doc["name"] == name and doc["uri"] != own:
            return bad_request(
                "CRM_DUPLICATE_LOGICAL_INTERCONNECT_GROUP_NAME",
                f"Another logical interconnect group with that name already exists: {name}",
                details=f"Field name: {name!r} is used by {doc['uri']}.",
            )
    return None


# -- routes --------------------------------------------------------------------


@bp.get("/rest/logical-interconnect-groups")
def list_groups(ctx: Ctx) -> Reply:
    """Logical interconnect groups (filter, sort, paging)."""
    suffix = type_for(LIG_TYPES, ctx.api_version).rsplit("V", 1)[1]
    docs = ctx.appliance.store.iter(CATEGORY)
    return query.page(
        ctx, docs, collection_type=f"LogicalInterconnectGroupCollectionV{suffix}", category=CATEGORY
    )


@bp.get("/rest/logical-interconnect-groups/defaultSettings")
def default_settings(ctx: Ctx) -> Reply:
    """The interconnect settings a new group starts from."""
    uri = "/rest/logical-interconnect-groups/defaultSettings"
    return Reply(200, _settings_document(ctx, uri, DEFAULT_ETHERNET_SETTINGS))


@bp.post("/rest/logical-interconnect-groups")
def create_group(ctx: Ctx) -> Reply:
    """Create a logical interconnect group (202)."""
    fields = validated_fields(ctx, ctx.json_object(), None)
    uri = f"/rest/logical-interconnect-groups/{uuid.uuid4()}"
    fields["ethernetSettings"].update(
        dependentResourceUri=uri,
        uri=f"{uri}/ethernetSettings",
        name="defaultEthernetSwitchSettings",
    )
    return _start(ctx, CREATE, {"uri": uri, "name": fields["name"], "fields": fields}, "Create")


@bp.job(CREATE, duration=3.0, steps=["Validating the group.", "Creating the group."])
def complete_create(appliance: Appliance, params: dict[str, Any]) -> None:
    uri = params["uri"]
    duplicate = _duplicate_name(appliance, params["name"], uri)
    if duplicate is not None:
        raise duplicate
    fields = params["fields"]
    appliance.store.add(
        {
            "type": "logical-interconnect-groupV8",
            "category": CATEGORY,
            "uri": uri,
            **fields,
            "fabricUri": _fabric_uri(appliance),
            "scopesUri": f"/rest/scopes/resources{uri}",
            "state": "Active",
            "status": "OK",
        }
    )


def _fabric_uri(appliance: Appliance) -> str | None:
    for doc in appliance.store.iter("fabrics"):
        return str(doc["uri"])
    return None


@bp.get("/rest/logical-interconnect-groups/{id}")
def get_group(ctx: Ctx) -> Reply:
    """One logical interconnect group."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.get("/rest/logical-interconnect-groups/{id}/settings")
def group_settings(ctx: Ctx) -> Reply:
    """The interconnect settings of one group."""
    uri = ctx.path.rsplit("/", 1)[0]
    group = ctx.appliance.store.require(uri)
    return Reply(200, _settings_document(ctx, ctx.path, group.get("ethernetSettings") or {}))


def _settings_document(ctx: Ctx, uri: str, ethernet: Doc) -> Doc:
    return {
        "type": "InterconnectSettingsV201" if ctx.api_version < 600 else "InterconnectSettingsV4",
        "category": None,
        "uri": uri,
        "ethernetSettings": render_ethernet_settings(ethernet, ctx.api_version),
    }


@bp.put("/rest/logical-interconnect-groups/{id}")
def update_group(ctx: Ctx) -> Reply:
    """Replace a group (202); its logical interconnects become NOT_CONSISTENT."""
    body = ctx.json_object()
    current = ctx.appliance.store.require(ctx.path)
    require_current_etag(ctx, current)
    fields = validated_fields(ctx, body, current)
    fields["ethernetSettings"].update(
        {k: (current.get("ethernetSettings") or {}).get(k) for k in ("dependentResourceUri", "uri")}
    )
    return _start(
        ctx, UPDATE, {"uri": current["uri"], "name": fields["name"], "fields": fields}, "Update"
    )


@bp.job(UPDATE, duration=3.0, steps=["Validating the group.", "Updating the group."])
def complete_update(appliance: Appliance, params: dict[str, Any]) -> None:
    duplicate = _duplicate_name(appliance, params["name"], params["uri"])
    if duplicate is not None:
        raise duplicate
    fields = dict(params["fields"])
    fields["uplinkSets"] = [
        without_deleted_networks(appliance, entry) for entry in fields["uplinkSets"]
    ]
    fields["internalNetworkUris"] = [
        uri for uri in fields["internalNetworkUris"] if appliance.store.get(uri) is not None
    ]
    appliance.store.update(params["uri"], fields)
    li_state.group_changed(appliance, params["uri"])


@bp.delete("/rest/logical-interconnect-groups/{id}")
def delete_group(ctx: Ctx) -> Reply:
    """Delete a group no logical interconnect or enclosure group uses (202)."""
    current = ctx.appliance.store.require(ctx.path)
    require_current_etag(ctx, current)
    users = [li["uri"] for li in li_state.logical_interconnects_of_group(ctx.appliance, ctx.path)]
    users += [
        eg["uri"]
        for eg in ctx.appliance.store.iter("enclosure-groups")
        if any(
            isinstance(m, dict) and m.get("logicalInterconnectGroupUri") == ctx.path
            for m in eg.get("interconnectBayMappings") or []
        )
    ]
    if users:
        raise associated(
            "HAS_ASSOCIATED_RESOURCES",
            f"The logical interconnect group {current['name']} is in use and cannot be deleted.",
            users,
        )
    return _start(ctx, DELETE, {"uri": current["uri"], "name": current["name"]}, "Delete")


@bp.job(DELETE, duration=2.0, steps=["Deleting the group."])
def complete_delete(appliance: Appliance, params: dict[str, Any]) -> None:
    if appliance.store.get(params["uri"]) is not None:
        appliance.store.remove(params["uri"])


def _start(ctx: Ctx, kind: str, params: dict[str, Any], task_name: str) -> Reply:
    name = params["name"]
    return ctx.start_task(
        kind,
        params,
        name=task_name,
        resource_uri=params["uri"],
        resource_category=CATEGORY,
        resource_name=name,
        status=f"{task_name} logical interconnect group {name}.",
    )
