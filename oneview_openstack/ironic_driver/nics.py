"""The network interfaces a server shows its operating system, and their MACs.

A NIC is named by its OneView port id (``Mezz 3:1-a``, ``Embedded 1:1``); its MAC is the one
the server presents **now**, which depends on the profile it carries:

- no profile (enrollment, out-of-band inspection): the hardware's own MACs, from the
  ``portMap``. A profile connection on port ``Mezz 3:1-a`` uses FlexNIC function ``a`` of
  that port, so with a template the NICs are its Ethernet connections (``portId`` -> the
  function's MAC), else each Ethernet port of the ``portMap`` with the MAC of its function
  ``a`` (the one a blade PXE-boots from), or its own MAC when it has no functions: a rack
  server (DL) reports its embedded, FlexibleLOM and PCI adapters that way
  (``location`` ``Embedded``, ``Flb``, ``Pci``; no interconnect, no ``virtualPorts``);
- a profile applied: its connections' MACs (:func:`profile_nics`). With ``macType``
  ``Physical`` they are the hardware's MACs again; with ``Virtual`` they come from
  OneView's pool when the profile is created, so the node's ports must follow the profile
  (:mod:`node_ports`), matched by port id.

The boot NIC is the connection with boot priority Primary (else Secondary), or without
connections the first Ethernet port. A server whose ``portMap`` is absent or empty (OneView
could not read its adapters) has no NIC OneView knows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from oneview_openstack import client

BOOT_PRIORITIES = (client.BootPriority.PRIMARY, client.BootPriority.SECONDARY)
FIRST_FUNCTION = "a"
UNPLACED_PORT_IDS = ("Auto", "None")


@dataclasses.dataclass(frozen=True)
class Nic:
    """One NIC: its MAC (lower case), OneView port id and whether it is the boot NIC."""

    mac: str
    port_id: str
    pxe: bool


def nics(
    server: client.ServerHardware, template: client.ServerProfileTemplate | None = None
) -> list[Nic]:
    """The server's NICs without a profile, boot NIC first marked ``pxe``; empty when OneView
    knows none."""
    found = _from_template(server, template) if template is not None else []
    return found or _from_port_map(server)


def profile_nics(profile: client.ServerProfile) -> list[Nic]:
    """The NICs as a profile presents them: its Ethernet connections' MACs (pool MACs with
    ``macType`` Virtual), boot connection first; empty before OneView assigned MACs.

    A connection OneView placed on no port of the ``portMap`` (``portId`` ``Auto``, as on
    a rack server whose adapters it does not report) is named ``connection <id>``.
    """
    named = [_named_connection(conn) for conn in profile.connections]
    return _from_connections(named, lambda conn: conn.mac)


def boot_nic(
    server: client.ServerHardware, template: client.ServerProfileTemplate | None = None
) -> Nic | None:
    """The NIC the server PXE-boots from, if OneView tells."""
    return next((nic for nic in nics(server, template) if nic.pxe), None)


def uses_virtual_macs(template: client.ServerProfileTemplate | None) -> bool:
    """True when the template's profiles give the server MACs from OneView's pool."""
    return template is not None and template.mac_type == client.MacType.VIRTUAL


def all_macs(server: client.ServerHardware) -> set[str]:
    """Every MAC of the ``portMap``: physical ports and their functions (lower case)."""
    macs = set()
    for port in server.ports:
        if port.mac:
            macs.add(port.mac.lower())
        macs.update(vp.mac.lower() for vp in port.virtual_ports if vp.mac)
    return macs


def _from_template(
    server: client.ServerHardware, template: client.ServerProfileTemplate
) -> list[Nic]:
    return _from_connections(
        template.connections, lambda conn: server.mac_for_port_id(conn.port_id or "")
    )


def _from_connections(
    connections: Sequence[client.ProfileConnection],
    mac_of: Callable[[client.ProfileConnection], str | None],
) -> list[Nic]:
    ethernet = [
        conn
        for conn in connections
        if conn.function_type == client.FunctionType.ETHERNET and conn.port_id
    ]
    boot_port = _boot_port_id(ethernet)
    found: dict[str, Nic] = {}
    for conn in ethernet:
        mac = mac_of(conn)
        if mac and mac.lower() not in found:
            port_id = conn.port_id or ""
            found[mac.lower()] = Nic(mac.lower(), port_id, pxe=port_id == boot_port)
    return sorted(found.values(), key=lambda nic: not nic.pxe)


def _named_connection(conn: client.ProfileConnection) -> client.ProfileConnection:
    if conn.port_id and conn.port_id not in UNPLACED_PORT_IDS:
        return conn
    return client.ProfileConnection({**conn.data, "portId": f"connection {conn.id}"})


def _boot_port_id(connections: list[client.ProfileConnection]) -> str | None:
    for priority in BOOT_PRIORITIES:
        for conn in connections:
            if conn.boot_priority == priority:
                return conn.port_id
    return None


def _from_port_map(server: client.ServerHardware) -> list[Nic]:
    result: list[Nic] = []
    for port in server.ethernet_ports:
        first = next(
            (vp for vp in port.virtual_ports if vp.port_function == FIRST_FUNCTION and vp.mac),
            None,
        )
        if first is not None and first.mac:
            nic = Nic(first.mac.lower(), port.function_port_id(FIRST_FUNCTION), pxe=not result)
        elif port.mac:
            nic = Nic(port.mac.lower(), port.port_id, pxe=not result)
        else:
            continue
        result.append(nic)
    return result
