"""The mappings resolved against the appliance: the uplink sets each physical network reaches.

One listing each of logical interconnect groups, logical interconnects and uplink sets (and
of networks when ``flat_net_mappings`` is set), whatever the number of mappings. Every
problem is collected, so one start-up error names them all. The networks each uplink set
had at that moment, and the listing of networks, are kept too: the synchronization compares
its records with them instead of listing a second time in its pass.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from oneview_openstack import client
from oneview_openstack.client.resources.base import Resource
from oneview_openstack.ml2.mappings import FlatMapping, UplinkSetMapping

_R = TypeVar("_R", bound=Resource)


class TopologyError(ValueError):
    """The mappings name OneView parts that do not exist or cannot be used together."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclasses.dataclass(frozen=True)
class UplinkTarget:
    """One mapped uplink set: the group's template and the uplink sets of its interconnects."""

    physical_network: str
    group_uri: str
    group_name: str
    uplink_set: str
    kind: client.EthernetNetworkType
    #: The uplink sets named ``uplink_set`` of the group's logical interconnects.
    live_uplink_set_uris: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Topology:
    """Where each physical network's segments go."""

    uplinks: tuple[UplinkTarget, ...] = ()
    #: physical network -> URI of the untagged OneView network of ``flat_net_mappings``.
    flat_networks: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: The network URIs of every uplink set when this was read: keyed (group URI, template
    #: name) for a group's templates, (None, URI) for the uplink sets of interconnects.
    memberships: Mapping[tuple[str | None, str], frozenset[str]] = dataclasses.field(
        default_factory=dict
    )
    #: Every Ethernet network when this was read; None when nothing needed them listed.
    networks: tuple[client.EthernetNetwork, ...] | None = None

    def targets(
        self, physical_network: str, kind: client.EthernetNetworkType
    ) -> list[UplinkTarget]:
        """The uplink sets a network of ``kind`` on ``physical_network`` joins."""
        return [
            target
            for target in self.uplinks
            if target.physical_network == physical_network and target.kind == kind
        ]

    @property
    def physical_networks(self) -> set[str]:
        return {target.physical_network for target in self.uplinks} | set(self.flat_networks)


def resolve(
    ov: client.OneViewClient,
    uplink_mappings: Sequence[UplinkSetMapping],
    flat_mappings: Sequence[FlatMapping],
) -> Topology:
    """Read the appliance and resolve the mappings.

    :raises TopologyError: naming every mapping that does not resolve.
    """
    problems: list[str] = []
    uplinks: list[UplinkTarget] = []
    members: dict[tuple[str | None, str], frozenset[str]] = {}
    if uplink_mappings:
        groups = list(ov.logical_interconnect_groups.list())
        uplink_sets = list(ov.uplink_sets.list())
        live = _live_uplink_sets(ov, uplink_sets)
        members = _memberships(groups, uplink_sets)
        for mapping in uplink_mappings:
            target = _uplink_target(mapping, groups, live, problems)
            if target is not None:
                uplinks.append(target)
        problems += _constraint_problems(uplinks)
    flat: dict[str, str] = {}
    networks: tuple[client.EthernetNetwork, ...] | None = None
    if flat_mappings:
        networks = tuple(ov.ethernet_networks.list())
        for flat_mapping in flat_mappings:
            uri = _flat_network(flat_mapping, networks, problems)
            if uri is not None:
                flat[flat_mapping.physical_network] = uri
    if problems:
        raise TopologyError(problems)
    return Topology(tuple(uplinks), flat, members, networks)


def _live_uplink_sets(
    ov: client.OneViewClient, uplink_sets: Iterable[client.UplinkSet]
) -> dict[tuple[str, str], list[str]]:
    """(group URI, uplink set name) -> URIs of the uplink sets of that name of the group's LIs."""
    group_of_li = {
        li.uri: li.logical_interconnect_group_uri for li in ov.logical_interconnects.list()
    }
    live: dict[tuple[str, str], list[str]] = {}
    for uplink in uplink_sets:
        group = group_of_li.get(uplink.logical_interconnect_uri or "")
        if group and uplink.name:
            live.setdefault((group, uplink.name), []).append(uplink.uri)
    return live


def _memberships(
    groups: Iterable[client.LogicalInterconnectGroup], uplink_sets: Iterable[client.UplinkSet]
) -> dict[tuple[str | None, str], frozenset[str]]:
    members: dict[tuple[str | None, str], frozenset[str]] = {}
    for group in groups:
        for template in group.uplink_sets:
            key = (group.uri, str(template.get("name")))
            members[key] = frozenset(template.get("networkUris") or [])
    for uplink in uplink_sets:
        members[(None, uplink.uri)] = frozenset(uplink.network_uris)
    return members


def _uplink_target(
    mapping: UplinkSetMapping,
    groups: Sequence[client.LogicalInterconnectGroup],
    live: Mapping[tuple[str, str], list[str]],
    problems: list[str],
) -> UplinkTarget | None:
    group = _find(groups, mapping.group)
    if group is None:
        known = ", ".join(sorted(g.name or g.id for g in groups)) or "none"
        problems.append(
            f"uplinkset_mappings: {_entry(mapping)}: no logical interconnect group named or "
            f"with id {mapping.group!r} (known: {known})"
        )
        return None
    template = group.uplink_set(mapping.uplink_set)
    if template is None:
        names = ", ".join(sorted(u.get("name", "") for u in group.uplink_sets)) or "none"
        problems.append(
            f"uplinkset_mappings: {_entry(mapping)}: logical interconnect group "
            f"{group.name!r} has no uplink set {mapping.uplink_set!r} (it has: {names})"
        )
        return None
    kind_text = template.get("ethernetNetworkType")
    if template.get("networkType", "Ethernet") != "Ethernet" or kind_text not in (
        client.EthernetNetworkType.TAGGED,
        client.EthernetNetworkType.UNTAGGED,
    ):
        problems.append(
            f"uplinkset_mappings: {_entry(mapping)}: uplink set {mapping.uplink_set!r} of "
            f"{group.name!r} is {template.get('networkType')}/{kind_text}; only Ethernet "
            "uplink sets of type Tagged or Untagged can carry Neutron networks"
        )
        return None
    return UplinkTarget(
        physical_network=mapping.physical_network,
        group_uri=group.uri,
        group_name=group.name or group.id,
        uplink_set=mapping.uplink_set,
        kind=client.EthernetNetworkType(kind_text),
        live_uplink_set_uris=tuple(sorted(live.get((group.uri, mapping.uplink_set), []))),
    )


def _constraint_problems(targets: Sequence[UplinkTarget]) -> list[str]:
    """One uplink set of each type per (physical network, group); one physnet per uplink set."""
    problems: list[str] = []
    by_kind: dict[tuple[str, str, str], UplinkTarget] = {}
    by_uplink: dict[tuple[str, str], UplinkTarget] = {}
    for target in targets:
        kind_key = (target.physical_network, target.group_uri, target.kind)
        other = by_kind.setdefault(kind_key, target)
        if other is not target:
            problems.append(
                f"uplinkset_mappings: physical network {target.physical_network!r} maps two "
                f"{target.kind} uplink sets of {target.group_name!r} ({other.uplink_set!r} "
                f"and {target.uplink_set!r}); a network can only go to one of them"
            )
        uplink_key = (target.group_uri, target.uplink_set)
        owner = by_uplink.setdefault(uplink_key, target)
        if owner.physical_network != target.physical_network:
            problems.append(
                f"uplinkset_mappings: uplink set {target.uplink_set!r} of "
                f"{target.group_name!r} is mapped to two physical networks "
                f"({owner.physical_network!r} and {target.physical_network!r})"
            )
    return problems


def _flat_network(
    mapping: FlatMapping, networks: Sequence[client.EthernetNetwork], problems: list[str]
) -> str | None:
    network = _find(networks, mapping.network)
    if network is None:
        problems.append(
            f"flat_net_mappings: {mapping.physical_network}:{mapping.network}: no OneView "
            f"ethernet network named or with id {mapping.network!r}"
        )
        return None
    if network.ethernet_network_type != client.EthernetNetworkType.UNTAGGED:
        problems.append(
            f"flat_net_mappings: {mapping.physical_network}:{mapping.network}: OneView "
            f"network {network.name!r} is {network.ethernet_network_type}; a flat segment "
            "needs an Untagged network"
        )
        return None
    return network.uri


def _find(items: Iterable[_R], name_or_id: str) -> _R | None:
    for item in items:
        if name_or_id in (item.name, item.id):
            return item
    return None


def _entry(mapping: UplinkSetMapping) -> str:
    return f"{mapping.physical_network}:{mapping.group}:{mapping.uplink_set}"
