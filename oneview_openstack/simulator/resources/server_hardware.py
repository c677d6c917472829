"""Server hardware: /rest/server-hardware and its sub-resources.

What happens to a server without a request of ours (the /sim operator API) lives
with its subject: ``power.press_button`` and ``profile_apply``'s foreign profiles.
"""

from __future__ import annotations

import enum
import secrets
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_request
from oneview_openstack.simulator.resources import compute_types, local_storage, power
from oneview_openstack.simulator.resources.conditional import document_reply
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

PATCH_JOB = "server-hardware.patch"
REFRESH_JOB = "server-hardware.refresh"
ONE_TIME_BOOT = ("Normal", "CDROM", "HDD", "USB", "Network")
UID_STATES = ("On", "Off", "Blink")


class ServerState(enum.StrEnum):
    NO_PROFILE_APPLIED = "NoProfileApplied"
    APPLYING_PROFILE = "ApplyingProfile"
    PROFILE_APPLIED = "ProfileApplied"
    REMOVING_PROFILE = "RemovingProfile"
    PROFILE_ERROR = "ProfileError"
    MONITORED = "Monitored"
    UNMANAGED = "Unmanaged"


@bp.renderer("server-hardware")
def render_server_hardware(doc: dict[str, Any], version: int) -> dict[str, Any]:
    return compute_types.with_type(doc, compute_types.SERVER_HARDWARE_TYPES, version)


@bp.get("/rest/server-hardware")
def list_server_hardware(ctx: Ctx) -> Reply:
    """Server hardware, filterable (serverGroupUri, serverHardwareTypeUri, name, ...)."""
    docs = ctx.appliance.store.iter("server-hardware")
    return query.page(ctx, docs, collection_type="server-hardware-list", category="server-hardware")


@bp.get("/rest/server-hardware/{id}")
def get_server_hardware(ctx: Ctx) -> Reply:
    """One server."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.put("/rest/server-hardware/{id}/powerState")
def put_power_state(ctx: Ctx) -> Reply:
    """Power on/off/reset: 202 + a power task (the §11.4 matrix)."""
    return power.request_power(ctx, _server(ctx), ctx.body)


@bp.patch("/rest/server-hardware/{id}")
def patch_server_hardware(ctx: Ctx) -> Reply:
    """JSON-patch replace of /uidState, /oneTimeBoot, /maintenanceMode or /powerState."""
    server = _server(ctx)
    operations = _patch_operations(ctx.body)
    if any(op["path"] == "/powerState" for op in operations):
        if len(operations) != 1:
            raise bad_request(
                "INVALID_PATCH_REQUEST",
                "A /powerState patch must be the only operation of its request.",
                details=f"The request has {len(operations)} operations.",
            )
        return power.request_power(ctx, server, operations[0]["value"])
    changes = dict(_patch_change(op) for op in operations)
    return ctx.start_task(
        PATCH_JOB,
        {"server": server["uri"], "changes": changes},
        name="Update",
        status=f"Update server hardware {server.get('name')}",
        resource_uri=server["uri"],
        resource_category="server-hardware",
        resource_name=server.get("name"),
    )


@bp.job(PATCH_JOB, duration=2.0, steps=["Apply server hardware settings."])
def _finish_patch(appliance: Appliance, params: dict[str, Any]) -> None:
    if appliance.store.get(params["server"]) is not None:
        appliance.store.update(params["server"], params["changes"])


@bp.put("/rest/server-hardware/{id}/refreshState")
def put_refresh_state(ctx: Ctx) -> Reply:
    """Refresh the server's inventory: ``{"refreshState": "RefreshPending"}`` -> 202."""
    server = _server(ctx)
    body = ctx.json_object()
    if body.get("refreshState") != "RefreshPending":
        raise bad_request(
            "INVALID_REFRESH_STATE",
            "The requested refresh state is not valid.",
            details=f"Field refreshState: {body.get('refreshState')!r}; allowed: RefreshPending.",
        )
    ctx.appliance.store.update(server["uri"], {"refreshState": "Refreshing"})
    return ctx.start_task(
        REFRESH_JOB,
        {"server": server["uri"]},
        name="Refresh",
        status=f"Refresh server hardware {server.get('name')}",
        resource_uri=server["uri"],
        resource_category="server-hardware",
        resource_name=server.get("name"),
    )


