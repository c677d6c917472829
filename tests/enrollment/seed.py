"""The simulator's default datacenter, built in process, as the client's resources.

Unit tests of enrollment decide from real-shaped documents without a running appliance.
"""

from __future__ import annotations

import functools
from typing import Any

from oneview_openstack import client
from oneview_openstack.client.versions import profile_from_wire
from oneview_openstack.enrollment import Catalog, TemplateBundle
from oneview_openstack.simulator.config import SimulatorConfig
from oneview_openstack.simulator.seed import load_datacenter

TEMPLATE = "SPT-Prod-SY480"


@functools.cache
def documents() -> tuple[dict[str, Any], ...]:
    return tuple(load_datacenter(SimulatorConfig()).documents)


def of(category: str) -> list[dict[str, Any]]:
    prefix = f"/rest/{category}/"
    return [dict(doc) for doc in documents() if str(doc.get("uri", "")).startswith(prefix)]


def named(category: str, name: str) -> dict[str, Any]:
    return next(doc for doc in of(category) if doc.get("name") == name)


def by_uri(category: str, uri: str) -> dict[str, Any]:
    return next(doc for doc in of(category) if doc["uri"] == uri)


def server(name: str) -> client.ServerHardware:
    return client.ServerHardware(named("server-hardware", name))


def bundle(template_name: str = TEMPLATE) -> TemplateBundle:
    template = client.ServerProfileTemplate(
        profile_from_wire(named("server-profile-templates", template_name))
    )
    firmware = template.firmware_baseline_uri
    return TemplateBundle(
        template=template,
        hardware_type=client.ServerHardwareType(
            by_uri("server-hardware-types", template.server_hardware_type_uri or "")
        ),
        enclosure_group=client.EnclosureGroup(
            by_uri("enclosure-groups", template.enclosure_group_uri or "")
        ),
        firmware=client.FirmwareDriver(by_uri("firmware-drivers", firmware)) if firmware else None,
    )


def interconnects() -> dict[str, client.Interconnect]:
    return {doc["uri"]: client.Interconnect(doc) for doc in of("interconnects")}


def catalog(template_name: str = TEMPLATE) -> Catalog:
    found = bundle(template_name)
    fits = [
        client.ServerHardware(doc)
        for doc in of("server-hardware")
        if doc.get("serverHardwareTypeUri") == found.hardware_type.uri
        and doc.get("serverGroupUri") == found.enclosure_group.uri  # type: ignore[union-attr]
    ]
    return Catalog(bundle=found, servers=tuple(fits), interconnects=interconnects())


def storage(*drives_gib: int, volume_gib: int | None = None) -> dict[str, Any]:
    """What ``GET .../localStorage`` answers for a controller with these drives."""
    controller: dict[str, Any] = {
        "PhysicalDrives": [{"CapacityMiB": gib * 1024} for gib in drives_gib],
        "LogicalDrives": [],
    }
    if volume_gib is not None:
        controller["LogicalDrives"] = [{"LogicalDriveNumber": 1, "CapacityMiB": volume_gib * 1024}]
    return {"data": [controller]}


RACK = "dl360-01.lab.example"
RACK_TEMPLATE = "SPT-Rack-DL360"
# What OneView reports of a DL360's adapters: no interconnect, no FlexNIC functions. (The
# simulator's rack servers have no portMap at all: OneView could not read their adapters.)
RACK_ADAPTERS = {
    ("Embedded", 1): ["94:40:C9:3A:10:00", "94:40:C9:3A:10:01"],
    ("Flb", 1): ["B8:83:03:5C:22:A0", "B8:83:03:5C:22:A1"],
}


def rack_server(adapters: bool = True) -> client.ServerHardware:
    doc = named("server-hardware", RACK)
    if adapters:
        doc["portMap"] = {
            "deviceSlots": [
                {
                    "location": location,
                    "slotNumber": slot,
                    "physicalPorts": [
                        {"type": "Ethernet", "portNumber": n, "mac": mac, "virtualPorts": []}
                        for n, mac in enumerate(macs, start=1)
                    ],
                }
                for (location, slot), macs in RACK_ADAPTERS.items()
            ]
        }
    else:  # OneView could not read the adapters from the iLO
        doc["portMap"] = None
    return client.ServerHardware(doc)


def rack_bundle() -> TemplateBundle:
    template = client.ServerProfileTemplate(
        profile_from_wire(named("server-profile-templates", RACK_TEMPLATE))
    )
    return TemplateBundle(
        template=template,
        hardware_type=client.ServerHardwareType(
            by_uri("server-hardware-types", template.server_hardware_type_uri or "")
        ),
        enclosure_group=None,
        firmware=None,
    )
