"""End to end: a real Ironic with Ironic's ``neutron`` network interface deploys a OneView
blade through the simulator's virtual agents, while a real Neutron with the ``oneview`` ML2
driver wires the blade's NIC into the tenant network in its server profile.

What Nova would do is done by hand: a port on the tenant network, attached to the node as
its VIF, instance_info, deploy. Ironic binds its provisioning and cleaning ports on the
flat provisioning network (physnet1 -> OneView ``deploy``) and, after the image is
written, binds the VIF port with the node's local link: the driver then points the PXE NIC
(``Mezz 3:1-a``) of the profile ``oneview-direct`` applied at the tenant network's OneView
network. Undeploying unbinds the port and removes the profile.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oneview_openstack import enrollment
from oneview_openstack.client import OneViewClient
from oneview_openstack.testing.image_server import ImageServer
from oneview_openstack.testing.ironic_nodes import move_node
from oneview_openstack.testing.mariadb import MariaDBServer

from .e2e_lab import E2ELab, running_e2e_lab

pytestmark = pytest.mark.functional

TEMPLATE = "SPT-Prod-SY480"
BLADE = "Frame1, bay 1"
PXE_NIC = "Mezz 3:1-a"
IMAGE = b"whole-disk image of the Neutron end-to-end test\n" * 4096


@pytest.fixture(scope="module")
def e2e(
    tmp_path_factory: pytest.TempPathFactory, simulator_cert_dir: Path, ml2_mariadb: MariaDBServer
) -> Iterator[E2ELab]:
    with running_e2e_lab(
        tmp_path_factory.mktemp("ml2-e2e"), simulator_cert_dir, ml2_mariadb
    ) as lab:
        yield lab


@pytest.fixture(scope="module")
def e2e_ov(e2e: E2ELab) -> Iterator[OneViewClient]:
    with OneViewClient(
        e2e.sim.url, e2e.sim.username, e2e.sim.password, ca_file=e2e.sim.ca_file
    ) as client:
        yield client


@pytest.fixture
def images() -> Iterator[ImageServer]:
    with ImageServer(IMAGE) as server:
        yield server


def _pxe_connection(ov: OneViewClient, profile_uri: str) -> Any:
    profile = ov.server_profiles.get(profile_uri)
    return next(c for c in profile.connections if (c.port_id or "").replace(" ", "") == "Mezz3:1-a")


def _wait_port(network: Any, port_id: str, status: str, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        port = network.get_port(port_id)
        if port.status == status or time.monotonic() > deadline:
            return port
        time.sleep(0.1)


def test_deploy_plugs_the_tenant_port_into_the_profile_and_undeploy_unplugs_it(
    e2e: E2ELab, e2e_ov: OneViewClient, images: ImageServer
) -> None:
    timings: dict[str, float] = {}
    network = e2e.neutron.connection().network
    bm = e2e.ironic.connection().baremetal

    tenant = network.create_network(name="tenant")  # a project VLAN on physnet1
    network.create_subnet(network_id=tenant.id, ip_version=4, cidr="10.30.0.0/24")
    assert tenant.provider_network_type == "vlan"
    ov_tenant = [
        n for n in e2e_ov.ethernet_networks.list() if f"Neutron [{tenant.id}]" in (n.name or "")
    ]
    assert len(ov_tenant) == 1, "the ML2 driver made the tenant network in OneView"
    tenant_uri = ov_tenant[0].uri
    deploy_uri = e2e_ov.ethernet_networks.get_by_name("deploy").uri

    started = time.monotonic()
    outcomes = enrollment.enroll(
        e2e_ov,
        bm,
        TEMPLATE,
        enrollment.Selection(servers=(BLADE,)),
        enrollment.NodeOptions(
            interfaces={
                "boot": "pxe",
                "deploy": "oneview-direct",
                "network": "neutron",
                "power": "oneview",
                "management": "oneview",
            },
            physical_network="physnet1",
        ),
    )
    assert [o.result for o in outcomes] == [enrollment.Result.CREATED], outcomes
    server = e2e_ov.server_hardware.get_by_name(BLADE)
    node_id = outcomes[0].node_uuid
    assert node_id is not None
    ironic_ports = list(bm.ports(node_uuid=node_id, details=True))
    assert ironic_ports and all(p.physical_network == "physnet1" for p in ironic_ports)
    assert bm.get_node(node_id).network_interface == "neutron"

    move_node(bm, node_id, "manage")
    provided = move_node(bm, node_id, "provide", timeout=60)
    timings["provide"] = time.monotonic() - started
    assert provided.provision_state == "available", provided.last_error
    # the cleaning ports on the provisioning network are gone again
    assert list(network.ports(network_id=e2e.provisioning_network.id)) == []

    # what Nova does: a port on the tenant network, the node's VIF, instance_info, deploy
    vif = network.create_port(network_id=tenant.id, name="instance-port")
    bm.attach_vif_to_node(node_id, vif.id)
    bm.update_node(
        node_id,
        instance_info={
            "image_source": images.url,
            "image_os_hash_algo": "sha256",
            "image_os_hash_value": images.sha256,
        },
    )
    started = time.monotonic()
    active = move_node(bm, node_id, "active", timeout=60)
    timings["deploy"] = time.monotonic() - started
    assert active.provision_state == "active", active.last_error

    bound = _wait_port(network, vif.id, "ACTIVE")
    assert bound.binding_host_id == node_id
    assert bound.binding_vif_type == "other"
    assert bound.binding_vnic_type == "baremetal"
    assert bound.status == "ACTIVE"
    pxe_port = next(p for p in ironic_ports if p.is_pxe_enabled)
    assert bound.mac_address == pxe_port.address
    assert bound.binding_profile["local_link_information"] == [pxe_port.local_link_connection]
    assert list(network.ports(network_id=e2e.provisioning_network.id)) == []

    profile_uri = e2e_ov.server_hardware.get(server.uri).server_profile_uri
    assert profile_uri, "oneview-direct applied a profile"
    connection = _pxe_connection(e2e_ov, profile_uri)
    assert connection.network_uri == tenant_uri
    assert connection.name == f"Neutron port {vif.id}"
    assert e2e_ov.ethernet_networks.get(connection.network_uri).name == ov_tenant[0].name

    started = time.monotonic()
    undeployed = move_node(bm, node_id, "deleted", timeout=60)
    timings["undeploy"] = time.monotonic() - started
    assert undeployed.provision_state == "available", undeployed.last_error

    profile_uri = e2e_ov.server_hardware.get(server.uri).server_profile_uri
    if profile_uri:  # the NIC is back on the template's network
        connection = _pxe_connection(e2e_ov, profile_uri)
        assert connection.network_uri == deploy_uri
        assert not (connection.name or "").startswith("Neutron port ")
    unbound = network.get_port(vif.id)
    assert unbound.binding_host_id in ("", None)
    assert unbound.binding_vif_type == "unbound"
    assert unbound.status == "DOWN"
    print("timings:", {k: round(v, 2) for k, v in timings.items()})
