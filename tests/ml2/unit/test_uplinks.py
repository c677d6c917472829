"""Uplink-set updates: changes arriving together cost one update per uplink set."""

from __future__ import annotations

import concurrent.futures

import pytest

from oneview_openstack import client
from oneview_openstack.ml2.mappings import UplinkSetMapping
from oneview_openstack.ml2.topology import resolve
from oneview_openstack.ml2.uplinks import Slot, UplinkSetUpdater, slots


def _targets(ov):
    topology = resolve(ov, [UplinkSetMapping("physnet1", "LIG-Prod", "US-Tenants")], [])
    return topology.targets("physnet1", client.EthernetNetworkType.TAGGED)


def _new_networks(ov, vlans):
    return [ov.ethernet_networks.create(f"batch-{vlan}", vlan).uri for vlan in vlans]


def _puts(sim, before):
    after = sim.operator.counters()
    keys = ("PUT /rest/uplink-sets/{id}", "PUT /rest/logical-interconnect-groups/{id}")
    return {k: after.get(k, 0) - before.get(k, 0) for k in keys}


def _members(ov, slot: Slot) -> list[str]:
    if slot.group_uri is None:
        return ov.uplink_sets.get(slot.uplink_set).network_uris
    group = ov.logical_interconnect_groups.get(slot.group_uri)
    return group.uplink_set(slot.uplink_set)["networkUris"]


def test_slots_are_the_template_and_every_live_uplink_set(ov) -> None:
    [target] = _targets(ov)

    found = slots([target])

    assert found[0] == Slot(target.group_uri, "US-Tenants")
    assert {s.uplink_set for s in found[1:]} == set(target.live_uplink_set_uris)


def test_concurrent_changes_share_one_update_per_uplink_set(ov, sim) -> None:
    targets = _targets(ov)
    uris = _new_networks(ov, range(500, 512))
    updater = UplinkSetUpdater(ov, window=0.5)
    before = sim.operator.counters()
    try:
        with concurrent.futures.ThreadPoolExecutor(len(uris)) as pool:
            list(pool.map(lambda uri: updater.change(slots(targets), add=[uri]), uris))
    finally:
        updater.stop()

    for slot in slots(targets):
        assert set(uris) <= set(_members(ov, slot))
    puts = _puts(sim, before)
    live = len(targets[0].live_uplink_set_uris)
    assert puts["PUT /rest/logical-interconnect-groups/{id}"] <= 2
    assert puts["PUT /rest/uplink-sets/{id}"] <= 2 * live


def test_a_failing_uplink_set_fails_the_changes_that_touch_it(ov, sim) -> None:
    [target] = _targets(ov)
    [uri] = _new_networks(ov, [520])
    updater = UplinkSetUpdater(ov, window=0.0)
    sim.operator.add_fault("/rest/uplink-sets/*", method="PUT", status=400, error_code="BAD")
    try:
        with pytest.raises(client.OneViewError):
            updater.change(slots([target]), add=[uri])
        # a change of the template only still goes through
        updater.change([Slot(target.group_uri, "US-Tenants")], remove=[uri])
    finally:
        sim.operator.clear_faults()
        updater.stop()

    assert uri not in _members(ov, Slot(target.group_uri, "US-Tenants"))


def test_nothing_to_change_sends_nothing(ov, sim) -> None:
    targets = _targets(ov)
    present = ov.ethernet_networks.get_by_name("tenant-101").uri
    updater = UplinkSetUpdater(ov, window=0.0)
    before = sim.operator.counters()
    try:
        updater.change(slots(targets), add=[present])  # already in every uplink set
        updater.change([], add=[present])
    finally:
        updater.stop()

    assert _puts(sim, before) == {
        "PUT /rest/uplink-sets/{id}": 0,
        "PUT /rest/logical-interconnect-groups/{id}": 0,
    }


def test_removal_keeps_the_other_networks(ov) -> None:
    targets = _targets(ov)
    uris = _new_networks(ov, [530, 531])
    updater = UplinkSetUpdater(ov, window=0.0)
    try:
        updater.change(slots(targets), add=uris)
        updater.change(slots(targets), remove=[uris[0]])
    finally:
        updater.stop()

    for slot in slots(targets):
        members = _members(ov, slot)
        assert uris[0] not in members and uris[1] in members
        assert ov.ethernet_networks.get_by_name("tenant-101").uri in members
