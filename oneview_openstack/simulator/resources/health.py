"""Health: a resource's ``status`` follows the Active hardware alerts on it.

A health alert (a degraded power supply, a port down, one an operator raises)
has an *effect*, kept in the internal collection ``_alert-effects``: the
resources whose ``status`` it weighs on (the alert's own resource, and e.g. the
uplink set and logical interconnect of a port that went down) and the parts it
changes (a power supply bay's ``status``, a port's ``portStatus``), with their
fault and normal values.

A resource's status is the worst severity of the Active or Locked health alerts
weighing on it, ``OK`` when there is none. Clearing an alert (``PUT
/rest/alerts/{id}`` alertState Cleared, or the appliance itself) puts its parts
back and recomputes those statuses; activating it again re-applies them. Alerts
of failed tasks have no effect: as on an appliance, they do not change the
health of the resource.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator.resources import activity

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

Doc = dict[str, Any]
EFFECTS = "_alert-effects"
RANK = {"OK": 0, "Disabled": 0, "Unknown": 1, "Warning": 2, "Critical": 3}
LIVE_STATES = ("Active", "Locked")


def part(uri: str, field: str, key: str, value: Any, fault: Doc, normal: Doc) -> dict[str, Any]:
    """The member of list ``field`` of ``uri`` whose ``key`` is ``value``: fault/normal fields."""
    return {
        "uri": uri,
        "field": field,
        "key": key,
        "value": value,
        "fault": fault,
        "normal": normal,
    }


def effect_document(
    alert_uri: str,
    affected: Iterable[str],
    parts: list[Doc],
    weights: Doc | None = None,
    li_floor: str | None = None,
) -> Doc:
    """``weights``: the severity the alert gives some affected resources when it is not
    its own (an interconnect down leaves its redundant uplink set only Warning);
    ``li_floor``: for a link alert, the least it weighs on its logical interconnect (the
    weights of link alerts are recomputed as links change, see ``links.reweigh``)."""
    effect = {
        "uri": f"/{EFFECTS}{alert_uri}",
        "alertUri": alert_uri,
        "affected": list(dict.fromkeys(affected)),
        "parts": parts,
        "weights": dict(weights or {}),
    }
    if li_floor is not None:
        effect["liFloor"] = li_floor
    return effect


def worst(severities: Iterable[str]) -> str:
    """The most severe of ``severities`` as a status (``OK`` for none)."""
    return max(severities, key=lambda s: RANK.get(s, 0), default="OK")


def apply_parts(docs: dict[str, Doc], parts: list[Doc], active: bool) -> list[str]:
    """Set each part's fault (or normal) fields in ``docs``; the URIs changed."""
    changed = []
    for entry in parts:
        doc = docs.get(entry["uri"])
        members = (doc or {}).get(entry["field"]) or []
        for member in members:
            if isinstance(member, dict) and member.get(entry["key"]) == entry["value"]:
                member.update(entry["fault"] if active else entry["normal"])
                changed.append(entry["uri"])
    return changed


def statuses(alerts: Iterable[Doc], effects: Iterable[Doc], uris: Iterable[str]) -> Doc:
    """The status of each of ``uris`` from the live health alerts weighing on it."""
    live = {a["uri"]: a["severity"] for a in alerts if a.get("alertState") in LIVE_STATES}
    found: dict[str, list[str]] = {uri: [] for uri in uris}
    for effect in effects:
        severity = live.get(effect["alertUri"])
        if severity is None:
            continue
        weights = effect.get("weights") or {}
        for uri in effect["affected"]:
            if uri in found:
                found[uri].append(weights.get(uri, severity))
    return {uri: worst(severities) for uri, severities in found.items()}


# -- on a running appliance ------------------------------------------------------


def raise_health_alert(
    appliance: Appliance,
    *,
    resource_uri: str,
    severity: str,
    description: str,
    alert_type: str,
    health_category: str,
    corrective_action: str | None,
    also_affected: Iterable[str] = (),
    parts: list[Doc] | None = None,
    weights: Doc | None = None,
    li_floor: str | None = None,
) -> Doc:
    """An Active alert (and its event) on ``resource_uri`` that weighs on its status."""
    event = activity.record_event(
        appliance,
        event_type=alert_type,
        description=description,
        resource_uri=resource_uri,
        severity=severity,
        health_category=health_category,
    )
    alert = activity.raise_alert(
        appliance,
        alert_type=alert_type,
        description=description,
        resource_uri=resource_uri,
        severity=severity,
        corrective_action=corrective_action,
        event_uri=event["uri"],
    )
    alert = appliance.store.update(alert["uri"], {"healthCategory": health_category})
    appliance.store.put_internal(
        effect_document(
            alert["uri"], [resource_uri, *also_affected], parts or [], weights, li_floor
        )
    )
    alert_state_changed(appliance, alert)
    return alert


def alert_state_changed(appliance: Appliance, alert: Doc) -> None:
    """After an alert's state changed: its parts and the statuses it weighs on follow."""
    effect = appliance.store.get(f"/{EFFECTS}{alert['uri']}")
    if effect is None:
        return
    store = appliance.store
    active = alert.get("alertState") in LIVE_STATES
    docs = {entry["uri"]: store.get(entry["uri"]) for entry in effect["parts"]}
    present = {uri: doc for uri, doc in docs.items() if doc is not None}
    changed = set(apply_parts(present, effect["parts"], active))
    refresh_statuses(appliance, effect["affected"], changed)


def refresh_statuses(
    appliance: Appliance, uris: Iterable[str], touched: Iterable[str] = ()
) -> None:
    """Recompute the status of ``uris``; ``touched`` documents changed in place."""
    store = appliance.store
    changed = set(touched)
    for uri, status in statuses(store.iter("alerts"), store.iter(EFFECTS), uris).items():
        doc = store.get(uri)
        if doc is not None and (doc.get("status") != status or uri in changed):
            store.update(uri, {"status": status})
            changed.discard(uri)
    for uri in changed:
        store.touch(uri)


def clear_by_system(appliance: Appliance, alert: Doc) -> Doc:
    """The appliance clears an alert itself (the fault went away)."""
    now = appliance.clock.iso()
    log = [*alert["changeLog"], {"userEntered": False, "notes": "CLEARED", "username": "System",
                                 "uri": None, "created": now}]  # fmt: skip
    cleared = appliance.store.update(
        alert["uri"],
        {"alertState": "Cleared", "clearedByUser": "System", "clearedTime": now, "changeLog": log},
    )
    alert_state_changed(appliance, cleared)
    return cleared


def live_alerts_of(appliance: Appliance, resource_uri: str, alert_type: str) -> list[Doc]:
    return [
        alert
        for alert in appliance.store.iter("alerts")
        if alert.get("resourceUri") == resource_uri
        and alert.get("alertTypeID") == alert_type
        and alert.get("alertState") in LIVE_STATES
    ]


def effect_of(appliance: Appliance, alert_uri: str) -> Doc | None:
    return appliance.store.get(f"/{EFFECTS}{alert_uri}")


def forget(appliance: Appliance, alert_uri: str) -> None:
    """A deleted alert weighs on nothing any more: its parts and statuses go back."""
    effect = appliance.store.get(f"/{EFFECTS}{alert_uri}")
    if effect is not None:
        alert_state_changed(appliance, {"uri": alert_uri, "alertState": "Cleared"})
        appliance.store.remove(effect["uri"])
