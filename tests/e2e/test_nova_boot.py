"""Bare metal like a VM: ``openstack server create`` lands on a OneView blade on a tenant VLAN.

One :class:`~oneview_openstack.testing.cloud.OneViewCloud` for the file (MariaDB, RabbitMQ,
Placement, Glance, the simulator with virtual agents, Neutron with the ``oneview`` ML2 driver,
Ironic with the ``oneview`` hardware type, ``ironic-oneviewd``, Nova): the daemon brings the
two servers ``SPT-Edge-SY480`` fits (Frame3, bays 1 and 2) to ``available``, the CLI makes
their flavor, a tenant makes a VLAN network and boots a Glance image on it through Nova, and
both sides are checked: OpenStack's (Nova, Ironic, Neutron) and OneView's (profile,
connection, disk, power). The tests run in file order and share the cloud; each one leaves
the nodes available again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from oneview_openstack.client import OneViewClient
from oneview_openstack.testing.cloud import CLOUD_NAME, TEMPLATE, OneViewCloud

pytestmark = pytest.mark.functional

IMAGE = b"whole-disk image of the Nova end-to-end test\n" * 8192
#: The NIC the template boots from, which Ironic's VIF port is plugged into.
PXE_NIC = "Mezz 3:1-a"
POLL = 0.25


@pytest.fixture(scope="module")
def cloud(
    tmp_path_factory: pytest.TempPathFactory, simulator_cert_dir: Path
) -> Iterator[OneViewCloud]:
    with OneViewCloud(tmp_path_factory.mktemp("nova-e2e"), cert_dir=simulator_cert_dir) as c:
        yield c


@pytest.fixture(scope="module")
def conn(cloud: OneViewCloud, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The tenant's openstacksdk connection, from the ``clouds.yaml`` the cloud writes."""
    from openstack.config import OpenStackConfig
    from openstack.connection import Connection

    path = cloud.clouds_yaml(tmp_path_factory.mktemp("clouds") / "clouds.yaml")
    config = OpenStackConfig(config_files=[str(path)], load_envvars=False)
    return Connection(config=config.get_one(cloud=CLOUD_NAME))


@pytest.fixture(scope="module")
def ov(cloud: OneViewCloud) -> Iterator[OneViewClient]:
    sim = cloud.sim
    with OneViewClient(sim.url, sim.username, sim.password, ca_file=sim.ca_file) as client:
        yield client


@pytest.fixture(scope="module")
def nodes(cloud: OneViewCloud, conn: Any) -> list[Any]:
    """The template's servers, enrolled by ironic-oneviewd and available to Nova."""
    wait_for(lambda: _all_available(conn), "ironic-oneviewd brings both servers to available",
             cloud, timeout=180)  # fmt: skip
    found = list(conn.baremetal.nodes(details=True))
    wait_for(lambda: cloud.schedulable(n.id for n in found), "Placement offers both nodes", cloud)
    return found


@pytest.fixture(scope="module")
def flavor(cloud: OneViewCloud, conn: Any, nodes: list[Any]) -> Any:
    """The flavor ``ironic-oneview flavor create`` makes of the nodes' configuration."""
    rows = cloud.create_flavors()
    assert [row["Result"] for row in rows] == ["created"], rows
    return conn.compute.find_flavor(rows[0]["Name"], ignore_missing=False)


@pytest.fixture(scope="module")
def tenant_network(conn: Any) -> Any:
    network = conn.network.create_network(name="tenant-blue")
    conn.network.create_subnet(network_id=network.id, ip_version=4, cidr="10.30.0.0/24")
    return conn.network.get_network(network.id)


@pytest.fixture(scope="module")
def image(conn: Any) -> Any:
    created = conn.image.create_image(
        name="disk", disk_format="raw", container_format="bare", visibility="public", data=IMAGE
    )
    found = wait_for(lambda: _active_image(conn, created.id), "Glance stores the image", None)
    return found


# -- the story -------------------------------------------------------------------------------


def test_the_daemon_enrolls_the_templates_servers_with_neutron_networking(
    nodes: list[Any], ov: OneViewClient
) -> None:
    template = ov.server_profile_templates.get_by_name(TEMPLATE)
    assert sorted(n.name for n in nodes) == ["frame3-bay-1", "frame3-bay-2"]
    for node in nodes:
        assert node.driver == "oneview"
        assert node.network_interface == "neutron"
        assert node.deploy_interface == "oneview-direct"
        assert node.driver_info["server_profile_template_uri"] == template.uri
        assert node.power_state == "power off"


def test_the_cli_flavor_asks_for_one_node_of_that_configuration(
    flavor: Any, nodes: list[Any]
) -> None:
    resource_class = "CUSTOM_" + nodes[0].resource_class.upper().replace("-", "_")
    assert flavor.extra_specs[f"resources:{resource_class}"] == "1"
    assert flavor.extra_specs["trait:CUSTOM_OV_EG_EG_EDGE"] == "required"
    assert all(
        flavor.extra_specs[f"resources:{rc}"] == "0" for rc in ("VCPU", "MEMORY_MB", "DISK_GB")
    )


