"""Chapter 4: ``openstack server create`` lands on a OneView blade, on the tenant's VLAN."""

from __future__ import annotations

import time
from typing import Any

from oneview_openstack.client import NotFound
from oneview_openstack.demo import enrollment, show
from oneview_openstack.demo.progress import Watcher, is_settled, wait_for
from oneview_openstack.demo.stage import DemoFailure, DemoNode, Stage
from oneview_openstack.demo.tenant import Tenant

SERVER = "blue-1"


def run(stage: Stage, tenant: Tenant) -> None:
    show.chapter(
        4,
        "Bare metal like a VM: openstack server create",
        "Nova picks a node through Placement; Ironic applies a server profile from the node's "
        "template, whose connection Neutron's driver puts on the tenant's VLAN; the agent "
        "writes the image and the server boots it. `server delete` cleans the node and "
        "removes the profile.",
    )
    server_id = create(stage, tenant, SERVER)
    server = stage.conn.compute.get_server(server_id)
    node = next(n for n in stage.nodes if n.id == server.hypervisor_hostname)
    show_openstack_side(stage, server, node)
    show_oneview_side(stage, server, node, tenant)
    delete(stage, server, node)


def server_create(stage: Stage, tenant: Tenant, name: str) -> str:
    """``openstack server create`` with the tenant's flavor, image and network, shown as
    typed; the new server's ID."""
    argv = ["server", "create", "--flavor", tenant.flavor.name, "--image", tenant.image.name,
            "--network", tenant.network.name, name]  # fmt: skip
    show.step(f"The tenant: openstack {' '.join(argv)}")
    return stage.openstack_cli(*argv, "-f", "value", "-c", "id").strip()


def create(stage: Stage, tenant: Tenant, name: str) -> str:
    started = time.monotonic()
    server_id = server_create(stage, tenant, name)
    watcher = Watcher(stage, server_id=server_id)
    watcher.until(
        lambda s: s.server is not None and s.server.status == "ACTIVE",
        f"server {name} to become ACTIVE",
    )
    show.say(f"{name} is ACTIVE {time.monotonic() - started:.1f} s after `server create`", 1)
    return server_id


def show_openstack_side(stage: Stage, server: Any, node: DemoNode) -> None:
    show.step(f"OpenStack's side of {server.name}")
    ironic = stage.baremetal.get_node(node.id)
    [port] = stage.conn.network.ports(device_id=server.id)
    port = wait_for(
        lambda: _port_active(stage, port.id),
        f"Neutron port {port.id} of {server.name} to be ACTIVE",
    )
    addresses = ", ".join(a["addr"] for nets in server.addresses.values() for a in nets)
    show.fields(
        [
            ("Nova server", f"{server.name} ({server.id}): {server.status}, {addresses}"),
            ("on node", f"{node.name} ({node.id})"),
            ("Ironic node", f"{ironic.provision_state}, {ironic.power_state}, "
                            f"instance {ironic.instance_id}"),
            ("Neutron port", f"{port.id}: {port.status}, MAC {port.mac_address}"),
            ("  bound", f"host {port.binding_host_id}, vnic {port.binding_vnic_type}, "
                        f"vif {port.binding_vif_type}"),
        ]
    )  # fmt: skip
    if ironic.instance_id != server.id or port.binding_host_id != node.id:
        raise DemoFailure(
            f"{server.name} is ACTIVE but node {node.name} has instance {ironic.instance_id} "
            f"and its port is bound to host {port.binding_host_id}"
        )


def _port_active(stage: Stage, port_id: str) -> Any:
    port = stage.conn.network.get_port(port_id)
    return port if port.status == "ACTIVE" else None


def show_oneview_side(stage: Stage, server: Any, node: DemoNode, tenant: Tenant) -> None:
    show.step(f"OneView's side of {server.name}: the profile Ironic applied to {node.server_name}")
    ov = stage.ov
    hardware = ov.server_hardware.get(node.server_uri)
    if not hardware.server_profile_uri:
        raise DemoFailure(f"{server.name} is ACTIVE but {node.server_name} carries no profile")
    profile = ov.server_profiles.get(hardware.server_profile_uri)
    template = ov.server_profile_templates.get(profile.server_profile_template_uri or "")
    networks = {n.uri: n for n in ov.ethernet_networks.list()}
    show.fields(
        [
            ("server profile", f"{profile.name} ({profile.uri})"),
            ("from template", template.name),
            *(
                (f"connection {c.id}", f"{c.port_id}, MAC {c.mac}: {_network(networks, c)}")
                for c in profile.connections
            ),
            ("server hardware", f"{hardware.name}: {hardware.state}, power {hardware.power_state}"),
        ]
    )
    if not any(c.network_uri == tenant.oneview_network_uri for c in profile.connections):
        raise DemoFailure(f"profile {profile.name} has no connection on {tenant.network.name}")
    disk = stage.cloud.sim.operator.agent(node.server_uri)["disk"] or {}
    written = disk.get("image")
    if not written or written["image_id"] != tenant.image.id:
        raise DemoFailure(f"{node.server_name}'s disk does not hold image {tenant.image.id}")
    show.say("what the virtual agent wrote on the server's disk (as the simulator recorded it):", 1)
    show.fields(
        [
            ("image", f"{written['image_id']} from {written['url']}"),
            ("size", f"{written['size']} bytes"),
            (written["os_hash_algo"], written["os_hash_value"] + _same_as_glance(tenant, written)),
        ],
        indent=2,
    )


def _same_as_glance(tenant: Tenant, written: dict[str, Any]) -> str:
    glance = {"md5": tenant.image.checksum, "sha512": tenant.image.hash_value}
    same = glance.get(written["os_hash_algo"]) == written["os_hash_value"]
    return " (Glance's: the same)" if same else " (NOT Glance's)"


def _network(networks: dict[Any, Any], connection: Any) -> str:
    network = networks.get(connection.network_uri)
    if network is None:
        return str(connection.network_uri)
    return f"{network.name}, vlan {network.get('vlanId')}"


def delete(stage: Stage, server: Any, node: DemoNode) -> None:
    hardware = stage.ov.server_hardware.get(node.server_uri)
    profile_uri = hardware.server_profile_uri or ""
    show.step(f"The tenant: openstack server delete {server.name}")
    started = time.monotonic()
    stage.openstack_cli("server", "delete", server.id)
    Watcher(stage, server_id=server.id).until(
        lambda s: s.server is None and s.all_nodes(lambda n: is_settled(n, "available")),
        f"{server.name} to be deleted and {node.name} available again",
    )
    show.say(f"{node.name} is available {time.monotonic() - started:.1f} s after the delete", 1)
    enrollment.wait_profiles_removed(stage)
    try:
        stage.ov.server_profiles.get(profile_uri)
        raise DemoFailure(f"server profile {node.profile_name} is still there ({profile_uri})")
    except NotFound:
        show.say(
            f"server profile {node.profile_name} and its tenant connection are gone "
            f"(GET {profile_uri}: 404)",
            1,
        )
    disk = stage.cloud.sim.operator.agent(node.server_uri)["disk"] or {}
    if disk.get("image"):
        raise DemoFailure(f"{node.name} is available but its disk still holds {disk['image']}")
    show.say("the disk holds no image (cleaning erased it)", 1)
    ports = [port.id for port in stage.conn.network.ports(device_id=server.id)]
    if ports:
        raise DemoFailure(f"{server.name} is deleted but Neutron still has its ports {ports}")
    show.say(f"Neutron ports of {server.name}: 0", 1)
