"""The runtime foundation: a real Neutron API with ML2 flat+vlan answers openstacksdk."""

import pytest

pytestmark = pytest.mark.functional


def test_provider_vlan_network_keeps_its_segment(network) -> None:
    created = network.create_network(
        name="prov-vlan",
        provider_network_type="vlan",
        provider_physical_network="physnet1",
        provider_segmentation_id=150,
    )

    fetched = network.get_network(created.id)
    assert (fetched.name, fetched.status) == ("prov-vlan", "ACTIVE")
    assert (fetched.provider_network_type, fetched.provider_physical_network) == (
        "vlan",
        "physnet1",
    )
    assert fetched.provider_segmentation_id == 150


def test_project_network_gets_a_vlan_from_the_configured_range(network) -> None:
    created = network.create_network(name="tenant")

    assert created.provider_network_type == "vlan"
    assert 200 <= created.provider_segmentation_id <= 299  # tests/ml2/conftest.py


def test_flat_network_with_subnet_and_port(network) -> None:
    flat = network.create_network(
        name="prov-flat", provider_network_type="flat", provider_physical_network="physnet1"
    )
    network.create_subnet(network_id=flat.id, ip_version=4, cidr="10.20.0.0/24", enable_dhcp=False)

    port = network.create_port(network_id=flat.id, mac_address="52:54:00:aa:bb:01")

    assert port.mac_address == "52:54:00:aa:bb:01"
    assert port.fixed_ips[0]["ip_address"].startswith("10.20.0.")


def test_reset_deletes_every_network(neutron) -> None:
    network = neutron.connection().network
    created = network.create_network(name="to-reset")
    network.create_port(network_id=created.id)

    neutron.reset()

    assert list(network.networks()) == []
    assert list(network.ports()) == []
