"""``oneview-direct`` and ``oneview-ramdisk`` on a real Ironic, through the virtual agents.

Nothing stands in for Ironic or the driver: Ironic 39 runs its ``pxe`` boot interface, its
``direct`` (``oneview-direct``) and ``ramdisk`` (``oneview-ramdisk``) deploys, automated
cleaning and tear-down; the ``oneview`` power and management interfaces and the server
profile lifecycle go to the OneView simulator. The ramdisk is the simulator's virtual
ironic-python-agent: a server that boots from the network (the one-time boot
``prepare_ramdisk`` sets through OneView) runs one, which looks the node up by the server's
MACs, heartbeats and runs the steps Ironic sends (``write_image`` downloads the image from a
loopback server and checks its hash). OneView's side is checked at each step over the
simulator's REST API, and what the agents did over ``/sim/agents/{id}``.

The lab (``agent_lab`` in conftest) is a simulator started with ``--ironic-url`` of its own
Ironic, short callback timeouts and agents heartbeating every 0.2 s.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from oneview_openstack.testing.image_server import ImageServer
from oneview_openstack.testing.ironic_nodes import ProvisioningError, move_node

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide, uris_of
from .conftest import AgentLab
from .nodes import enroll_booting

pytestmark = pytest.mark.functional


def removed(deployment: Any, timeout: float = 30.0) -> None:
    """Wait until the node's server carries no profile (removed in the background)."""
    deadline = time.monotonic() + timeout
    while deployment.server()["serverProfileUri"] is not None:
        assert time.monotonic() < deadline, "the profile was not removed"
        time.sleep(0.1)


IMAGE = b"whole-disk image written by a virtual agent\n" * 4096
NAME = "direct-1"
PROFILE = f"ironic-{NAME}"


@pytest.fixture
def images() -> Iterator[ImageServer]:
    with ImageServer(IMAGE) as server:
        yield server


class Deployment:
    """A node with the real interfaces on a seed blade, and OneView's and the agents' views."""

    def __init__(self, lab: AgentLab, deploy_interface: str = "oneview-direct") -> None:
        self.lab = lab
        self.baremetal = lab.ironic.connection().baremetal
        self.side = OneViewSide(lab.sim)
        self.server_uri = uris_of(lab.sim).server(seed.BLADE)
        self.template_uri = uris_of(lab.sim).template(seed.TEMPLATE)
        self.node = enroll_booting(
            self.baremetal,
            lab.sim,
            seed.BLADE,
            seed.TEMPLATE,
            name=NAME,
            deploy_interface=deploy_interface,
        )

    def server(self) -> dict[str, Any]:
        return self.side.get(self.server_uri)

    def agent(self) -> dict[str, Any]:
        return self.lab.sim.operator.agent(self.server_uri)

    def boots(self) -> list[tuple[str, str]]:
        return [(boot["device"], boot["runs"]) for boot in self.agent()["boots"]]

    def disk_events(self) -> list[str]:
        return [event["event"] for event in self.agent()["disk"]["history"]]

    def profile_names(self) -> list[str]:
        found = self.side.rest.call("GET", f"/rest/server-profiles?filter=name='{PROFILE}'")
        return [profile["name"] for profile in found.json()["members"]]

    def one_time_boots(self) -> int:
        """PATCHes of the server (``/oneTimeBoot`` is the only path the driver patches)."""
        return self.lab.sim.operator.count("PATCH", "/rest/server-hardware/{id}")

    def provide(self) -> Any:
        move_node(self.baremetal, self.node.id, "manage")
        return move_node(self.baremetal, self.node.id, "provide")


@pytest.fixture
def deployment(lab: AgentLab) -> Deployment:
    return Deployment(lab)


def image_info(images: ImageServer, **overrides: str) -> dict[str, str]:
    return {
        "image_source": images.url,
        "image_os_hash_algo": "sha256",
        "image_os_hash_value": images.sha256,
        **overrides,
    }


