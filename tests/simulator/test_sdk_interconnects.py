"""Interconnect statistics, ports, PATCH and actions through the hpeOneView SDK
(API 800, 2400, 4600), and their error paths over raw HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from hpeOneView.exceptions import HPEOneViewException
from hpeOneView.oneview_client import OneViewClient

from oneview_openstack.testing.simulator import SimulatorHandle

from .http_support import Api
from .sdk_support import SDK_MARKS, SDK_VERSIONS, sdk_client

pytestmark = SDK_MARKS


@pytest.fixture(params=SDK_VERSIONS, ids=[f"api{v}" for v in SDK_VERSIONS])
def client(request: pytest.FixtureRequest, sim: SimulatorHandle) -> OneViewClient:
    return sdk_client(sim, request.param)


def _interconnect(client: OneViewClient) -> Any:
    first = client.interconnects.get_all(sort="name:ascending")[0]
    return client.interconnects.get_by_uri(first["uri"])


def _linked(ic: Any) -> list[str]:
    return [p["portName"] for p in ic.data["ports"] if p["portStatus"] == "Linked"]


def test_statistics_per_interconnect_port_and_subport(client: OneViewClient) -> None:
    ic = _interconnect(client)
    downlink = next(p for p in ic.data["ports"] if p["portType"] == "Downlink")

    everything = ic.get_statistics()
    one = ic.get_statistics(downlink["portName"])
    subport = ic.get_subport_statistics(downlink["portName"], 2)

    assert len(everything["portStatistics"]) == len(ic.data["ports"])
    assert one["portName"] == downlink["portName"]
    assert "rfc1213IfInOctets" in one["commonStatistics"]
    assert subport["subportNumber"] == 2


def test_ports_read_and_update(client: OneViewClient) -> None:
    ic = _interconnect(client)
    ports = ic.get_ports()
    uplink = next(p for p in ports if p["portType"] == "Uplink")

    ic.update_port({"portId": uplink["portId"], "enabled": False, "type": "port"})
    disabled = ic.get_port(uplink["portId"])
    ic.update_ports([{"portId": uplink["portId"], "enabled": True}])

    assert len(ports) == len(ic.data["ports"])
    assert (disabled["enabled"], disabled["portStatusReason"]) == (False, "AdminDisabled")
    assert ic.get_port(uplink["portId"])["enabled"] is True


def test_patch_power_uid_and_reset(client: OneViewClient) -> None:
    ic = _interconnect(client)
    linked = _linked(ic)

    # patch() refreshes and returns the same object: read it after each call.
    off = ic.patch("replace", "/powerState", "Off")
    powered_off = (off.data["powerState"], _linked(off))
    on = ic.patch("replace", "/powerState", "On")
    powered_on = (on.data["powerState"], _linked(on))
    uid = ic.patch("replace", "/uidState", "On").data["uidState"]
    reset = ic.patch("replace", "/deviceResetState", "Reset").data

    assert linked
    assert powered_off == ("Off", [])
    assert powered_on == ("On", linked)
    assert uid == "On"
    assert reset["deviceResetState"] == "Normal"
    assert "_linkedBeforePowerOff" not in reset


def test_actions_and_read_only_views(client: OneViewClient) -> None:
    ic = _interconnect(client)

    ic.reset_port_protection()
    ic.update_configuration()
    modules = ic.get_pluggable_module_information()

    assert {m["portName"] for m in modules} == {
        p["portName"] for p in ic.data["ports"] if p["portType"] == "Uplink"
    }
    assert ic.get_name_servers() == []


def test_interconnects_cannot_be_created_or_deleted(client: OneViewClient) -> None:
    ic = _interconnect(client)

    with pytest.raises(HPEOneViewException) as deleted:
        ic.delete()

    assert deleted.value.oneview_response["errorCode"] == "METHOD_NOT_ALLOWED"


# -- raw HTTP: error paths ---------------------------------------------------------


@pytest.fixture
def api(sim: SimulatorHandle) -> Api:
    sim.operator.set_config(time_scale=0)
    return Api(sim)


def _ic(api: Api) -> dict[str, Any]:
    return api.members("/rest/interconnects?sort=name:ascending")[0]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ([{"op": "replace", "path": "/name", "value": "x"}], "INVALID_PATCH_OPERATION"),
        ([{"op": "add", "path": "/powerState", "value": "On"}], "INVALID_PATCH_OPERATION"),
        ([{"op": "replace", "path": "/powerState", "value": "Dim"}],
         "CRM_DEFAULT_INVALID_ARGUMENT"),
    ],
)  # fmt: skip
def test_invalid_patches(api: Api, body: Any, code: str) -> None:
    response = api.call("PATCH", _ic(api)["uri"], body)

    assert (response.status_code, response.json()["errorCode"]) == (400, code)


def test_a_powered_off_interconnect_cannot_be_reset(api: Api) -> None:
    uri = _ic(api)["uri"]
    api.wait(api.call("PATCH", uri, [{"op": "replace", "path": "/powerState", "value": "Off"}]))

    response = api.call(
        "PATCH", uri, [{"op": "replace", "path": "/deviceResetState", "value": "Reset"}]
    )

    assert (response.status_code, response.json()["errorCode"]) == (400, "INTERCONNECT_POWERED_OFF")


def test_unknown_ports_and_subports(api: Api) -> None:
    ic = _ic(api)
    uplink = next(p for p in ic["ports"] if p["portType"] == "Uplink")

    port = api.call("PUT", f"{ic['uri']}/ports", {"portId": "nope", "enabled": False})
    stats = api.call("GET", f"{ic['uri']}/statistics/nope")
    subport = api.call("GET", f"{ic['uri']}/statistics/{uplink['portName']}/subport/1")
    bulk = api.call("PUT", f"{ic['uri']}/update-ports", {"portId": uplink["portId"]})
    created = api.call("POST", "/rest/interconnects", {"name": "x"})

    assert (port.status_code, port.json()["errorCode"]) == (400, "PORT_NOT_FOUND")
    assert (stats.status_code, subport.status_code) == (404, 404)
    assert (bulk.status_code, bulk.json()["errorCode"]) == (400, "CRM_DEFAULT_INVALID_ARGUMENT")
    assert created.status_code == 405
