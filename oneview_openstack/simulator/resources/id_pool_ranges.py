"""The id pools of the REST API: /rest/id-pools/{vmac,vwwn,vsn,ipv4}, their ranges, IPv4 subnets.

``id_pools`` hands virtual MACs, WWNs and serial numbers to server profiles
from counters; the seed's *Generated* range of each pool covers those counters,
and allocating from a Generated range (``count``) takes the next value of the
same counter, so the pool API and the profiles never hand out one id twice.
Custom ranges (``POST .../ranges``) keep their own allocations. An id is an
integer inside the pool (``_Codec``); a range is a list of ``[low, high]``
spans (one for vmac/vwwn/vsn, the ``startStopFragments`` of an IPv4 range).
Allocations live in internal documents (``/_id-allocations/{range id}``).

Pools, ranges and subnets answer synchronously (200), as on an appliance;
a stale ``eTag`` on a pool is 412 ETAG_CHECK_FAILED.
"""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_request, not_found
from oneview_openstack.simulator.resources import id_pools
from oneview_openstack.simulator.router import Access, Blueprint, Ctx, Handler, Reply

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
ALLOCATIONS = "_id-allocations"
GENERATED_SIZE = 0x100000
SUBNETS = "/rest/id-pools/ipv4/subnets"


@dataclass(frozen=True)
class _Codec:
    name: str  # VMAC
    parse: Callable[[str], int]
    format: Callable[[int], str]
    maximum: int
    next_id: Callable[[Appliance], str] | None  # the profiles' counter (Generated ranges)


def _hex_codec(octets: int) -> tuple[Callable[[str], int], Callable[[int], str]]:
    def parse(text: str) -> int:
        parts = text.split(":")
        if len(parts) != octets or not all(len(p) == 2 for p in parts):
            raise ValueError(text)
        return int("".join(parts), 16)

    def format_(value: int) -> str:
        return id_pools._colon_hex(value, octets)

    return parse, format_


def _parse_serial(text: str) -> int:
    if len(text) != 10 or not text.isalnum() or text.upper() != text:
        raise ValueError(text)
    return int(text, 36)


def _format_serial(value: int) -> str:
    digits = ""
    for _ in range(10):
        value, digit = divmod(value, 36)
        digits = id_pools.SERIAL_ALPHABET[digit] + digits
    return digits


