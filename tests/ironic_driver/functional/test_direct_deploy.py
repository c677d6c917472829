"""``oneview-direct``: Ironic's own agent deploy on a OneView server, with an emulated agent.

Everything but the ramdisk is real: Ironic 39 runs its ``direct`` deploy, automated cleaning
and tear-down; the ``oneview`` power and management interfaces and the server profile
lifecycle go to the OneView simulator. :class:`EmulatedAgent` stands in for
ironic-python-agent: it "boots" when the simulator says the node's server is on, looks the
node up, heartbeats, runs the clean and deploy steps Ironic sends (write_image downloads the
image from a loopback server and checks its hash) and powers the server off through OneView
when asked to (``standby.power_off``).

This file needs its own Ironic: the agent deploy needs ``[service_catalog]``,
``[agent] require_tls = false`` and short callback timeouts.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from oneview_openstack.testing.agent import EmulatedAgent
from oneview_openstack.testing.image_server import ImageServer
from oneview_openstack.testing.ironic_nodes import move_node
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.simulator import SimulatorHandle

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide, uris_of
from .conftest import oneview_section
from .nodes import enroll

pytestmark = pytest.mark.functional

HEARTBEAT = 0.2
IMAGE = b"emulated whole-disk image\n" * 4096


@pytest.fixture(scope="module")
def agent_ironic(
    tmp_path_factory: pytest.TempPathFactory, simulator: SimulatorHandle
) -> Iterator[IronicService]:
    """A real Ironic set up for agent deploys with a fast-heartbeating emulated agent."""
    service = IronicService(
        tmp_path_factory.mktemp("ironic-agent"),
        oneview=oneview_section(simulator),
        conductor={
            "automated_clean": True,
            # A silent agent fails the node in ~10 s rather than half an hour.
            "deploy_callback_timeout": 10,
            "clean_callback_timeout": 10,
            "check_provision_state_interval": 2,
        },
        sections={
            "agent": {
                "require_tls": False,
                "deploy_logs_collect": "never",
                # Ironic polls the power state after standby.power_off (default every 5 s).
                "post_deploy_get_power_state_retry_interval": 1,
            },
        },
    )
    # The ramdisk gets Ironic's URL from the catalog; with noauth it must be configured.
    service.sections["service_catalog"] = {"endpoint_override": service.url}
    with service:
        yield service


@pytest.fixture
def baremetal(agent_ironic: IronicService) -> Iterator[Any]:
    yield agent_ironic.connection().baremetal
    agent_ironic.reset()


@pytest.fixture
def fast_sim(sim: SimulatorHandle) -> SimulatorHandle:
    """The session's simulator, reset, with profile tasks taking ~0.1 s."""
    sim.operator.set_config(time_scale=0.001)
    return sim


@pytest.fixture
def images() -> Iterator[ImageServer]:
    with ImageServer(IMAGE) as server:
        yield server


class Deployment:
    """A ``oneview-direct`` node on a seed blade, with the agent that boots on that blade."""

    def __init__(self, baremetal: Any, sim: SimulatorHandle, ironic: IronicService) -> None:
        self.baremetal = baremetal
        self.side = OneViewSide(sim)
        self.server_uri = uris_of(sim).server(seed.BLADE)
        self.template_uri = uris_of(sim).template(seed.TEMPLATE)
        self.node = enroll(
            baremetal,
            uris_of(sim),
            seed.BLADE,
            seed.TEMPLATE,
            name="direct-1",
            deploy_interface="oneview-direct",
            boot_interface="fake",
            power_interface="oneview",
            management_interface="oneview",
        )
        self.agent = EmulatedAgent(
            ironic.url,
            self.node.id,
            is_powered_on=self.server_is_on,
            power_off=self.press_and_hold,
            interval=HEARTBEAT,
        )

    def server(self) -> dict[str, Any]:
        return self.side.get(self.server_uri)

    def server_is_on(self) -> bool:
        return self.server()["powerState"] == "On"

    def press_and_hold(self) -> None:
        """What the ramdisk's ``poweroff`` amounts to, seen from OneView."""
        self.side.power(self.server_uri, "Off", control="PressAndHold")

    def profile_names(self) -> list[str]:
        found = self.side.rest.call("GET", "/rest/server-profiles?filter=name='ironic-direct-1'")
        return [profile["name"] for profile in found.json()["members"]]


