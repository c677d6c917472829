"""Interconnects and ports that lose their link, and the health that follows.

An interconnect that fails raises a Critical alert on it: all its ports lose their
link, and its logical interconnect and the uplink sets with ports on it become
Warning when another interconnect still carries them, Critical when none does.
A port that goes down raises a Warning alert on its interconnect: the uplink set
it belongs to (and that set's logical interconnect) becomes Warning while another
of the set's ports is linked, Critical otherwise.

Coming back up clears those alerts as the appliance does (``clearedByUser``
System), which puts the ports and statuses back (``health``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator.resources import health

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

Doc = dict[str, Any]
INTERCONNECT_FAILED = "hpris.interconnect.Failed"
UPLINK_PORT_DOWN = "hpris.interconnect.UplinkPortDown"
DOWNLINK_PORT_DOWN = "hpris.interconnect.DownlinkPortDown"
UNLINKED = {"portStatus": "Unlinked", "portStatusReason": "None"}


def interconnect_down(appliance: Appliance, interconnect: Doc) -> Doc:
    """The interconnect fails (its live failure alert if it already has)."""
    live = health.live_alerts_of(appliance, interconnect["uri"], INTERCONNECT_FAILED)
    if live:
        return live[0]
    uplink_sets = _uplink_sets_with_ports_on(appliance, interconnect["uri"])
    weights = {u["uri"]: _weight(u, {interconnect["uri"]}) for u in uplink_sets}
    li_uri = interconnect.get("logicalInterconnectUri")
    li = appliance.store.get(li_uri) if li_uri else None
    if li is not None:
        others = [uri for uri in li.get("interconnects") or [] if uri != interconnect["uri"]]
        weights[li["uri"]] = "Warning" if others else "Critical"
    return health.raise_health_alert(
        appliance,
        resource_uri=interconnect["uri"],
        severity="Critical",
        description=f"The interconnect {interconnect['name']} has failed and is not passing "
        "traffic.",
        alert_type=INTERCONNECT_FAILED,
        health_category="Operational",
        corrective_action="Reseat the interconnect module; replace it if it does not recover.",
        also_affected=list(weights),
        parts=[_port_part(interconnect["uri"], port) for port in interconnect.get("ports") or []],
        weights=weights,
    )


def interconnect_up(appliance: Appliance, interconnect: Doc) -> list[Doc]:
    """The interconnect works again: its failure alerts are cleared."""
    alerts = health.live_alerts_of(appliance, interconnect["uri"], INTERCONNECT_FAILED)
    return [health.clear_by_system(appliance, alert) for alert in alerts]


def port_down(appliance: Appliance, interconnect: Doc, port: Doc) -> Doc:
    """The port loses its link (its live alert if it already has)."""
    existing = _port_alerts(appliance, interconnect["uri"], port["portName"])
    if existing:
        return existing[0]
    uplink_set = appliance.store.get(port.get("associatedUplinkSetUri") or "")
    weights: dict[str, str] = {}
    if uplink_set is not None:
        severity = _weight(uplink_set, set(), down_port=port["uri"])
        weights[uplink_set["uri"]] = severity
        weights[uplink_set["logicalInterconnectUri"]] = severity
    uplink = port.get("portType") == "Uplink"
    carried = f" The uplink set {uplink_set['name']} is affected." if uplink_set else ""
    return health.raise_health_alert(
        appliance,
        resource_uri=interconnect["uri"],
        severity="Warning",
        description=f"The {'uplink' if uplink else 'downlink'} port {port['portName']} of "
        f"{interconnect['name']} is down: the link was lost.{carried}",
        alert_type=UPLINK_PORT_DOWN if uplink else DOWNLINK_PORT_DOWN,
        health_category="Network",
        corrective_action=f"Check the cable and the device connected to port {port['portName']}.",
        also_affected=list(weights),
        parts=[_port_part(interconnect["uri"], port)],
        weights=weights,
    )


def port_up(appliance: Appliance, interconnect: Doc, port: Doc) -> list[Doc]:
    """The port has its link back: its alerts are cleared."""
    alerts = _port_alerts(appliance, interconnect["uri"], port["portName"])
    return [health.clear_by_system(appliance, alert) for alert in alerts]


def _port_alerts(appliance: Appliance, interconnect_uri: str, port_name: str) -> list[Doc]:
    found = []
    for alert_type in (UPLINK_PORT_DOWN, DOWNLINK_PORT_DOWN):
        for alert in health.live_alerts_of(appliance, interconnect_uri, alert_type):
            effect = health.effect_of(appliance, alert["uri"]) or {}
            if any(part["value"] == port_name for part in effect.get("parts") or []):
                found.append(alert)
    return found


def _port_part(interconnect_uri: str, port: Doc) -> Doc:
    """The port unlinked while the alert lives, and back to what it was after."""
    normal = {
        "portStatus": port.get("portStatus"),
        "portStatusReason": port.get("portStatusReason"),
    }
    return health.part(interconnect_uri, "ports", "portName", port["portName"], UNLINKED, normal)


def _uplink_sets_with_ports_on(appliance: Appliance, interconnect_uri: str) -> list[Doc]:
    return [
        doc
        for doc in appliance.store.iter("uplink-sets")
        if any(_on(info, {interconnect_uri}) for info in doc.get("portConfigInfos") or [])
    ]


def _weight(uplink_set: Doc, failed: set[str], down_port: str | None = None) -> str:
    """Warning while one of the set's other ports still carries it, Critical otherwise."""
    for info in uplink_set.get("portConfigInfos") or []:
        if info.get("portUri") != down_port and not _on(info, failed):
            return "Warning"
    return "Critical"


def _on(info: Doc, interconnect_uris: set[str]) -> bool:
    return str(info.get("portUri")).split("/ports/")[0] in interconnect_uris
