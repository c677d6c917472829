"""Read-only helpers of server profiles and templates (hpeOneView's get_available_* & co).

``available-networks``, ``available-servers``, ``available-storage-system(s)``,
``profile-ports``, ``transformation`` (profile and template), ``messages`` and
``new-profile-template``. None of them changes anything.
"""

from __future__ import annotations

import copy
from typing import Any

from oneview_openstack.simulator.errors import bad_request
from oneview_openstack.simulator.resources import profile_model, profile_rules, profiles
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply

bp = Blueprint()

Doc = dict[str, Any]
SPT = "server-profile-templates"


def _reference(ctx: Ctx, name: str, collection: str) -> Doc | None:
    uri = ctx.arg(name)
    if not uri:
        return None
    doc = ctx.appliance.store.get(uri)
    if doc is None or not uri.startswith(f"/rest/{collection}/"):
        raise bad_request(
            "INVALID_RESOURCE_URI",
            f"The {name} {uri!r} does not name a resource.",
            details=f"Parameter {name}: the URI of one of /rest/{collection}.",
        )
    return doc


def _hardware_type(ctx: Ctx) -> Doc | None:
    server = _reference(ctx, "serverHardwareUri", "server-hardware")
    if server is not None:
        return ctx.appliance.store.get(server.get("serverHardwareTypeUri") or "")
    return _reference(ctx, "serverHardwareTypeUri", "server-hardware-types")


def _enclosure_group_uri(ctx: Ctx) -> str | None:
    server = _reference(ctx, "serverHardwareUri", "server-hardware")
    if server is not None:
        return server.get("serverGroupUri")
    group = _reference(ctx, "enclosureGroupUri", "enclosure-groups")
    return group["uri"] if group else None


def _network_entry(doc: Doc) -> Doc:
    entry = {
        "uri": doc["uri"],
        "name": doc.get("name"),
        "status": doc.get("status", "OK"),
        "accessible": True,
    }
    if doc.get("category") == "ethernet-networks":
        entry.update(
            vlan=doc.get("vlanId"),
            ethernetNetworkType=doc.get("ethernetNetworkType"),
            purpose=doc.get("purpose"),
            networkType="Ethernet",
        )
    else:
        entry.update(networkUris=doc.get("networkUris", []), networkType="NetworkSet")
    return entry


def _available_networks(ctx: Ctx, group_uri: str | None) -> Reply:
    view = ctx.arg("view")
    if view not in (None, "", "Ethernet", "FibreChannel"):
        raise bad_request(
            "INVALID_PARAMETER",
            f"The view {view!r} is not supported.",
            details="Parameter view: Ethernet or FibreChannel.",
        )
    hardware_type = _hardware_type(ctx)
    if hardware_type is not None and hardware_type.get("platform") == "Synergy" and not group_uri:
        raise bad_request(
            "INVALID_PARAMETER",
            "An enclosure group is required for a blade's available networks.",
            details="Give enclosureGroupUri (or serverHardwareUri) with a blade's hardware type.",
        )
    reachable = profile_rules.reachable_networks(ctx.appliance, group_uri)
    store = ctx.appliance.store
    ethernet = [
        _network_entry(n)
        for n in store.iter("ethernet-networks")
        if reachable is None or n["uri"] in reachable
    ]
    sets = [
        _network_entry(s)
        for s in store.iter("network-sets")
        if reachable is None or all(u in reachable for u in s.get("networkUris", []))
    ]
    if view == "FibreChannel":
        ethernet, sets = [], []
    return Reply(
        200,
        {
            "type": "AvailableNetworksV3",
            "ethernetNetworks": ethernet,
            "fcNetworks": [],
            "fcoeNetworks": [],
            "networkSets": sets,
            "serverHardwareTypeUri": hardware_type["uri"] if hardware_type else None,
            "enclosureGroupUri": group_uri,
        },
    )


@bp.get("/rest/server-profiles/available-networks")
def profile_available_networks(ctx: Ctx) -> Reply:
    """Networks and network sets a profile's connections may use (by enclosure group)."""
    return _available_networks(ctx, _enclosure_group_uri(ctx))


@bp.get(f"/rest/{SPT}/available-networks")
def template_available_networks(ctx: Ctx) -> Reply:
    """Networks and network sets a template's connections may use (by enclosure group)."""
    return _available_networks(ctx, _enclosure_group_uri(ctx))


