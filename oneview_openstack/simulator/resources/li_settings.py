"""A logical interconnect's settings sub-resources, firmware, MAC table and validation.

- ``igmpSettings``, ``portFlapSettings``, ``snmp-configuration``, ``port-monitor``,
  ``qos-aggregated-configuration``, ``telemetry-configurations/{id}``: GET the
  section, PUT a change (202; one change at a time per LI, as for the other LI
  writes). A section the seed did not store answers its appliance defaults.
  ``igmpSettings`` shares ``enableIgmpSnooping``/``igmpIdleTimeoutInterval`` with
  ``ethernetSettings``; ``settings`` (PUT, 202) changes ethernet settings too.
  After each change the LI is compared with its group (``li_state``).
- ``firmware`` GET (LIFirmware) and PUT (Stage/Activate/Update from a baseline, 202).
- ``forwarding-information-base`` GET (the MACs the profiles' connections put on
  the LI's enclosures; filterable) and POST (a dump file, 200).
- ``unassignedUplinkPortsForPortMonitor`` / ``unassignedPortsForPortMonitor``.
- ``POST /rest/logical-interconnects/bulk-inconsistency-validation`` (200 report).
- ``PATCH {li}``: ``replace`` of ``/scopeUris`` (202), the only attribute of an LI a
  client may patch; its scopes are kept as for any resource (``scopes``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import bad_reference, bad_request, not_found
from oneview_openstack.simulator.resources import li_state, scopes
from oneview_openstack.simulator.resources.conditional import require_current_etag
from oneview_openstack.simulator.resources.interconnects import (
    CATEGORY,
    ETHERNET_SETTINGS_FIXED,
    LI_NOT_FOUND,
    logical_interconnect,
    start_change,
    telemetry_uri,
)
from oneview_openstack.simulator.resources.networking import invalid_argument
from oneview_openstack.simulator.router import Blueprint, Ctx, Handler, Reply

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
BASE = "/rest/logical-interconnects/{id}"
SECTION_JOB, FIRMWARE_JOB, SCOPES_JOB = (
    f"{CATEGORY}.{op}" for op in ("section", "firmware", "scopes")
)
FIXED = frozenset(("type", "uri", "id", "name", "dependentResourceUri", "category", "eTag"))
IGMP_SHARED = ("enableIgmpSnooping", "igmpIdleTimeoutInterval")
MONITOR_MODES = ("MonitorToServer", "MonitorFromServer", "MonitorBoth")
QOS_CONFIG_TYPES = ("Passthrough", "CustomNoFCoE", "CustomWithFCoE")
FIRMWARE_COMMANDS = ("Stage", "Activate", "Update")


@dataclass(frozen=True)
class Section:
    """One settings sub-resource: where the LI keeps it and what it holds by default."""

    path: str  # under the LI
    stored: str  # its field in the stored LI
    type: str
    defaults: Doc
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)


SECTIONS = {
    section.path: section
    for section in (
        Section(
            "igmpSettings",
            "igmpSettings",
            "IgmpSettings",
            {
                "enableIgmpSnooping": False,
                "igmpIdleTimeoutInterval": 260,
                "igmpSnoopingVlanIds": "",
                "enablePreventFlooding": True,
                "enableProxyReporting": True,
                "consistencyChecking": "ExactMatch",
            },
            {"consistencyChecking": ("ExactMatch", "NotChecked")},
        ),
        Section(
            "portFlapSettings",
            "portFlapProtection",
            "portFlapProtection",
            {
                "portFlapProtectionMode": "Detect",
                "portFlapThresholdPerInterval": 2,
                "detectionInterval": 20,
                "noOfSamplesDeclareFailures": 2,
                "consistencyChecking": "ExactMatch",
            },
            {
                "portFlapProtectionMode": ("Detect", "DetectAndDisable"),
                "consistencyChecking": ("ExactMatch", "NotChecked"),
            },
        ),
        Section(
            "snmp-configuration",
            "snmpConfiguration",
            "snmp-configuration",
            {"enabled": True, "readCommunity": "public", "trapDestinations": [], "snmpAccess": []},
        ),
        Section(
            "port-monitor",
            "portMonitor",
            "port-monitor",
            {"enablePortMonitor": False, "analyzerPort": None, "monitoredPorts": []},
        ),
        Section(
            "qos-aggregated-configuration",
            "qosConfiguration",
            "qos-aggregated-configuration",
            {
                "activeQosConfig": {"type": "QosConfiguration", "configType": "Passthrough"},
                "inactiveFCoEQosConfig": None,
                "inactiveNonFCoEQosConfig": None,
            },
        ),
        Section(
            "telemetry-configurations",
            "telemetryConfiguration",
            "telemetry-configuration",
            {"enableTelemetry": True, "sampleCount": 12, "sampleInterval": 300},
        ),
    )
}


def section_document(li: Doc, section: Section) -> Doc:
    stored = {k: v for k, v in (li.get(section.stored) or {}).items() if k not in FIXED}
    if section.path == "igmpSettings":
        ethernet = li.get("ethernetSettings") or {}
        stored.update({k: ethernet[k] for k in IGMP_SHARED if k in ethernet})
    uri = telemetry_uri(li["uri"]) if section.path.startswith("telemetry") else None
    return {
        "type": section.type,
        **section.defaults,
        **stored,
        "name": section.path,
        "dependentResourceUri": li["uri"],
        "uri": uri or f"{li['uri']}/{section.path}",
    }


def _changes(ctx: Ctx, li: Doc, section: Section) -> Doc:
    body = ctx.json_object()
    what = f"{section.type} settings"
    changes = {k: v for k, v in body.items() if k not in FIXED}
    for key, value in changes.items():
        default = section.defaults.get(key)
        if default is not None and type(default) is not type(value) and value is not None:
            raise invalid_argument(key, value, f"a {type(default).__name__}", what)
        if key in section.choices and value not in section.choices[key]:
            raise invalid_argument(key, value, f"one of {', '.join(section.choices[key])}", what)
    if section.path == "qos-aggregated-configuration":
        config = changes.get("activeQosConfig") or {}
        if config.get("configType", "Passthrough") not in QOS_CONFIG_TYPES:
            raise invalid_argument(
                "activeQosConfig.configType", config.get("configType"),
                f"one of {', '.join(QOS_CONFIG_TYPES)}", what,
            )  # fmt: skip
    if section.path == "snmp-configuration":
        for entry in changes.get("trapDestinations") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("trapDestination"), str):
                raise invalid_argument(
                    "trapDestinations", entry, "objects with a trapDestination address", what
                )
    if section.path == "port-monitor":
        _check_port_monitor(ctx.appliance, li, changes)
    return changes


def _check_port_monitor(appliance: Appliance, li: Doc, changes: Doc) -> None:
    if not changes.get("enablePortMonitor"):
        return
    what = "port monitor"
    analyzer = changes.get("analyzerPort") or {}
    uplinks = {port["uri"] for port in _ports(appliance, li, "Uplink")}
    downlinks = {port["uri"] for port in _ports(appliance, li, "Downlink")}
    if not isinstance(analyzer, dict) or analyzer.get("portUri") not in uplinks:
        raise invalid_argument(
            "analyzerPort.portUri", analyzer.get("portUri") if isinstance(analyzer, dict) else
            analyzer, "an uplink port of this logical interconnect", what,
        )  # fmt: skip
    monitored = changes.get("monitoredPorts") or []
    if not isinstance(monitored, list) or not monitored:
        raise invalid_argument("monitoredPorts", monitored, "at least one downlink port", what)
    for entry in monitored:
        uri = entry.get("portUri") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or uri not in downlinks:
            raise invalid_argument("monitoredPorts.portUri", uri, "a downlink port", what)
        if entry.get("portMonitorConfigInfo", "MonitorBoth") not in MONITOR_MODES:
            raise invalid_argument(
                "portMonitorConfigInfo", entry.get("portMonitorConfigInfo"),
                f"one of {', '.join(MONITOR_MODES)}", what,
            )  # fmt: skip


def _get(section: Section) -> Handler:
    def handler(ctx: Ctx) -> Reply:
        return Reply(200, section_document(logical_interconnect(ctx), section))

    handler.__doc__ = f"The LI's {section.path} ({section.type})."
    return handler


def _put(section: Section) -> Handler:
    def handler(ctx: Ctx) -> Reply:
        li = logical_interconnect(ctx)
        changes = _changes(ctx, li, section)
        params = {"section": section.path, "changes": changes}
        return start_change(ctx, li, SECTION_JOB, params, f"Update {section.path} of")

    handler.__doc__ = f"Change the LI's {section.path} (202)."
    return handler


for _section in SECTIONS.values():
    _path = f"{BASE}/{_section.path}"
    if _section.path.startswith("telemetry"):
        continue
    bp.get(_path)(_get(_section))
    bp.put(_path)(_put(_section))


def _telemetry(ctx: Ctx) -> tuple[Doc, Section]:
    li = logical_interconnect(ctx)
    if ctx.path != telemetry_uri(li["uri"]):
        raise not_found(ctx.path)
    return li, SECTIONS["telemetry-configurations"]


@bp.get(f"{BASE}/telemetry-configurations/{{tid}}")
def get_telemetry(ctx: Ctx) -> Reply:
    """The LI's telemetry configuration."""
    li, section = _telemetry(ctx)
    return Reply(200, section_document(li, section))


