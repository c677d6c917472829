"""The network interfaces a server shows its operating system, from OneView's ``portMap``.

With a Physical-MAC template (which the driver requires) a profile connection on port
``Mezz 3:1-a`` uses the MAC of FlexNIC function ``a`` of that port, so:

- with a template, the NICs are its Ethernet connections (``portId`` -> MAC), and the boot
  NIC is the connection with boot priority Primary (else Secondary);
- without one, each Ethernet port of the ``portMap`` is one NIC with the MAC of its function
  ``a`` (the one a blade PXE-boots from), and the boot NIC is the first.

Rack servers report no ``portMap``: OneView does not know their NICs.
"""

from __future__ import annotations

import dataclasses

from oneview_openstack import client

BOOT_PRIORITIES = (client.BootPriority.PRIMARY, client.BootPriority.SECONDARY)
FIRST_FUNCTION = "a"


@dataclasses.dataclass(frozen=True)
class Nic:
    """One NIC: its MAC (lower case), OneView port id and whether it is the boot NIC."""

    mac: str
    port_id: str
    pxe: bool


def nics(
    server: client.ServerHardware, template: client.ServerProfileTemplate | None = None
) -> list[Nic]:
    """The server's NICs, boot NIC first marked ``pxe``; empty when OneView knows none."""
    found = _from_template(server, template) if template is not None else []
    return found or _from_port_map(server)


def boot_nic(
    server: client.ServerHardware, template: client.ServerProfileTemplate | None = None
) -> Nic | None:
    """The NIC the server PXE-boots from, if OneView tells."""
    return next((nic for nic in nics(server, template) if nic.pxe), None)


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
    ethernet = [
        conn
        for conn in template.connections
        if conn.function_type == client.FunctionType.ETHERNET and conn.port_id
    ]
    boot_port = _boot_port_id(ethernet)
    found: dict[str, Nic] = {}
    for conn in ethernet:
        mac = server.mac_for_port_id(conn.port_id or "")
        if mac and mac.lower() not in found:
            port_id = conn.port_id or ""
            found[mac.lower()] = Nic(mac.lower(), port_id, pxe=port_id == boot_port)
    return sorted(found.values(), key=lambda nic: not nic.pxe)


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