@bp.job(REFRESH_JOB, duration=30.0, steps=["Collect inventory.", "Update server hardware."])
def _finish_refresh(appliance: Appliance, params: dict[str, Any]) -> None:
    if appliance.store.get(params["server"]) is not None:
        appliance.store.update(params["server"], {"refreshState": "NotRefreshing"})


@bp.on_fail(REFRESH_JOB)
def _refresh_failed(appliance: Appliance, params: dict[str, Any], error: ApiError) -> None:
    if appliance.store.get(params["server"]) is not None:
        appliance.store.update(params["server"], {"refreshState": "RefreshFailed"})


@bp.get("/rest/server-hardware/{id}/remoteConsoleUrl")
def get_remote_console_url(ctx: Ctx) -> Reply:
    """``hplocons://addr=<iLO>&sessionkey=<token>`` (a fresh iLO session key each time)."""
    server = _server(ctx)
    address = ctx.arg("ip") or management_address(server)
    key = secrets.token_hex(16)
    return Reply(200, {"remoteConsoleUrl": f"hplocons://addr={address}&sessionkey={key}"})


@bp.get("/rest/server-hardware/{id}/localStorage")
def get_local_storage(ctx: Ctx) -> Reply:
    """The storage controllers and drives the iLO reports (SmartStorage shape)."""
    return Reply(200, local_storage.smart_storage(ctx.appliance, _server(ctx)))


@bp.get("/rest/server-hardware/{id}/localStorageV2")
def get_local_storage_v2(ctx: Ctx) -> Reply:
    """The same storage in the Redfish shape (what hpeOneView's get_local_storage reads)."""
    return Reply(200, local_storage.redfish_storage(ctx.appliance, _server(ctx)))


def management_address(server: dict[str, Any]) -> str:
    """The iLO address: the first non link-local one, else the host name."""
    info = server.get("mpHostInfo") or {}
    for entry in info.get("mpIpAddresses") or []:
        if entry.get("type") != "LinkLocal" and entry.get("address"):
            return str(entry["address"])
    return str(info.get("mpHostName") or server.get("mpIpAddress") or "")


# -- helpers ---------------------------------------------------------------------


def _server(ctx: Ctx) -> dict[str, Any]:
    uri = "/rest/server-hardware/" + ctx.params["id"]
    return ctx.appliance.store.require(uri)


def _patch_operations(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, list) or not body:
        raise bad_request(
            "INVALID_PATCH_REQUEST",
            "The PATCH body must be a non-empty JSON array of operations.",
            details='Example: [{"op": "replace", "path": "/uidState", "value": "On"}].',
        )
    for op in body:
        if not isinstance(op, dict) or op.get("op") != "replace":
            raise bad_request(
                "INVALID_PATCH_REQUEST",
                "Only the replace operation is supported on server hardware.",
                details=f"Operation {op!r}: op must be 'replace'.",
            )
    return body


def _patch_change(op: dict[str, Any]) -> tuple[str, Any]:
    path, value = op.get("path"), op.get("value")
    if path == "/uidState" and value in UID_STATES:
        return "uidState", value
    if path == "/oneTimeBoot" and value in ONE_TIME_BOOT:
        return "oneTimeBoot", value
    if path == "/maintenanceMode" and value in (True, False, "true", "false"):
        return "maintenanceMode", value in (True, "true")
    allowed = {
        "/uidState": ", ".join(UID_STATES),
        "/oneTimeBoot": ", ".join(ONE_TIME_BOOT),
        "/maintenanceMode": "true, false",
    }
    if path not in allowed:
        raise bad_request(
            "INVALID_PATCH_PATH",
            f"The path {path!r} cannot be patched on server hardware.",
            details="Patchable paths: /uidState, /oneTimeBoot, /maintenanceMode, /powerState.",
        )
    raise bad_request(
        "INVALID_PATCH_VALUE",
        f"The value {value!r} is not valid for {path}.",
        details=f"Allowed values for {path}: {allowed[path]}.",
    )
