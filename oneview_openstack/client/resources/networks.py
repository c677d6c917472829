"""Ethernet networks, network sets and connection templates."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Literal, overload

from oneview_openstack.client import versions
from oneview_openstack.client.constants import EthernetNetworkType, NetworkPurpose, parse_enum
from oneview_openstack.client.resources.base import Ref, Resource, ResourceManager
from oneview_openstack.client.tasks import Task

VLAN_MIN, VLAN_MAX = 1, 4094
_RANGE_ITEM = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


class EthernetNetwork(Resource):
    category = "ethernet-networks"

    @property
    def vlan_id(self) -> int | None:
        value = self.data.get("vlanId")
        return int(value) if value not in (None, "") else None

    @property
    def ethernet_network_type(self) -> EthernetNetworkType:
        return parse_enum(EthernetNetworkType, self.data.get("ethernetNetworkType"))

    @property
    def purpose(self) -> NetworkPurpose:
        return parse_enum(NetworkPurpose, self.data.get("purpose"))

    @property
    def smart_link(self) -> bool:
        return bool(self.data.get("smartLink"))

    @property
    def private_network(self) -> bool:
        return bool(self.data.get("privateNetwork"))

    @property
    def connection_template_uri(self) -> str | None:
        return self.data.get("connectionTemplateUri") or None


class NetworkSet(Resource):
    category = "network-sets"

    @property
    def network_uris(self) -> list[str]:
        return list(self.data.get("networkUris") or [])

    @network_uris.setter
    def network_uris(self, uris: Sequence[str]) -> None:
        self.data["networkUris"] = list(uris)

    @property
    def native_network_uri(self) -> str | None:
        return self.data.get("nativeNetworkUri") or None

    @property
    def connection_template_uri(self) -> str | None:
        return self.data.get("connectionTemplateUri") or None


class ConnectionTemplate(Resource):
    category = "connection-templates"

    @property
    def typical_bandwidth(self) -> int | None:
        return (self.data.get("bandwidth") or {}).get("typicalBandwidth")

    @property
    def maximum_bandwidth(self) -> int | None:
        return (self.data.get("bandwidth") or {}).get("maximumBandwidth")

    def set_bandwidth(self, *, typical: int | None = None, maximum: int | None = None) -> None:
        """Change the bandwidth in Mb/s (send with ``connection_templates.update``)."""
        bandwidth = self.data.setdefault("bandwidth", {})
        if typical is not None:
            bandwidth["typicalBandwidth"] = typical
        if maximum is not None:
            bandwidth["maximumBandwidth"] = maximum


def parse_vlan_range(vlans: str | Sequence[int]) -> list[int]:
    """``"1-10,15"`` or ``[1, 2, 15]`` -> sorted distinct VLAN ids, each within 1..4094."""
    if isinstance(vlans, str):
        ids: list[int] = []
        for item in vlans.split(","):
            match = _RANGE_ITEM.match(item)
            if not match:
                raise ValueError(
                    f"vlan_id_range {vlans!r}: {item!r} is not 'N' or 'N-M' (e.g. '1-10,15')"
                )
            low = int(match.group(1))
            high = int(match.group(2) or low)
            if high < low:
                raise ValueError(f"vlan_id_range {vlans!r}: range {item.strip()!r} is reversed")
            _check_vlan(max(low, high))  # before expanding "1-999999999" into a list
            ids.extend(range(low, high + 1))
    else:
        ids = [int(v) for v in vlans]
    for vlan in ids:
        _check_vlan(vlan)
    if not ids:
        raise ValueError("vlan_id_range names no VLAN")
    return sorted(set(ids))


def _check_vlan(vlan: int) -> None:
    if not VLAN_MIN <= vlan <= VLAN_MAX:
        raise ValueError(f"VLAN id {vlan} is outside {VLAN_MIN}..{VLAN_MAX}")


def _format_vlan_range(ids: list[int]) -> str:
    parts, start = [], ids[0]
    for previous, current in zip(ids, ids[1:] + [None], strict=True):
        if current is None or current != previous + 1:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
            start = current if current is not None else start
    return ",".join(parts)


class EthernetNetworkManager(ResourceManager[EthernetNetwork]):
    """``client.ethernet_networks``."""

    category = "ethernet-networks"
    model = EthernetNetwork

    @overload
    def create(
        self,
        name: str,
        vlan_id: int | None = ...,
        *,
        network_type: EthernetNetworkType = ...,
        purpose: NetworkPurpose = ...,
        smart_link: bool = ...,
        private_network: bool = ...,
        wait: Literal[True] = ...,
        timeout: float | None = ...,
    ) -> EthernetNetwork: ...
    @overload
    def create(
        self,
        name: str,
        vlan_id: int | None = ...,
        *,
        network_type: EthernetNetworkType = ...,
        purpose: NetworkPurpose = ...,
        smart_link: bool = ...,
        private_network: bool = ...,
        wait: Literal[False],
        timeout: float | None = ...,
    ) -> Task: ...
    def create(
        self,
        name: str,
        vlan_id: int | None = None,
        *,
        network_type: EthernetNetworkType = EthernetNetworkType.TAGGED,
        purpose: NetworkPurpose = NetworkPurpose.GENERAL,
        smart_link: bool = False,
        private_network: bool = False,
        wait: bool = True,
        timeout: float | None = None,
    ) -> EthernetNetwork | Task:
        """Create a network; a Tagged network needs *vlan_id* within 1..4094."""
        network_type = EthernetNetworkType(network_type)
        tagged = network_type == EthernetNetworkType.TAGGED
        if tagged and (vlan_id is None or not VLAN_MIN <= vlan_id <= VLAN_MAX):
            raise ValueError(
                f"ethernet network {name!r}: a Tagged network needs vlan_id within "
                f"{VLAN_MIN}..{VLAN_MAX}, got {vlan_id!r}"
            )
        body: dict[str, Any] = {
            "type": versions.resource_type(self.category, self._transport.api_version),
            "name": name,
            "ethernetNetworkType": str(network_type),
            "purpose": str(NetworkPurpose(purpose)),
            "smartLink": smart_link,
            "privateNetwork": private_network,
        }
        if vlan_id is not None:
            body["vlanId"] = vlan_id
        response = self._send("POST", self.path, body)
        return self._finish(response, wait=wait, timeout=timeout)

    def create_bulk(
        self,
        name_prefix: str,
        vlan_id_range: str | Sequence[int],
        *,
        purpose: NetworkPurpose = NetworkPurpose.GENERAL,
        smart_link: bool = False,
        private_network: bool = False,
        typical_bandwidth: int | None = None,
        maximum_bandwidth: int | None = None,
        timeout: float | None = None,
    ) -> list[EthernetNetwork]:
        """Create Tagged networks ``<prefix>_<vlan>`` for every VLAN of the range, in one task."""
        if not name_prefix or "'" in name_prefix or '"' in name_prefix:
            raise ValueError(
                f"name_prefix must be non-empty and without quotes, got {name_prefix!r}"
            )
        ids = parse_vlan_range(vlan_id_range)
        api = self._transport.api_version
        body: dict[str, Any] = {
            "type": versions.resource_type("ethernet-networks/bulk", api),
            "namePrefix": name_prefix,
            "vlanIdRange": _format_vlan_range(ids),
            "purpose": str(NetworkPurpose(purpose)),
            "smartLink": smart_link,
            "privateNetwork": private_network,
        }
        if typical_bandwidth is not None or maximum_bandwidth is not None:
            body["bandwidth"] = {
                k: v
                for k, v in (
                    ("typicalBandwidth", typical_bandwidth),
                    ("maximumBandwidth", maximum_bandwidth),
                )
                if v is not None
            }
        response = self._send("POST", f"{self.path}/bulk", body)
        self._finish_task(response, wait=True, timeout=timeout)
        wanted = {f"{name_prefix}_{vlan}" for vlan in ids}
        found = self.list([f"name matches '{name_prefix}%'"])
        return sorted((n for n in found if n.name in wanted), key=lambda n: n.vlan_id or 0)

    @overload
    def update(
        self, network: EthernetNetwork, *, wait: Literal[True] = ..., timeout: float | None = ...
    ) -> EthernetNetwork: ...
    @overload
    def update(
        self, network: EthernetNetwork, *, wait: Literal[False], timeout: float | None = ...
    ) -> Task: ...
    def update(
        self, network: EthernetNetwork, *, wait: bool = True, timeout: float | None = None
    ) -> EthernetNetwork | Task:
        return self._put(network, wait=wait, timeout=timeout)

    def delete(self, ref: Ref, *, wait: bool = True, timeout: float | None = None) -> Task:
        return self._delete(ref, wait=wait, timeout=timeout)

    def associated_uplink_groups(self, ref: Ref) -> list[str]:
        """URIs of the uplink sets carrying the network."""
        return _uri_list(self._get_json(f"{self.uri(ref)}/associatedUplinkGroups"))

    def associated_profiles(self, ref: Ref) -> list[str]:
        """URIs of the server profiles connected to the network."""
        return _uri_list(self._get_json(f"{self.uri(ref)}/associatedProfiles"))


class NetworkSetManager(ResourceManager[NetworkSet]):
    """``client.network_sets``."""

    category = "network-sets"
    model = NetworkSet

    def create(
        self,
        name: str,
        network_uris: Sequence[str],
        *,
        native_network_uri: str | None = None,
        timeout: float | None = None,
    ) -> NetworkSet:
        body = {
            "type": versions.resource_type(self.category, self._transport.api_version),
            "name": name,
            "networkUris": list(network_uris),
            "nativeNetworkUri": native_network_uri,
        }
        return self._create(body, timeout=timeout)

    def update(self, network_set: NetworkSet, *, timeout: float | None = None) -> NetworkSet:
        """PUT the edited set with ``If-Match``; ``ETagMismatch`` if it changed meanwhile."""
        return self._update(network_set, timeout=timeout)

    def modify(
        self, ref: Ref, change: Callable[[NetworkSet], bool | None], *, timeout: float | None = None
    ) -> NetworkSet:
        """Read, ``change(network_set)`` in place, update; re-applied on a stale eTag."""
        return self._modify(ref, change, timeout=timeout)

    def delete(self, ref: Ref, *, wait: bool = True, timeout: float | None = None) -> Task:
        return self._delete(ref, wait=wait, timeout=timeout)


class ConnectionTemplateManager(ResourceManager[ConnectionTemplate]):
    """``client.connection_templates``."""

    category = "connection-templates"
    model = ConnectionTemplate

    def get_default(self) -> ConnectionTemplate:
        return self.model(self._get_json(f"{self.path}/defaultConnectionTemplate"))

    def update(
        self, template: ConnectionTemplate, *, timeout: float | None = None
    ) -> ConnectionTemplate:
        return self._update(template, timeout=timeout)


def _uri_list(body: Any) -> list[str]:
    if isinstance(body, dict):
        body = body.get("members") or []
    return [str(item if isinstance(item, str) else item.get("uri")) for item in body or []]
