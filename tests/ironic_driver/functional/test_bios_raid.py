"""The ``oneview`` BIOS and RAID interfaces in manual cleaning on a real Ironic.

Ironic boots the simulator's virtual agent for cleaning (the profile applied from the
template), runs ``bios.apply_configuration`` / ``raid.create_configuration``: the driver
powers the server off, edits the applied profile and returns CLEANWAIT; the driver's task
poller (``[oneview]task_poll_interval`` 1 s here) sees OneView's task end and boots the
agent again, whose heartbeat ends the cleaning. OneView's side is read over the
simulator's REST API (the profile is gone after cleaning; the server keeps its BIOS values
and logical drives, as an appliance does).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oneview_openstack.testing.ironic_nodes import ProvisioningError, move_node

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide, uris_of
from .conftest import AgentLab, running_agent_lab
from .nodes import enroll_booting

pytestmark = pytest.mark.functional

BIOS_MICROVERSION = "1.74"  # the registry fields of the cached settings
RAID_MICROVERSION = "1.12"


@pytest.fixture(scope="module")
def steps_lab(
    tmp_path_factory: pytest.TempPathFactory, simulator_cert_dir: Path
) -> Iterator[AgentLab]:
    """An agent lab whose task poller runs every second (the default is 10 s)."""
    with running_agent_lab(
        tmp_path_factory.mktemp("bios-raid-lab"),
        simulator_cert_dir,
        oneview={"task_poll_interval": 1},
    ) as lab:
        yield lab


class Cleaning:
    """A manageable node on the seed's first blade, with the oneview bios and raid."""

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
            name="bios-raid-1",
            bios_interface="oneview",
            raid_interface="oneview",
        )
        self.node = move_node(self.baremetal, node.id, "manage")

    def clean(self, interface: str, step: str, **args: Any) -> Any:
        steps = [{"interface": interface, "step": step, "args": args}]
        return move_node(self.baremetal, self.node.id, "clean", clean_steps=steps, timeout=90)

    def failed_clean(self, interface: str, step: str, **args: Any) -> Any:
        with pytest.raises(ProvisioningError):
            self.clean(interface, step, **args)
        return self.baremetal.get_node(self.node.id)

    def set_target_raid(self, target: dict[str, Any]) -> None:
        """``openstack baremetal node set --target-raid-config`` (PUT .../states/raid)."""
        response = self.baremetal.put(
            f"/nodes/{self.node.id}/states/raid", json=target, microversion=RAID_MICROVERSION
        )
        assert response.status_code == 204, response.text

    def server_bios(self) -> dict[str, str]:
        body = self.side.get(f"{self.server_uri}/bios")
        return {s["id"]: s["value"] for s in body["settings"]}

    def ironic_bios(self) -> dict[str, dict[str, Any]]:
        response = self.baremetal.get(
            f"/nodes/{self.node.id}/bios?detail=True", microversion=BIOS_MICROVERSION
        )
        assert response.status_code == 200, response.text
        return {s["name"]: s for s in response.json()["bios"]}

    def server_drives(self) -> dict[str, dict[str, Any]]:
        storage = self.side.get(f"{self.server_uri}/localStorage")
        return {
            volume["LogicalDriveName"]: volume
            for controller in storage["data"]
            for volume in controller.get("LogicalDrives") or []
        }


@pytest.fixture
def cleaning(steps_lab: AgentLab) -> Iterator[Cleaning]:
    steps_lab.sim.operator.reset()
    yield Cleaning(steps_lab)
    steps_lab.ironic.reset()


def test_bios_apply_configuration_in_manual_cleaning(cleaning: Cleaning) -> None:
    settings = [
        {"name": "ProcHyperthreading", "value": "Disabled"},
        {"name": "WorkloadProfile", "value": "LowLatency"},
    ]

    node = cleaning.clean("bios", "apply_configuration", settings=settings)

    assert node.provision_state == "manageable" and not node.last_error
    current = cleaning.server_bios()
    assert current["ProcHyperthreading"] == "Disabled"
    assert current["WorkloadProfile"] == "LowLatency"
    cached = cleaning.ironic_bios()
    assert cached["ProcHyperthreading"]["value"] == "Disabled"
    assert cached["ProcHyperthreading"]["allowable_values"] == ["Enabled", "Disabled"]
    assert cached["ProcHyperthreading"]["attribute_type"] == "Enumeration"


def test_bios_setting_the_hardware_type_has_not_fails_cleaning_naming_it(
    cleaning: Cleaning,
) -> None:
    before = cleaning.server_bios()

    node = cleaning.failed_clean(
        "bios", "apply_configuration", settings=[{"name": "TurboBoost9000", "value": "On"}]
    )

    assert node.provision_state == "clean failed"
    assert node.id in node.last_error and "'TurboBoost9000'" in node.last_error
    assert "ProcHyperthreading" in node.last_error, "the allowed names are listed"
    assert cleaning.server_bios() == before


def test_raid_create_configuration_in_manual_cleaning(cleaning: Cleaning) -> None:
    target = {
        "logical_disks": [
            {"raid_level": "1", "size_gb": "MAX", "is_root_volume": True, "volume_name": "os"}
        ]
    }
    cleaning.set_target_raid(target)

    node = cleaning.clean("raid", "create_configuration", delete_existing=True)

    assert node.provision_state == "manageable" and not node.last_error
    drives = cleaning.server_drives()
    assert list(drives) == ["os"], "initialize replaced the seed's boot volume"
    size_gb = drives["os"]["CapacityMiB"] // 1024
    (recorded,) = node.raid_config["logical_disks"]
    assert recorded["raid_level"] == "1" and recorded["size_gb"] == size_gb
    assert recorded["is_root_volume"] is True
    assert node.properties["local_gb"] == size_gb


def test_raid_drives_oneview_cannot_find_fail_cleaning_with_oneviews_message(
    cleaning: Cleaning,
) -> None:
    target = {
        "logical_disks": [
            {
                "raid_level": "1",
                "size_gb": "MAX",
                "is_root_volume": True,
                "disk_type": "hdd",
                "interface_type": "sata",
            }
        ]
    }
    cleaning.set_target_raid(target)
    before = cleaning.server_drives()

    node = cleaning.failed_clean("raid", "create_configuration", delete_existing=True)

    assert node.provision_state == "clean failed"
    assert node.id in node.last_error and "INSUFFICIENT_PHYSICAL_DRIVES" in node.last_error
    assert cleaning.server_drives() == before, "nothing half-applied"
    assert not node.raid_config
