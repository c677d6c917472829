"""Around the frames: interconnect types, SAN fabrics (FC networks), logical enclosures.

Built after everything else, so the identifiers of the other seed documents do
not move. Derived from the topology alone, the same for the default seed file
and the generated ``--servers N`` datacenters:

- an ``/rest/interconnect-types`` document per interconnect module the
  simulator knows (its ``portInfos``: downlinks ``d1..d12``, uplinks ``Q1..Q8``);
- two FC networks, ``SAN-A`` and ``SAN-B`` (``fabricType`` FabricAttach), each
  with its connection template, each on an FC uplink set of every logical
  interconnect group (SAN-A on its first interconnect bay, SAN-B on the second,
  through the first free FC-capable uplink port ``Q5..Q8``) and so of every
  logical interconnect made from it;
- a logical enclosure per frame set: an enclosure group's frames, in sets of at
  most ``FRAMES_PER_SET`` (a Synergy frame link topology), with the logical
  interconnects of those frames. Each enclosure points back at it;
- the id pools (vmac, vwwn, vsn with their Generated range, ipv4 without subnets).
"""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator.seed import topology as topo
from oneview_openstack.simulator.seed.build_network import (
    FC_UPLINK_PORTS,
    _connection_template,
    _location,
    _port_number,
)
from oneview_openstack.simulator.seed.builder import Build
from oneview_openstack.simulator.seed.catalog import INTERCONNECT_MODELS, InterconnectModel

Doc = dict[str, Any]

FRAMES_PER_SET = 5
SAN_FABRICS = ("SAN-A", "SAN-B")
MODULE_SPEED_GBPS = {"794502-B23": 40, "867796-B21": 100}


def add_fabric(build: Build) -> None:
    add_interconnect_types(build)
    add_fc_networks(build)
    add_logical_enclosures(build)
    add_id_pools(build)
    add_fc_uplink_sets(build)


def add_interconnect_types(build: Build) -> None:
    for model in INTERCONNECT_MODELS.values():
        build.add(interconnect_type(model), "interconnect-types")


def interconnect_type(model: InterconnectModel) -> Doc:
    speed = MODULE_SPEED_GBPS.get(model.part_number, 40)
    downlinks = [
        _port_info(f"d{n}", n, uplink=False, capabilities=["Ethernet", "FibreChannel", "EnetFcoe"])
        for n in range(1, model.downlink_ports + 1)
    ]
    uplinks = [
        _port_info(port, 60 + int(port[1:]), uplink=True, capabilities=_uplink_capabilities(port))
        for port in model.uplink_ports
    ]
    return {
        "uri": f"/rest/interconnect-types/{model.type_id}",
        "name": model.name,
        "description": None,
        "partNumber": model.part_number,
        "minimumFirmwareVersion": "1.0.0",
        "maximumFirmwareVersion": "2.0.0",
        "interconnectCapabilities": {
            "capabilities": ["Ethernet", "FCoE", "FC", "Stacking"],
            "maxBandwidthInGbps": speed,
        },
        "downlinkCount": model.downlink_ports,
        "downlinkPortCapability": {
            "maxBandwidthInGbps": speed // 2 if speed > 40 else 20,
            "maxSubPorts": 8,
            "portCapabilities": ["Ethernet", "FibreChannel", "EnetFcoe"],
        },
        "portInfos": downlinks + uplinks,
        "unsupportedCapabilities": None,
        "state": None,
        "status": None,
    }


def _uplink_capabilities(port: str) -> list[str]:
    fc = ["FibreChannel"] if port in FC_UPLINK_PORTS else []
    return ["Ethernet", "FcoeGateway", *fc]


def _port_info(name: str, number: int, *, uplink: bool, capabilities: list[str]) -> Doc:
    return {
        "portName": name,
        "portNumber": number,
        "uplinkCapable": uplink,
        "downlinkCapable": not uplink,
        "stackingCapable": uplink,
        "pairedPortName": None,
        "portCapabilities": capabilities,
    }


