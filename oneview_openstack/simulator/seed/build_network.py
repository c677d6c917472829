"""Networking documents: ethernet networks, connection templates, network sets,
logical interconnect groups, and per enclosure its interconnects, logical
interconnect and uplink sets (derived from the group, as the appliance does)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oneview_openstack.simulator.seed import topology as topo
from oneview_openstack.simulator.seed.builder import FABRIC_ID, Build, Doc
from oneview_openstack.simulator.seed.catalog import INTERCONNECT_MODELS

FABRIC_URI = f"/rest/fabrics/{FABRIC_ID}"
# Unified uplink ports a Virtual Connect SE module runs as Fibre Channel uplinks.
FC_UPLINK_PORTS = ("Q5", "Q6", "Q7", "Q8")
TYPICAL_MBPS = 2500
MAXIMUM_MBPS = 20000


def add_networks(build: Build) -> None:
    for network in build.topology.networks:
        template = _connection_template(build, network.name)
        uri = f"/rest/ethernet-networks/{build.ids.uuid()}"
        build.add(
            {
                "uri": uri,
                "name": network.name,
                "description": None,
                "vlanId": network.vlan if network.vlan is not None else 0,
                "ethernetNetworkType": network.kind,
                "purpose": network.purpose,
                "smartLink": True,
                "privateNetwork": False,
                "subnetUri": None,
                "ipv6SubnetUri": None,
                "connectionTemplateUri": template,
                "fabricUri": FABRIC_URI,
                "state": "Active",
                "status": "OK",
            },
            "ethernet-networks",
        )
    for network_set in build.topology.network_sets:
        template = _connection_template(build, network_set.name)
        build.add(
            {
                "uri": f"/rest/network-sets/{build.ids.uuid()}",
                "name": network_set.name,
                "description": None,
                "networkSetType": "Regular",
                "nativeNetworkUri": build.uri("ethernet-networks", network_set.native),
                "networkUris": [build.uri("ethernet-networks", n) for n in network_set.networks],
                "connectionTemplateUri": template,
                "state": "Active",
                "status": "OK",
            },
            "network-sets",
        )


def _connection_template(build: Build, name: str) -> str:
    doc = build.add(
        {
            "uri": f"/rest/connection-templates/{build.ids.uuid()}",
            "name": name,
            "description": None,
            "bandwidth": {"typicalBandwidth": TYPICAL_MBPS, "maximumBandwidth": MAXIMUM_MBPS},
            "state": "Active",
            "status": None,
        },
        "connection-templates",
    )
    return str(doc["uri"])


def add_interconnect_groups(build: Build) -> None:
    for group in build.topology.interconnect_groups:
        uri = f"/rest/logical-interconnect-groups/{build.ids.uuid()}"
        module = INTERCONNECT_MODELS[group.module]
        build.add(
            {
                "uri": uri,
                "name": group.name,
                "description": None,
                "enclosureType": "SY12000",
                "enclosureIndexes": [1],
                "interconnectBaySet": group.bays[0],
                "redundancyType": "Redundant" if len(group.bays) > 1 else "NonRedundantASide",
                "fabricUri": FABRIC_URI,
                "state": "Active",
                "status": "OK",
                "interconnectMapTemplate": {
                    "interconnectMapEntryTemplates": [
                        {
                            "enclosureIndex": 1,
                            "permittedInterconnectTypeUri": _type_uri(module.type_id),
                            "logicalDownlinkUri": None,
                            "logicalLocation": _location(("Bay", bay), ("Enclosure", 1)),
                        }
                        for bay in group.bays
                    ]
                },
                "uplinkSets": [_lig_uplink_set(build, u) for u in group.uplink_sets],
                "internalNetworkUris": [],
                "ethernetSettings": _ethernet_settings(uri),
                "telemetryConfiguration": {
                    "type": "telemetry-configuration",
                    "enableTelemetry": True,
                    "sampleCount": 12,
                    "sampleInterval": 300,
                },
                "snmpConfiguration": {
                    "type": "snmp-configuration",
                    "enabled": True,
                    "readCommunity": "public",
                    "trapDestinations": [],
                    "snmpAccess": [],
                },
                "qosConfiguration": {
                    "type": "qos-aggregated-configuration",
                    "activeQosConfig": {"type": "QosConfiguration", "configType": "Passthrough"},
                },
            },
            "logical-interconnect-groups",
        )


def _lig_uplink_set(build: Build, uplink: topo.UplinkSet) -> dict[str, Any]:
    return {
        "name": uplink.name,
        "networkType": "Ethernet",
        "ethernetNetworkType": uplink.kind,
        "mode": "Auto",
        "lacpTimer": "Short",
        "networkUris": [build.uri("ethernet-networks", n) for n in uplink.networks],
        "nativeNetworkUri": None,
        "logicalPortConfigInfos": [
            {
                "desiredSpeed": "Auto",
                "logicalLocation": _location(
                    ("Bay", bay), ("Port", _port_number(port)), ("Enclosure", 1)
                ),
            }
            for bay, port in uplink.ports
        ],
        "primaryPort": None,
        "privateVlanDomains": [],
        "reachability": "Reachable",
    }


@dataclass(frozen=True)
class Fabric:
    """What an enclosure's bays and blades point at."""

    logical_interconnect_uri: str
    interconnects: dict[int, Doc]  # by interconnect bay

    def uris(self) -> dict[int, str]:
        return {bay: str(doc["uri"]) for bay, doc in self.interconnects.items()}


