"""Index search: /rest/index/resources, /rest/index/resources{uri}, .../aggregated.

The index is built on demand from the stored resources (every category a real
index holds: not tasks, alerts, events or labels). A member (IndexResourceV300)
carries the resource's name, state, status, its ``scopeUris`` and ``labels``, and
its scalar attributes as text in ``attributes``. ``category`` (repeatable, or
comma-separated) selects categories, ``filter``/``query``/``sort``/paging work as
on every collection (e.g. ``query=scopeUris='/rest/scopes/x'`` or
``labels='gold'``), and ``userQuery`` matches free text in any indexed value.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import bad_request, not_found
from oneview_openstack.simulator.resources.labels import label_names
from oneview_openstack.simulator.resources.scopes import scope_index
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
NOT_INDEXED = frozenset(
    {"tasks", "alerts", "events", "labels", "login-sessions", "appliance", "version", "index"}
)
TOP_LEVEL = ("name", "description", "state", "status", "eTag", "created", "modified")


def indexed(collection: str) -> bool:
    return not collection.startswith("_") and collection not in NOT_INDEXED


def index_document(doc: Doc, scopes: list[str] | None, labels: list[str]) -> Doc:
    attributes = {
        key: None
        if value is None
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
        for key, value in doc.items()
        if key not in TOP_LEVEL
        and key not in ("type", "category", "uri")
        and (value is None or isinstance(value, str | int | float | bool))
    }
    return {
        "type": "IndexResourceV300",
        "category": doc.get("category"),
        "uri": doc["uri"],
        "name": doc.get("name"),
        "description": doc.get("description"),
        "state": doc.get("state"),
        "status": doc.get("status"),
        "ownerId": "Administrator",
        "applianceId": None,
        "attributes": attributes,
        "multiAttributes": {"labels": labels} if labels else {},
        "scopeUris": scopes or [],
        "labels": labels,
        "created": doc.get("created"),
        "modified": doc.get("modified"),
        "eTag": doc.get("eTag"),
    }


def _categories(ctx: Ctx) -> list[str]:
    return [c.strip() for value in ctx.args("category") for c in value.split(",") if c.strip()]


def index_documents(appliance: Appliance, categories: list[str]) -> list[Doc]:
    stored = appliance.store.collections()
    names = categories or [name for name in stored if indexed(name)]
    scopes = scope_index(appliance)
    labels = label_names(appliance)
    result = []
    for name in names:
        if not indexed(name):
            continue
        for doc in stored.get(name, {}).values():
            if doc.get("category") is None:
                continue
            uri = doc["uri"]
            result.append(index_document(doc, scopes.get(uri), labels.get(uri, [])))
    return result


def _user_query(ctx: Ctx, docs: list[Doc]) -> list[Doc]:
    words = [w.lower() for value in ctx.args("userQuery") for w in value.split() if w]
    if not words:
        return docs

    def text(doc: Doc) -> str:
        values = [doc.get("name"), doc.get("description"), doc["uri"], *doc["labels"]]
        values += list(doc["attributes"].values())
        return " ".join(str(v) for v in values if v is not None).lower()

    return [doc for doc in docs if all(word in text(doc) for word in words)]


@bp.get("/rest/index/resources")
def search(ctx: Ctx) -> Reply:
    """Index resources of the categories asked for (filter, query, userQuery, sort, paging)."""
    docs = _user_query(ctx, index_documents(ctx.appliance, _categories(ctx)))
    return query.page(ctx, docs, collection_type="IndexResourceCollectionV300", category="index")


@bp.get("/rest/index/resources/rest/{collection}/{id}")
def get_indexed(ctx: Ctx) -> Reply:
    """The index entry of one resource."""
    uri = ctx.path[len("/rest/index/resources") :]
    doc = ctx.appliance.store.get(uri)
    if doc is None or not indexed(uri.split("/")[2]):
        raise not_found(uri)
    scopes = scope_index(ctx.appliance).get(uri)
    return Reply(200, index_document(doc, scopes, label_names(ctx.appliance).get(uri, [])))


@bp.get("/rest/index/resources/aggregated")
def aggregated(ctx: Ctx) -> Reply:
    """Counts of each value of ``attribute`` per category, with up to ``childLimit`` members."""
    attributes = [a for value in ctx.args("attribute") for a in value.split(",") if a]
    if not attributes:
        raise bad_request(
            "INVALID_PARAMETER",
            "The query parameter attribute is required.",
            details="Name at least one attribute, e.g. attribute=status.",
        )
    limit_text = ctx.arg("childLimit", "6") or "6"
    if not limit_text.isdigit():
        raise bad_request(
            "INVALID_PARAMETER",
            f"The query parameter childLimit={limit_text!r} is not valid.",
            details="childLimit must be an integer >= 0.",
        )
    limit = int(limit_text)
    docs = _user_query(ctx, index_documents(ctx.appliance, _categories(ctx)))
    docs = query.select(ctx, docs)
    by_category: dict[str, list[Doc]] = {}
    for doc in docs:
        by_category.setdefault(str(doc["category"]), []).append(doc)
    members = []
    for category, group in by_category.items():
        aggregates = []
        for attribute in attributes:
            values = [_attribute(doc, attribute) for doc in group]
            counts = [
                {
                    "value": value,
                    "count": count,
                    "members": [
                        {"uri": doc["uri"], "name": doc["name"]}
                        for doc, seen in zip(group, values, strict=True)
                        if seen == value
                    ][:limit],
                }
                for value, count in Counter(values).most_common()
            ]
            aggregates.append({"attribute": attribute, "counts": counts})
        members.append({"category": category, "total": len(group), "attributes": aggregates})
    body = {
        "type": "AggregatedIndexResourceCollection",
        "category": "index",
        "uri": ctx.path,
        "total": len(members),
        "count": len(members),
        "members": members,
    }
    return Reply(200, body)


def _attribute(doc: Doc, name: str) -> Any:
    if name in doc and not isinstance(doc[name], dict | list):
        return doc[name]
    return doc["attributes"].get(name)
