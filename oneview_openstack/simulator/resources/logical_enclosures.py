"""Logical enclosures: /rest/logical-enclosures and their actions.

A logical enclosure is a frame set managed as one: its enclosure group, its
enclosures and the logical interconnects in them. Every write answers 202 with
a task. While a task runs the logical enclosure is ``Creating``, ``Updating``
or ``Deleting``; it is ``Consistent`` again when the task completes (or goes
back to what it was when the task fails).

- ``POST`` creates one from an enclosure group and enclosures the appliance
  manages that no other logical enclosure holds (in the seed every frame
  belongs to one: delete one first). The frames keep their interconnects.
- ``PUT`` (name, description, modes), ``PATCH`` (``replace`` of ``/name``,
  ``/description`` or ``/firmware``), ``PUT /updateFromGroup``,
  ``PUT /configuration``, ``PUT /script``, ``PATCH /firmware``.
- ``POST /support-dumps``: the task's resource is the dump file
  (``/rest/appliance/support-dumps/{name}.sdmp``), as the appliance's.
- ``DELETE`` is refused while a server in it has a server profile; the frames
  stay managed (their ``logicalEnclosureUri`` is cleared).
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_reference, bad_request, conflict
from oneview_openstack.simulator.resources.conditional import (
    document_reply,
    require_current_etag,
)
from oneview_openstack.simulator.resources.networking import name_taken, require_name
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply
from oneview_openstack.simulator.seed.build_fabric import logical_enclosure
from oneview_openstack.simulator.versions import TypeTable, check_type, type_for

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
CATEGORY = "logical-enclosures"
BASE = "/rest/logical-enclosures"
LOGICAL_ENCLOSURE_TYPES: TypeTable = [
    (0, "LogicalEnclosure"),
    (300, "LogicalEnclosureV300"),
    (600, "LogicalEnclosureV4"),
]
CREATE, UPDATE, ACTION, DELETE, DUMP = (
    f"{CATEGORY}.{op}" for op in ("create", "update", "action", "delete", "dump")
)
EDITABLE = ("name", "description", "ambientTemperatureMode", "powerMode")
FIRMWARE_FIELDS = (
    "firmwareBaselineUri",
    "forceInstallFirmware",
    "firmwareUpdateOn",
    "updateFirmwareOnUnmanagedInterconnect",
    "validateIfLIFirmwareUpdateIsNonDisruptive",
    "logicalInterconnectUpdateMode",
)
PATCHABLE = ("/name", "/description", "/firmware")
DUMP_NAME = re.compile(r"^[A-Za-z0-9_-]{1,10}$")
SCRIPT = "_le-scripts"


@bp.renderer(CATEGORY)
def render_logical_enclosure(doc: Doc, version: int) -> Doc:
    return {**doc, "type": type_for(LOGICAL_ENCLOSURE_TYPES, version)}


# -- reading -------------------------------------------------------------------


@bp.get(BASE)
def list_logical_enclosures(ctx: Ctx) -> Reply:
    """Logical enclosures (filter, sort, paging)."""
    docs = ctx.appliance.store.iter(CATEGORY)
    return query.page(ctx, docs, collection_type="LogicalEnclosureCollectionV4", category=CATEGORY)


@bp.get(f"{BASE}/{{id}}")
def get_logical_enclosure(ctx: Ctx) -> Reply:
    """One logical enclosure."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.get(f"{BASE}/{{id}}/script")
def get_script(ctx: Ctx) -> Reply:
    """The configuration script run on its enclosures (a JSON string)."""
    uri = _owner(ctx)
    stored = ctx.appliance.store.get(_script_uri(uri))
    return Reply(200, stored["script"] if stored else "")


@bp.get(f"{BASE}/{{id}}/firmware")
def get_firmware(ctx: Ctx) -> Reply:
    """Its firmware baseline settings."""
    doc = ctx.appliance.store.require(_owner(ctx))
    return Reply(200, dict(doc.get("firmware") or {}))


def _owner(ctx: Ctx) -> str:
    """The logical enclosure of a sub-resource path (404 when there is none)."""
    uri = "/".join(ctx.path.split("/")[:4])
    ctx.appliance.store.require(uri)
    return uri


