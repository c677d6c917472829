"""Interconnects and ports that lose their link, and the health that follows.

An interconnect that fails raises a Critical alert on it and unlinks all its
ports; a port that goes down raises a Warning alert on its interconnect and
unlinks that port. Either weighs on the uplink sets the ports belong to, Warning
while another of a set's ports is linked and Critical when none is, and on their
logical interconnect, the worst of those (at least Warning for a port or a
redundant interconnect, Critical for a lone interconnect). These weights are
recomputed from the ports whenever a link changes (``reweigh``), so two failures
on both sides of an uplink set make it Critical, and one coming back Warning.

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
    carried = [u["uri"] for u in _uplink_sets_with_ports_on(appliance, interconnect["uri"])]
    li_uri = interconnect.get("logicalInterconnectUri")
    li = appliance.store.get(li_uri) if li_uri else None
    floor = "Critical"
    if li is not None and [
        uri for uri in li.get("interconnects") or [] if uri != interconnect["uri"]
    ]:
        floor = "Warning"
    alert = health.raise_health_alert(
        appliance,
        resource_uri=interconnect["uri"],
        severity="Critical",
        description=f"The interconnect {interconnect['name']} has failed and is not passing "
        "traffic.",
        alert_type=INTERCONNECT_FAILED,
        health_category="Operational",
        corrective_action="Reseat the interconnect module; replace it if it does not recover.",
        also_affected=[*carried, *([li["uri"]] if li else [])],
        parts=[_port_part(interconnect["uri"], port) for port in interconnect.get("ports") or []],
        weights=placeholder_weights(carried, li["uri"] if li else None, floor),
        li_floor=floor,
    )
    reweigh(appliance)
    return alert


def interconnect_up(appliance: Appliance, interconnect: Doc) -> list[Doc]:
    """The interconnect works again: its failure alerts are cleared."""
    alerts = health.live_alerts_of(appliance, interconnect["uri"], INTERCONNECT_FAILED)
    cleared = [health.clear_by_system(appliance, alert) for alert in alerts]
    reweigh(appliance)
    return cleared


def port_down(appliance: Appliance, interconnect: Doc, port: Doc) -> Doc:
    """The port loses its link (its live alert if it already has)."""
    existing = _port_alerts(appliance, interconnect["uri"], port["portName"])
    if existing:
        return existing[0]
    uplink_set = appliance.store.get(port.get("associatedUplinkSetUri") or "")
    li = appliance.store.get(uplink_set["logicalInterconnectUri"]) if uplink_set else None
    carried = [uplink_set["uri"]] if uplink_set else []
    uplink = port.get("portType") == "Uplink"
    affects = f" The uplink set {uplink_set['name']} is affected." if uplink_set else ""
    alert = health.raise_health_alert(
        appliance,
        resource_uri=interconnect["uri"],
        severity="Warning",
        description=f"The {'uplink' if uplink else 'downlink'} port {port['portName']} of "
        f"{interconnect['name']} is down: the link was lost.{affects}",
        alert_type=UPLINK_PORT_DOWN if uplink else DOWNLINK_PORT_DOWN,
        health_category="Network",
        corrective_action=f"Check the cable and the device connected to port {port['portName']}.",
        also_affected=[*carried, *([li["uri"]] if li else [])],
        parts=[_port_part(interconnect["uri"], port)],
        weights=placeholder_weights(carried, li["uri"] if li else None, "Warning"),
        li_floor="Warning",
    )
    reweigh(appliance)
    return alert


def port_up(appliance: Appliance, interconnect: Doc, port: Doc) -> list[Doc]:
    """The port has its link back: its alerts are cleared."""
    alerts = _port_alerts(appliance, interconnect["uri"], port["portName"])
    cleared = [health.clear_by_system(appliance, alert) for alert in alerts]
    reweigh(appliance)
    return cleared


def placeholder_weights(uplink_sets: list[str], li_uri: str | None, floor: str) -> Doc:
    """Weights of a link alert until ``reweigh`` computes them from the ports."""
    weights: Doc = {uri: "Warning" for uri in uplink_sets}
    if li_uri is not None:
        weights[li_uri] = floor
    return weights


def reweigh(appliance: Appliance) -> None:
    """What each live link alert weighs on its uplink sets and LI, from the ports linked now.

    An uplink set none of whose ports is linked is Critical, else Warning; the LI is the
    worst of its uplink sets and the alert's floor (an interconnect failure leaves a
    redundant LI Warning, a lone one Critical).
    """
    store = appliance.store
    touched: set[str] = set()
    for effect in list(store.iter(health.EFFECTS)):
        if "liFloor" not in effect:
            continue
        weights = effect.get("weights") or {}
        new: Doc = {}
        for uri in weights:
            doc = store.get(uri)
            if doc is not None and doc.get("category") == "uplink-sets":
                new[uri] = "Warning" if _linked_ports(appliance, doc) else "Critical"
        for uri in weights:
            doc = store.get(uri)
            if doc is not None and doc.get("category") == "logical-interconnects":
                new[uri] = health.worst([effect["liFloor"], *new.values()])
        if new != weights:
            store.put_internal({**effect, "weights": new})
            touched.update(effect["affected"])
    if touched:
        health.refresh_statuses(appliance, touched)


def _linked_ports(appliance: Appliance, uplink_set: Doc) -> bool:
    for info in uplink_set.get("portConfigInfos") or []:
        port_uri = str(info.get("portUri"))
        interconnect = appliance.store.get(port_uri.split("/ports/")[0]) or {}
        for port in interconnect.get("ports") or []:
            if port.get("uri") == port_uri and port.get("portStatus") == "Linked":
                return True
    return False


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


def _on(info: Doc, interconnect_uris: set[str]) -> bool:
    return str(info.get("portUri")).split("/ports/")[0] in interconnect_uris
