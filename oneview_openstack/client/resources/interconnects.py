"""Interconnects, logical interconnect groups, logical interconnects and uplink sets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from oneview_openstack.client.constants import ConsistencyStatus, EthernetNetworkType, parse_enum
from oneview_openstack.client.resources.base import Ref, Resource, ResourceManager
from oneview_openstack.client.tasks import Task


class Interconnect(Resource):
    """An interconnect module (a switch in an enclosure's interconnect bay)."""

    category = "interconnects"

    @property
    def mac(self) -> str | None:
        """``interconnectMAC``: the switch's MAC (Ironic's ``local_link_connection`` id)."""
        return self.data.get("interconnectMAC") or None

    @staticmethod
    def downlink_port_name(port_number: int) -> str:
        """The name of the downlink a device bay's NIC plugs into (``d<bay>``)."""
        return f"d{port_number}"


class InterconnectManager(ResourceManager[Interconnect]):
    """``client.interconnects`` (read only)."""

    category = "interconnects"
    model = Interconnect


class LogicalInterconnectGroup(Resource):
    category = "logical-interconnect-groups"

    @property
    def uplink_sets(self) -> list[dict[str, Any]]:
        """The group's uplink set templates (raw; edit ``networkUris`` in place)."""
        return list(self.data.get("uplinkSets") or [])

    def uplink_set(self, name: str) -> dict[str, Any] | None:
        """The uplink set template named *name* (the live dict), or None."""
        for uplink in self.data.get("uplinkSets") or []:
            if uplink.get("name") == name:
                return uplink  # type: ignore[no-any-return]
        return None

    @property
    def internal_network_uris(self) -> list[str]:
        return list(self.data.get("internalNetworkUris") or [])

    @property
    def enclosure_type(self) -> str | None:
        return self.data.get("enclosureType")


class LogicalInterconnectGroupManager(ResourceManager[LogicalInterconnectGroup]):
    """``client.logical_interconnect_groups``."""

    category = "logical-interconnect-groups"
    model = LogicalInterconnectGroup

    def update(
        self, group: LogicalInterconnectGroup, *, timeout: float | None = None
    ) -> LogicalInterconnectGroup:
        """PUT the edited group with ``If-Match``; ``ETagMismatch`` if it changed meanwhile."""
        return self._update(group, timeout=timeout)

    def modify(
        self,
        ref: Ref,
        change: Callable[[LogicalInterconnectGroup], bool | None],
        *,
        timeout: float | None = None,
    ) -> LogicalInterconnectGroup:
        """Read, ``change(group)`` in place, update; re-applied on a stale eTag."""
        return self._modify(ref, change, timeout=timeout)


class LogicalInterconnect(Resource):
    category = "logical-interconnects"

    @property
    def logical_interconnect_group_uri(self) -> str | None:
        return self.data.get("logicalInterconnectGroupUri") or None

    @property
    def consistency_status(self) -> ConsistencyStatus:
        return parse_enum(ConsistencyStatus, self.data.get("consistencyStatus"))

    @property
    def enclosure_uris(self) -> list[str]:
        return list(self.data.get("enclosureUris") or [])

    @property
    def interconnect_uris(self) -> list[str]:
        return list(self.data.get("interconnects") or [])


class LogicalInterconnectManager(ResourceManager[LogicalInterconnect]):
    """``client.logical_interconnects``."""

    category = "logical-interconnects"
    model = LogicalInterconnect

    def update_compliance(
        self, ref: Ref, *, wait: bool = True, timeout: float | None = None
    ) -> Task:
        """Bring the LI back in line with its group (``PUT .../compliance``)."""
        response = self._send("PUT", f"{self.uri(ref)}/compliance")
        return self._finish_task(response, wait=wait, timeout=timeout)

    def set_internal_networks(
        self,
        ref: Ref,
        network_uris: Sequence[str],
        *,
        wait: bool = True,
        timeout: float | None = None,
    ) -> Task:
        """Replace the LI's internal networks (``PUT .../internalNetworks``)."""
        response = self._send("PUT", f"{self.uri(ref)}/internalNetworks", list(network_uris))
        return self._finish_task(response, wait=wait, timeout=timeout)

    def internal_vlans(self, ref: Ref) -> list[dict[str, Any]]:
        """Members of ``GET .../internalVlans`` (``generalNetworkUri``, ``internalVlanId``)."""
        body = self._get_json(f"{self.uri(ref)}/internalVlans")
        members = body.get("members") if isinstance(body, dict) else body
        return list(members or [])

    def internal_network_uris(self, ref: Ref) -> list[str]:
        """The ethernet networks of the LI's internal VLANs."""
        uris = (item.get("generalNetworkUri") for item in self.internal_vlans(ref))
        return [uri for uri in uris if uri]


class UplinkSet(Resource):
    category = "uplink-sets"

    @property
    def logical_interconnect_uri(self) -> str | None:
        return self.data.get("logicalInterconnectUri") or None

    @property
    def network_uris(self) -> list[str]:
        return list(self.data.get("networkUris") or [])

    @network_uris.setter
    def network_uris(self, uris: Sequence[str]) -> None:
        self.data["networkUris"] = list(uris)

    @property
    def ethernet_network_type(self) -> EthernetNetworkType:
        return parse_enum(EthernetNetworkType, self.data.get("ethernetNetworkType"))

    @property
    def network_type(self) -> str | None:
        return self.data.get("networkType")


class UplinkSetManager(ResourceManager[UplinkSet]):
    """``client.uplink_sets``."""

    category = "uplink-sets"
    model = UplinkSet

    def update(self, uplink_set: UplinkSet, *, timeout: float | None = None) -> UplinkSet:
        """PUT the edited uplink set with ``If-Match``."""
        return self._update(uplink_set, timeout=timeout)

    def modify(
        self, ref: Ref, change: Callable[[UplinkSet], bool | None], *, timeout: float | None = None
    ) -> UplinkSet:
        """Read, ``change(uplink_set)`` in place, update; re-applied on a stale eTag."""
        return self._modify(ref, change, timeout=timeout)

    def add_networks(
        self, ref: Ref, network_uris: Sequence[str], *, timeout: float | None = None
    ) -> UplinkSet:
        """Add networks (those already present are kept once); no update if nothing is new."""

        def change(uplink: UplinkSet) -> bool:
            new = [uri for uri in network_uris if uri not in uplink.network_uris]
            uplink.network_uris = uplink.network_uris + list(dict.fromkeys(new))
            return bool(new)

        return self.modify(ref, change, timeout=timeout)

    def remove_networks(
        self, ref: Ref, network_uris: Sequence[str], *, timeout: float | None = None
    ) -> UplinkSet:
        """Remove networks; no update if none of them is there."""
        unwanted = set(network_uris)

        def change(uplink: UplinkSet) -> bool:
            kept = [uri for uri in uplink.network_uris if uri not in unwanted]
            changed = len(kept) != len(uplink.network_uris)
            uplink.network_uris = kept
            return changed

        return self.modify(ref, change, timeout=timeout)

    def delete(self, ref: Ref, *, wait: bool = True, timeout: float | None = None) -> Task:
        return self._delete(ref, wait=wait, timeout=timeout)
