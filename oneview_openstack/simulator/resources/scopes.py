"""Scopes: /rest/scopes, a scope's resource assignments, and a resource's scopes.

A resource's scopes are kept beside it (internal collection ``_scoped``, one
document per resource with ``scopeUris``): that is what its ``scopesUri``
(``/rest/scopes/resources/rest/...``) answers and what index search filters on
(``scopeUris='...'``). A scope's members are the resources naming it.

- ``POST /rest/scopes`` (201; ``addedResourceUris`` assigns at once),
  ``PUT /rest/scopes/{id}`` (200, name/description, If-Match),
  ``PATCH /rest/scopes/{id}`` (202: replace /name, /description; add/remove
  /addedResourceUris/-), ``DELETE /rest/scopes/{id}`` (202; its resources leave it).
- ``PATCH /rest/scopes/{id}/resource-assignments`` (202, ``addedResourceUris`` /
  ``removedResourceUris``).
- ``GET|PUT|PATCH /rest/scopes/resources/rest/{collection}/{id}``: a resource's
  ScopedResource (PUT replaces ``scopeUris``; PATCH add/remove ``/scopeUris/-``).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_reference, bad_request
from oneview_openstack.simulator.resources.conditional import (
    document_reply,
    require_current_etag,
)
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply
from oneview_openstack.simulator.versions import check_type, type_for

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
CATEGORY = "scopes"
SCOPED = "_scoped"
SCOPE_TYPES = [(300, "Scope"), (500, "ScopeV2"), (800, "ScopeV3")]
PATCH_JOB, DELETE_JOB, ASSIGN_JOB = (f"{CATEGORY}.{op}" for op in ("patch", "delete", "assign"))


@bp.renderer(CATEGORY)
def render_scope(doc: Doc, version: int) -> Doc:
    return {**doc, "type": type_for(SCOPE_TYPES, version)}


# -- membership --------------------------------------------------------------------


def scoped_uri(resource_uri: str) -> str:
    return f"/{SCOPED}{resource_uri}"


def scopes_of(appliance: Appliance, resource_uri: str) -> list[str]:
    doc = appliance.store.get(scoped_uri(resource_uri))
    return list(doc["scopeUris"]) if doc else []


def scope_index(appliance: Appliance) -> dict[str, list[str]]:
    """Resource URI -> its scope URIs, for every resource in a scope."""
    return {
        doc["resourceUri"]: doc["scopeUris"]
        for doc in appliance.store.iter(SCOPED)
        if doc["scopeUris"]
    }


def set_scopes(appliance: Appliance, resource_uri: str, scope_uris: list[str]) -> None:
    unique = list(dict.fromkeys(scope_uris))
    if unique:
        appliance.store.put_internal(
            {"uri": scoped_uri(resource_uri), "resourceUri": resource_uri, "scopeUris": unique}
        )
    elif appliance.store.get(scoped_uri(resource_uri)) is not None:
        appliance.store.remove(scoped_uri(resource_uri))


def members(appliance: Appliance, scope_uri: str) -> list[str]:
    """The URIs of the (still existing) resources in the scope."""
    return [
        doc["resourceUri"]
        for doc in appliance.store.iter(SCOPED)
        if scope_uri in doc["scopeUris"] and appliance.store.get(doc["resourceUri"]) is not None
    ]


def assign(appliance: Appliance, scope_uri: str, added: list[str], removed: list[str]) -> None:
    for uri in added:
        set_scopes(appliance, uri, [*scopes_of(appliance, uri), scope_uri])
    for uri in removed:
        set_scopes(appliance, uri, [s for s in scopes_of(appliance, uri) if s != scope_uri])


def _check_resources(appliance: Appliance, uris: Any, field: str) -> list[str]:
    if uris is None:
        return []
    if not isinstance(uris, list) or not all(isinstance(uri, str) for uri in uris):
        raise bad_request(
            "INVALID_RESOURCE_URI",
            f"{field} must be a list of resource URIs.",
            details=f"Field {field}: got {uris!r}.",
        )
    for uri in uris:
        doc = appliance.store.get(uri) if uri.startswith("/rest/") else None
        if doc is None or "scopesUri" not in doc:
            raise bad_reference(field, uri)
    return list(uris)


# -- collection --------------------------------------------------------------------


@bp.get("/rest/scopes")
def list_scopes(ctx: Ctx) -> Reply:
    """Scopes (filter, sort, paging)."""
    docs = ctx.appliance.store.iter(CATEGORY)
    return query.page(ctx, docs, collection_type="ScopeCollectionV3", category=CATEGORY)


@bp.post("/rest/scopes")
def create_scope(ctx: Ctx) -> Reply:
    """Create a scope (201); ``addedResourceUris`` become its members."""
    body = ctx.json_object()
    check_type(body, SCOPE_TYPES, ctx.api_version)
    name = _require_name(body)
    _check_name_free(ctx.appliance, name, None)
    added = _check_resources(ctx.appliance, body.get("addedResourceUris"), "addedResourceUris")
    uri = f"/rest/scopes/{uuid.uuid4()}"
    doc = scope_document(uri, name, body.get("description"))
    ctx.appliance.store.add(doc)
    assign(ctx.appliance, uri, added, [])
    return Reply(201, ctx.render(doc), {"Location": uri})


def scope_document(uri: str, name: str, description: Any) -> Doc:
    return {
        "type": "ScopeV3",
        "category": CATEGORY,
        "uri": uri,
        "name": name,
        "description": description,
        "state": None,
        "status": None,
        "scopesUri": f"/rest/scopes/resources{uri}",
    }


def _require_name(body: Doc) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request(
            "INVALID_SCOPE_NAME",
            "The scope name is missing or empty.",
            details=f"Field name: got {name!r}; a non-empty string is required.",
        )
    return name


def _check_name_free(appliance: Appliance, name: str, ignore: str | None) -> None:
    for doc in appliance.store.iter(CATEGORY):
        if doc["uri"] != ignore and doc["name"].lower() == name.lower():
            raise ApiError(
                409,
                "SCOPE_ALREADY_EXISTS",
                f"A scope with name '{name}' already exists.",
                details=f"Field name: {name!r} is used by {doc['uri']}.",
                recommended_actions=["Choose another name."],
            )


# -- one scope -----------------------------------------------------------------------


@bp.get("/rest/scopes/{id}")
def get_scope(ctx: Ctx) -> Reply:
    """One scope."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.put("/rest/scopes/{id}")
