"""Bare-metal ports become server-profile connections: a real Neutron with the driver."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from ml2.conftest import virtual_mac_profile

pytestmark = pytest.mark.functional

PXE_NIC = "Mezz 3:1-a"


def vlan_network(network: Any, vlan: int) -> Any:
    return network.create_network(
        name=f"vlan-{vlan}",
        provider_network_type="vlan",
        provider_physical_network="physnet1",
        provider_segmentation_id=vlan,
    )


def oneview_uri(ov: Any, neutron_id: str) -> str:
    [found] = [n for n in ov.ethernet_networks.list() if neutron_id in (n.name or "")]
    return str(found.uri)


def wait_status(network: Any, port_id: str, status: str, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        port = network.get_port(port_id)
        if port.status == status or time.monotonic() > deadline:
            return port
        time.sleep(0.1)


def connection_on(ov: Any, profile_uri: str, port_id: str = PXE_NIC) -> Any:
    profile = ov.server_profiles.get(profile_uri)
    matching = [c for c in profile.connections if c.port_id == port_id]
    assert len(matching) == 1, f"{port_id}: {matching}"
    return matching[0]


def test_bound_port_points_its_nic_at_the_network(network, ov, baremetal) -> None:
    net = vlan_network(network, 230)

    port = network.create_port(network_id=net.id, **baremetal.port_body())

    port = wait_status(network, port.id, "ACTIVE")
    assert (port.status, port.binding_vif_type) == ("ACTIVE", "other")
    connection = connection_on(ov, baremetal.profile.uri)
    assert connection.name == f"Neutron port {port.id}"
    assert connection.network_uri == oneview_uri(ov, net.id)
    assert str(connection.boot_priority) == "Primary"  # the template's, kept
    other = connection_on(ov, baremetal.profile.uri, "Mezz 3:2-a")
    assert other.name == "tenants"  # the other NIC is untouched


def test_deleting_the_port_gives_the_nic_back_to_its_template(network, ov, baremetal) -> None:
    template_connection = connection_on(ov, baremetal.profile.uri)
    net = vlan_network(network, 231)
    port = network.create_port(network_id=net.id, **baremetal.port_body())
    wait_status(network, port.id, "ACTIVE")

    network.delete_port(port.id)

    restored = connection_on(ov, baremetal.profile.uri)
    assert (restored.name, restored.network_uri) == ("deploy", template_connection.network_uri)
    assert str(restored.boot_priority) == "Primary"


def test_unbinding_gives_the_nic_back(network, ov, baremetal) -> None:
    net = vlan_network(network, 232)
    port = network.create_port(network_id=net.id, **baremetal.port_body())
    wait_status(network, port.id, "ACTIVE")

    network.update_port(port.id, binding_host_id="", binding_profile={})

    assert connection_on(ov, baremetal.profile.uri).name == "deploy"
    assert network.get_port(port.id).binding_vif_type == "unbound"


def test_port_found_by_its_mac_alone(network, ov, baremetal) -> None:
    """OneView writes MACs in capitals, Neutron in lower case: they still match."""
    net = vlan_network(network, 233)
    body = baremetal.port_body()
    body["binding_profile"] = {}

    port = network.create_port(network_id=net.id, **body)

    assert wait_status(network, port.id, "ACTIVE").status == "ACTIVE"
    assert connection_on(ov, baremetal.profile.uri).network_uri == oneview_uri(ov, net.id)


@pytest.fixture
def virtual_mac_blade(ov: Any) -> Iterator[Any]:
    """Frame2 bay 2 with a profile whose MACs are Virtual (from OneView's pool)."""
    profile = virtual_mac_profile(ov, "Frame2, bay 2", "ml2-virtual-macs")
    yield profile
    ov.server_profiles.delete(profile.uri)


def test_port_with_a_virtual_mac_and_no_local_link_is_plugged(
    network, ov, virtual_mac_blade
) -> None:
    """Ironic's port carries the MAC the profile gives the NIC, not the hardware's."""
    profile = virtual_mac_blade
    server = ov.server_hardware.get(profile.server_hardware_uri)
    mac = str(connection_on(ov, profile.uri).mac).lower()
    net = vlan_network(network, 239)

    port = network.create_port(
        network_id=net.id,
        mac_address=mac,
        binding_vnic_type="baremetal",
        binding_host_id=server.uuid,
    )

    assert wait_status(network, port.id, "ACTIVE").status == "ACTIVE"
    assert connection_on(ov, profile.uri).network_uri == oneview_uri(ov, net.id)
    network.delete_port(port.id)
    # given back: without a template to restore it from, the connection goes
    left = ov.server_profiles.get(profile.uri).connections
    assert [c.name for c in left if c.port_id == PXE_NIC] == []


def test_port_of_another_vnic_type_is_left_to_other_drivers(network, ov, baremetal) -> None:
    net = vlan_network(network, 234)
    body = baremetal.port_body(binding_vnic_type="normal")

    port = network.create_port(network_id=net.id, **body)

    assert port.binding_vif_type == "binding_failed"  # no other driver here takes it
    assert connection_on(ov, baremetal.profile.uri).name == "deploy"


def test_baremetal_port_of_no_oneview_server_is_not_bound(network, ov, baremetal) -> None:
    net = vlan_network(network, 235)
    body = baremetal.port_body(mac_address="52:54:00:12:34:56")
    body["binding_profile"] = {
        "local_link_information": [{"switch_id": "aa:bb:cc:dd:ee:ff", "port_id": "Eth1/1"}]
    }

    port = network.create_port(network_id=net.id, **body)

    assert port.binding_vif_type == "binding_failed"
    assert connection_on(ov, baremetal.profile.uri).name == "deploy"


def test_port_on_an_unmapped_network_is_not_bound(network, ov, baremetal) -> None:
    net = network.create_network(
        name="elsewhere", provider_network_type="flat", provider_physical_network="physnet9"
    )

    port = network.create_port(network_id=net.id, **baremetal.port_body())

    assert port.binding_vif_type == "binding_failed"
    assert connection_on(ov, baremetal.profile.uri).name == "deploy"


def test_flat_network_port_uses_the_mapped_oneview_network(network, ov, baremetal) -> None:
    net = network.create_network(
        name="provisioning", provider_network_type="flat", provider_physical_network="physnet1"
    )

    port = network.create_port(network_id=net.id, **baremetal.port_body())

    assert wait_status(network, port.id, "ACTIVE").status == "ACTIVE"
    deploy = ov.ethernet_networks.get_by_name("deploy")
    assert connection_on(ov, baremetal.profile.uri).network_uri == deploy.uri


def test_an_update_of_a_plugged_port_sends_nothing_to_oneview(
    network, ov, baremetal, ml2_simulator
) -> None:
    net = vlan_network(network, 236)
    port = network.create_port(network_id=net.id, **baremetal.port_body())
    wait_status(network, port.id, "ACTIVE")
    before = ml2_simulator.operator.counters()

    network.update_port(port.id, name="renamed")

    after = ml2_simulator.operator.counters()
    changed = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
    assert not [k for k in changed if not k.startswith("GET")], changed


def test_a_server_that_is_on_is_powered_off_for_the_edit_and_on_again(
    network, ov, baremetal, ml2_simulator
) -> None:
    ov.server_hardware.set_power(baremetal.server, "On")
    before = ml2_simulator.operator.counters()
    net = vlan_network(network, 237)

    port = network.create_port(network_id=net.id, **baremetal.port_body())

    assert wait_status(network, port.id, "ACTIVE", timeout=30).status == "ACTIVE"
    assert connection_on(ov, baremetal.profile.uri).network_uri == oneview_uri(ov, net.id)
    assert str(ov.server_hardware.get(baremetal.server.uri).power_state) == "On"
    after = ml2_simulator.operator.counters()
    key = "PUT /rest/server-hardware/{id}/powerState"
    assert after.get(key, 0) - before.get(key, 0) == 2  # off, then on again


def test_a_server_that_is_off_stays_off(network, ov, baremetal, ml2_simulator) -> None:
    before = ml2_simulator.operator.counters()
    net = vlan_network(network, 238)

    port = network.create_port(network_id=net.id, **baremetal.port_body())

    assert wait_status(network, port.id, "ACTIVE").status == "ACTIVE"
    after = ml2_simulator.operator.counters()
    key = "PUT /rest/server-hardware/{id}/powerState"
    assert after.get(key, 0) == before.get(key, 0)
    assert str(ov.server_hardware.get(baremetal.server.uri).power_state) == "Off"
