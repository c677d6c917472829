"""Alerts and events: /rest/alerts, /rest/events, and what makes them.

The appliance writes its own activity, as a real one does:

- every task that ends writes an event on its resource (``task_finished``, called
  by the task engine); a task that ends in Error also raises an Active alert on it;
- a server that comes on or goes off (any cause: a power task, a profile, its power
  button) writes an event (``ActivityWatcher``, one of ``Appliance.power_watchers``);
- a fault injected through ``/sim`` writes a Warning event (``fault_injected``).

Alerts: GET, PUT (``alertState``, ``assignedToUser``, ``notes`` appended to the
change log), DELETE one (204), DELETE by ``filter`` (202 + task), DELETE of one
user-entered change-log entry (``/rest/alerts/AlertChangeLog/{id}``, 204).
Events: GET and POST (201). Ids are sequence numbers, as on a real appliance.
``/sim/alerts`` lists and clears alerts without a session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_request
from oneview_openstack.simulator.resources.conditional import (
    document_reply,
    require_current_etag,
)
from oneview_openstack.simulator.router import Access, Blueprint, Ctx, Reply

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
COUNTERS = "/_activity/counters"
SEVERITIES = ("OK", "Warning", "Critical", "Unknown", "Disabled")
ALERT_STATES = ("Active", "Locked", "Cleared")
HEALTH_CATEGORIES = ("None", "Power", "Processor", "Memory", "Network", "Storage", "Operational")
DELETE_ALERTS = "alerts.delete"


# -- writing activity ------------------------------------------------------------


def next_id(appliance: Appliance, name: str) -> int:
    """The next sequence number of ``name`` (alerts, events, labels, changelog)."""
    counters = appliance.store.get(COUNTERS) or {"uri": COUNTERS}
    value = int(counters.get(name, 0)) + 1
    counters[name] = value
    appliance.store.put_internal(counters)
    return value


def _associated(appliance: Appliance, resource_uri: str | None, category: str | None) -> Doc:
    doc = appliance.store.get(resource_uri) if resource_uri else None
    return {
        "resourceUri": resource_uri,
        "resourceCategory": category or (doc or {}).get("category"),
        "resourceName": (doc or {}).get("name"),
        "associationType": "HAS_A",
    }


def record_event(
    appliance: Appliance,
    *,
    event_type: str,
    description: str,
    resource_uri: str | None = None,
    category: str | None = None,
    severity: str = "OK",
    health_category: str = "None",
    task_uri: str | None = None,
    details: list[Doc] | None = None,
) -> Doc:
    """Store an event of the appliance (not user-created)."""
    uri = f"/rest/events/{next_id(appliance, 'events')}"
    associated = _associated(appliance, resource_uri, category)
    return appliance.store.add(
        event_document(
            uri,
            event_type=event_type,
            description=description,
            severity=severity,
            health_category=health_category,
            associated=associated,
            task_uri=task_uri,
            details=details or [],
            now=appliance.clock.iso(),
        )
    )


def event_document(
    uri: str,
    *,
    event_type: str,
    description: str,
    severity: str,
    health_category: str,
    associated: Doc,
    task_uri: str | None,
    details: list[Doc],
    now: str,
) -> Doc:
    return {
        "type": "EventResourceV3",
        "category": "events",
        "uri": uri,
        "eventTypeID": event_type,
        "description": description,
        "severity": severity,
        "healthCategory": health_category,
        "urgency": "None",
        "processed": True,
        "rxTime": now,
        "resourceUri": associated["resourceUri"],
        "resourceID": None,
        "associatedResource": associated,
        "associatedTaskUri": task_uri,
        "eventDetails": details,
        "serviceEventSource": False,
        "serviceEventDetails": None,
        "userInitiated": False,
        "created": now,
        "modified": now,
    }


def raise_alert(
    appliance: Appliance,
    *,
    alert_type: str,
    description: str,
    resource_uri: str | None,
    category: str | None = None,
    severity: str = "Critical",
    corrective_action: str | None = None,
    event_uri: str | None = None,
    task_uri: str | None = None,
) -> Doc:
    """An Active alert on ``resource_uri``."""
    uri = f"/rest/alerts/{next_id(appliance, 'alerts')}"
    associated = _associated(appliance, resource_uri, category)
    return appliance.store.add(
        alert_document(
            uri,
            alert_type=alert_type,
            description=description,
            severity=severity,
            state="Active",
            associated=associated,
            corrective_action=corrective_action,
            event_uris=[event_uri] if event_uri else [],
            activity_uri=task_uri,
        )
    )


def alert_document(
    uri: str,
    *,
    alert_type: str,
    description: str,
    severity: str,
    state: str,
    associated: Doc,
    corrective_action: str | None,
    event_uris: list[str],
    activity_uri: str | None,
) -> Doc:
    return {
        "type": "AlertResourceV3",
        "category": "alerts",
        "uri": uri,
        "severity": severity,
        "alertState": state,
        "alertTypeID": alert_type,
        "description": description,
        "correctiveAction": corrective_action,
        "healthCategory": "None",
        "urgency": "None" if severity == "OK" else "High",
        "lifeCycle": False,
        "resourceUri": associated["resourceUri"],
        "resourceID": None,
        "physicalResourceType": associated["resourceCategory"],
        "associatedResource": associated,
        "associatedEventUris": event_uris,
        "changeLog": [],
        "clearedByUser": None,
        "clearedTime": None,
        "assignedToUser": None,
        "activityUri": activity_uri,
        "childAlerts": None,
        "parentAlert": None,
        "serviceEventSource": False,
        "serviceEventDetails": None,
    }


def task_finished(appliance: Appliance, task: Doc) -> None:
    """An event for every ended task; an Active alert too when it ended in Error."""
    resource = task.get("associatedResource") or {}
    resource_uri = resource.get("resourceUri")
    category = resource.get("resourceCategory")
    label = resource.get("resourceName") or resource_uri or category
    failed = task.get("taskState") == "Error"
    errors = task.get("taskErrors") or []
    if failed:
        reason = errors[0].get("message") if errors else task.get("taskStatus")
        description = f"{task['name']} {label} failed: {reason}"
    else:
        description = f"{task['name']} {label} completed."
    event = record_event(
        appliance,
        event_type="TaskFailed" if failed else "TaskCompleted",
        description=description,
        resource_uri=resource_uri,
        category=category,
        severity="Critical" if failed else "OK",
        health_category="Operational",
        task_uri=task["uri"],
        details=[
            {"eventItemName": "errorCode", "eventItemValue": e.get("errorCode")} for e in errors
        ],
    )
    if failed:
        actions = (errors[0].get("recommendedActions") or [None]) if errors else [None]
        raise_alert(
            appliance,
            alert_type=f"Task.{errors[0].get('errorCode') if errors else 'Error'}",
            description=description,
            resource_uri=resource_uri,
            category=category,
            corrective_action=actions[0],
            event_uri=event["uri"],
            task_uri=task["uri"],
        )


def fault_injected(appliance: Appliance, what: str) -> None:
    """The operator API injected a fault: a Warning event of the appliance."""
    record_event(
        appliance,
        event_type="Simulator.FaultInjected",
        description=f"Fault injected: {what}",
        resource_uri="/rest/appliance/nodeinfo/version",
        category="appliance",
        severity="Warning",
        health_category="Operational",
    )


class ActivityWatcher:
    """Writes an event whenever a server comes on or goes off (a ``PowerWatcher``)."""

    def __init__(self, appliance: Appliance) -> None:
        self._appliance = appliance

    def server_booted(self, server_uri: str, device: str | None) -> None:
        record_event(
            self._appliance,
            event_type="hpris.server.power.on",
            description="The server was powered on."
            + (f" It boots from {device}." if device else ""),
            resource_uri=server_uri,
            category="server-hardware",
            health_category="Power",
        )

    def server_stopped(self, server_uri: str) -> None:
        record_event(
            self._appliance,
            event_type="hpris.server.power.off",
            description="The server was powered off or reset.",
            resource_uri=server_uri,
            category="server-hardware",
            health_category="Power",
        )


# -- alerts ----------------------------------------------------------------------


@bp.get("/rest/alerts")
def list_alerts(ctx: Ctx) -> Reply:
    """Alerts (filter e.g. alertState='Active', sort, paging)."""
    docs = ctx.appliance.store.iter("alerts")
    return query.page(ctx, docs, collection_type="AlertResourceCollectionV3", category="alerts")


@bp.get("/rest/alerts/{id}")
def get_alert(ctx: Ctx) -> Reply:
    """One alert."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.put("/rest/alerts/{id}")
