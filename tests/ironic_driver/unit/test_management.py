"""OneViewManagement in Ironic's own test base, against the simulator."""

from __future__ import annotations

import pytest
from ironic.common import boot_devices, boot_modes, exception, states
from ironic.conductor import task_manager

from oneview_openstack.ironic_driver import errors

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide
from .base import OneViewTestCase

PENDING = "oneview_pending_boot_device"


class ManagementTestCase(OneViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sim.operator.set_config(time_scale=0.001)  # profile tasks in tenths of a second
        self.side = OneViewSide(self.sim)
        self.server_uri = self.seed.server(seed.BLADE)

    def _node_with_ironic_profile(self, power_on: bool = False):
        """A node whose server carries a profile 'Ironic applied' (as the deploy would)."""
        template = self.seed.template(seed.TEMPLATE)
        profile = self.side.create_profile(template, self.server_uri, "ironic-node")
        if power_on:
            self.side.power(self.server_uri, "On")
        node = self.create_oneview_node(driver_info={"applied_server_profile_uri": profile})
        return node, profile

    def _call(self, node, method: str, *args, **kwargs):
        with task_manager.acquire(self.context, node.uuid) as task:
            return getattr(task.driver.management, method)(task, *args, **kwargs)

    def _order(self, profile_uri: str) -> list[str]:
        return self.side.get(profile_uri)["boot"]["order"]

    def _one_time(self) -> str:
        return self.side.get(self.server_uri)["oneTimeBoot"]

    # -- boot devices ---------------------------------------------------------------------

    def test_supported_boot_devices_are_those_of_the_hardware_type(self) -> None:
        node = self.create_oneview_node()

        supported = self._call(node, "get_supported_boot_devices")

        assert supported == [boot_devices.PXE, boot_devices.DISK, boot_devices.CDROM]

    def test_one_time_boot_leaves_the_persistent_order_alone(self) -> None:
        node, profile = self._node_with_ironic_profile()

        self._call(node, "set_boot_device", boot_devices.CDROM, persistent=False)

        assert self._one_time() == "CDROM"
        assert self._order(profile) == ["PXE", "HardDisk"]
        assert self._call(node, "get_boot_device") == {
            "boot_device": boot_devices.CDROM,
            "persistent": False,
        }

    def test_one_time_boot_works_without_a_profile(self) -> None:
        node = self.create_oneview_node()

        self._call(node, "set_boot_device", boot_devices.PXE)

        assert self._one_time() == "Network"

    def test_persistent_boot_device_rewrites_the_order_of_a_server_that_is_off(self) -> None:
        node, profile = self._node_with_ironic_profile()
        self._call(node, "set_boot_device", boot_devices.CDROM)  # a one-time device pending

        self._call(node, "set_boot_device", boot_devices.DISK, persistent=True)

        assert self._order(profile) == ["HardDisk", "PXE"]
        assert self._one_time() == "Normal"
        assert self._call(node, "get_boot_device") == {
            "boot_device": boot_devices.DISK,
            "persistent": True,
        }

    def test_asking_for_the_first_device_again_changes_nothing(self) -> None:
        node, profile = self._node_with_ironic_profile()
        before = self.side.get(profile)["eTag"]

        self._call(node, "set_boot_device", boot_devices.PXE, persistent=True)

        assert self.side.get(profile)["eTag"] == before

    def test_persistent_device_of_a_running_server_waits_for_the_next_reboot(self) -> None:
        node, profile = self._node_with_ironic_profile(power_on=True)

        self._call(node, "set_boot_device", boot_devices.DISK, persistent=True)
        order_while_on = self._order(profile)
        reported = self._call(node, "get_boot_device")
        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.power.reboot(task)
            pending_after = task.node.driver_internal_info.get(PENDING)

        assert order_while_on == ["PXE", "HardDisk"]
        assert reported == {"boot_device": boot_devices.DISK, "persistent": True}
        assert self._order(profile) == ["HardDisk", "PXE"]
        assert pending_after is None
        assert self.side.get(self.server_uri)["powerState"] == "On"

    def test_persistent_device_before_any_profile_is_written_at_the_first_power_on(self) -> None:
        node = self.create_oneview_node()
        self._call(node, "set_boot_device", boot_devices.DISK, persistent=True)
        template = self.seed.template(seed.TEMPLATE)
        profile = self.side.create_profile(template, self.server_uri, "deployed-by-ironic")
        node.refresh()
        assert node.driver_internal_info[PENDING] == boot_devices.DISK
        node.driver_info = {**node.driver_info, "applied_server_profile_uri": profile}
        node.save()

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.power.set_power_state(task, states.POWER_ON)

        assert self._order(profile) == ["HardDisk", "PXE"]

    def test_unknown_boot_device_is_refused(self) -> None:
        node = self.create_oneview_node()

        with pytest.raises(exception.InvalidParameterValue, match="allowed: pxe, disk, cdrom"):
            self._call(node, "set_boot_device", boot_devices.BIOS)

    def test_boot_device_refused_on_a_server_a_oneview_user_owns(self) -> None:
        node = self.create_oneview_node(seed.BLADE_ON, template=None)

        with pytest.raises(errors.ServerInUseByOneView, match=seed.FOREIGN_PROFILE):
            self._call(node, "set_boot_device", boot_devices.PXE)

    def test_boot_device_of_a_server_without_profile_is_unknown(self) -> None:
        node = self.create_oneview_node()

        assert self._call(node, "get_boot_device") == {"boot_device": None, "persistent": None}

    # -- boot mode ------------------------------------------------------------------------

    def test_boot_mode_comes_from_ironics_profile(self) -> None:
        node, _ = self._node_with_ironic_profile()

        assert self._call(node, "get_boot_mode") == boot_modes.UEFI

    def test_boot_mode_without_a_profile_is_unknown_and_costs_no_request(self) -> None:
        node = self.create_oneview_node()
        self.sim.operator.clear_counters()

        assert self._call(node, "get_boot_mode") is None
        assert self.sim.operator.counters() == {}

    def test_boot_mode_of_a_profile_that_leaves_it_unmanaged_is_unknown(self) -> None:
        node, profile = self._node_with_ironic_profile()
        self.side.edit(profile, bootMode={"manageMode": False, "mode": None})

        assert self._call(node, "get_boot_mode") is None

    def test_the_templates_boot_mode_goes_back_into_a_profile_that_lost_it(self) -> None:
        node, profile = self._node_with_ironic_profile()
        self.side.edit(profile, bootMode={"manageMode": True, "mode": "BIOS"})

        self._call(node, "set_boot_mode", boot_modes.UEFI)

        assert self.side.get(profile)["bootMode"]["mode"] == "UEFI"
        assert self._call(node, "get_boot_mode") == boot_modes.UEFI

    def test_the_templates_boot_mode_on_a_profile_that_has_it_changes_nothing(self) -> None:
        node, _ = self._node_with_ironic_profile()
        self.sim.operator.clear_counters()

        self._call(node, "set_boot_mode", boot_modes.UEFI)

        assert self.sim.operator.count("PUT", "/rest/server-profiles/{id}") == 0

    def test_another_boot_mode_than_the_templates_is_refused_with_a_profile_too(self) -> None:
        node, profile = self._node_with_ironic_profile()

        with pytest.raises(exception.InvalidParameterValue) as caught:
            self._call(node, "set_boot_mode", boot_modes.LEGACY_BIOS)

        assert f"template '{seed.TEMPLATE}'" in str(caught.value)
        assert "sets 'uefi'" in str(caught.value)
        assert self.side.get(profile)["bootMode"]["mode"] == "UEFI"

    def test_a_template_that_leaves_the_boot_mode_unmanaged_cannot_set_it(self) -> None:
        template = self.seed.template(seed.TEMPLATE)
        self.side.edit(template, bootMode={"manageMode": False, "mode": None})
        node, profile = self._node_with_ironic_profile()

        with pytest.raises(exception.UnsupportedDriverExtension) as caught:
            self._call(node, "set_boot_mode", boot_modes.UEFI)

        assert "leaves the boot mode unmanaged" in str(caught.value)
        assert self.side.get(profile)["bootMode"]["manageMode"] is False

    def test_boot_mode_cannot_be_set_without_a_template(self) -> None:
        node = self.create_oneview_node(template=None)

        with pytest.raises(exception.InvalidParameterValue, match="names no server profile"):
            self._call(node, "set_boot_mode", boot_modes.UEFI)

    def test_before_any_profile_the_templates_boot_mode_is_accepted(self) -> None:
        node = self.create_oneview_node()

        self._call(node, "set_boot_mode", boot_modes.UEFI)

        assert self.side.get(self.server_uri)["serverProfileUri"] is None

    def test_before_any_profile_another_boot_mode_than_the_templates_is_refused(self) -> None:
        node = self.create_oneview_node()

        with pytest.raises(exception.InvalidParameterValue) as caught:
            self._call(node, "set_boot_mode", boot_modes.LEGACY_BIOS)

        assert f"template '{seed.TEMPLATE}'" in str(caught.value)
        assert "sets 'uefi'" in str(caught.value)

    def test_boot_mode_refused_on_a_server_a_oneview_user_owns(self) -> None:
        node = self.create_oneview_node(seed.BLADE_ON, template=None)

        with pytest.raises(errors.ServerInUseByOneView):
            self._call(node, "set_boot_mode", boot_modes.UEFI)

    def test_unknown_boot_mode_is_refused(self) -> None:
        node = self.create_oneview_node()

        with pytest.raises(exception.InvalidParameterValue, match="allowed: bios, uefi"):
            self._call(node, "set_boot_mode", "uefi-secure")

    def test_supported_boot_modes_are_those_of_the_hardware_type(self) -> None:
        node = self.create_oneview_node()

        modes = self._call(node, "get_supported_boot_modes")

        assert modes == [boot_modes.LEGACY_BIOS, boot_modes.UEFI]

    # -- the rest -------------------------------------------------------------------------

    def test_mac_addresses_are_the_templates_nics_boot_nic_first(self) -> None:
        node = self.create_oneview_node()

        assert self._call(node, "get_mac_addresses") == ["02:23:13:10:00:01", "02:23:13:10:00:0a"]

    def test_vendor_is_hpe_without_asking_oneview(self) -> None:
        node = self.create_oneview_node()
        self.sim.operator.clear_counters()

        assert self._call(node, "detect_vendor") == "hpe"
        assert self.sim.operator.counters() == {}

    def test_sensor_data_is_not_collected(self) -> None:
        node = self.create_oneview_node()

        with pytest.raises(NotImplementedError, match="sensor data"):
            self._call(node, "get_sensors_data")