def add_fc_networks(build: Build) -> None:
    for name in SAN_FABRICS:
        uri = f"/rest/fc-networks/{build.ids.uuid()}"
        template = _connection_template(build, name)
        build.add(
            {
                "uri": uri,
                "name": name,
                "description": None,
                "fabricType": "FabricAttach",
                "linkStabilityTime": 30,
                "autoLoginRedistribution": True,
                "managedSanUri": None,
                "connectionTemplateUri": template,
                "state": "Active",
                "status": "OK",
            },
            "fc-networks",
        )


def add_fc_uplink_sets(build: Build) -> None:
    for group in build.topology.interconnect_groups:
        lig = build.named("logical-interconnect-groups", group.name)
        placements = fc_placements(group)
        for san, bay, port in placements:
            lig["uplinkSets"].append(_lig_fc_uplink_set(build, san, bay, port))
        for li in [
            d for d in build.documents if d.get("logicalInterconnectGroupUri") == lig["uri"]
        ]:
            if li.get("category") != "logical-interconnects":
                continue
            by_bay = {
                int(_entry(e["location"], "Bay")): build.by_uri(e["interconnectUri"])
                for e in li["interconnectMap"]["interconnectMapEntries"]
            }
            for san, bay, port in placements:
                _fc_uplink_set(build, li, by_bay[bay], san, (bay, port))


def fc_placements(group: topo.InterconnectGroup) -> list[tuple[str, int, str]]:
    """(SAN, interconnect bay, uplink port) of each FC uplink set of the group."""
    used = {placement for uplink in group.uplink_sets for placement in uplink.ports}
    placements = []
    for san, bay in zip(SAN_FABRICS, group.bays, strict=False):
        free = [port for port in FC_UPLINK_PORTS if (bay, port) not in used]
        if free:
            placements.append((san, bay, free[0]))
    return placements


def _entry(location: Doc, kind: str) -> Any:
    return next(e["value"] for e in location["locationEntries"] if e["type"] == kind)


def _lig_fc_uplink_set(build: Build, san: str, bay: int, port: str) -> Doc:
    return {
        "name": f"US-{san}",
        "networkType": "FibreChannel",
        "ethernetNetworkType": "NotApplicable",
        "mode": "Auto",
        "lacpTimer": None,
        "networkUris": [build.named("fc-networks", san)["uri"]],
        "nativeNetworkUri": None,
        "logicalPortConfigInfos": [
            {
                "desiredSpeed": "Auto",
                "logicalLocation": _location(
                    ("Bay", bay), ("Port", _port_number(port)), ("Enclosure", 1)
                ),
            }
        ],
        "primaryPort": None,
        "privateVlanDomains": [],
        "reachability": "Reachable",
    }


def _fc_uplink_set(
    build: Build, li: Doc, interconnect: Doc, san: str, placement: tuple[int, str]
) -> None:
    bay, port_name = placement
    uri = f"/rest/uplink-sets/{build.ids.uuid()}"
    port = next(p for p in interconnect["ports"] if p["portName"] == port_name)
    port.update(associatedUplinkSetUri=uri, portStatus="Linked", portStatusReason="Active")
    enclosure_uri = li["enclosureUris"][0]
    build.add(
        {
            "uri": uri,
            "name": f"US-{san}",
            "description": None,
            "status": "OK",
            "state": "Normal",
            "reachability": "Reachable",
            "logicalInterconnectUri": li["uri"],
            "networkType": "FibreChannel",
            "ethernetNetworkType": "NotApplicable",
            "connectionMode": "Auto",
            "lacpTimer": None,
            "networkUris": [],
            "fcNetworkUris": [build.named("fc-networks", san)["uri"]],
            "fcoeNetworkUris": [],
            "nativeNetworkUri": None,
            "manualLoginRedistributionState": "Supported",
            "primaryPortLocation": None,
            "privateVlanDomains": [],
            "portConfigInfos": [
                {
                    "portUri": port["uri"],
                    "desiredSpeed": "Auto",
                    "expectedNeighbor": None,
                    "location": _location(
                        ("Enclosure", enclosure_uri), ("Bay", str(bay)), ("Port", port_name)
                    ),
                }
            ],
        },
        "uplink-sets",
    )


