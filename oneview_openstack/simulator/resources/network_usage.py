"""Who uses an ethernet network or a network set, and the clean-up when one goes.

Policy (oneview-api.md §11.5 leaves it open): a network or network set that a
server profile or profile template connection uses cannot be deleted (400
HAS_ASSOCIATED_RESOURCES, naming the profiles); anything else that refers to a
deleted network (uplink sets, network sets, LIG uplink sets, internal networks)
simply loses the reference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator.resources import li_state
from oneview_openstack.simulator.resources.networking import associated

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

Doc = dict[str, Any]
PROFILE_COLLECTIONS = ("server-profiles", "server-profile-templates")


def connections_of(profile: Doc) -> list[Doc]:
    """A profile's (or template's) connections, in the new or the API-300 shape."""
    settings = profile.get("connectionSettings")
    if isinstance(settings, dict) and isinstance(settings.get("connections"), list):
        connections = settings["connections"]
    else:
        connections = profile.get("connections") or []
    return [c for c in connections if isinstance(c, dict)]


def profiles_using(
    appliance: Appliance, uri: str, collection: str = "server-profiles"
) -> list[str]:
    return [
        doc["uri"]
        for doc in appliance.store.iter(collection)
        if any(c.get("networkUri") == uri for c in connections_of(doc))
    ]


def uplink_sets_using(appliance: Appliance, uri: str) -> list[str]:
    return [
        doc["uri"]
        for doc in appliance.store.iter("uplink-sets")
        if uri in (doc.get("networkUris") or []) or doc.get("nativeNetworkUri") == uri
    ]


def refuse_if_used_by_profiles(appliance: Appliance, uri: str) -> None:
    users = [u for c in PROFILE_COLLECTIONS for u in profiles_using(appliance, uri, c)]
    if users:
        doc = appliance.store.get(uri) or {}
        raise associated(
            "HAS_ASSOCIATED_RESOURCES",
            f"{doc.get('name', uri)} cannot be deleted while server profile connections use it.",
            users,
        )


def _without(uris: list[str] | None, uri: str) -> list[str]:
    return [u for u in uris or [] if u != uri]


def _drop_from(doc: Doc, uri: str) -> dict[str, Any] | None:
    """Changes removing ``uri`` from a doc's networkUris/nativeNetworkUri, or None."""
    if uri not in (doc.get("networkUris") or []) and doc.get("nativeNetworkUri") != uri:
        return None
    native = None if doc.get("nativeNetworkUri") == uri else doc.get("nativeNetworkUri")
    return {"networkUris": _without(doc.get("networkUris"), uri), "nativeNetworkUri": native}


def detach_network(appliance: Appliance, uri: str) -> None:
    """Remove every reference to a network that is being deleted."""
    store = appliance.store
    touched_lis: set[str] = set()
    for doc in list(store.iter("uplink-sets")):
        changes = _drop_from(doc, uri)
        if changes is not None:
            store.update(doc["uri"], changes)
            touched_lis.add(doc.get("logicalInterconnectUri", ""))
    for doc in list(store.iter("network-sets")):
        changes = _drop_from(doc, uri)
        if changes is not None:
            store.update(doc["uri"], changes)
    for lig in list(store.iter("logical-interconnect-groups")):
        if _detach_from_group(appliance, lig, uri):
            touched_lis.update(
                li["uri"] for li in li_state.logical_interconnects_of_group(appliance, lig["uri"])
            )
    for li in list(store.iter("logical-interconnects")):
        if uri in li_state.internal_networks(li):
            store.update(
                li["uri"], {"internalNetworkUris": _without(li["internalNetworkUris"], uri)}
            )
            touched_lis.add(li["uri"])
    for li_uri in touched_lis:
        li_state.refresh_consistency(appliance, li_uri)


def _detach_from_group(appliance: Appliance, lig: Doc, uri: str) -> bool:
    changed = False
    for entry in lig.get("uplinkSets") or []:
        changes = _drop_from(entry, uri)
        if changes is not None:
            entry.update(changes)
            changed = True
    if uri in (lig.get("internalNetworkUris") or []):
        lig["internalNetworkUris"] = _without(lig["internalNetworkUris"], uri)
        changed = True
    if changed:
        appliance.store.touch(lig["uri"])
    return changed
