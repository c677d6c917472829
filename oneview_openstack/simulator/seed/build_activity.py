"""What a datacenter that has been running carries besides its resources.

- A task history: one Completed task per seeded resource a person added
  (enclosures and rack servers "Add", networks, groups, templates and profiles
  "Create"), dated at the resource's ``created``, with an event each.
- Alerts: a few Active ones and a Cleared one, with their events and the health
  they cause (``build_health``).
- Scopes: one per enclosure group ("<group> scope"), whose members are the group,
  its enclosures, their server hardware and the profiles on those servers.

Ids come from the resource URIs (uuid5), so building twice gives equal documents.
"""

from __future__ import annotations

import uuid
from typing import Any

from oneview_openstack.simulator.seed.build_health import health_documents

Doc = dict[str, Any]

HISTORY = {
    "enclosures": ("Add", "Add enclosure"),
    "enclosure-groups": ("Create", "Create enclosure group"),
    "logical-interconnect-groups": ("Create", "Create logical interconnect group"),
    "ethernet-networks": ("Create", "Create ethernet network"),
    "fc-networks": ("Create", "Create fibre channel network"),
    "network-sets": ("Create", "Create network set"),
    "server-profile-templates": ("Create", "Create server profile template"),
    "server-profiles": ("Create", "Create server profile"),
}
NAMESPACE = uuid.UUID("5b0e3c1e-6f1d-4a57-9d55-1f1a3c0e7a11")


def add_activity(documents: list[Doc]) -> list[Doc]:
    """``documents`` followed by the seed's tasks, events and scopes."""
    history: list[Doc] = []
    events: list[Doc] = []
    for doc in documents:
        collection = doc.get("category")
        if collection == "server-hardware" and not doc.get("locationUri"):
            history.append(_task(doc, "Add", f"Add server {doc.get('name')}."))
        elif isinstance(collection, str) and collection in HISTORY:
            name, text = HISTORY[collection]
            history.append(_task(doc, name, f"{text} {doc.get('name')}."))
    for number, task in enumerate(history, start=1):
        events.append(_event(number, task))
    scopes, scoped = _scopes(documents)
    alerts = health_documents(documents, len(events) + 1)
    counters = {
        "uri": "/_activity/counters",
        "events": len(events) + sum(doc.get("category") == "events" for doc in alerts),
        "alerts": sum(doc.get("category") == "alerts" for doc in alerts),
    }
    return [*documents, *history, *events, *alerts, *scopes, *scoped, counters]


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _task(doc: Doc, name: str, status: str) -> Doc:
    created = doc.get("created")
    return {
        "type": "TaskResourceV2",
        "category": "tasks",
        "uri": f"/rest/tasks/{_id('task', doc['uri']).upper()}",
        "name": name,
        "owner": "Administrator",
        "taskType": "User",
        "userInitiated": True,
        "hidden": False,
        "isCancellable": False,
        "taskState": "Completed",
        "stateReason": "Completed",
        "taskStatus": status,
        "percentComplete": 100,
        "computedPercentComplete": 100,
        "completedSteps": 1,
        "totalSteps": 1,
        "expectedDuration": 5,
        "associatedResource": {
            "resourceUri": doc["uri"],
            "resourceCategory": doc["category"],
            "resourceName": doc.get("name"),
            "associationType": "MANAGED_BY",
        },
        "parentTaskUri": None,
        "associatedTaskUri": None,
        "data": None,
        "progressUpdates": [{"timestamp": created, "id": 1, "statusUpdate": status}],
        "taskErrors": [],
        "taskOutput": [],
        "created": created,
        "modified": created,
        "eTag": _id("task-etag", doc["uri"]),
    }


def _event(number: int, task: Doc) -> Doc:
    resource = task["associatedResource"]
    return {
        "type": "EventResourceV3",
        "category": "events",
        "uri": f"/rest/events/{number}",
        "eventTypeID": "TaskCompleted",
        "description": f"{task['name']} {resource['resourceName']} completed.",
        "severity": "OK",
        "healthCategory": "Operational",
        "urgency": "None",
        "processed": True,
        "rxTime": task["created"],
        "resourceUri": resource["resourceUri"],
        "resourceID": None,
        "associatedResource": {**resource, "associationType": "HAS_A"},
        "associatedTaskUri": task["uri"],
        "eventDetails": [],
        "serviceEventSource": False,
        "serviceEventDetails": None,
        "userInitiated": False,
        "created": task["created"],
        "modified": task["created"],
        "eTag": _id("event-etag", task["uri"]),
    }


def _scopes(documents: list[Doc]) -> tuple[list[Doc], list[Doc]]:
    by_category: dict[str, list[Doc]] = {}
    for doc in documents:
        by_category.setdefault(str(doc.get("category")), []).append(doc)
    scopes: list[Doc] = []
    assigned: dict[str, list[str]] = {}
    for group in by_category.get("enclosure-groups", []):
        uri = f"/rest/scopes/{_id('scope', group['uri'])}"
        scopes.append(
            {
                "type": "ScopeV3",
                "category": "scopes",
                "uri": uri,
                "name": f"{group['name']} scope",
                "description": f"The resources of enclosure group {group['name']}.",
                "state": None,
                "status": None,
                "scopesUri": f"/rest/scopes/resources{uri}",
                "created": group.get("created"),
                "modified": group.get("created"),
                "eTag": _id("scope-etag", group["uri"]),
            }
        )
        enclosures = {
            doc["uri"]
            for doc in by_category.get("enclosures", [])
            if doc.get("enclosureGroupUri") == group["uri"]
        }
        servers = {
            doc["uri"]
            for doc in by_category.get("server-hardware", [])
            if doc.get("locationUri") in enclosures
        }
        profiles = {
            doc["uri"]
            for doc in by_category.get("server-profiles", [])
            if doc.get("serverHardwareUri") in servers
        }
        for member in [group["uri"], *sorted(enclosures), *sorted(servers), *sorted(profiles)]:
            assigned.setdefault(member, []).append(uri)
    scoped = [
        {"uri": f"/_scoped{member}", "resourceUri": member, "scopeUris": scope_uris}
        for member, scope_uris in assigned.items()
    ]
    return scopes, scoped
