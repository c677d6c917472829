"""Ethernet networks, network sets, connection templates, LIGs, LIs and uplink sets."""

from __future__ import annotations

import pytest

from oneview_openstack.client import (
    BadRequest,
    ConsistencyStatus,
    EthernetNetwork,
    EthernetNetworkType,
    NotFound,
    Task,
)

pytestmark = pytest.mark.functional


def test_create_find_and_delete_a_tagged_network(client):
    network = client.ethernet_networks.create("Neutron [net-a]", 3001)
    assert isinstance(network, EthernetNetwork)
    assert network.vlan_id == 3001
    assert network.ethernet_network_type is EthernetNetworkType.TAGGED
    assert client.ethernet_networks.get_by_name("Neutron [net-a]").uri == network.uri
    assert client.ethernet_networks.delete(network).is_success
    assert client.ethernet_networks.find_by_name("Neutron [net-a]") is None
    with pytest.raises(NotFound):
        client.ethernet_networks.get(network.uri)


def test_untagged_network_without_vlan(client):
    network = client.ethernet_networks.create(
        "Neutron [flat]", network_type=EthernetNetworkType.UNTAGGED
    )
    assert network.ethernet_network_type is EthernetNetworkType.UNTAGGED


def test_duplicate_name_is_a_validation_error_and_is_not_retried(client, counter):
    client.ethernet_networks.create("Neutron [dup]", 3002)
    counter.reset()
    with pytest.raises(BadRequest) as caught:
        client.ethernet_networks.create("Neutron [dup]", 3003)
    assert caught.value.error_code == "CRM_DUPLICATE_NETWORK_NAME"
    assert counter.counts()["POST /rest/ethernet-networks"] == 1


def test_tagged_network_needs_a_vlan_before_anything_is_sent(client, counter):
    with pytest.raises(ValueError, match="needs vlan_id within 1..4094, got 5000"):
        client.ethernet_networks.create("bad", 5000)
    assert counter.total == 0


def test_bulk_create_returns_every_network(client):
    networks = client.ethernet_networks.create_bulk("bulk", "3100-3103,3110")
    assert [n.name for n in networks] == [
        "bulk_3100",
        "bulk_3101",
        "bulk_3102",
        "bulk_3103",
        "bulk_3110",
    ]
    assert [n.vlan_id for n in networks] == [3100, 3101, 3102, 3103, 3110]


def test_network_set_create_modify_delete(client):
    a = client.ethernet_networks.create("set-a", 3201)
    b = client.ethernet_networks.create("set-b", 3202)
    network_set = client.network_sets.create("client-set", [a.uri])
    assert network_set.network_uris == [a.uri]

    def add_b(ns):
        ns.network_uris = [*ns.network_uris, b.uri]

    changed = client.network_sets.modify(network_set, add_b)
    assert sorted(changed.network_uris) == sorted([a.uri, b.uri])
    assert client.network_sets.delete(changed).is_success


def test_connection_template_bandwidth(client):
    default = client.connection_templates.get_default()
    assert default.maximum_bandwidth
    network = client.ethernet_networks.create("ct-net", 3301)
    template = client.connection_templates.get(network.connection_template_uri)
    template.set_bandwidth(typical=1000, maximum=5000)
    updated = client.connection_templates.update(template)
    assert (updated.typical_bandwidth, updated.maximum_bandwidth) == (1000, 5000)


def test_uplink_set_networks_and_logical_interconnect_compliance(client):
    network = client.ethernet_networks.create("uplink-net", 3401)
    uplink = next(
        u
        for u in client.uplink_sets.list()
        if u.ethernet_network_type is EthernetNetworkType.TAGGED
    )
    added = client.uplink_sets.add_networks(uplink, [network.uri])
    assert network.uri in added.network_uris
    assert client.ethernet_networks.associated_uplink_groups(network) == [uplink.uri]
    again = client.uplink_sets.add_networks(uplink, [network.uri])
    assert again.network_uris.count(network.uri) == 1
    removed = client.uplink_sets.remove_networks(uplink, [network.uri])
    assert network.uri not in removed.network_uris

    li = client.logical_interconnects.get(uplink.logical_interconnect_uri)
    assert li.logical_interconnect_group_uri
    lig = client.logical_interconnect_groups.get(li.logical_interconnect_group_uri)

    def add_to_first_uplink_set(group):
        group.uplink_sets[0]["networkUris"].append(network.uri)

    client.logical_interconnect_groups.modify(lig, add_to_first_uplink_set)
    assert (
        client.logical_interconnects.get(li).consistency_status is ConsistencyStatus.NOT_CONSISTENT
    )
    task = client.logical_interconnects.update_compliance(li)
    assert isinstance(task, Task) and task.is_success
    assert client.logical_interconnects.get(li).consistency_status is ConsistencyStatus.CONSISTENT


def test_internal_networks(client):
    li = next(iter(client.logical_interconnects.list()))
    network = client.ethernet_networks.create("internal-net", 3501)
    assert client.logical_interconnects.set_internal_networks(li, [network.uri]).is_success
    assert network.uri in client.logical_interconnects.internal_network_uris(li)
