"""Chapter 3: what a tenant sees: flavors made by the CLI, a VLAN network, an image."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import yaml

from oneview_openstack.demo import show
from oneview_openstack.demo.progress import wait_for
from oneview_openstack.demo.stage import DemoFailure, Stage, run_cli

NETWORK = "tenant-blue"
SUBNET_CIDR = "10.30.0.0/24"
IMAGE_NAME = "ubuntu-24.04.raw"
# The whole-disk image the virtual agent downloads, checks and writes.
IMAGE_CONTENT = b"the demo's whole-disk image: a OneView blade boots this after the deploy\n" * 8192


@dataclasses.dataclass
class Tenant:
    """What the tenant boots with."""

    flavor: Any
    network: Any
    image: Any
    oneview_network_uri: str


def run(stage: Stage) -> Tenant:
    show.chapter(
        3,
        "The tenant's view: flavors, a VLAN network, an image",
        "The operator makes a Nova flavor per hardware configuration with the CLI; the tenant "
        "makes a network and uploads an image, as for virtual machines. Neutron's `oneview` "
        "mechanism driver creates the network in OneView and adds it to the uplink sets of "
        "its physical network.",
    )
    flavor = create_flavors(stage)
    network, uri = create_network(stage)
    image = upload_image(stage)
    return Tenant(flavor, network, image, uri)


def create_flavors(stage: Stage) -> Any:
    argv = ["ironic-oneview", "flavor", "create", "-f", "yaml"]
    show.step(f"The operator: {' '.join(argv)}")
    printed = run_cli(argv, stage.cloud.cli_env())
    for line in printed.rstrip().splitlines():
        show.say(line, 2)
    rows = yaml.safe_load(printed)
    if [row["Result"] for row in rows] != ["created"]:
        raise DemoFailure(f"ironic-oneview flavor create made no single new flavor: {rows}")
    flavor = stage.conn.compute.find_flavor(rows[0]["Name"], ignore_missing=False)
    show.say(f"Nova lists flavor {flavor.name}: one whole node of that configuration.", 1)
    return flavor


def create_network(stage: Stage) -> tuple[Any, str]:
    show.step(f"The tenant: a network {NETWORK} and its subnet {SUBNET_CIDR}")
    network = stage.conn.network.create_network(name=NETWORK)
    stage.conn.network.create_subnet(network_id=network.id, ip_version=4, cidr=SUBNET_CIDR)
    network = stage.conn.network.get_network(network.id)
    show.fields(
        [
            ("Neutron network", f"{network.name} ({network.id})"),
            ("segment", f"{network.provider_network_type} {network.provider_segmentation_id} "
                        f"on {network.provider_physical_network}"),
        ]
    )  # fmt: skip
    ours = wait_for(
        lambda: _oneview_network(stage, network.id),
        f"the ML2 driver to create network {network.id} in OneView",
    )
    carrying = [
        uplink_set.name or uplink_set.uri
        for uplink_set in stage.ov.uplink_sets.list()
        if ours.uri in (uplink_set.get("networkUris") or [])
    ]
    if not carrying:
        raise DemoFailure(f"no OneView uplink set carries {ours.name} ({ours.uri})")
    show.fields(
        [
            ("OneView network", f"{ours.name}, vlan {ours.get('vlanId')}"),
            ("on uplink sets", f"{', '.join(sorted(set(carrying)))} "
                               f"({len(carrying)}: one per logical interconnect)"),
        ]
    )  # fmt: skip
    return network, str(ours.uri)


def _oneview_network(stage: Stage, network_id: str) -> Any:
    for network in stage.ov.ethernet_networks.list():
        if f"Neutron [{network_id}]" in (network.name or ""):
            return network
    return None


def upload_image(stage: Stage) -> Any:
    show.step(f"The tenant: a whole-disk image {IMAGE_NAME} in Glance")
    created = stage.conn.image.create_image(
        name=IMAGE_NAME,
        disk_format="raw",
        container_format="bare",
        visibility="public",
        data=IMAGE_CONTENT,
    )
    image = wait_for(
        lambda: _active(stage, created.id), f"Glance to store image {IMAGE_NAME} ({created.id})"
    )
    show.fields(
        [
            ("Glance image", f"{image.name} ({image.id}), {image.status}"),
            ("size", f"{image.size} bytes"),
            ("sha256", hashlib.sha256(IMAGE_CONTENT).hexdigest()),
        ]
    )
    return image


def _active(stage: Stage, image_id: str) -> Any:
    image = stage.conn.image.get_image(image_id)
    return image if image.status == "active" else None
