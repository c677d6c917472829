"""Neutron trunks of bare-metal ports: one profile connection to a OneView network set."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Iterator
from typing import Any

import openstack.exceptions
import pytest

from oneview_openstack.testing.waiting import wait_for

pytestmark = pytest.mark.functional

NIC = "Mezz 3:1-a"


@pytest.fixture
def trunks(network: Any) -> Iterator[list[Any]]:
    """Trunks made by the test, deleted before Neutron's reset deletes their ports."""
    made: list[Any] = []
    yield made
    for trunk in network.trunks():
        network.delete_trunk(trunk.id, ignore_missing=True)


def oneview_uri(ov: Any, neutron_id: str) -> str:
    [found] = [
        n for n in ov.ethernet_networks.list() if f"Neutron [{neutron_id}]" in (n.name or "")
    ]
    return str(found.uri)


def connection_on(ov: Any, profile_uri: str, port_id: str = NIC) -> Any:
    profile = ov.server_profiles.get(profile_uri)
    [connection] = [c for c in profile.connections if c.port_id == port_id]
    return connection


def network_set(ov: Any, trunk_id: str) -> Any:
    return ov.network_sets.find_by_name(f"Neutron trunk [{trunk_id}]")


def subport(port: Any, net: Any) -> dict[str, Any]:
    return {
        "port_id": port.id,
        "segmentation_type": "vlan",
        "segmentation_id": net.provider_segmentation_id,
    }


def active(network: Any, port_id: str) -> Callable[[], bool]:
    return lambda: network.get_port(port_id).status == "ACTIVE"


@pytest.fixture
def nets(network: Any) -> list[Any]:
    """Three project networks (VLANs from 200-299): the parent's and two subports'.

    Made together, so that OneView's uplink sets are updated once for the three.
    """
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        return list(pool.map(lambda i: network.create_network(name=f"trunk-net-{i}"), range(3)))


def test_trunk_on_a_bound_port_becomes_one_connection_to_a_network_set(
    network, ov, baremetal, nets, trunks
) -> None:
    parent_net, net_b, net_c = nets
    parent = network.create_port(network_id=parent_net.id, **baremetal.port_body(NIC))
    wait_for(active(network, parent.id), "the parent port ACTIVE")
    sub_b = network.create_port(network_id=net_b.id)
    sub_c = network.create_port(network_id=net_c.id)

    trunk = network.create_trunk(
        port_id=parent.id, sub_ports=[subport(sub_b, net_b), subport(sub_c, net_c)]
    )

    found = network_set(ov, trunk.id)
    assert found is not None
    uris = [oneview_uri(ov, n.id) for n in nets]
    assert sorted(found.network_uris) == sorted(uris)
    assert found.native_network_uri == uris[0]
    connection = connection_on(ov, baremetal.profile.uri)
    assert connection.network_uri == found.uri
    assert connection.name == f"Neutron port {parent.id}"
    assert network.get_trunk(trunk.id).status == "ACTIVE"
    assert {network.get_port(s.id).status for s in (sub_b, sub_c)} == {"ACTIVE"}

    # a subport removed, then added back: the set follows (and the connection stays)
    network.delete_trunk_subports(trunk, [{"port_id": sub_c.id}])
    assert sorted(network_set(ov, trunk.id).network_uris) == sorted(uris[:2])
    assert network.get_port(sub_c.id).status == "DOWN"
    network.add_trunk_subports(trunk, [subport(sub_c, net_c)])
    assert sorted(network_set(ov, trunk.id).network_uris) == sorted(uris)
    assert connection_on(ov, baremetal.profile.uri).network_uri == found.uri
    assert network.get_trunk(trunk.id).status == "ACTIVE"
    assert len([s for s in ov.network_sets.list() if trunk.id in (s.name or "")]) == 1

    # the trunk deleted, the port still bound: it carries its own network again
    network.delete_trunk(trunk.id)
    assert connection_on(ov, baremetal.profile.uri).network_uri == uris[0]
    assert network_set(ov, trunk.id) is None


