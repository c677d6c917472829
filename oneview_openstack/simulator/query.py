"""Collections: filter, sort and page a list of documents into OneView's envelope.

Query parameters (oneview-api.md §7):

- ``filter`` (repeatable, ANDed) and ``query``: see ``query_filter``.
- ``sort=attr:ascending|descending[,attr2:asc]`` (``asc``/``desc`` too, any case;
  default: creation order). Nulls sort last when ascending.
- ``start`` (default 0) and ``count`` (default and ``-1``: all); a configured
  ``max_page_size`` caps a page, and ``nextPageUri`` leads to the rest.
- ``fields=a,b.c``: members carry only these attributes.

Filters and sorts work on the stored (newest-shape) documents; only the page's
members are rendered for the request's API version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from oneview_openstack.simulator.errors import ApiError
from oneview_openstack.simulator.query_filter import Predicate, compile_filter, resolve
from oneview_openstack.simulator.query_values import as_number, as_text
from oneview_openstack.simulator.router import Ctx, Reply

Doc = dict[str, Any]
PAGING = ("start", "count")
DIRECTIONS = {"asc": False, "ascending": False, "desc": True, "descending": True}


def page(ctx: Ctx, docs: Iterable[Doc], *, collection_type: str, category: str) -> Reply:
    """The collection envelope for ``docs`` under the request's query parameters."""
    start = _integer(ctx, "start", 0, minimum=0)
    count = _integer(ctx, "count", -1, minimum=-1)
    selected = select(ctx, docs)
    total = len(selected)
    size = _page_size(count, ctx.appliance.config.max_page_size)
    chosen = selected[start : start + size] if size is not None else selected[start:]
    fields = _fields(ctx)
    members = [_subset(ctx.render(doc), fields) for doc in chosen]
    more = bool(chosen) and start + len(chosen) < total
    step = size if size is not None else len(chosen)
    body = {
        "type": collection_type,
        "category": category,
        "uri": _uri(ctx, start, count),
        "start": start,
        "count": len(members),
        "total": total,
        "prevPageUri": _uri(ctx, max(0, start - max(step, 1)), count) if start > 0 else None,
        "nextPageUri": _uri(ctx, start + len(chosen), count) if more else None,
        "members": members,
        "eTag": None,
        "created": None,
        "modified": None,
    }
    return Reply(200, body)


def select(ctx: Ctx, docs: Iterable[Doc]) -> list[Doc]:
    """``docs`` matching the request's ``filter``/``query``, in the requested order."""
    predicates = [compile_filter(text, "filter") for text in ctx.args("filter")]
    predicates += [compile_filter(text, "query") for text in ctx.args("query")]
    selected = _matching(docs, predicates)
    sort = ctx.arg("sort")
    if sort:
        selected = sort_documents(selected, sort)
    return selected


def _matching(docs: Iterable[Doc], predicates: list[Predicate]) -> list[Doc]:
    if not predicates:
        return list(docs)
    if len(predicates) == 1:
        only = predicates[0]
        return [doc for doc in docs if only(doc)]
    if len(predicates) == 2:
        first, second = predicates
        return [doc for doc in docs if first(doc) and second(doc)]
    return [doc for doc in docs if all(p(doc) for p in predicates)]


def sort_documents(docs: list[Doc], sort: str) -> list[Doc]:
    """Stable multi-key sort: ``name:asc,memoryMb:desc``."""
    keys = [_sort_key(part.strip(), sort) for part in sort.split(",") if part.strip()]
    if not keys:
        raise _invalid_sort(sort, "no attribute is named.")
    result = list(docs)
    for path, descending in reversed(keys):
        decorated = [(_first(doc, path), doc) for doc in result]
        present = [pair for pair in decorated if pair[0] is not None]
        absent = [doc for value, doc in decorated if value is None]
        present.sort(key=_key_function({type(value) for value, _ in present}), reverse=descending)
        ordered = [doc for _, doc in present]
        result = absent + ordered if descending else ordered + absent
    return result


def _sort_key(part: str, whole: str) -> tuple[tuple[str, ...], bool]:
    attribute, _, rest = part.partition(":")
    attribute = attribute.strip().strip("'\"")
    direction = rest.split(":")[0].strip().lower() if rest else "asc"
    if not attribute:
        raise _invalid_sort(whole, f"{part!r} names no attribute.")
    if direction not in DIRECTIONS:
        raise _invalid_sort(whole, f"the direction {direction!r} of {attribute!r} is unknown.")
    return tuple(attribute.split(".")), DIRECTIONS[direction]


def _first(doc: Doc, path: tuple[str, ...]) -> Any:
    if len(path) == 1 and path[0] in doc:
        value = doc[path[0]]
        if not isinstance(value, list):
            return value
    values = resolve(doc, path)
    return values[0] if values else None


def _key_function(kinds: set[type]) -> Callable[[tuple[Any, Doc]], Any]:
    """The cheapest key that orders values of these types (ties keep their order)."""
    if kinds <= {int, float}:
        return lambda pair: pair[0]
    if kinds == {str}:
        return lambda pair: pair[0].lower()
    return lambda pair: _order_key(pair[0])


def _order_key(value: Any) -> tuple[int, Any, str]:
    """Numbers before text; text ignoring case, then exact."""
    number = as_number(value) if not isinstance(value, str) else None
    if number is not None:
        return (0, number, "")
    text = as_text(value) or ""
    return (1, text.lower(), text)


def _invalid_sort(sort: str, reason: str) -> ApiError:
    return ApiError(
        400,
        "INVALID_SORT",
        f"The sort {sort!r} is not valid: {reason}",
        details="Use sort=<attribute>:ascending|descending[,<attribute>:asc|desc].",
        recommended_actions=["Correct the sort parameter and try again."],
    )


def _integer(ctx: Ctx, name: str, default: int, *, minimum: int) -> int:
    text = ctx.arg(name)
    if text is None or text.strip() == "":
        return default
    try:
        value = int(text.strip())
    except ValueError:
        value = minimum - 1
    if value < minimum:
        allowed = "an integer >= 0" if minimum == 0 else "-1 (all) or an integer >= 0"
        raise ApiError(
            400,
            "INVALID_PARAMETER",
            f"The query parameter {name}={text!r} is not valid.",
            details=f"{name} must be {allowed}.",
            recommended_actions=[f"Correct the {name} parameter and try again."],
        )
    return value


def _page_size(count: int, cap: int | None) -> int | None:
    """Members per page: ``None`` means all."""
    if count < 0:
        return cap
    return count if cap is None else min(count, cap)


def _fields(ctx: Ctx) -> list[tuple[str, ...]]:
    text = ",".join(ctx.args("fields"))
    return [tuple(f.strip().split(".")) for f in text.split(",") if f.strip()]


def _subset(doc: Doc, fields: list[tuple[str, ...]]) -> Doc:
    if not fields:
        return doc
    result: Doc = {}
    for path in fields:
        _copy_path(doc, result, path)
    return result


def _copy_path(source: Any, target: Doc, path: tuple[str, ...]) -> None:
    if not isinstance(source, dict) or path[0] not in source:
        return
    value = source[path[0]]
    if len(path) == 1:
        target[path[0]] = value
    elif isinstance(value, dict):
        _copy_path(value, target.setdefault(path[0], {}), path[1:])


def _uri(ctx: Ctx, start: int, count: int) -> str:
    query = [(k, v) for k, v in ctx.query if k.lower() not in PAGING]
    query += [("start", str(start)), ("count", str(count))]
    return f"{ctx.path}?{urlencode(query)}"