def frame_sets(build: Build) -> list[tuple[str, list[str]]]:
    """(enclosure group name, frame names) per frame set, in seed order."""
    by_group: dict[str, list[str]] = {}
    for enclosure in build.topology.enclosures:
        by_group.setdefault(enclosure.group, []).append(enclosure.name)
    sets = []
    for group, frames in by_group.items():
        for start in range(0, len(frames), FRAMES_PER_SET):
            sets.append((group, frames[start : start + FRAMES_PER_SET]))
    return sets


def add_logical_enclosures(build: Build) -> None:
    sets = frame_sets(build)
    per_group: dict[str, int] = {}
    for group, _ in sets:
        per_group[group] = per_group.get(group, 0) + 1
    seen: dict[str, int] = {}
    lis_by_enclosure: dict[str, list[str]] = {}
    for doc in build.documents:
        if doc.get("category") == "logical-interconnects":
            for enclosure_uri in doc.get("enclosureUris") or []:
                lis_by_enclosure.setdefault(enclosure_uri, []).append(doc["uri"])
    for group, frames in sets:
        seen[group] = seen.get(group, 0) + 1
        base = "LE-" + group.removeprefix("EG-")
        name = base if per_group[group] == 1 else f"{base}-{seen[group]}"
        enclosures = [build.named("enclosures", frame) for frame in frames]
        uri = f"/rest/logical-enclosures/{build.ids.uuid()}"
        eg = build.named("enclosure-groups", group)
        doc = build.add(
            logical_enclosure(
                uri,
                name,
                eg,
                enclosures,
                [li for e in enclosures for li in lis_by_enclosure.get(e["uri"], [])],
            ),
            "logical-enclosures",
        )
        for enclosure in enclosures:
            enclosure["logicalEnclosureUri"] = doc["uri"]


def logical_enclosure(
    uri: str, name: str, group: Doc, enclosures: list[Doc], li_uris: list[str]
) -> Doc:
    """A logical enclosure document (canonical shape; also used by the create job)."""
    return {
        "uri": uri,
        "name": name,
        "description": None,
        "enclosureGroupUri": group["uri"],
        "enclosureUris": [e["uri"] for e in enclosures],
        "enclosures": {
            e["uri"]: {
                "enclosureUri": e["uri"],
                "interconnectBays": [
                    {"bayNumber": bay, "licenseIntents": {"FCUpgrade": "No"}} for bay in range(1, 7)
                ],
            }
            for e in enclosures
        },
        "logicalInterconnectUris": li_uris,
        "ipv4Ranges": [],
        "ipAddressingMode": "External",
        "powerMode": "RedundantPowerFeed",
        "ambientTemperatureMode": "Standard",
        "deploymentManagerSettings": {
            "deploymentClusterUri": "",
            "osDeploymentSettings": {
                "manageOSDeployment": False,
                "deploymentModeSettings": {"deploymentMode": "None", "deploymentNetworkUri": ""},
            },
        },
        "firmware": {
            "firmwareBaselineUri": "",
            "forceInstallFirmware": False,
            "updateFirmwareOnUnmanagedInterconnect": False,
            "validateIfLIFirmwareUpdateIsNonDisruptive": False,
            "logicalInterconnectUpdateMode": "Parallel",
        },
        "deleteFailed": False,
        "scalingState": "NotScaling",
        "state": "Consistent",
        "status": "OK",
    }


def add_id_pools(build: Build) -> None:
    from oneview_openstack.simulator.resources import id_pool_ranges as pools

    generated = pools.generated_ranges()
    for pool_type in pools.CODECS:
        pool = pools.pool_document(pool_type)
        if pool_type in generated:
            codec = pools.CODECS[pool_type]
            start, end = generated[pool_type]
            uri = f"/rest/id-pools/{pool_type}/ranges/{build.ids.uuid()}"
            spans = [[codec.parse(start), codec.parse(end)]]
            _add_as_is(build, pools.range_document(pool_type, uri, spans, "Generated"))
            pool["rangeUris"] = [uri]
        _add_as_is(build, pool)


def _add_as_is(build: Build, doc: Doc) -> None:
    """Add keeping the document's own ``type`` and ``category`` (id pools have several)."""
    kept = doc["type"], doc["category"]
    build.add(doc, "id-pools")
    doc["type"], doc["category"] = kept
    doc.pop("scopesUri", None)
