"""Collections over HTTP: a 10,000-server appliance filtered, sorted and paged the way
hpeOneView, python-oneviewclient and our tools ask; plus the default datacenter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from oneview_openstack.testing.simulator import RestSession, SimulatorHandle, start_simulator

SERVERS = 10000
PAGE_CAP = 2000

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def big(
    tmp_path_factory: pytest.TempPathFactory, simulator_cert_dir: Path
) -> Iterator[SimulatorHandle]:
    handle = start_simulator(
        tmp_path_factory.mktemp("big-simulator"),
        cert_dir=simulator_cert_dir,
        servers=SERVERS,
        max_page_size=PAGE_CAP,
    )
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def rest(big: SimulatorHandle) -> RestSession:
    return big.rest()


def get(rest: RestSession, path: str) -> dict[str, Any]:
    response = rest.call("GET", path, timeout=120)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def follow(rest: RestSession, path: str) -> tuple[list[dict[str, Any]], int]:
    """Every member, following nextPageUri as hpeOneView does; and the number of pages."""
    members: list[dict[str, Any]] = []
    pages = 0
    uri: str | None = path
    while uri:
        body = get(rest, uri)
        pages += 1
        members += body["members"]
        uri = body["nextPageUri"] if body["nextPageUri"] != body["uri"] else None
    return members, pages


def test_all_servers_arrive_once_through_capped_pages(rest: RestSession) -> None:
    members, pages = follow(rest, "/rest/server-hardware?start=0&count=-1&fields=uri,name")
    assert pages == SERVERS // PAGE_CAP
    uris = [m["uri"] for m in members]
    assert len(uris) == len(set(uris)) == SERVERS
    assert all(set(m) == {"uri", "name"} for m in members)


def test_filter_by_group_and_type_like_the_enrollment_tools(rest: RestSession) -> None:
    first = get(rest, "/rest/server-hardware?start=0&count=1")["members"][0]
    group, sht = first["serverGroupUri"], first["serverHardwareTypeUri"]
    path = (
        f"/rest/server-hardware?filter=serverGroupUri='{group}'"
        f"&filter=\"serverHardwareTypeUri='{sht}'\"&start=0&count=-1"
    )
    members, _ = follow(rest, path)
    assert members and all(
        (m["serverGroupUri"], m["serverHardwareTypeUri"]) == (group, sht) for m in members
    )
    everything, _ = follow(
        rest, "/rest/server-hardware?fields=uri,serverGroupUri,serverHardwareTypeUri"
    )
    expected = [
        m["uri"]
        for m in everything
        if (m["serverGroupUri"], m["serverHardwareTypeUri"]) == (group, sht)
    ]
    assert [m["uri"] for m in members] == expected


def test_pages_of_full_documents_chain_with_prev_and_next(rest: RestSession) -> None:
    body = get(rest, "/rest/server-hardware?start=100&count=50&filter=powerState='Off'")
    assert (body["start"], body["count"]) == (100, 50)
    assert body["total"] > 150
    assert body["prevPageUri"].startswith("/rest/server-hardware?filter=")
    assert "start=50&count=50" in body["prevPageUri"]
    assert "start=150&count=50" in body["nextPageUri"]
    assert all(m["powerState"] == "Off" and m["portMap"] is not None or m["locationUri"] is None
               for m in body["members"])  # fmt: skip
    following = get(rest, body["nextPageUri"])
    assert following["start"] == 150
    assert not {m["uri"] for m in following["members"]} & {m["uri"] for m in body["members"]}


def test_matches_with_url_encoded_wildcard_and_sort(rest: RestSession) -> None:
    pattern = quote("name matches 'Frame0011%'")
    body = get(rest, f"/rest/server-hardware?filter={pattern}&sort=memoryMb:descending,name:asc")
    names = [m["name"] for m in body["members"]]
    assert body["total"] == len(names) == 12
    assert all(name.startswith("Frame0011, bay ") for name in names)
    memory = [m["memoryMb"] for m in body["members"]]
    assert memory == sorted(memory, reverse=True)


def test_query_parameter_with_or_and_in(rest: RestSession) -> None:
    text = quote("state IN ('ProfileApplied') OR name EQ 'dl360-00001.lab.example'")
    members, _ = follow(rest, f"/rest/server-hardware?query={text}&fields=name,state")
    assert {m["state"] for m in members} == {"ProfileApplied", "NoProfileApplied"}
    assert sum(m["name"] == "dl360-00001.lab.example" for m in members) == 1
    assert 50 < len(members) < 200


def test_bad_filter_is_a_400_oneview_error(rest: RestSession) -> None:
    response = rest.call("GET", "/rest/server-hardware?filter=" + quote("name 'x'"))
    assert response.status_code == 400
    error = response.json()
    assert error["errorCode"] == "INVALID_FILTER"
    assert "name 'x'" in error["message"]
    assert error["recommendedActions"]


@pytest.mark.parametrize(
    ("query", "code"),
    [("sort=name:sideways", "INVALID_SORT"), ("start=-5", "INVALID_PARAMETER")],
)
def test_bad_sort_or_start_is_a_400_oneview_error(rest: RestSession, query: str, code: str) -> None:
    response = rest.call("GET", f"/rest/server-hardware?{query}")
    assert (response.status_code, response.json()["errorCode"]) == (400, code)


# -- the default datacenter ---------------------------------------------------------


def test_networks_filtered_and_sorted(sim: SimulatorHandle) -> None:
    rest = sim.rest()
    body = get(rest, "/rest/ethernet-networks?filter=\"name matches 'tenant-%'\"&sort=vlanId:desc")
    assert [m["vlanId"] for m in body["members"]] == [104, 103, 102, 101]
    assert (body["total"], body["nextPageUri"], body["prevPageUri"]) == (4, None, None)


def test_tasks_filtered_by_the_resource_they_act_on(sim: SimulatorHandle) -> None:
    rest = sim.rest()
    servers = get(rest, "/rest/server-hardware?filter=powerState='Off'&count=2")["members"]
    for server in servers:
        response = rest.call(
            "PUT",
            f"{server['uri']}/powerState",
            {"powerState": "On", "powerControl": "MomentaryPress"},
        )
        assert response.status_code == 202, response.text
        rest.wait_task(response.headers["Location"])
    target = servers[1]["uri"]
    body = get(rest, f"/rest/tasks?filter=\"associatedResource.resourceUri='{target}'\"")
    assert body["total"] == 1
    assert body["members"][0]["associatedResource"]["resourceUri"] == target
    done = get(rest, "/rest/tasks?filter=taskState='Completed'&filter=\"name matches 'Power%'\"")
    assert done["total"] == 2


def test_a_page_of_2000_servers_streams_as_one_valid_document(rest: RestSession) -> None:
    # Pages above 500 members are sent in chunks; the client must see one intact envelope.
    response = rest.call("GET", "/rest/server-hardware?start=3000&count=2000", timeout=120)
    assert response.status_code == 200
    assert response.headers.get("content-type", "").startswith("application/json")
    body = response.json()
    assert body["count"] == PAGE_CAP and body["total"] == SERVERS
    assert len({member["uri"] for member in body["members"]}) == PAGE_CAP
    assert (
        body["nextPageUri"].endswith("start=5000&count=2000") or "start=5000" in body["nextPageUri"]
    )
    assert body["members"][0]["category"] == "server-hardware"
