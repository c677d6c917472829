"""The enclosure document of a Synergy 12000 frame, bays empty (blades and
interconnects are filled in by ``build_compute``)."""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator.seed import topology as topo
from oneview_openstack.simulator.seed.ids import Ids

Doc = dict[str, Any]
INTERCONNECT_BAYS = 6
FAN_BAYS = 10
POWER_SUPPLY_BAYS = 6


def enclosure_document(ids: Ids, enclosure: topo.Enclosure, uri: str, group_uri: str) -> Doc:
    serial = enclosure.serial
    enclosure_id = uri.rsplit("/", 1)[1]
    return {
        "uri": uri,
        "uuid": enclosure_id,
        "name": enclosure.name,
        "description": "",
        "serialNumber": serial,
        "partNumber": "797740-B21",
        "version": "G1",
        "enclosureModel": "Synergy 12000 Frame",
        "enclosureType": "SY12000",
        "enclosureTypeUri": "/rest/enclosure-types/SY12000",
        "enclosureGroupUri": group_uri,
        "logicalEnclosureUri": None,
        "state": "Configured",
        "stateReason": "None",
        "status": "OK",
        "uidState": "Off",
        "refreshState": "NotRefreshing",
        "reconfigurationState": "NotReapplyingConfiguration",
        "licensingIntent": "OneView",
        "isFwManaged": False,
        "forceInstallFirmware": False,
        "fwBaselineUri": None,
        "fwBaselineName": None,
        "frameLinkModuleDomain": "local",
        "powerMode": "RedundantPowerFeed",
        "powerCapacityWatts": 7950,
        "powerCapacityBoostWatts": 4000,
        "powerAllocatedWatts": 3950,
        "powerAvailableWatts": 4000,
        "minimumPowerSupplies": 2,
        "minimumPowerSuppliesForRedundantPowerFeed": 4,
        "deviceBayWatts": 3500,
        "interconnectBayWatts": 480,
        "fansAndManagementDevicesWatts": 650,
        "deviceBayCount": topo.BAYS_PER_FRAME,
        "deviceBays": [_device_bay(uri, bay) for bay in range(1, topo.BAYS_PER_FRAME + 1)],
        "interconnectBayCount": INTERCONNECT_BAYS,
        "interconnectBays": [_interconnect_bay(bay) for bay in range(1, INTERCONNECT_BAYS + 1)],
        "managerBayCount": 2,
        "managerBays": [_manager_bay(serial, bay) for bay in (1, 2)],
        "applianceBayCount": 2,
        "applianceBays": [_appliance_bay(bay) for bay in (1, 2)],
        "fanBayCount": FAN_BAYS,
        "fanBays": [_fan_bay(serial, bay) for bay in range(1, FAN_BAYS + 1)],
        "powerSupplyBayCount": POWER_SUPPLY_BAYS,
        "powerSupplyBays": [
            _power_supply_bay(serial, bay) for bay in range(1, POWER_SUPPLY_BAYS + 1)
        ],
        "remoteSupportUri": f"/rest/support/enclosures/{enclosure_id}",
        "remoteSupportSettings": {"destination": "", "remoteSupportCurrentState": "Unknown"},
        "supportDataCollectionsUri": (
            f"/rest/support/data-collections?deviceID={enclosure_id}&category=enclosures"
        ),
        "supportDataCollectionState": "",
        "supportDataCollectionType": "",
        "supportState": "Disabled",
        "scopeUris": [],
    }


def _device_bay(enclosure_uri: str, bay: int) -> dict[str, Any]:
    return {
        "type": "DeviceBayV300",
        "category": "device-bays",
        "uri": f"{enclosure_uri}/device-bays/{bay}",
        "bayNumber": bay,
        "bayPowerState": "Unknown",
        "changeState": "None",
        "devicePresence": "Absent",
        "deviceUri": "",
        "coveredByDevice": "",
        "profileUri": "",
        "coveredByProfile": "",
        "deviceBayType": "SY12000DeviceBay",
        "deviceFormFactor": "",
        "model": "",
        "serialNumber": "",
        "powerAllocationWatts": 0,
        "serialConsole": False,
        "ipv4Setting": "",
        "availableForHalfHeightProfile": True,
        "availableForFullHeightProfile": bay <= topo.BAYS_PER_FRAME // 2,
        "availableForHalfHeightDoubleWideProfile": False,
        "availableForFullHeightDoubleWideProfile": False,
        "created": "",
        "modified": "",
        "eTag": "",
    }