def _script_uri(uri: str) -> str:
    return f"/{SCRIPT}/{uri.rsplit('/', 1)[1]}"


# -- create --------------------------------------------------------------------


@bp.post(BASE)
def create_logical_enclosure(ctx: Ctx) -> Reply:
    """Create one from an enclosure group and enclosures (202)."""
    store = ctx.appliance.store
    body = ctx.json_object()
    check_type(body, LOGICAL_ENCLOSURE_TYPES, ctx.api_version)
    name = require_name(body, "logical enclosure")
    if name_taken(ctx.appliance, CATEGORY, name, pending_kinds=(CREATE, UPDATE)):
        raise _duplicate_name(name)
    group_uri = body.get("enclosureGroupUri")
    if not isinstance(group_uri, str) or not group_uri.startswith("/rest/enclosure-groups/"):
        raise bad_reference("enclosureGroupUri", group_uri)
    group = store.get(group_uri)
    if group is None:
        raise bad_reference("enclosureGroupUri", group_uri)
    enclosure_uris = body.get("enclosureUris")
    if not isinstance(enclosure_uris, list) or not enclosure_uris:
        raise bad_request(
            "INVALID_ENCLOSURE_URIS",
            "A logical enclosure needs at least one enclosure.",
            details=f"Field enclosureUris: got {enclosure_uris!r}; a list of enclosure URIs.",
        )
    enclosures = [_free_enclosure(ctx.appliance, uri, group) for uri in enclosure_uris]
    if len(set(enclosure_uris)) != len(enclosure_uris):
        raise bad_request(
            "INVALID_ENCLOSURE_URIS",
            "An enclosure is listed twice.",
            details=f"Field enclosureUris: {enclosure_uris!r} repeats an enclosure.",
        )
    count = group.get("enclosureCount")
    if isinstance(count, int) and len(enclosures) > max(count, 1) and count > 0:
        raise bad_request(
            "ENCLOSURE_COUNT_MISMATCH",
            f"The enclosure group {group['name']} takes {count} enclosure(s).",
            details=f"Field enclosureUris: {len(enclosures)} enclosures given.",
        )
    firmware = _firmware(ctx.appliance, body, {})
    uri = f"{BASE}/{uuid.uuid4()}"
    li_uris = [
        li["uri"]
        for li in store.iter("logical-interconnects")
        if set(li.get("enclosureUris") or []) & set(enclosure_uris)
    ]
    doc = logical_enclosure(uri, name, group, enclosures, li_uris)
    doc.update(
        type=type_for(LOGICAL_ENCLOSURE_TYPES, 10**6),
        category=CATEGORY,
        scopesUri=f"/rest/scopes/resources{uri}",
        description=body.get("description"),
        firmware={**doc["firmware"], **firmware},
        state="Creating",
        status="Unknown",
    )
    store.add(doc)
    for enclosure in enclosures:
        store.update(enclosure["uri"], {"logicalEnclosureUri": uri})
    return ctx.start_task(
        CREATE,
        {"uri": uri, "name": name, "enclosures": enclosure_uris},
        name="Create",
        resource_uri=uri,
        resource_category=CATEGORY,
        resource_name=name,
        status=f"Create logical enclosure {name}.",
    )


def _free_enclosure(appliance: Appliance, uri: Any, group: Doc) -> Doc:
    if not isinstance(uri, str) or not uri.startswith("/rest/enclosures/"):
        raise bad_reference("enclosureUris", uri)
    enclosure = appliance.store.get(uri)
    if enclosure is None:
        raise bad_reference("enclosureUris", uri)
    holder = enclosure.get("logicalEnclosureUri")
    if holder and appliance.store.get(holder) is not None:
        raise bad_request(
            "ENCLOSURE_ALREADY_IN_LOGICAL_ENCLOSURE",
            f"The enclosure {enclosure['name']} already belongs to a logical enclosure.",
            details=f"Field enclosureUris: {uri} is in {holder}; delete that one first.",
        )
    own_group = enclosure.get("enclosureGroupUri")
    if own_group and own_group != group["uri"]:
        raise bad_request(
            "ENCLOSURE_GROUP_MISMATCH",
            f"The enclosure {enclosure['name']} is configured for another enclosure group.",
            details=f"Field enclosureUris: {uri} has enclosureGroupUri {own_group}, "
            f"not {group['uri']}.",
        )
    return enclosure


