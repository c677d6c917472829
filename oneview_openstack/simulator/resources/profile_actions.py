"""Server profile actions besides CRUD: PATCH (update from template, refresh),
compliance-preview and available-targets."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator.errors import ApiError, bad_request
from oneview_openstack.simulator.resources import profile_model, profile_rules, profiles
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
REFRESH_JOB = "server-profiles.refresh"


@bp.patch("/rest/server-profiles/{id}")
def patch_profile(ctx: Ctx) -> Reply:
    """Replace ``/templateCompliance`` (update from template) or ``/refreshState``."""
    current = profiles.require_changeable(ctx)
    operation = _single_operation(ctx.body)
    path, value = operation.get("path"), operation.get("value")
    if path == "/templateCompliance" and value == "Compliant":
        return _update_from_template(ctx, current)
    if path == "/refreshState" and value == "RefreshPending":
        return _refresh(ctx, current)
    raise bad_request(
        "INVALID_PATCH_REQUEST",
        f"The patch {operation!r} is not supported on server profiles.",
        details=(
            'Supported: {"op": "replace", "path": "/templateCompliance", "value": "Compliant"} '
            'and {"op": "replace", "path": "/refreshState", "value": "RefreshPending"}.'
        ),
    )


def _single_operation(body: Any) -> Doc:
    if not isinstance(body, list) or len(body) != 1 or not isinstance(body[0], dict):
        raise bad_request(
            "INVALID_PATCH_REQUEST",
            "The PATCH body must be a JSON array with exactly one operation.",
            details=f"Got {body!r}.",
        )
    if body[0].get("op") != "replace":
        raise bad_request(
            "INVALID_PATCH_REQUEST",
            f"The patch operation {body[0].get('op')!r} is not supported.",
            details="Server profiles accept op 'replace'.",
        )
    return body[0]


def _update_from_template(ctx: Ctx, current: Doc) -> Reply:
    template = _template_of(ctx, current)
    new = copy.deepcopy(current)
    new.update(profile_model.sections_from_template(template))
    settings = template.get("connectionSettings") or {}
    if settings.get("manageConnections", True):
        new["connectionSettings"]["connections"] = [
            profile_model.template_connection(c) for c in profile_model.connections_of(template)
        ]
    server = ctx.appliance.store.get(current.get("serverHardwareUri") or "")
    error: ApiError | None = None
    changes = profile_rules.changes_needing_power_off(current, new)
    if server is not None and changes and not profiles.is_off(server):
        error = profile_rules.profile_edit_while_on(server, changes)
    error = error or profile_rules.configuration_problem(
        ctx.appliance,
        new,
        server,
        profile_rules.reachable_networks(ctx.appliance, new.get("enclosureGroupUri")),
    )
    if error is not None:
        return profiles.start_rejected(ctx, "Update", error, current["uri"], current.get("name"))
    return profiles.apply_edit(ctx, current, new, server, server)


def _template_of(ctx: Ctx, profile: Doc) -> Doc:
    uri = profile.get("serverProfileTemplateUri")
    template = ctx.appliance.store.get(uri) if uri else None
    if template is None:
        raise bad_request(
            "PROFILE_NOT_ASSOCIATED_WITH_TEMPLATE",
            f"The server profile {profile.get('name')!r} is not associated with a template.",
            details=f"serverProfileTemplateUri is {uri!r}.",
        )
    return template


def _refresh(ctx: Ctx, current: Doc) -> Reply:
    ctx.appliance.store.update(current["uri"], {"refreshState": "Refreshing"})
    return ctx.start_task(
        REFRESH_JOB,
        {"profile": current["uri"]},
        name="Refresh",
        status=f"Refreshing profile {current.get('name')}",
        resource_uri=current["uri"],
        resource_category="server-profiles",
        resource_name=current.get("name"),
    )


@bp.job(REFRESH_JOB, duration=30.0, steps=["Refresh the server profile."])
def _finish_refresh(appliance: Appliance, params: dict[str, Any]) -> None:
    if appliance.store.get(params["profile"]) is not None:
        appliance.store.update(params["profile"], {"refreshState": "NotRefreshing"})


@bp.on_fail(REFRESH_JOB)
def _refresh_failed(appliance: Appliance, params: dict[str, Any], error: ApiError) -> None:
    if appliance.store.get(params["profile"]) is not None:
        appliance.store.update(params["profile"], {"refreshState": "RefreshFailed"})


@bp.get("/rest/server-profiles/{id}/compliance-preview")
def compliance_preview(ctx: Ctx) -> Reply:
    """What updating the profile from its template would change."""
    profile = profiles.require_profile(ctx)
    uri = profile.get("serverProfileTemplateUri")
    template = ctx.appliance.store.get(uri) if uri else None
    updates = profile_model.template_differences(template, profile) if template else []
    return Reply(
        200,
        {
            "type": "ServerProfileCompliancePreviewV1",
            "isOnlineUpdate": not updates,
            "manualUpdates": [],
            "automaticUpdates": updates,
        },
    )


@bp.get("/rest/server-profiles/available-targets")
def available_targets(ctx: Ctx) -> Reply:
    """Servers (and empty bays) a profile of this enclosure group / hardware type may use."""
    store = ctx.appliance.store
    group = ctx.arg("enclosureGroupUri")
    hardware_type = ctx.arg("serverHardwareTypeUri")
    profile_uri = ctx.arg("profileUri")
    targets = [
        _target(ctx, server)
        for server in store.iter("server-hardware")
        if server.get("serverProfileUri") in (None, profile_uri)
        and (not group or server.get("serverGroupUri") == group)
        and (not hardware_type or server.get("serverHardwareTypeUri") == hardware_type)
    ]
    if not hardware_type:
        targets += _empty_bays(ctx, group)
    return Reply(
        200,
        {
            "type": "AvailableTargetsV3",
            "category": "available-targets",
            "uri": "/rest/server-profiles/available-targets",
            "targets": targets,
            "eTag": None,
            "created": None,
            "modified": None,
        },
    )


def _target(ctx: Ctx, server: Doc) -> Doc:
    store = ctx.appliance.store
    enclosure = store.get(server.get("locationUri") or "") or {}
    group = store.get(server.get("serverGroupUri") or "") or {}
    hardware_type = store.get(server.get("serverHardwareTypeUri") or "") or {}
    return {
        "enclosureGroupName": group.get("name"),
        "enclosureName": enclosure.get("name"),
        "enclosureUri": server.get("locationUri"),
        "enclosureBay": server.get("position"),
        "serverHardwareName": server.get("name"),
        "serverHardwareUri": server["uri"],
        "serverHardwareTypeName": hardware_type.get("name"),
        "serverHardwareTypeUri": server.get("serverHardwareTypeUri"),
        "enclosureGroupUri": server.get("serverGroupUri"),
        "powerState": server.get("powerState"),
        "formFactor": [server.get("formFactor")],
        "serverHardwareStatus": server.get("status"),
    }


def _empty_bays(ctx: Ctx, group_uri: str | None) -> list[Doc]:
    store = ctx.appliance.store
    bays = []
    for enclosure in store.iter("enclosures"):
        if group_uri and enclosure.get("enclosureGroupUri") != group_uri:
            continue
        group = store.get(enclosure.get("enclosureGroupUri") or "") or {}
        for bay in enclosure.get("deviceBays") or []:
            if bay.get("devicePresence") != "Absent" or bay.get("coveredByDevice"):
                continue
            bays.append(
                {
                    "enclosureGroupName": group.get("name"),
                    "enclosureName": enclosure.get("name"),
                    "enclosureUri": enclosure["uri"],
                    "enclosureBay": bay.get("bayNumber"),
                    "serverHardwareName": None,
                    "serverHardwareUri": None,
                    "serverHardwareTypeName": None,
                    "serverHardwareTypeUri": None,
                    "enclosureGroupUri": enclosure.get("enclosureGroupUri"),
                    "powerState": None,
                    "formFactor": ["HalfHeight"],
                    "serverHardwareStatus": "Unknown",
                }
            )
    return bays
