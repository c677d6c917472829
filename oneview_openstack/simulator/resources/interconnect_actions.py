"""What an interconnect answers besides its document and ports (/rest/interconnects/{id}/...).

- ``PATCH`` (202): ``replace`` of ``/powerState`` (On/Off; off, its ports go
  Unlinked), ``/uidState`` (On/Off) and ``/deviceResetState`` (Reset/SoftReset; the
  task reboots it, ``deviceResetState`` is Normal again when it ends).
- ``PUT {ic}/ports`` (one port) and ``PUT {ic}/update-ports`` (a list): enable or
  disable ports (202). ``PUT {ic}/resetportprotection`` and ``PUT {ic}/configuration``
  (reapply): 202, nothing visible changes.
- ``GET {ic}/statistics[/{port}[/subport/{n}]]``: counters growing with time on
  linked ports; ``pluggableModuleInformation`` (the transceivers of its uplink
  ports); ``nameServers`` (the FC logins: none, no FC uplinks are seeded).
- Interconnects come with their enclosures: POST/PUT/DELETE are refused (405).
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator.errors import ApiError, bad_request, not_found
from oneview_openstack.simulator.resources.networking import invalid_argument
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
BASE = "/rest/interconnects/{id}"
PATCH_JOB, PORTS_JOB, NOOP_JOB = (f"interconnects.{op}" for op in ("patch", "ports", "noop"))
PATCHABLE = {
    "/powerState": ("On", "Off"),
    "/uidState": ("On", "Off"),
    "/deviceResetState": ("Reset", "SoftReset"),
}
SUBPORTS = 4  # FlexNICs a-d behind a downlink port
EPOCH = 1_700_000_000.0
LINKED = "_linkedBeforePowerOff"  # kept while powered off; the renderer hides it


def _interconnect(ctx: Ctx) -> Doc:
    return ctx.appliance.store.require("/".join(ctx.path.split("/")[:4]))


def _start(ctx: Ctx, ic: Doc, kind: str, params: Doc, status: str) -> Reply:
    return ctx.start_task(
        kind,
        {"uri": ic["uri"], **params},
        name="Update",
        resource_uri=ic["uri"],
        resource_category="interconnects",
        resource_name=ic.get("name"),
        status=f"{status} {ic.get('name')}.",
    )


def _port(ic: Doc, wanted: Any) -> Doc | None:
    for port in ic.get("ports") or []:
        if isinstance(port, dict) and wanted in (
            port.get("portId"),
            port.get("portName"),
            port.get("uri"),
        ):
            return port
    return None


@bp.patch(BASE)
def patch_interconnect(ctx: Ctx) -> Reply:
    """``replace`` of /powerState, /uidState or /deviceResetState (202)."""
    ic = _interconnect(ctx)
    operations = ctx.body if isinstance(ctx.body, list) else [ctx.body]
    changes: Doc = {}
    for operation in operations:
        if not isinstance(operation, dict) or operation.get("op") != "replace":
            raise _invalid_patch(operation)
        path, value = operation.get("path"), operation.get("value")
        if path not in PATCHABLE:
            raise _invalid_patch(operation)
        if value not in PATCHABLE[path]:
            raise invalid_argument(path[1:], value, ", ".join(PATCHABLE[path]), "interconnect")
        changes[path[1:]] = value
    if not changes:
        raise _invalid_patch(ctx.body)
    if "deviceResetState" in changes and ic.get("powerState") == "Off":
        raise bad_request(
            "INTERCONNECT_POWERED_OFF",
            f"The interconnect {ic.get('name')} is powered off and cannot be reset.",
            details="Power the interconnect on (replace /powerState On) first.",
        )
    return _start(ctx, ic, PATCH_JOB, {"changes": changes}, "Update")


def _invalid_patch(operation: Any) -> ApiError:
    return bad_request(
        "INVALID_PATCH_OPERATION",
        "The patch operation is not supported for an interconnect.",
        details=f"Got {operation!r}; supported: replace of {', '.join(PATCHABLE)}.",
    )


@bp.job(PATCH_JOB, duration=5.0, steps=["Sending the request to the interconnect."])
def complete_patch(appliance: Appliance, params: dict[str, Any]) -> None:
    ic = appliance.store.get(params["uri"])
    if ic is None:
        return
    changes = dict(params["changes"])
    if "deviceResetState" in changes:
        changes["deviceResetState"] = "Normal"  # the reset is over when the task ends
    power = changes.get("powerState")
    if power is not None and power != ic.get("powerState"):
        ports = [dict(port) for port in ic.get("ports") or []]
        if power == "Off":
            changes[LINKED] = [p.get("portId") for p in ports if p.get("portStatus") == "Linked"]
            for port in ports:
                port.update(portStatus="Unlinked", portStatusReason="None")
        else:
            linked = set(ic.get(LINKED) or [])
            for port in ports:
                if port.get("portId") in linked:
                    port.update(portStatus="Linked", portStatusReason="Active")
            changes[LINKED] = []
        changes["ports"] = ports
    appliance.store.update(params["uri"], changes)


def _port_changes(ic: Doc, entries: list[Any]) -> list[Doc]:
    changes = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise invalid_argument("port", entry, "a port object", "interconnect port")
        port = _port(ic, entry.get("portId") or entry.get("uri") or entry.get("portName"))
        if port is None:
            raise bad_request(
                "PORT_NOT_FOUND",
                f"The port {entry.get('portId') or entry.get('portName')!r} is not a port of "
                f"{ic.get('name')}.",
                details="Give portId (or portName) of a port of this interconnect.",
            )
        enabled = entry.get("enabled", port.get("enabled", True))
        if not isinstance(enabled, bool):
            raise invalid_argument("enabled", enabled, "true or false", "interconnect port")
        changes.append({"portId": port["portId"], "enabled": enabled})
    return changes


@bp.put(f"{BASE}/ports")
def update_port(ctx: Ctx) -> Reply:
    """Change one port (``enabled``) (202)."""
    ic = _interconnect(ctx)
    changes = _port_changes(ic, [ctx.json_object()])
    return _start(ctx, ic, PORTS_JOB, {"ports": changes}, "Update port of")


@bp.put(f"{BASE}/update-ports")
def update_ports(ctx: Ctx) -> Reply:
    """Change several ports (a JSON array of ports) (202)."""
    ic = _interconnect(ctx)
    if not isinstance(ctx.body, list) or not ctx.body:
        raise invalid_argument("body", ctx.body, "a non-empty JSON array of ports", "request")
    changes = _port_changes(ic, ctx.body)
    return _start(ctx, ic, PORTS_JOB, {"ports": changes}, "Update ports of")


@bp.job(PORTS_JOB, duration=3.0, steps=["Configuring the ports."])
def complete_ports(appliance: Appliance, params: dict[str, Any]) -> None:
    ic = appliance.store.get(params["uri"])
    if ic is None:
        return
    wanted = {entry["portId"]: entry["enabled"] for entry in params["ports"]}
    ports = []
    for port in ic.get("ports") or []:
        if port.get("portId") in wanted:
            enabled = wanted[port["portId"]]
            port = {**port, "enabled": enabled}
            if not enabled:
                port.update(portStatus="Unlinked", portStatusReason="AdminDisabled")
            elif port.get("portStatusReason") == "AdminDisabled":
                linked = bool(port.get("associatedUplinkSetUri"))
                port.update(
                    portStatus="Linked" if linked else "Unlinked",
                    portStatusReason="Active" if linked else "None",
                )
        ports.append(port)
    appliance.store.update(params["uri"], {"ports": ports})


@bp.put(f"{BASE}/resetportprotection")
def reset_port_protection(ctx: Ctx) -> Reply:
    """Clear port flap / pause flood protection on the interconnect's ports (202)."""
    ic = _interconnect(ctx)
    return _start(ctx, ic, NOOP_JOB, {}, "Reset port protection of")