def _duplicate_name(name: str) -> ApiError:
    return bad_request(
        "DUPLICATE_LOGICAL_ENCLOSURE_NAME",
        f"A logical enclosure with the name {name} already exists.",
        details=f"Field name: {name!r} is used by another logical enclosure.",
    )


@bp.job(
    CREATE,
    duration=6.0,
    steps=["Validating the enclosures.", "Configuring the enclosures.", "Applying the group."],
)
def complete_create(appliance: Appliance, params: dict[str, Any]) -> None:
    appliance.store.update(params["uri"], {"state": "Consistent", "status": "OK"})


@bp.on_fail(CREATE)
def undo_create(appliance: Appliance, params: dict[str, Any], error: ApiError) -> None:
    store = appliance.store
    for uri in params["enclosures"]:
        enclosure = store.get(uri)
        if enclosure is not None and enclosure.get("logicalEnclosureUri") == params["uri"]:
            store.update(uri, {"logicalEnclosureUri": None})
    if store.get(params["uri"]) is not None:
        store.remove(params["uri"])


# -- changes -------------------------------------------------------------------


def _busy(doc: Doc) -> None:
    if doc.get("state") in ("Creating", "Updating", "Deleting"):
        raise conflict(
            "LOGICAL_ENCLOSURE_BUSY",
            f"The logical enclosure {doc['name']} is {doc['state'].lower()}.",
            details=f"{doc['uri']} has a task running; wait for it to finish.",
        )


def _firmware(appliance: Appliance, body: Doc, current: Doc) -> Doc:
    """The firmware settings of ``body`` merged over ``current`` (400 on a bad baseline)."""
    nested = body.get("firmware")
    source: Doc = nested if isinstance(nested, dict) else body
    changes = {k: source[k] for k in FIRMWARE_FIELDS if k in source}
    baseline = changes.get("firmwareBaselineUri")
    if baseline and appliance.store.get(str(baseline)) is None:
        raise bad_reference("firmwareBaselineUri", baseline)
    return {**current, **changes}


def _start_change(
    ctx: Ctx, doc: Doc, changes: Doc, status: str, *, kind: str = UPDATE, name: str = "Update"
) -> Reply:
    _busy(doc)
    params = {"uri": doc["uri"], "name": changes.get("name", doc["name"]), "changes": changes,
              "was": {"state": doc["state"], "status": doc["status"]}}  # fmt: skip
    ctx.appliance.store.update(doc["uri"], {"state": "Updating"})
    return ctx.start_task(
        kind,
        params,
        name=name,
        resource_uri=doc["uri"],
        resource_category=CATEGORY,
        resource_name=doc["name"],
        status=status,
    )


@bp.put(f"{BASE}/{{id}}")
def update_logical_enclosure(ctx: Ctx) -> Reply:
    """Change name, description, ambientTemperatureMode, powerMode (202)."""
    body = ctx.json_object()
    current = ctx.appliance.store.require(ctx.path)
    check_type(body, LOGICAL_ENCLOSURE_TYPES, ctx.api_version)
    require_current_etag(ctx, current)
    for field in ("enclosureGroupUri", "enclosureUris"):
        if field in body and body[field] != current[field]:
            raise bad_request(
                "LOGICAL_ENCLOSURE_FIELD_NOT_UPDATABLE",
                f"The field {field} of a logical enclosure cannot be changed.",
                details=f"Field {field}: got {body[field]!r}; it is {current[field]!r}.",
            )
    changes = _named_changes(ctx, current, {k: body[k] for k in EDITABLE if k in body})
    return _start_change(ctx, current, changes, f"Update logical enclosure {changes['name']}.")


def _named_changes(ctx: Ctx, current: Doc, changes: Doc) -> Doc:
    name = require_name({"name": changes.get("name", current["name"])}, "logical enclosure")
    if name != current["name"] and name_taken(
        ctx.appliance, CATEGORY, name, pending_kinds=(CREATE, UPDATE), ignore_uri=current["uri"]
    ):
        raise _duplicate_name(name)
    return {**changes, "name": name}