@pytest.fixture
def deployment(baremetal, fast_sim, agent_ironic) -> Iterator[Deployment]:
    prepared = Deployment(baremetal, fast_sim, agent_ironic)
    with prepared.agent:
        yield prepared


def image_info(images: ImageServer, **overrides: str) -> dict[str, str]:
    return {
        "image_source": images.url,
        "image_os_hash_algo": "sha256",
        "image_os_hash_value": images.sha256,
        **overrides,
    }


def test_provide_deploy_undeploy_through_the_agent(deployment, images) -> None:
    bm, agent = deployment.baremetal, deployment.agent
    move_node(bm, deployment.node.id, "manage")

    provided = move_node(bm, deployment.node.id, "provide")  # automated cleaning, in band

    assert provided.provision_state == "available"
    assert agent.erase_count == 1
    assert "clean.execute_clean_step" in agent.received
    assert deployment.server()["serverProfileUri"] is None  # the cleaning profile is gone
    assert deployment.server()["powerState"] == "Off"

    bm.update_node(deployment.node.id, instance_info=image_info(images))
    active = move_node(bm, deployment.node.id, "active")

    assert active.provision_state == "active", active.last_error
    assert active.deploy_interface == "oneview-direct"
    assert agent.disk == {"url": images.url, "sha256": images.sha256}
    profile_uri = deployment.server()["serverProfileUri"]
    assert active.driver_info["applied_server_profile_uri"] == profile_uri
    profile = deployment.side.get(profile_uri)
    assert profile["serverProfileTemplateUri"] == deployment.template_uri
    assert profile["boot"]["order"][0] == "HardDisk"  # set through OneView for the instance
    assert deployment.server()["powerState"] == "On"
    assert active.power_state == "power on"
    # the agent powered itself off through OneView when Ironic asked it to
    assert "standby.power_off" in agent.received

    undeployed = move_node(bm, deployment.node.id, "deleted")  # tear down + cleaning

    assert undeployed.provision_state == "available"
    assert agent.erase_count == 2
    assert "applied_server_profile_uri" not in undeployed.driver_info
    assert deployment.side.rest.call("GET", profile_uri).status_code == 404
    assert deployment.server()["serverProfileUri"] is None
    assert deployment.server()["powerState"] == "Off"


def test_a_failed_image_write_fails_the_deploy_and_undeploy_removes_the_profile(
    deployment, images
) -> None:
    bm, agent = deployment.baremetal, deployment.agent
    move_node(bm, deployment.node.id, "manage")
    move_node(bm, deployment.node.id, "provide")
    agent.fail_next_step("write_image", "Error writing image to /dev/sda: No space left on device")
    bm.update_node(deployment.node.id, instance_info=image_info(images))

    bm.set_node_provision_state(deployment.node.id, "active")
    failed = wait_for_deploy_failed(bm, deployment.node.id)

    assert "No space left on device" in failed.last_error
    assert agent.disk is None
    assert deployment.profile_names() == ["ironic-direct-1"]  # kept until the undeploy

    undeployed = move_node(bm, deployment.node.id, "deleted")

    assert undeployed.provision_state == "available"
    assert deployment.profile_names() == []
    assert deployment.server()["serverProfileUri"] is None
    assert "applied_server_profile_uri" not in undeployed.driver_info


def wait_for_deploy_failed(baremetal: Any, node_id: str, timeout: float = 30.0) -> Any:
    """Poll until the node is in ``deploy failed`` (its target stays ``active`` there)."""
    deadline = time.monotonic() + timeout
    while (node := baremetal.get_node(node_id)).provision_state != "deploy failed":
        if node.provision_state in ("active", "available") or time.monotonic() > deadline:
            raise AssertionError(f"node {node_id} is {node.provision_state!r}, not failed")
        time.sleep(0.1)
    return node