def _interconnect_bay(bay: int) -> dict[str, Any]:
    return {
        "bayNumber": bay,
        "bayPowerState": "Unknown",
        "changeState": "None",
        "devicePresence": "Absent",
        "interconnectBayType": "SY12000InterconnectBay",
        "interconnectModel": None,
        "interconnectUri": None,
        "logicalInterconnectUri": None,
        "partNumber": None,
        "serialNumber": None,
        "ipv4Setting": "",
        "powerAllocationWatts": 0,
        "serialConsole": False,
    }


def _manager_bay(serial: str, bay: int) -> dict[str, Any]:
    return {
        "bayNumber": bay,
        "bayPowerState": "Unknown",
        "changeState": "None",
        "devicePresence": "Present",
        "managerType": "EnclosureManager",
        "model": "HPE Synergy Frame Link Module",
        "partNumber": "802341-B21",
        "sparePartNumber": "807963-001",
        "serialNumber": f"{serial[:-2]}{bay:02d}",
        "fwVersion": "2.11",
        "fwBuildDate": "05/30/2023,12:00:00",
        "role": "Active" if bay == 1 else "Standby",
        "status": "OK",
        "uidState": "Off",
        "mgmtPortState": "Active" if bay == 1 else "Standby",
        "mgmtPortStatus": "OK",
        "mgmtPortLinkState": "Linked",
        "linkPortState": "Linked",
        "linkPortStatus": "OK",
        "linkPortIsolated": False,
        "linkPortSpeedGbs": "10",
        "negotiatedLinkPortSpeedGbs": 10,
        "mgmtPortSpeedGbs": "10",
        "negotiatedMgmtPortSpeedGbs": 10,
        "ipAddress": f"fe80::2:0:9:{bay}%eth2",
        # A frame alone in its management ring: the link ports join its own modules.
        "linkedEnclosure": {"bayNumber": 3 - bay, "serialNumber": serial},
        "mgmtPortNeighbor": {
            "description": "HPEFlexFabric5945",
            "ipAddress": f"fe80::2:0:d:{bay}",
            "macAddress": f"02:0D:{serial[-4:-2]}:{serial[-2:]}:00:0{bay}",
            "port": f"1/0/{bay}",
            "resourceUri": "",
        },
    }


def _appliance_bay(bay: int) -> dict[str, Any]:
    return {
        "bayNumber": bay,
        "bayPowerState": "Unknown",
        "devicePresence": "Absent",
        "model": "",
        "partNumber": "",
        "poweredOn": False,
        "serialNumber": "",
        "sparePartNumber": "",
        "status": "",
    }


def _fan_bay(serial: str, bay: int) -> dict[str, Any]:
    return {
        "bayNumber": bay,
        "changeState": "None",
        "devicePresence": "Present",
        "deviceRequired": True,
        "fanBayType": "SY12000FanBay",
        "model": "HPE Synergy Frame Fan Module",
        "partNumber": "809097-001",
        "serialNumber": f"3C{serial[-6:]}{bay:02d}",
        "sparePartNumber": "809097-001",
        "status": "OK",
    }


def _power_supply_bay(serial: str, bay: int) -> dict[str, Any]:
    return {
        "bayNumber": bay,
        "changeState": "None",
        "devicePresence": "Present",
        "model": "HPE 2650W AC Titanium Hot Plug Power Supply",
        "outputCapacityWatts": 2650,
        "partNumber": "798095-B21",
        "powerSupplyBayType": "SY12000PowerSupplyBay",
        "serialNumber": f"BD{serial[-6:]}{bay:02d}",
        "sparePartNumber": "798095-001",
        "status": "OK",
    }
