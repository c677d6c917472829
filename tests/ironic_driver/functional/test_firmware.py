"""The ``oneview`` firmware interface on a real Ironic: a baseline installed through the
server profile in manual cleaning and in servicing of a deployed node.

``firmware.update`` powers the server off (an offline install), sets the applied profile's
firmware section and returns the wait state; the driver's task poller
(``[oneview]task_poll_interval`` 1 s here) sees OneView's task end, records the components,
the trait and the capability, and powers the server on again (cleaning: the agent boots and
its heartbeat ends the cleaning; servicing without a ramdisk: the instance boots). OneView's
side is read over the simulator's REST API.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oneview_openstack.testing.image_server import ImageServer
from oneview_openstack.testing.ironic_nodes import ProvisioningError, move_node

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide, uris_of
from .conftest import AgentLab, running_agent_lab
from .nodes import enroll_booting

pytestmark = pytest.mark.functional

OLD = "SY-2023.10.01"
NEW = "SY-2024.04.01"  # what seed.TEMPLATE installs (the inspected trait)
SERVICE_MICROVERSION = "1.87"
HISTORY_MICROVERSION = "1.78"
IMAGE_BYTES = b"a whole-disk image for servicing\n" * 1024


@pytest.fixture(scope="module")
def firmware_lab(
    tmp_path_factory: pytest.TempPathFactory, simulator_cert_dir: Path
) -> Iterator[AgentLab]:
    """An agent lab whose task poller runs every second (the default is 10 s)."""
    with running_agent_lab(
        tmp_path_factory.mktemp("firmware-lab"),
        simulator_cert_dir,
        oneview={"task_poll_interval": 1},
    ) as lab:
        yield lab


class Firmware:
    """A manageable node on the seed's first blade with the oneview firmware interface."""

    def __init__(self, lab: AgentLab) -> None:
        self.lab = lab
        self.baremetal = lab.ironic.connection().baremetal
        self.side = OneViewSide(lab.sim)
        self.server_uri = uris_of(lab.sim).server(seed.BLADE)
        node = enroll_booting(
            self.baremetal,
            lab.sim,
            seed.BLADE,
            seed.TEMPLATE,
            name="firmware-1",
            firmware_interface="oneview",
        )
        self.baremetal.add_node_trait(node.id, "CUSTOM_OV_FIRMWARE_SY_2024_04_01")
        self.node = move_node(self.baremetal, node.id, "manage")

    def step(self, **args: Any) -> list[dict[str, Any]]:
        return [{"interface": "firmware", "step": "update", "args": args}]

    def clean(self, **args: Any) -> Any:
        return move_node(
            self.baremetal, self.node.id, "clean", clean_steps=self.step(**args), timeout=90
        )

    def failed_clean(self, **args: Any) -> Any:
        with pytest.raises(ProvisioningError):
            self.clean(**args)
        return self.baremetal.get_node(self.node.id)

    def service(self, **args: Any) -> Any:
        """``openstack baremetal node service --service-steps ...``; the node once settled."""
        response = self.baremetal.put(
            f"/nodes/{self.node.id}/states/provision",
            json={"target": "service", "service_steps": self.step(**args)},
            microversion=SERVICE_MICROVERSION,
        )
        assert response.status_code == 202, response.text
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            node = self.baremetal.get_node(self.node.id)
            if node.provision_state in ("active", "service failed"):
                return node
            time.sleep(0.2)
        raise AssertionError(f"servicing still {node.provision_state} after 90 s")

    def baseline_versions(self, version: str) -> dict[str, str]:
        members = self.side.get("/rest/firmware-drivers")["members"]
        baseline = next(b for b in members if b["version"] == version)
        return {c["name"]: c["componentVersion"] for c in baseline["fwComponents"]}

    def server_versions(self) -> dict[str, str]:
        inventory = self.side.get(f"{self.server_uri}/firmware")
        return {c["componentName"]: c["componentVersion"] for c in inventory["components"]}

    def ironic_versions(self) -> dict[str, str]:
        listed = self.baremetal.list_node_firmware(self.node.id)
        return {c["component"]: c["current_version"] for c in listed["firmware"]}


@pytest.fixture
def fw(firmware_lab: AgentLab) -> Iterator[Firmware]:
    firmware_lab.sim.operator.reset()
    yield Firmware(firmware_lab)
    firmware_lab.ironic.reset()


