"""Conditional requests: ``If-Match`` / body ``eTag`` (412), ``If-None-Match`` (304), ``force``.

One rule for the whole appliance, compute and networking alike.

OneView processes PUT and DELETE only if the client's eTag, from the
``If-Match`` header or the ``eTag`` field of the body, is the current one.
``If-Match: *`` disables the check, an empty ``If-Match`` counts as absent
(oneview-golang always sends one), and a request with no eTag at all is
accepted (the SDKs and Ironic do not always send one).
"""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator.errors import ApiError
from oneview_openstack.simulator.router import Ctx, Reply

Doc = dict[str, Any]


def _bare(tag: str) -> str:
    """``W/"x"`` or ``"x"`` -> ``x``."""
    tag = tag.strip()
    if tag.startswith("W/"):
        tag = tag[2:]
    if len(tag) >= 2 and tag[0] == tag[-1] == '"':
        tag = tag[1:-1]
    return tag


def require_current_etag(ctx: Ctx, doc: Doc) -> None:
    """412 ``ETAG_MISMATCH`` if the request names an eTag other than the document's."""
    header = (ctx.headers.get("if-match") or "").strip()
    if header == "*":
        return
    claimed: list[tuple[str, str]] = []
    if header:
        claimed.append(("If-Match header", _bare(header)))
    body_tag = ctx.body.get("eTag") if isinstance(ctx.body, dict) else None
    if isinstance(body_tag, str | int) and str(body_tag).strip():
        claimed.append(("eTag field of the body", str(body_tag).strip()))
    current = str(doc.get("eTag"))
    for source, tag in claimed:
        if tag != current:
            raise ApiError(
                412,
                "ETAG_MISMATCH",
                "The resource has been modified since it was retrieved.",
                details=(
                    f"The {source} names eTag {tag!r} but {doc['uri']} now has eTag {current!r}."
                ),
                recommended_actions=["Get the resource again, reapply the change, and retry."],
            )


def not_modified(ctx: Ctx, doc: Doc) -> Reply | None:
    """304 (no body) when ``If-None-Match`` names the document's current eTag."""
    header = (ctx.headers.get("if-none-match") or "").strip()
    if not header:
        return None
    current = str(doc.get("eTag"))
    tags = {_bare(part) for part in header.split(",")}
    if "*" in tags or current in tags:
        return Reply(304, None, {"ETag": current})
    return None


def document_reply(ctx: Ctx, doc: Doc) -> Reply:
    """The answer to a GET of one document: 304 if the client has it, else 200 rendered."""
    return not_modified(ctx, doc) or Reply(200, ctx.render(doc))


def force_values(ctx: Ctx) -> set[str]:
    """The ``force`` query parameter as a set of lower-case words.

    ``?force=`` (hpOneView always appends it) is an empty set; ``true`` and
    ``all`` mean everything.
    """
    words: set[str] = set()
    for value in ctx.args("force"):
        words.update(part.strip().lower() for part in value.split(",") if part.strip())
    if words & {"true", "all"}:
        words.add("all")
    return words
