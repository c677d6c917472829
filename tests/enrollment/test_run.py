"""Executing a plan in a real Ironic: each server all or nothing, reruns and races converge."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterator

import pytest

from oneview_openstack import client, enrollment
from oneview_openstack.enrollment import Result
from oneview_openstack.enrollment import ironic as ironic_api
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.simulator import SimulatorHandle

pytestmark = pytest.mark.functional

TEMPLATE = "SPT-Prod-SY480"
FREE_SERVERS = 9


@pytest.fixture
def ov(sim: SimulatorHandle) -> Iterator[client.OneViewClient]:
    with client.OneViewClient(sim.url, sim.username, sim.password, ca_file=sim.ca_file) as oneview:
        yield oneview


def test_a_port_that_fails_deletes_its_node_and_spares_the_others(
    ov: client.OneViewClient, ironic: IronicService
) -> None:
    baremetal = ironic.connection().baremetal
    catalog = enrollment.read_catalog(ov, TEMPLATE)
    options = enrollment.NodeOptions()
    steps = enrollment.plan(
        catalog, enrollment.read_ironic(baremetal), enrollment.Selection(), options
    )
    victim = next(s for s in steps if s.server_name == "Frame1, bay 4")
    taken = enrollment.spec.port_specs(
        victim.server, catalog.bundle.template, interconnects={}, options=options
    )[1].address
    # After planning, someone else takes the second NIC's MAC.
    intruder = baremetal.create_node(driver="fake-hardware", provision_state="enroll")
    baremetal.create_port(node_id=intruder.id, address=taken)

    outcomes = {
        o.server_name: o for o in enrollment.execute(steps, catalog, ov, baremetal, options)
    }

    failed = outcomes["Frame1, bay 4"]
    assert failed.result is Result.FAILED
    assert taken in failed.reason and "its node was deleted again" in failed.reason
    assert ironic_api.get_node(baremetal, enrollment.spec.node_uuid(victim.server)) is None
    assert [p.node_id for p in baremetal.ports(details=True, address=taken)] == [intruder.id]
    created = [o for o in outcomes.values() if o.result is Result.CREATED]
    assert len(created) == FREE_SERVERS - 1


def test_a_node_left_without_ports_is_completed(
    ov: client.OneViewClient, ironic: IronicService
) -> None:
    baremetal = ironic.connection().baremetal
    catalog = enrollment.read_catalog(ov, TEMPLATE)
    server = next(s for s in catalog.servers if s.name == "Frame1, bay 1")
    spec = enrollment.spec.node_spec(
        server,
        catalog.bundle,
        storage=None,
        interconnects=catalog.interconnects,
        options=enrollment.NodeOptions(),
    )
    ironic_api.create_node(baremetal, spec)  # what a run killed right after the node leaves

    outcomes = enrollment.enroll(
        ov, baremetal, TEMPLATE, enrollment.Selection(servers=(server.uri,))
    )

    assert [(o.result, o.ports) for o in outcomes] == [(Result.REPAIRED, 2)]
    assert len(list(baremetal.ports(node_id=spec.uuid))) == 2
    assert set(baremetal.get_node(spec.uuid).traits) == set(spec.traits)


def test_two_runs_at_once_make_one_node_per_server(
    ov: client.OneViewClient, ironic: IronicService
) -> None:
    baremetal = ironic.connection().baremetal

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(enrollment.enroll, ov, baremetal, TEMPLATE) for _ in range(2)]
        results = [future.result() for future in runs]

    assert all(not o.failed for outcomes in results for o in outcomes)
    nodes = list(baremetal.nodes(details=True, driver="oneview"))
    assert len(nodes) == FREE_SERVERS
    for node in nodes:
        assert len(list(baremetal.ports(node_id=node.id))) == 2


def test_a_virtual_mac_template_enrolls_with_the_hardware_macs(
    ov: client.OneViewClient, ironic: IronicService, sim: SimulatorHandle
) -> None:
    baremetal = ironic.connection().baremetal
    rest = sim.rest()
    template = ov.server_profile_templates.find_by_name(TEMPLATE)
    assert template is not None
    body = rest.call("GET", template.uri).json()
    body["macType"] = "Virtual"
    edited = rest.call("PUT", template.uri, body)
    if edited.status_code == 202:
        assert rest.wait_task(edited.json()["uri"])["taskState"] == "Completed"
    server = next(s for s in ov.server_hardware.list() if s.name == "Frame1, bay 1")

    outcomes = enrollment.enroll(
        ov, baremetal, TEMPLATE, enrollment.Selection(servers=(server.uri,))
    )

    assert [(o.result, o.ports) for o in outcomes] == [(Result.CREATED, 2)]
    ports = baremetal.ports(details=True, node_id=enrollment.spec.node_uuid(server))
    assert {(p.extra["oneview_port_id"], p.address) for p in ports} == {
        (port_id, (server.mac_for_port_id(port_id) or "").lower())
        for port_id in ("Mezz 3:1-a", "Mezz 3:2-a")
    }


def test_a_user_defined_mac_template_is_refused_before_any_node(
    ov: client.OneViewClient, ironic: IronicService, sim: SimulatorHandle
) -> None:
    baremetal = ironic.connection().baremetal
    rest = sim.rest()
    template = ov.server_profile_templates.find_by_name(TEMPLATE)
    assert template is not None
    body = rest.call("GET", template.uri).json()
    body["macType"] = "UserDefined"
    edited = rest.call("PUT", template.uri, body)
    if edited.status_code == 202:
        assert rest.wait_task(edited.json()["uri"])["taskState"] == "Completed"

    with pytest.raises(enrollment.EnrollmentError, match="macType 'UserDefined'"):
        enrollment.enroll(ov, baremetal, TEMPLATE)

    assert list(baremetal.nodes(driver="oneview")) == []


def test_rack_servers_enroll_with_a_port_per_adapter_port(
    ov: client.OneViewClient, ironic: IronicService
) -> None:
    baremetal = ironic.connection().baremetal
    server = next(s for s in ov.server_hardware.list() if s.name == "dl360-01.lab.example")

    outcomes = enrollment.enroll(
        ov, baremetal, "SPT-Rack-DL360", enrollment.Selection(servers=(server.uri,))
    )

    assert [(o.result, o.ports) for o in outcomes] == [(Result.CREATED, 6)]
    ports = baremetal.ports(details=True, node_id=enrollment.spec.node_uuid(server))
    by_id = {p.extra["oneview_port_id"]: p for p in ports}
    assert sorted(by_id) == [f"Embedded 1:{n}" for n in range(1, 5)] + ["Flb 1:1", "Flb 1:2"]
    assert all(p.address == (server.mac_for_port_id(i) or "").lower() for i, p in by_id.items())
    assert [i for i, p in by_id.items() if p.is_pxe_enabled] == ["Embedded 1:1"]