@bp.patch(f"{BASE}/{{id}}")
def patch_logical_enclosure(ctx: Ctx) -> Reply:
    """``replace`` of /name, /description or /firmware (202)."""
    current = ctx.appliance.store.require(ctx.path)
    require_current_etag(ctx, current)
    operations = ctx.body if isinstance(ctx.body, list) else [ctx.body]
    changes: Doc = {}
    for operation in operations:
        if not isinstance(operation, dict) or operation.get("op") != "replace":
            raise _invalid_patch(operation)
        path, value = operation.get("path"), operation.get("value")
        if path not in PATCHABLE:
            raise _invalid_patch(operation)
        if path == "/firmware":
            if not isinstance(value, dict):
                raise _invalid_patch(operation)
            changes["firmware"] = _firmware(ctx.appliance, value, current.get("firmware") or {})
        else:
            changes[path[1:]] = value
    changes = _named_changes(ctx, current, changes)
    return _start_change(ctx, current, changes, f"Update logical enclosure {changes['name']}.")


@bp.patch(f"{BASE}/{{id}}/firmware")
def patch_firmware(ctx: Ctx) -> Reply:
    """Set the firmware baseline (a firmware object, or ``replace`` operations) (202)."""
    current = ctx.appliance.store.require(_owner(ctx))
    body = ctx.body
    if isinstance(body, list):
        values = [op.get("value") for op in body if isinstance(op, dict)]
        body = values[0] if values and isinstance(values[0], dict) else None
    if not isinstance(body, dict):
        raise _invalid_patch(ctx.body)
    firmware = _firmware(ctx.appliance, body, current.get("firmware") or {})
    return _start_change(
        ctx, current, {"firmware": firmware}, f"Update firmware of {current['name']}."
    )


def _invalid_patch(operation: Any) -> ApiError:
    return bad_request(
        "INVALID_PATCH_OPERATION",
        "The patch operation is not supported for a logical enclosure.",
        details=f"Got {operation!r}; supported: replace of {', '.join(PATCHABLE)}.",
    )


@bp.put(f"{BASE}/{{id}}/updateFromGroup")
def update_from_group(ctx: Ctx) -> Reply:
    """Make it consistent with its enclosure group again (202)."""
    current = ctx.appliance.store.require(_owner(ctx))
    return _start_change(
        ctx, current, {}, f"Update {current['name']} from group.", kind=ACTION, name="Update"
    )


@bp.put(f"{BASE}/{{id}}/configuration")
def reapply_configuration(ctx: Ctx) -> Reply:
    """Reapply the appliance's configuration on its enclosures (202)."""
    current = ctx.appliance.store.require(_owner(ctx))
    return _start_change(
        ctx, current, {}, f"Reapply configuration of {current['name']}.", kind=ACTION,
        name="Reapply configuration",
    )  # fmt: skip


@bp.put(f"{BASE}/{{id}}/script")
def update_script(ctx: Ctx) -> Reply:
    """Replace the configuration script (a JSON string) (202)."""
    current = ctx.appliance.store.require(_owner(ctx))
    script = ctx.body
    if isinstance(script, dict) and isinstance(script.get("script"), str):
        script = script["script"]
    if not isinstance(script, str):
        raise bad_request(
            "INVALID_JSON_DATA_TYPE",
            "Invalid JSON data type.",
            details=f"The configuration script is a JSON string; got {type(ctx.body).__name__}.",
        )
    ctx.appliance.store.put_internal({"uri": _script_uri(current["uri"]), "script": script})
    return _start_change(
        ctx, current, {}, f"Update script of {current['name']}.", kind=ACTION, name="Update"
    )


@bp.job(UPDATE, duration=3.0, steps=["Updating the logical enclosure."])
def complete_update(appliance: Appliance, params: dict[str, Any]) -> None:
    _finish(appliance, params)


@bp.job(ACTION, duration=5.0, steps=["Configuring the enclosures.", "Applying the group."])
def complete_action(appliance: Appliance, params: dict[str, Any]) -> None:
    _finish(appliance, params)


