"""The simulator's virtual agents drive a real Ironic 39 through clean, deploy and undeploy.

The simulator runs with ``--ironic-url``: a blade that boots from the network runs a
virtual ironic-python-agent, which looks its node up by the blade's MACs, heartbeats
and runs what Ironic asks (``erase_devices_metadata``, ``write_image``, ...). The node
is of the ``oneview`` hardware type with Ironic's own ``direct`` deploy
(``oneview-direct``) and ``pxe`` boot: before each ramdisk boot ``prepare_ramdisk`` sets a
one-time network boot through OneView, so the cleaning after an undeploy boots the agent
although the instance's profile boots HardDisk first. (The driver's own tests of the same
path, with OneView's side checked at each step, are tests/ironic_driver/functional.)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from oneview_openstack.testing.image_server import ImageServer
from oneview_openstack.testing.ironic_nodes import ProvisioningError, move_node
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.simulator import SimulatorHandle

from .http_support import Api

pytestmark = pytest.mark.functional

HEARTBEAT = 0.2
BLADE = "Frame1, bay 1"
TEMPLATE = "SPT-Prod-SY480"
IMAGE = b"virtual agent whole-disk image\n" * 8192


class AgentLab:
    """A simulator with agents and the real Ironic they talk to."""

    def __init__(self, sim: SimulatorHandle, ironic: IronicService, logs: Path) -> None:
        self.sim = sim
        self.ironic = ironic
        self.logs = logs
        self.api = Api(sim)
        self.server = self.api.named("server-hardware", BLADE)
        self.server_id = self.server["uri"].rsplit("/", 1)[-1]
        self.template = self.api.named("server-profile-templates", TEMPLATE)

    def reset(self) -> None:
        """The simulator back to its seed (agents included); a new login session."""
        self.sim.operator.reset()
        self.api = Api(self.sim)

    def agents(self, path: str = "") -> Any:
        response = requests.get(
            f"{self.sim.url}/sim/agents{path}", verify=self.sim.verify, timeout=30
        )
        assert response.status_code == 200, response.text
        return response.json()

    def mac(self, location: str, slot: int, port: int, function: str) -> str:
        for device in self.server["portMap"]["deviceSlots"]:
            if device["location"] == location and device["slotNumber"] == slot:
                physical = device["physicalPorts"][port - 1]
                flexnic = next(v for v in physical["virtualPorts"] if v["portFunction"] == function)
                return str(flexnic["mac"]).lower()
        raise AssertionError(f"no {location} {slot}:{port}-{function} on {BLADE}")

    def enroll(self, baremetal: Any) -> Any:
        node = baremetal.create_node(
            driver="oneview",
            name="virtual-agent-1",
            driver_info={
                "server_hardware_uri": self.server["uri"],
                "server_profile_template_uri": self.template["uri"],
            },
            deploy_interface="oneview-direct",
            boot_interface="pxe",
            power_interface="oneview",
            management_interface="oneview",
        )
        # The deploy NIC the template connects (macType Physical): the lookup finds it.
        baremetal.create_port(
            node_uuid=node.id, address=self.mac("Mezz", 3, 1, "a"), pxe_enabled=True
        )
        return node

    def power_state(self) -> str:
        return str(self.api.get(self.server["uri"])["powerState"])


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, simulator_cert_dir: Path) -> Iterator[AgentLab]:
    workdir = tmp_path_factory.mktemp("agents-ironic")
    logs = workdir / "deploy-logs"
    ironic = IronicService(
        workdir / "ironic",
        conductor={
            "automated_clean": True,
            # a silent agent fails the node in ~10 s rather than half an hour
            "deploy_callback_timeout": 10,
            "clean_callback_timeout": 10,
            "check_provision_state_interval": 2,
        },
        sections={
            "agent": {
                "require_tls": False,
                "deploy_logs_local_path": logs,
                # Ironic polls the power state after standby.power_off (default every 5 s)
                "post_deploy_get_power_state_retry_interval": 1,
            },
        },
    )
    # the ramdisk gets Ironic's URL from the catalog; with noauth it must be configured
    ironic.sections["service_catalog"] = {"endpoint_override": ironic.url}
    sim = SimulatorHandle(
        workdir / "simulator",
        {
            "cert_dir": simulator_cert_dir,
            "time_scale": 0.001,
            "ironic_url": ironic.url,
            "agent_port": 0,
            "heartbeat_interval": HEARTBEAT,
        },
    ).start()
    try:
        ironic.oneview = {
            "manager_url": sim.url,
            "username": sim.username,
            "password": sim.password,
            "tls_cacert_file": sim.ca_file,
            "request_retries": 1,
            "power_timeout": 30,
        }
        with ironic:
            yield AgentLab(sim, ironic, logs)
    finally:
        sim.stop()


@pytest.fixture
def baremetal(lab: AgentLab) -> Iterator[Any]:
    lab.reset()
    yield lab.ironic.connection().baremetal
    lab.ironic.reset()


@pytest.fixture
def images() -> Iterator[ImageServer]:
    with ImageServer(IMAGE) as server:
        yield server


def image_info(images: ImageServer, **overrides: str) -> dict[str, str]:
    return {
        "image_source": images.url,
        "image_os_hash_algo": "sha256",
        "image_os_hash_value": images.sha256,
        **overrides,
    }


def test_clean_deploy_undeploy_through_the_virtual_agent(lab, baremetal, images) -> None:
    node = lab.enroll(baremetal)
    move_node(baremetal, node.id, "manage")

    provided = move_node(baremetal, node.id, "provide")  # automated cleaning, in band

    assert provided.provision_state == "available"
    seen = lab.agents(f"/{lab.server_id}")
    assert [boot["runs"] for boot in seen["boots"]] == ["agent"]
    assert seen["boots"][0]["device"] == "PXE"  # the one-time boot prepare_ramdisk set
    assert [event["event"] for event in seen["disk"]["history"]] == ["erase_devices_metadata"]
    assert seen["disk"]["history"][0]["node_uuid"] == node.id
    assert seen["agent"] is None  # Ironic powered the server off after cleaning
    assert lab.power_state() == "Off"

    baremetal.update_node(node.id, instance_info=image_info(images))
    active = move_node(baremetal, node.id, "active", timeout=60)

    assert active.provision_state == "active", active.last_error
    seen = lab.agents(f"/{lab.server_id}")
    written = seen["disk"]["image"]
    assert written["url"] == images.url
    assert (written["os_hash_algo"], written["os_hash_value"]) == ("sha256", images.sha256)
    assert written["size"] == len(IMAGE)
    assert written["node_uuid"] == node.id
    assert written["written_at"]
    # the agent powered the server off itself (standby.power_off), Ironic booted the disk
    assert [boot["runs"] for boot in seen["boots"]] == ["agent", "agent", "written image"]
    assert seen["boots"][-1]["device"] == "HardDisk"
    assert seen["boots"][-1]["image"] == written
    assert seen["agent"] is None
    assert lab.power_state() == "On"
    listed = lab.agents()
    assert [disk["server"] for disk in listed["disks"]] == [lab.server["uri"]]
    assert listed["agents"] == []

    undeployed = move_node(baremetal, node.id, "deleted", timeout=60)  # tear down + clean

    assert undeployed.provision_state == "available", undeployed.last_error
    seen = lab.agents(f"/{lab.server_id}")
    assert seen["disk"]["image"] is None  # erased by the cleaning
    assert [event["event"] for event in seen["disk"]["history"]] == [
        "erase_devices_metadata",
        "write_image",
        "erase_devices_metadata",
    ]
    assert seen["boots"][-1]["runs"] == "agent"
    assert lab.power_state() == "Off"


def test_a_hash_mismatch_fails_the_deploy_naming_both_hashes(lab, baremetal, images) -> None:
    node = lab.enroll(baremetal)
    move_node(baremetal, node.id, "manage")
    move_node(baremetal, node.id, "provide")
    wrong = "0" * 64
    baremetal.update_node(node.id, instance_info=image_info(images, image_os_hash_value=wrong))

    with pytest.raises(ProvisioningError):
        move_node(baremetal, node.id, "active", timeout=60)

    failed = baremetal.get_node(node.id)
    assert failed.provision_state == "deploy failed"
    assert f"expected {wrong}, actual {images.sha256}" in failed.last_error
    seen = lab.agents(f"/{lab.server_id}")
    assert seen["disk"]["image"] is None  # nothing was written
    # on failure Ironic collected the agent's logs (log.collect_system_logs)
    assert wait_for(lambda: list(lab.logs.glob(f"{node.id}*.tar.gz")))

    undeployed = move_node(baremetal, node.id, "deleted", timeout=60)

    assert undeployed.provision_state == "available", undeployed.last_error


def test_a_silent_agent_fails_the_cleaning_on_ironics_timeout(lab, baremetal) -> None:
    node = lab.enroll(baremetal)
    move_node(baremetal, node.id, "manage")
    silenced = requests.post(
        f"{lab.sim.url}/sim/agents/{lab.server_id}/silent", verify=lab.sim.verify, timeout=30
    )
    assert silenced.status_code == 200, silenced.text

    with pytest.raises(ProvisioningError):
        move_node(baremetal, node.id, "provide", timeout=60)

    assert baremetal.get_node(node.id).provision_state == "clean failed"
    last_error = wait_for(lambda: baremetal.get_node(node.id).last_error)  # set just after
    assert "Timeout reached while cleaning" in last_error
    seen = lab.agents(f"/{lab.server_id}")
    assert seen["silent"] is True
    assert seen["boots"][0]["runs"] == "agent"


def wait_for(probe: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := probe()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found
