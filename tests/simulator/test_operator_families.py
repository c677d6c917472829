"""The operator API for hardware health: alerts on any resource, statuses, interconnects
and ports going down and up, task failures aimed at one resource.

Each is checked over raw HTTP and as a client sees it (hpeOneView at 800/2400/4600).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hpeOneView.exceptions import HPEOneViewException

from oneview_openstack.testing.simulator import SimulatorHandle

from .compute_support import FAST, Api, error, time_scale
from .http_support import Doc
from .sdk_support import SDK_VERSIONS, sdk_client

pytestmark = [
    pytest.mark.functional,
    pytest.mark.filterwarnings("ignore:ssl.PROTOCOL_TLSv1_2 is deprecated:DeprecationWarning"),
]

BLADE = "Frame1, bay 2"
IC3 = "Frame1, interconnect 3"


@pytest.fixture
def api(sim: SimulatorHandle) -> Iterator[Api]:
    with time_scale(sim, FAST):
        yield Api(sim)


def _sim(api: Api, method: str, path: str, body: Any, status: int = 200) -> Any:
    response = api.call(method, path, body)
    assert response.status_code == status, response.text
    return response.json()


def _link(api: Api, interconnect: Doc, state: str, port: str | None = None) -> Doc:
    path = f"/sim/interconnects/{interconnect['uri'].rsplit('/', 1)[1]}"
    result: Doc = _sim(
        api, "PUT", f"{path}/ports/{port}/link" if port else f"{path}/link", {"state": state}
    )
    return result


def _statuses(api: Api) -> dict[str, str]:
    li = api.named("logical-interconnects", "Frame1-LIG-Prod")
    sets = api.members(f"/rest/uplink-sets?filter=\"logicalInterconnectUri='{li['uri']}'\"")
    return {"LI": li["status"], **{u["name"]: u["status"] for u in sets}}


def _ports(doc: Doc) -> dict[str, str]:
    return {p["portName"]: p["portStatus"] for p in doc["ports"]}


def test_an_operator_alert_sets_the_status_and_clearing_it_restores_it(api: Api) -> None:
    blade = api.named("server-hardware", BLADE)
    body = {"resourceUri": blade["uri"], "severity": "Critical", "healthCategory": "Processor",
            "description": "Uncorrectable machine check on processor 2.",
            "correctiveAction": "Replace processor 2."}  # fmt: skip

    alert = _sim(api, "POST", "/sim/alerts", body, 201)

    assert api.get(blade["uri"])["status"] == "Critical"
    assert (alert["alertState"], alert["healthCategory"]) == ("Active", "Processor")
    event = api.get(alert["associatedEventUris"][0])
    assert (event["resourceUri"], event["severity"]) == (blade["uri"], "Critical")
    api.call("PUT", alert["uri"], {"alertState": "Cleared"})
    assert api.get(blade["uri"])["status"] == "OK"


@pytest.mark.parametrize(
    "body",
    [
        {"severity": "Warning", "description": "x"},
        {"resourceUri": "/rest/server-hardware/nope", "description": "x"},
        {"resourceUri": "BLADE", "description": "x", "severity": "Bad"},
        {"resourceUri": "BLADE"},
        {"resourceUri": "BLADE", "description": "x", "colour": "red"},
    ],
    ids=["no-resource", "unknown-resource", "severity", "no-description", "unknown-field"],
)
def test_operator_alert_errors(api: Api, body: Doc) -> None:
    if body.get("resourceUri") == "BLADE":
        body["resourceUri"] = api.named("server-hardware", BLADE)["uri"]

    found = error(api.call("POST", "/sim/alerts", body), 400, "INVALID_OPERATOR_REQUEST")

    assert "Allowed for" in found["details"]
    assert api.named("server-hardware", BLADE)["status"] == "OK"


def test_set_a_resource_status(api: Api) -> None:
    frame = api.named("enclosures", "Frame2")

    changed = _sim(
        api, "PUT", "/sim/resource-status", {"resourceUri": frame["uri"], "status": "Warning"}
    )
    refused = api.call(
        "PUT", "/sim/resource-status", {"resourceUri": frame["uri"], "status": "Bad"}
    )

    assert changed["status"] == api.get(frame["uri"])["status"] == "Warning"
    error(refused, 400, "INVALID_OPERATOR_REQUEST")


def test_an_interconnect_down_and_up(api: Api) -> None:
    ic = api.named("interconnects", IC3)
    before = _ports(ic)

    down = _link(api, ic, "Down")

    assert down["status"] == "Critical"
    assert set(_ports(down).values()) == {"Unlinked"}
    # the LI is as bad as its worst uplink set: SAN-A had its only port there
    assert _statuses(api) == {"LI": "Critical", "US-Deploy": "Warning", "US-Tenants": "Warning",
                              "US-SAN-A": "Critical", "US-SAN-B": "OK"}  # fmt: skip
    alert = [a for a in api.members("/rest/alerts") if a["resourceUri"] == ic["uri"]][0]
    assert (alert["severity"], alert["alertState"]) == ("Critical", "Active")

    up = _link(api, ic, "Up")

    assert (up["status"], _ports(up)) == ("OK", before)
    assert set(_statuses(api).values()) == {"OK"}
    cleared = api.get(alert["uri"])
    assert (cleared["alertState"], cleared["clearedByUser"]) == ("Cleared", "System")


def test_ports_down_and_up(api: Api) -> None:
    ic = api.named("interconnects", IC3)

    _link(api, ic, "Down", "Q1")
    again = _link(api, ic, "Down", "Q1")  # already down: nothing more
    fc = _link(api, ic, "Down", "Q5")

    assert (_ports(fc)["Q1"], _ports(fc)["Q5"], fc["status"]) == ("Unlinked", "Unlinked", "Warning")
    assert _ports(again)["Q1"] == "Unlinked"
    assert _statuses(api) == {"LI": "Critical", "US-Deploy": "Warning", "US-Tenants": "OK",
                              "US-SAN-A": "Critical", "US-SAN-B": "OK"}  # fmt: skip
    live = [a for a in api.members(ACTIVE) if a["resourceUri"] == ic["uri"]]
    assert len(live) == 2

    _link(api, ic, "Up", "Q5")
    up = _link(api, ic, "Up", "Q1")
    assert (_ports(up)["Q1"], _ports(up)["Q5"], up["status"]) == ("Linked", "Linked", "OK")
    assert set(_statuses(api).values()) == {"OK"}


def test_link_errors(api: Api) -> None:
    ic = api.named("interconnects", IC3)
    path = f"/sim/interconnects/{ic['uri'].rsplit('/', 1)[1]}"

    no_port = api.call("PUT", f"{path}/ports/Q42/link", {"state": "Down"})
    no_ic = api.call("PUT", "/sim/interconnects/nope/link", {"state": "Down"})
    bad_state = api.call("PUT", f"{path}/link", {"state": "Sideways"})

    assert "Q42" in error(no_port, 404, "RESOURCE_NOT_FOUND")["message"]
    error(no_ic, 404, "RESOURCE_NOT_FOUND")
    error(bad_state, 400, "INVALID_OPERATOR_REQUEST")
    assert api.named("interconnects", IC3)["status"] == "OK"


ACTIVE = "/rest/alerts?filter=\"alertState='Active'\""


@pytest.mark.parametrize("version", SDK_VERSIONS, ids=[f"api{v}" for v in SDK_VERSIONS])
def test_a_client_sees_what_the_operator_did(sim: SimulatorHandle, version: int) -> None:
    oneview = sdk_client(sim, version)
    api = Api(sim)
    blade = oneview.server_hardware.get_by_name(BLADE)
    ic = oneview.interconnects.get_by_name(IC3)
    _sim(
        api,
        "POST",
        "/sim/alerts",
        {"resourceUri": blade.data["uri"], "description": "Fan slow."},
        201,
    )
    _link(api, ic.data, "Down", "Q2")
    _link(api, oneview.interconnects.get_by_name("Frame1, interconnect 6").data, "Down")
    frame = oneview.enclosures.get_by_name("Frame2")
    status = {"resourceUri": frame.data["uri"], "status": "Disabled"}
    _sim(api, "PUT", "/sim/resource-status", status)

    alerts = oneview.alerts.get_all(filter="alertState='Active'")
    seen_ic = oneview.interconnects.get_by_uri(ic.data["uri"]).data
    us = oneview.uplink_sets.get_all(
        filter=f"logicalInterconnectUri='{seen_ic['logicalInterconnectUri']}'"
    )

    assert oneview.server_hardware.get_by_uri(blade.data["uri"]).data["status"] == "Warning"
    assert {a["resourceUri"] for a in alerts} >= {blade.data["uri"], ic.data["uri"]}
    assert (seen_ic["status"], _ports(seen_ic)["Q2"]) == ("Warning", "Unlinked")
    assert {u["name"]: u["status"] for u in us}["US-Tenants"] == "Critical"  # both sides down
    li = oneview.logical_interconnects.get_by_uri(seen_ic["logicalInterconnectUri"]).data
    assert li["status"] == "Critical"
    assert oneview.enclosures.get_by_name("Frame2").data["status"] == "Disabled"
    _link(api, ic.data, "Up", "Q2")
    tenants = next(u for u in us if u["name"] == "US-Tenants")
    assert oneview.uplink_sets.get_by_uri(tenants["uri"]).data["status"] == "Warning"


@pytest.mark.parametrize("version", SDK_VERSIONS, ids=[f"api{v}" for v in SDK_VERSIONS])
def test_fail_the_next_task_of_one_resource(sim: SimulatorHandle, version: int) -> None:
    oneview = sdk_client(sim, version)
    target = oneview.server_hardware.get_by_name(BLADE)
    other = oneview.server_hardware.get_by_name("Frame1, bay 3")
    spec = {"errorCode": "POWER_FAILED", "resourceUri": target.data["uri"]}
    assert Api(sim).call("POST", "/sim/tasks/fail-next", spec).status_code == 201
    press = {"powerState": "On", "powerControl": "MomentaryPress"}

    other.update_power_state(press)
    with pytest.raises(HPEOneViewException) as failed:
        target.update_power_state(press)

    assert "POWER_FAILED" in failed.value.msg  # the task error's message
    assert oneview.server_hardware.get_by_uri(other.data["uri"]).data["powerState"] == "On"


def test_a_port_down_survives_a_restart_and_comes_back_up(
    make_simulator: Callable[..., SimulatorHandle], tmp_path: Path
) -> None:
    sim = make_simulator(state_file=tmp_path / "state.json")
    ic = Api(sim).named("interconnects", IC3)
    _link(Api(sim), ic, "Down", "Q1")

    sim.kill()
    sim.start()

    api = Api(sim)
    assert _ports(api.get(ic["uri"]))["Q1"] == "Unlinked"
    assert _statuses(api)["US-Deploy"] == "Warning"
    up = _link(api, ic, "Up", "Q1")
    assert (_ports(up)["Q1"], up["status"], _statuses(api)["US-Deploy"]) == ("Linked", "OK", "OK")
