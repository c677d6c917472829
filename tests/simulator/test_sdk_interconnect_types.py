"""Interconnect types through the hpeOneView SDK (API 800, 2400, 4600) and raw HTTP."""

from __future__ import annotations

import pytest
from hpeOneView.oneview_client import OneViewClient

from oneview_openstack.testing.simulator import SimulatorHandle

from .http_support import Api
from .sdk_support import SDK_MARKS, SDK_VERSIONS, sdk_client

pytestmark = SDK_MARKS
F8 = "Virtual Connect SE 40Gb F8 Module for Synergy"
F32 = "Virtual Connect SE 100Gb F32 Module for Synergy"


@pytest.fixture(params=SDK_VERSIONS, ids=[f"api{v}" for v in SDK_VERSIONS])
def client(request: pytest.FixtureRequest, sim: SimulatorHandle) -> OneViewClient:
    return sdk_client(sim, request.param)


def test_interconnect_types_of_the_seeded_modules(client: OneViewClient) -> None:
    names = [t["name"] for t in client.interconnect_types.get_all(sort="name:ascending")]
    f8 = client.interconnect_types.get_by_name(F8)
    again = client.interconnect_types.get_by_uri(f8.data["uri"])

    assert names == [F32, F8]  # sorted as text: "100Gb" < "40Gb"
    assert again.data["partNumber"] == "794502-B23"
    ports = {p["portName"]: p for p in f8.data["portInfos"]}
    assert ports["Q1"]["uplinkCapable"] and ports["d1"]["downlinkCapable"]
    assert (
        client.interconnect_types.get_all(filter=f"name='{F32}'")[0]["partNumber"] == "867796-B21"
    )


def test_every_interconnect_points_at_a_served_type(sim: SimulatorHandle) -> None:
    api = Api(sim)
    types = {t["uri"] for t in api.members("/rest/interconnect-types")}

    assert {ic["interconnectTypeUri"] for ic in api.members("/rest/interconnects")} <= types
    written = api.call("POST", "/rest/interconnect-types", {"name": "x"})
    assert written.status_code == 405
    assert written.json()["errorCode"] == "METHOD_NOT_ALLOWED"
    some = next(iter(types))
    assert api.call("PUT", some, {"name": "x"}).status_code == 405
    assert api.call("DELETE", some).status_code == 405
    assert len(api.members("/rest/interconnect-types")) == len(types)  # nothing changed
    missing = api.call("GET", "/rest/interconnect-types/nope")
    assert missing.status_code == 404
    assert Api(sim, 300).get(next(iter(types)))["type"] == "interconnect-typeV300"