@bp.get("/rest/server-profiles/available-servers")
def available_servers(ctx: Ctx) -> Reply:
    """Servers without a profile (or with ``profileUri``'s) of a group and hardware type."""
    group = _reference(ctx, "enclosureGroupUri", "enclosure-groups")
    hardware_type = _reference(ctx, "serverHardwareTypeUri", "server-hardware-types")
    profile_uri = ctx.arg("profileUri")
    store = ctx.appliance.store
    members = []
    for server in store.iter("server-hardware"):
        if server.get("serverProfileUri") not in (None, profile_uri):
            continue
        if group is not None and server.get("serverGroupUri") != group["uri"]:
            continue
        if (
            hardware_type is not None
            and server.get("serverHardwareTypeUri") != hardware_type["uri"]
        ):
            continue
        sht = store.get(server.get("serverHardwareTypeUri") or "") or {}
        members.append(
            {
                "serverHardwareUri": server["uri"],
                "name": server.get("name"),
                "serverHardwareTypeUri": server.get("serverHardwareTypeUri"),
                "serverHardwareTypeName": sht.get("name"),
                "enclosureGroupUri": server.get("serverGroupUri"),
                "enclosureUri": server.get("locationUri"),
                "enclosureBay": server.get("position"),
                "powerState": server.get("powerState"),
                "formFactor": server.get("formFactor"),
                "status": server.get("status"),
                "state": server.get("state"),
                "profileUri": server.get("serverProfileUri"),
                "profileName": None,
            }
        )
    return Reply(200, members)


def _storage_query_check(ctx: Ctx) -> None:
    _reference(ctx, "enclosureGroupUri", "enclosure-groups")
    _reference(ctx, "serverHardwareTypeUri", "server-hardware-types")


@bp.get("/rest/server-profiles/available-storage-systems")
def available_storage_systems(ctx: Ctx) -> Reply:
    """Storage systems a profile may attach volumes from: none (no SAN is simulated)."""
    _storage_query_check(ctx)
    return Reply(
        200,
        {
            "type": "AvailableStorageSystemsV3",
            "category": "available-storage-systems",
            "uri": "/rest/server-profiles/available-storage-systems",
            "start": 0,
            "count": 0,
            "total": 0,
            "prevPageUri": None,
            "nextPageUri": None,
            "members": [],
            "eTag": None,
            "created": None,
            "modified": None,
        },
    )


@bp.get("/rest/server-profiles/available-storage-system")
def available_storage_system(ctx: Ctx) -> Reply:
    """One storage system's availability: there are none to name (404)."""
    _storage_query_check(ctx)
    uri = ctx.arg("storageSystemId") or ""
    return Reply(404, _storage_not_found(uri))


def _storage_not_found(uri: str) -> Doc:
    return {
        "errorCode": "RESOURCE_NOT_FOUND",
        "message": "Resource not found.",
        "details": f"The storage system {uri!r} is not managed by this appliance.",
        "recommendedActions": ["Add the storage system to the appliance first."],
        "errorSource": None,
        "nestedErrors": [],
        "data": {},
    }


@bp.get("/rest/server-profiles/profile-ports")
def profile_ports(ctx: Ctx) -> Reply:
    """The ports (and FlexNICs) a profile of this hardware type can place connections on."""
    hardware_type = _hardware_type(ctx)
    if hardware_type is None:
        raise bad_request(
            "INVALID_PARAMETER",
            "A server hardware type is needed to list the profile ports.",
            details="Give serverHardwareTypeUri (and enclosureGroupUri) or serverHardwareUri.",
        )
    group_uri = _enclosure_group_uri(ctx)
    ports = []
    for adapter in hardware_type.get("adapters") or []:
        device = f"{adapter.get('location')} {adapter.get('slot')}"
        for port in adapter.get("ports") or []:
            functions = [v.get("portFunction") for v in port.get("virtualPorts") or []] or [""]
            for function in functions:
                suffix = f"-{function}" if function else ""
                ports.append(
                    {
                        "portId": f"{device}:{port.get('number')}{suffix}",
                        "type": port.get("type", "Ethernet"),
                        "bayNumber": port.get("mapping"),
                        "portNumber": port.get("number"),
                        "portFunction": function or None,
                        "maxSpeedMbps": port.get("maxSpeedMbps"),
                        "capabilities": adapter.get("capabilities"),
                    }
                )
    return Reply(
        200,
        {
            "type": "ProfilePortsV6",
            "serverHardwareTypeUri": hardware_type["uri"],
            "enclosureGroupUri": group_uri,
            "ports": ports,
        },
    )


