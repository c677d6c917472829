"""What a logical interconnect holds and how it compares with its group.

A logical interconnect (LI) carries networks through its uplink sets and its
internal networks. Its logical interconnect group (LIG) describes what it should
carry. ``consistencyStatus``:

- a LIG change makes every LI of the group NOT_CONSISTENT;
- a change made on the LI itself (uplink set create/update/delete, internal
  networks) sets it by comparison: CONSISTENT when the LI now carries exactly
  what its group describes, NOT_CONSISTENT otherwise;
- PUT {li}/compliance copies the group onto the LI and sets CONSISTENT.

What is compared: the uplink sets, the internal networks, the group's ethernet
settings (``COPIED_ETHERNET_SETTINGS``) and its SNMP, QoS and telemetry sections
(``GROUP_SECTIONS``, without their identity fields), so a settings change on the LI
alone makes it NOT_CONSISTENT and setting it back makes it CONSISTENT again.

Internal networks are kept in the stored LI as ``internalNetworkUris`` (the
renderer hides the field; clients read them through ``internalVlans``).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

Doc = dict[str, Any]
CONSISTENT, NOT_CONSISTENT = "CONSISTENT", "NOT_CONSISTENT"
GROUP_SECTIONS = ("snmpConfiguration", "qosConfiguration", "telemetryConfiguration")
IDENTITY_FIELDS = frozenset(
    ("type", "uri", "id", "name", "dependentResourceUri", "category", "eTag", "created",
     "modified", "description", "state", "status")
)  # fmt: skip
UplinkView = dict[str, tuple[str, frozenset[str], str | None]]
COPIED_ETHERNET_SETTINGS = (
    "enableIgmpSnooping",
    "igmpIdleTimeoutInterval",
    "enableFastMacCacheFailover",
    "macRefreshInterval",
    "enableNetworkLoopProtection",
    "enablePauseFloodProtection",
    "enableRichTLV",
    "enableTaggedLldp",
)


def uplink_sets_of(appliance: Appliance, li_uri: str) -> list[Doc]:
    return [
        doc
        for doc in appliance.store.iter("uplink-sets")
        if doc.get("logicalInterconnectUri") == li_uri
    ]


def logical_interconnects_of_group(appliance: Appliance, lig_uri: str) -> list[Doc]:
    return [
        doc
        for doc in appliance.store.iter("logical-interconnects")
        if doc.get("logicalInterconnectGroupUri") == lig_uri
    ]


def internal_networks(li: Doc) -> list[str]:
    return list(li.get("internalNetworkUris") or [])


def _view(entries: list[Doc]) -> UplinkView:
    """Uplink sets by name: (ethernetNetworkType, networks, native network)."""
    return {
        entry.get("name", ""): (
            entry.get("ethernetNetworkType", "Tagged"),
            frozenset(entry.get("networkUris") or []),
            entry.get("nativeNetworkUri"),
        )
        for entry in entries
        if entry.get("networkType", "Ethernet") == "Ethernet"
    }


def matches_group(appliance: Appliance, li: Doc) -> bool:
    """Whether the LI carries exactly what its group describes."""
    group = appliance.store.get(li.get("logicalInterconnectGroupUri") or "")
    if group is None:
        return True
    same_uplinks = _view(group.get("uplinkSets") or []) == _view(
        uplink_sets_of(appliance, li["uri"])
    )
    same_internal = set(group.get("internalNetworkUris") or []) == set(internal_networks(li))
    return same_uplinks and same_internal and _settings_view(group) == _settings_view(li)


def _settings_view(doc: Doc) -> Doc:
    ethernet = doc.get("ethernetSettings") or {}
    view: Doc = {field: ethernet.get(field) for field in COPIED_ETHERNET_SETTINGS}
    for section in GROUP_SECTIONS:
        value = doc.get(section) or {}
        view[section] = {k: v for k, v in value.items() if k not in IDENTITY_FIELDS}
    return view


def set_consistency(appliance: Appliance, li_uri: str, status: str) -> None:
    li = appliance.store.get(li_uri)
    if li is not None and li.get("consistencyStatus") != status:
        appliance.store.update(li_uri, {"consistencyStatus": status})


def refresh_consistency(appliance: Appliance, li_uri: str) -> None:
    """After a change on the LI itself: consistent iff it matches its group."""
    li = appliance.store.get(li_uri)
    if li is not None:
        status = CONSISTENT if matches_group(appliance, li) else NOT_CONSISTENT
        set_consistency(appliance, li_uri, status)


def group_changed(appliance: Appliance, lig_uri: str) -> None:
    for li in logical_interconnects_of_group(appliance, lig_uri):
        set_consistency(appliance, li["uri"], NOT_CONSISTENT)


def uplink_set_document(
    uri: str, li_uri: str, name: str, fields: Doc, port_config_infos: list[Doc] | None = None
) -> Doc:
    """A stored uplink set; ``fields`` holds the validated network fields."""
    return {
        "type": "uplink-setV7",
        "category": "uplink-sets",
        "uri": uri,
        "name": name,
        "description": fields.get("description"),
        "status": "OK",
        "state": "Normal",
        "reachability": "Reachable",
        "logicalInterconnectUri": li_uri,
        "networkType": "Ethernet",
        "ethernetNetworkType": fields.get("ethernetNetworkType", "Tagged"),
        "connectionMode": fields.get("connectionMode", "Auto"),
        "lacpTimer": fields.get("lacpTimer", "Short"),
        "networkUris": list(fields.get("networkUris") or []),
        "fcNetworkUris": [],
        "fcoeNetworkUris": [],
        "nativeNetworkUri": fields.get("nativeNetworkUri"),
        "manualLoginRedistributionState": "NotSupported",
        "primaryPortLocation": None,
        "privateVlanDomains": [],
        "portConfigInfos": list(port_config_infos or []),
        "scopesUri": f"/rest/scopes/resources{uri}",
    }


def apply_group(appliance: Appliance, li_uri: str) -> None:
    """Update from group: the LI's uplink sets and internal networks become the group's."""
    store = appliance.store
    li = store.require(li_uri)
    group = store.get(li.get("logicalInterconnectGroupUri") or "")
    if group is not None:
        _copy_uplink_sets(appliance, li_uri, group)
        existing = [uri for uri in group.get("internalNetworkUris") or [] if store.get(uri)]
        settings = dict(li.get("ethernetSettings") or {})
        for field in COPIED_ETHERNET_SETTINGS:
            if field in (group.get("ethernetSettings") or {}):
                settings[field] = group["ethernetSettings"][field]
        sections = {
            section: {
                **(li.get(section) or {}),
                **{k: v for k, v in (group.get(section) or {}).items() if k not in IDENTITY_FIELDS},
            }
            for section in GROUP_SECTIONS
            if group.get(section) is not None
        }
        store.update(
            li_uri,
            {"internalNetworkUris": existing, "ethernetSettings": settings, **sections},
        )
    set_consistency(appliance, li_uri, CONSISTENT)


def _copy_uplink_sets(appliance: Appliance, li_uri: str, group: Doc) -> None:
    store = appliance.store
    wanted = {
        entry.get("name"): entry
        for entry in group.get("uplinkSets") or []
        if entry.get("networkType", "Ethernet") == "Ethernet"
    }
    for doc in uplink_sets_of(appliance, li_uri):
        if doc.get("networkType", "Ethernet") != "Ethernet":
            continue
        entry = wanted.pop(doc.get("name"), None)
        if entry is None:
            store.remove(doc["uri"])
        else:
            store.update(doc["uri"], _fields_from_group(appliance, entry))
    for name, entry in wanted.items():
        uri = f"/rest/uplink-sets/{uuid.uuid4()}"
        store.add(uplink_set_document(uri, li_uri, name, _fields_from_group(appliance, entry)))


def _fields_from_group(appliance: Appliance, entry: Doc) -> Doc:
    networks = [uri for uri in entry.get("networkUris") or [] if appliance.store.get(uri)]
    native = entry.get("nativeNetworkUri")
    return {
        "ethernetNetworkType": entry.get("ethernetNetworkType", "Tagged"),
        "connectionMode": entry.get("mode", "Auto"),
        "lacpTimer": entry.get("lacpTimer", "Short"),
        "networkUris": networks,
        "nativeNetworkUri": native if native in networks else None,
    }


def logical_interconnects_of_enclosure_group(appliance: Appliance, eg_uri: str) -> list[Doc]:
    """The LIs serving an enclosure group's enclosures.

    An LI belongs to the group when one of its ``enclosureUris`` is an enclosure of the
    group; an LI without enclosures belongs when its LIG is mapped by the group's
    ``interconnectBayMappings``.
    """
    store = appliance.store
    group = store.get(eg_uri) or {}
    groups = {
        mapping.get("logicalInterconnectGroupUri")
        for mapping in group.get("interconnectBayMappings") or []
        if isinstance(mapping, dict)
    }
    enclosures = {
        doc["uri"] for doc in store.iter("enclosures") if doc.get("enclosureGroupUri") == eg_uri
    }
    chosen = []
    for li in store.iter("logical-interconnects"):
        own = set(li.get("enclosureUris") or [])
        if (own and enclosures and own & enclosures) or (
            not (own and enclosures) and li.get("logicalInterconnectGroupUri") in groups
        ):
            chosen.append(li)
    return chosen