def update_alert(ctx: Ctx) -> Reply:
    """Change alertState, assignedToUser; ``notes`` adds a change-log entry (200)."""
    body = ctx.json_object()
    alert = ctx.appliance.store.require(ctx.path)
    require_current_etag(ctx, alert)
    changes: Doc = {}
    state = body.get("alertState", alert["alertState"])
    if state not in ALERT_STATES:
        raise _invalid_alert_field("alertState", state, ", ".join(ALERT_STATES))
    log = list(alert["changeLog"])
    now = ctx.appliance.clock.iso()
    if state != alert["alertState"]:
        changes["alertState"] = state
        if state == "Cleared":
            changes.update(clearedByUser=ctx.owner, clearedTime=now)
        log.append(_log_entry(ctx.owner, state.upper(), now, None))
    if "assignedToUser" in body:
        user = body["assignedToUser"]
        if user is not None and not isinstance(user, str):
            raise _invalid_alert_field("assignedToUser", user, "a user name or null")
        changes["assignedToUser"] = user
    notes = body.get("notes")
    if notes is not None:
        if not isinstance(notes, str):
            raise _invalid_alert_field("notes", notes, "a string")
        entry_uri = f"/rest/alerts/AlertChangeLog/{next_id(ctx.appliance, 'changelog')}"
        log.append(_log_entry(ctx.owner, notes, now, entry_uri))
    changes["changeLog"] = log
    updated = ctx.appliance.store.update(alert["uri"], changes)
    if "alertState" in changes:
        _health().alert_state_changed(ctx.appliance, updated)
    return Reply(200, ctx.render(updated))


