"""Collections: filter, sort and page a list of documents into OneView's envelope."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from oneview_openstack.simulator.router import Ctx, Reply

Doc = dict[str, Any]


def page(ctx: Ctx, docs: Iterable[Doc], *, collection_type: str, category: str) -> Reply:
    """The collection envelope for ``docs`` under the request's query parameters."""
    members = list(docs)
    start = int(ctx.arg("start", "0") or 0)
    count = int(ctx.arg("count", "-1") or -1)
    chosen = members[start:] if count < 0 else members[start : start + count]
    body = {
        "type": collection_type,
        "category": category,
        "uri": _uri(ctx, start, count),
        "start": start,
        "count": len(chosen),
        "total": len(members),
        "prevPageUri": None,
        "nextPageUri": None,
        "members": [ctx.render(doc) for doc in chosen],
        "eTag": None,
        "created": None,
        "modified": None,
    }
    return Reply(200, body)


def _uri(ctx: Ctx, start: int, count: int) -> str:
    query = [(k, v) for k, v in ctx.query if k not in ("start", "count")]
    query += [("start", str(start)), ("count", str(count))]
    return f"{ctx.path}?{urlencode(query)}"
