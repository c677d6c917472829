"""The Active alerts a datacenter that has been running shows, and the health they cause.

Picked by position, so the default seed file and generated ``--servers N``
datacenters both get them (each only when the datacenter has what it needs):

- the first frame: the power supply in bay 2 lost its AC input (Warning, Power);
- its last blade without a profile: correctable memory errors (Warning, Memory);
- the second frame: an uplink port of a redundant uplink set is down (Warning,
  Network, on the interconnect; its uplink set and logical interconnect too);
- the third frame: the fan in bay 4 failed (Critical);
- one Cleared alert, a cold start of the first blade, cleared by the appliance.

Each alert has its event and its effect (``resources.health``): the resource's
``status`` is the worst of its live alerts, and clearing one puts it back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from oneview_openstack.simulator.resources import health
from oneview_openstack.simulator.resources.activity import alert_document, event_document

Doc = dict[str, Any]


@dataclass
class Alert:
    resource: Doc
    severity: str
    alert_type: str
    health_category: str
    description: str
    corrective_action: str | None
    also_affected: list[str] = field(default_factory=list)
    parts: list[Doc] = field(default_factory=list)
    state: str = "Active"
    li_floor: str | None = None  # a link alert (see resources.links)


def health_documents(documents: list[Doc], first_event: int) -> list[Doc]:
    """Alerts, their events and effects; applies the alerts to ``documents`` in place."""
    by_uri = {doc["uri"]: doc for doc in documents if isinstance(doc.get("uri"), str)}
    by_category: dict[str, list[Doc]] = {}
    for doc in documents:
        by_category.setdefault(str(doc.get("category")), []).append(doc)
    enclosures = by_category.get("enclosures", [])
    pickers: list[Callable[[], Alert | None]] = [
        lambda: _power_supply(enclosures[0]) if enclosures else None,
        lambda: _memory(by_category, enclosures[0]) if enclosures else None,
        lambda: _port_down(by_category, by_uri, enclosures[1]) if len(enclosures) > 1 else None,
        lambda: _fan(enclosures[2]) if len(enclosures) > 2 else None,
        lambda: _cold_start(by_category),
    ]
    alerts = [alert for alert in (pick() for pick in pickers) if alert is not None]
    now = max(str(doc.get("created") or "") for doc in documents)
    out: list[Doc] = []
    for number, alert in enumerate(alerts, start=1):
        out.extend(_documents(alert, number, first_event + number - 1, now))
    live_alerts = [doc for doc in out if doc.get("category") == "alerts"]
    effects = [doc for doc in out if str(doc["uri"]).startswith(f"/{health.EFFECTS}/")]
    for alert, doc in zip(alerts, live_alerts, strict=True):
        if doc["alertState"] in health.LIVE_STATES:
            health.apply_parts(by_uri, alert.parts, active=True)
    affected = {uri for effect in effects for uri in effect["affected"]}
    for uri, status in health.statuses(live_alerts, effects, affected).items():
        by_uri[uri]["status"] = status
    return out


def _documents(alert: Alert, number: int, event_number: int, now: str) -> list[Doc]:
    resource = alert.resource
    associated = {
        "resourceUri": resource["uri"],
        "resourceCategory": resource["category"],
        "resourceName": resource.get("name"),
        "associationType": "HAS_A",
    }
    event_uri = f"/rest/events/{event_number}"
    event = event_document(
        event_uri,
        event_type=alert.alert_type,
        description=alert.description,
        severity=alert.severity,
        health_category=alert.health_category,
        associated=associated,
        task_uri=None,
        details=[],
        now=now,
    )
    uri = f"/rest/alerts/{number}"
    doc = alert_document(
        uri,
        alert_type=alert.alert_type,
        description=alert.description,
        severity=alert.severity,
        state=alert.state,
        associated=associated,
        corrective_action=alert.corrective_action,
        event_uris=[event_uri],
        activity_uri=None,
    )
    doc.update(healthCategory=alert.health_category, created=now, modified=now, eTag=now)
    event.update(eTag=now)
    if alert.state == "Cleared":
        doc.update(lifeCycle=True, clearedByUser="System", clearedTime=now)
        doc["changeLog"] = [{"userEntered": False, "notes": "CLEARED", "username": "System",
                             "uri": None, "created": now}]  # fmt: skip
    affected = [resource["uri"], *alert.also_affected]
    weights = {uri: alert.severity for uri in alert.also_affected} if alert.li_floor else {}
    effect = health.effect_document(uri, affected, alert.parts, weights, alert.li_floor)
    return [event, doc, effect]


def _power_supply(enclosure: Doc) -> Alert:
    return Alert(
        enclosure,
        "Warning",
        "hpris.enclosure.PowerSupplyDegraded",
        "Power",
        f"The power supply in bay 2 of enclosure {enclosure['name']} has lost its AC input "
        "and is degraded. The enclosure has lost power redundancy.",
        "Check the power cord and the power distribution unit feeding power supply bay 2. "
        "Replace the power supply if the problem persists.",
        parts=[_bay(enclosure, "powerSupplyBays", 2, "Warning")],
    )


def _fan(enclosure: Doc) -> Alert:
    return Alert(
        enclosure,
        "Critical",
        "hpris.enclosure.FanFailed",
        "Operational",
        f"The fan in bay 4 of enclosure {enclosure['name']} has failed.",
        "Replace the fan in bay 4.",
        parts=[_bay(enclosure, "fanBays", 4, "Critical")],
    )


def _bay(enclosure: Doc, field: str, bay: int, status: str) -> Doc:
    return health.part(
        enclosure["uri"], field, "bayNumber", bay, {"status": status}, {"status": "OK"}
    )


def _memory(by_category: dict[str, list[Doc]], enclosure: Doc) -> Alert | None:
    blades = [
        doc
        for doc in by_category.get("server-hardware", [])
        if doc.get("locationUri") == enclosure["uri"] and not doc.get("serverProfileUri")
    ]
    if not blades:
        return None
    return Alert(
        blades[-1],
        "Warning",
        "hpris.server.MemoryCorrectableErrorThresholdExceeded",
        "Memory",
        "Correctable memory errors exceeded the threshold on processor 1, DIMM 4.",
        "Replace the DIMM in processor 1, slot 4 at the next maintenance window.",
    )


def _cold_start(by_category: dict[str, list[Doc]]) -> Alert | None:
    servers = by_category.get("server-hardware", [])
    if not servers:
        return None
    return Alert(servers[0], "OK", "Trap.coldStart", "None", "Cold Start.", None, state="Cleared")


def _port_down(
    by_category: dict[str, list[Doc]], by_uri: dict[str, Doc], enclosure: Doc
) -> Alert | None:
    """A port of the enclosure's last uplink set with more than one port goes down."""
    lis = [
        li["uri"]
        for li in by_category.get("logical-interconnects", [])
        if enclosure["uri"] in (li.get("enclosureUris") or [])
    ]
    redundant = [
        doc
        for doc in by_category.get("uplink-sets", [])
        if doc.get("logicalInterconnectUri") in lis and len(doc.get("portConfigInfos") or []) > 1
    ]
    if not redundant:
        return None
    uplink_set = redundant[-1]
    port_uri = uplink_set["portConfigInfos"][-1]["portUri"]
    interconnect = by_uri[port_uri.split("/ports/")[0]]
    port = next(p for p in interconnect["ports"] if p["uri"] == port_uri)
    return Alert(
        interconnect,
        "Warning",
        "hpris.interconnect.UplinkPortDown",
        "Network",
        f"The uplink port {port['portName']} of {interconnect['name']} is down: the link to the "
        f"upstream switch was lost. The uplink set {uplink_set['name']} has lost redundancy.",
        f"Check the cable and the upstream switch port connected to port {port['portName']}.",
        also_affected=[uplink_set["uri"], uplink_set["logicalInterconnectUri"]],
        parts=[port_down_part(interconnect["uri"], port["portName"])],
        li_floor="Warning",
    )


def port_down_part(interconnect_uri: str, port_name: str) -> Doc:
    """An interconnect port that lost its link (and gets it back when cleared)."""
    return health.part(
        interconnect_uri,
        "ports",
        "portName",
        port_name,
        {"portStatus": "Unlinked", "portStatusReason": "None"},
        {"portStatus": "Linked", "portStatusReason": "Active"},
    )