def _health() -> Any:
    """The health module (it builds on this one: imported when used)."""
    from oneview_openstack.simulator.resources import health

    return health


def _log_entry(user: str, notes: str, now: str, uri: str | None) -> Doc:
    return {
        "userEntered": uri is not None,
        "notes": notes,
        "username": user,
        "uri": uri,
        "created": now,
    }


def _invalid_alert_field(field: str, value: Any, allowed: str) -> ApiError:
    return bad_request(
        "INVALID_ALERT_UPDATE",
        f"The alert field {field} has the invalid value {value!r}.",
        details=f"Field {field}: allowed: {allowed}.",
    )


@bp.delete("/rest/alerts/{id}")
def delete_alert(ctx: Ctx) -> Reply:
    """Delete one alert (204)."""
    alert = ctx.appliance.store.require(ctx.path)
    require_current_etag(ctx, alert)
    ctx.appliance.store.remove(alert["uri"])
    _health().forget(ctx.appliance, alert["uri"])
    return Reply(204)


@bp.delete("/rest/alerts")
def delete_alerts(ctx: Ctx) -> Reply:
    """Delete the alerts matching ``filter`` (202)."""
    if not [text for text in ctx.args("filter") if text.strip()]:
        raise bad_request(
            "INVALID_FILTER",
            "A filter is required to delete alerts.",
            details="Query parameter filter: missing; e.g. filter=\"alertState='Cleared'\".",
        )
    uris = [doc["uri"] for doc in query.select(ctx, ctx.appliance.store.iter("alerts"))]
    return ctx.start_task(
        DELETE_ALERTS,
        {"uris": uris},
        name="Delete",
        resource_uri="/rest/alerts",
        resource_category="alerts",
        status=f"Delete {len(uris)} alert(s).",
    )


@bp.job(DELETE_ALERTS, duration=1.0, steps=["Deleting the alerts."])
def complete_delete_alerts(appliance: Appliance, params: dict[str, Any]) -> None:
    for uri in params["uris"]:
        if appliance.store.get(uri) is not None:
            appliance.store.remove(uri)
            _health().forget(appliance, uri)


