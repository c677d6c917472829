"""Labels: /rest/labels and a resource's labels, /rest/labels/resources/{resourceUri}.

A label exists while some resource carries it (``/rest/labels/{n}``, sequence ids).
A resource's labels are kept in the internal collection ``_labeled`` (one document
per resource, ``labelUris``); index search answers ``labels='name'`` from them.

- ``GET /rest/labels`` (filter, sort, paging; ``category=`` keeps the labels used by
  resources of those categories, ``name_prefix=`` those whose name starts so).
- ``POST /rest/labels/resources`` ``{"resourceUri", "labels": [{"name"} | {"uri"}]}``:
  sets the resource's labels (200, ResourceLabels).
- ``GET|PUT|DELETE /rest/labels/resources/rest/{collection}/{id}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import bad_reference, bad_request, not_found
from oneview_openstack.simulator.resources.activity import next_id
from oneview_openstack.simulator.resources.conditional import document_reply
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
CATEGORY = "labels"
LABELED = "_labeled"
RESOURCE_LABELS = "/rest/labels/resources/rest/{collection}/{id}"
# hpeOneView's Labels.get_by_resource joins with a second slash; the appliance takes both.
RESOURCE_LABELS_SDK = "/rest/labels/resources//rest/{collection}/{id}"


def labeled_uri(resource_uri: str) -> str:
    return f"/{LABELED}{resource_uri}"


def label_names(appliance: Appliance) -> dict[str, list[str]]:
    """Resource URI -> its label names."""
    names = {doc["uri"]: doc["name"] for doc in appliance.store.iter(CATEGORY)}
    return {
        doc["resourceUri"]: [names[uri] for uri in doc["labelUris"] if uri in names]
        for doc in appliance.store.iter(LABELED)
    }


def resource_labels(appliance: Appliance, resource_uri: str) -> Doc:
    """The ResourceLabels document of a resource."""
    resource = appliance.store.require(resource_uri)
    kept = appliance.store.get(labeled_uri(resource_uri))
    labels = []
    for uri in kept["labelUris"] if kept else []:
        label = appliance.store.get(uri)
        if label is not None:
            labels.append({"uri": uri, "name": label["name"]})
    return {
        "type": "ResourceLabels",
        "category": resource.get("category"),
        "uri": f"/rest/labels/resources{resource_uri}",
        "resourceUri": resource_uri,
        "labels": labels,
        "eTag": kept["eTag"] if kept else None,
        "created": kept["created"] if kept else None,
        "modified": kept["modified"] if kept else None,
    }


def _label_uri(appliance: Appliance, entry: Any) -> str:
    """The URI of a requested label: an existing one by uri or name, or a new one by name."""
    if not isinstance(entry, dict):
        raise bad_request(
            "INVALID_LABEL",
            "Each label must be an object with a name or a uri.",
            details=f"Got {entry!r}.",
        )
    uri = entry.get("uri")
    if uri:
        if not isinstance(uri, str) or appliance.store.get(uri) is None:
            raise bad_reference("labels.uri", uri)
        return uri
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request(
            "INVALID_LABEL",
            "A label needs a non-empty name.",
            details=f"Field labels.name: got {name!r}.",
        )
    for label in appliance.store.iter(CATEGORY):
        if label["name"].lower() == name.lower():
            return str(label["uri"])
    created = appliance.store.add(
        {
            "type": "Label",
            "category": CATEGORY,
            "uri": f"/rest/labels/{next_id(appliance, 'labels')}",
            "name": name,
        }
    )
    return str(created["uri"])


def set_labels(appliance: Appliance, resource_uri: str, entries: Any) -> Doc:
    """Replace a resource's labels; labels nobody carries any more disappear."""
    appliance.store.require(resource_uri)
    if not isinstance(entries, list):
        raise bad_request(
            "INVALID_LABEL",
            "labels must be a list.",
            details=f"Field labels: got {entries!r}.",
        )
    uris = list(dict.fromkeys(_label_uri(appliance, entry) for entry in entries))
    key = labeled_uri(resource_uri)
    now = appliance.clock.iso()
    kept = appliance.store.get(key)
    if uris:
        created = kept["created"] if kept else now
        appliance.store.put_internal(
            {
                "uri": key,
                "resourceUri": resource_uri,
                "labelUris": uris,
                "eTag": str(next_id(appliance, "label-etags")),
                "created": created,
                "modified": now,
            }
        )
    elif kept is not None:
        appliance.store.remove(key)
    _drop_unused(appliance)
    return resource_labels(appliance, resource_uri)


def _drop_unused(appliance: Appliance) -> None:
    used = {uri for doc in appliance.store.iter(LABELED) for uri in doc["labelUris"]}
    for label in appliance.store.members(CATEGORY):
        if label["uri"] not in used:
            appliance.store.remove(label["uri"])


@bp.get("/rest/labels")
def list_labels(ctx: Ctx) -> Reply:
    """Labels (filter, sort, paging, category, name_prefix)."""
    docs = list(ctx.appliance.store.iter(CATEGORY))
    prefix = ctx.arg("name_prefix") or ctx.arg("namePrefix")
    if prefix:
        docs = [doc for doc in docs if doc["name"].lower().startswith(prefix.lower())]
    categories = {c for value in ctx.args("category") for c in value.split(",") if c}
    if categories:
        used = {
            uri
            for doc in ctx.appliance.store.iter(LABELED)
            if doc["resourceUri"].split("/")[2] in categories
            for uri in doc["labelUris"]
        }
        docs = [doc for doc in docs if doc["uri"] in used]
    return query.page(ctx, docs, collection_type="LabelCollection", category=CATEGORY)


@bp.get("/rest/labels/{id}")
def get_label(ctx: Ctx) -> Reply:
    """One label."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.post("/rest/labels/resources")
def assign_labels(ctx: Ctx) -> Reply:
    """Set the labels of ``resourceUri`` (200, ResourceLabels)."""
    body = ctx.json_object()
    uri = body.get("resourceUri")
    if not isinstance(uri, str) or not uri.startswith("/rest/"):
        raise bad_request(
            "INVALID_RESOURCE_URI",
            "resourceUri must name a resource.",
            details=f"Field resourceUri: got {uri!r}.",
        )
    if ctx.appliance.store.get(uri) is None:
        raise bad_reference("resourceUri", uri)
    return Reply(200, set_labels(ctx.appliance, uri, body.get("labels", [])))


def _resource(ctx: Ctx) -> str:
    uri = "/" + ctx.path[len("/rest/labels/resources") :].lstrip("/")
    if ctx.appliance.store.get(uri) is None:
        raise not_found(uri)
    return uri


@bp.get(RESOURCE_LABELS)
@bp.get(RESOURCE_LABELS_SDK)
def get_resource_labels(ctx: Ctx) -> Reply:
    """The labels of one resource (ResourceLabels)."""
    return Reply(200, resource_labels(ctx.appliance, _resource(ctx)))


@bp.put(RESOURCE_LABELS)
@bp.put(RESOURCE_LABELS_SDK)
def put_resource_labels(ctx: Ctx) -> Reply:
    """Replace the labels of one resource (200)."""
    uri = _resource(ctx)
    return Reply(200, set_labels(ctx.appliance, uri, ctx.json_object().get("labels", [])))


@bp.delete(RESOURCE_LABELS)
@bp.delete(RESOURCE_LABELS_SDK)
def delete_resource_labels(ctx: Ctx) -> Reply:
    """Remove every label of one resource (204)."""
    set_labels(ctx.appliance, _resource(ctx), [])
    return Reply(204)