@bp.put(f"{BASE}/telemetry-configurations/{{tid}}")
def update_telemetry(ctx: Ctx) -> Reply:
    """Change the LI's telemetry configuration (202)."""
    li, section = _telemetry(ctx)
    changes = _changes(ctx, li, section)
    params = {"section": section.path, "changes": changes}
    return start_change(ctx, li, SECTION_JOB, params, "Update telemetry configuration of")


@bp.put(f"{BASE}/settings")
def update_settings(ctx: Ctx) -> Reply:
    """Change the LI's interconnect settings (its ``ethernetSettings``) (202)."""
    li = logical_interconnect(ctx)
    body = ctx.json_object()
    ethernet = body.get("ethernetSettings") or {}
    if not isinstance(ethernet, dict):
        raise invalid_argument("ethernetSettings", ethernet, "an object", "interconnect settings")
    changes = {k: v for k, v in ethernet.items() if k not in ETHERNET_SETTINGS_FIXED + ("type",)}
    current = li.get("ethernetSettings") or {}
    for key, value in changes.items():
        if key in current and current[key] is not None and type(current[key]) is not type(value):
            raise invalid_argument(
                key, value, f"a {type(current[key]).__name__}", "ethernet settings"
            )
    params = {"section": "ethernetSettings", "changes": changes}
    return start_change(ctx, li, SECTION_JOB, params, "Update interconnect settings of")