@bp.delete("/rest/alerts/AlertChangeLog/{id}")
def delete_change_log(ctx: Ctx) -> Reply:
    """Delete one user-entered change-log entry of an alert (204)."""
    for alert in ctx.appliance.store.iter("alerts"):
        kept = [entry for entry in alert["changeLog"] if entry.get("uri") != ctx.path]
        if len(kept) != len(alert["changeLog"]):
            ctx.appliance.store.update(alert["uri"], {"changeLog": kept})
            return Reply(204)
    raise ApiError(
        404,
        "RESOURCE_NOT_FOUND",
        "Resource not found.",
        details=f"The resource {ctx.path} was not found.",
        recommended_actions=["Verify the URI of the resource and try again."],
    )


# -- events ----------------------------------------------------------------------


@bp.get("/rest/events")
def list_events(ctx: Ctx) -> Reply:
    """Events (filter, sort, paging)."""
    docs = ctx.appliance.store.iter("events")
    return query.page(ctx, docs, collection_type="EventResourceCollectionV3", category="events")


@bp.get("/rest/events/{id}")
def get_event(ctx: Ctx) -> Reply:
    """One event."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.post("/rest/events")
def create_event(ctx: Ctx) -> Reply:
    """A user-created event (201): description and eventTypeID required."""
    body = ctx.json_object()
    given = body.get("type")
    if given is not None and given not in ("EventResourceV3", "EventResourceV2"):
        raise ApiError(
            400,
            "INVALID_JSON_TYPE",
            "Invalid JSON type.",
            details=f'The "type" field content, "{given}", included in this request is invalid.',
            recommended_actions=['Use "type": "EventResourceV3".'],
        )
    for field in ("description", "eventTypeID"):
        value = body.get(field)
        if not isinstance(value, str) or not value.strip():
            raise bad_request(
                "INVALID_EVENT",
                f"The event field {field} is missing or empty.",
                details=f"Field {field}: got {value!r}; a non-empty string is required.",
            )
    severity = body.get("severity", "OK")
    if severity not in SEVERITIES:
        raise bad_request(
            "INVALID_EVENT",
            f"The event severity {severity!r} is not valid.",
            details=f"Field severity: one of {', '.join(SEVERITIES)}.",
        )
    health = body.get("healthCategory", "None")
    if not isinstance(health, str):
        raise bad_request("INVALID_EVENT", "The event healthCategory must be a string.")
    resource_uri = body.get("resourceUri")
    if resource_uri is not None and not isinstance(resource_uri, str):
        raise bad_request("INVALID_EVENT", "The event resourceUri must be a string or null.")
    details = body.get("eventDetails") or []
    if not isinstance(details, list):
        raise bad_request("INVALID_EVENT", "The event eventDetails must be a list.")
    uri = f"/rest/events/{next_id(ctx.appliance, 'events')}"
    doc = event_document(
        uri,
        event_type=body["eventTypeID"],
        description=body["description"],
        severity=severity,
        health_category=health,
        associated=_associated(ctx.appliance, resource_uri, body.get("resourceCategory")),
        task_uri=None,
        details=details,
        now=ctx.appliance.clock.iso(),
    )
    doc["userInitiated"] = True
    doc["urgency"] = body.get("urgency", "None")
    stored = ctx.appliance.store.add(doc)
    return Reply(201, ctx.render(stored), {"Location": uri})


# -- operator ----------------------------------------------------------------------


@bp.get("/sim/alerts", Access.OPERATOR)
def operator_alerts(ctx: Ctx) -> Reply:
    """Every alert (``?state=Active`` for one state)."""
    state = ctx.arg("state")
    alerts = [
        doc
        for doc in ctx.appliance.store.iter("alerts")
        if state is None or doc.get("alertState") == state
    ]
    return Reply(200, alerts)


@bp.delete("/sim/alerts", Access.OPERATOR)
def operator_clear_alerts(ctx: Ctx) -> Reply:
    """Remove every alert."""
    for doc in ctx.appliance.store.members("alerts"):
        ctx.appliance.store.remove(doc["uri"])
        _health().forget(ctx.appliance, doc["uri"])
    return Reply(204)
