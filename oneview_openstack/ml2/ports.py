"""Decisions about Neutron ports, without OneView writes: is a port ours, and what it needs.

A port is ours when it is a bare-metal port (``binding:vnic_type = baremetal``) whose
``local_link_information`` (the interconnect's MAC and downlink Ironic records) or MAC names
a NIC of a OneView server. A port group (bond) lists one local link per member NIC, so it
names several NICs. ``switch_info`` may be networking-oneview's JSON
(``{"server_hardware_id": ..., "bootable": ...}``): ``bootable`` is honoured.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Any

from neutron_lib.api.definitions import portbindings

from oneview_openstack.ml2.servers import Nic, ServerIndex

#: Profile connections this driver made are named after the Neutron port.
CONNECTION_PREFIX = "Neutron port "
#: networking-oneview's connection names: "NeutronPort[<mac>]".
LEGACY_PREFIX = "NeutronPort["


@dataclasses.dataclass(frozen=True)
class PortPlan:
    """The NICs a port plugs into and how."""

    port_id: str
    nics: tuple[Nic, ...]
    bootable: bool = False
    bond: bool = False  # several NICs of a port group, aggregated (LACP)

    @property
    def connection_name(self) -> str:
        return connection_name(self.port_id)


def connection_name(port_id: str) -> str:
    return f"{CONNECTION_PREFIX}{port_id}"


def port_of_connection(name: str | None) -> str | None:
    """The Neutron port id a connection was named after, if this driver made it."""
    if name and name.startswith(CONNECTION_PREFIX):
        return name[len(CONNECTION_PREFIX) :].strip() or None
    return None


def is_baremetal(port: Mapping[str, Any]) -> bool:
    return bool(port.get(portbindings.VNIC_TYPE) == portbindings.VNIC_BAREMETAL)


def local_links(port: Mapping[str, Any]) -> list[dict[str, Any]]:
    profile = port.get(portbindings.PROFILE) or {}
    links = profile.get("local_link_information") or []
    return [link for link in links if isinstance(link, dict)]


def plan(port: Mapping[str, Any], index: ServerIndex) -> PortPlan | None:
    """The NICs of a bare-metal port, or None when it names no OneView NIC (not ours)."""
    if not is_baremetal(port):
        return None
    links = local_links(port)
    nics: list[Nic] = []
    for link in links:
        nic = _nic_of_link(link, index)
        if nic is not None and nic not in nics:
            nics.append(nic)
    if not nics and port.get("mac_address"):
        nic = index.by_mac(str(port["mac_address"]))
        if nic is not None:
            nics.append(nic)
    if not nics or any(nic.rack_server for nic in nics):
        return None  # a rack server has no Virtual Connect: nothing for OneView to wire
    if len({nic.server_uri for nic in nics}) > 1:
        return None  # one port, one server
    return PortPlan(
        port_id=str(port["id"]),
        nics=tuple(nics),
        bootable=any(_bootable(link) for link in links),
        bond=len(nics) > 1 and _is_lacp(port),
    )


def _nic_of_link(link: Mapping[str, Any], index: ServerIndex) -> Nic | None:
    switch_id, port_name = link.get("switch_id"), link.get("port_id")
    if isinstance(switch_id, str) and isinstance(port_name, str):
        return index.by_local_link(switch_id, port_name)
    return None


def _switch_info(link: Mapping[str, Any]) -> dict[str, Any]:
    info = link.get("switch_info")
    if isinstance(info, str) and info.strip().startswith("{"):
        try:
            info = json.loads(info)
        except ValueError:
            return {}
    return info if isinstance(info, dict) else {}


def _bootable(link: Mapping[str, Any]) -> bool:
    value = _switch_info(link).get("bootable")
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1")
    return bool(value)


def _is_lacp(port: Mapping[str, Any]) -> bool:
    group = (port.get(portbindings.PROFILE) or {}).get("local_group_information") or {}
    mode = str(group.get("bond_mode") or "").lower()
    return mode in ("802.3ad", "4")


def bound_by(levels: Sequence[Mapping[str, Any]] | None, driver: str) -> bool:
    """Is the port's bottom binding level this driver's?"""
    return bool(levels) and bool(levels[-1].get("bound_driver") == driver)  # type: ignore[index]
