"""The synchronization repairs OneView and completes what OneView refused.

A Neutron of its own (this module's), synchronizing every second with
``force_sync_delete_ops`` set, on the ML2 simulator; and one whose OneView is down at start.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openstack.exceptions
import pytest

from ml2.conftest import oneview_sections
from ml2.test_networks import memberships, oneview_networks_of
from ml2.test_ports import connection_on, wait_status
from oneview_openstack.testing.mariadb import MariaDBServer
from oneview_openstack.testing.neutron_service import NeutronService
from oneview_openstack.testing.service_process import ServiceStartError
from oneview_openstack.testing.simulator import SimulatorHandle, start_simulator

pytestmark = pytest.mark.functional

MAPPED = {"LIG-Prod/US-Tenants", "LIG-Edge/US-Edge-Tenants", "live/US-Tenants"}


@pytest.fixture(scope="module")
def syncing_neutron(
    tmp_path_factory: pytest.TempPathFactory,
    ml2_simulator: SimulatorHandle,
    ml2_mariadb: MariaDBServer,
) -> Iterator[NeutronService]:
    sections = oneview_sections(ml2_simulator, sync_interval=1, force_sync_delete_ops=True)
    with NeutronService(
        tmp_path_factory.mktemp("neutron-sync"),
        database_url=ml2_mariadb.create_database("neutron_sync"),
        vlan_ranges=("physnet1:300:349",),
        sections=sections,
    ) as service:
        yield service


@pytest.fixture
def net(syncing_neutron: NeutronService) -> Iterator[Any]:
    yield syncing_neutron.connection().network
    syncing_neutron.reset()


def eventually(check: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
    return True


def vlan(net: Any, segmentation_id: int, name: str = "synced") -> Any:
    return net.create_network(
        name=name,
        provider_network_type="vlan",
        provider_physical_network="physnet1",
        provider_segmentation_id=segmentation_id,
    )


def drop_from_uplink_sets(ov: Any, uri: str) -> None:
    def without(group: Any) -> bool:
        for template in group.uplink_sets:
            template["networkUris"] = [u for u in template.get("networkUris") or [] if u != uri]
        return True

    ov.logical_interconnect_groups.modify(
        ov.logical_interconnect_groups.get_by_name("LIG-Prod"), without
    )
    for uplink in ov.uplink_sets.list():
        if uri in uplink.network_uris:
            ov.uplink_sets.remove_networks(uplink, [uri])


def test_a_membership_removed_in_oneview_is_added_back(net, ov) -> None:
    created = vlan(net, 301)
    [oneview] = oneview_networks_of(ov, created.id)

    drop_from_uplink_sets(ov, oneview.uri)

    assert eventually(lambda: memberships(ov, oneview.uri) >= MAPPED)


def test_a_oneview_network_deleted_in_oneview_is_created_again(net, ov) -> None:
    created = vlan(net, 302)
    [oneview] = oneview_networks_of(ov, created.id)

    ov.ethernet_networks.delete(oneview.uri)

    def recreated() -> bool:
        found = oneview_networks_of(ov, created.id)
        return (
            len(found) == 1
            and found[0].uri != oneview.uri
            and memberships(ov, found[0].uri) >= MAPPED
        )

    assert eventually(recreated)


def test_orphans_named_after_neutron_networks_are_deleted(net, ov) -> None:
    orphan = ov.ethernet_networks.create(f"Neutron [{uuid.uuid4()}]", 340)
    kept = ov.ethernet_networks.create("not-neutron", 341)
    try:
        assert eventually(lambda: not any(n.uri == orphan.uri for n in ov.ethernet_networks.list()))
        assert ov.ethernet_networks.get(kept.uri).name == "not-neutron"
    finally:
        ov.ethernet_networks.delete(kept.uri)


def test_a_delete_oneview_refused_is_completed_later(net, ov, ml2_simulator) -> None:
    created = vlan(net, 303)
    [oneview] = oneview_networks_of(ov, created.id)
    ml2_simulator.operator.add_fault(
        "/rest/ethernet-networks/*", method="DELETE", status=500, error_code="INTERNAL_ERROR"
    )
    try:
        net.delete_network(created.id)  # Neutron's delete succeeds
        time.sleep(1.5)
        assert ov.ethernet_networks.get(oneview.uri).uri == oneview.uri  # still in OneView
    finally:
        ml2_simulator.operator.clear_faults()

    assert eventually(lambda: oneview_networks_of(ov, created.id) == [])


def test_a_failing_pass_is_retried(net, ov, ml2_simulator) -> None:
    created = vlan(net, 304)
    [oneview] = oneview_networks_of(ov, created.id)
    ml2_simulator.operator.add_fault(
        "/rest/logical-interconnect-groups*", method="GET", status=503
    )  # every pass fails from now on
    try:
        for uplink in ov.uplink_sets.list():
            if oneview.uri in uplink.network_uris:
                ov.uplink_sets.remove_networks(uplink, [oneview.uri])
        time.sleep(2.5)
        assert "live/US-Tenants" not in {
            f"live/{u.name}" for u in ov.uplink_sets.list() if oneview.uri in u.network_uris
        }
    finally:
        ml2_simulator.operator.clear_faults()

    assert eventually(lambda: memberships(ov, oneview.uri) >= MAPPED)


def test_a_connection_changed_in_oneview_is_repaired(net, ov, baremetal) -> None:
    created = vlan(net, 305)
    port = net.create_port(network_id=created.id, **baremetal.port_body())
    wait_status(net, port.id, "ACTIVE")
    [oneview] = oneview_networks_of(ov, created.id)
    deploy = ov.ethernet_networks.get_by_name("deploy").uri

    def back_to_deploy(profile: Any) -> bool:
        for connection in profile.connections:
            if connection.port_id == "Mezz 3:1-a":
                connection.network_uri = deploy
        return True

    ov.server_profiles.modify(baremetal.profile.uri, back_to_deploy)

    assert eventually(lambda: connection_on(ov, baremetal.profile.uri).network_uri == oneview.uri)


def test_a_pass_lists_groups_uplink_sets_and_networks_once(net, ov, ml2_simulator) -> None:
    vlan(net, 306)  # a network with memberships to compare
    operator = ml2_simulator.operator
    lists = (
        "GET /rest/logical-interconnects",  # once per pass: counts the passes
        "GET /rest/logical-interconnect-groups",
        "GET /rest/uplink-sets",
        "GET /rest/ethernet-networks",  # read with the groups: flat_net_mappings is set
    )
    before = operator.counters()

    def listed() -> dict[str, int]:
        after = operator.counters()
        return {key: after.get(key, 0) - before.get(key, 0) for key in lists}

    assert eventually(lambda: listed()[lists[0]] >= 5)

    counted = listed()
    passes = counted.pop(lists[0])
    # a pass cut by the start or the end of the counting adds at most one listing
    assert all(count <= passes + 1 for count in counted.values()), (passes, counted)


# -- OneView down when Neutron starts -------------------------------------------------


@pytest.fixture
def stopped_simulator(
    tmp_path_factory: pytest.TempPathFactory, simulator_cert_dir: Path
) -> Iterator[SimulatorHandle]:
    handle = start_simulator(tmp_path_factory.mktemp("down-simulator"), cert_dir=simulator_cert_dir)
    handle.stop()
    yield handle
    handle.stop()


def test_oneview_unreachable_at_start(
    tmp_path: Path, stopped_simulator: SimulatorHandle, ml2_mariadb: MariaDBServer
) -> None:
    with NeutronService(
        tmp_path / "neutron",
        database_url=ml2_mariadb.create_database("neutron_down"),
        vlan_ranges=("physnet1:300:349",),
        sections=oneview_sections(stopped_simulator),
    ) as neutron:
        network = neutron.connection().network
        assert list(network.networks()) == []  # Neutron serves

        with pytest.raises(openstack.exceptions.HttpException) as refused:
            vlan(network, 310, "too-early")
        assert refused.value.status_code == 503
        assert "not usable" in str(refused.value) and stopped_simulator.url in str(refused.value)
        assert [n for n in network.networks() if n.name == "too-early"] == []
        flat = network.create_network(
            name="unmapped", provider_network_type="flat", provider_physical_network="physnet9"
        )
        assert flat.status == "ACTIVE"  # what OneView does not carry still works

        stopped_simulator.start()

        def created() -> bool:
            try:
                vlan(network, 311, "later")
            except openstack.exceptions.HttpException:
                return False
            return True

        assert eventually(created, timeout=30)
        log = neutron.log_path.read_text()
        assert stopped_simulator.password not in log


def test_mappings_oneview_does_not_know_stop_neutron_at_start(
    tmp_path: Path, ml2_simulator: SimulatorHandle, ml2_mariadb: MariaDBServer
) -> None:
    sections = oneview_sections(
        ml2_simulator, uplinkset_mappings="physnet1:LIG-Prod:US-Nope", flat_net_mappings=""
    )
    neutron = NeutronService(
        tmp_path / "neutron",
        database_url=ml2_mariadb.create_database("neutron_bad_mapping"),
        sections=sections,
    )

    with pytest.raises(ServiceStartError):
        neutron.start()
    neutron.stop()

    log = neutron.log_path.read_text()
    assert "physnet1:LIG-Prod:US-Nope" in log
    assert "has no uplink set 'US-Nope'" in log and "US-Tenants" in log
