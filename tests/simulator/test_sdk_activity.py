"""Tasks, alerts, events, scopes, labels and index search through the hpeOneView SDK.

Every scenario runs at API 800, 2400 and 4600 with tasks finishing at once;
error paths are checked over plain HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hpeOneView.exceptions import HPEOneViewException
from hpeOneView.oneview_client import OneViewClient

from oneview_openstack.testing.simulator import SimulatorHandle

from .compute_support import time_scale
from .http_support import Api

pytestmark = [
    pytest.mark.functional,
    pytest.mark.filterwarnings("ignore:ssl.PROTOCOL_TLSv1_2 is deprecated:DeprecationWarning"),
]

BLADE = "Frame1, bay 1"


@pytest.fixture(params=[800, 2400, 4600], ids=["api800", "api2400", "api4600"])
def oneview(request: pytest.FixtureRequest, sim: SimulatorHandle) -> Iterator[OneViewClient]:
    with time_scale(sim, 0.0):
        yield OneViewClient(
            {
                "ip": sim.host,
                "credentials": {"userName": sim.username, "password": sim.password},
                "api_version": request.param,
                "ssl_certificate": sim.ca_file,
            }
        )


def _fail_a_power_task(oneview: OneViewClient, sim: SimulatorHandle) -> Any:
    blade = oneview.server_hardware.get_by_name(BLADE)
    sim.operator.fail_next_task(
        "POWER_FAILED", "Power control failed.", resource_category="server-hardware"
    )
    with pytest.raises(HPEOneViewException):
        blade.update_power_state({"powerState": "On", "powerControl": "MomentaryPress"})
    return blade


# -- tasks ---------------------------------------------------------------------------


def test_seeded_task_history(oneview: OneViewClient) -> None:
    done = oneview.tasks.get_all(filter="taskState='Completed'", sort="created:ascending")
    adds = [t for t in done if t["associatedResource"]["resourceCategory"] == "enclosures"]
    networks = oneview.tasks.get_all(
        filter="associatedResource.resourceCategory='ethernet-networks'"
    )
    one = oneview.tasks.get_by_uri(adds[0]["uri"])

    assert adds and all(t["name"] == "Add" for t in adds)
    assert networks and all(t["taskState"] == "Completed" for t in networks)
    enclosure = oneview.enclosures.get_by_uri(adds[0]["associatedResource"]["resourceUri"])
    assert one.data["created"] == enclosure.data["created"]
    page = oneview.tasks.get_all(start=1, count=2, fields="name,uri", childLimit=10, topCount=3)
    assert len(page) == 2 and set(page[0]) <= {"name", "uri"}


def test_a_task_cannot_be_cancelled(oneview: OneViewClient) -> None:
    task = oneview.tasks.get_all(count=1)[0]

    with pytest.raises(HPEOneViewException) as refused:
        oneview.tasks.patch(task["uri"])

    assert refused.value.oneview_response["errorCode"] == "TASK_ALREADY_COMPLETED"


# -- events and alerts ---------------------------------------------------------------


def test_power_change_writes_events(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)

    blade.update_power_state({"powerState": "On", "powerControl": "MomentaryPress"})

    events = oneview.events.get_by("resourceUri", blade.data["uri"])
    kinds = {event["eventTypeID"] for event in events}
    assert {"hpris.server.power.on", "TaskCompleted"} <= kinds
    assert oneview.events.get(events[0]["uri"])["uri"] == events[0]["uri"]


def test_create_an_event(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)

    created = oneview.events.create(
        {
            "description": "Rack door opened.",
            "eventTypeID": "Custom.door",
            "severity": "Warning",
            "healthCategory": "None",
            "resourceUri": blade.data["uri"],
        }
    )

    assert created["uri"].startswith("/rest/events/")
    found = oneview.events.get_all(filter="eventTypeID='Custom.door'")
    assert [event["description"] for event in found] == ["Rack door opened."]
    assert found[0]["associatedResource"]["resourceName"] == BLADE


def test_failed_task_raises_an_alert_then_update_and_delete(
    oneview: OneViewClient, sim: SimulatorHandle
) -> None:
    seeded = oneview.alerts.get_all()
    blade = _fail_a_power_task(oneview, sim)

    alerts = oneview.alerts.get_all(filter="alertState='Active'")
    alerts = [a for a in alerts if a["resourceUri"] == blade.data["uri"]]
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["alertTypeID"] == "Task.POWER_FAILED" and alert["severity"] == "Critical"

    updated = oneview.alerts.update(
        {"uri": alert["uri"], "alertState": "Cleared", "assignedToUser": "paul", "notes": "seen"}
    )
    assert (updated["alertState"], updated["assignedToUser"]) == ("Cleared", "paul")
    note = [entry for entry in updated["changeLog"] if entry["userEntered"]][0]
    oneview.alerts.delete_alert_change_log(note["uri"])
    assert all(not e["userEntered"] for e in oneview.alerts.get(alert["uri"])["changeLog"])
    assert alert["uri"] in [a["uri"] for a in oneview.alerts.get_by("alertState", "Cleared")]

    assert oneview.alerts.delete(alert) is True
    assert oneview.alerts.get_all() == seeded


def test_delete_all_alerts_by_filter(oneview: OneViewClient, sim: SimulatorHandle) -> None:
    cleared = oneview.alerts.get_all(filter="alertState='Cleared'")
    seeded = len(oneview.alerts.get_all())
    _fail_a_power_task(oneview, sim)
    _fail_a_power_task(oneview, sim)
    assert len(oneview.alerts.get_all()) == seeded + 2

    oneview.alerts.delete_all(filter="alertState='Active'")

    assert oneview.alerts.get_all() == cleared


def test_fault_injection_writes_an_event_and_sim_lists_alerts(
    oneview: OneViewClient, sim: SimulatorHandle
) -> None:
    api = Api(sim)
    seeded = len(api.call("GET", "/sim/alerts?state=Active").json())
    fault = sim.operator.add_fault("/rest/nothing-here", status=503)
    sim.operator.remove_fault(fault)
    _fail_a_power_task(oneview, sim)

    injected = oneview.events.get_all(filter="eventTypeID='Simulator.FaultInjected'")
    assert len(injected) == 2
    response = api.call("GET", "/sim/alerts?state=Active")
    assert len(response.json()) == seeded + 1
    assert api.call("DELETE", "/sim/alerts").status_code == 204
    assert oneview.alerts.get_all() == []


# -- scopes --------------------------------------------------------------------------


def test_seeded_scopes_have_members(oneview: OneViewClient) -> None:
    scopes = oneview.scopes.get_all(sort="name:ascending")
    assert scopes and all(s["name"].endswith(" scope") for s in scopes)

    scope = oneview.scopes.get_by_name(scopes[0]["name"])

    members = scope.data["addedResourceUris"]
    assert any(uri.startswith("/rest/enclosure-groups/") for uri in members)
    assert any(uri.startswith("/rest/server-hardware/") for uri in members)
    scoped = oneview.scopes.get_scope_resource(members[0])
    assert scope.data["uri"] in scoped.data["scopeUris"]


def test_scope_lifecycle(oneview: OneViewClient) -> None:
    network = oneview.ethernet_networks.get_all(count=1)[0]
    blade = oneview.server_hardware.get_by_name(BLADE)

    scope = oneview.scopes.create(
        {"name": "sdk-scope", "description": "d", "addedResourceUris": [network["uri"]]}
    )
    assert oneview.scopes.get_by_uri(scope.data["uri"]).data["addedResourceUris"] == [
        network["uri"]
    ]
    scope.update({"name": "sdk-scope-2", "description": "renamed"})
    assert oneview.scopes.get_by_name("sdk-scope-2").data["description"] == "renamed"

    scope = oneview.scopes.get_by_name("sdk-scope-2")
    scope.update_resource_assignments(
        scope.data["uri"],
        {"addedResourceUris": [blade.data["uri"]], "removedResourceUris": [network["uri"]]},
    )
    assert oneview.scopes.get_by_uri(scope.data["uri"]).data["addedResourceUris"] == [
        blade.data["uri"]
    ]
    scope.patch("replace", "/name", "sdk-scope-3")
    assert oneview.scopes.get_by_name("sdk-scope-3") is not None

    scope = oneview.scopes.get_by_name("sdk-scope-3")
    scope.delete()
    assert oneview.scopes.get_by_name("sdk-scope-3") is None
    assert (
        scope.data["uri"]
        not in oneview.scopes.get_scope_resource(blade.data["uri"]).data["scopeUris"]
    )


# -- labels --------------------------------------------------------------------------


def test_label_lifecycle(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)

    created = oneview.labels.create(
        {"resourceUri": blade.data["uri"], "labels": [{"name": "gold"}, {"name": "rack-7"}]}
    )

    assert {label["name"] for label in created.data["labels"]} == {"gold", "rack-7"}
    names = {label["name"] for label in oneview.labels.get_all()}
    assert names == {"gold", "rack-7"}
    assert oneview.labels.get_all(name_prefix="go")[0]["name"] == "gold"
    gold = oneview.labels.get_by_name("gold")
    assert oneview.labels.get_by_uri(gold.data["uri"]).data["name"] == "gold"
    assigned = oneview.labels.get_assigned_resources("gold")
    assert assigned["assignedResourceUris"] == [blade.data["uri"]]
    by_resource = oneview.labels.get_by_resource(blade.data["uri"])
    assert len(by_resource.data["labels"]) == 2

    by_resource.delete()

    assert oneview.labels.get_all() == []


# -- index search --------------------------------------------------------------------


def test_index_search(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)
    index = oneview.index_resources

    servers = index.get_all(category="server-hardware")
    found = index.get_all(category=["server-hardware", "enclosures"], query=f"name='{BLADE}'")
    free_text = index.get_all(category="server-hardware", user_query="Frame1")
    one = index.get_by_uri(blade.data["uri"])
    aggregated = index.get_aggregated(attribute="status", category="server-hardware")

    assert {doc["category"] for doc in servers} == {"server-hardware"}
    assert [doc["uri"] for doc in found] == [blade.data["uri"]]
    assert blade.data["uri"] in {doc["uri"] for doc in free_text}
    assert one.data["type"] == "IndexResourceV300" and one.data["scopeUris"]
    counts = aggregated.data["members"][0]["attributes"][0]["counts"]
    assert sum(count["count"] for count in counts) == len(servers)


# -- errors over plain HTTP -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/rest/alerts/999999",
        "/rest/events/999999",
        "/rest/scopes/00000000-0000-0000-0000-000000000000",
        "/rest/labels/999999",
        "/rest/tasks/00000000-0000-0000-0000-000000000000",
        "/rest/index/resources/rest/server-hardware/nothing",
        "/rest/labels/resources/rest/server-hardware/nothing",
        "/rest/scopes/resources/rest/server-hardware/nothing",
    ],
)
def test_unknown_ids_are_404(sim: SimulatorHandle, path: str) -> None:
    response = Api(sim).call("GET", path)

    assert response.status_code == 404
    assert response.json()["errorCode"] == "RESOURCE_NOT_FOUND"


def test_error_paths(sim: SimulatorHandle) -> None:
    api = Api(sim)

    no_filter = api.call("DELETE", "/rest/alerts")
    bad_event = api.call("POST", "/rest/events", {"description": ""})
    bad_scope = api.call("POST", "/rest/scopes", {"name": "x", "addedResourceUris": ["/rest/x/y"]})
    scope = api.named("scopes", api.members("/rest/scopes")[0]["name"])
    duplicate = api.call("POST", "/rest/scopes", {"name": scope["name"]})
    bad_patch = api.call("PATCH", scope["uri"], [{"op": "move", "path": "/name"}])
    no_change_log = api.call("DELETE", "/rest/alerts/AlertChangeLog/12345")
    no_alert = api.call("PUT", "/rest/alerts/424242", {"alertState": "Cleared"})
    no_resource = api.call(
        "POST", "/rest/labels/resources", {"resourceUri": "/rest/server-hardware/x", "labels": []}
    )
    aggregated = api.call("GET", "/rest/index/resources/aggregated")

    assert (no_filter.status_code, no_filter.json()["errorCode"]) == (400, "INVALID_FILTER")
    assert (bad_event.status_code, bad_event.json()["errorCode"]) == (400, "INVALID_EVENT")
    assert (bad_scope.status_code, bad_scope.json()["errorCode"]) == (400, "INVALID_RESOURCE_URI")
    assert (duplicate.status_code, duplicate.json()["errorCode"]) == (409, "SCOPE_ALREADY_EXISTS")
    assert bad_patch.status_code == 400
    assert (no_change_log.status_code, no_alert.status_code) == (404, 404)
    assert (no_resource.status_code, aggregated.status_code) == (400, 400)