@bp.put(f"{BASE}/configuration")
def reapply_configuration(ctx: Ctx) -> Reply:
    """Reapply the appliance's configuration on the interconnect (202)."""
    ic = _interconnect(ctx)
    return _start(ctx, ic, NOOP_JOB, {}, "Reapply configuration of")


@bp.job(NOOP_JOB, duration=5.0, steps=["Configuring the interconnect."])
def complete_noop(appliance: Appliance, params: dict[str, Any]) -> None:
    """The interconnect already is as the request asks."""


# -- read-only views -------------------------------------------------------------


def _counters(appliance: Appliance, ic: Doc, port: Doc, scale: int = 1) -> Doc:
    linked = port.get("portStatus") == "Linked" and ic.get("powerState", "On") == "On"
    seed = zlib.crc32(str(port.get("portId")).encode()) % 997 + 1
    elapsed = max(0.0, appliance.clock.now() - EPOCH) if linked else 0.0
    packets = int(elapsed * seed / scale)
    return {
        "rfc1213IfInOctets": str(packets * 512),
        "rfc1213IfOutOctets": str(packets * 448),
        "rfc1213IfInUcastPkts": str(packets),
        "rfc1213IfOutUcastPkts": str(packets * 7 // 8),
        "rfc1213IfInNUcastPkts": str(packets // 50),
        "rfc1213IfOutNUcastPkts": str(packets // 60),
        "rfc1213IfInDiscards": "0",
        "rfc1213IfInErrors": "0",
        "rfc1213IfOutErrors": "0",
    }


def _port_statistics(appliance: Appliance, ic: Doc, port: Doc) -> Doc:
    downlink = port.get("portType") == "Downlink"
    return {
        "type": "PortStatistics",
        "portName": port.get("portName"),
        "portStatus": port.get("portStatus"),
        "commonStatistics": _counters(appliance, ic, port),
        "advancedStatistics": {"rfc2863IfHCInOctets": "0", "rfc2863IfHCOutOctets": "0"},
        "subportStatistics": [
            _subport_statistics(appliance, ic, port, n) for n in range(1, SUBPORTS + 1)
        ]
        if downlink
        else None,
    }


def _subport_statistics(appliance: Appliance, ic: Doc, port: Doc, number: int) -> Doc:
    return {
        "type": "SubportStatistics",
        "subportNumber": number,
        "subportStatistics": _counters(appliance, ic, port, scale=SUBPORTS + number),
    }


def _named_port(ctx: Ctx, ic: Doc) -> Doc:
    port = _port(ic, ctx.params["port"])
    if port is None:
        raise not_found(ctx.path)
    return port


@bp.get(f"{BASE}/statistics")
def statistics(ctx: Ctx) -> Reply:
    """The interconnect's module and port counters."""
    ic = _interconnect(ctx)
    ports = [p for p in ic.get("ports") or [] if isinstance(p, dict)]
    return Reply(
        200,
        {
            "type": "InterconnectStatistics",
            "moduleStatistics": {
                "cpuUtilization": 12 if ic.get("powerState", "On") == "On" else 0,
                "memoryUtilization": 34 if ic.get("powerState", "On") == "On" else 0,
            },
            "portStatistics": [_port_statistics(ctx.appliance, ic, p) for p in ports],
        },
    )


@bp.get(f"{BASE}/statistics/{{port}}")
def port_statistics(ctx: Ctx) -> Reply:
    """One port's counters (by port name or id)."""
    ic = _interconnect(ctx)
    return Reply(200, _port_statistics(ctx.appliance, ic, _named_port(ctx, ic)))


@bp.get(f"{BASE}/statistics/{{port}}/subport/{{subport}}")
def subport_statistics(ctx: Ctx) -> Reply:
    """One FlexNIC's counters behind a downlink port (subports 1-4)."""
    ic = _interconnect(ctx)
    port = _named_port(ctx, ic)
    number = ctx.params["subport"]
    if port.get("portType") != "Downlink" or number not in {str(n) for n in range(1, 5)}:
        raise not_found(ctx.path)
    return Reply(200, _subport_statistics(ctx.appliance, ic, port, int(number)))


@bp.get(f"{BASE}/pluggableModuleInformation")
def pluggable_module_information(ctx: Ctx) -> Reply:
    """The transceivers in the interconnect's uplink ports."""
    ic = _interconnect(ctx)
    modules = [
        {
            "type": "PluggableModuleInformation",
            "portName": port.get("portName"),
            "identifier": port.get("connectorType"),
            "vendorName": "HPE",
            "vendorPartNumber": "720187-B21",
            "serialNumber": f"{ic.get('serialNumber', '')}{port.get('portName')}",
            "linkLength": "100m",
            "speed": "40Gb",
        }
        for port in ic.get("ports") or []
        if isinstance(port, dict) and port.get("connectorType")
    ]
    return Reply(200, modules)


@bp.get(f"{BASE}/nameServers")
def name_servers(ctx: Ctx) -> Reply:
    """The FC name server entries of the interconnect (none: no FC uplinks are seeded)."""
    _interconnect(ctx)
    return Reply(200, [])


# -- refused -------------------------------------------------------------------


def _refuse(ctx: Ctx) -> ApiError:
    return ApiError(
        405,
        "METHOD_NOT_ALLOWED",
        f"The method {ctx.method} is not supported for {ctx.path}.",
        details="Interconnects are added and removed with their enclosures; change them "
        "with PATCH and their sub-resources.",
    )


@bp.post("/rest/interconnects")
def create_interconnect(ctx: Ctx) -> Reply:
    """Refused: interconnects come with their enclosures (405)."""
    raise _refuse(ctx)


@bp.put(BASE)
def update_interconnect(ctx: Ctx) -> Reply:
    """Refused: an interconnect is changed by PATCH and its sub-resources (405)."""
    _interconnect(ctx)
    raise _refuse(ctx)


@bp.delete(BASE)
def delete_interconnect(ctx: Ctx) -> Reply:
    """Refused: interconnects leave with their enclosures (405)."""
    _interconnect(ctx)
    raise _refuse(ctx)