def test_trunk_made_before_binding_then_unbound_gives_the_nic_back(
    network, ov, baremetal, nets, trunks
) -> None:
    parent_net, net_b, _ = nets
    template_connection = connection_on(ov, baremetal.profile.uri)
    parent = network.create_port(network_id=parent_net.id)
    sub_b = network.create_port(network_id=net_b.id)
    trunk = network.create_trunk(
        port_id=parent.id,
        sub_ports=[{"port_id": sub_b.id, "segmentation_type": "inherit"}],
    )
    assert network.get_trunk(trunk.id).status == "DOWN"
    assert network.get_port(sub_b.id).status == "DOWN"
    assert network_set(ov, trunk.id) is None

    # Ironic binds the parent when it deploys the node
    body = baremetal.port_body(NIC)
    network.update_port(
        parent.id,
        binding_vnic_type=body["binding_vnic_type"],
        binding_host_id=body["binding_host_id"],
        binding_profile=body["binding_profile"],
    )
    wait_for(active(network, parent.id), "the parent port ACTIVE")

    found = network_set(ov, trunk.id)
    assert sorted(found.network_uris) == sorted(
        [oneview_uri(ov, parent_net.id), oneview_uri(ov, net_b.id)]
    )
    assert connection_on(ov, baremetal.profile.uri).network_uri == found.uri
    wait_for(lambda: network.get_trunk(trunk.id).status == "ACTIVE", "the trunk ACTIVE")
    assert network.get_port(sub_b.id).status == "ACTIVE"

    # Ironic unbinds it when the node is torn down
    network.update_port(parent.id, binding_host_id="", binding_profile={})

    connection = connection_on(ov, baremetal.profile.uri)
    assert connection.network_uri == template_connection.network_uri
    assert connection.name == template_connection.name
    assert ov.ethernet_networks.get(connection.network_uri).name == "deploy"
    assert network_set(ov, trunk.id) is None
    assert network.get_trunk(trunk.id).status == "DOWN"
    assert network.get_port(sub_b.id).status == "DOWN"


def test_subport_on_another_vlan_than_its_network_is_refused(
    network, ov, baremetal, nets, trunks
) -> None:
    parent_net, net_b, _ = nets
    parent = network.create_port(network_id=parent_net.id, **baremetal.port_body(NIC))
    sub_b = network.create_port(network_id=net_b.id)
    asked = 300 if net_b.provider_segmentation_id != 300 else 301

    with pytest.raises(openstack.exceptions.BadRequestException) as refused:
        network.create_trunk(
            port_id=parent.id,
            sub_ports=[
                {"port_id": sub_b.id, "segmentation_type": "vlan", "segmentation_id": asked}
            ],
        )

    message = str(refused.value)
    assert sub_b.id in message
    assert f"VLAN {asked} was asked" in message
    assert f"is VLAN {net_b.provider_segmentation_id}" in message
    assert list(network.trunks()) == []

    # the same when the subport is added later
    trunk = network.create_trunk(port_id=parent.id)
    with pytest.raises(openstack.exceptions.BadRequestException) as refused:
        network.add_trunk_subports(
            trunk, [{"port_id": sub_b.id, "segmentation_type": "vlan", "segmentation_id": asked}]
        )
    assert f"VLAN {asked} was asked" in str(refused.value)
    assert network.get_trunk(trunk.id).sub_ports == []


def test_oneview_refusing_the_network_set_puts_the_trunk_in_error(
    network, ov, baremetal, nets, trunks, ml2_simulator
) -> None:
    parent_net, net_b, _ = nets
    parent = network.create_port(network_id=parent_net.id, **baremetal.port_body(NIC))
    wait_for(active(network, parent.id), "the parent port ACTIVE")
    sub_b = network.create_port(network_id=net_b.id)
    ml2_simulator.operator.add_fault(
        "/rest/network-sets", method="POST", status=400, error_code="INVALID_NETWORK_SET"
    )
    try:
        trunk = network.create_trunk(port_id=parent.id, sub_ports=[subport(sub_b, net_b)])
    finally:
        ml2_simulator.operator.clear_faults()

    assert network.get_trunk(trunk.id).status == "ERROR"
    assert network_set(ov, trunk.id) is None
    # the NIC still carries the parent's own network
    assert connection_on(ov, baremetal.profile.uri).network_uri == oneview_uri(ov, parent_net.id)