def _transformed(ctx: Ctx, doc: Doc) -> Doc:
    """``doc`` moved to another hardware type / enclosure group: ports become Auto."""
    hardware_type = _reference(ctx, "serverHardwareTypeUri", "server-hardware-types")
    group = _reference(ctx, "enclosureGroupUri", "enclosure-groups")
    server = _reference(ctx, "serverHardwareUri", "server-hardware")
    new = copy.deepcopy(doc)
    if server is not None:
        new["serverHardwareUri"] = server["uri"]
        new["serverHardwareTypeUri"] = server.get("serverHardwareTypeUri")
        new["enclosureGroupUri"] = server.get("serverGroupUri")
    if hardware_type is not None:
        new["serverHardwareTypeUri"] = hardware_type["uri"]
    if group is not None:
        new["enclosureGroupUri"] = group["uri"]
    moved = new.get("serverHardwareTypeUri") != doc.get("serverHardwareTypeUri") or (
        new.get("enclosureGroupUri") != doc.get("enclosureGroupUri")
    )
    if moved:
        for connection in profile_model.connections_of(new):
            connection["portId"] = "Auto"
        if server is None and "serverHardwareUri" in new:
            new["serverHardwareUri"] = None
    return {
        "serverProfile" if doc.get("category") == "server-profiles" else "serverProfileTemplate": (
            ctx.render(new)
        ),
        "transformationResults": [
            {"message": "All connections were set to port Auto.", "type": "Informational"}
        ]
        if moved
        else [],
    }


@bp.get("/rest/server-profiles/{id}/transformation")
def profile_transformation(ctx: Ctx) -> Reply:
    """The profile as it would be on another hardware type / enclosure group / server."""
    return Reply(200, _transformed(ctx, profiles.require_profile(ctx)))


@bp.get(f"/rest/{SPT}/{{id}}/transformation")
def template_transformation(ctx: Ctx) -> Reply:
    """The template as it would be for another hardware type / enclosure group."""
    template = ctx.appliance.store.require(f"/rest/{SPT}/{ctx.params['id']}")
    return Reply(200, _transformed(ctx, template))


@bp.get("/rest/server-profiles/{id}/messages")
def profile_messages(ctx: Ctx) -> Reply:
    """Status messages of the profile's sections (none unless the profile is in error)."""
    profile = profiles.require_profile(ctx)
    messages = []
    if profile.get("status") not in (None, "OK"):
        messages.append(
            {
                "severity": profile.get("status"),
                "message": f"The server profile is {profile.get('state')}.",
            }
        )
    return Reply(
        200,
        {
            "serverHardware": [],
            "connections": [],
            "firmwareStatus": [],
            "bios": [],
            "localStorage": [],
            "sanStorage": [],
            "serverProfile": messages,
        },
    )


@bp.get("/rest/server-profiles/{id}/new-profile-template")
def new_profile_template(ctx: Ctx) -> Reply:
    """An unsaved template made from the profile (its sections, connections, types)."""
    profile = profiles.require_profile(ctx)
    template = profile_model.blank_template()
    for name in profile_model.SECTIONS:
        section = copy.deepcopy(profile.get(name) or {})
        section.pop("reapplyState", None)
        template[name] = {**(template.get(name) or {}), **section}
    for key in ("affinity", "macType", "wwnType", "serialNumberType", "hideUnusedFlexNics"):
        if key in profile:
            template[key] = profile[key]
    template.update(
        name=None,
        description=None,
        serverProfileDescription=profile.get("description") or "",
        serverHardwareTypeUri=profile.get("serverHardwareTypeUri"),
        enclosureGroupUri=profile.get("enclosureGroupUri"),
        uri=None,
        eTag=None,
        created=None,
        modified=None,
    )
    connections = []
    for number, connection in enumerate(profile_model.connections_of(profile), start=1):
        made = profile_model.template_connection(connection)
        made["id"] = connection.get("id", number)
        connections.append(made)
    template.setdefault("connectionSettings", {})["connections"] = connections
    return Reply(200, ctx.render(template))
