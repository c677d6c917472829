"""Rules shared by the networking resources (no routes here).

The ``type`` tables of the networking resources, the request checks every
networking write makes (names, enumerations, URI lists), the lookups of
ethernet networks by URI, the VLAN rules, and the view of pending jobs that
keeps two in-flight requests from claiming the same name. ``type`` strings are
checked by ``versions.check_type`` and eTags by ``conditional``, as for compute.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator.errors import ApiError, bad_request
from oneview_openstack.simulator.versions import TypeTable

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

Doc = dict[str, Any]

# ``type`` strings per API version, ascending (oneview-api.md §4).
ETHERNET_NETWORK_TYPES: TypeTable = [
    (0, "ethernet-networkV3"),
    (300, "ethernet-networkV300"),
    (600, "ethernet-networkV4"),
]
BULK_ETHERNET_TYPES: TypeTable = [
    (0, "bulk-ethernet-network"),
    (600, "bulk-ethernet-networkV1"),
    (1200, "bulk-ethernet-networkV2"),
]
NETWORK_SET_TYPES: TypeTable = [
    (0, "network-set"),
    (300, "network-setV300"),
    (600, "network-setV4"),
    (1200, "network-setV5"),
]
UPLINK_SET_TYPES: TypeTable = [
    (0, "uplink-setV3"),
    (300, "uplink-setV300"),
    (600, "uplink-setV4"),
    (1000, "uplink-setV5"),
    (1200, "uplink-setV6"),
    (1600, "uplink-setV7"),
]
LIG_TYPES: TypeTable = [
    (0, "logical-interconnect-groupV3"),
    (300, "logical-interconnect-groupV300"),
    (600, "logical-interconnect-groupV4"),
    (800, "logical-interconnect-groupV5"),
    (1000, "logical-interconnect-groupV6"),
    (1200, "logical-interconnect-groupV7"),
    (1400, "logical-interconnect-groupV8"),
]
LI_TYPES: TypeTable = [
    (0, "logical-interconnectV3"),
    (300, "logical-interconnectV300"),
    (600, "logical-interconnectV4"),
    (800, "logical-interconnectV5"),
    (1000, "logical-interconnectV6"),
    (1200, "logical-interconnectV7"),
    (1600, "logical-interconnectV8"),
]
ETHERNET_SETTINGS_TYPES: TypeTable = [
    (0, "EthernetInterconnectSettingsV3"),
    (300, "EthernetInterconnectSettingsV201"),
    (600, "EthernetInterconnectSettingsV4"),
    (1000, "EthernetInterconnectSettingsV5"),
    (1200, "EthernetInterconnectSettingsV6"),
    (1600, "EthernetInterconnectSettingsV7"),
]
CONNECTION_TEMPLATE_TYPES: TypeTable = [(0, "connection-template")]

ETHERNET_NETWORK_KINDS = ("Tagged", "Untagged", "Tunnel", "ImageStreamer")
VLAN_RANGE = (1, 4094)


# -- request checks ------------------------------------------------------------


def require_name(body: Doc, what: str) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request(
            "CRM_MISSING_NAME",
            f"The {what} name is missing.",
            details=f"Field name: got {name!r}; a non-empty string is required.",
        )
    return name


def choice(body: Doc, field: str, allowed: Iterable[str], default: str, what: str) -> str:
    allowed = tuple(allowed)
    value = body.get(field)
    if value is None:
        return default
    if value not in allowed:
        raise invalid_argument(field, value, f"one of {', '.join(allowed)}", what)
    return str(value)


def flag(body: Doc, field: str, default: bool, what: str) -> bool:
    value = body.get(field, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise invalid_argument(field, value, "true or false", what)
    return value


def invalid_argument(field: str, value: Any, allowed: str, what: str) -> ApiError:
    return bad_request(
        "CRM_DEFAULT_INVALID_ARGUMENT",
        f"The {what} field {field} has an invalid value {value!r}.",
        details=f"Field {field}: got {value!r}; allowed: {allowed}.",
    )


def uri_list(body: Doc, field: str, what: str) -> list[str]:
    """A list of URIs from the body (missing or null -> empty), duplicates dropped."""
    value = body.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid_argument(field, value, "a list of URI strings", what)
    return list(dict.fromkeys(value))


# -- ethernet networks ---------------------------------------------------------


def is_ethernet_uri(uri: Any) -> bool:
    return isinstance(uri, str) and uri.startswith("/rest/ethernet-networks/")


def ethernet_network(appliance: Appliance, uri: Any, field: str) -> Doc:
    """The ethernet network a body field names; 400 CRM_INVALID_NETWORK_URI if none."""
    doc = appliance.store.get(uri) if is_ethernet_uri(uri) else None
    if doc is None or doc.get("category") != "ethernet-networks":
        raise bad_request(
            "CRM_INVALID_NETWORK_URI",
            f"The network URI {uri!r} in {field} is not valid.",
            details=f"Field {field}: {uri!r} is not the URI of an existing ethernet network.",
        )
    return doc


def ethernet_networks(appliance: Appliance, uris: Iterable[str], field: str) -> list[Doc]:
    return [ethernet_network(appliance, uri, field) for uri in uris]


def without_deleted_networks(appliance: Appliance, fields: Doc) -> Doc:
    """``fields`` without the member networks deleted while its task ran.

    A native network that is no longer a member is dropped too.
    """
    members = [uri for uri in fields["networkUris"] if appliance.store.get(uri) is not None]
    native = fields.get("nativeNetworkUri")
    if native not in members:
        native = None
    return {**fields, "networkUris": members, "nativeNetworkUri": native}


def duplicate_vlans(networks: Iterable[Doc]) -> list[int]:
    """VLAN ids carried by more than one tagged network, sorted."""
    seen: set[int] = set()
    twice: set[int] = set()
    for net in networks:
        vlan = net.get("vlanId")
        if net.get("ethernetNetworkType", "Tagged") != "Tagged" or not isinstance(vlan, int):
            continue
        if vlan in seen:
            twice.add(vlan)
        seen.add(vlan)
    return sorted(twice)


def reject_duplicate_vlans(networks: list[Doc], error_code: str, where: str) -> None:
    vlans = duplicate_vlans(networks)
    if vlans:
        names = [n["name"] for n in networks if n.get("vlanId") in vlans]
        raise bad_request(
            error_code,
            f"The {where} contains duplicate VLAN IDs: {', '.join(map(str, vlans))}.",
            details=f"Networks sharing a VLAN ID: {', '.join(names)}.",
        )


def check_native(native: Any, members: list[str], field: str, what: str) -> str | None:
    if native in (None, ""):
        return None
    if native not in members:
        raise invalid_argument(field, native, f"null or one of the {what}'s networkUris", what)
    return str(native)


# -- names and pending work ----------------------------------------------------


def pending_params(appliance: Appliance, kinds: Iterable[str]) -> list[dict[str, Any]]:
    """Parameters of the jobs of these kinds that have not finished yet."""
    wanted = set(kinds)
    return [job["params"] for job in appliance.store.iter("_jobs") if job["kind"] in wanted]


def name_taken(
    appliance: Appliance,
    collection: str,
    name: str,
    *,
    pending_kinds: Iterable[str] = (),
    ignore_uri: str | None = None,
    within: tuple[str, str] | None = None,
) -> bool:
    """Whether ``name`` is used in ``collection`` or claimed by an unfinished job.

    ``within`` = (field, value) limits the scope (uplink set names are unique per LI).
    Job parameters claim names with ``name`` (or ``names``) and their scope with ``scope``.
    """
    for doc in appliance.store.iter(collection):
        if doc["uri"] == ignore_uri or doc.get("name") != name:
            continue
        if within is None or doc.get(within[0]) == within[1]:
            return True
    for params in pending_params(appliance, pending_kinds):
        if params.get("uri") == ignore_uri:
            continue
        claimed = params.get("names") or [params.get("name")]
        scope_ok = within is None or params.get("scope") == within[1]
        if name in claimed and scope_ok:
            return True
    return False


def associated(error_code: str, message: str, uris: list[str]) -> ApiError:
    return bad_request(error_code, message, details=f"Referenced by: {', '.join(sorted(uris))}.")
