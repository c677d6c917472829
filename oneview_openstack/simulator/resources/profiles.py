"""Server profiles: /rest/server-profiles (create/assign, edit, delete; §9.5, §11.1-11.3).

Every change answers 202 with a task. Requests that are malformed or name
resources that do not exist are refused with 400 at once; conditions found
against the hardware (powered on, already assigned, wrong type, ...) end the
task in Error, as on a real appliance. While a task of a profile runs, other
changes to it are refused with 409.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_request, conflict
from oneview_openstack.simulator.resources import (
    compute_types,
    conditional,
    profile_apply,
    profile_firmware,
    profile_model,
    profile_rules,
)
from oneview_openstack.simulator.resources.profile_model import ProfileState
from oneview_openstack.simulator.resources.server_hardware import ServerState
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply
from oneview_openstack.simulator.versions import check_type

bp = Blueprint()

Doc = dict[str, Any]
NOT_FOUND = "ProfileNotFoundException"
WHAT = "server profile"


@bp.renderer("server-profiles")
def render_profile(doc: Doc, version: int) -> Doc:
    return profile_model.render_profile(doc, version)


@bp.get("/rest/server-profiles")
def list_profiles(ctx: Ctx) -> Reply:
    """Server profiles, filterable (name, serverHardwareUri, templateCompliance, ...)."""
    docs = ctx.appliance.store.iter("server-profiles")
    return query.page(ctx, docs, collection_type="ServerProfileListV12", category="server-profiles")


@bp.get("/rest/server-profiles/{id}")
def get_profile(ctx: Ctx) -> Reply:
    """One profile; 304 when If-None-Match names its current eTag."""
    profile = require_profile(ctx)
    return conditional.document_reply(ctx, profile)


@bp.post("/rest/server-profiles")
def create_profile(ctx: Ctx) -> Reply:
    """Create a profile, and apply it when it names serverHardwareUri (202)."""
    profile = profile_from_request(ctx, profile_model.blank_profile())
    server = hardware_of(ctx, profile)
    profile_apply.place_on_hardware(profile, server)
    if profile.get("serverHardwareTypeUri") is None:
        raise bad_request(
            "INVALID_PARAMETER",
            "An unassigned server profile needs a server hardware type.",
            details="Field serverHardwareTypeUri: give it, or give serverHardwareUri.",
        )
    error = _create_problem(ctx, profile, server)
    if error is not None:
        return start_rejected(ctx, "Create", error, None, profile["name"])
    profile_apply.assign_identity(ctx.appliance, profile, str(uuid.uuid4()), server)
    profile_apply.prepare_connections(ctx.appliance, profile, None, server)
    profile.update(state=ProfileState.CREATING.value, inProgress=True)
    ctx.appliance.store.add(profile)
    if server is not None:
        profile_apply.lock_server(
            ctx.appliance, server["uri"], profile["uri"], ServerState.APPLYING_PROFILE
        )
    params = {"profile": profile["uri"], "server": _uri(server), "released": None, "previous": None}
    firmware = profile_firmware.install_seconds(ctx.appliance, profile, server)
    seconds = (120.0 if server is not None else 10.0) + firmware
    return start_apply(
        ctx, "Create", profile, params, seconds, f"Applying profile {profile['name']}", firmware
    )


def _create_problem(ctx: Ctx, profile: Doc, server: Doc | None) -> ApiError | None:
    appliance = ctx.appliance
    error = profile_rules.name_problem(appliance, profile)
    if error is None and server is not None:
        error = profile_rules.hardware_problem(profile, server, conditional.force_values(ctx))
        if error is None and profile_rules.needs_power_off(profile) and not is_off(server):
            error = profile_rules.server_not_off(server)
    return error or profile_rules.configuration_problem(
        appliance,
        profile,
        server,
        profile_rules.reachable_networks(appliance, profile.get("enclosureGroupUri")),
    )


@bp.put("/rest/server-profiles/{id}")
def update_profile(ctx: Ctx) -> Reply:
    """Replace a profile: edit, assign, unassign or move it (202)."""
    current = require_changeable(ctx)
    new = profile_from_request(ctx, current)
    server = hardware_of(ctx, new)
    old_server = ctx.appliance.store.get(current.get("serverHardwareUri") or "")
    profile_apply.place_on_hardware(new, server)
    error = _edit_problem(ctx, current, new, old_server, server)
    if error is not None:
        return start_rejected(ctx, "Update", error, current["uri"], current.get("name"))
    return apply_edit(ctx, current, new, old_server, server)


def _edit_problem(
    ctx: Ctx, current: Doc, new: Doc, old_server: Doc | None, server: Doc | None
) -> ApiError | None:
    appliance = ctx.appliance
    moved = _uri(server) != _uri(old_server)
    error = profile_rules.name_problem(appliance, new)
    if error is None and moved and old_server is not None and not is_off(old_server):
        error = profile_rules.unassign_while_on(old_server)
    if error is None and server is not None:
        error = profile_rules.hardware_problem(new, server, conditional.force_values(ctx))
    if error is None and server is not None and not is_off(server):
        changes = profile_rules.changes_needing_power_off(current, new)
        if moved and profile_rules.needs_power_off(new):
            error = profile_rules.server_not_off(server)
        elif not moved and changes:
            error = profile_rules.profile_edit_while_on(server, changes)
    return error or profile_rules.configuration_problem(
        appliance,
        new,
        server,
        profile_rules.reachable_networks(appliance, new.get("enclosureGroupUri")),
    )


def apply_edit(
    ctx: Ctx, current: Doc, new: Doc, old_server: Doc | None, server: Doc | None
) -> Reply:
    """Store the edited profile, lock the hardware it touches, start the apply task."""
    appliance = ctx.appliance
    profile_apply.prepare_connections(appliance, new, current, server)
    moved = _uri(server) != _uri(old_server)
    touches_hardware = moved or bool(profile_rules.changes_needing_power_off(current, new))
    previous = copy.deepcopy(current)
    new.update(state=ProfileState.UPDATING.value, inProgress=True)
    appliance.store.update(current["uri"], new)
    if touches_hardware and server is not None:
        profile_apply.lock_server(
            appliance, server["uri"], current["uri"], ServerState.APPLYING_PROFILE
        )
    if moved and old_server is not None:
        profile_apply.lock_server(
            appliance, old_server["uri"], current["uri"], ServerState.REMOVING_PROFILE
        )
    params = {
        "profile": current["uri"],
        "server": _uri(server),
        "released": _uri(old_server) if moved else None,
        "previous": previous,
    }
    firmware = 0.0
    if moved or profile_model.section_changed(current, new, "firmware"):
        firmware = profile_firmware.install_seconds(appliance, new, server)
    seconds = (90.0 if touches_hardware and (server or old_server) else 5.0) + firmware
    return start_apply(
        ctx, "Update", current, params, seconds, f"Updating profile {new['name']}", firmware
    )


@bp.delete("/rest/server-profiles/{id}")
def delete_profile(ctx: Ctx) -> Reply:
    """Delete a profile (task "Delete"); refused while its server is on unless force=true."""
    current = require_changeable(ctx)
    appliance = ctx.appliance
    server = appliance.store.get(current.get("serverHardwareUri") or "")
    forced = "all" in conditional.force_values(ctx)
    if server is not None and not is_off(server) and not forced:
        error = profile_rules.unassign_while_on(server)
        return start_rejected(ctx, "Delete", error, current["uri"], current.get("name"))
    appliance.store.update(
        current["uri"], {"state": ProfileState.DELETING.value, "inProgress": True}
    )
    if server is not None:
        profile_apply.lock_server(
            appliance, server["uri"], current["uri"], ServerState.REMOVING_PROFILE
        )
    reply = ctx.start_task(
        profile_apply.DELETE_JOB,
        {"profile": current["uri"], "server": _uri(server)},
        name="Delete",
        status=f"Deleting profile {current.get('name')}",
        resource_uri=current["uri"],
        resource_category="server-profiles",
        resource_name=current.get("name"),
        duration=60.0 if server is not None else 5.0,
    )
    _remember_task(ctx, current["uri"], reply)
    return reply


# -- shared by the handlers (also used by profile_actions) ---------------------------------


def require_profile(ctx: Ctx) -> Doc:
    return ctx.appliance.store.require(f"/rest/server-profiles/{ctx.params['id']}", NOT_FOUND)


def require_changeable(ctx: Ctx) -> Doc:
    """The profile, if the request's eTag is current and no task of it is running."""
    profile = require_profile(ctx)
    conditional.require_current_etag(ctx, profile)
    if profile.get("inProgress"):
        raise conflict(
            "PROFILE_OPERATION_IN_PROGRESS",
            f"The server profile {profile.get('name')!r} is locked by a running operation.",
            details=f"State {profile.get('state')}, task {profile.get('taskUri')} still running.",
            action="Wait for the running task to complete, then retry.",
        )
    return profile


