"""Paths as a real appliance accepts them: trailing slashes, encoded spaces, query keys.

And ``GET /controller-state.json``, the public probe HPE's tools send before logging in.
"""

from __future__ import annotations

import pytest
import requests

from oneview_openstack.testing.simulator import SimulatorHandle

from .http_support import Api, error

pytestmark = pytest.mark.functional


@pytest.fixture
def api(sim: SimulatorHandle) -> Api:
    return Api(sim)


def test_collection_gets_take_a_trailing_slash(api: Api) -> None:
    for collection in ("server-hardware", "server-profiles", "ethernet-networks", "tasks"):
        plain = api.get(f"/rest/{collection}?count=5")
        slashed = api.get(f"/rest/{collection}/?count=5")

        assert slashed["total"] == plain["total"]
        assert [m["uri"] for m in slashed["members"]] == [m["uri"] for m in plain["members"]]


def test_a_resource_get_takes_a_trailing_slash(api: Api) -> None:
    server = api.members("/rest/server-hardware")[0]

    assert api.get(server["uri"] + "/")["uri"] == server["uri"]


def test_post_to_a_collection_with_a_trailing_slash_creates(api: Api) -> None:
    response = api.call("POST", "/rest/ethernet-networks/", _network("variant-slash", 3901))

    task = api.wait(response)
    assert task["taskState"] == "Completed", task["taskErrors"]
    assert api.named("ethernet-networks", "variant-slash")["vlanId"] == 3901


def test_post_server_profiles_with_a_trailing_slash_reaches_the_profile_handler(api: Api) -> None:
    """Not a 404/405: the body is validated like POST /rest/server-profiles."""
    response = api.call("POST", "/rest/server-profiles/", {"type": "ServerProfileV12"})

    assert response.status_code not in (404, 405), response.text
    assert response.status_code in (202, 400), response.text


def test_an_unknown_path_with_a_trailing_slash_is_still_not_found(api: Api) -> None:
    error(api.call("GET", "/rest/no-such-things/"), 404, "RESOURCE_NOT_FOUND")


def test_percent_encoded_spaces_in_a_filter(api: Api) -> None:
    api.run("POST", "/rest/ethernet-networks", _network("variant with spaces", 3902))

    found = api.get("/rest/ethernet-networks?filter=%22name%3D%27variant%20with%20spaces%27%22")

    assert [m["name"] for m in found["members"]] == ["variant with spaces"]
    plus = api.get("/rest/ethernet-networks?filter=\"name='variant+with+spaces'\"")
    assert plus["total"] == 1


def test_percent_encoded_spaces_in_an_id_are_decoded(api: Api) -> None:
    """The id arrives decoded: a 404 names the decoded id, not %20."""
    body = error(
        api.call("GET", "/rest/server-hardware/no%20such%20server"), 404, "RESOURCE_NOT_FOUND"
    )

    assert "%20" not in str(body)


def test_the_documented_lower_camel_query_keys_page(api: Api) -> None:
    page = api.get("/rest/server-hardware?start=1&count=2&sort=name:ascending")

    assert page["start"] == 1
    assert page["count"] == len(page["members"]) == 2


@pytest.mark.parametrize(
    "keys",
    [
        ("Start", "Count", "Sort", "Filter", "Fields"),
        ("START", "COUNT", "SORT", "FILTER", "FIELDS"),
        ("sTaRt", "cOuNt", "sOrT", "fIlTeR", "fIeLdS"),
    ],
)
def test_query_keys_are_taken_in_any_case(api: Api, keys: tuple[str, ...]) -> None:
    """A page asked with ``Start``/``COUNT``... is the page asked with ``start``/``count``."""
    start, count, sort, filter_, fields = keys
    expected = api.get(
        "/rest/server-hardware?start=1&count=2&sort=name:descending"
        "&filter=\"powerState='Off'\"&fields=name,powerState"
    )

    page = api.get(
        f"/rest/server-hardware?{start}=1&{count}=2&{sort}=name:descending"
        f"&{filter_}=\"powerState='Off'\"&{fields}=name,powerState"
    )

    assert (page["start"], page["count"], page["total"]) == (1, 2, expected["total"])
    assert page["members"] == expected["members"]
    assert all(set(m) == {"name", "powerState"} for m in page["members"])


def test_a_mixed_case_query_key_pages_on_without_repeating_it(api: Api) -> None:
    first = api.get("/rest/server-hardware?Start=0&COUNT=1")
    uri = first["nextPageUri"]

    assert uri is not None
    assert uri.lower().count("start=") == 1 and uri.lower().count("count=") == 1
    second = api.get(uri)
    assert second["start"] == 1
    assert second["members"][0]["uri"] != first["members"][0]["uri"]


def test_a_bad_value_under_a_capitalised_key_is_still_refused(api: Api) -> None:
    body = error(api.call("GET", "/rest/server-hardware?Start=-5"), 400, "INVALID_PARAMETER")

    assert "Start" in body["message"] or "start" in body["message"]


def test_query_and_scope_keys_in_any_case_reach_every_family(api: Api) -> None:
    """Not per handler: tasks, networks and scopes read ``Query``/``SCOPEURIS`` too."""
    for path in ("/rest/tasks", "/rest/ethernet-networks", "/rest/scopes"):
        everything = api.get(f"{path}?count=-1")["total"]
        nothing = api.get(f"{path}?Query=\"name EQ 'no-such-thing'\"")
        assert (everything > 0, nothing["total"]) == (True, 0), path


def test_controller_state_is_public_and_ok(sim: SimulatorHandle) -> None:
    response = requests.get(sim.url + "/controller-state.json", verify=sim.verify, timeout=10)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["state"] == "OK"
    assert body["usingAddr"] == sim.host.rsplit(":", 1)[0]


def _network(name: str, vlan: int) -> dict[str, object]:
    return {
        "type": "ethernet-networkV4",
        "name": name,
        "vlanId": vlan,
        "ethernetNetworkType": "Tagged",
        "purpose": "General",
        "smartLink": False,
        "privateNetwork": False,
    }