def firmware_traits(node: Any) -> list[str]:
    return sorted(t for t in node.traits if t.startswith("CUSTOM_OV_FIRMWARE_"))


def test_update_to_another_baseline_in_manual_cleaning(fw: Firmware) -> None:
    wanted = fw.baseline_versions(OLD)

    node = fw.clean(baseline=OLD, force=True)

    assert node.provision_state == "manageable" and not node.last_error
    server = fw.server_versions()
    assert {name: server[name] for name in wanted} == wanted
    ironic = fw.ironic_versions()
    assert ironic["bios"] == server["System ROM"]
    assert ironic["bmc"] == server["HPE Integrated Lights-Out 5"]
    assert ironic["Smart Array Firmware"] == server["Smart Array Firmware"]
    assert firmware_traits(node) == ["CUSTOM_OV_FIRMWARE_SY_2023_10_01"]
    assert f"oneview_firmware_baseline:{OLD}" in node.properties["capabilities"]
    events = fw.baremetal.get(f"/nodes/{node.id}/history", microversion=HISTORY_MICROVERSION)
    assert any(
        "Firmware baseline" in e["event"] and OLD in e["event"] for e in events.json()["history"]
    )


def test_an_unknown_baseline_fails_cleaning_naming_those_there_are(fw: Firmware) -> None:
    before = fw.server_versions()

    node = fw.failed_clean(baseline="SY-1999.01.01")

    assert node.provision_state == "clean failed"
    assert node.id in node.last_error and "'SY-1999.01.01'" in node.last_error
    assert OLD in node.last_error and NEW in node.last_error
    assert fw.server_versions() == before
    assert firmware_traits(node) == ["CUSTOM_OV_FIRMWARE_SY_2024_04_01"]


def test_a_failed_install_fails_cleaning_with_oneviews_message(fw: Firmware) -> None:
    recorded = fw.ironic_versions()  # by Ironic's verify (manage)
    before = fw.server_versions()
    assert recorded["bios"] == before["System ROM"]
    fw.lab.sim.operator.fail_next_task(
        "FIRMWARE_UPDATE_FAILED",
        "The System ROM component could not be flashed.",
        name="Update",
        resource_category="server-profiles",
    )

    node = fw.failed_clean(baseline=OLD, force=True)

    assert node.provision_state == "clean failed"
    assert "The System ROM component could not be flashed." in node.last_error
    assert "FIRMWARE_UPDATE_FAILED" in node.last_error
    assert fw.ironic_versions() == recorded
    assert fw.server_versions() == before
    assert firmware_traits(node) == ["CUSTOM_OV_FIRMWARE_SY_2024_04_01"]


def test_service_steps_update_an_active_node_or_fail_with_oneviews_message(
    fw: Firmware,
) -> None:
    with ImageServer(IMAGE_BYTES) as image:
        move_node(fw.baremetal, fw.node.id, "provide", timeout=90)
        fw.baremetal.update_node(
            fw.node.id,
            instance_info={
                "image_source": image.url,
                "image_os_hash_algo": "sha256",
                "image_os_hash_value": image.sha256,
            },
        )
        move_node(fw.baremetal, fw.node.id, "active", timeout=90)
    wanted = fw.baseline_versions(OLD)

    node = fw.service(baseline=OLD, force=True)

    assert node.provision_state == "active" and not node.last_error
    server = fw.server_versions()
    assert {name: server[name] for name in wanted} == wanted
    assert fw.ironic_versions()["bios"] == server["System ROM"]
    assert firmware_traits(node) == ["CUSTOM_OV_FIRMWARE_SY_2023_10_01"]
    assert fw.side.get(fw.server_uri)["powerState"] == "On", "the instance runs again"

    fw.lab.sim.operator.fail_next_task(
        "FIRMWARE_UPDATE_FAILED",
        "The iLO component could not be flashed.",
        name="Update",
        resource_category="server-profiles",
    )
    recorded = fw.ironic_versions()

    failed = fw.service(baseline=NEW)

    assert failed.provision_state == "service failed"
    assert "The iLO component could not be flashed." in failed.last_error
    assert fw.ironic_versions() == recorded
    assert firmware_traits(failed) == ["CUSTOM_OV_FIRMWARE_SY_2023_10_01"]
