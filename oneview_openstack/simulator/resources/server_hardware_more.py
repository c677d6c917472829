"""Server hardware sub-resources besides power and storage (hpeOneView's ServerHardware).

Utilization, BIOS, environmental configuration, firmware inventory and compliance,
iLO/console URLs, the physical server view, iLO firmware update, and the writes
that need hardware the simulator does not have (adding a rack server by its iLO
address): those answer 202 with a task that fails as an appliance's would.
"""

from __future__ import annotations

import math
import re
import secrets
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_request
from oneview_openstack.simulator.resources import profile_bios, profile_firmware
from oneview_openstack.simulator.resources.server_hardware import management_address
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
UNREACHABLE_JOB = "server-hardware.unreachable"
ILO_FIRMWARE_JOB = "server-hardware.mp-firmware"
ENVIRONMENT_JOB = "server-hardware.environmental"
UTILIZATION_REFRESH_JOB = "server-hardware.utilization-refresh"
METRICS = ("AmbientTemperature", "AveragePower", "PeakPower", "PowerCap", "CpuUtilization",
           "CpuAverageFreq")  # fmt: skip
VIEWS = {"native": 300_000, "hour": 3_600_000, "day": 86_400_000}
DEFAULT_SAMPLES = 12


def _server(ctx: Ctx) -> Doc:
    return ctx.appliance.store.require("/rest/server-hardware/" + ctx.params["id"])


def _seed_of(server: Doc) -> int:
    return zlib.crc32(server["uri"].encode())


def _max_power(server: Doc) -> int:
    """Calibrated maximum power (W): grows with processors and memory."""
    processors = int(server.get("processorCount") or 1)
    memory_gb = int(server.get("memoryMb") or 0) // 1024
    return 150 + 115 * processors + memory_gb // 8


# -- utilization -------------------------------------------------------------------------