@bp.job(SECTION_JOB, duration=3.0, steps=["Applying the settings to the interconnects."])
def complete_section(appliance: Appliance, params: dict[str, Any]) -> None:
    li = appliance.store.get(params["uri"])
    if li is None:
        return
    changes = dict(params["changes"])
    updates: Doc = {}
    ethernet = dict(li.get("ethernetSettings") or {})
    if params["section"] == "ethernetSettings":
        ethernet.update(changes)
        updates["ethernetSettings"] = ethernet
    else:
        section = SECTIONS[params["section"]]
        if section.path == "igmpSettings":
            ethernet.update({k: changes.pop(k) for k in IGMP_SHARED if k in changes})
            updates["ethernetSettings"] = ethernet
        updates[section.stored] = {**(li.get(section.stored) or {}), **changes}
    appliance.store.update(params["uri"], updates)
    li_state.refresh_consistency(appliance, params["uri"])


# -- firmware ------------------------------------------------------------------


def _firmware_document(appliance: Appliance, li: Doc) -> Doc:
    state = li.get("firmware") or {}
    interconnects = [
        appliance.store.get(uri) for uri in li.get("interconnects") or [] if isinstance(uri, str)
    ]
    return {
        "command": state.get("command"),
        "sppUri": state.get("sppUri"),
        "sppName": state.get("sppName"),
        "state": state.get("state", "Unknown"),
        "force": False,
        "ethernetActivationType": "OddEven",
        "ethernetActivationDelay": 5,
        "fcActivationType": "Serial",
        "fcActivationDelay": 5,
        "validationForceMode": None,
        "interconnects": [
            {
                "interconnectName": ic.get("name"),
                "interconnectUri": ic["uri"],
                "deviceType": ic.get("model"),
                "installedFirmwareVersion": ic.get("firmwareVersion"),
                "stagedFirmwareVersion": (state.get("staged") or {}).get(ic["uri"]),
                "state": state.get("state", "Unknown"),
            }
            for ic in interconnects
            if ic is not None
        ],
    }


@bp.get(f"{BASE}/firmware")
def get_firmware(ctx: Ctx) -> Reply:
    """The LI's installed and staged interconnect firmware (LIFirmware)."""
    return Reply(200, _firmware_document(ctx.appliance, logical_interconnect(ctx)))


