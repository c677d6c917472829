"""The collection engine: filter/query grammar, sort, paging envelopes, fields, errors.

These call ``query.page`` directly with a request context (no HTTP): the engine is
pure; the HTTP tests in test_query_http.py check it is wired to the endpoints.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from oneview_openstack.simulator import query
from oneview_openstack.simulator.config import SimulatorConfig
from oneview_openstack.simulator.errors import ApiError
from oneview_openstack.simulator.router import Ctx

NET1 = "/rest/ethernet-networks/n1"
NET2 = "/rest/ethernet-networks/n2"


def server(number: int, **fields: Any) -> dict[str, Any]:
    doc = {
        "uri": f"/rest/server-hardware/S{number}",
        "uuid": f"UUID-{number}",
        "name": f"Frame{(number + 1) // 2}, bay {number}",
        "memoryMb": 131072 * number,
        "powerState": "Off",
        "serverProfileUri": None,
        "maintenanceMode": False,
        "mpHostInfo": {"mpHostName": f"10.0.0.{number}"},
        "connectionSettings": {"connections": [{"networkUri": NET1}]},
        "created": f"2024-01-0{number}T00:00:00.000Z",
    }
    doc.update(fields)
    return doc


DOCS = [
    server(1, powerState="On"),
    server(2, serverProfileUri="/rest/server-profiles/p2"),
    server(3, connectionSettings={"connections": [{"networkUri": NET1}, {"networkUri": NET2}]}),
    server(4, powerState="On", maintenanceMode=True, name="rack-04"),
]
ALL = ["S1", "S2", "S3", "S4"]


def make_ctx(params: list[tuple[str, str]], max_page_size: int | None = None) -> Ctx:
    appliance = SimpleNamespace(config=SimulatorConfig(max_page_size=max_page_size), renderers={})
    return Ctx(
        appliance=appliance,  # type: ignore[arg-type]
        method="GET",
        path="/rest/server-hardware",
        params={},
        query=params,
        headers={},
        api_version=4600,
    )


def listing(params: list[tuple[str, str]], docs: list[dict] | None = None, **kw: Any) -> dict:
    reply = query.page(
        make_ctx(params, **kw),
        DOCS if docs is None else docs,
        collection_type="server-hardware-list",
        category="server-hardware",
    )
    assert reply.status == 200
    return reply.body


def ids(body: dict) -> list[str]:
    return [m["uri"].rsplit("/", 1)[1] for m in body["members"]]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # equality: quoting, case, operators
        (["name='Frame1, bay 1'"], ["S1"]),
        (["\"name='Frame1, bay 1'\""], ["S1"]),
        (["'name'='Frame1, bay 1'"], ["S1"]),
        (["name = 'frame1, BAY 1'"], ["S1"]),
        (["name EQ 'FRAME1, BAY 1'"], ["S1"]),
        (["name eq 'frame1, bay 1'"], ["S1"]),
        (["name == 'frame1, bay 1'"], []),
        (["'name'=='Frame1, bay 1'"], ["S1"]),
        (["name seq 'Frame1, bay 1'"], ["S1"]),
        (["powerState=On"], ["S1", "S4"]),
        (['name="rack-04"'], ["S4"]),
        # repeated filters are ANDed
        (["powerState='On'", "memoryMb gt 200000"], ["S4"]),
        (["powerState='On'", "powerState='Off'"], []),
        # negations
        (["powerState ne 'on'"], ["S2", "S3"]),
        (["powerState <> 'On'"], ["S2", "S3"]),
        (["powerState != 'On'"], ["S2", "S3"]),
        (["powerState sne 'on'"], ALL),
        (["NOT powerState='On'"], ["S2", "S3"]),
        (["not powerState='On'"], ["S2", "S3"]),
        # numbers and timestamps
        (["memoryMb gt 262144"], ["S3", "S4"]),
        (["memoryMb ge 262144"], ["S2", "S3", "S4"]),
        (["memoryMb lt '262144'"], ["S1"]),
        (["memoryMb le 262144"], ["S1", "S2"]),
        (["memoryMb = 393216"], ["S3"]),
        (["memoryMb > 262144"], ["S3", "S4"]),
        (["created ge '2024-01-03T00:00:00.000Z'"], ["S3", "S4"]),
        (["maintenanceMode = true"], ["S4"]),
        (["maintenanceMode='False'"], ["S1", "S2", "S3"]),
        # nested attributes and lists
        (["mpHostInfo.mpHostName='10.0.0.2'"], ["S2"]),
        (["connectionSettings.connections.networkUri='/rest/ethernet-networks/n2'"], ["S3"]),
        (["connections.networkUri='/rest/ethernet-networks/n2'"], ["S3"]),
        (
            ["connectionSettings.connections.networkUri ne '/rest/ethernet-networks/n2'"],
            ["S1", "S2", "S4"],
        ),
        # wildcards and regular expressions
        (["name matches 'Frame1%'"], ["S1", "S2"]),
        (["name matches 'frame_, bay 3'"], ["S3"]),
        (["name matches '%bay%'"], ["S1", "S2", "S3"]),
        (["name smatches 'frame%'"], []),
        (["name like 'rack*'"], ["S4"]),
        (["name matches '%BAY 3'"], ["S3"]),
        (["name matches 'FRAME1, BAY 1'"], ["S1"]),
        (["name like 'fr*e2%3'"], ["S3"]),
        (["memoryMb matches '131%'"], ["S1"]),
        (["name matches 'rack\\_%'"], []),
        (["name matches 'rack\\-0_'"], ["S4"]),
        (["\"'name' matches 'Frame1\\, bay%'\""], ["S1", "S2"]),
        (["name matches '%'"], ALL),
        (["name regex 'frame[12], bay [13]'"], ["S1", "S3"]),
        (["name sregex 'frame.*'"], []),
        # NULL
        (["serverProfileUri = NULL"], ["S1", "S3", "S4"]),
        (["NOT serverProfileUri = NULL"], ["S2"]),
        (["serverProfileUri IS NOT NULL"], ["S2"]),
        (["serverProfileUri is null"], ["S1", "S3", "S4"]),
        (["serverProfileUri ne null"], ["S2"]),
        # AND / OR / IN / parentheses in one expression
        (["powerState='On' AND memoryMb lt 200000"], ["S1"]),
        (["name='rack-04' OR serverProfileUri IS NOT NULL"], ["S2", "S4"]),
        (["NOT (powerState='On' OR memoryMb = 262144)"], ["S3"]),
        (["uuid IN ('uuid-1', 'UUID-3')"], ["S1", "S3"]),
        (["uuid:UUID-2"], ["S2"]),
        # a missing attribute is null
        (["nothing='x'"], []),
        (["nothing ne 'x'"], ALL),
        (["nothing = NULL"], ALL),
        ([""], ALL),
    ],
)
def test_filter_grammar(filters: list[str], expected: list[str]) -> None:
    assert ids(listing([("filter", f) for f in filters])) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("powerState='On' OR name='rack-04'", ["S1", "S4"]),
        ("owner IN ('a', 'b') OR uuid in ('UUID-2')", ["S2"]),
        ("memoryMb GE 393216 AND NOT powerState EQ 'On'", ["S3"]),
        ("serverProfileUri IS NULL AND name like '%bay _'", ["S1", "S3"]),
    ],
)
def test_query_parameter_is_anded_with_filters(text: str, expected: list[str]) -> None:
    assert ids(listing([("query", text)])) == expected
    assert ids(listing([("query", text), ("filter", "uuid ne 'UUID-1'")])) == [
        i for i in expected if i != "S1"
    ]


@pytest.mark.parametrize(
    ("parameter", "text", "fragment"),
    [
        ("filter", "name=", "expected a value for 'name'"),
        ("filter", "name 'x'", "expected an operator after 'name'"),
        ("filter", "name ~ 'x'", "expected an operator after 'name' at 5, found '~'"),
        ("filter", "(name='x'", "expected ')'"),
        ("filter", "name='x' name='y'", "join conditions with AND or OR"),
        ("filter", "name regex '['", "not a valid regular expression"),
        ("filter", "name IN 'x'", "expected '('"),
        ("filter", "= 'x'", "expected an attribute"),
        ("filter", "name IS 'x'", "expected NULL after IS"),
        ("query", "name='x' AND", "expected an attribute"),
        ("filter", "name='unterminated", "unexpected"),
    ],
)
def test_bad_filter_is_400_naming_the_text_and_the_grammar(
    parameter: str, text: str, fragment: str
) -> None:
    with pytest.raises(ApiError) as error:
        listing([(parameter, text)])
    assert error.value.status == 400
    assert error.value.error_code == "INVALID_FILTER"
    assert text in error.value.message
    assert fragment in error.value.message
    assert parameter in error.value.message
    assert "matches" in error.value.details


# -- sort ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("memoryMb:descending", ["S4", "S3", "S2", "S1"]),
        ("memoryMb:DESC", ["S4", "S3", "S2", "S1"]),
        ("memoryMb:ascending", ALL),
        ("name:asc", ["S1", "S2", "S3", "S4"]),
        ("name", ["S1", "S2", "S3", "S4"]),
        ("powerState:asc,memoryMb:desc", ["S3", "S2", "S4", "S1"]),
        ("powerState:desc, name:desc", ["S4", "S1", "S3", "S2"]),
        ("serverProfileUri:asc", ["S2", "S1", "S3", "S4"]),
        ("serverProfileUri:desc", ["S1", "S3", "S4", "S2"]),
        ("mpHostInfo.mpHostName:desc", ["S4", "S3", "S2", "S1"]),
        ("'name':descending", ["S4", "S3", "S2", "S1"]),
    ],
)
def test_sort(sort: str, expected: list[str]) -> None:
    assert ids(listing([("sort", sort)])) == expected


def test_default_order_is_creation_order_and_sort_is_stable() -> None:
    docs = [server(n, powerState="On") for n in (3, 1, 2)]
    assert ids(listing([], docs)) == ["S3", "S1", "S2"]
    assert ids(listing([("sort", "powerState:desc")], docs)) == ["S3", "S1", "S2"]


@pytest.mark.parametrize("sort", ["name:sideways", ":asc", "name:up,memoryMb"])
def test_bad_sort_is_400_naming_it(sort: str) -> None:
    with pytest.raises(ApiError) as error:
        listing([("sort", sort)])
    assert (error.value.status, error.value.error_code) == (400, "INVALID_SORT")
    assert sort in error.value.message
    assert "ascending|descending" in error.value.details


# -- paging --------------------------------------------------------------------------


def query_of(uri: str | None) -> dict[str, list[str]]:
    assert uri is not None
    parts = urlsplit(uri)
    assert parts.path == "/rest/server-hardware"
    result: dict[str, list[str]] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        result.setdefault(key, []).append(value)
    return result


def test_first_page_envelope() -> None:
    body = listing([("start", "0"), ("count", "2")])
    assert ids(body) == ["S1", "S2"]
    assert (body["start"], body["count"], body["total"]) == (0, 2, 4)
    assert body["prevPageUri"] is None
    assert query_of(body["nextPageUri"]) == {"start": ["2"], "count": ["2"]}
    assert query_of(body["uri"]) == {"start": ["0"], "count": ["2"]}
    assert (body["type"], body["category"]) == ("server-hardware-list", "server-hardware")
    assert (body["eTag"], body["created"], body["modified"]) == (None, None, None)


def test_middle_and_last_pages_keep_the_query_and_shift_start() -> None:
    params = [
        ("filter", "name matches '%bay%'"),
        ("sort", "name:desc"),
        ("start", "1"),
        ("count", "1"),
    ]
    body = listing(params)
    assert ids(body) == ["S2"]
    assert body["total"] == 3
    assert query_of(body["prevPageUri"]) == {
        "filter": ["name matches '%bay%'"],
        "sort": ["name:desc"],
        "start": ["0"],
        "count": ["1"],
    }
    assert query_of(body["nextPageUri"])["start"] == ["2"]
    last = listing([*params[:2], ("start", "2"), ("count", "1")])
    assert ids(last) == ["S1"]
    assert last["nextPageUri"] is None
    assert query_of(last["prevPageUri"])["start"] == ["1"]


@pytest.mark.parametrize("count", ["-1", "9999999", None])
def test_minus_one_huge_or_missing_count_means_all(count: str | None) -> None:
    params = [("count", count)] if count is not None else []
    body = listing(params)
    assert ids(body) == ALL
    assert (body["count"], body["total"], body["nextPageUri"], body["prevPageUri"]) == (
        4,
        4,
        None,
        None,
    )


def test_start_beyond_total_is_an_empty_page_pointing_back() -> None:
    body = listing([("start", "10"), ("count", "2")])
    assert (body["members"], body["count"], body["total"], body["nextPageUri"]) == ([], 0, 4, None)
    assert query_of(body["prevPageUri"])["start"] == ["8"]


def test_count_zero_gives_the_total_only() -> None:
    body = listing([("count", "0")])
    assert (body["members"], body["total"], body["nextPageUri"]) == ([], 4, None)


def test_page_size_cap_is_followed_to_the_end_by_next_page_uri() -> None:
    docs = [server(n % 9 + 1, uri=f"/rest/server-hardware/X{n}") for n in range(11)]
    seen = []
    params: list[tuple[str, str]] = [("start", "0"), ("count", "-1")]
    pages = 0
    while True:
        body = listing(params, docs, max_page_size=4)
        pages += 1
        assert body["total"] == 11
        seen += ids(body)
        if body["nextPageUri"] is None:
            break
        params = list(parse_qsl(urlsplit(body["nextPageUri"]).query))
    assert pages == 3
    assert seen == [f"X{n}" for n in range(11)]


@pytest.mark.parametrize(
    ("name", "value"), [("start", "-1"), ("start", "abc"), ("count", "-2"), ("count", "1.5")]
)
def test_bad_start_or_count_is_400_naming_it(name: str, value: str) -> None:
    with pytest.raises(ApiError) as error:
        listing([(name, value)])
    assert error.value.status == 400
    assert f"{name}={value!r}" in error.value.message


# -- fields --------------------------------------------------------------------------


def test_fields_keep_only_the_named_attributes() -> None:
    body = listing([("fields", "uri,name,mpHostInfo.mpHostName"), ("count", "1")])
    assert body["members"] == [
        {
            "uri": "/rest/server-hardware/S1",
            "name": "Frame1, bay 1",
            "mpHostInfo": {"mpHostName": "10.0.0.1"},
        }
    ]


def test_members_are_rendered_for_the_api_version() -> None:
    ctx = make_ctx([("count", "1")])
    ctx.appliance.renderers["server-hardware"] = lambda doc, version: {**doc, "type": f"v{version}"}
    for doc in DOCS:
        doc["category"] = "server-hardware"
    try:
        body = query.page(ctx, DOCS, collection_type="t", category="server-hardware").body
    finally:
        for doc in DOCS:
            doc.pop("category")
    assert body["members"][0]["type"] == "v4600"
    assert "type" not in DOCS[0]
