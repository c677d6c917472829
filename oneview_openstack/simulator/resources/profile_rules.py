"""What a server profile (or template) must satisfy (oneview-api.md §11.1-11.3).

Two kinds of failure, as on a real appliance:

- malformed requests and references to resources that do not exist are
  refused at once with 400 (``check_*`` raise ``ApiError``);
- everything the appliance finds while validating the configuration against
  the hardware ends the task in Error (``*_problem`` return the ``ApiError``
  that becomes the task's ``taskErrors[0]``, or None).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator.errors import ApiError, bad_reference, bad_request
from oneview_openstack.simulator.resources import (
    ports,
    profile_bios,
    profile_firmware,
    profile_model,
    profile_storage,
)
from oneview_openstack.simulator.resources.profile_model import connections_of

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

Doc = dict[str, Any]

ENUMS = {
    "affinity": ("Bay", "BayAndServer"),
    "macType": ("Physical", "Virtual", "UserDefined"),
    "wwnType": ("Physical", "Virtual", "UserDefined"),
    "serialNumberType": ("Physical", "Virtual", "UserDefined"),
}
BOOT_MODES = ("BIOS", "UEFI", "UEFIOptimized")
PXE_POLICIES = ("Auto", "IPv4", "IPv6", "IPv4ThenIPv6", "IPv6ThenIPv4")
BOOT_DEVICES = ("CD", "Floppy", "USB", "HardDisk", "PXE", "FibreChannelHba", "IscsiHba")
FUNCTION_TYPES = ("Ethernet", "FibreChannel", "iSCSI", "FCoE")
BOOT_PRIORITIES = ("Primary", "Secondary", "NotBootable", "LoadBalanced", "IscsiPrimary")
NETWORK_COLLECTIONS = ("ethernet-networks", "network-sets", "fc-networks", "fcoe-networks")
MIN_MBPS = 100
POWER_OFF_ACTION = "Power off the server hardware and try again."


# -- 400: malformed or dangling ---------------------------------------------------


def check_fields(appliance: Appliance, doc: Doc, what: str) -> None:
    """Types, enumerations and references of a profile or template (400 on failure)."""
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _invalid(what, "name", name, "a non-empty string")
    for field, allowed in ENUMS.items():
        rack_affinity = field == "affinity" and doc.get(field) is None  # rack servers have none
        if doc.get(field) not in allowed and not rack_affinity:
            raise _invalid(what, field, doc.get(field), ", ".join(allowed))
    if not isinstance(doc.get("hideUnusedFlexNics"), bool):
        raise _invalid(what, "hideUnusedFlexNics", doc.get("hideUnusedFlexNics"), "true, false")
    _check_boot_sections(doc, what)
    for field, collection in (
        ("serverHardwareUri", "server-hardware"),
        ("serverHardwareTypeUri", "server-hardware-types"),
        ("enclosureGroupUri", "enclosure-groups"),
        ("serverProfileTemplateUri", "server-profile-templates"),
    ):
        if doc.get(field) is not None:
            _reference(appliance, field, doc[field], (collection,))
    firmware = doc.get("firmware") or {}
    if firmware.get("firmwareBaselineUri"):
        _reference(
            appliance,
            "firmware.firmwareBaselineUri",
            firmware["firmwareBaselineUri"],
            ("firmware-drivers",),
        )
    for index, connection in enumerate(connections_of(doc)):
        _check_connection(appliance, connection, index, what)
    profile_bios.check_bios(appliance, doc, what)
    profile_storage.check_local_storage(appliance, doc)
    profile_firmware.check_firmware(doc)


def _check_boot_sections(doc: Doc, what: str) -> None:
    boot = doc.get("boot") or {}
    order = boot.get("order")
    if not isinstance(order, list) or not all(isinstance(item, str) for item in order):
        raise _invalid(what, "boot.order", order, "a list of boot device names")
    mode = doc.get("bootMode") or {}
    if mode.get("mode") is not None and mode.get("mode") not in BOOT_MODES:
        raise _invalid(what, "bootMode.mode", mode.get("mode"), ", ".join(BOOT_MODES))
    policy = mode.get("pxeBootPolicy")
    if policy is not None and policy not in PXE_POLICIES:
        raise _invalid(what, "bootMode.pxeBootPolicy", policy, ", ".join(PXE_POLICIES))


def _check_connection(appliance: Appliance, connection: Any, index: int, what: str) -> None:
    field = f"connections[{index}]"
    if not isinstance(connection, dict):
        raise _invalid(what, field, connection, "a JSON object")
    if connection.get("functionType", "Ethernet") not in FUNCTION_TYPES:
        raise _invalid(
            what, f"{field}.functionType", connection.get("functionType"), ", ".join(FUNCTION_TYPES)
        )
    if not ports.is_valid_syntax(connection.get("portId", "Auto")):
        raise _invalid(
            what,
            f"{field}.portId",
            connection.get("portId"),
            "Auto, None, or '<location> <slot>:<port>[-<function>]' like 'Mezz 3:1-a'",
        )
    boot = connection.get("boot")
    if boot is not None and not isinstance(boot, dict):
        raise _invalid(what, f"{field}.boot", boot, "a JSON object")
    priority = (boot or {}).get("priority", "NotBootable")
    if priority not in BOOT_PRIORITIES:
        raise _invalid(what, f"{field}.boot.priority", priority, ", ".join(BOOT_PRIORITIES))
    if connection.get("macType") not in (None, *ENUMS["macType"]):
        raise _invalid(
            what, f"{field}.macType", connection.get("macType"), ", ".join(ENUMS["macType"])
        )
    network = connection.get("networkUri")
    if network is None:
        raise _invalid(what, f"{field}.networkUri", network, "the URI of a network or network set")
    _reference(appliance, f"{field}.networkUri", network, NETWORK_COLLECTIONS)
    _check_network_kind(connection, field)


# What each functionType may connect to: Fibre Channel to an FC network only,
# Ethernet to an ethernet network or a network set.
NETWORKS_OF_FUNCTION = {
    "Ethernet": ("ethernet-networks", "network-sets"),
    "FibreChannel": ("fc-networks",),
    "FCoE": ("fcoe-networks",),
    "iSCSI": ("ethernet-networks",),
}


def _check_network_kind(connection: Doc, field: str) -> None:
    function_type = connection.get("functionType", "Ethernet")
    allowed = NETWORKS_OF_FUNCTION[function_type]
    network = str(connection["networkUri"])
    if not any(network.startswith(f"/rest/{collection}/") for collection in allowed):
        raise ApiError(
            400,
            "INVALID_NETWORK_TYPE_FOR_CONNECTION",
            f"The network {network} of {field} cannot be used by a {function_type} connection.",
            details=f"Field {field}.networkUri: a {function_type} connection needs one of: "
            f"{', '.join(allowed)}.",
            recommended_actions=[f"Select a network of a type a {function_type} connection uses."],
        )


def _reference(appliance: Appliance, field: str, uri: Any, collections: tuple[str, ...]) -> None:
    if not isinstance(uri, str) or not any(uri.startswith(f"/rest/{c}/") for c in collections):
        raise bad_reference(field, uri)
    if appliance.store.get(uri) is None:
        raise bad_reference(field, uri)


def _invalid(what: str, field: str, value: Any, allowed: str) -> ApiError:
    return bad_request(
        "INVALID_PARAMETER",
        f"The {what} field {field} has the invalid value {value!r}.",
        details=f"Field {field}: {value!r}. Allowed: {allowed}.",
    )


# -- task errors ---------------------------------------------------------------


def hardware_label(server: Doc) -> str:
    return json.dumps({"name": server.get("name"), "uri": server.get("uri")})


def name_problem(appliance: Appliance, profile: Doc) -> ApiError | None:
    for other in appliance.store.iter("server-profiles"):
        if other.get("name") == profile["name"] and other.get("uri") != profile.get("uri"):
            return ApiError(
                400,
                "DUPLICATED_PROFILE_NAME",
                f"The server profile name {profile['name']!r} is already in use.",
                details=f"The profile {other['uri']} has the name {profile['name']!r}.",
                recommended_actions=["Choose a unique name for the server profile."],
            )
    return None


def hardware_problem(profile: Doc, server: Doc, forced: set[str]) -> ApiError | None:
    """Can ``profile`` be assigned to ``server`` at all (ignoring power)?"""
    assigned = server.get("serverProfileUri")
    if assigned and assigned != profile.get("uri"):
        return ApiError(
            400,
            "ProfileAlreadyExistsInServer",
            f"A profile is already assigned to the server hardware {{{server['uri']}}}.",
            details=f"The server hardware {hardware_label(server)} has the profile {assigned}.",
            recommended_actions=["Select server hardware without a server profile."],
        )
    if profile.get("serverHardwareTypeUri") != server.get("serverHardwareTypeUri"):
        return ApiError(
            400,
            "INVALID_PARAMETER_SH_NOT_MATCH_SHT",
            "The server hardware does not match the server hardware type of the profile.",
            details=(
                f"The server hardware {hardware_label(server)} has the type "
                f"{server.get('serverHardwareTypeUri')}; the profile asks for "
                f"{profile.get('serverHardwareTypeUri')}."
            ),
            recommended_actions=["Select server hardware of the profile's server hardware type."],
        )
    if profile.get("enclosureGroupUri") != server.get("serverGroupUri"):
        return ApiError(
            400,
            "INVALID_PARAMETER_SH_NOT_MATCH_EG",
            "The server hardware does not belong to the enclosure group of the profile.",
            details=(
                f"The server hardware {hardware_label(server)} is in the enclosure group "
                f"{server.get('serverGroupUri')}; the profile asks for "
                f"{profile.get('enclosureGroupUri')}."
            ),
            recommended_actions=["Select server hardware in the profile's enclosure group."],
        )
    if server.get("status") == "Critical" and not forced & {"ignoreserverhealth", "all"}:
        return ApiError(
            400,
            "SERVER_HARDWARE_HEALTH_CRITICAL",
            f"The server hardware {hardware_label(server)} is in a critical health state.",
            details="Profiles are not applied to critical server hardware unless forced.",
            recommended_actions=[
                "Resolve the hardware issue, or retry with force=ignoreServerHealth."
            ],
        )
    return None


def needs_power_off(profile: Doc) -> bool:
    """Does applying ``profile`` configure anything only a powered-off server accepts?"""
    settings = profile.get("connectionSettings") or {}
    return bool(
        (settings.get("manageConnections", True) and connections_of(profile))
        or (profile.get("boot") or {}).get("manageBoot")
        or (profile.get("bootMode") or {}).get("manageMode")
        or (profile.get("bios") or {}).get("manageBios")
        or (profile.get("firmware") or {}).get("manageFirmware")
        or (profile.get("sanStorage") or {}).get("manageSanStorage")
        or (profile.get("localStorage") or {}).get("controllers")
        or (profile.get("localStorage") or {}).get("sasLogicalJBODs")
    )


def server_not_off(server: Doc) -> ApiError:
    return ApiError(
        400,
        "SERVER_NOT_OFF",
        f"The server hardware {hardware_label(server)} must be powered off to apply the "
        "server profile.",
        details=f"powerState is {server.get('powerState')}.",
        recommended_actions=[POWER_OFF_ACTION],
    )


def profile_edit_while_on(server: Doc, changes: list[str]) -> ApiError:
    return ApiError(
        400,
        "ServerNotOffProfileEdit",
        f"The profile operation did not succeed because server hardware {hardware_label(server)} "
        "is powered on. Some server profile attributes cannot be changed while the server "
        "hardware is powered on.",
        details="Changes that need the server powered off: " + " ".join(changes),
        recommended_actions=[POWER_OFF_ACTION],
    )


def unassign_while_on(server: Doc) -> ApiError:
    return ApiError(
        400,
        "ServerNotOffUnassigningGen9AndNewer",
        f"The server profile cannot be removed from server hardware {hardware_label(server)} "
        "while it is powered on.",
        details=f"powerState is {server.get('powerState')}.",
        recommended_actions=[POWER_OFF_ACTION + " Or delete the profile with force=true."],
    )


def configuration_problem(
    appliance: Appliance, profile: Doc, server: Doc | None, reachable: set[str] | None
) -> ApiError | None:
    """Boot settings, connections and networks (checked in the order OneView reports them)."""
    for check in (_boot_order_problem, _boot_connection_problem, _mac_type_problem):
        error = check(profile)
        if error is not None:
            return error
    for connection in connections_of(profile):
        error = _bandwidth_problem(connection, server)
        if error is None and server is not None:
            error = _port_problem(connection, server)
        if error is None and reachable is not None:
            error = _network_problem(connection, reachable, profile)
        if error is None and server is not None:
            error = fc_fabric_problem(appliance, connection, server)
        if error is not None:
            return error
    if server is None:
        return None
    return profile_firmware.firmware_problem(profile, server) or profile_storage.storage_problem(
        appliance, profile, server
    )


def fc_fabric_problem(appliance: Appliance, connection: Doc, server: Doc) -> ApiError | None:
    """An FC connection on a given port needs its FC network on an uplink set of the
    interconnect that port reaches (SAN-A and SAN-B are separate fabrics)."""
    port_id = connection.get("portId", "Auto")
    if connection.get("functionType") != "FibreChannel" or port_id in ports.SPECIAL_PORT_IDS:
        return None
    port = ports.find_port(server, str(port_id))
    if port is None or port.interconnect_uri is None:
        return None
    network = connection.get("networkUri")
    for uplink_set in appliance.store.iter("uplink-sets"):
        if network in (uplink_set.get("fcNetworkUris") or []) and any(
            str(info.get("portUri")).startswith(f"{port.interconnect_uri}/ports/")
            for info in uplink_set.get("portConfigInfos") or []
        ):
            return None
    return ApiError(
        400,
        "NETWORK_NOT_AVAILABLE",
        f"The FC network {network} of connection {connection.get('name')} is not available on "
        f"port {port_id}: no uplink set of its interconnect {port.interconnect_uri} carries it.",
        details="A Fibre Channel connection reaches only the SAN fabric of the interconnect "
        "its adapter port is wired to.",
        recommended_actions=["Use the port wired to the interconnect that carries the network."],
    )


def _boot_order_problem(profile: Doc) -> ApiError | None:
    order = (profile.get("boot") or {}).get("order") or []
    duplicates = sorted(d for d, n in Counter(order).items() if n > 1)
    unknown = [d for d in order if d not in BOOT_DEVICES]
    if not duplicates and not unknown:
        return None
    return ApiError(
        400,
        "DUPLICATE_BOOT_ORDER",
        "The boot order list contains invalid or duplicate values.",
        details=(
            f"boot.order {order!r}: duplicates {duplicates}, unknown {unknown}. "
            f"Allowed devices, each at most once: {', '.join(BOOT_DEVICES)}."
        ),
    )


def _boot_connection_problem(profile: Doc) -> ApiError | None:
    by_type: dict[str, Counter[str]] = {}
    for connection in connections_of(profile):
        priority = (connection.get("boot") or {}).get("priority", "NotBootable")
        by_type.setdefault(connection.get("functionType", "Ethernet"), Counter())[priority] += 1
    for function_type, counts in by_type.items():
        if counts["Primary"] > 1:
            return _boot_error("DUPLICATE_PRIMARY_BOOT_CONNECTION", "Primary", function_type)
        if counts["Secondary"] > 1:
            return _boot_error("DUPLICATE_SECONDARY_BOOT_CONNECTION", "Secondary", function_type)
        if counts["Secondary"] and not counts["Primary"]:
            return ApiError(
                400,
                "INVALID_SECONDARY_BOOT_CONNECTION",
                'There is a "Secondary" boot connection without a matching "Primary" boot '
                "connection of the same function type.",
                details=f"Function type {function_type}: add a Primary boot connection.",
            )
    return None


def _boot_error(code: str, priority: str, function_type: str) -> ApiError:
    return ApiError(
        400,
        code,
        f'More than one {function_type} connection has the boot priority "{priority}".',
        details=f"Only one {function_type} connection may be {priority}.",
    )


def _mac_type_problem(profile: Doc) -> ApiError | None:
    for connection in connections_of(profile):
        given = connection.get("macType")
        if given not in (None, "UserDefined", profile.get("macType")):
            return ApiError(
                400,
                "MacTypeDiffGlobalMacType",
                "When macType is not user defined, mac type should be same as the global Mac "
                f"assignment {profile.get('macType')}.",
                details=f"Connection {connection.get('id')} has macType {given!r}.",
            )
    return None


def _bandwidth_problem(connection: Doc, server: Doc | None) -> ApiError | None:
    requested = connection.get("requestedMbps")
    if requested in (None, "Auto"):
        return None
    maximum = 20000
    if server is not None:
        port = ports.find_port(server, str(connection.get("portId")))
        maximum = port.max_mbps if port else maximum
    try:
        mbps = int(requested)
    except (TypeError, ValueError):
        mbps = -1
    if MIN_MBPS <= mbps <= maximum:
        return None
    return ApiError(
        400,
        "INVALID_REQUESTED_BANDWIDTH",
        f"The requested bandwidth {requested!r} of connection {connection.get('id')} is not valid.",
        details=f"requestedMbps must be a number of Mbps from {MIN_MBPS} to {maximum}.",
    )


def _port_problem(connection: Doc, server: Doc) -> ApiError | None:
    port_id = connection.get("portId", "Auto")
    if port_id in ports.SPECIAL_PORT_IDS and ports.server_ports(server):
        return None
    if port_id != "None" and ports.find_port(server, port_id) is None:
        available = ", ".join(p.port_id for p in ports.server_ports(server)) or "none"
        return ApiError(
            400,
            "INVALID_PORT_ID",
            f"The port {port_id!r} of connection {connection.get('id')} does not exist on the "
            f"server hardware {hardware_label(server)}.",
            details=f"Ports of this server: {available}.",
        )
    return None


def _network_problem(connection: Doc, reachable: set[str], profile: Doc) -> ApiError | None:
    network = connection.get("networkUri")
    if network in reachable:
        return None
    return ApiError(
        400,
        "NETWORK_NOT_AVAILABLE",
        f"The network {network} of connection {connection.get('id')} is not available to the "
        f"enclosure group {profile.get('enclosureGroupUri')}.",
        details="No uplink set or internal network of the enclosure group's logical "
        "interconnects carries this network.",
        recommended_actions=["Add the network to an uplink set of the logical interconnect."],
    )


def reachable_networks(appliance: Appliance, enclosure_group_uri: str | None) -> set[str] | None:
    """Networks the enclosure group's logical interconnects carry; None (rack servers, no
    enclosure group) means there is nothing to check."""
    if not enclosure_group_uri:
        return None
    from oneview_openstack.simulator.resources.uplink_sets import reachable_network_uris

    return reachable_network_uris(appliance, enclosure_group_uri)


def changes_needing_power_off(old: Doc, new: Doc) -> list[str]:
    return profile_model.section_changes(old, new)
