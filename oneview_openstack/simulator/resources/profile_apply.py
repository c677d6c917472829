"""Applying server profiles to hardware: connections, MACs, server states, the jobs.

Apply (create, edit, update from template): the profile shows ``Creating`` or
``Updating`` and ``inProgress``; its server shows ``ApplyingProfile`` with
``powerLock``; when the task completes the connections are ``Deployed``, the
profile ``Normal`` and the server ``ProfileApplied``. Delete: ``Deleting`` /
``RemovingProfile``, then the profile is gone and the server is
``NoProfileApplied``. A task that ends in Error undoes its synchronous part.
"""

from __future__ import annotations

import copy
import uuid
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator.errors import ApiError, conflict, not_found
from oneview_openstack.simulator.resources import (
    id_pools,
    ports,
    profile_bios,
    profile_firmware,
    profile_model,
    profile_storage,
)
from oneview_openstack.simulator.resources.profile_model import Compliance, ProfileState
from oneview_openstack.simulator.resources.server_hardware import ServerState
from oneview_openstack.simulator.router import Blueprint

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
APPLY_JOB = "server-profiles.apply"
APPLY_FIRMWARE_JOB = "server-profiles.apply-firmware"  # the same, installing a baseline first
DELETE_JOB = "server-profiles.delete"
REJECTED_JOB = "server-profiles.rejected"
DEFAULT_MBPS = "2500"
APPLY_STEPS = [
    "Set administrative server power lock for the server hardware.",
    "Apply connection settings.",
    "Apply local storage settings with initialization.",
    "Apply BIOS settings.",
    "Apply server settings.",
    "Power on server to discover boot sources.",
    "Power off server.",
    "Release administrative server power lock for the server hardware.",
]
FIRMWARE_STEPS = [
    APPLY_STEPS[0],
    "Boot server to the firmware baseline.",
    "Update firmware.",
    "Power off server.",
    *APPLY_STEPS[1:],
]


# -- identity and connections ----------------------------------------------------------


def assign_identity(
    appliance: Appliance, profile: Doc, profile_id: str, server: Doc | None
) -> None:
    """URI, UUID and serial number of a new profile."""
    profile["uri"] = f"/rest/server-profiles/{profile_id}"
    profile["uuid"] = profile_id
    profile["scopesUri"] = f"/rest/scopes/resources{profile['uri']}"
    if profile.get("serialNumberType") == "Virtual":
        profile["serialNumber"] = id_pools.next_serial(appliance)
    elif profile.get("serialNumberType") == "Physical":
        profile["serialNumber"] = (server or {}).get("serialNumber")
    serial = str(profile.get("serialNumber") or profile_id[:10]).lower()
    profile["iscsiInitiatorName"] = f"iqn.2015-02.com.hpe:oneview-{serial}"


def place_on_hardware(profile: Doc, server: Doc | None) -> None:
    """Fields a profile takes from the server it is assigned to (or drops when unassigned)."""
    if server is None:
        profile.update(serverHardwareUri=None, enclosureUri=None, enclosureBay=None)
        return
    profile.update(
        serverHardwareUri=server["uri"],
        serverHardwareTypeUri=profile.get("serverHardwareTypeUri")
        or server.get("serverHardwareTypeUri"),
        enclosureGroupUri=profile.get("enclosureGroupUri") or server.get("serverGroupUri"),
        enclosureUri=server.get("locationUri"),
        enclosureBay=server.get("position"),
    )


def prepare_connections(
    appliance: Appliance, profile: Doc, previous: Doc | None, server: Doc | None
) -> None:
    """Give every connection its id, port, MAC/WWN and computed fields.

    A connection keeping its id keeps its virtual MAC (MACs are immutable).
    """
    old_by_id = {c.get("id"): c for c in profile_model.connections_of(previous or {})}
    raw = profile_model.connections_of(profile)
    taken_ports = {c.get("portId") for c in raw if c.get("portId") not in (None, "Auto", "None")}
    connections = []
    for given, connection_id in zip(raw, profile_model.connection_ids(raw), strict=True):
        connection = _connection(appliance, given, old_by_id.get(connection_id), profile)
        connection["id"] = connection_id
        if server is not None:
            _attach_port(connection, server, taken_ports)
        connections.append(connection)
    profile["connectionSettings"]["connections"] = connections