def profile_from_request(ctx: Ctx, base: Doc) -> Doc:
    """``base`` with the request body laid over it, checked (400 on bad input)."""
    body = ctx.json_object()
    check_type(body, compute_types.SERVER_PROFILE_TYPES, ctx.api_version)
    profile = profile_model.merge_body(base, body, profile_model.TOP_LEVEL_EDITABLE)
    connections = profile_model.incoming_connections(body)
    if connections is not None:
        if not isinstance(connections, list):
            raise bad_request(
                "INVALID_PARAMETER",
                "The server profile connections must be a list.",
                details=f"connections: {connections!r}.",
            )
        profile["connectionSettings"]["connections"] = copy.deepcopy(connections)
    profile_rules.check_fields(ctx.appliance, profile, WHAT)
    return profile


def hardware_of(ctx: Ctx, profile: Doc) -> Doc | None:
    uri = profile.get("serverHardwareUri")
    return ctx.appliance.store.get(uri) if uri else None


def is_off(server: Doc) -> bool:
    return server.get("powerState") == "Off"


def start_apply(
    ctx: Ctx,
    name: str,
    profile: Doc,
    params: Doc,
    seconds: float,
    status: str,
    firmware_seconds: float = 0.0,
) -> Reply:
    """The apply task; its steps include a firmware update when one takes time."""
    kind = profile_apply.APPLY_FIRMWARE_JOB if firmware_seconds else profile_apply.APPLY_JOB
    reply = ctx.start_task(
        kind,
        params,
        name=name,
        status=status,
        resource_uri=profile["uri"],
        resource_category="server-profiles",
        resource_name=profile.get("name"),
        duration=seconds,
    )
    _remember_task(ctx, profile["uri"], reply)
    return reply


def start_rejected(
    ctx: Ctx, name: str, error: ApiError, uri: str | None, profile_name: str | None
) -> Reply:
    """A task that ends in Error with ``error`` (validation found a problem)."""
    return ctx.start_task(
        profile_apply.REJECTED_JOB,
        {},
        name=name,
        status=f"Unable to {name.lower()} server profile: {profile_name}",
        resource_uri=uri,
        resource_category="server-profiles",
        resource_name=profile_name,
        fails_with=error,
    )


def _remember_task(ctx: Ctx, profile_uri: str, accepted: Reply) -> None:
    """The profile names the task of its running operation (``taskUri``)."""
    if ctx.appliance.store.get(profile_uri) is not None:
        ctx.appliance.store.update(profile_uri, {"taskUri": accepted.body["uri"]})


def _uri(doc: Doc | None) -> str | None:
    return None if doc is None else doc["uri"]