def add_enclosure_fabric(
    build: Build, enclosure: topo.Enclosure, enclosure_uri: str, group: topo.InterconnectGroup
) -> Fabric:
    """The enclosure's interconnects, logical interconnect and uplink sets."""
    li_uri = f"/rest/logical-interconnects/{build.ids.uuid()}"
    module = INTERCONNECT_MODELS[group.module]
    occupied = _occupied_bays(enclosure)
    interconnects: dict[int, Doc] = {}
    for bay in group.bays:
        interconnects[bay] = _interconnect(
            build, enclosure, enclosure_uri, (group, bay), li_uri, occupied
        )
    lig = build.named("logical-interconnect-groups", group.name)
    build.add(
        {
            "uri": li_uri,
            "name": f"{enclosure.name}-{group.name}",
            "description": None,
            "logicalInterconnectGroupUri": lig["uri"],
            "enclosureUris": [enclosure_uri],
            "enclosureType": "SY12000",
            "interconnects": [doc["uri"] for doc in interconnects.values()],
            "interconnectMap": {
                "interconnectMapEntries": [
                    {
                        "location": _location(("Bay", str(bay)), ("Enclosure", enclosure_uri)),
                        "interconnectUri": doc["uri"],
                        "permittedInterconnectTypeUri": _type_uri(module.type_id),
                        "enclosureIndex": 1,
                    }
                    for bay, doc in interconnects.items()
                ]
            },
            "stackingHealth": "BiConnected" if len(interconnects) > 1 else "Connected",
            "consistencyStatus": "CONSISTENT",
            "fabricUri": FABRIC_URI,
            "internalNetworkUris": [],
            "ethernetSettings": _ethernet_settings(li_uri),
            "telemetryConfiguration": dict(lig["telemetryConfiguration"]),
            "snmpConfiguration": dict(lig["snmpConfiguration"], trapDestinations=[]),
            "qosConfiguration": {
                "type": "qos-aggregated-configuration",
                "activeQosConfig": {"type": "QosConfiguration", "configType": "Passthrough"},
            },
            "state": "Active",
            "status": "OK",
        },
        "logical-interconnects",
    )
    for uplink in group.uplink_sets:
        _uplink_set(build, uplink, li_uri, enclosure_uri, interconnects)
    return Fabric(li_uri, interconnects)


def _occupied_bays(enclosure: topo.Enclosure) -> set[int]:
    return {bay for bay, _ in enclosure.bays}


def _interconnect(
    build: Build,
    enclosure: topo.Enclosure,
    enclosure_uri: str,
    placement: tuple[topo.InterconnectGroup, int],
    li_uri: str,
    occupied: set[int],
) -> Doc:
    group, bay = placement
    model = INTERCONNECT_MODELS[group.module]
    ic_id = build.ids.uuid()
    uri = f"/rest/interconnects/{ic_id}"
    name = f"{enclosure.name}, interconnect {bay}"
    ports = [
        _port(uri, ic_id, name, f"d{n}", "Downlink", n in occupied, n)
        for n in range(1, model.downlink_ports + 1)
    ] + [_port(uri, ic_id, name, p, "Uplink", False, None) for p in model.uplink_ports]
    return build.add(
        {
            "uri": uri,
            "name": name,
            "description": None,
            "model": model.name,
            "productName": model.name,
            "partNumber": model.part_number,
            "serialNumber": f"7C{enclosure.serial[-6:]}{bay:02d}",
            "enclosureUri": enclosure_uri,
            "enclosureName": enclosure.name,
            "enclosureType": "SY12000",
            "interconnectLocation": _location(("Enclosure", enclosure_uri), ("Bay", str(bay))),
            "logicalInterconnectUri": li_uri,
            "interconnectTypeUri": _type_uri(model.type_id),
            "state": "Configured",
            "status": "OK",
            "powerState": "On",
            "uidState": "Off",
            "deviceResetState": "Normal",
            "firmwareVersion": "1.10.1002",
            "interconnectMAC": build.ids.mac_block("5C:B9:01", 1)[0],
            "interconnectIP": None,
            "ipAddressList": [],
            "stackingDomainId": 1,
            "stackingDomainRole": "Master" if bay == group.bays[0] else "Subordinate",
            "portCount": len(ports),
            "ports": ports,
        },
        "interconnects",
    )