def _connection(appliance: Appliance, given: Doc, old: Doc | None, profile: Doc) -> Doc:
    function_type = given.get("functionType", "Ethernet")
    mac_type = given.get("macType") or profile.get("macType")
    requested = given.get("requestedMbps")
    connection = {
        "name": given.get("name"),
        "functionType": function_type,
        "portId": given.get("portId") or "Auto",
        "networkUri": given.get("networkUri"),
        "networkName": None,
        "requestedMbps": DEFAULT_MBPS if requested in (None, "") else str(requested),
        "requestedVFs": str(given.get("requestedVFs", "0")),
        "allocatedVFs": 0,
        "boot": {"priority": "NotBootable", **copy.deepcopy(given.get("boot") or {})},
        "macType": mac_type,
        "mac": None,
        "wwpnType": profile.get("wwnType"),
        "wwnn": None,
        "wwpn": None,
        "lagName": given.get("lagName"),
        "ipv4": given.get("ipv4"),
        "managed": given.get("managed", True),
        "interconnectUri": None,
        "allocatedMbps": 0,
        "maximumMbps": 0,
        "state": "Reserved",
        "status": "OK",
    }
    if mac_type == "UserDefined":
        connection["mac"] = given.get("mac")
    elif mac_type == "Virtual" and function_type != "FibreChannel":
        kept = old is not None and old.get("macType") == "Virtual" and old.get("mac")
        connection["mac"] = old["mac"] if old is not None and kept else id_pools.next_mac(appliance)
    if function_type == "FibreChannel" and profile.get("wwnType") == "Virtual":
        kept = old is not None and old.get("wwpnType") == "Virtual" and old.get("wwpn")
        if old is not None and kept:
            connection.update(wwpn=old["wwpn"], wwnn=old["wwnn"])
        else:
            wwpn, wwnn = id_pools.next_wwpn(appliance)
            connection.update(wwpn=wwpn, wwnn=wwnn)
    return connection


def _attach_port(connection: Doc, server: Doc, taken: set[Any]) -> None:
    port_id = connection["portId"]
    if port_id == "None":
        return
    if port_id == "Auto":
        port = ports.auto_port(server, connection["functionType"], taken)
    else:
        port = ports.find_port(server, port_id)
    if port is None:
        return
    taken.add(port.port_id)
    requested = connection["requestedMbps"]
    connection.update(
        portId=port.port_id,
        interconnectUri=port.interconnect_uri,
        maximumMbps=port.max_mbps,
        allocatedMbps=int(requested) if str(requested).isdigit() else int(DEFAULT_MBPS),
    )
    if connection["macType"] == "Physical" and connection["functionType"] != "FibreChannel":
        connection["mac"] = port.mac
    if connection["functionType"] == "FibreChannel" and connection["wwpnType"] == "Physical":
        connection.update(wwpn=port.wwpn, wwnn=port.wwnn, mac=port.mac)


# -- server hardware states ---------------------------------------------------------


def lock_server(
    appliance: Appliance, server_uri: str, profile_uri: str, state: ServerState
) -> None:
    appliance.store.update(
        server_uri, {"state": state.value, "serverProfileUri": profile_uri, "powerLock": True}
    )