def test_provide_deploy_undeploy_through_the_virtual_agent(deployment, images) -> None:
    bm, node_id = deployment.baremetal, deployment.node.id
    move_node(bm, node_id, "manage")
    deployment.lab.sim.operator.clear_counters()

    provided = move_node(bm, node_id, "provide")  # automated cleaning, in band

    assert provided.provision_state == "available", provided.last_error
    assert deployment.one_time_boots() == 1  # prepare_ramdisk: Network, once
    assert deployment.boots() == [("PXE", "agent")]
    assert deployment.disk_events() == ["erase_devices_metadata"]
    assert deployment.server()["oneTimeBoot"] == "Normal"  # consumed by the boot
    removed(deployment)  # in the background
    assert deployment.server()["powerState"] == "Off"
    assert deployment.agent()["agent"] is None

    bm.update_node(node_id, instance_info=image_info(images))
    deployment.lab.sim.operator.clear_counters()
    active = move_node(bm, node_id, "active")

    assert active.provision_state == "active", active.last_error
    assert active.deploy_interface == "oneview-direct"
    assert active.boot_interface == "pxe"
    assert deployment.one_time_boots() == 1
    written = deployment.agent()["disk"]["image"]
    assert written["url"] == images.url
    assert (written["os_hash_algo"], written["os_hash_value"]) == ("sha256", images.sha256)
    assert written["size"] == len(IMAGE)
    assert written["node_uuid"] == node_id
    # the agent powered the server off itself (standby.power_off); Ironic booted the disk
    assert deployment.boots()[1:] == [("PXE", "agent"), ("HardDisk", "written image")]
    profile_uri = deployment.server()["serverProfileUri"]
    assert active.driver_internal_info["applied_server_profile_uri"] == profile_uri
    profile = deployment.side.get(profile_uri)
    assert profile["name"] == PROFILE
    assert profile["serverProfileTemplateUri"] == deployment.template_uri
    assert profile["boot"]["order"][0] == "HardDisk"  # set through OneView for the instance
    assert deployment.server()["powerState"] == "On"
    assert active.power_state == "power on"

    deployment.lab.sim.operator.clear_counters()
    undeployed = move_node(bm, node_id, "deleted")  # tear down + cleaning

    assert undeployed.provision_state == "available", undeployed.last_error
    assert deployment.one_time_boots() == 1  # the profile boots the disk: network once
    assert deployment.boots()[-1] == ("PXE", "agent")
    assert deployment.disk_events() == [
        "erase_devices_metadata",
        "write_image",
        "erase_devices_metadata",
    ]
    assert deployment.agent()["disk"]["image"] is None
    assert "applied_server_profile_uri" not in undeployed.driver_internal_info
    assert deployment.side.rest.call("GET", profile_uri).status_code == 404
    assert deployment.profile_names() == []
    removed(deployment)  # in the background
    assert deployment.server()["powerState"] == "Off"


def test_a_failed_image_write_fails_the_deploy_and_undeploy_removes_the_profile(
    deployment, images
) -> None:
    bm, node_id = deployment.baremetal, deployment.node.id
    deployment.provide()
    deployment.lab.sim.operator.fail_agent_command(
        "write_image", "Error writing image to /dev/sda: No space left on device"
    )
    bm.update_node(node_id, instance_info=image_info(images))

    bm.set_node_provision_state(node_id, "active")
    failed = wait_for_deploy_failed(bm, node_id)

    assert "No space left on device" in failed.last_error
    assert deployment.agent()["disk"]["image"] is None
    assert deployment.profile_names() == [PROFILE]  # kept until the undeploy

    undeployed = move_node(bm, node_id, "deleted")

    assert undeployed.provision_state == "available", undeployed.last_error
    assert deployment.profile_names() == []
    removed(deployment)  # in the background
    assert "applied_server_profile_uri" not in undeployed.driver_internal_info


def test_a_wrong_image_hash_fails_the_deploy_with_the_agents_message(deployment, images) -> None:
    bm, node_id = deployment.baremetal, deployment.node.id
    deployment.provide()
    wrong = "0" * 64
    bm.update_node(node_id, instance_info=image_info(images, image_os_hash_value=wrong))

    with pytest.raises(ProvisioningError):
        move_node(bm, node_id, "active")

    failed = bm.get_node(node_id)
    assert failed.provision_state == "deploy failed"
    assert f"expected {wrong}, actual {images.sha256}" in failed.last_error
    assert deployment.agent()["disk"]["image"] is None  # nothing was written
    assert "write_image" not in deployment.disk_events()

    undeployed = move_node(bm, node_id, "deleted")

    assert undeployed.provision_state == "available", undeployed.last_error
    assert deployment.profile_names() == []  # no profile left behind
    removed(deployment)  # in the background
    assert deployment.server()["powerState"] == "Off"