def _finish(appliance: Appliance, params: dict[str, Any]) -> None:
    if appliance.store.get(params["uri"]) is not None:
        changes = {**params["changes"], "state": "Consistent", "status": "OK"}
        appliance.store.update(params["uri"], changes)


def _restore(appliance: Appliance, params: dict[str, Any], error: ApiError) -> None:
    if appliance.store.get(params["uri"]) is not None:
        appliance.store.update(params["uri"], params["was"])


bp.on_fail(UPDATE)(_restore)
bp.on_fail(ACTION)(_restore)


# -- support dump --------------------------------------------------------------


@bp.post(f"{BASE}/{{id}}/support-dumps")
def support_dump(ctx: Ctx) -> Reply:
    """Generate a support dump of it (and of the appliance) (202; the dump file is the task's)."""
    current = ctx.appliance.store.require(_owner(ctx))
    body = ctx.json_object()
    prefix = body.get("errorCode", "LE")
    if not isinstance(prefix, str) or not DUMP_NAME.match(prefix):
        raise bad_request(
            "INVALID_ERROR_CODE",
            "The support dump error code is not valid.",
            details=f"Field errorCode: got {prefix!r}; 1 to 10 letters, digits, '-' or '_'.",
        )
    stamp = ctx.appliance.clock.iso().replace(":", "").replace("-", "").split(".")[0]
    file_uri = f"/rest/appliance/support-dumps/{prefix}-{current['name']}-{stamp}.sdmp"
    return ctx.start_task(
        DUMP,
        {"uri": current["uri"]},
        name="Create support dump",
        resource_uri=file_uri,
        resource_category="support-dumps",
        resource_name=file_uri.rsplit("/", 1)[1],
        status=f"Create support dump of {current['name']}.",
    )


@bp.job(DUMP, duration=20.0, steps=["Collecting logs.", "Compressing the dump."])
def complete_dump(appliance: Appliance, params: dict[str, Any]) -> None:
    appliance.store.require(params["uri"])


# -- delete --------------------------------------------------------------------


@bp.delete(f"{BASE}/{{id}}")
def delete_logical_enclosure(ctx: Ctx) -> Reply:
    """Delete it (202); while a server in it has a server profile, its task ends in Error.

    As an appliance answers (HPE's own regression suite): the 202 is given, and the
    task fails with LE_DELETE_ACTIVE_PROFILE_ERROR; the logical enclosure stays.
    """
    current = ctx.appliance.store.require(ctx.path)
    require_current_etag(ctx, current)
    _busy(current)
    enclosures = set(current.get("enclosureUris") or [])
    profiled = [
        sh["name"]
        for sh in ctx.appliance.store.iter("server-hardware")
        if sh.get("locationUri") in enclosures and sh.get("serverProfileUri")
    ]
    error = None
    if profiled:
        error = ApiError(
            400,
            "LE_DELETE_ACTIVE_PROFILE_ERROR",
            "Unable to delete this logical enclosure because it is hosting active server profiles.",
            details=f"Servers with profiles: {', '.join(sorted(profiled))}.",
            recommended_actions=["Delete or unassign the server profiles, then try again."],
        )
    was = {"state": current["state"]}  # before the update below changes ``current``
    ctx.appliance.store.update(current["uri"], {"state": "Deleting"})
    return ctx.start_task(
        DELETE,
        {"uri": current["uri"], "was": was},
        name="Delete",
        resource_uri=current["uri"],
        resource_category=CATEGORY,
        resource_name=current["name"],
        status=f"Delete logical enclosure {current['name']}.",
        fails_with=error,
    )


@bp.job(DELETE, duration=5.0, steps=["Removing the configuration.", "Deleting."])
def complete_delete(appliance: Appliance, params: dict[str, Any]) -> None:
    store = appliance.store
    doc = store.get(params["uri"])
    if doc is None:
        return
    for uri in doc.get("enclosureUris") or []:
        enclosure = store.get(uri)
        if enclosure is not None and enclosure.get("logicalEnclosureUri") == params["uri"]:
            store.update(uri, {"logicalEnclosureUri": None})
    script = store.get(_script_uri(params["uri"]))
    if script is not None:
        store.remove(script["uri"])
    store.remove(params["uri"])


bp.on_fail(DELETE)(_restore)