@bp.put(f"{BASE}/firmware")
def install_firmware(ctx: Ctx) -> Reply:
    """Stage, Activate or Update the interconnects' firmware from a baseline (202)."""
    li = logical_interconnect(ctx)
    body = ctx.json_object()
    command = body.get("command")
    if command not in FIRMWARE_COMMANDS:
        raise invalid_argument("command", command, ", ".join(FIRMWARE_COMMANDS), "LI firmware")
    spp_uri = body.get("sppUri")
    staged = (li.get("firmware") or {}).get("staged")
    if command == "Activate" and not staged:
        raise bad_request(
            "CRM_FIRMWARE_NOT_STAGED",
            f"No firmware is staged on logical interconnect {li.get('name')}.",
            details="Stage a baseline (command Stage) before activating it.",
        )
    if command != "Activate" or spp_uri:
        baseline = ctx.appliance.store.get(spp_uri) if isinstance(spp_uri, str) else None
        if baseline is None or baseline.get("category") != "firmware-drivers":
            raise bad_reference("sppUri", spp_uri)
    params = {"command": command, "sppUri": spp_uri}
    return start_change(ctx, li, FIRMWARE_JOB, params, f"{command} firmware on")


@bp.job(FIRMWARE_JOB, duration=10.0, steps=["Staging the firmware.", "Activating the firmware."])
def complete_firmware(appliance: Appliance, params: dict[str, Any]) -> None:
    store = appliance.store
    li = store.get(params["uri"])
    if li is None:
        return
    state = dict(li.get("firmware") or {})
    baseline = store.get(params.get("sppUri") or state.get("sppUri") or "") or {}
    version = baseline.get("version") or state.get("version")
    ics = [uri for uri in li.get("interconnects") or [] if store.get(uri) is not None]
    if params["command"] in ("Stage", "Update"):
        state.update(
            sppUri=baseline.get("uri"), sppName=baseline.get("name"), version=version,
            staged={uri: version for uri in ics},
        )  # fmt: skip
    if params["command"] in ("Activate", "Update"):
        for uri in ics:
            store.update(uri, {"firmwareVersion": state.get("version")})
        state["staged"] = {}
    state.update(command=params["command"], state=f"{params['command']}Completed")
    store.update(params["uri"], {"firmware": state})


# -- ports and MAC table -------------------------------------------------------


def _ports(appliance: Appliance, li: Doc, kind: str) -> list[Doc]:
    found = []
    for uri in li.get("interconnects") or []:
        ic = appliance.store.get(uri) or {}
        for port in ic.get("ports") or []:
            if isinstance(port, dict) and port.get("portType") == kind:
                found.append({**port, "interconnectUri": ic["uri"], "portUri": port.get("uri")})
    return found


@bp.get(f"{BASE}/unassignedUplinkPortsForPortMonitor")
def unassigned_uplink_ports(ctx: Ctx) -> Reply:
    """Uplink ports in no uplink set: the ports that can be an analyzer port."""
    li = logical_interconnect(ctx)
    ports = [p for p in _ports(ctx.appliance, li, "Uplink") if not p.get("associatedUplinkSetUri")]
    return query.page(ctx, ports, collection_type="PortCollectionV4", category="ports")


@bp.get(f"{BASE}/unassignedPortsForPortMonitor")
def unassigned_ports(ctx: Ctx) -> Reply:
    """Downlink ports not monitored yet."""
    li = logical_interconnect(ctx)
    monitored = {
        entry.get("portUri")
        for entry in (li.get("portMonitor") or {}).get("monitoredPorts") or []
        if isinstance(entry, dict)
    }
    ports = [p for p in _ports(ctx.appliance, li, "Downlink") if p["uri"] not in monitored]
    return query.page(ctx, ports, collection_type="PortCollectionV4", category="ports")


def _fib_entries(appliance: Appliance, li: Doc) -> list[Doc]:
    store = appliance.store
    enclosures = set(li.get("enclosureUris") or [])
    interconnects = [store.get(uri) for uri in li.get("interconnects") or []]
    first = next((ic for ic in interconnects if ic), None)
    entries = []
    for profile in store.iter("server-profiles"):
        if profile.get("enclosureUri") not in enclosures:
            continue
        connections = (profile.get("connectionSettings") or {}).get("connections") or []
        for connection in connections:
            network = store.get(connection.get("networkUri") or "")
            if not connection.get("mac") or network is None:
                continue
            if network.get("category") != "ethernet-networks":
                continue
            ic = store.get(connection.get("interconnectUri") or "") or first or {}
            entries.append(
                {
                    "type": "interconnect-fib-data-entry",
                    "interconnectUri": ic.get("uri"),
                    "interconnectName": ic.get("name"),
                    "macAddress": connection["mac"],
                    "networkUri": network["uri"],
                    "networkName": network.get("name"),
                    "externalVlan": network.get("vlanId"),
                    "internalVlan": network.get("vlanId"),
                    "portName": f"d{profile.get('enclosureBay') or 1}",
                    "entryType": "Learned",
                }
            )
    return entries[:100]


