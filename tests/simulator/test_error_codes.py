"""Error codes checked against HPE's own answers (doc/simulator.md, "Error codes").

Each case is one an appliance answered in HPE's public regression suite (IPv4 subnets and
ranges: its F258 API tests; logical enclosures and logical interconnects: its feature
tests); the simulator must answer the same status and errorCode.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from oneview_openstack.testing.simulator import SimulatorHandle

from .http_support import Api, error

pytestmark = pytest.mark.functional

SUBNETS = "/rest/id-pools/ipv4/subnets"
RANGES = "/rest/id-pools/ipv4/ranges"


def subnet_body(network: str, **changes: Any) -> dict[str, Any]:
    prefix = network.rsplit(".", 1)[0]
    body = {"type": "Subnet", "name": f"codes-{network}", "networkId": network,
            "subnetmask": "255.255.255.0", "gateway": f"{prefix}.1", "domain": "example.com",
            "dnsServers": []}  # fmt: skip
    return body | changes


def range_body(subnet_uri: str, start: str, end: str) -> dict[str, Any]:
    fragments = [{"startAddress": start, "endAddress": end}]
    return {"type": "Range", "name": f"codes-{start}", "subnetUri": subnet_uri,
            "startStopFragments": fragments}  # fmt: skip


@pytest.fixture
def api(sim: SimulatorHandle) -> Api:
    return Api(sim)


@pytest.fixture
def subnet(api: Api) -> Iterator[dict[str, Any]]:
    """172.31.7.0/24 with the range .10-.19."""
    created = api.call("POST", SUBNETS, subnet_body("172.31.7.0"))
    assert created.status_code in (200, 201), created.text
    doc: dict[str, Any] = created.json()
    made = api.call("POST", RANGES, range_body(doc["uri"], "172.31.7.10", "172.31.7.19"))
    assert made.status_code in (200, 201), made.text
    doc["range"] = made.json()
    yield doc


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"gateway": "172.31.8.1"}, "INVALID_GATEWAY"),  # F258 SUBNET_TC_04/08
        ({"networkId": "258.890.1.0"}, "ADDRESS_FORMAT_IPV4"),  # SUBNET_TC_25
        ({"subnetmask": ""}, "ADDRESS_FORMAT_IPV4"),  # SUBNET_TC_29
    ],
)
def test_an_invalid_subnet_is_refused(api: Api, changes: dict[str, Any], code: str) -> None:
    error(api.call("POST", SUBNETS, subnet_body("172.31.9.0", **changes)), 400, code)


def test_a_duplicate_subnet_overlaps(api: Api, subnet: dict[str, Any]) -> None:
    error(api.call("POST", SUBNETS, subnet_body("172.31.7.0")), 400, "OVERLAPPING_SUBNET")


def test_the_network_of_a_subnet_with_ranges_cannot_change(
    api: Api, subnet: dict[str, Any]
) -> None:
    moved = subnet_body("172.31.70.0") | {"gateway": "172.31.70.1"}
    answer = api.call("PUT", subnet["uri"], moved)

    error(answer, 400, "SUBNET_EDIT_NOT_ALLOWED")  # F258 SUBNET_TC_13


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ("172.31.7.200", "172.31.8.5", "INVALID_IP_RANGE"),  # RANGE_TC_36: outside its subnet
        ("172.31.7.15", "172.31.7.25", "OVERLAPPING_POOLRANGE"),  # RANGE_TC_37
        ("172.31.7.50", "172.31.7.40", "INVALID_POOLRANGE"),  # RANGE_TC_57: last before first
        ("172.31.7.x", "172.31.7.40", "ADDRESS_FORMAT_IPV4"),  # RANGE_TC_55
    ],
)
def test_an_invalid_range_is_refused(
    api: Api, subnet: dict[str, Any], start: str, end: str, code: str
) -> None:
    error(api.call("POST", RANGES, range_body(subnet["uri"], start, end)), 400, code)


def test_a_range_without_a_subnet_uri_is_refused(api: Api) -> None:
    body = range_body("", "172.31.7.10", "172.31.7.11")

    error(api.call("POST", RANGES, body), 400, "INVALID_SUBNET_URI")  # RANGE_TC_52


def test_allocation_errors_of_a_subnet(api: Api, subnet: dict[str, Any]) -> None:
    allocator = f"{subnet['uri']}/allocator"
    first = api.call("PUT", allocator, {"idList": ["172.31.7.10"]})
    assert first.status_code == 200, first.text

    again = api.call("PUT", allocator, {"idList": ["172.31.7.10"]})
    outside = api.call("PUT", allocator, {"idList": ["172.31.7.254"]})
    too_many = api.call("PUT", allocator, {"count": 10})

    error(again, 400, "ID_ALLOCATION_VALIDATION_FAILURE")  # ALLOCATE_TC_11
    error(outside, 400, "OUT_OF_RANGE")  # ALLOCATE_TC_01/07
    error(too_many, 400, "SUBNET_EXHAUSTED")  # ALLOCATE_TC_06


def test_a_range_with_allocated_addresses_is_kept(api: Api, subnet: dict[str, Any]) -> None:
    uri = subnet["range"]["uri"]
    allocated = api.call("PUT", f"{uri}/allocator", {"idList": ["172.31.7.12"]})
    assert allocated.status_code == 200, allocated.text
    shrink = {"startStopFragments": [{"startAddress": "172.31.7.14", "endAddress": "172.31.7.19"}]}

    error(api.call("DELETE", uri), 400, "HAS_IPS_IN_USE")  # RANGE_TC_51
    error(api.call("PUT", uri, shrink), 400, "EDIT_NOT_ALLOWED")  # RANGE_TC_47
    assert api.get(uri)["uri"] == uri


def test_a_duplicate_scope_is_a_409_naming_it(api: Api) -> None:
    """HPE's RIST F1290ap002: 409 and this message, word for word."""
    body = {"type": "ScopeV3", "name": "codes-scope", "description": "first"}
    assert api.call("POST", "/rest/scopes", body).status_code in (200, 201)

    duplicate = error(api.call("POST", "/rest/scopes", body), 409, "SCOPE_ALREADY_EXISTS")

    assert duplicate["message"] == "A scope with name 'codes-scope' already exists."
    assert "errorSource" in duplicate