def test_a_tenant_vlan_network_reaches_oneviews_uplink_sets(
    cloud: OneViewCloud, tenant_network: Any
) -> None:
    assert tenant_network.provider_network_type == "vlan"
    rest = cloud.sim.rest()
    networks = rest.call("GET", "/rest/ethernet-networks").json()["members"]
    ours = [n for n in networks if f"Neutron [{tenant_network.id}]" in n["name"]]
    assert len(ours) == 1, [n["name"] for n in networks]
    assert ours[0]["vlanId"] == tenant_network.provider_segmentation_id
    uplink_sets = rest.call("GET", "/rest/uplink-sets").json()["members"]
    carrying = {u["name"] for u in uplink_sets if ours[0]["uri"] in u["networkUris"]}
    assert carrying == {"US-Edge-Tenants", "US-Tenants"}  # physnet1's, in every LI


def test_server_create_lands_on_a_oneview_blade_on_the_tenant_vlan_and_delete_frees_it(
    cloud: OneViewCloud, conn: Any, ov: OneViewClient, nodes: list[Any], flavor: Any,
    tenant_network: Any, image: Any,
) -> None:  # fmt: skip
    started = time.monotonic()
    server = conn.compute.create_server(
        name="blue-1", flavor_id=flavor.id, image_id=image.id,
        networks=[{"uuid": tenant_network.id}],
    )  # fmt: skip
    server = conn.compute.wait_for_server(server, status="ACTIVE", failures=["ERROR"],
                                          interval=POLL, wait=120)  # fmt: skip
    boot_seconds = time.monotonic() - started

    # OpenStack's side: Nova, Ironic, Neutron
    node = conn.baremetal.get_node(server.hypervisor_hostname)
    assert node.id in {n.id for n in nodes}
    assert node.provision_state == "active"
    assert node.instance_id == server.id
    assert node.power_state == "power on"
    [port] = conn.network.ports(device_id=server.id)
    port = wait_for(
        lambda: _port_status(conn, port.id, "ACTIVE"), "the VIF port goes ACTIVE", cloud
    )
    assert port.binding_host_id == node.id
    assert port.binding_vif_type == "other"
    assert port.binding_vnic_type == "baremetal"
    pxe_port = next(
        p for p in conn.baremetal.ports(node_id=node.id, details=True) if p.is_pxe_enabled
    )
    assert port.mac_address == pxe_port.address

    # OneView's side: the template's profile, the NIC on the tenant VLAN, the image, power
    hardware = ov.server_hardware.get(node.driver_info["server_hardware_uri"])
    assert hardware.power_state == "On"
    assert hardware.server_profile_uri, "oneview-direct applied a profile"
    profile = ov.server_profiles.get(hardware.server_profile_uri)
    assert (
        profile.data["serverProfileTemplateUri"] == node.driver_info["server_profile_template_uri"]
    )
    tenant_uri = _oneview_network_uri(ov, tenant_network.id)
    connection = next(c for c in profile.connections if c.port_id == PXE_NIC)
    assert connection.network_uri == tenant_uri
    assert connection.name == f"Neutron port {port.id}"
    disk = cloud.sim.operator.agent(hardware.uri)["disk"]
    assert disk["image"]["image_id"] == image.id
    assert disk["image"]["size"] == len(IMAGE)
    assert disk["image"]["node_uuid"] == node.id

    # server delete: undeploy, cleaning, the node available again; the profile is gone
    started = time.monotonic()
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, interval=POLL, wait=120)
    freed = wait_for(
        lambda: _state(conn, node.id, "available"), "the node is available again", cloud
    )
    delete_seconds = time.monotonic() - started
    assert freed.instance_id is None
    assert freed.power_state == "power off"
    hardware = ov.server_hardware.get(hardware.uri)
    assert not hardware.server_profile_uri, "the profile (and its tenant connection) is gone"
    assert cloud.sim.rest().call("GET", profile.uri).status_code == 404
    disk = cloud.sim.operator.agent(hardware.uri)["disk"]
    assert disk["image"] is None, "cleaning erased the disk"
    assert list(conn.network.ports(device_id=server.id)) == []
    wait_for(lambda: cloud.schedulable(n.id for n in nodes), "Placement offers both nodes", cloud)
    print(f"boot {boot_seconds:.1f} s, delete to available {delete_seconds:.1f} s")


