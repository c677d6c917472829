"""Compute documents: server hardware types, enclosure groups, enclosures (with
their bays), server hardware (blades with port maps, rack servers without) and
the local storage and firmware each server has."""

from __future__ import annotations

import re
from typing import Any

from oneview_openstack.simulator.seed import build_network, storage
from oneview_openstack.simulator.seed import topology as topo
from oneview_openstack.simulator.seed.build_profiles import FIRMWARE_BY_VERSION
from oneview_openstack.simulator.seed.builder import LOCAL_STORAGE, Build, Doc
from oneview_openstack.simulator.seed.catalog import (
    BLADE_CAPABILITIES,
    BOOT_CAPABILITIES,
    BOOT_MODES,
    FIRMWARE_COMPONENTS,
    FLEXNIC_FUNCTIONS,
    PXE_POLICIES,
    SERVER_CAPABILITIES,
    SERVER_MODELS,
    AdapterModel,
    ServerModel,
    bios_settings,
)

HALF_BAYS = topo.BAYS_PER_FRAME // 2
SERVER_FIRMWARE = "_server-firmware"  # installed component versions, per server
ENCLOSURE_TYPE_URI = "/rest/enclosure-types/SY12000"


def used_models(t: topo.Topology) -> list[str]:
    seen: dict[str, None] = {}
    for enclosure in t.enclosures:
        for _, server in enclosure.bays:
            seen[server.model] = None
    for server in t.rack_servers:
        seen[server.model] = None
    for template in t.templates:
        seen[template.hardware_type] = None
    return list(seen)


def add_hardware_types(build: Build) -> None:
    for short_model in used_models(build.topology):
        model = SERVER_MODELS[short_model]
        build.add(
            {
                "uri": f"/rest/server-hardware-types/{build.ids.upper_uuid()}",
                "name": model.sht_name,
                "description": None,
                "model": model.model,
                "formFactor": model.form_factor,
                "family": model.family,
                "platform": model.platform,
                "bootModes": list(BOOT_MODES),
                "bootCapabilities": list(BOOT_CAPABILITIES),
                "pxeBootPolicies": list(PXE_POLICIES),
                "capabilities": SERVER_CAPABILITIES + (BLADE_CAPABILITIES if model.blade else []),
                "storageCapabilities": {
                    "controllerModes": ["RAID", "HBA", "Mixed"],
                    "raidLevels": ["RAID0", "RAID1", "RAID1ADM", "RAID10", "RAID5", "RAID6"],
                    "driveTechnologies": ["SasHdd", "SataHdd", "SasSsd", "SataSsd"],
                    "maximumDrives": model.max_drives,
                },
                "adapters": [_sht_adapter(adapter, model) for adapter in model.adapters],
                "biosSettings": bios_settings(),
            },
            "server-hardware-types",
        )


def _sht_adapter(adapter: AdapterModel, model: ServerModel) -> dict[str, Any]:
    capabilities = ["Ethernet", "PXE"]
    if adapter.flexnics:
        capabilities = ["SRIOV", "PXE", "Ethernet", "FibreChannel", "AutoHideUnusedFlexNIC"]
    return {
        "location": adapter.location,
        "slot": adapter.slot,
        "deviceNumber": adapter.slot,
        "model": adapter.model,
        "capabilities": capabilities,
        "maxVFsSupported": 256 if adapter.flexnics else -1,
        "minVFsIncrement": 8 if adapter.flexnics else -1,
        "storageCapabilities": None,
        "ports": [
            {
                "number": port,
                "type": "Ethernet",
                "mapping": _mapping(adapter, port, model),
                "maxSpeedMbps": adapter.max_speed_mbps,
                "physicalFunctionCount": len(FLEXNIC_FUNCTIONS) if adapter.flexnics else 1,
                "maxVFsSupported": 128 if adapter.flexnics else -1,
                "supportedFcGbps": None,
                "virtualPorts": [
                    {
                        "portNumber": i + 1,
                        "portFunction": function,
                        "capabilities": _function_capabilities(function),
                    }
                    for i, function in enumerate(FLEXNIC_FUNCTIONS if adapter.flexnics else "")
                ],
            }
            for port in range(1, adapter.ports + 1)
        ],
    }


def _mapping(adapter: AdapterModel, port: int, model: ServerModel) -> int:
    """Interconnect bay a mezzanine port reaches (Mezz 3 -> bays 3 and 6)."""
    if not model.blade:
        return port
    return adapter.slot + (port - 1) * 3