def test_a_logical_enclosure_hosting_profiles_fails_its_delete_task(api: Api) -> None:
    """HPE's TBIRD negative scenario: the task ends in Error with this code and message."""
    prod = api.named("logical-enclosures", "LE-Prod")

    task = api.wait(api.call("DELETE", prod["uri"]))

    assert task["taskState"] == "Error"
    first = task["taskErrors"][0]
    assert first["errorCode"] == "LE_DELETE_ACTIVE_PROFILE_ERROR"
    assert first["message"] == (
        "Unable to delete this logical enclosure because it is hosting active server profiles."
    )
    assert api.get(prod["uri"])["state"] == prod["state"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/rest/scopes", ["not", "an", "object"]),
        ("POST", "/rest/users", [7]),
        ("POST", "/rest/users/Administrator/roles", {"roleName": "Read only"}),
    ],
)
def test_a_body_of_the_wrong_json_type_gets_the_appliance_words(
    api: Api, method: str, path: str, body: Any
) -> None:
    """HPE's OVF292/OVF5514 data: 400 INVALID_JSON_DATA_TYPE "Invalid JSON data type."."""
    refused = error(api.call(method, path, body), 400, "INVALID_JSON_DATA_TYPE")

    assert refused["message"] == "Invalid JSON data type."
    assert refused["details"]


@pytest.mark.parametrize("name", ["1st-user", "dotted.name", "at@domain", "x" * 40, ""])
def test_a_user_name_outside_the_documented_pattern_is_refused(api: Api, name: str) -> None:
    """The REST API reference: a letter first, then letters, digits, '_' or '-'; 39 at most."""
    body = {"userName": name, "password": "long-enough-1"}
    body["permissions"] = [{"roleName": "Read only"}]

    refused = error(api.call("POST", "/rest/users", body), 400, "INVALID_USER_NAME")

    assert repr(name) in refused["message"]
    assert name not in {user["userName"] for user in api.get("/rest/users")["members"]}


@pytest.mark.parametrize(
    "password", ["short-7", "x" * 41, "with space", "semi;colon1", "a/slash-1"]
)
def test_a_password_outside_the_documented_rule_is_refused(api: Api, password: str) -> None:
    """The REST API reference: 8 to 40 characters, none of < > ; , " ' & \\ / | + : = or space."""
    body = {"userName": "codes-pw", "password": password}
    body["permissions"] = [{"roleName": "Read only"}]

    refused = error(api.call("POST", "/rest/users", body), 400, "PASSWORD_INVALID")

    assert password not in str(refused)  # never echoed
    assert api.call("GET", "/rest/users/codes-pw").status_code == 404