def settle_server(appliance: Appliance, server_uri: str, profile: Doc) -> None:
    """The server now runs ``profile``: ProfileApplied, lock released, virtual identity set."""
    if appliance.store.get(server_uri) is None:
        return
    virtual = profile.get("serialNumberType") == "Virtual"
    appliance.store.update(
        server_uri,
        {
            "state": ServerState.PROFILE_APPLIED.value,
            "serverProfileUri": profile["uri"],
            "powerLock": False,
            "virtualSerialNumber": profile.get("serialNumber") if virtual else "",
            "virtualUuid": profile.get("uuid") if virtual else None,
        },
    )
    _mark_bay(appliance, server_uri, profile["uri"])


def release_server(appliance: Appliance, server_uri: str | None, profile_uri: str) -> None:
    """The server no longer has ``profile_uri`` (if it still had it)."""
    server = appliance.store.get(server_uri) if server_uri else None
    if server is None or server.get("serverProfileUri") not in (profile_uri, None):
        return
    appliance.store.update(
        server["uri"],
        {
            "state": ServerState.NO_PROFILE_APPLIED.value,
            "serverProfileUri": None,
            "powerLock": False,
            "virtualSerialNumber": "",
            "virtualUuid": None,
        },
    )
    _mark_bay(appliance, server["uri"], None)


def _mark_bay(appliance: Appliance, server_uri: str, profile_uri: str | None) -> None:
    """The enclosure's device bays of the server show its profile ("" when none)."""
    server = appliance.store.require(server_uri)
    enclosure = appliance.store.get(server.get("locationUri") or "")
    if enclosure is None:
        return
    for bay in enclosure.get("deviceBays") or []:
        if bay.get("deviceUri") == server_uri:
            bay["profileUri"] = profile_uri or ""
        if bay.get("coveredByDevice") == server_uri:
            bay["coveredByProfile"] = profile_uri or ""
    appliance.store.touch(enclosure["uri"])


def compliance(appliance: Appliance, profile: Doc) -> str:
    template_uri = profile.get("serverProfileTemplateUri")
    template = appliance.store.get(template_uri) if template_uri else None
    if template is None:
        return Compliance.UNKNOWN.value
    if profile_model.template_differences(template, profile):
        return Compliance.NON_COMPLIANT.value
    return Compliance.COMPLIANT.value


def deploy(appliance: Appliance, profile: Doc) -> None:
    """Connections of an assigned profile are Deployed; the profile is Normal."""
    for connection in profile_model.connections_of(profile):
        placed = profile.get("serverHardwareUri") and connection.get("interconnectUri")
        connection["state"] = "Deployed" if placed else "Reserved"
    appliance.store.update(
        profile["uri"],
        {
            "state": ProfileState.NORMAL.value,
            "inProgress": False,
            "status": "OK",
            "templateCompliance": compliance(appliance, profile),
        },
    )


# -- jobs ----------------------------------------------------------------------------


@bp.job(APPLY_JOB, duration=120.0, steps=APPLY_STEPS)
def _finish_apply(appliance: Appliance, params: dict[str, Any]) -> None:
    profile = appliance.store.get(params["profile"])
    if params.get("released"):
        release_server(appliance, params["released"], params["profile"])
    if profile is None:
        release_server(appliance, params.get("server"), params["profile"])
        return
    if params.get("server"):
        configure_hardware(appliance, profile, params)
        settle_server(appliance, params["server"], profile)
    deploy(appliance, profile)


def configure_hardware(appliance: Appliance, profile: Doc, params: dict[str, Any]) -> None:
    """The server's firmware, BIOS and local storage as the profile configures them.

    Only the sections a task changed are applied (a new server, or a section
    that differs from the profile before the edit): an edit of the connections
    does not re-run the BIOS or re-create logical drives.
    """
    previous = params.get("previous") or {}
    moved = previous.get("serverHardwareUri") != params["server"]

    def changed(name: str) -> bool:
        old = profile_model.comparable_section(previous.get(name), name)
        return bool(moved or old != profile_model.comparable_section(profile.get(name), name))

    if changed("firmware"):
        profile_firmware.install(appliance, profile, params["server"])
    if changed("bios"):
        profile_bios.apply_profile_bios(appliance, profile, params["server"])
    if changed("localStorage"):
        profile_storage.apply_local_storage(appliance, profile, params["server"])
    profile_storage.number_drives(appliance, profile, params["server"])
    appliance.store.update(profile["uri"], {"localStorage": profile["localStorage"]})