def _function_capabilities(function: str) -> list[str]:
    if function == "a":
        return ["Ethernet", "PXE"]
    if function == "b":
        return ["Ethernet", "FibreChannel"]
    return ["Ethernet"]


def add_enclosure_groups(build: Build) -> None:
    for group in build.topology.enclosure_groups:
        lig = build.named("logical-interconnect-groups", group.interconnect_group)
        lig_spec = _lig_spec(build, group.interconnect_group)
        build.add(
            {
                "uri": f"/rest/enclosure-groups/{build.ids.uuid()}",
                "name": group.name,
                "description": None,
                "enclosureTypeUri": ENCLOSURE_TYPE_URI,
                "enclosureCount": 1,
                "interconnectBayMappingCount": len(lig_spec.bays),
                "interconnectBayMappings": [
                    {
                        "interconnectBay": bay,
                        "enclosureIndex": None,
                        "logicalInterconnectGroupUri": lig["uri"],
                    }
                    for bay in lig_spec.bays
                ],
                "associatedLogicalInterconnectGroups": [lig["uri"]],
                "portMappingCount": 6,
                "portMappings": [{"midplanePort": n, "interconnectBay": n} for n in range(1, 7)],
                "ipAddressingMode": "DHCP",
                "ipRangeUris": [],
                "powerMode": "RedundantPowerFeed",
                "ambientTemperatureMode": "Standard",
                "osDeploymentSettings": {
                    "manageOSDeployment": False,
                    "deploymentModeSettings": {
                        "deploymentMode": "None",
                        "deploymentNetworkUri": None,
                    },
                },
                "state": "Normal",
                "status": "OK",
            },
            "enclosure-groups",
        )


def _lig_spec(build: Build, name: str) -> topo.InterconnectGroup:
    return next(g for g in build.topology.interconnect_groups if g.name == name)


def add_enclosure(build: Build, enclosure: topo.Enclosure) -> None:
    """The frame, its fabric (interconnects, LI, uplink sets) and its blades."""
    uri = f"/rest/enclosures/000000{enclosure.serial}"
    group = next(g for g in build.topology.enclosure_groups if g.name == enclosure.group)
    lig = _lig_spec(build, group.interconnect_group)
    doc = _enclosure_document(build, enclosure, uri, group.name)
    build.add(doc, "enclosures")
    fabric = build_network.add_enclosure_fabric(build, enclosure, uri, lig)
    for bay in doc["interconnectBays"]:
        ic = fabric.interconnects.get(bay["bayNumber"])
        if ic is not None:
            bay.update(
                interconnectUri=ic["uri"],
                interconnectModel=ic["model"],
                partNumber=ic["partNumber"],
                serialNumber=ic["serialNumber"],
                logicalInterconnectUri=fabric.logical_interconnect_uri,
                devicePresence="Present",
            )
    ic_uris = fabric.uris()
    for bay, server in enclosure.bays:
        sh = _blade(build, server, enclosure, uri, bay, ic_uris, doc["enclosureGroupUri"])
        _fill_bay(doc, bay, sh, SERVER_MODELS[server.model])


def _enclosure_document(build: Build, enclosure: topo.Enclosure, uri: str, group: str) -> Doc:
    from oneview_openstack.simulator.seed.enclosure_parts import enclosure_document

    return enclosure_document(build.ids, enclosure, uri, build.uri("enclosure-groups", group) or "")


def _fill_bay(enclosure: Doc, bay: int, sh: Doc, model: ServerModel) -> None:
    full = model.form_factor == "FullHeight"
    entry = enclosure["deviceBays"][bay - 1]
    entry.update(
        devicePresence="Present",
        deviceUri=sh["uri"],
        coveredByDevice=sh["uri"],
        deviceFormFactor="DoubleHeightSingleWide" if full else "SingleHeightSingleWide",
        model=sh["model"],
        serialNumber=sh["serialNumber"],
        powerAllocationWatts=500 if full else 350,
        availableForHalfHeightProfile=not full,
        availableForFullHeightProfile=full,
    )
    if full:
        below = enclosure["deviceBays"][bay - 1 + HALF_BAYS]
        below.update(devicePresence="Subsumed", coveredByDevice=sh["uri"])


