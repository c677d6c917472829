"""A node's Ironic ports as the NICs of its server (:mod:`nics`), matched by OneView port id.

Each port the driver or the enrollment creates carries the NIC's OneView port id in
``extra/oneview_port_id``. That id, not the MAC, names the NIC: a profile with Virtual MACs
gives the same NIC another MAC, and :func:`follow` moves the port's address with it.

- :func:`create`: one port per NIC not enrolled yet (inspection);
- :func:`follow`: the ports of known NICs take the MAC (and PXE flag) the server presents
  now. Call it with :func:`nics.profile_nics` once a profile is applied, and with
  :func:`nics.nics` once it is removed (the hardware's MACs again);
- :func:`present`: both, e.g. after applying a profile to a rack server whose NICs OneView
  only knows from the profile's connections.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from ironic import objects
from ironic.common import exception

from oneview_openstack.ironic_driver.nics import Nic

LOG = logging.getLogger(__name__)

ONEVIEW_PORT_ID = "oneview_port_id"


def present(task: Any, found: Sequence[Nic]) -> None:
    """The node's ports as *found*: known NICs follow (:func:`follow`), new ones are created
    (:func:`create`)."""
    follow(task, found)
    create(task, found)


def create(task: Any, found: Sequence[Nic]) -> None:
    """One port per NIC; a MAC already enrolled (here or on another node) is left alone, and
    so is a NIC one of the node's ports already names."""
    node = task.node
    named = {_port_id(port) for port in task.ports} - {None}
    for nic in found:
        if nic.port_id in named:
            continue
        try:
            port = objects.Port(
                task.context,
                node_id=node.id,
                address=nic.mac,
                pxe_enabled=nic.pxe,
                extra={ONEVIEW_PORT_ID: nic.port_id},
            )
            port.create()
            LOG.info("Node %s: created port %s (%s)", node.uuid, nic.mac, nic.port_id)
        except exception.MACAlreadyExists:
            owner = objects.Port.get_by_address(task.context, nic.mac).node_id
            if owner != node.id:
                LOG.warning(
                    "Node %s: NIC %s (%s) is already a port of another node (id %s); "
                    "not enrolled here",
                    node.uuid,
                    nic.mac,
                    nic.port_id,
                    owner,
                )


def follow(task: Any, found: Sequence[Nic]) -> list[str]:
    """Give each port naming one of *found* (by ``extra/oneview_port_id``) that NIC's MAC
    and PXE flag; the port ids changed.

    Ports naming no NIC of *found* (added by hand, or NICs the profile does not connect)
    keep their address.

    :raises: MACAlreadyExists (naming the MAC) when another port holds the new MAC.
    """
    by_port_id = {nic.port_id: nic for nic in found}
    moves = [
        (port, nic)
        for port in task.ports
        if (nic := by_port_id.get(_port_id(port) or "")) is not None
        and (port.address.lower(), port.pxe_enabled) != (nic.mac, nic.pxe)
    ]
    _refuse_macs_of_other_nodes(task, [nic.mac for _, nic in moves])
    changed = []
    for port, nic in moves:
        old = port.address
        port.address = nic.mac
        port.pxe_enabled = nic.pxe
        port.save()
        changed.append(nic.port_id)
        LOG.info(
            "Node %s: port %s (%s) now has MAC %s (was %s)",
            task.node.uuid,
            port.uuid,
            nic.port_id,
            nic.mac,
            old,
        )
    return changed


def _refuse_macs_of_other_nodes(task: Any, macs: Sequence[str]) -> None:
    """Raise before any port changes, so a refused move leaves every port as it was."""
    for mac in macs:
        try:
            holder = objects.Port.get_by_address(task.context, mac)
        except exception.PortNotFound:
            continue
        if holder.node_id != task.node.id:
            raise exception.MACAlreadyExists(mac=mac)


def _port_id(port: Any) -> str | None:
    value = (port.extra or {}).get(ONEVIEW_PORT_ID)
    return str(value) if value else None
