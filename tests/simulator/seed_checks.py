"""Consistency rules every seeded datacenter must satisfy (default file or generated).

Each rule returns a list of human-readable problems; an empty list means it holds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

Doc = dict[str, Any]

# Collections the simulator serves: a URI into one of them must name a document.
SERVED = {
    "server-hardware",
    "server-hardware-types",
    "enclosures",
    "enclosure-groups",
    "server-profiles",
    "server-profile-templates",
    "ethernet-networks",
    "network-sets",
    "connection-templates",
    "logical-interconnect-groups",
    "logical-interconnects",
    "uplink-sets",
    "interconnects",
    "firmware-drivers",
}
MAC = re.compile(r"^[0-9A-F]{2}(:[0-9A-F]{2}){5}$")


def by_collection(docs: list[Doc]) -> dict[str, list[Doc]]:
    result: dict[str, list[Doc]] = {}
    for doc in docs:
        parts = doc["uri"].split("/")
        result.setdefault(parts[2] if parts[1] == "rest" else parts[1], []).append(doc)
    return result


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")


def dangling_references(docs: list[Doc]) -> list[str]:
    uris = {doc["uri"] for doc in docs}
    problems = []
    for doc in docs:
        for path, text in strings(doc):
            if path == ".uri" or not text.startswith("/rest/"):
                continue
            parts = text.split("?")[0].split("/")
            if len(parts) < 4 or parts[2] not in SERVED:
                continue
            target = "/".join(parts[:4])
            if target not in uris:
                problems.append(f"{doc['uri']}{path} -> {text}")
    return problems


def hardware_macs(docs: list[Doc]) -> list[str]:
    """MACs of physical things (port maps, interconnects); profiles only copy them."""
    macs = []
    for doc in docs:
        if doc.get("category") in ("server-hardware", "interconnects"):
            macs += [t for _, t in strings(doc) if MAC.match(t)]
    return macs


def duplicates(values: list[str]) -> list[str]:
    return [value for value, count in Counter(values).items() if count > 1]


def server_problems(docs: list[Doc]) -> list[str]:
    cols = by_collection(docs)
    index = {doc["uri"]: doc for doc in docs}
    problems = []
    for sh in cols.get("server-hardware", []):
        name = sh["name"]
        sht = index[sh["serverHardwareTypeUri"]]
        if sht["model"] != sh["model"]:
            problems.append(f"{name}: model {sh['model']} but its type is {sht['model']}")
        if sh["locationUri"] is None:
            if sh["serverGroupUri"] is not None:
                problems.append(f"{name}: rack server in an enclosure group")
            problems += _rack_port_map_problems(sh, sht)
            continue
        enclosure = index[sh["locationUri"]]
        if enclosure["enclosureGroupUri"] != sh["serverGroupUri"]:
            problems.append(f"{name}: serverGroupUri differs from its enclosure's group")
        bay = enclosure["deviceBays"][sh["position"] - 1]
        if bay["deviceUri"] != sh["uri"] or bay["bayNumber"] != sh["position"]:
            problems.append(f"{name}: enclosure bay {sh['position']} does not point back")
        problems += _port_map_problems(sh, sht, enclosure, index)
    return problems


def _rack_port_map_problems(sh: Doc, sht: Doc) -> list[str]:
    """A rack server reports its type's adapters, each port with its own MAC, no
    interconnect and no FlexNIC function."""
    slots = (sh["portMap"] or {}).get("deviceSlots") or []
    found = {(slot["location"], slot["slotNumber"]): slot for slot in slots}
    wanted = {(adapter["location"], adapter["slot"]): adapter for adapter in sht["adapters"]}
    if set(found) != set(wanted):
        return [f"{sh['name']}: port map slots {sorted(found)} but its type has {sorted(wanted)}"]
    problems = []
    for key, slot in found.items():
        ports = slot["physicalPorts"]
        if len(ports) != len(wanted[key]["ports"]):
            problems.append(f"{sh['name']}: {key} has {len(ports)} ports")
        if any(p["interconnectUri"] or p["virtualPorts"] or not p["mac"] for p in ports):
            problems.append(f"{sh['name']}: {key} has a port with an interconnect or no MAC")
    return problems


def _port_map_problems(sh: Doc, sht: Doc, enclosure: Doc, index: dict[str, Doc]) -> list[str]:
    problems = []
    ports = {
        (slot["location"], slot["slotNumber"], port["portNumber"]): port
        for slot in sh["portMap"]["deviceSlots"]
        for port in slot["physicalPorts"]
    }
    expected = {
        (adapter["location"], adapter["slot"], port["number"]): port
        for adapter in sht["adapters"]
        for port in adapter["ports"]
    }
    if set(ports) != set(expected):
        problems.append(
            f"{sh['name']}: port map {sorted(ports)} != type adapters {sorted(expected)}"
        )
    bay_of = {b["interconnectUri"]: b["bayNumber"] for b in enclosure["interconnectBays"]}
    for key, port in ports.items():
        interconnect = index.get(port["interconnectUri"])
        if interconnect is None or interconnect["enclosureUri"] != enclosure["uri"]:
            problems.append(f"{sh['name']} {key}: interconnect not in its enclosure")
            continue
        if bay_of.get(interconnect["uri"]) != expected[key]["mapping"]:
            problems.append(f"{sh['name']} {key}: reaches bay {bay_of.get(interconnect['uri'])}")
        functions = [v["portFunction"] for v in port["virtualPorts"]]
        wanted = [v["portFunction"] for v in expected[key]["virtualPorts"]]
        if functions != wanted:
            problems.append(f"{sh['name']} {key}: functions {functions} != {wanted}")
    return problems


def fabric_problems(docs: list[Doc]) -> list[str]:
    cols = by_collection(docs)
    index = {doc["uri"]: doc for doc in docs}
    problems = []
    for li in cols.get("logical-interconnects", []):
        lig = index[li["logicalInterconnectGroupUri"]]
        enclosure = index[li["enclosureUris"][0]]
        group = index[enclosure["enclosureGroupUri"]]
        if lig["uri"] not in group["associatedLogicalInterconnectGroups"]:
            problems.append(f"{li['name']}: its group is not the enclosure group's")
        uplinks = {
            u["name"]: u for u in cols["uplink-sets"] if u["logicalInterconnectUri"] == li["uri"]
        }
        for template in lig["uplinkSets"]:
            made = uplinks.get(template["name"])
            carried = made and (made["networkUris"] or made.get("fcNetworkUris"))
            if made is None or carried != template["networkUris"]:
                problems.append(f"{li['name']}: uplink set {template['name']} differs from group")
    for network in cols.get("ethernet-networks", []) + cols.get("network-sets", []):
        if network["connectionTemplateUri"] not in index:
            problems.append(f"{network['name']}: no connection template")
    return problems