def _parse_ipv4(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


def _format_ipv4(value: int) -> str:
    return str(ipaddress.IPv4Address(value))


CODECS: dict[str, _Codec] = {
    "vmac": _Codec("VMAC", *_hex_codec(6), (1 << 48) - 1, id_pools.next_mac),
    "vwwn": _Codec("VWWN", *_hex_codec(8), (1 << 64) - 1, lambda a: id_pools.next_wwpn(a)[0]),
    "vsn": _Codec("VSN", _parse_serial, _format_serial, 36**10 - 1, id_pools.next_serial),
    "ipv4": _Codec("IPV4", _parse_ipv4, _format_ipv4, (1 << 32) - 1, None),
}


def generated_ranges() -> dict[str, tuple[str, str]]:
    """(start, end) of the Generated range of vmac, vwwn and vsn (seeded)."""
    return {
        "vmac": (
            CODECS["vmac"].format(id_pools.MAC_BASE),
            CODECS["vmac"].format(id_pools.MAC_BASE + GENERATED_SIZE - 1),
        ),
        "vwwn": (
            CODECS["vwwn"].format(id_pools.WWN_BASE),
            CODECS["vwwn"].format(id_pools.WWN_BASE + 2 * GENERATED_SIZE - 1),
        ),
        "vsn": ("VCG0000000", "VCG00ZZZZZ"),
    }


def pool_document(pool_type: str) -> Doc:
    codec = CODECS[pool_type]
    return {
        "type": "Pool",
        "category": f"id-pool-{codec.name}",
        "uri": f"/rest/id-pools/{pool_type}",
        "name": codec.name,
        "poolType": codec.name,
        "prefix": None,
        "enabled": True,
        "rangeUris": [],
    }


def range_document(pool_type: str, uri: str, spans: list[list[int]], category: str) -> Doc:
    codec = CODECS[pool_type]
    doc: Doc = {
        "type": "Range",
        "category": f"id-range-{codec.name}",
        "uri": uri,
        "name": None,
        "prefix": None,
        "enabled": True,
        "rangeCategory": category,
        "defaultRange": category == "Generated",
        "startAddress": codec.format(spans[0][0]),
        "endAddress": codec.format(spans[-1][1]),
        "allocatorUri": f"{uri}/allocator",
        "collectorUri": f"{uri}/collector",
        "freeFragmentUri": f"{uri}/free-fragments",
        "allocatedFragmentUri": f"{uri}/allocated-fragments",
        "spans": spans,
    }
    if pool_type == "ipv4":
        doc["startStopFragments"] = [
            {"startAddress": codec.format(lo), "endAddress": codec.format(hi),
             "fragmentType": "FREE"}
            for lo, hi in spans
        ]  # fmt: skip
    return doc


# -- lookups and state ---------------------------------------------------------


def _codec(ctx: Ctx) -> tuple[str, _Codec]:
    pool_type = ctx.path.split("/")[3]
    codec = CODECS.get(pool_type)
    if codec is None:
        raise not_found(ctx.path)
    return pool_type, codec


def _pool(ctx: Ctx) -> tuple[str, _Codec, Doc]:
    pool_type, codec = _codec(ctx)
    return pool_type, codec, ctx.appliance.store.require(f"/rest/id-pools/{pool_type}")


def _range(ctx: Ctx) -> tuple[str, _Codec, Doc]:
    pool_type, codec = _codec(ctx)
    uri = f"/rest/id-pools/{pool_type}/ranges/{ctx.params['id']}"
    return pool_type, codec, ctx.appliance.store.require(uri)


def _allocated(appliance: Appliance, range_uri: str) -> set[int]:
    doc = appliance.store.get(f"/{ALLOCATIONS}/{range_uri.rsplit('/', 1)[1]}")
    return set(doc["ids"]) if doc else set()


def _save_allocated(appliance: Appliance, range_uri: str, ids: set[int]) -> None:
    uri = f"/{ALLOCATIONS}/{range_uri.rsplit('/', 1)[1]}"
    appliance.store.put_internal({"uri": uri, "ids": sorted(ids)})


def _size(spans: list[list[int]]) -> int:
    return sum(hi - lo + 1 for lo, hi in spans)


def _inside(spans: list[list[int]], value: int) -> bool:
    return any(lo <= value <= hi for lo, hi in spans)


def _live_range(appliance: Appliance, doc: Doc) -> Doc:
    allocated = len(_allocated(appliance, doc["uri"]))
    total = _size(doc["spans"])
    shown = {k: v for k, v in doc.items() if k != "spans"}
    shown.update(
        totalCount=total,
        allocatedIdCount=allocated,
        freeIdCount=total - allocated,
        reservedIdCount=0,
    )
    return shown


def _ranges_of(appliance: Appliance, pool: Doc) -> list[Doc]:
    return [doc for uri in pool["rangeUris"] if (doc := appliance.store.get(uri)) is not None]


def _live_pool(appliance: Appliance, pool: Doc) -> Doc:
    ranges = [_live_range(appliance, r) for r in _ranges_of(appliance, pool) if r["enabled"]]
    total = sum(r["totalCount"] for r in ranges)
    allocated = sum(r["allocatedIdCount"] for r in ranges)
    return {
        **pool,
        "totalCount": total,
        "allocatedCount": allocated,
        "freeCount": total - allocated,
    }


def _parse_ids(codec: _Codec, ids: Any, field: str = "idList") -> list[int]:
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise _invalid_ids(codec, ids, field)
    try:
        return [codec.parse(i) for i in ids]
    except ValueError as exc:
        raise _invalid_ids(codec, ids, field) from exc


def _invalid_ids(codec: _Codec, ids: Any, field: str) -> ApiError:
    return bad_request(
        "INVALID_ID_FORMAT",
        f"The {codec.name} id list is not valid.",
        details=f"Field {field}: got {ids!r}; a list of {codec.name} ids.",
    )


def _query_ids(ctx: Ctx, codec: _Codec) -> list[int]:
    return _parse_ids(codec, ctx.args("idList"))


def _owner_of(appliance: Appliance, ranges: list[Doc], value: int) -> Doc | None:
    for doc in ranges:
        if _inside(doc["spans"], value):
            return doc
    return None


# -- allocation ----------------------------------------------------------------


def _allocate(appliance: Appliance, codec: _Codec, ranges: list[Doc], body: Doc) -> Doc:
    """Allocate ``count`` ids, or the ids of ``idList``, from ``ranges`` (in order)."""
    enabled = [doc for doc in ranges if doc["enabled"]]
    if "idList" in body and body["idList"]:
        wanted = _parse_ids(codec, body["idList"])
        plan: list[tuple[Doc, int]] = []
        for value in wanted:
            doc = _owner_of(appliance, enabled, value)
            if doc is None:
                raise bad_request(
                    "OUT_OF_RANGE",
                    f"The id {codec.format(value)} is not in an enabled range of the pool.",
                    details="Allocate ids inside the pool's enabled ranges.",
                )
            if value in _allocated(appliance, doc["uri"]):
                raise bad_request(
                    "ID_ALLOCATION_VALIDATION_FAILURE",
                    f"The id {codec.format(value)} is already allocated.",
                    details="Collect it first, or allocate another id.",
                )
            plan.append((doc, value))
        for doc, value in plan:
            _save_allocated(appliance, doc["uri"], _allocated(appliance, doc["uri"]) | {value})
        return {"count": len(wanted), "idList": [codec.format(v) for v in wanted]}
    count = body.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise bad_request(
            "INVALID_COUNT",
            "The number of ids to allocate is not valid.",
            details=f"Field count: got {count!r}; a positive integer (or an idList).",
        )
    free = sum(_size(d["spans"]) - len(_allocated(appliance, d["uri"])) for d in enabled)
    if count > free:
        raise bad_request(
            "SUBNET_EXHAUSTED" if codec.name == "IPV4" else "NOT_ENOUGH_IDS",
            f"The pool has {free} free id(s); {count} were requested.",
            details="Add or enable a range, or collect ids.",
        )
    given: list[int] = []
    for doc in enabled:
        taken = _allocated(appliance, doc["uri"])
        while len(given) < count and len(taken) < _size(doc["spans"]):
            found = _next_free(appliance, codec, doc, taken)
            if found is None:
                break
            taken.add(found)
            given.append(found)
        _save_allocated(appliance, doc["uri"], taken)
    return {"count": len(given), "idList": [codec.format(v) for v in given]}


def _next_free(appliance: Appliance, codec: _Codec, doc: Doc, taken: set[int]) -> int | None:
    if doc["rangeCategory"] == "Generated" and codec.next_id is not None:
        for _ in range(GENERATED_SIZE):
            value = codec.parse(codec.next_id(appliance))
            if not _inside(doc["spans"], value):
                return None
            if value not in taken:
                return value
        return None
    for lo, hi in doc["spans"]:
        value = int(lo)
        while value <= hi:
            if value not in taken:
                return value
            value += 1
    return None


def _collect(appliance: Appliance, codec: _Codec, ranges: list[Doc], body: Doc) -> Doc:
    wanted = _parse_ids(codec, body.get("idList"))
    collected = []
    for value in wanted:
        doc = _owner_of(appliance, ranges, value)
        if doc is None:
            continue
        taken = _allocated(appliance, doc["uri"])
        if value in taken:
            taken.discard(value)
            _save_allocated(appliance, doc["uri"], taken)
            collected.append(value)
    return {"count": len(collected), "idList": [codec.format(v) for v in collected]}


def _fragments(ctx: Ctx, codec: _Codec, doc: Doc, kind: str) -> Reply:
    taken = sorted(_allocated(ctx.appliance, doc["uri"]))
    runs: list[list[int]] = []
    if kind == "ALLOCATED":
        for value in taken:
            if runs and runs[-1][1] == value - 1:
                runs[-1][1] = value
            else:
                runs.append([value, value])
    else:
        for lo, hi in doc["spans"]:
            start = lo
            for value in (v for v in taken if lo <= v <= hi):
                if value > start:
                    runs.append([start, value - 1])
                start = value + 1
            if start <= hi:
                runs.append([start, hi])
    members = [
        {"startAddress": codec.format(lo), "endAddress": codec.format(hi), "fragmentType": kind}
        for lo, hi in runs
    ]
    start = max(int(ctx.arg("start", "0") or 0), 0)
    count = int(ctx.arg("count", "-1") or -1)
    page = members[start:] if count < 0 else members[start : start + count]
    return Reply(
        200,
        {
            "type": "Fragment",
            "category": doc["category"],
            "uri": ctx.path,
            "start": start,
            "count": len(page),
            "total": len(members),
            "members": page,
            "prevPageUri": None,
            "nextPageUri": None,
        },
    )


# -- pools ---------------------------------------------------------------------


def _each(method: str, suffix: str) -> Callable[[Handler], Handler]:
    """Register a handler for every pool type (concrete paths, as the appliance lists them)."""

    def register(handler: Handler) -> Handler:
        access = Access.READ if method == "GET" else Access.WRITE
        for pool_type in CODECS:
            bp.add(method, f"/rest/id-pools/{pool_type}{suffix}", access)(handler)
        if "/ranges" not in suffix:
            # The pool calls as the SDK's IdPools spells them; unknown pool types are 404.
            bp.add(method, f"/rest/id-pools/{{poolType}}{suffix}", access)(handler)
        return handler

    return register


@_each("GET", "")
def get_pool(ctx: Ctx) -> Reply:
    """One id pool (vmac, vwwn, vsn, ipv4) with its ranges and counts."""
    _, _, pool = _pool(ctx)
    return Reply(200, _live_pool(ctx.appliance, pool))


@_each("PUT", "")
def update_pool(ctx: Ctx) -> Reply:
    """Enable or disable a pool."""
    _, _, pool = _pool(ctx)
    body = ctx.json_object()
    _check_etag(ctx, pool)
    enabled = body.get("enabled", pool["enabled"])
    if not isinstance(enabled, bool):
        raise bad_request(
            "INVALID_ENABLED_VALUE",
            "The enabled field of a pool must be true or false.",
            details=f"Field enabled: got {enabled!r}.",
        )
    updated = ctx.appliance.store.update(pool["uri"], {"enabled": enabled})
    return Reply(200, _live_pool(ctx.appliance, updated))


def _check_etag(ctx: Ctx, doc: Doc) -> None:
    tag = ctx.body.get("eTag") if isinstance(ctx.body, dict) else None
    header = (ctx.headers.get("if-match") or "").strip().strip('"')
    for claimed in (tag, header):
        if claimed and claimed != "*" and str(claimed) != str(doc.get("eTag")):
            raise ApiError(
                412,
                "ETAG_CHECK_FAILED",
                "The resource has been modified since it was retrieved.",
                details=f"{doc['uri']} has eTag {doc.get('eTag')!r}, not {claimed!r}.",
                recommended_actions=["Get the resource again, reapply the change, and retry."],
            )


def _enabled_pool(ctx: Ctx) -> tuple[str, _Codec, Doc]:
    pool_type, codec, pool = _pool(ctx)
    if not pool["enabled"]:
        raise bad_request(
            "POOL_DISABLED",
            f"The {codec.name} pool is disabled.",
            details=f"Enable {pool['uri']} (PUT enabled=true) first.",
        )
    return pool_type, codec, pool


@_each("PUT", "/allocator")
def allocate_from_pool(ctx: Ctx) -> Reply:
    """Allocate ``count`` ids, or the ids of ``idList``, from the pool."""
    _, codec, pool = _enabled_pool(ctx)
    body = ctx.json_object()
    return Reply(200, _allocate(ctx.appliance, codec, _ranges_of(ctx.appliance, pool), body))


@_each("PUT", "/collector")
def collect_to_pool(ctx: Ctx) -> Reply:
    """Give the ids of ``idList`` back to the pool."""
    _, codec, pool = _pool(ctx)
    body = ctx.json_object()
    return Reply(200, _collect(ctx.appliance, codec, _ranges_of(ctx.appliance, pool), body))


def _validation(ctx: Ctx, codec: _Codec, pool: Doc, values: list[int]) -> Doc:
    ranges = [r for r in _ranges_of(ctx.appliance, pool) if r["enabled"]]
    valid = True
    for value in values:
        doc = _owner_of(ctx.appliance, ranges, value)
        if doc is None or value in _allocated(ctx.appliance, doc["uri"]):
            valid = False
    return {"idList": [codec.format(v) for v in values], "valid": valid}


@_each("GET", "/validate")
def validate_ids(ctx: Ctx) -> Reply:
    """Whether the ids of ``idList`` (query) could be allocated."""
    _, codec, pool = _pool(ctx)
    return Reply(200, _validation(ctx, codec, pool, _query_ids(ctx, codec)))


@_each("PUT", "/validate")
def validate_id_list(ctx: Ctx) -> Reply:
    """Whether the ids of the body's ``idList`` could be allocated."""
    _, codec, pool = _pool(ctx)
    body = ctx.json_object()
    return Reply(200, _validation(ctx, codec, pool, _parse_ids(codec, body.get("idList"))))


@_each("GET", "/checkrangeavailability")
def check_range_availability(ctx: Ctx) -> Reply:
    """Which ids of ``idList`` no range of the pool covers yet (free for a new range)."""
    _, codec, pool = _pool(ctx)
    values = _query_ids(ctx, codec)
    ranges = _ranges_of(ctx.appliance, pool)
    free = [v for v in values if _owner_of(ctx.appliance, ranges, v) is None]
    return Reply(
        200,
        {
            "idList": [codec.format(v) for v in values],
            "availableIdList": [codec.format(v) for v in free],
            "unavailableIdList": [codec.format(v) for v in values if v not in free],
        },
    )


@_each("GET", "/generate")
def generate_range(ctx: Ctx) -> Reply:
    """A random range no range of the pool overlaps (vmac, vwwn, vsn)."""
    pool_type, codec, pool = _pool(ctx)
    if pool_type == "ipv4":
        raise bad_request(
            "OPERATION_NOT_SUPPORTED",
            "IPv4 ranges cannot be generated.",
            details="Create an IPv4 range inside a subnet (POST /rest/id-pools/ipv4/ranges).",
        )
    ranges = _ranges_of(ctx.appliance, pool)
    top = max((hi for r in ranges for _, hi in r["spans"]), default=0)
    start = (top // GENERATED_SIZE + 1) * GENERATED_SIZE
    end = min(start + GENERATED_SIZE - 1, codec.maximum)
    return Reply(
        200,
        {
            "type": "Range",
            "rangeCategory": "Generated",
            "startAddress": codec.format(start),
            "endAddress": codec.format(end),
            "fragmentType": "FREE",
        },
    )


# -- ranges --------------------------------------------------------------------


@_each("GET", "/ranges")
def list_ranges(ctx: Ctx) -> Reply:
    """The ranges of a pool."""
    _, _, pool = _pool(ctx)
    docs = [_live_range(ctx.appliance, r) for r in _ranges_of(ctx.appliance, pool)]
    return query.page(ctx, docs, collection_type="RangeCollection", category="id-ranges")


@_each("POST", "/ranges")
def create_range(ctx: Ctx) -> Reply:
    """Create a Custom range (IPv4: inside a subnet, ``startStopFragments``)."""
    pool_type, codec, pool = _pool(ctx)
    body = ctx.json_object()
    subnet = None
    if pool_type == "ipv4":
        subnet = _subnet_for(ctx, body)
        spans = _ipv4_spans(codec, body, subnet)
    else:
        spans = [_span(codec, body.get("startAddress"), body.get("endAddress"))]
    _refuse_overlap(ctx.appliance, codec, pool, spans, None)
    uri = f"/rest/id-pools/{pool_type}/ranges/{uuid.uuid4()}"
    doc = range_document(pool_type, uri, spans, "Custom")
    doc["enabled"] = bool(body.get("enabled", True))
    if subnet is not None:
        doc["name"] = body.get("name")
        doc["subnetUri"] = subnet["uri"]
        ctx.appliance.store.update(subnet["uri"], {"rangeUris": [*subnet["rangeUris"], uri]})
    store = ctx.appliance.store
    store.add(doc)
    store.update(pool["uri"], {"rangeUris": [*pool["rangeUris"], uri]})
    return Reply(201, _live_range(ctx.appliance, doc), {"Location": uri})


def _span(codec: _Codec, start: Any, end: Any) -> list[int]:
    try:
        low, high = codec.parse(str(start)), codec.parse(str(end))
    except ValueError as exc:
        raise bad_request(
            "ADDRESS_FORMAT_IPV4" if codec.name == "IPV4" else "INVALID_POOLRANGE",
            f"The {codec.name} range {start!r} - {end!r} is not valid.",
            details=f"Fields startAddress, endAddress: two {codec.name} ids.",
        ) from exc
    if start is None or end is None or low > high:
        raise bad_request(
            "INVALID_POOLRANGE",
            f"The {codec.name} range {start!r} - {end!r} is not valid.",
            details="startAddress must not be above endAddress.",
        )
    return [low, high]


def _refuse_overlap(
    appliance: Appliance, codec: _Codec, pool: Doc, spans: list[list[int]], ignore: str | None
) -> None:
    for other in _ranges_of(appliance, pool):
        if other["uri"] == ignore:
            continue
        for lo, hi in spans:
            for olo, ohi in other["spans"]:
                if lo <= ohi and olo <= hi:
                    raise bad_request(
                        "OVERLAPPING_POOLRANGE",
                        f"The {codec.name} range overlaps an existing range.",
                        details=f"{codec.format(lo)} - {codec.format(hi)} overlaps "
                        f"{other['uri']} ({codec.format(olo)} - {codec.format(ohi)}).",
                    )


@_each("GET", "/ranges/{id}")
def get_range(ctx: Ctx) -> Reply:
    """One range with its counts."""
    _, _, doc = _range(ctx)
    return Reply(200, _live_range(ctx.appliance, doc))


@_each("PUT", "/ranges/{id}")
def update_range(ctx: Ctx) -> Reply:
    """Enable/disable a range, or move the bounds of a Custom one (not past its allocations)."""
    pool_type, codec, doc = _range(ctx)
    body = ctx.json_object()
    pool = ctx.appliance.store.require(f"/rest/id-pools/{pool_type}")
    changes: Doc = {}
    if "enabled" in body:
        if not isinstance(body["enabled"], bool):
            raise bad_request(
                "INVALID_ENABLED_VALUE",
                "The enabled field of a range must be true or false.",
                details=f"Field enabled: got {body['enabled']!r}.",
            )
        changes["enabled"] = body["enabled"]
    if pool_type == "ipv4":
        if "name" in body:
            changes["name"] = body["name"]
        if "startStopFragments" in body:
            subnet = ctx.appliance.store.require(doc["subnetUri"])
            changes["spans"] = _ipv4_spans(codec, body, subnet)
    else:
        bounds = (
            body.get("startAddress", doc["startAddress"]),
            body.get("endAddress", doc["endAddress"]),
        )
        if bounds != (doc["startAddress"], doc["endAddress"]):
            if doc["rangeCategory"] == "Generated":
                raise bad_request(
                    "GENERATED_RANGE_NOT_EDITABLE",
                    "The bounds of a Generated range cannot be changed.",
                    details=f"{doc['uri']} is the pool's Generated range.",
                )
            changes["spans"] = [_span(codec, *bounds)]
    if "spans" in changes:
        spans = changes["spans"]
        _refuse_overlap(ctx.appliance, codec, pool, spans, doc["uri"])
        outside = [v for v in _allocated(ctx.appliance, doc["uri"]) if not _inside(spans, v)]
        if outside:
            raise bad_request(
                "EDIT_NOT_ALLOWED",
                "The new bounds leave allocated ids outside the range.",
                details="Allocated outside: "
                + ", ".join(codec.format(v) for v in sorted(outside)[:5]),
            )
        fresh = range_document(pool_type, doc["uri"], spans, doc["rangeCategory"])
        changes.update({k: fresh[k] for k in ("startAddress", "endAddress")})
        if "startStopFragments" in fresh:
            changes["startStopFragments"] = fresh["startStopFragments"]
    updated = ctx.appliance.store.update(doc["uri"], changes)
    return Reply(200, _live_range(ctx.appliance, updated))


@_each("DELETE", "/ranges/{id}")
def delete_range(ctx: Ctx) -> Reply:
    """Delete a Custom range (with allocated ids only with ``force=true``)."""
    pool_type, _, doc = _range(ctx)
    _delete_range(ctx, pool_type, doc)
    return Reply(204)


def _delete_range(ctx: Ctx, pool_type: str, doc: Doc) -> None:
    store = ctx.appliance.store
    if doc["rangeCategory"] == "Generated":
        raise bad_request(
            "GENERATED_RANGE_NOT_DELETABLE",
            "The Generated range of a pool cannot be deleted.",
            details=f"{doc['uri']} is the pool's Generated range; disable it instead.",
        )
    force = (ctx.arg("force") or "").lower() == "true"
    if _allocated(ctx.appliance, doc["uri"]) and not force:
        raise bad_request(
            "HAS_IPS_IN_USE" if pool_type == "ipv4" else "ID_RANGE_HAS_ALLOCATED_IDS",
            "The range has allocated ids.",
            details="Collect them first, or delete with force=true.",
        )
    pool = store.require(f"/rest/id-pools/{pool_type}")
    store.update(pool["uri"], {"rangeUris": [u for u in pool["rangeUris"] if u != doc["uri"]]})
    subnet = store.get(doc.get("subnetUri") or "")
    if subnet is not None:
        kept = [u for u in subnet["rangeUris"] if u != doc["uri"]]
        store.update(subnet["uri"], {"rangeUris": kept})
    allocations = store.get(f"/{ALLOCATIONS}/{doc['uri'].rsplit('/', 1)[1]}")
    if allocations is not None:
        store.remove(allocations["uri"])
    store.remove(doc["uri"])


@_each("PUT", "/ranges/{id}/allocator")
def allocate_from_range(ctx: Ctx) -> Reply:
    """Allocate ``count`` ids, or the ids of ``idList``, from this range."""
    _, codec, doc = _range(ctx)
    body = ctx.json_object()
    if not doc["enabled"]:
        raise bad_request(
            "RANGE_DISABLED",
            "The range is disabled.",
            details=f"Enable {doc['uri']} first.",
        )
    return Reply(200, _allocate(ctx.appliance, codec, [doc], body))


@_each("PUT", "/ranges/{id}/collector")
def collect_to_range(ctx: Ctx) -> Reply:
    """Give the ids of ``idList`` back to this range."""
    _, codec, doc = _range(ctx)
    return Reply(200, _collect(ctx.appliance, codec, [doc], ctx.json_object()))


@_each("GET", "/ranges/{id}/allocated-fragments")
def allocated_fragments(ctx: Ctx) -> Reply:
    """The allocated stretches of this range (paged)."""
    _, codec, doc = _range(ctx)
    return _fragments(ctx, codec, doc, "ALLOCATED")


@_each("GET", "/ranges/{id}/free-fragments")
def free_fragments(ctx: Ctx) -> Reply:
    """The free stretches of this range (paged)."""
    _, codec, doc = _range(ctx)
    return _fragments(ctx, codec, doc, "FREE")


# -- IPv4 subnets --------------------------------------------------------------


def _subnet_for(ctx: Ctx, body: Doc) -> Doc:
    uri = body.get("subnetUri")
    subnet = ctx.appliance.store.get(uri) if isinstance(uri, str) else None
    if subnet is None or not str(uri).startswith(f"{SUBNETS}/"):
        raise bad_request(
            "INVALID_SUBNET_URI",
            "The subnet of the IPv4 range does not exist.",
            details=f"Field subnetUri: no subnet at {uri!r}.",
        )
    return subnet


def _network(subnet: Doc) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(f"{subnet['networkId']}/{subnet['subnetmask']}")


def _ipv4_spans(codec: _Codec, body: Doc, subnet: Doc) -> list[list[int]]:
    fragments = body.get("startStopFragments")
    if not isinstance(fragments, list) or not fragments:
        raise bad_request(
            "INVALID_POOLRANGE",
            "An IPv4 range needs startStopFragments.",
            details="Field startStopFragments: a list of {startAddress, endAddress}.",
        )
    network = _network(subnet)
    spans = []
    for fragment in fragments:
        if not isinstance(fragment, dict):
            raise bad_request("INVALID_POOLRANGE", "Bad fragment.", details=f"Got {fragment!r}.")
        span = _span(codec, fragment.get("startAddress"), fragment.get("endAddress"))
        first, last = int(network.network_address) + 1, int(network.broadcast_address) - 1
        if span[0] < first or span[1] > last:
            raise bad_request(
                "INVALID_IP_RANGE",
                "The IPv4 range is not inside its subnet.",
                details=f"{codec.format(span[0])} - {codec.format(span[1])} is outside "
                f"{network} (hosts {codec.format(first)} - {codec.format(last)}).",
            )
        spans.append(span)
    spans.sort()
    for (_, hi), (lo, _) in zip(spans, spans[1:], strict=False):
        if lo <= hi:
            raise bad_request(
                "OVERLAPPING_POOLRANGE",
                "The fragments of the range overlap.",
                details=str(fragments),
            )
    return spans


def _subnet_doc(ctx: Ctx) -> Doc:
    return ctx.appliance.store.require(f"{SUBNETS}/{ctx.params['id']}")


def _live_subnet(appliance: Appliance, subnet: Doc) -> Doc:
    ranges = [
        _live_range(appliance, d) for u in subnet["rangeUris"] if (d := appliance.store.get(u))
    ]
    network = _network(subnet)
    allocated = sum(r["allocatedIdCount"] for r in ranges)
    return {
        **subnet,
        "allocatedIdCount": allocated,
        "assignedIdCount": sum(r["totalCount"] for r in ranges),
        "freeIdCount": network.num_addresses - 2 - allocated,
    }


def _check_subnet_body(ctx: Ctx, body: Doc, ignore: str | None) -> Doc:
    fields = {k: body.get(k) for k in ("networkId", "subnetmask", "gateway")}
    try:
        network = ipaddress.IPv4Network(f"{fields['networkId']}/{fields['subnetmask']}")
        gateway = ipaddress.IPv4Address(str(fields["gateway"])) if fields["gateway"] else None
    except ValueError as exc:
        raise bad_request(
            "ADDRESS_FORMAT_IPV4",
            "The subnet is not valid.",
            details=f"networkId {fields['networkId']!r} / subnetmask {fields['subnetmask']!r}: "
            f"{exc}.",
        ) from exc
    if gateway is not None and gateway not in network:
        raise bad_request(
            "INVALID_GATEWAY",
            "The gateway is not inside the subnet.",
            details=f"Field gateway: {gateway} is outside {network}.",
        )
    for other in ctx.appliance.store.iter("id-pools"):
        if other.get("category") != "id-range-IPV4-subnet" or other["uri"] == ignore:
            continue
        if _network(other).overlaps(network):
            raise bad_request(
                "OVERLAPPING_SUBNET",
                "The subnet overlaps an existing subnet.",
                details=f"{network} overlaps {other['uri']} ({_network(other)}).",
            )
    dns = body.get("dnsServers", [])
    if not isinstance(dns, list):
        raise bad_request(
            "INVALID_DNS_SERVER", "dnsServers must be a list.", details=f"Got {dns!r}."
        )
    return {
        "networkId": str(network.network_address),
        "subnetmask": str(network.netmask),
        "gateway": str(gateway) if gateway else None,
        "domain": body.get("domain"),
        "dnsServers": dns,
        "name": body.get("name") or str(network),
    }


@bp.get(SUBNETS)
def list_subnets(ctx: Ctx) -> Reply:
    """IPv4 subnets."""
    docs = [
        _live_subnet(ctx.appliance, d)
        for d in ctx.appliance.store.iter("id-pools")
        if d.get("category") == "id-range-IPV4-subnet"
    ]
    return query.page(
        ctx, docs, collection_type="SubnetCollection", category="id-range-IPV4-subnet"
    )


@bp.post(SUBNETS)
def create_subnet(ctx: Ctx) -> Reply:
    """Create an IPv4 subnet."""
    fields = _check_subnet_body(ctx, ctx.json_object(), None)
    uri = f"{SUBNETS}/{uuid.uuid4()}"
    doc = ctx.appliance.store.add(
        {
            "type": "Subnet",
            "category": "id-range-IPV4-subnet",
            "uri": uri,
            **fields,
            "rangeUris": [],
            "associatedResources": [],
            "allocatorUri": f"{uri}/allocator",
            "collectorUri": f"{uri}/collector",
        }
    )
    return Reply(201, _live_subnet(ctx.appliance, doc), {"Location": uri})


@bp.get(f"{SUBNETS}/{{id}}")
def get_subnet(ctx: Ctx) -> Reply:
    """One IPv4 subnet."""
    return Reply(200, _live_subnet(ctx.appliance, _subnet_doc(ctx)))


@bp.put(f"{SUBNETS}/{{id}}")
def update_subnet(ctx: Ctx) -> Reply:
    """Change name, gateway, domain, DNS servers (not the network while it has ranges)."""
    doc = _subnet_doc(ctx)
    body = ctx.json_object()
    fields = _check_subnet_body(ctx, {**doc, **body}, doc["uri"])
    moved = (fields["networkId"], fields["subnetmask"]) != (doc["networkId"], doc["subnetmask"])
    if moved and doc["rangeUris"]:
        raise bad_request(
            "SUBNET_EDIT_NOT_ALLOWED",
            "The network of a subnet with ranges cannot be changed.",
            details=f"{doc['uri']} has {len(doc['rangeUris'])} range(s); delete them first.",
        )
    updated = ctx.appliance.store.update(doc["uri"], fields)
    return Reply(200, _live_subnet(ctx.appliance, updated))


@bp.delete(f"{SUBNETS}/{{id}}")
def delete_subnet(ctx: Ctx) -> Reply:
    """Delete a subnet and its ranges (ranges with allocated ids only with ``force=true``)."""
    doc = _subnet_doc(ctx)
    for uri in list(doc["rangeUris"]):
        found = ctx.appliance.store.get(uri)
        if found is not None:
            _delete_range(ctx, "ipv4", found)
    ctx.appliance.store.remove(doc["uri"])
    return Reply(204)


@bp.put(f"{SUBNETS}/{{id}}/allocator")
def allocate_from_subnet(ctx: Ctx) -> Reply:
    """Allocate addresses from the subnet's ranges."""
    doc = _subnet_doc(ctx)
    ranges = [d for u in doc["rangeUris"] if (d := ctx.appliance.store.get(u))]
    return Reply(200, _allocate(ctx.appliance, CODECS["ipv4"], ranges, ctx.json_object()))


@bp.put(f"{SUBNETS}/{{id}}/collector")
def collect_to_subnet(ctx: Ctx) -> Reply:
    """Give addresses back to the subnet's ranges."""
    doc = _subnet_doc(ctx)
    ranges = [d for u in doc["rangeUris"] if (d := ctx.appliance.store.get(u))]
    return Reply(200, _collect(ctx.appliance, CODECS["ipv4"], ranges, ctx.json_object()))