def _blade(
    build: Build,
    server: topo.Server,
    enclosure: topo.Enclosure,
    enclosure_uri: str,
    bay: int,
    ic_uris: dict[int, str],
    group_uri: str,
) -> Doc:
    model = SERVER_MODELS[server.model]
    doc = _server_document(build, server, f"{enclosure.name}, bay {bay}")
    doc.update(
        serverGroupUri=group_uri,
        locationUri=enclosure_uri,
        position=bay,
        portMap=_port_map(build, model, bay, ic_uris),
    )
    return _add_server(build, doc, server)


def add_rack_server(build: Build, server: topo.Server) -> None:
    doc = _server_document(build, server, server.name)
    model = SERVER_MODELS[server.model]
    doc.update(
        serverGroupUri=None,
        locationUri=None,
        position=None,
        portMap=_rack_port_map(build, model),
    )
    _add_server(build, doc, server)


def _rack_port_map(build: Build, model: ServerModel) -> Doc:
    """A rack server's adapters as OneView reads them from its iLO: embedded, FlexibleLOM
    and PCI slots, each port with its own MAC; no interconnect, no FlexNIC functions."""
    slots = []
    for adapter in model.adapters:
        macs = build.ids.mac_block(RACK_MAC_PREFIX, adapter.ports)
        slots.append(
            {
                "location": adapter.location,
                "slotNumber": adapter.slot,
                "deviceNumber": adapter.slot,
                "deviceName": adapter.model,
                "oaSlotNumber": adapter.slot,
                "physicalPorts": [
                    {
                        "type": "Ethernet",
                        "portNumber": index + 1,
                        "mac": mac,
                        "wwn": None,
                        "interconnectUri": None,
                        "interconnectPort": None,
                        "physicalInterconnectUri": None,
                        "physicalInterconnectPort": None,
                        "virtualPorts": [],
                    }
                    for index, mac in enumerate(macs)
                ],
            }
        )
    return {"deviceSlots": slots}


def _add_server(build: Build, doc: Doc, server: topo.Server) -> Doc:
    model = SERVER_MODELS[server.model]
    components = _installed_firmware(build, model)
    _show_firmware(doc, components)
    build.add(doc, "server-hardware")
    build.add_internal({"uri": f"/{SERVER_FIRMWARE}/{doc['uuid']}", "components": components})
    build.add_internal(
        {
            "uri": f"/{LOCAL_STORAGE}/{doc['uuid']}",
            **storage.local_storage(doc, model, server.disks_gb),
        }
    )
    return doc


def _installed_firmware(build: Build, model: ServerModel) -> dict[str, str]:
    """Component versions a server runs: those of the seed's newest service pack for its
    platform (a datacenter keeps its servers current); the factory versions without one."""
    family = "Synergy" if model.blade else "ProLiant"
    baselines = [
        doc
        for doc in (build.by_name.get(FIRMWARE_BY_VERSION) or {}).values()
        if family in doc["name"]
    ]
    if not baselines:
        return {c.name: c.factory_version for c in FIRMWARE_COMPONENTS}
    newest = max(baselines, key=lambda doc: str(doc["releaseDate"]))
    return {c["name"]: c["componentVersion"] for c in newest["fwComponents"]}


def _show_firmware(doc: Doc, components: dict[str, str]) -> None:
    """The server document's iLO and ROM versions follow its installed components."""
    ilo = components.get("HPE Integrated Lights-Out 5")
    rom = components.get("System ROM")
    if ilo:
        doc["mpFirmwareVersion"] = re.sub(r"^[\d.]+", ilo, str(doc["mpFirmwareVersion"]))
    if rom:
        doc["romVersion"] = re.sub(r"v[\d.]+", f"v{rom}", str(doc["romVersion"]))