bp.job(APPLY_FIRMWARE_JOB, duration=1560.0, steps=FIRMWARE_STEPS)(_finish_apply)


@bp.on_fail(APPLY_JOB)
def _undo_apply(appliance: Appliance, params: dict[str, Any], error: ApiError) -> None:
    uri = params["profile"]
    previous = params.get("previous")
    if previous is None:
        if appliance.store.get(uri) is not None:
            appliance.store.remove(uri)
        release_server(appliance, params.get("server"), uri)
        return
    if params.get("server") != previous.get("serverHardwareUri"):
        release_server(appliance, params.get("server"), uri)
    restored = {k: v for k, v in previous.items() if k not in ("eTag", "modified", "taskUri")}
    if appliance.store.get(uri) is None:
        return
    appliance.store.update(uri, {**restored, "inProgress": False})
    if previous.get("serverHardwareUri"):
        settle_server(appliance, previous["serverHardwareUri"], previous)


bp.on_fail(APPLY_FIRMWARE_JOB)(_undo_apply)


@bp.job(
    DELETE_JOB,
    duration=60.0,
    steps=APPLY_STEPS[:1] + ["Remove profile settings."] + APPLY_STEPS[-1:],
)
def _finish_delete(appliance: Appliance, params: dict[str, Any]) -> None:
    if appliance.store.get(params["profile"]) is not None:
        appliance.store.remove(params["profile"])
    release_server(appliance, params.get("server"), params["profile"])


@bp.on_fail(DELETE_JOB)
def _undo_delete(appliance: Appliance, params: dict[str, Any], error: ApiError) -> None:
    profile = appliance.store.get(params["profile"])
    if profile is None:
        return
    appliance.store.update(
        profile["uri"], {"state": ProfileState.NORMAL.value, "inProgress": False}
    )
    if params.get("server"):
        settle_server(appliance, params["server"], profile)


@bp.job(REJECTED_JOB, duration=2.0, steps=["Validate the server profile."])
def _rejected(appliance: Appliance, params: dict[str, Any]) -> None:
    """Never completes normally: a rejected request's task carries its error from the start."""


# -- other OneView users (operator API) -------------------------------------------------


def apply_foreign_profile(appliance: Appliance, server_uri: str, name: str) -> Doc:
    """Another user's profile lands on the server at once (no task of ours)."""
    server = appliance.store.require(server_uri)
    if server.get("serverProfileUri"):
        raise conflict(
            "ProfileAlreadyExistsInServer",
            f"A profile is already assigned to the server hardware {{{server_uri}}}.",
            details=f"Its profile is {server['serverProfileUri']}.",
        )
    if any(p.get("name") == name for p in appliance.store.iter("server-profiles")):
        raise conflict("DUPLICATED_PROFILE_NAME", f"The server profile name {name!r} is in use.")
    profile = profile_model.blank_profile()
    profile.update(name=name, description="Applied by another OneView user")
    profile["connectionSettings"]["manageConnections"] = False
    place_on_hardware(profile, server)
    assign_identity(appliance, profile, str(uuid.uuid4()), server)
    appliance.store.add(profile)
    settle_server(appliance, server_uri, profile)
    return profile


def remove_foreign_profile(appliance: Appliance, server_uri: str) -> None:
    """Another user removes the server's profile at once."""
    server = appliance.store.require(server_uri)
    profile_uri = server.get("serverProfileUri")
    if not profile_uri:
        raise not_found(f"{server_uri} (server profile)")
    if appliance.store.get(profile_uri) is not None:
        appliance.store.remove(profile_uri)
    release_server(appliance, server_uri, profile_uri)
