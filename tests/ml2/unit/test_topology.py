"""Mappings resolved against the appliance; every problem named in one error."""

from __future__ import annotations

import pytest

from oneview_openstack.client import EthernetNetworkType
from oneview_openstack.ml2.mappings import FlatMapping, UplinkSetMapping
from oneview_openstack.ml2.topology import TopologyError, resolve

TAGGED = EthernetNetworkType.TAGGED


def test_mapped_uplink_sets_of_the_group_and_of_its_logical_interconnects(ov) -> None:
    topology = resolve(ov, [UplinkSetMapping("physnet1", "LIG-Prod", "US-Tenants")], [])

    [target] = topology.targets("physnet1", TAGGED)
    group = ov.logical_interconnect_groups.get_by_name("LIG-Prod")
    assert (target.group_uri, target.uplink_set, target.kind) == (group.uri, "US-Tenants", TAGGED)
    live = {
        u.uri
        for u in ov.uplink_sets.list()
        if u.name == "US-Tenants"
        and ov.logical_interconnects.get(u.logical_interconnect_uri).logical_interconnect_group_uri
        == group.uri
    }
    assert set(target.live_uplink_set_uris) == live and live
    assert topology.targets("physnet1", EthernetNetworkType.UNTAGGED) == []
    assert topology.targets("physnet2", TAGGED) == []


def test_group_by_id_works_like_by_name(ov) -> None:
    group = ov.logical_interconnect_groups.get_by_name("LIG-Edge")
    by_id = resolve(ov, [UplinkSetMapping("p", group.id, "US-Edge-Tenants")], [])
    by_name = resolve(ov, [UplinkSetMapping("p", "LIG-Edge", "US-Edge-Tenants")], [])

    assert by_id == by_name


def test_flat_mapping_needs_an_untagged_network(ov) -> None:
    deploy = ov.ethernet_networks.get_by_name("deploy")

    topology = resolve(ov, [], [FlatMapping("physnet1", "deploy")])

    assert topology.flat_networks == {"physnet1": deploy.uri}


def test_every_problem_is_named_at_once(ov) -> None:
    with pytest.raises(TopologyError) as error:
        resolve(
            ov,
            [
                UplinkSetMapping("physnet1", "LIG-Nowhere", "US-Tenants"),
                UplinkSetMapping("physnet1", "LIG-Prod", "US-Missing"),
            ],
            [FlatMapping("physnet1", "tenant-101"), FlatMapping("physnet2", "absent")],
        )

    problems = error.value.problems
    assert len(problems) == 4
    assert "'LIG-Nowhere'" in problems[0] and "LIG-Prod" in problems[0]  # lists known groups
    assert "no uplink set 'US-Missing'" in problems[1] and "US-Tenants" in problems[1]
    assert "tenant-101" in problems[2] and "Untagged" in problems[2]
    assert "'absent'" in problems[3]


def test_two_tagged_uplink_sets_of_one_group_for_one_physnet_are_refused(ov) -> None:
    def add_second(group) -> bool:
        second = dict(group.uplink_set("US-Tenants"), name="US-Second", networkUris=[])
        second.pop("logicalPortConfigInfos", None)
        group.data["uplinkSets"].append(second)
        return True

    ov.logical_interconnect_groups.modify(
        ov.logical_interconnect_groups.get_by_name("LIG-Prod"), add_second
    )

    with pytest.raises(TopologyError, match="maps two Tagged uplink sets"):
        resolve(
            ov,
            [
                UplinkSetMapping("physnet1", "LIG-Prod", "US-Tenants"),
                UplinkSetMapping("physnet1", "LIG-Prod", "US-Second"),
            ],
            [],
        )


def test_one_uplink_set_for_two_physnets_is_refused(ov) -> None:
    with pytest.raises(TopologyError, match="mapped to two physical networks"):
        resolve(
            ov,
            [
                UplinkSetMapping("physnet1", "LIG-Prod", "US-Tenants"),
                UplinkSetMapping("physnet2", "LIG-Prod", "US-Tenants"),
            ],
            [],
        )


def test_untagged_uplink_set_serves_flat_segments(ov) -> None:
    topology = resolve(ov, [UplinkSetMapping("physnet1", "LIG-Prod", "US-Deploy")], [])

    assert topology.targets("physnet1", TAGGED) == []
    [target] = topology.targets("physnet1", EthernetNetworkType.UNTAGGED)
    assert target.uplink_set == "US-Deploy"