def _server_document(build: Build, server: topo.Server, name: str) -> Doc:
    model = SERVER_MODELS[server.model]
    serial = build.ids.server_serial()
    uuid = build.ids.server_uuid(model.uuid_code, serial)
    uri = f"/rest/server-hardware/{uuid}"
    ip = build.ids.ip_address()
    return {
        "uri": uri,
        "uuid": uuid,
        "name": name,
        "description": None,
        "status": "OK",
        "state": "NoProfileApplied",
        "stateReason": "NotApplicable",
        "powerState": server.power,
        "powerLock": False,
        "uidState": "Off",
        "refreshState": "NotRefreshing",
        "maintenanceMode": False,
        "oneTimeBoot": "Normal",
        "serverProfileUri": None,
        "serverHardwareTypeUri": build.uri("server-hardware-types", model.sht_name),
        "formFactor": model.form_factor,
        "model": model.model,
        "shortModel": model.short_model,
        "generation": model.generation,
        "platform": model.platform,
        "partNumber": model.part_number,
        "serialNumber": serial,
        "virtualSerialNumber": "",
        "virtualUuid": None,
        "assetTag": "",
        "processorCount": server.processors,
        "processorCoreCount": server.cores,
        "processorSpeedMhz": model.processor_speed_mhz,
        "processorType": model.processor_type,
        "memoryMb": server.memory_mb,
        "romVersion": model.rom_version,
        "intelligentProvisioningVersion": "3.64",
        "mpModel": model.mp_model,
        "mpFirmwareVersion": model.mp_firmware,
        "mpState": "OK",
        "mpHostInfo": {
            "mpHostName": ip,
            "mpIpAddresses": [
                {"address": _link_local(ip), "type": "LinkLocal"},
                {"address": ip, "type": "Static"},
            ],
        },
        "licensingIntent": "OneView",
        "configurationState": "Managed",
        "migrationState": "NotApplicable",
        "supportState": "NotSupported",
        "signature": {"personalityChecksum": 0, "serverHwChecksum": _checksum(serial)},
        "serverSettings": {
            "hpSmartUpdateToolStatus": {
                "mode": None,
                "serviceState": None,
                "version": None,
                "lastOperationTime": None,
                "installState": None,
            },
            "firmwareAndDriversInstallState": {
                "installedStateTimestamp": None,
                "installState": None,
            },
        },
        "serverFirmwareInventoryUri": f"{uri}/firmware",
        "remoteSupportUri": f"/rest/support/server-hardware/{uuid}",
        "remoteSupportSettings": {
            "remoteSupportCurrentState": "Unregistered",
            "destination": None,
        },
        "supportDataCollectionsUri": (
            f"/rest/support/data-collections?deviceID={uuid}&category=server-hardware"
        ),
        "supportDataCollectionState": None,
        "supportDataCollectionType": None,
        "scopeUris": [],
    }


# Rack servers' NICs get MACs of their own block, so blades keep theirs.
RACK_MAC_PREFIX = "02:23:14"


def _port_map(build: Build, model: ServerModel, bay: int, ic_uris: dict[int, str]) -> Doc:
    slots: list[dict[str, Any]] = []
    adapters = {adapter.slot: adapter for adapter in model.adapters if adapter.location == "Mezz"}
    for slot in range(1, 4):
        adapter = adapters.get(slot)
        slots.append(
            {
                "location": "Mezz",
                "slotNumber": slot,
                "deviceNumber": slot,
                "deviceName": adapter.model if adapter else "",
                "physicalPorts": _physical_ports(build, adapter, model, bay, ic_uris)
                if adapter
                else [],
            }
        )
    return {"deviceSlots": slots}


def _physical_ports(
    build: Build, adapter: AdapterModel, model: ServerModel, bay: int, ic_uris: dict[int, str]
) -> list[dict[str, Any]]:
    per_port = 1 + len(FLEXNIC_FUNCTIONS)
    macs = build.ids.mac_block("02:23:13", adapter.ports * per_port)
    ports = []
    for index in range(adapter.ports):
        block = macs[index * per_port : (index + 1) * per_port]
        ic_uri = ic_uris.get(_mapping(adapter, index + 1, model))
        ports.append(
            {
                "type": "Ethernet",
                "portNumber": index + 1,
                "mac": block[0],
                "wwn": None,
                "interconnectUri": ic_uri,
                "interconnectPort": bay if ic_uri else None,
                "physicalInterconnectUri": ic_uri,
                "physicalInterconnectPort": bay if ic_uri else None,
                "virtualPorts": [
                    {
                        "portNumber": i + 1,
                        "portFunction": function,
                        "mac": block[i + 1],
                        "wwnn": f"20:00:{block[i + 1]}" if function == "b" else None,
                        "wwpn": f"10:00:{block[i + 1]}" if function == "b" else None,
                        "currentAllocatedVirtualFunctionCount": 0,
                    }
                    for i, function in enumerate(FLEXNIC_FUNCTIONS)
                ],
            }
        )
    return ports


def _link_local(ip: str) -> str:
    parts = [int(p) for p in ip.split(".")]
    return f"fe80:0:0:0:2:0:{parts[2]:x}:{parts[3]:x}"


def _checksum(serial: str) -> int:
    value = 0
    for ch in serial:
        value = (value * 31 + ord(ch)) & 0x7FFFFFFF
    return value
