"""A Neutron whose driver speaks API 300 (networking-oneview's profiles, with top-level
``connections``) and shares the appliance with another Neutron (no ``force_sync_delete_ops``):
it wires ports in that shape, and its synchronization leaves what is not its own alone.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from ml2.conftest import oneview_sections
from ml2.test_ports import wait_status
from oneview_openstack.testing.mariadb import MariaDBServer
from oneview_openstack.testing.neutron_service import NeutronService
from oneview_openstack.testing.simulator import SimulatorHandle

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def api300_neutron(
    tmp_path_factory: pytest.TempPathFactory,
    ml2_simulator: SimulatorHandle,
    ml2_mariadb: MariaDBServer,
) -> Iterator[NeutronService]:
    sections = oneview_sections(ml2_simulator, sync_interval=1)
    sections["oneview"]["api_version_cap"] = 300
    with NeutronService(
        tmp_path_factory.mktemp("neutron-api300"),
        database_url=ml2_mariadb.create_database("neutron_api300"),
        vlan_ranges=("physnet1:350:359",),
        sections=sections,
    ) as service:
        yield service


@pytest.fixture
def net(api300_neutron: NeutronService) -> Iterator[Any]:
    yield api300_neutron.connection().network
    api300_neutron.reset()


def test_ports_are_wired_in_api_300_profiles(net, ov, baremetal, ml2_simulator) -> None:
    created = net.create_network(
        name="old-api",
        provider_network_type="vlan",
        provider_physical_network="physnet1",
        provider_segmentation_id=350,
    )

    port = net.create_port(network_id=created.id, **baremetal.port_body())

    assert wait_status(net, port.id, "ACTIVE").status == "ACTIVE"
    body = ml2_simulator.rest(api_version=300).call("GET", baremetal.profile.uri).json()
    assert "connectionSettings" not in body
    [wired] = [c for c in body["connections"] if c["portId"] == "Mezz 3:1-a"]
    assert wired["name"] == f"Neutron port {port.id}"
    assert created.id in ov.ethernet_networks.get(wired["networkUri"]).name


def test_without_force_what_is_not_its_own_is_left_alone(net, ov, baremetal) -> None:
    """Another Neutron's network and another Neutron's port connection survive passes."""
    foreign = ov.ethernet_networks.create(f"Neutron [{uuid.uuid4()}]", 358)
    foreign_port = f"Neutron port {uuid.uuid4()}"

    def wire_foreign(profile: Any) -> bool:
        for connection in profile.connections:
            if connection.port_id == "Mezz 3:2-a":
                connection.data["name"] = foreign_port
        return True

    ov.server_profiles.modify(baremetal.profile.uri, wire_foreign)
    try:
        time.sleep(3)  # three passes

        assert ov.ethernet_networks.get(foreign.uri).name == foreign.name
        names = [c.name for c in ov.server_profiles.get(baremetal.profile.uri).connections]
        assert foreign_port in names
    finally:
        ov.ethernet_networks.delete(foreign.uri)


def test_a_give_back_oneview_refused_is_retried_by_the_sync(
    net, ov, baremetal, ml2_simulator
) -> None:
    created = net.create_network(
        name="refused-unplug",
        provider_network_type="vlan",
        provider_physical_network="physnet1",
        provider_segmentation_id=351,
    )
    port = net.create_port(network_id=created.id, **baremetal.port_body())
    wait_status(net, port.id, "ACTIVE")
    ml2_simulator.operator.add_fault("/rest/server-profiles/*", method="PUT", status=500)
    try:
        net.delete_port(port.id)
        names = [c.name for c in ov.server_profiles.get(baremetal.profile.uri).connections]
        assert f"Neutron port {port.id}" in names  # OneView refused
    finally:
        ml2_simulator.operator.clear_faults()

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        names = [c.name for c in ov.server_profiles.get(baremetal.profile.uri).connections]
        if "deploy" in names:
            break
        time.sleep(0.25)
    assert "deploy" in names and f"Neutron port {port.id}" not in names
