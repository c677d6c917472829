"""The seed's Active alerts, the health they cause, and what clearing them does.

The default datacenter shows what a running one does: a degraded power supply
(Frame1), a blade with memory errors (Frame1, bay 8), an uplink port down
(Frame2, interconnect 6) and a failed fan (Frame3), each with its event.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hpeOneView.oneview_client import OneViewClient

from oneview_openstack.simulator.config import SimulatorConfig
from oneview_openstack.simulator.seed import load_datacenter
from oneview_openstack.testing.simulator import SimulatorHandle

from .compute_support import FAST, Api, create_profile, time_scale
from .http_support import Doc
from .sdk_support import SDK_VERSIONS, sdk_client

pytestmark = [
    pytest.mark.functional,
    pytest.mark.filterwarnings("ignore:ssl.PROTOCOL_TLSv1_2 is deprecated:DeprecationWarning"),
]

ACTIVE = "/rest/alerts?filter=\"alertState='Active'\""


@pytest.fixture
def api(sim: SimulatorHandle) -> Iterator[Api]:
    with time_scale(sim, FAST):
        yield Api(sim)


def _alert_on(api: Api, name: str) -> Doc:
    found = [a for a in api.members(ACTIVE) if a["associatedResource"]["resourceName"] == name]
    assert len(found) == 1, found
    return found[0]


def _port(api: Api, interconnect: str, port: str) -> Doc:
    ic = api.named("interconnects", interconnect)
    return next(p for p in ic["ports"] if p["portName"] == port)


def test_seeded_active_alerts_match_the_resources_status(api: Api) -> None:
    active = api.members(ACTIVE)

    by_name = {a["associatedResource"]["resourceName"]: a for a in active}
    assert {name: a["severity"] for name, a in by_name.items()} == {
        "Frame1": "Warning",
        "Frame1, bay 8": "Warning",
        "Frame2, interconnect 6": "Warning",
        "Frame3": "Critical",
    }
    for alert in active:
        resource = api.get(alert["resourceUri"])
        assert resource["status"] == alert["severity"]
        assert alert["correctiveAction"] and alert["healthCategory"] != "None"
        event = api.get(alert["associatedEventUris"][0])
        assert (event["resourceUri"], event["severity"]) == (
            alert["resourceUri"],
            alert["severity"],
        )
    frame1 = api.named("enclosures", "Frame1")
    assert [b["status"] for b in frame1["powerSupplyBays"]][:2] == ["OK", "Warning"]
    assert by_name["Frame1"]["healthCategory"] == "Power"
    assert _port(api, "Frame2, interconnect 6", "Q2")["portStatus"] == "Unlinked"
    assert api.named("logical-interconnects", "Frame2-LIG-Prod")["status"] == "Warning"
    assert api.named("server-hardware", "Frame2, bay 1")["status"] == "OK"
    cleared = api.members("/rest/alerts?filter=\"alertState='Cleared'\"")
    assert [(a["alertTypeID"], a["clearedByUser"]) for a in cleared] == [
        ("Trap.coldStart", "System")
    ]


@pytest.mark.parametrize("version", SDK_VERSIONS, ids=[f"api{v}" for v in SDK_VERSIONS])
def test_clearing_an_alert_through_the_sdk_restores_the_health(
    sim: SimulatorHandle, version: int
) -> None:
    oneview: OneViewClient = sdk_client(sim, version)
    alerts = oneview.alerts.get_all(filter="alertState='Active'")
    port_down = next(a for a in alerts if a["alertTypeID"] == "hpris.interconnect.UplinkPortDown")

    oneview.alerts.update({"uri": port_down["uri"], "alertState": "Cleared"})

    interconnect = oneview.interconnects.get_by_uri(port_down["resourceUri"]).data
    q2 = next(p for p in interconnect["ports"] if p["portName"] == "Q2")
    li = oneview.logical_interconnects.get_by_uri(interconnect["logicalInterconnectUri"]).data
    assert (interconnect["status"], q2["portStatus"], li["status"]) == ("OK", "Linked", "OK")
    assert oneview.uplink_sets.get_by_name("US-Tenants")  # still there, both ports linked

    oneview.alerts.update({"uri": port_down["uri"], "alertState": "Active"})
    again = oneview.interconnects.get_by_uri(port_down["resourceUri"]).data
    assert again["status"] == "Warning"


def test_clear_and_delete_put_parts_back(api: Api) -> None:
    power = _alert_on(api, "Frame1")
    fan = _alert_on(api, "Frame3")

    api.call("PUT", power["uri"], {"alertState": "Cleared"})
    deleted = api.call("DELETE", fan["uri"])

    frame1, frame3 = api.named("enclosures", "Frame1"), api.named("enclosures", "Frame3")
    assert deleted.status_code == 204
    assert (frame1["status"], frame1["powerSupplyBays"][1]["status"]) == ("OK", "OK")
    assert (frame3["status"], frame3["fanBays"][3]["status"]) == ("OK", "OK")
    assert api.get(power["uri"])["clearedByUser"] == "Administrator"


def test_a_profile_applied_writes_its_events(api: Api) -> None:
    profile = create_profile(api, "events-1", "Frame1, bay 2")

    events = api.members(f"/rest/events?filter=\"resourceUri='{profile['uri']}'\"")

    assert [(e["eventTypeID"], e["severity"]) for e in events] == [("TaskCompleted", "OK")]
    assert events[0]["associatedTaskUri"]


def test_generated_datacenters_get_the_alerts_too() -> None:
    documents = load_datacenter(SimulatorConfig(servers=60)).documents

    alerts = [d for d in documents if d.get("category") == "alerts"]
    by_uri = {d["uri"]: d for d in documents}
    live = [a for a in alerts if a["alertState"] == "Active"]
    assert len(live) == 4
    assert all(by_uri[a["resourceUri"]]["status"] == a["severity"] for a in live)
    counters = by_uri["/_activity/counters"]
    assert counters["alerts"] == len(alerts)
    assert counters["events"] == sum(d.get("category") == "events" for d in documents)
