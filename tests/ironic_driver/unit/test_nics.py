"""The NICs of a server and their MACs: blades, rack servers, profiles with Virtual MACs."""

from __future__ import annotations

from typing import Any

from oneview_openstack import client
from oneview_openstack.ironic_driver import facts, inspect, nics

# A DL360 Gen10 as OneView reports its adapters: no interconnect, no FlexNIC functions.
LOM_MACS = ["94:40:c9:3a:10:00", "94:40:c9:3a:10:01"]
FLR_MACS = ["b8:83:03:5c:22:a0", "b8:83:03:5c:22:a1"]


def _adapter(location: str, slot: int, name: str, macs: list[str]) -> dict[str, Any]:
    return {
        "location": location,
        "slotNumber": slot,
        "deviceNumber": slot,
        "deviceName": name,
        "physicalPorts": [
            {
                "type": "Ethernet",
                "portNumber": number,
                "mac": mac.upper(),
                "wwn": None,
                "interconnectUri": None,
                "interconnectPort": 0,
                "virtualPorts": [],
            }
            for number, mac in enumerate(macs, start=1)
        ],
    }


def rack_server(port_map: bool = True) -> client.ServerHardware:
    doc: dict[str, Any] = {
        "uri": "/rest/server-hardware/37333036-3831-584D-5131-303030323037",
        "name": "dl360-01.lab.example",
        "model": "ProLiant DL360 Gen10",
        "locationUri": None,
        "serverGroupUri": None,
        "processorType": "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz",
        "processorCount": 2,
        "processorCoreCount": 10,
        "memoryMb": 196608,
        "portMap": None,
    }
    if port_map:
        doc["portMap"] = {
            "deviceSlots": [
                _adapter("Embedded", 1, "HPE Ethernet 1Gb 4-port 331i Adapter", LOM_MACS),
                _adapter("Flb", 1, "HPE Ethernet 10/25Gb 2-port 631FLR-SFP28", FLR_MACS),
                {"location": "Pci", "slotNumber": 2, "deviceName": "", "physicalPorts": []},
            ]
        }
    return client.ServerHardware(doc)


def template(*connections: dict[str, Any], mac_type: str = "Physical") -> Any:
    return client.ServerProfileTemplate(
        {
            "uri": "/rest/server-profile-templates/t",
            "macType": mac_type,
            "connectionSettings": {"connections": list(connections)},
        }
    )


def connection(port_id: str, boot: str = "NotBootable", mac: str | None = None) -> dict:
    return {
        "id": 1,
        "functionType": "Ethernet",
        "portId": port_id,
        "boot": {"priority": boot},
        "mac": mac,
    }


def test_a_rack_servers_adapters_are_its_nics_the_first_port_boots() -> None:
    found = nics.nics(rack_server())

    assert found == [
        nics.Nic(LOM_MACS[0], "Embedded 1:1", pxe=True),
        nics.Nic(LOM_MACS[1], "Embedded 1:2", pxe=False),
        nics.Nic(FLR_MACS[0], "Flb 1:1", pxe=False),
        nics.Nic(FLR_MACS[1], "Flb 1:2", pxe=False),
    ]


def test_a_rack_template_without_connections_keeps_every_adapter_port() -> None:
    assert nics.nics(rack_server(), template()) == nics.nics(rack_server())


def test_a_rack_template_connection_picks_the_boot_nic() -> None:
    found = nics.nics(rack_server(), template(connection("Flb 1:2", boot="Primary")))

    assert found == [nics.Nic(FLR_MACS[1], "Flb 1:2", pxe=True)]


def test_a_rack_server_whose_adapters_oneview_does_not_report_has_no_nic() -> None:
    assert (nics.nics(rack_server(port_map=False)), nics.all_macs(rack_server(False))) == (
        [],
        set(),
    )


def test_the_rack_inventory_lists_its_interfaces_and_pxe_interface() -> None:
    found = facts.Facts(
        server=rack_server(),
        storage=None,
        hardware_type=client.ServerHardwareType({"uri": "/rest/server-hardware-types/dl"}),
        enclosure_group=None,
        template=None,
        firmware=None,
    )

    inventory = inspect.inventory(found)

    assert [i["mac_address"] for i in inventory["interfaces"]] == LOM_MACS + FLR_MACS
    assert inventory["boot"] == {"pxe_interface": LOM_MACS[0]}


def test_a_profile_presents_its_connections_pool_macs_boot_first() -> None:
    profile = client.ServerProfile(
        {
            "uri": "/rest/server-profiles/p",
            "macType": "Virtual",
            "connectionSettings": {
                "connections": [
                    connection("Mezz 3:2-a", mac="9A:A0:22:90:00:02"),
                    connection("Mezz 3:1-a", boot="Primary", mac="9A:A0:22:90:00:01"),
                ]
            },
        }
    )

    assert nics.profile_nics(profile) == [
        nics.Nic("9a:a0:22:90:00:01", "Mezz 3:1-a", pxe=True),
        nics.Nic("9a:a0:22:90:00:02", "Mezz 3:2-a", pxe=False),
    ]


def test_a_profile_oneview_gave_no_macs_yet_presents_none() -> None:
    profile = client.ServerProfile(
        {
            "uri": "/rest/server-profiles/p",
            "connectionSettings": {"connections": [connection("Mezz 3:1-a", "Primary")]},
        }
    )

    assert nics.profile_nics(profile) == []


def test_virtual_mac_templates_are_told_apart() -> None:
    assert [
        nics.uses_virtual_macs(t) for t in (template(mac_type="Virtual"), template(), None)
    ] == [True, False, False]


def test_profile_connections_on_no_known_port_are_named_by_connection_id() -> None:
    first, second = (
        connection("Auto", "Primary", mac="9A:A0:22:90:00:07"),
        connection("Auto", mac="9A:A0:22:90:00:08"),
    )
    second["id"] = 2
    profile = client.ServerProfile(
        {"uri": "/rest/server-profiles/p", "connectionSettings": {"connections": [first, second]}}
    )

    assert nics.profile_nics(profile) == [
        nics.Nic("9a:a0:22:90:00:07", "connection 1", pxe=True),
        nics.Nic("9a:a0:22:90:00:08", "connection 2", pxe=False),
    ]