def _port(
    ic_uri: str, ic_id: str, ic_name: str, port: str, kind: str, linked: bool, bay: int | None
) -> dict[str, Any]:
    return {
        "type": "port",
        "uri": f"{ic_uri}/ports/{ic_id}:{port}",
        "portId": f"{ic_id}:{port}",
        "name": port,
        "portName": port,
        "interconnectName": ic_name,
        "portType": kind,
        "portStatus": "Linked" if linked else "Unlinked",
        "portStatusReason": "Active" if linked else "None",
        "enabled": True,
        "bayNumber": bay,
        "associatedUplinkSetUri": None,
        "capability": ["Ethernet", "FibreChannel", "EnetFcoe"] if kind == "Downlink" else
                      ["Ethernet", "FibreChannel"] if port in FC_UPLINK_PORTS else ["Ethernet"],
        "connectorType": "QSFP+SR4" if kind == "Uplink" else None,
    }  # fmt: skip


def _uplink_set(
    build: Build,
    uplink: topo.UplinkSet,
    li_uri: str,
    enclosure_uri: str,
    interconnects: dict[int, Doc],
) -> None:
    uri = f"/rest/uplink-sets/{build.ids.uuid()}"
    infos = []
    for bay, port in uplink.ports:
        ic = interconnects[bay]
        for entry in ic["ports"]:
            if entry["portName"] == port:
                entry["associatedUplinkSetUri"] = uri
                entry["portStatus"] = "Linked"
                entry["portStatusReason"] = "Active"
                port_uri = entry["uri"]
        infos.append(
            {
                "portUri": port_uri,
                "desiredSpeed": "Auto",
                "expectedNeighbor": None,
                "location": _location(
                    ("Enclosure", enclosure_uri), ("Bay", str(bay)), ("Port", port)
                ),
            }
        )
    build.add(
        {
            "uri": uri,
            "name": uplink.name,
            "description": None,
            "status": "OK",
            "state": "Normal",
            "reachability": "Reachable",
            "logicalInterconnectUri": li_uri,
            "networkType": "Ethernet",
            "ethernetNetworkType": uplink.kind,
            "connectionMode": "Auto",
            "lacpTimer": "Short",
            "networkUris": [build.uri("ethernet-networks", n) for n in uplink.networks],
            "fcNetworkUris": [],
            "fcoeNetworkUris": [],
            "nativeNetworkUri": None,
            "manualLoginRedistributionState": "NotSupported",
            "primaryPortLocation": None,
            "privateVlanDomains": [],
            "portConfigInfos": infos,
        },
        "uplink-sets",
    )


def _ethernet_settings(owner_uri: str) -> dict[str, Any]:
    return {
        "type": "EthernetInterconnectSettingsV7",
        "interconnectType": "Ethernet",
        "enableIgmpSnooping": False,
        "igmpIdleTimeoutInterval": 260,
        "enableFastMacCacheFailover": True,
        "macRefreshInterval": 5,
        "enableNetworkLoopProtection": True,
        "enablePauseFloodProtection": True,
        "enableRichTLV": False,
        "enableTaggedLldp": False,
        "dependentResourceUri": owner_uri,
        "uri": f"{owner_uri}/ethernetSettings",
    }


def _location(*entries: tuple[str, Any]) -> dict[str, Any]:
    key = "relativeValue" if all(isinstance(v, int) for _, v in entries) else "value"
    return {"locationEntries": [{"type": kind, key: value} for kind, value in entries]}


def _type_uri(type_id: str) -> str:
    return f"/rest/interconnect-types/{type_id}"


def _port_number(port: str) -> int:
    """Uplink ``Q3`` is logical port 63 on a VC SE module (Q1 = 61)."""
    digits = "".join(ch for ch in port if ch.isdigit())
    return 60 + int(digits or 0)