def update_scope(ctx: Ctx) -> Reply:
    """Change name and description (200)."""
    body = ctx.json_object()
    current = ctx.appliance.store.require(ctx.path)
    check_type(body, SCOPE_TYPES, ctx.api_version)
    require_current_etag(ctx, current)
    name = _require_name({**current, **body})
    _check_name_free(ctx.appliance, name, current["uri"])
    changes = {"name": name, "description": body.get("description", current["description"])}
    added = _check_resources(ctx.appliance, body.get("addedResourceUris"), "addedResourceUris")
    removed = _check_resources(
        ctx.appliance, body.get("removedResourceUris"), "removedResourceUris"
    )
    doc = ctx.appliance.store.update(current["uri"], changes)
    assign(ctx.appliance, current["uri"], added, removed)
    return Reply(200, ctx.render(doc))


@bp.patch("/rest/scopes/{id}")
def patch_scope(ctx: Ctx) -> Reply:
    """JSON patch: replace /name or /description; add/remove /addedResourceUris (202)."""
    current = ctx.appliance.store.require(ctx.path)
    operations = _operations(ctx.body)
    changes: Doc = {}
    added: list[str] = []
    removed: list[str] = []
    for op in operations:
        kind, path, value = op.get("op"), op.get("path"), op.get("value")
        if kind == "replace" and path in ("/name", "/description"):
            if path == "/name":
                name = _require_name({"name": value})
                _check_name_free(ctx.appliance, name, current["uri"])
            changes[path[1:]] = value
        elif kind in ("add", "remove") and path in ("/addedResourceUris/-", "/addedResourceUris"):
            values = value if isinstance(value, list) else [value]
            checked = _check_resources(ctx.appliance, values, "addedResourceUris")
            (added if kind == "add" else removed).extend(checked)
        elif kind == "remove" and isinstance(path, str) and path.startswith("/addedResourceUris/"):
            removed.extend(_check_resources(ctx.appliance, [path[19:]], "addedResourceUris"))
        else:
            raise _bad_patch(op)
    params = {"uri": current["uri"], "changes": changes, "added": added, "removed": removed}
    return ctx.start_task(
        PATCH_JOB,
        params,
        name="Update",
        resource_uri=current["uri"],
        resource_category=CATEGORY,
        resource_name=current["name"],
        status=f"Update scope {current['name']}.",
    )


@bp.job(PATCH_JOB, duration=1.0, steps=["Updating the scope."])
def complete_patch(appliance: Appliance, params: dict[str, Any]) -> None:
    if params["changes"]:
        appliance.store.update(params["uri"], params["changes"])
    assign(appliance, params["uri"], params["added"], params["removed"])


@bp.patch("/rest/scopes/{id}/resource-assignments")
def patch_assignments(ctx: Ctx) -> Reply:
    """Add and remove members: ``addedResourceUris``, ``removedResourceUris`` (202)."""
    scope_uri = ctx.path.rsplit("/", 1)[0]
    current = ctx.appliance.store.require(scope_uri)
    body = ctx.json_object()
    added = _check_resources(ctx.appliance, body.get("addedResourceUris"), "addedResourceUris")
    removed = _check_resources(
        ctx.appliance, body.get("removedResourceUris"), "removedResourceUris"
    )
    return ctx.start_task(
        ASSIGN_JOB,
        {"uri": scope_uri, "added": added, "removed": removed},
        name="Update resource assignments",
        resource_uri=scope_uri,
        resource_category=CATEGORY,
        resource_name=current["name"],
        status=f"Assign {len(added)} and unassign {len(removed)} resource(s).",
    )


@bp.job(ASSIGN_JOB, duration=1.0, steps=["Updating the resource assignments."])
def complete_assign(appliance: Appliance, params: dict[str, Any]) -> None:
    appliance.store.require(params["uri"])
    assign(appliance, params["uri"], params["added"], params["removed"])