def metric_value(server: Doc, metric: str, when: float) -> int:
    """A plausible value at ``when``: idle values when off, a slow wave when on."""
    on = server.get("powerState") == "On"
    seed = _seed_of(server) % 997
    wave = math.sin(when / 1800.0 + seed) * 0.5 + 0.5  # 0..1, ~3 h period
    jitter = ((int(when) // 300) * 7919 + seed) % 11 / 10.0  # 0..1, per 5-minute slot
    capacity = _max_power(server)
    if metric == "AmbientTemperature":
        return 21 + round(3 * wave + jitter)
    if metric == "PowerCap":
        return capacity
    if metric in ("AveragePower", "PeakPower"):
        if not on:
            return 9 + round(2 * jitter)  # the iLO and fans on auxiliary power
        average = capacity * (0.35 + 0.3 * wave) + 6 * jitter
        return round(average * (1.18 if metric == "PeakPower" else 1.0))
    if metric == "CpuUtilization":
        return round(8 + 70 * wave + 5 * jitter) if on else 0
    # CpuAverageFreq (MHz)
    return round(int(server.get("processorSpeedMhz") or 2600) * (0.6 + 0.5 * wave)) if on else 0


def _capacity(server: Doc, metric: str) -> int | None:
    return {
        "AmbientTemperature": 35,
        "AveragePower": _max_power(server),
        "PeakPower": _max_power(server),
        "PowerCap": _max_power(server),
        "CpuUtilization": 100,
        "CpuAverageFreq": int(server.get("processorSpeedMhz") or 2600),
    }.get(metric)


def _utilization_window(ctx: Ctx, resolution: int) -> tuple[int, int]:
    """[start, end] in ms from ``filter=startDate=...`` / ``endDate=...`` (or the last hour)."""
    now_ms = int(ctx.appliance.clock.now() * 1000) // resolution * resolution
    start, end = now_ms - (DEFAULT_SAMPLES - 1) * resolution, now_ms
    for expression in ctx.args("filter"):
        for part in re.split(r"[,&]", unquote(expression)):
            key, _, value = part.strip().strip("\"'").partition("=")
            if key not in ("startDate", "endDate"):
                raise bad_request(
                    "INVALID_FILTER",
                    f"The utilization filter {part!r} is not supported.",
                    details="Supported: startDate=<ISO 8601>, endDate=<ISO 8601>.",
                )
            stamp = _parse_iso(value.strip("\"'"))
            if key == "startDate":
                start = max(stamp // resolution * resolution, end - 287 * resolution)
            else:
                end = min(stamp // resolution * resolution, now_ms)
    if start > end:
        raise bad_request(
            "INVALID_FILTER", "The startDate is after the endDate.", details=f"{start} > {end}."
        )
    return start, end


def _parse_iso(value: str) -> int:
    from datetime import datetime

    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        raise bad_request(
            "INVALID_FILTER",
            f"The date {value!r} is not a valid ISO 8601 time.",
            details="Example: startDate=2024-03-04T08:00:00.000Z.",
        ) from None


@bp.get("/rest/server-hardware/{id}/utilization")
def get_utilization(ctx: Ctx) -> Reply:
    """Power, temperature and CPU samples (fields, filter=startDate/endDate, refresh, view)."""
    server = _server(ctx)
    return utilization_reply(
        ctx,
        server,
        METRICS,
        lambda metric, when: metric_value(server, metric, when),
        lambda metric: _capacity(server, metric),
    )


def utilization_reply(
    ctx: Ctx,
    resource: Doc,
    supported: tuple[str, ...],
    value: Callable[[str, float], int | None],
    capacity: Callable[[str], int | None],
) -> Reply:
    """A UtilizationData reply for ``resource`` (its ``category`` names it in errors/tasks).

    ``value(metric, seconds)`` is a sample, ``capacity(metric)`` the metric's capacity.
    Query: ``fields`` (metrics), ``filter`` (startDate/endDate), ``refresh``, ``view``.
    """
    category = str(resource.get("category") or "server-hardware")
    view = ctx.arg("view") or "native"
    if view not in VIEWS:
        raise bad_request(
            "INVALID_VIEW",
            f"The view {view!r} is not supported.",
            details=f"Supported views: {', '.join(VIEWS)}.",
        )
    wanted = [m for f in ctx.args("fields") for m in unquote(f).split(",") if m]
    unknown = [m for m in wanted if m not in supported]
    if unknown:
        raise bad_request(
            "INVALID_METRIC",
            f"The metric(s) {', '.join(unknown)} are not supported for {category}.",
            details=f"Supported metrics: {', '.join(supported)}.",
        )
    resolution = VIEWS[view]
    start, end = _utilization_window(ctx, resolution)
    stamps = list(range(end, start - 1, -resolution))
    metrics = []
    for metric in wanted or list(supported):
        samples = [[stamp, value(metric, stamp / 1000)] for stamp in stamps]
        metrics.append(
            {"metricName": metric, "metricSamples": samples, "metricCapacity": capacity(metric)}
        )
    refresh_task = None
    if (ctx.arg("refresh") or "").lower() == "true":
        refresh_task = ctx.appliance.tasks.start(
            UTILIZATION_REFRESH_JOB,
            {},
            name="Refresh utilization",
            status=f"Collect utilization data of {resource.get('name')}",
            resource_uri=resource["uri"],
            resource_category=category,
            resource_name=resource.get("name"),
            owner=ctx.owner,
        )["uri"]
    clock = ctx.appliance.clock
    return Reply(
        200,
        {
            "metricList": metrics,
            "refreshTaskUri": refresh_task,
            "oldestSampleTime": clock.iso(start / 1000),
            "newestSampleTime": clock.iso(end / 1000),
            "sliceStartTime": clock.iso(start / 1000),
            "sliceEndTime": clock.iso(end / 1000),
            "isFresh": True,
            "resolution": resolution,
            "uri": resource["uri"],
        },
    )


@bp.job(UTILIZATION_REFRESH_JOB, duration=10.0, steps=["Collect utilization data."])
def _utilization_refreshed(appliance: Appliance, params: dict[str, Any]) -> None:
    """The samples are computed when read; nothing is stored."""


# -- environmental configuration ------------------------------------------------------------


def environmental_configuration(server: Doc) -> Doc:
    calibrated = server.get("calibratedMaxPower") or _max_power(server)
    return {
        "calibratedMaxPower": calibrated,
        "capHistorySupported": True,
        "historyBufferSize": 288,
        "historySampleIntervalSeconds": 300,
        "idleMaxPower": round(calibrated * 0.4),
        "licenseRequiredForCap": False,
        "powerCapType": "PowerCap",
        "psuList": [],
        "rackUnits": 1 if server.get("platform") == "Rack" else None,
        "height": None,
        "utilizationThresholds": [],
        "uri": f"{server['uri']}/environmentalConfiguration",
    }


@bp.get("/rest/server-hardware/{id}/environmentalConfiguration")
def get_environmental_configuration(ctx: Ctx) -> Reply:
    """Calibrated maximum power and the history settings of the iLO."""
    return Reply(200, environmental_configuration(_server(ctx)))


@bp.put("/rest/server-hardware/{id}/environmentalConfiguration")
def put_environmental_configuration(ctx: Ctx) -> Reply:
    """Set ``calibratedMaxPower`` (W, positive); the reply is the new configuration."""
    server = _server(ctx)
    value = ctx.json_object().get("calibratedMaxPower")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000:
        raise bad_request(
            "INVALID_CALIBRATED_MAX_POWER",
            f"The calibratedMaxPower {value!r} is not valid.",
            details="calibratedMaxPower is an integer number of watts from 1 to 10000.",
        )
    updated = ctx.appliance.store.update(server["uri"], {"calibratedMaxPower": value})
    return Reply(200, environmental_configuration(updated))


# -- BIOS ---------------------------------------------------------------------------------


@bp.get("/rest/server-hardware/{id}/bios")
def get_bios(ctx: Ctx) -> Reply:
    """Current BIOS values: as the last profile managing the BIOS set them, else defaults."""
    server = _server(ctx)
    profile = ctx.appliance.store.get(server.get("serverProfileUri") or "") or {}
    values = profile_bios.current_values(ctx.appliance, server)
    settings = [{"id": key, "value": value} for key, value in values.items()]
    return Reply(
        200,
        {
            "type": "ServerHardwareBios",
            "category": "server-hardware",
            "uri": f"{server['uri']}/bios",
            "serverHardwareUri": server["uri"],
            "romVersion": server.get("romVersion"),
            "bootMode": (profile.get("bootMode") or {}).get("mode") or "UEFIOptimized",
            "settings": settings,
        },
    )


# -- firmware -----------------------------------------------------------------------------


def _baselines(appliance: Appliance, server: Doc) -> list[Doc]:
    """Baselines for the server's platform, newest first."""
    family = "Synergy" if server.get("platform") == "Synergy" else "ProLiant"
    docs = [d for d in appliance.store.iter("firmware-drivers") if family in d.get("name", "")]
    return sorted(docs, key=lambda d: d.get("releaseDate") or "", reverse=True)


def _installed_version(server: Doc, component: str, baseline_version: str) -> str:
    if component.startswith("HPE Integrated Lights-Out"):
        return str(server.get("mpFirmwareVersion") or "").split(" ")[0] or baseline_version
    if component == "System ROM":
        match = re.search(r"v(\d+\.\d+)", str(server.get("romVersion") or ""))
        return match.group(1) if match else baseline_version
    return baseline_version


def _components(appliance: Appliance, server: Doc) -> list[Doc]:
    """The server's installed components (``profile_firmware``), iLO/ROM as the server says."""
    components = []
    for name, version in profile_firmware.installed(appliance, server).items():
        location = "System Board" if name != "Smart Array Firmware" else "Embedded RAID"
        components.append(
            {
                "componentKey": _component_key(appliance, name),
                "componentLocation": location,
                "componentName": name,
                "componentVersion": _installed_version(server, name, version),
            }
        )
    return components


def _component_key(appliance: Appliance, name: str) -> str:
    for baseline in appliance.store.iter("firmware-drivers"):
        for item in baseline.get("fwComponents") or []:
            if item.get("name") == name:
                return str((item.get("swKeyNameList") or [name])[0])
    return name


def firmware_inventory(appliance: Appliance, server: Doc) -> Doc:
    return {
        "type": "server-hardware-firmware-1",
        "category": "server-hardware",
        "uri": f"{server['uri']}/firmware",
        "serverHardwareUri": server["uri"],
        "serverHardwareName": server.get("name"),
        "serverModel": server.get("model"),
        "state": "Supported",
        "components": _components(appliance, server),
        "eTag": server.get("eTag"),
        "created": server.get("created"),
        "modified": server.get("modified"),
    }


@bp.get("/rest/server-hardware/{id}/firmware")
def get_firmware(ctx: Ctx) -> Reply:
    """The firmware components installed on one server."""
    return Reply(200, firmware_inventory(ctx.appliance, _server(ctx)))


@bp.get("/rest/server-hardware/*/firmware")
def list_firmware(ctx: Ctx) -> Reply:
    """Firmware inventory of every server (filterable: serverModel, components...)."""
    docs = [
        firmware_inventory(ctx.appliance, s) for s in ctx.appliance.store.iter("server-hardware")
    ]
    return query.page(
        ctx, docs, collection_type="server-hardware-firmware-list", category="server-hardware"
    )


@bp.post("/rest/server-hardware/firmware-compliance")
def firmware_compliance(ctx: Ctx) -> Reply:
    """Compare a server's firmware (serverUUID) with a baseline (firmwareBaselineId)."""
    body = ctx.json_object()
    store = ctx.appliance.store
    server = next(
        (s for s in store.iter("server-hardware") if s.get("uuid") == body.get("serverUUID")),
        None,
    )
    if server is None:
        raise bad_request(
            "INVALID_SERVER_UUID",
            f"No server hardware has the UUID {body.get('serverUUID')!r}.",
            details="Field serverUUID: the uuid of a managed server hardware.",
        )
    baseline_id = str(body.get("firmwareBaselineId") or "")
    baseline = store.get(f"/rest/firmware-drivers/{baseline_id.rsplit('/', 1)[-1]}")
    if baseline is None:
        raise bad_request(
            "INVALID_FIRMWARE_BASELINE",
            f"The firmware baseline {baseline_id!r} does not exist.",
            details="Field firmwareBaselineId: the id of a firmware-drivers resource.",
        )
    installed = {c["componentName"]: c for c in _components(ctx.appliance, server)}
    mapping = []
    for item in baseline.get("fwComponents") or []:
        current = installed.get(item["name"], {}).get("componentVersion")
        mapping.append(
            {
                "componentName": item["name"],
                "componentKey": (item.get("swKeyNameList") or [item["name"]])[0],
                "componentLocation": installed.get(item["name"], {}).get("componentLocation"),
                "installedVersion": current,
                "baselineVersion": item["componentVersion"],
                "componentFirmwareUpdateRequired": current is None
                or profile_firmware.older(current, item["componentVersion"]),
            }
        )
    return Reply(
        200,
        {
            "serverName": server.get("name"),
            "serverUUID": server.get("uuid"),
            "firmwareBaselineId": baseline_id,
            "baselineName": baseline.get("baselineShortName"),
            "serverFirmwareUpdateRequired": any(
                m["componentFirmwareUpdateRequired"] for m in mapping
            ),
            "componentMappingList": mapping,
        },
    )


@bp.put("/rest/server-hardware/{id}/mpFirmwareVersion")
def put_mp_firmware_version(ctx: Ctx) -> Reply:
    """Update the iLO firmware to the newest baseline's (202, task "Update iLO firmware")."""
    server = _server(ctx)
    baselines = _baselines(ctx.appliance, server)
    target = next(
        (
            c["componentVersion"]
            for b in baselines
            for c in b.get("fwComponents") or []
            if c["name"].startswith("HPE Integrated Lights-Out")
        ),
        None,
    )
    return ctx.start_task(
        ILO_FIRMWARE_JOB,
        {"server": server["uri"], "version": target},
        name="Update iLO firmware",
        status=f"Update iLO firmware of {server.get('name')}",
        resource_uri=server["uri"],
        resource_category="server-hardware",
        resource_name=server.get("name"),
    )


@bp.job(ILO_FIRMWARE_JOB, duration=300.0, steps=["Upload iLO firmware.", "Reset iLO."])
def _finish_mp_firmware(appliance: Appliance, params: dict[str, Any]) -> None:
    server = appliance.store.get(params["server"])
    if server is None or not params["version"]:
        return
    current = str(server.get("mpFirmwareVersion") or "")
    if not current.startswith(params["version"]):
        appliance.store.update(params["server"], {"mpFirmwareVersion": params["version"]})


@bp.patch("/rest/server-hardware/{id}/firmware/settings")
def patch_firmware_settings(ctx: Ctx) -> Reply:
    """Firmware update of a server without a profile: the appliance cannot reach an SUT."""
    server = _server(ctx)
    return _unreachable(
        ctx,
        "Update firmware",
        server["uri"],
        server.get("name"),
        ApiError(
            400,
            "SUT_NOT_RUNNING",
            "Unable to update the firmware: the Smart Update Tools are not running.",
            details=f"iSUT on {server.get('name')} did not answer the appliance.",
            recommended_actions=["Install and start iSUT in the server's operating system."],
        ),
    )


# -- iLO and console URLs, physical server ------------------------------------------------


@bp.get("/rest/server-hardware/{id}/iloSsoUrl")
def get_ilo_sso_url(ctx: Ctx) -> Reply:
    """A single sign-on URL to the iLO web interface (``ip`` picks the address)."""
    server = _server(ctx)
    address = ctx.arg("ip") or management_address(server)
    token = secrets.token_hex(16)
    return Reply(200, {"iloSsoUrl": f"https://{address}/sso?sessionkey={token}"})


@bp.get("/rest/server-hardware/{id}/javaRemoteConsoleUrl")
def get_java_remote_console_url(ctx: Ctx) -> Reply:
    """Refused on iLO 5 and later (no Java console): 400; the launch URL on older iLOs."""
    server = _server(ctx)
    if str(server.get("mpModel")) not in ("iLO2", "iLO3", "iLO4"):
        raise bad_request(
            "JAVA_REMOTE_CONSOLE_NOT_SUPPORTED",
            f"The Java remote console is not supported by the {server.get('mpModel')} "
            f"of {server.get('name')}.",
            details="iLO 5 and later have no Java applet console; use remoteConsoleUrl.",
        )
    address = ctx.arg("ip") or management_address(server)
    token = secrets.token_hex(16)
    url = f"https://{address}/html/java_irc.html?sessionKey={token}"
    return Reply(200, {"javaRemoteConsoleUrl": url})


@bp.get("/rest/server-hardware/{id}/physicalServerHardware")
def get_physical_server_hardware(ctx: Ctx) -> Reply:
    """Refused: only Superdome X partitions have a physical server view (400)."""
    server = _server(ctx)
    raise bad_request(
        "PHYSICAL_SERVER_HARDWARE_NOT_SUPPORTED",
        f"The server hardware {server.get('name')} is not a Superdome X partition.",
        details="physicalServerHardware is available for Superdome X (SDX) partitions only.",
    )


@bp.put("/rest/server-hardware/{id}")
def put_server_hardware(ctx: Ctx) -> Reply:
    """Refused: server hardware is changed by PATCH and its sub-resources (405)."""
    _server(ctx)
    raise ApiError(
        405,
        "METHOD_NOT_ALLOWED",
        f"The method PUT is not supported for {ctx.path}.",
        details="Use PATCH (uidState, oneTimeBoot, maintenanceMode, powerState) or a "
        "sub-resource (powerState, refreshState, environmentalConfiguration).",
    )


# -- writes that need hardware the simulator does not have --------------------------------


@bp.job(UNREACHABLE_JOB, duration=30.0, steps=["Contact the iLO."])
def _never_completes(appliance: Appliance, params: dict[str, Any]) -> None:
    """The task carries its error from the start."""


def _unreachable(
    ctx: Ctx, name: str, uri: str | None, resource_name: str | None, error: ApiError
) -> Reply:
    return ctx.start_task(
        UNREACHABLE_JOB,
        {},
        name=name,
        status=f"{name}: {resource_name}",
        resource_uri=uri,
        resource_category="server-hardware",
        resource_name=resource_name,
        fails_with=error,
    )


def _ilo_unreachable(address: str) -> ApiError:
    return ApiError(
        400,
        "ILO_UNREACHABLE",
        f"Unable to establish communication with the iLO at {address}.",
        details=f"The appliance could not connect to {address} on port 443.",
        recommended_actions=[
            "Verify the iLO address, that the iLO is powered and reachable from the appliance."
        ],
    )


def _hostname_of(body: Doc) -> str:
    hostname = body.get("hostname")
    if not isinstance(hostname, str) or not hostname:
        raise bad_request(
            "INVALID_PARAMETER",
            "The hostname of the iLO is required to add a server.",
            details="Field hostname: the iLO's IP address or host name.",
        )
    for field in ("username", "password"):
        if not isinstance(body.get(field), str) or not body[field]:
            raise bad_request(
                "INVALID_PARAMETER",
                f"The iLO {field} is required to add a server.",
                details=f"Field {field}: a non-empty string.",
            )
    return hostname


@bp.post("/rest/server-hardware")
def add_server(ctx: Ctx) -> Reply:
    """Add a rack server by its iLO: 202, and the task fails (the iLO is unreachable)."""
    body = ctx.json_object()
    hostname = _hostname_of(body)
    return _unreachable(ctx, "Add", None, hostname, _ilo_unreachable(hostname))


@bp.post("/rest/server-hardware/discovery")
def add_servers(ctx: Ctx) -> Reply:
    """Add rack servers from an iLO address range: 202, the task fails (none answers)."""
    body = ctx.json_object()
    ranges = body.get("mpHostsAndRanges")
    first = str(ranges[0]) if isinstance(ranges, list) and ranges and ranges[0] else ""
    if not first:
        raise bad_request(
            "INVALID_PARAMETER",
            "Give the iLO addresses or ranges of the servers to add.",
            details="Field mpHostsAndRanges: e.g. ['192.168.1.10-192.168.1.20'].",
        )
    for field in ("username", "password"):
        if not isinstance(body.get(field), str) or not body[field]:
            raise bad_request(
                "INVALID_PARAMETER",
                f"The iLO {field} is required to add servers.",
                details=f"Field {field}: a non-empty string.",
            )
    return _unreachable(ctx, "Add", None, first, _ilo_unreachable(first))


@bp.delete("/rest/server-hardware/{id}")
def remove_server(ctx: Ctx) -> Reply:
    """Remove a rack server (202, task "Remove"); blades are removed with their enclosure."""
    server = _server(ctx)
    if server.get("platform") != "Rack":
        raise bad_request(
            "CANNOT_REMOVE_SERVER_IN_ENCLOSURE",
            f"The server hardware {server.get('name')} is in an enclosure.",
            details="Only rack servers can be removed; blades go with their enclosure.",
        )
    if server.get("serverProfileUri"):
        raise bad_request(
            "SERVER_HARDWARE_HAS_PROFILE",
            f"The server hardware {server.get('name')} has a server profile assigned.",
            details=f"Profile {server['serverProfileUri']}: unassign or delete it first.",
        )
    return ctx.start_task(
        REMOVE_JOB,
        {"server": server["uri"]},
        name="Remove",
        status=f"Remove server hardware {server.get('name')}",
        resource_uri=server["uri"],
        resource_category="server-hardware",
        resource_name=server.get("name"),
    )


REMOVE_JOB = "server-hardware.remove"


@bp.job(REMOVE_JOB, duration=20.0, steps=["Remove the server hardware."])
def _finish_remove(appliance: Appliance, params: dict[str, Any]) -> None:
    if appliance.store.get(params["server"]) is not None:
        appliance.store.remove(params["server"])
