"""Server ports as profiles name them: ``"Mezz 3:1-a"`` = location, slot, port, FlexNIC function.

Built from the server hardware's ``portMap``: every FlexNIC (virtual port) of an
Ethernet or Fibre Channel physical port is one assignable port; adapters
without FlexNICs (rack servers) offer their physical ports (``"Flb 1:1"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]
PORT_ID = re.compile(
    r"^(?P<location>[A-Za-z]+)(?: ?(?P<slot>\d+))?:(?P<port>\d+)(?:-(?P<function>[a-h]))?$"
)
SPECIAL_PORT_IDS = ("Auto", "None")


@dataclass(frozen=True)
class Port:
    port_id: str
    function: str  # "a".."h", or "" for a physical port without FlexNICs
    port_type: str  # Ethernet | FibreChannel
    mac: str | None
    wwpn: str | None
    wwnn: str | None
    interconnect_uri: str | None
    max_mbps: int


def server_ports(server: Doc) -> list[Port]:
    """Every port a connection of a profile on ``server`` may use."""
    found = []
    for slot in (server.get("portMap") or {}).get("deviceSlots") or []:
        prefix = f"{slot.get('location')} {slot.get('slotNumber')}"
        for physical in slot.get("physicalPorts") or []:
            if physical.get("type") not in ("Ethernet", "FibreChannel"):
                continue
            found.extend(_ports_of(prefix, physical))
    return found


def _ports_of(prefix: str, physical: Doc) -> list[Port]:
    number = physical.get("portNumber")
    speed = int(physical.get("maxSpeedMbps") or 20000)
    interconnect = physical.get("interconnectUri")
    virtual = physical.get("virtualPorts") or []
    if not virtual:
        return [
            Port(
                f"{prefix}:{number}",
                "",
                physical["type"],
                physical.get("mac"),
                physical.get("wwn"),
                None,
                interconnect,
                speed,
            )
        ]
    return [
        Port(
            f"{prefix}:{number}-{flexnic.get('portFunction')}",
            str(flexnic.get("portFunction")),
            physical["type"],
            flexnic.get("mac"),
            flexnic.get("wwpn"),
            flexnic.get("wwnn"),
            interconnect,
            speed,
        )
        for flexnic in virtual
    ]


def find_port(server: Doc, port_id: str) -> Port | None:
    wanted = _normalized(port_id)
    for port in server_ports(server):
        if _normalized(port.port_id) == wanted:
            return port
    return None


def auto_port(server: Doc, function_type: str, taken: set[str]) -> Port | None:
    """OneView's choice for ``portId: Auto``: FlexNIC a of each port, then b, ...

    Fibre Channel connections take the first FC-capable function (b on a CNA).
    """
    candidates = [p for p in server_ports(server) if p.port_id not in taken]
    if function_type == "FibreChannel":
        candidates = [p for p in candidates if p.wwpn]
    candidates.sort(key=lambda p: (p.function, p.port_id))
    return candidates[0] if candidates else None


def is_valid_syntax(port_id: Any) -> bool:
    return isinstance(port_id, str) and (
        port_id in SPECIAL_PORT_IDS or bool(PORT_ID.match(port_id))
    )


def _normalized(port_id: str) -> str:
    match = PORT_ID.match(port_id)
    if not match:
        return port_id
    parts = match.groupdict()
    text = f"{parts['location']} {parts['slot'] or ''}".strip() + f":{parts['port']}"
    return text + (f"-{parts['function']}" if parts["function"] else "")