@bp.delete("/rest/scopes/{id}")
def delete_scope(ctx: Ctx) -> Reply:
    """Delete a scope; its resources leave it (202)."""
    current = ctx.appliance.store.require(ctx.path)
    require_current_etag(ctx, current)
    return ctx.start_task(
        DELETE_JOB,
        {"uri": current["uri"]},
        name="Delete",
        resource_uri=current["uri"],
        resource_category=CATEGORY,
        resource_name=current["name"],
        status=f"Delete scope {current['name']}.",
    )


@bp.job(DELETE_JOB, duration=1.0, steps=["Deleting the scope."])
def complete_delete(appliance: Appliance, params: dict[str, Any]) -> None:
    uri = params["uri"]
    if appliance.store.get(uri) is None:
        return
    assign(appliance, uri, [], members(appliance, uri))
    for doc in list(appliance.store.iter(SCOPED)):
        if uri in doc["scopeUris"]:
            set_scopes(appliance, doc["resourceUri"], [s for s in doc["scopeUris"] if s != uri])
    appliance.store.remove(uri)


# -- a resource's scopes ---------------------------------------------------------------

RESOURCE_SCOPES = "/rest/scopes/resources/rest/{collection}/{id}"


def _scoped_resource(ctx: Ctx) -> tuple[str, Doc]:
    uri = ctx.path[len("/rest/scopes/resources") :]
    doc = ctx.appliance.store.require(uri)
    if "scopesUri" not in doc:
        raise ApiError(
            404,
            "RESOURCE_NOT_FOUND",
            "Resource not found.",
            details=f"The resource {uri} cannot be in a scope.",
            recommended_actions=["Verify the URI of the resource and try again."],
        )
    return uri, doc


def scoped_resource_document(appliance: Appliance, uri: str, doc: Doc) -> Doc:
    return {
        "type": "ScopedResource",
        "uri": f"/rest/scopes/resources{uri}",
        "resourceUri": uri,
        "category": doc.get("category"),
        "scopeUris": scopes_of(appliance, uri),
        "eTag": doc.get("eTag"),
        "created": doc.get("created"),
        "modified": doc.get("modified"),
    }


@bp.get(RESOURCE_SCOPES)
def get_resource_scopes(ctx: Ctx) -> Reply:
    """The scopes a resource is in (ScopedResource)."""
    uri, doc = _scoped_resource(ctx)
    return Reply(200, scoped_resource_document(ctx.appliance, uri, doc))


@bp.put(RESOURCE_SCOPES)
def put_resource_scopes(ctx: Ctx) -> Reply:
    """Replace a resource's ``scopeUris`` (200)."""
    uri, doc = _scoped_resource(ctx)
    body = ctx.json_object()
    wanted = _scope_uris(ctx.appliance, body.get("scopeUris"))
    set_scopes(ctx.appliance, uri, wanted)
    return Reply(200, scoped_resource_document(ctx.appliance, uri, doc))


@bp.patch(RESOURCE_SCOPES)
def patch_resource_scopes(ctx: Ctx) -> Reply:
    """JSON patch: add/remove /scopeUris/- (200)."""
    uri, doc = _scoped_resource(ctx)
    current = scopes_of(ctx.appliance, uri)
    for op in _operations(ctx.body):
        kind, path, value = op.get("op"), op.get("path"), op.get("value")
        if kind == "add" and path == "/scopeUris/-":
            current += _scope_uris(ctx.appliance, value if isinstance(value, list) else [value])
        elif kind == "replace" and path == "/scopeUris":
            current = _scope_uris(ctx.appliance, value)
        elif kind == "remove" and isinstance(path, str) and path.startswith("/scopeUris/"):
            gone = path[len("/scopeUris/") :]
            current = [s for s in current if s != gone and not s.endswith(f"/{gone}")]
        else:
            raise _bad_patch(op)
    set_scopes(ctx.appliance, uri, current)
    return Reply(200, scoped_resource_document(ctx.appliance, uri, doc))


def _scope_uris(appliance: Appliance, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_request(
            "INVALID_SCOPE_URI",
            "scopeUris must be a list of scope URIs.",
            details=f"Field scopeUris: got {value!r}.",
        )
    for uri in value:
        if not uri.startswith("/rest/scopes/") or appliance.store.get(uri) is None:
            raise bad_reference("scopeUris", uri)
    return list(value)


def _operations(body: Any) -> list[Doc]:
    if not isinstance(body, list) or not body or not all(isinstance(op, dict) for op in body):
        raise bad_request(
            "INVALID_PATCH_REQUEST",
            "The request body must be a non-empty JSON patch list.",
            details='Send e.g. [{"op": "add", "path": "/scopeUris/-", "value": "/rest/scopes/x"}].',
        )
    return body


def _bad_patch(op: Doc) -> ApiError:
    return bad_request(
        "INVALID_PATCH_OPERATION",
        f"The patch operation {op.get('op')!r} on {op.get('path')!r} is not supported.",
        details=f"Operation: {op!r}.",
    )