def test_servers_taken_by_oneview_users_leave_nova_no_valid_host_until_given_back(
    cloud: OneViewCloud, conn: Any, nodes: list[Any], flavor: Any, tenant_network: Any,
    image: Any,
) -> None:  # fmt: skip
    operator = cloud.sim.operator
    servers = [n.driver_info["server_hardware_uri"] for n in nodes]
    for number, uri in enumerate(servers):
        operator.apply_foreign_profile(uri, f"oneview-user-profile-{number}")
    try:
        taken = wait_for(
            lambda: _all_state(conn, "manageable"), "Ironic takes both nodes out", cloud
        )
        assert all("In use by OneView" in (n.maintenance_reason or "") for n in taken)
        wait_for(
            lambda: cloud.withheld(n.id for n in nodes), "Placement withholds both nodes", cloud
        )

        server = conn.compute.create_server(
            name="blue-2", flavor_id=flavor.id, image_id=image.id,
            networks=[{"uuid": tenant_network.id}],
        )  # fmt: skip
        failed = wait_for(lambda: _server_status(conn, server.id, "ERROR"), "Nova gives up", cloud)
        assert "No valid host" in failed.fault["message"]
        scheduler_log = cloud.nova.service_log("nova-scheduler").read_text()
        assert "Got no allocation candidates from the Placement API" in scheduler_log
        conductor_log = cloud.nova.service_log("nova-conductor").read_text().splitlines()
        assert any(  # "[instance: <id>] Setting instance to ERROR state.: ...No valid host"
            f"[instance: {server.id}]" in line and "No valid host" in line for line in conductor_log
        )
        conn.compute.delete_server(server)
        conn.compute.wait_for_delete(server, interval=POLL, wait=60)
    finally:
        for uri in servers:
            operator.remove_foreign_profile(uri)
    wait_for(lambda: _all_available(conn), "Ironic cleans and gives both nodes back", cloud)
    wait_for(lambda: cloud.schedulable(n.id for n in nodes), "Placement offers both again", cloud)


def test_a_deploy_failing_in_the_agent_leaves_the_instance_in_error_and_the_nodes_cleaned(
    cloud: OneViewCloud, conn: Any, nodes: list[Any], flavor: Any, tenant_network: Any,
    image: Any,
) -> None:  # fmt: skip
    # Nova reschedules a failed build to the other node: both fail, so the instance errs.
    cloud.sim.operator.fail_agent_command("write_image", "disk /dev/sda is gone", times=2)
    server = conn.compute.create_server(
        name="blue-3", flavor_id=flavor.id, image_id=image.id,
        networks=[{"uuid": tenant_network.id}],
    )  # fmt: skip
    failed = wait_for(lambda: _server_status(conn, server.id, "ERROR"), "Nova gives up", cloud)
    assert "Exhausted all hosts available" in failed.fault["message"], failed.fault
    compute_log = cloud.nova.service_log("nova-compute").read_text()
    assert "disk /dev/sda is gone" in compute_log, "the agent's error reaches nova-compute's log"
    cleaned = wait_for(lambda: _all_available(conn) and _all_state(conn, "available"),
                       "both nodes are cleaned back to available", cloud)  # fmt: skip
    assert all(n.instance_id is None for n in cleaned)
    for node in cleaned:
        hardware = node.driver_info["server_hardware_uri"]
        assert cloud.sim.operator.agent(hardware)["disk"]["image"] is None

    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, interval=POLL, wait=60)
    assert list(conn.network.ports(device_id=server.id)) == []
    wait_for(lambda: cloud.schedulable(n.id for n in nodes), "Placement offers both nodes", cloud)


# -- helpers ---------------------------------------------------------------------------------


def wait_for(check: Callable[[], Any], what: str, cloud: OneViewCloud | None,
             timeout: float = 90.0) -> Any:  # fmt: skip
    """Poll ``check`` until it returns something truthy, which is returned."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        if time.monotonic() > deadline:
            where = f"; logs under {cloud.workdir}" if cloud else ""
            raise AssertionError(f"not within {timeout:.0f} s: {what}{where}")
        time.sleep(POLL)
    return found


def _all_available(conn: Any) -> bool:
    return _all_state(conn, "available") is not None


def _all_state(conn: Any, state: str) -> list[Any] | None:
    found = list(conn.baremetal.nodes(details=True))
    return found if found and all(n.provision_state == state for n in found) else None


def _state(conn: Any, node_id: str, state: str) -> Any:
    node = conn.baremetal.get_node(node_id)
    return node if node.provision_state == state else None


def _port_status(conn: Any, port_id: str, status: str) -> Any:
    port = conn.network.get_port(port_id)
    return port if port.status == status else None


def _server_status(conn: Any, server_id: str, status: str) -> Any:
    server = conn.compute.get_server(server_id)
    return server if server.status == status else None


def _active_image(conn: Any, image_id: str) -> Any:
    found = conn.image.get_image(image_id)
    return found if found.status == "active" else None


def _oneview_network_uri(ov: OneViewClient, network_id: str) -> str:
    [network] = [
        n for n in ov.ethernet_networks.list() if f"Neutron [{network_id}]" in (n.name or "")
    ]
    return str(network.uri)