@bp.get(f"{BASE}/forwarding-information-base")
def get_forwarding_information_base(ctx: Ctx) -> Reply:
    """The LI's learned MAC addresses (at most 100; filter on interconnectUri, macAddress...)."""
    li = logical_interconnect(ctx)
    return query.page(
        ctx,
        _fib_entries(ctx.appliance, li),
        collection_type="InterconnectFibDataEntryCollection",
        category="forwarding-information-base",
    )


@bp.post(f"{BASE}/forwarding-information-base")
def create_forwarding_information_base(ctx: Ctx) -> Reply:
    """Generate the MAC table dump file of the LI (InterconnectFibDataInfo)."""
    li = logical_interconnect(ctx)
    stamp = int(ctx.appliance.clock.now())
    return Reply(
        200,
        {
            "type": "InterconnectFibDataInfo",
            "status": "OK",
            "state": "Success",
            "uri": f"{li['uri']}/forwarding-information-base/{li['uri'].rsplit('/', 1)[1]}"
            f"_{stamp}.mac.csv",
        },
    )


# -- bulk validation -----------------------------------------------------------


@bp.post("/rest/logical-interconnects/bulk-inconsistency-validation")
def bulk_inconsistency_validation(ctx: Ctx) -> Reply:
    """What an update from group would change on several LIs (a report, no change)."""
    body = ctx.json_object()
    uris = body.get("logicalInterconnectUris")
    if not isinstance(uris, list) or not uris or not all(isinstance(u, str) for u in uris):
        raise invalid_argument(
            "logicalInterconnectUris", uris, "a non-empty list of LI URIs", "validation request"
        )
    reports = []
    for uri in dict.fromkeys(uris):
        li = ctx.appliance.store.get(uri)
        if li is None or li.get("category") != CATEGORY:
            raise not_found(uri, LI_NOT_FOUND)
        consistent = li_state.matches_group(ctx.appliance, li)
        reports.append(
            {
                "logicalInterconnectUri": uri,
                "logicalInterconnectName": li.get("name"),
                "consistencyStatus": li.get("consistencyStatus"),
                "inconsistent": not consistent,
                "interconnectsToBeAdded": [],
                "interconnectsToBeRemoved": [],
            }
        )
    return Reply(
        200,
        {
            "type": "BulkInconsistencyValidationResponse",
            "logicalInterconnectUris": [r["logicalInterconnectUri"] for r in reports],
            "allowUpdateFromGroup": True,
            "validationReports": reports,
        },
    )


# -- PATCH ---------------------------------------------------------------------


@bp.patch(BASE)
def patch_logical_interconnect(ctx: Ctx) -> Reply:
    """``replace`` of /scopeUris (202)."""
    li = logical_interconnect(ctx)
    require_current_etag(ctx, li)
    operations = ctx.body if isinstance(ctx.body, list) else [ctx.body]
    wanted: list[str] | None = None
    for operation in operations:
        value = operation.get("value") if isinstance(operation, dict) else None
        if (
            not isinstance(operation, dict)
            or operation.get("op") != "replace"
            or operation.get("path") != "/scopeUris"
            or not isinstance(value, list)
        ):
            raise bad_request(
                "CRM_INVALID_PATCH_REQUEST",
                "The patch operation is not supported for a logical interconnect.",
                details=f"Got {operation!r}; supported: replace of /scopeUris with a list.",
            )
        for uri in value:
            scope = ctx.appliance.store.get(uri) if isinstance(uri, str) else None
            if scope is None or scope.get("category") != "scopes":
                raise bad_reference("scopeUris", uri)
        wanted = list(value)
    return start_change(ctx, li, SCOPES_JOB, {"scopeUris": wanted or []}, "Update scopes of")


@bp.job(SCOPES_JOB, duration=1.0, steps=["Updating the scopes."])
def complete_scopes(appliance: Appliance, params: dict[str, Any]) -> None:
    if appliance.store.get(params["uri"]) is not None:
        scopes.set_scopes(appliance, params["uri"], params["scopeUris"])
