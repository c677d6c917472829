"""The ``oneview`` RAID interface: Ironic's target logical disks as the applied profile's
``localStorage`` logical drives; raid_config and local_gb from what the server reports."""

from __future__ import annotations

from typing import Any

import pytest
from ironic.common import exception, states
from ironic.conductor import task_manager

from oneview_openstack.ironic_driver import raid

from .test_bios import ProfileStepTestCase

ROOT_RAID1 = {
    "logical_disks": [
        {"raid_level": "1", "size_gb": "MAX", "is_root_volume": True, "volume_name": "root"}
    ]
}


class RAIDTestCase(ProfileStepTestCase):
    interface = "raid"
    step = "create_configuration"

    def raid_node(self, target: dict[str, Any] | None = None, **fields: Any) -> Any:
        return self.cleaning_node(target_raid_config=target or ROOT_RAID1, **fields)

    def server_drives(self) -> dict[str, dict[str, Any]]:
        storage = self.side.get(f"{self.server_uri}/localStorage")
        return {
            volume["LogicalDriveName"]: volume
            for controller in storage["data"]
            for volume in controller.get("LogicalDrives") or []
        }

    def refused(self, node: Any, target: dict[str, Any]) -> str:
        node.target_raid_config = target
        node.save()
        with pytest.raises(exception.InvalidParameterValue) as raised:
            self.run_step(node, "create_configuration", delete_existing=True)
        return str(raised.value)

    def test_the_node_gets_the_oneview_raid_interface(self) -> None:
        node = self.raid_node(with_profile=False)
        with task_manager.acquire(self.context, node.uuid) as task:
            assert isinstance(task.driver.raid, raid.OneViewRAID)
            steps = {s["step"] for s in task.driver.raid.get_clean_steps(task)}
            properties = task.driver.raid.get_logical_disk_properties()
        assert {"create_configuration", "delete_configuration"} <= steps
        assert "MAX" in properties["size_gb"] and "physical_disks" not in properties

    def test_create_configuration_builds_the_drive_and_local_gb_follows(self) -> None:
        node = self.raid_node()

        state = self.run_step(node, "create_configuration", delete_existing=True)

        assert state == states.CLEANWAIT
        controller = self.profile(node)["localStorage"]["controllers"][0]
        assert controller["deviceSlot"] == "Embedded" and controller["initialize"] is True
        drive = controller["logicalDrives"][0]
        assert drive["name"] == "root" and drive["raidLevel"] == "RAID1"
        assert drive["bootable"] is True and drive["numPhysicalDrives"] == 2
        report = self.settle(node)

        assert report.handled == {"resumed": [node.uuid]}
        built = self.server_drives()["root"]
        size_gb = built["CapacityMiB"] // 1024
        assert node.raid_config["logical_disks"] == [
            {
                "raid_level": "1",
                "size_gb": size_gb,
                "volume_name": "root",
                "controller": "Embedded",
                "number_of_physical_disks": 2,
                "is_root_volume": True,
            }
        ]
        assert node.properties["local_gb"] == size_gb
        assert "raid_level:1" in node.properties["capabilities"]

    def test_a_level_oneview_has_not_is_refused_before_anything_is_sent(self) -> None:
        node = self.raid_node()
        before = self.profile(node)["localStorage"]

        message = self.refused(node, {"logical_disks": [{"raid_level": "5+0", "size_gb": "MAX"}]})

        assert node.uuid in message and "raid_level '5+0'" in message
        assert "allowed: 0, 1, 1+0, 5, 6" in message
        assert self.profile(node)["localStorage"] == before

    def test_a_size_is_refused_oneview_uses_whole_drives(self) -> None:
        node = self.raid_node()
        message = self.refused(node, {"logical_disks": [{"raid_level": "1", "size_gb": 100}]})
        assert "size_gb 100" in message and "number_of_physical_disks" in message

    def test_more_drives_than_the_hardware_type_has_are_refused(self) -> None:
        node = self.raid_node()
        message = self.refused(node, {"logical_disks": [{"raid_level": "5", "size_gb": "MAX"}]})
        assert node.uuid in message and "would use 3 drives" in message and "at most 2" in message

    def test_half_a_drive_technology_is_refused(self) -> None:
        node = self.raid_node()
        target = {"logical_disks": [{"raid_level": "1", "size_gb": "MAX", "disk_type": "ssd"}]}
        message = self.refused(node, target)
        assert "interface_type" in message and "SasHdd" not in message

    def test_setting_a_target_oneview_cannot_build_fails_validation(self) -> None:
        node = self.raid_node(with_profile=False)
        target = {
            "logical_disks": [
                {"raid_level": "1", "size_gb": "MAX", "share_physical_disks": True},
            ]
        }
        with task_manager.acquire(self.context, node.uuid) as task:
            with pytest.raises(exception.InvalidParameterValue, match="share_physical_disks"):
                task.driver.raid.validate_raid_config(task, target)
            task.driver.raid.validate_raid_config(task, ROOT_RAID1)

    def test_delete_configuration_empties_the_controller_and_raid_config(self) -> None:
        node = self.raid_node()
        self.run_step(node, "create_configuration", delete_existing=True)
        self.settle(node)
        node.provision_state = states.CLEANING
        node.clean_step = {"step": "delete_configuration", "interface": "raid"}
        node.save()

        assert self.run_step(node, "delete_configuration") == states.CLEANWAIT
        self.settle(node)

        controller = self.profile(node)["localStorage"]["controllers"][0]
        assert controller["logicalDrives"] == [] and controller["initialize"] is True
        assert self.server_drives() == {}
        assert node.raid_config == {}

    def test_a_failed_task_fails_cleaning_and_records_nothing(self) -> None:
        node = self.raid_node()
        before = self.profile(node)["localStorage"]
        self.sim.operator.fail_next_task(
            "LOCAL_STORAGE_CONFIGURATION_FAILED",
            "The logical drive could not be created.",
            resource_category="server-profiles",
        )

        self.run_step(node, "create_configuration", delete_existing=True)
        report = self.settle(node)

        assert report.handled == {"failed": [node.uuid]}
        assert node.provision_state == states.CLEANFAIL
        assert "The logical drive could not be created." in node.last_error
        assert node.raid_config == {}
        assert self.profile(node)["localStorage"] == before, "no half-applied section is kept"

    def test_without_delete_existing_the_drives_the_profile_has_count(self) -> None:
        node = self.raid_node()
        self.run_step(node, "create_configuration", delete_existing=True)
        self.settle(node)
        node.provision_state = states.CLEANING
        node.target_raid_config = {
            "logical_disks": [{"raid_level": "0", "size_gb": "MAX", "volume_name": "scratch"}]
        }
        node.save()

        with pytest.raises(exception.InvalidParameterValue) as raised:
            self.run_step(node, "create_configuration")

        assert "would use 3 drives" in str(raised.value) and "at most 2" in str(raised.value)
        drives = self.profile(node)["localStorage"]["controllers"][0]["logicalDrives"]
        assert [d["name"] for d in drives] == ["root"]

    def test_a_volume_name_the_profile_has_is_refused(self) -> None:
        node = self.raid_node()
        self.run_step(node, "create_configuration", delete_existing=True)
        self.settle(node)
        node.provision_state = states.CLEANING
        node.save()

        with pytest.raises(exception.InvalidParameterValue) as raised:
            self.run_step(node, "create_configuration")

        assert "already has a logical drive named 'root'" in str(raised.value)
