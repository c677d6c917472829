"""The OneView side of a Neutron network: its Ethernet network and uplink-set memberships.

A managed network is named after the Neutron network, ``<name> (Neutron [<id>])``, or
``Neutron [<id>]`` when it has no name (networking-oneview's form, so its networks are
adopted, not duplicated). The id in the name is how a network is found again: re-running
a creation that half-failed adopts what it left behind.
"""

from __future__ import annotations

import dataclasses
import logging
import re

from neutron_lib import exceptions as n_exc

from oneview_openstack import client
from oneview_openstack.ml2.topology import Topology
from oneview_openstack.ml2.uplinks import UplinkSetUpdater, slots

LOG = logging.getLogger(__name__)

_NEUTRON_ID = re.compile(r"Neutron \[([0-9a-fA-F-]{36})\]")
_NAME_LIMIT = 200


class VlanInUse(n_exc.Conflict):  # type: ignore[misc]
    message = (
        "VLAN %(vlan)s of physical network %(physnet)s is already used by OneView network "
        "%(other)s (%(uri)s); OneView cannot carry two networks with one VLAN. Choose "
        "another segmentation id, or remove that VLAN from Neutron's network_vlan_ranges."
    )


class OneViewRefused(n_exc.ServiceUnavailable):  # type: ignore[misc]
    message = "OneView could not %(action)s for Neutron network %(network)s: %(reason)s"


@dataclasses.dataclass(frozen=True)
class NetworkSpec:
    """What a Neutron network needs from OneView."""

    neutron_id: str
    name: str
    physical_network: str
    vlan: int | None  # None: untagged

    @property
    def kind(self) -> client.EthernetNetworkType:
        if self.vlan is None:
            return client.EthernetNetworkType.UNTAGGED
        return client.EthernetNetworkType.TAGGED

    @property
    def oneview_name(self) -> str:
        return oneview_name(self.neutron_id, self.name)


def oneview_name(neutron_id: str, name: str | None) -> str:
    tag = f"Neutron [{neutron_id}]"
    label = (name or "").strip()[:_NAME_LIMIT]
    return f"{label} ({tag})" if label else tag


def neutron_id_of(oneview_network_name: str | None) -> str | None:
    """The Neutron network id a OneView network is named after, if any."""
    found = _NEUTRON_ID.search(oneview_network_name or "")
    return found.group(1).lower() if found else None


class NetworkFabric:
    """Creates, renames and deletes the OneView networks of Neutron networks."""

    def __init__(self, ov: client.OneViewClient, updater: UplinkSetUpdater) -> None:
        self._ov = ov
        self._updater = updater

    def create(self, spec: NetworkSpec, topology: Topology) -> str:
        """The network exists in OneView and in every mapped uplink set; its URI.

        Everything done here is undone when a step fails.

        :raises VlanInUse: another OneView network has the VLAN.
        :raises client.OneViewError: OneView refused (nothing left behind).
        """
        network, created = self._find_or_create(spec)
        try:
            targets = topology.targets(spec.physical_network, spec.kind)
            self._updater.change(slots(targets), add=[network.uri])
        except Exception:
            if created:
                self._delete_quietly(network.uri)
            raise
        return network.uri

    def join_uplink_sets(self, spec: NetworkSpec, uri: str, topology: Topology) -> None:
        """Add an existing network to its mapped uplink sets (those it is in are kept)."""
        targets = topology.targets(spec.physical_network, spec.kind)
        self._updater.change(slots(targets), add=[uri])

    def rename(self, uri: str, neutron_id: str, name: str | None) -> None:
        wanted = oneview_name(neutron_id, name)
        network = self._ov.ethernet_networks.get(uri)
        if network.name != wanted:
            network.name = wanted
            self._ov.ethernet_networks.update(network)

    def delete(self, uri: str) -> None:
        """Delete the network (OneView drops it from its uplink sets); gone already is fine."""
        try:
            self._ov.ethernet_networks.delete(uri)
        except client.NotFound:
            LOG.info("OneView network %s was already deleted", uri)

    def _find_or_create(self, spec: NetworkSpec) -> tuple[client.EthernetNetwork, bool]:
        existing = self._existing(spec)
        if existing is not None:
            LOG.info(
                "Neutron network %s: adopting OneView network %r (%s)",
                spec.neutron_id,
                existing.name,
                existing.uri,
            )
            return existing, False
        network = self._ov.ethernet_networks.create(
            spec.oneview_name, spec.vlan, network_type=spec.kind
        )
        LOG.info(
            "Neutron network %s: created OneView network %r (%s, VLAN %s)",
            spec.neutron_id,
            network.name,
            network.uri,
            spec.vlan if spec.vlan is not None else "untagged",
        )
        return network, True

    def _existing(self, spec: NetworkSpec) -> client.EthernetNetwork | None:
        """Our network from an earlier attempt; refuses a VLAN another network has."""
        if spec.vlan is None:
            candidates = self._ov.ethernet_networks.list([f"name matches '%{spec.neutron_id}%'"])
        else:
            candidates = self._ov.ethernet_networks.list({"vlanId": spec.vlan})
        others = []
        for network in candidates:
            if neutron_id_of(network.name) == spec.neutron_id.lower():
                return network
            others.append(network)
        clash = next((n for n in others if spec.vlan is not None and n.vlan_id == spec.vlan), None)
        if clash is not None:
            raise VlanInUse(
                vlan=spec.vlan,
                physnet=spec.physical_network,
                other=repr(clash.name),
                uri=clash.uri,
            )
        return None

    def _delete_quietly(self, uri: str) -> None:
        try:
            self.delete(uri)
        except Exception as error:  # the caller's error is the one to report
            LOG.error(
                "Could not delete OneView network %s after a failed creation: %s (the "
                "synchronization will remove it)",
                uri,
                error,
            )
