"""Neutron networks become OneView networks: a real Neutron with the ``oneview`` driver."""

from __future__ import annotations

import concurrent.futures
from typing import Any

import openstack.exceptions
import pytest

pytestmark = pytest.mark.functional

TEMPLATE_SLOTS = (("LIG-Prod", "US-Tenants"), ("LIG-Edge", "US-Edge-Tenants"))
LIVE_SLOTS = ("US-Tenants", "US-Edge-Tenants")


def vlan_network(network: Any, vlan: int, name: str = "blue") -> Any:
    return network.create_network(
        name=name,
        provider_network_type="vlan",
        provider_physical_network="physnet1",
        provider_segmentation_id=vlan,
    )


def oneview_networks_of(ov: Any, neutron_id: str) -> list[Any]:
    return [n for n in ov.ethernet_networks.list() if f"Neutron [{neutron_id}]" in (n.name or "")]


def memberships(ov: Any, uri: str) -> set[str]:
    """Names of the uplink sets (``group/uplink set`` for templates) carrying ``uri``."""
    found = {
        f"{group.name}/{template['name']}"
        for group in ov.logical_interconnect_groups.list()
        for template in group.uplink_sets
        if uri in (template.get("networkUris") or [])
    }
    found |= {
        f"live/{uplink.name}" for uplink in ov.uplink_sets.list() if uri in uplink.network_uris
    }
    return found


def live_uplink_count(ov: Any, name: str) -> int:
    return sum(1 for uplink in ov.uplink_sets.list() if uplink.name == name)


def test_vlan_network_becomes_a_tagged_network_in_every_mapped_uplink_set(network, ov) -> None:
    created = vlan_network(network, 250, "blue")

    [oneview] = oneview_networks_of(ov, created.id)
    assert oneview.name == f"blue (Neutron [{created.id}])"
    assert (oneview.vlan_id, str(oneview.ethernet_network_type)) == (250, "Tagged")
    carried = memberships(ov, oneview.uri)
    assert {f"{g}/{u}" for g, u in TEMPLATE_SLOTS} <= carried
    assert {s for s in carried if s.startswith("live/")} == {f"live/{n}" for n in LIVE_SLOTS}
    assert not any("Deploy" in s for s in carried)
    # every logical interconnect of both groups carries it
    uplinks = [u for u in ov.uplink_sets.list() if oneview.uri in u.network_uris]
    assert len(uplinks) == sum(live_uplink_count(ov, name) for name in LIVE_SLOTS)


def test_project_network_gets_a_vlan_and_a_oneview_network(network, ov) -> None:
    created = network.create_network(name="project")

    [oneview] = oneview_networks_of(ov, created.id)
    assert oneview.vlan_id == created.provider_segmentation_id
    assert 200 <= oneview.vlan_id <= 299


def test_flat_network_uses_the_mapped_network_and_creates_nothing(network, ov) -> None:
    before = {n.uri for n in ov.ethernet_networks.list()}

    created = network.create_network(
        name="provisioning", provider_network_type="flat", provider_physical_network="physnet1"
    )

    assert network.get_network(created.id).status == "ACTIVE"
    assert {n.uri for n in ov.ethernet_networks.list()} == before


def test_unmapped_physical_network_is_left_alone(network, ov) -> None:
    before = {n.uri for n in ov.ethernet_networks.list()}

    created = network.create_network(
        name="elsewhere", provider_network_type="flat", provider_physical_network="physnet9"
    )

    assert network.get_network(created.id).status == "ACTIVE"
    assert {n.uri for n in ov.ethernet_networks.list()} == before


def test_vlan_oneview_already_uses_is_refused_and_nothing_is_left(network, ov) -> None:
    before = {n.uri for n in ov.ethernet_networks.list()}

    with pytest.raises(openstack.exceptions.ConflictException) as refused:
        vlan_network(network, 101, "clash")

    message = str(refused.value)
    assert "VLAN 101" in message and "tenant-101" in message and "physnet1" in message
    assert [n for n in network.networks() if n.name == "clash"] == []
    assert {n.uri for n in ov.ethernet_networks.list()} == before


def test_rename_follows_in_oneview(network, ov) -> None:
    created = vlan_network(network, 252, "before")

    network.update_network(created.id, name="after")

    [oneview] = oneview_networks_of(ov, created.id)
    assert oneview.name == f"after (Neutron [{created.id}])"


def test_delete_removes_the_network_from_oneview_and_its_uplink_sets(network, ov) -> None:
    created = vlan_network(network, 253)
    [oneview] = oneview_networks_of(ov, created.id)

    network.delete_network(created.id)

    assert oneview_networks_of(ov, created.id) == []
    assert memberships(ov, oneview.uri) == set()


def test_networks_created_together_share_uplink_set_updates(network, ov, ml2_simulator) -> None:
    operator = ml2_simulator.operator
    before = operator.counters()
    vlans = range(260, 276)

    with concurrent.futures.ThreadPoolExecutor(len(vlans)) as pool:
        created = list(pool.map(lambda v: vlan_network(network, v, f"n{v}"), vlans))

    for net in created:
        [oneview] = oneview_networks_of(ov, net.id)
        assert {f"{g}/{u}" for g, u in TEMPLATE_SLOTS} <= memberships(ov, oneview.uri)
    after = operator.counters()
    group_updates = _delta(before, after, "PUT /rest/logical-interconnect-groups/{id}")
    uplink_updates = _delta(before, after, "PUT /rest/uplink-sets/{id}")
    assert group_updates > 0 and uplink_updates > 0
    live = sum(live_uplink_count(ov, name) for name in LIVE_SLOTS)
    # one update per uplink set per network would be 16 x 2 and 16 x live
    assert group_updates < len(vlans) * 2 / 2
    assert uplink_updates < len(vlans) * live / 2


def test_oneview_failing_on_an_uplink_set_fails_the_request_and_leaves_nothing(
    network, ov, ml2_simulator
) -> None:
    before = {n.uri: memberships(ov, n.uri) for n in ov.ethernet_networks.list()}
    ml2_simulator.operator.add_fault(
        "/rest/uplink-sets/*", method="PUT", status=500, error_code="INTERNAL_ERROR"
    )  # every retry of the client fails too
    try:
        with pytest.raises(openstack.exceptions.HttpException) as failed:
            vlan_network(network, 254, "doomed")
    finally:
        ml2_simulator.operator.clear_faults()

    assert failed.value.status_code == 503
    assert "OneView could not create the network" in str(failed.value)
    assert [n for n in network.networks() if n.name == "doomed"] == []
    after = {n.uri: memberships(ov, n.uri) for n in ov.ethernet_networks.list()}
    assert after == before  # no network left, and no uplink set changed


def test_recreating_after_a_failure_works(network, ov, ml2_simulator) -> None:
    ml2_simulator.operator.add_fault(
        "/rest/logical-interconnect-groups/*", method="PUT", status=500
    )
    try:
        with pytest.raises(openstack.exceptions.HttpException):
            vlan_network(network, 255, "retry")
    finally:
        ml2_simulator.operator.clear_faults()

    created = vlan_network(network, 255, "retry")

    [oneview] = oneview_networks_of(ov, created.id)
    assert {f"{g}/{u}" for g, u in TEMPLATE_SLOTS} <= memberships(ov, oneview.uri)


def _delta(before: dict[str, int], after: dict[str, int], key: str) -> int:
    return after.get(key, 0) - before.get(key, 0)
