"""The long tail of the hpeOneView SDK's calls (issue 11): small calls of several families.

- ``PATCH`` (JSON patch ``replace`` of /name, /description, /scopeUris; 202, task "Update") of
  Ethernet networks, network sets, logical interconnect groups and server profile templates;
- ``DELETE /rest/server-profiles?filter=...`` (one task for every matching profile) and
  ``GET /rest/server-profiles/schema``;
- what a real appliance refuses: creating, changing or deleting tasks, appliance node
  information, connection templates, labels and index entries by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_request, conflict
from oneview_openstack.simulator.resources import conditional, profile_apply, profile_rules
from oneview_openstack.simulator.resources.profile_model import ProfileState
from oneview_openstack.simulator.resources.server_hardware import ServerState
from oneview_openstack.simulator.router import Blueprint, Ctx, Handler, Reply

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()
Doc = dict[str, Any]

PATCH_JOB = "long-tail.patch"
DELETE_PROFILES_JOB = "server-profiles.delete-all"
PATCHABLE = ("/name", "/description", "/scopeUris")
PATCHED: tuple[tuple[str, str], ...] = (
    ("/rest/ethernet-networks", "Ethernet network"),
    ("/rest/network-sets", "network set"),
    ("/rest/logical-interconnect-groups", "logical interconnect group"),
    ("/rest/server-profile-templates", "server profile template"),
)


# -- PATCH --------------------------------------------------------------------------------


def _patch_handler(base: str, what: str) -> Handler:
    def patch(ctx: Ctx) -> Reply:
        current = ctx.appliance.store.require(ctx.path)
        conditional.require_current_etag(ctx, current)
        operations = ctx.body if isinstance(ctx.body, list) else [ctx.body]
        changes: Doc = {}
        for op in operations:
            path = op.get("path") if isinstance(op, dict) else None
            if not isinstance(op, dict) or op.get("op") != "replace" or path not in PATCHABLE:
                raise bad_request(
                    "INVALID_PATCH_OPERATION",
                    f"The patch operation is not supported for a {what}.",
                    details=f"Got {op!r}; supported: replace of {', '.join(PATCHABLE)}.",
                )
            changes[path[1:]] = op.get("value")
        name = changes.get("name", current.get("name"))
        if not isinstance(name, str) or not name.strip():
            raise bad_request("INVALID_NAME", f"The name of a {what} must not be empty.")
        if "scopeUris" in changes and not isinstance(changes["scopeUris"], list):
            raise bad_request("INVALID_SCOPE_URIS", "/scopeUris must be a list of scope URIs.")
        for scope in changes.get("scopeUris") or []:
            if ctx.appliance.store.get(str(scope)) is None:
                raise bad_request("SCOPE_NOT_FOUND", f"The scope {scope!r} was not found.")
        if name != current.get("name"):
            category = base.rsplit("/", 1)[-1]
            if any(d.get("name") == name for d in ctx.appliance.store.iter(category)):
                raise conflict(
                    "DUPLICATE_NAME",
                    f"A {what} named {name!r} already exists.",
                    action="Choose another name.",
                )
        return ctx.start_task(
            PATCH_JOB,
            {"uri": current["uri"], "changes": changes},
            name="Update",
            status=f"Update {what} {name}.",
            resource_uri=current["uri"],
            resource_category=base.rsplit("/", 1)[-1],
            resource_name=name,
        )

    patch.__doc__ = f"``replace`` of /name, /description or /scopeUris of a {what} (202)."
    return patch


for _base, _what in PATCHED:
    bp.patch(f"{_base}/{{id}}")(_patch_handler(_base, _what))


@bp.job(PATCH_JOB, duration=1.0, steps=["Updating the resource."])
def _finish_patch(appliance: Appliance, params: dict[str, Any]) -> None:
    if appliance.store.get(params["uri"]) is not None:
        appliance.store.update(params["uri"], params["changes"])


# -- server profiles ----------------------------------------------------------------------


@bp.delete("/rest/server-profiles")
def delete_profiles_by_filter(ctx: Ctx) -> Reply:
    """Delete every profile the ``filter`` matches, as one task (202)."""
    if not ctx.args("filter"):
        raise bad_request(
            "INVALID_FILTER",
            "Deleting server profiles by filter needs a filter.",
            details="DELETE /rest/server-profiles?filter=... ; an empty filter is refused.",
        )
    store = ctx.appliance.store
    profiles = query.select(ctx, store.iter("server-profiles"))
    forced = (ctx.arg("force") or "false").lower() == "true"
    pairs: list[list[str | None]] = []
    for profile in profiles:
        if profile.get("inProgress"):
            raise conflict(
                "PROFILE_OPERATION_IN_PROGRESS",
                f"The server profile {profile.get('name')!r} is locked by a running operation.",
                action="Wait for the running task to complete, then retry.",
            )
        server = store.get(profile.get("serverHardwareUri") or "")
        if server is not None and server.get("powerState") != "Off" and not forced:
            raise profile_rules.unassign_while_on(server)
        pairs.append([profile["uri"], server["uri"] if server else None])
    for profile_uri, server_uri in pairs:
        assert profile_uri is not None
        store.update(profile_uri, {"state": ProfileState.DELETING.value, "inProgress": True})
        if server_uri:
            profile_apply.lock_server(
                ctx.appliance, server_uri, profile_uri, ServerState.REMOVING_PROFILE
            )
    return ctx.start_task(
        DELETE_PROFILES_JOB,
        {"pairs": pairs},
        name="Delete",
        status=f"Deleting {len(pairs)} server profiles.",
        resource_uri=None,
        resource_category="server-profiles",
        duration=60.0 if any(server for _, server in pairs) else 5.0,
    )


@bp.job(DELETE_PROFILES_JOB, duration=5.0, steps=["Remove profile settings."])
def _finish_delete_profiles(appliance: Appliance, params: dict[str, Any]) -> None:
    for profile_uri, server_uri in params["pairs"]:
        if appliance.store.get(profile_uri) is not None:
            appliance.store.remove(profile_uri)
        profile_apply.release_server(appliance, server_uri, profile_uri)


@bp.get("/rest/server-profiles/schema")
def profile_schema(ctx: Ctx) -> Reply:
    """The JSON schema of a server profile."""
    strings = (
        "name", "description", "serverHardwareUri", "serverHardwareTypeUri",
        "enclosureGroupUri", "serverProfileTemplateUri", "affinity", "macType", "wwnType",
        "serialNumberType", "iscsiInitiatorNameType", "hideUnusedFlexNics",
    )  # fmt: skip
    properties: Doc = {key: {"type": ["string", "null"]} for key in strings}
    for key in ("connectionSettings", "boot", "bootMode", "bios", "firmware", "localStorage",
                "sanStorage", "managementProcessor"):  # fmt: skip
        properties[key] = {"type": ["object", "null"]}
    return Reply(
        200,
        {
            "$schema": "http://json-schema.org/draft-03/schema#",
            "type": "object",
            "name": "ServerProfile",
            "properties": properties,
        },
    )


# -- refused ------------------------------------------------------------------------------


def _refuse(status: int, code: str, reason: str, summary: str) -> Handler:
    def refuse(ctx: Ctx) -> Reply:
        raise ApiError(
            status,
            code,
            f"The method {ctx.method} is not supported for {ctx.path}."
            if status == 405
            else f"The resource {ctx.path} was not found.",
            details=reason,
        )

    refuse.__doc__ = summary
    return refuse


def _routes(
    handler: Handler, *pairs: tuple[Callable[[str], Callable[[Handler], Handler]], str]
) -> None:
    for method, template in pairs:
        method(template)(handler)


_routes(
    _refuse(
        405, "METHOD_NOT_ALLOWED", "Tasks are made by the operations they track.",
        "Refused: tasks are made and ended by the appliance, not by clients (405).",
    ),
    (bp.post, "/rest/tasks"), (bp.put, "/rest/tasks/{id}"), (bp.delete, "/rest/tasks/{id}"),
)  # fmt: skip
_routes(
    _refuse(
        404, "RESOURCE_NOT_FOUND", "Node information is read at /status and /version only.",
        "Refused: node information has /status and /version only (404).",
    ),
    (bp.get, "/rest/appliance/nodeinfo"), (bp.post, "/rest/appliance/nodeinfo"),
    (bp.get, "/rest/appliance/nodeinfo/{id}"), (bp.put, "/rest/appliance/nodeinfo/{id}"),
    (bp.delete, "/rest/appliance/nodeinfo/{id}"),
)  # fmt: skip
_routes(
    _refuse(
        405, "METHOD_NOT_ALLOWED",
        "A connection template is created and deleted with its network.",
        "Refused: a connection template comes and goes with its network (405).",
    ),
    (bp.post, "/rest/connection-templates"), (bp.delete, "/rest/connection-templates/{id}"),
)  # fmt: skip
_routes(
    _refuse(
        405, "METHOD_NOT_ALLOWED",
        "Labels are assigned at /rest/labels/resources/{resource URI}.",
        "Refused: a label is changed through its resources' labels (405).",
    ),
    (bp.put, "/rest/labels/{id}"), (bp.delete, "/rest/labels/{id}"),
)  # fmt: skip
_routes(
    _refuse(
        405, "METHOD_NOT_ALLOWED", "The index is built by the appliance.",
        "Refused: the search index is built by the appliance (405).",
    ),
    (bp.post, "/rest/index/resources"), (bp.put, "/rest/index/resources/{id}"),
    (bp.delete, "/rest/index/resources/{id}"),
)  # fmt: skip
_routes(
    _refuse(
        404, "RESOURCE_NOT_FOUND", "Read an index entry at /rest/index/resources/{resource URI}.",
        "Refused: an index entry is read by its resource's URI, not an id (404).",
    ),
    (bp.get, "/rest/index/resources/{id}"),
)  # fmt: skip
_routes(
    _refuse(
        405, "METHOD_NOT_ALLOWED",
        "Interconnect types come with the appliance's software; they are read only.",
        "Refused: interconnect types are the appliance's own, read only (405).",
    ),
    (bp.post, "/rest/interconnect-types"), (bp.put, "/rest/interconnect-types/{id}"),
    (bp.delete, "/rest/interconnect-types/{id}"),
)  # fmt: skip