def test_an_agent_that_never_heartbeats_fails_on_ironics_callback_timeout(
    deployment,
) -> None:
    bm, node_id = deployment.baremetal, deployment.node.id
    move_node(bm, node_id, "manage")
    deployment.lab.sim.operator.silence_agent(deployment.server_uri)

    with pytest.raises(ProvisioningError):
        move_node(bm, node_id, "provide", timeout=60)

    assert bm.get_node(node_id).provision_state == "clean failed"
    last_error = wait_for(lambda: bm.get_node(node_id).last_error)  # set just after
    assert "Timeout reached while cleaning" in last_error
    seen = deployment.agent()
    assert seen["silent"] is True
    assert deployment.boots() == [("PXE", "agent")]  # it booted, then said nothing
    assert seen["disk"] is None or seen["disk"]["history"] == []
    removed(deployment)  # in the background
    assert deployment.profile_names() == []


def test_ramdisk_deploy_boots_the_instance_ramdisk_from_the_network(lab) -> None:
    """``oneview-ramdisk``: cleaning through the agent, then the instance is a ramdisk the
    server network-boots (no image written); the undeploy cleans and removes the profile."""
    deployment = Deployment(lab, "oneview-ramdisk")
    bm, node_id = deployment.baremetal, deployment.node.id
    roots = lab.ironic.pxe_roots
    assert roots is not None

    provided = deployment.provide()

    assert provided.provision_state == "available", provided.last_error
    assert deployment.disk_events() == ["erase_devices_metadata"]
    assert deployment.boots() == [("PXE", "agent")]

    bm.update_node(
        node_id,
        instance_info={
            "kernel": roots.deploy_kernel.as_uri(),
            "ramdisk": roots.deploy_ramdisk.as_uri(),
        },
    )
    deployment.lab.sim.operator.clear_counters()
    active = move_node(bm, node_id, "active")

    assert active.provision_state == "active", active.last_error
    assert active.deploy_interface == "oneview-ramdisk"
    # the instance's ramdisk boots from the network: the profile's order, persistently
    assert deployment.boots()[-1][0] == "PXE"
    profile_uri = deployment.server()["serverProfileUri"]
    assert deployment.side.get(profile_uri)["boot"]["order"][0] == "PXE"
    assert deployment.agent()["disk"]["image"] is None  # a ramdisk deploy writes nothing
    assert "write_image" not in deployment.disk_events()
    files = roots.node_files(node_id)
    assert any(name.endswith("/config") for name in files)  # the instance's boot config
    assert active.driver_internal_info["applied_server_profile_uri"] == profile_uri
    assert deployment.side.get(profile_uri)["serverProfileTemplateUri"] == (deployment.template_uri)
    assert deployment.server()["powerState"] == "On"

    undeployed = move_node(bm, node_id, "deleted")

    assert undeployed.provision_state == "available", undeployed.last_error
    assert deployment.disk_events() == ["erase_devices_metadata", "erase_devices_metadata"]
    assert deployment.side.rest.call("GET", profile_uri).status_code == 404
    removed(deployment)  # in the background
    assert deployment.server()["powerState"] == "Off"
    assert roots.node_files(node_id) == []


def wait_for_deploy_failed(baremetal: Any, node_id: str, timeout: float = 30.0) -> Any:
    """Poll until the node is in ``deploy failed`` (its target stays ``active`` there)."""
    deadline = time.monotonic() + timeout
    while (node := baremetal.get_node(node_id)).provision_state != "deploy failed":
        if node.provision_state in ("active", "available") or time.monotonic() > deadline:
            raise AssertionError(f"node {node_id} is {node.provision_state!r}, not failed")
        time.sleep(0.1)
    return node


def wait_for(probe: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := probe()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found
