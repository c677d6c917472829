"""OneViewManagement in Ironic's own test base, against the simulator."""

from __future__ import annotations

import pytest
from ironic.common import boot_devices, boot_modes, components, exception, indicator_states, states
from ironic.common.health_states import HealthState
from ironic.conductor import task_manager

from oneview_openstack.ironic_driver import errors
from oneview_openstack.ironic_driver.profile_inventory import shared_profile_listings

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
        shared_profile_listings().invalidate()  # a listing of the previous test's profiles

    def _node_with_ironic_profile(self, power_on: bool = False):
        """A node whose server carries a profile 'Ironic applied' (as the deploy would)."""
        template = self.seed.template(seed.TEMPLATE)
        profile = self.side.create_profile(template, self.server_uri, "ironic-node")
        if power_on:
            self.side.power(self.server_uri, "On")
        node = self.create_oneview_node(
            driver_internal_info={"applied_server_profile_uri": profile}
        )
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
        node.set_driver_internal_info("applied_server_profile_uri", profile)
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

    # -- validate -------------------------------------------------------------------------

    def test_validate_works_while_oneview_does_not_answer(self) -> None:
        node = self.create_oneview_node()
        self.sim.operator.add_fault("/rest/*", drop_connection=True)

        self._call(node, "validate")

        self.sim.operator.clear_faults()
        assert self.sim.operator.count("GET", "/rest/server-hardware/{id}") == 0

    def test_validate_still_names_a_malformed_field(self) -> None:
        node = self.create_oneview_node(driver_info={"server_hardware_uri": "/rest/x/y z"})

        with pytest.raises(exception.InvalidParameterValue, match="server_hardware_uri"):
            self._call(node, "validate")

    # -- sensor data and health -------------------------------------------------------------

    def test_sensor_data_carries_oneviews_newest_samples_in_ironics_format(self) -> None:
        self.side.power(self.server_uri, "On")
        node = self.create_oneview_node()
        server_id = self.server_uri.rsplit("/", 1)[-1]

        data = self._call(node, "get_sensors_data")

        samples = self.side.get(f"{self.server_uri}/utilization")["metricList"]
        newest = {m["metricName"]: max(m["metricSamples"])[1] for m in samples}
        environment = self.side.get(f"{self.server_uri}/environmentalConfiguration")
        temperature = data["Temperature"][f"AmbientTemperature@{server_id}"]
        power = data["Power"][f"Power@{server_id}"]
        assert temperature["reading_celsius"] == newest["AmbientTemperature"]
        assert temperature["physical_context"] == "Intake"
        assert (temperature["health"], temperature["state"]) == ("OK", "enabled")
        assert power["last_power_output_watts"] == newest["AveragePower"]
        assert power["power_capacity_watts"] == environment["calibratedMaxPower"]
        assert data["CPU"][f"CPU@{server_id}"]["utilization_percent"] == newest["CpuUtilization"]
        limits = data["PowerLimits"][f"PowerLimits@{server_id}"]
        assert limits["power_cap_watts"] == newest["PowerCap"]
        assert limits["idle_max_power_watts"] == environment["idleMaxPower"]
        assert data["Extra"]["Manufacturer"] == "HPE"

    def test_sensor_data_oneview_fails_to_give_is_a_sensor_data_error(self) -> None:
        node = self.create_oneview_node()
        self.sim.operator.add_fault(
            "/rest/server-hardware/*/utilization", status=500, message="iLO busy."
        )

        with pytest.raises(exception.FailedToGetSensorData) as caught:
            self._call(node, "get_sensors_data")

        assert node.uuid in str(caught.value) and "iLO busy." in str(caught.value)

    def test_health_is_the_servers_oneview_status_from_the_shared_listing(self) -> None:
        node = self.create_oneview_node()
        self.sim.operator.clear_counters()

        health = self._call(node, "get_node_health")

        assert health == HealthState.OK
        assert self.sim.operator.count("GET", "/rest/server-hardware/{id}") == 0

    # -- UID indicator ----------------------------------------------------------------------

    def _uid(self, node) -> tuple[str, str]:
        return components.SYSTEM, self.server_uri.rsplit("/", 1)[-1]

    def test_the_uid_light_is_the_systems_indicator(self) -> None:
        node = self.create_oneview_node()
        self.sim.operator.clear_counters()

        supported = self._call(node, "get_supported_indicators")

        _, indicator = self._uid(node)
        assert supported == {
            components.SYSTEM: {
                indicator: {
                    "readonly": False,
                    "states": [
                        indicator_states.BLINKING,
                        indicator_states.OFF,
                        indicator_states.ON,
                    ],
                }
            }
        }
        assert self._call(node, "get_supported_indicators", components.DISK) == {}
        assert self.sim.operator.counters() == {}

    def test_turning_the_uid_light_on_and_blinking_shows_in_oneview(self) -> None:
        node = self.create_oneview_node()

        self._call(node, "set_indicator_state", *self._uid(node), indicator_states.ON)
        on = (
            self.side.get(self.server_uri)["uidState"],
            self._call(node, "get_indicator_state", *self._uid(node)),
        )
        self._call(node, "set_indicator_state", *self._uid(node), indicator_states.BLINKING)
        blinking = self._call(node, "get_indicator_state", *self._uid(node))

        assert on == ("On", indicator_states.ON)
        assert blinking == indicator_states.BLINKING
        assert self.side.get(self.server_uri)["uidState"] == "Blink"

    def test_another_indicator_is_refused(self) -> None:
        node = self.create_oneview_node()

        with pytest.raises(exception.InvalidParameterValue) as caught:
            self._call(node, "set_indicator_state", components.CHASSIS, "enclosure-1", "on")

        assert "allowed: indicator" in str(caught.value)
        assert self.side.get(self.server_uri)["uidState"] == "Off"

    def test_an_unknown_indicator_state_is_refused(self) -> None:
        node = self.create_oneview_node()

        with pytest.raises(exception.InvalidParameterValue, match="allowed: blinking, off, on"):
            self._call(node, "set_indicator_state", *self._uid(node), "purple")

    def test_oneview_failing_the_uid_change_is_reported(self) -> None:
        node = self.create_oneview_node()
        self.sim.operator.fail_next_task(
            "ILO_UNREACHABLE", "The iLO did not answer.", resource_category="server-hardware"
        )

        with pytest.raises(errors.OneViewError) as caught:
            self._call(node, "set_indicator_state", *self._uid(node), indicator_states.ON)

        assert "turning the UID light on failed" in str(caught.value)
        assert "The iLO did not answer." in str(caught.value)
        assert self.side.get(self.server_uri)["uidState"] == "Off"

    # -- secure boot ------------------------------------------------------------------------

    def _secure_node(self, secure_boot: str = "Disabled", mode: str = "UEFIOptimized"):
        node, profile = self._node_with_ironic_profile()
        self.side.edit(
            profile, bootMode={"manageMode": True, "mode": mode, "secureBoot": secure_boot}
        )
        return node, profile

    def _secure_boot(self, profile: str) -> str:
        return self.side.get(profile)["bootMode"]["secureBoot"]

    def test_secure_boot_state_comes_from_ironics_profile(self) -> None:
        node, _ = self._secure_node("Enabled")

        assert self._call(node, "get_secure_boot_state") is True

    def test_secure_boot_left_unmanaged_is_unknown(self) -> None:
        node, _ = self._node_with_ironic_profile()

        with pytest.raises(
            exception.UnsupportedDriverExtension, match="leaves secure boot unmanaged"
        ):
            self._call(node, "get_secure_boot_state")

    def test_enabling_secure_boot_updates_ironics_profile(self) -> None:
        node, profile = self._secure_node("Disabled")
        assert self._call(node, "get_secure_boot_state") is False  # the listing is taken

        self._call(node, "set_secure_boot_state", True)

        assert self._secure_boot(profile) == "Enabled"
        assert self._call(node, "get_secure_boot_state") is True

    def test_secure_boot_already_as_wanted_changes_nothing(self) -> None:
        node, _ = self._secure_node("Enabled")
        self.sim.operator.clear_counters()

        self._call(node, "set_secure_boot_state", True)

        assert self.sim.operator.count("PUT", "/rest/server-profiles/{id}") == 0

    def test_secure_boot_needs_the_uefi_optimized_boot_mode(self) -> None:
        node, profile = self._secure_node("Disabled", mode="UEFI")

        with pytest.raises(exception.InvalidParameterValue) as caught:
            self._call(node, "set_secure_boot_state", True)

        assert "boots in mode 'UEFI'" in str(caught.value)
        assert "UEFIOptimized" in str(caught.value)
        assert self._secure_boot(profile) == "Disabled"

    def test_secure_boot_of_a_running_server_is_refused(self) -> None:
        node, profile = self._secure_node("Disabled")
        self.side.power(self.server_uri, "On")

        with pytest.raises(errors.OneViewError, match="powered On"):
            self._call(node, "set_secure_boot_state", True)

        assert self._secure_boot(profile) == "Disabled"

    def test_secure_boot_cannot_be_enabled_without_ironics_profile(self) -> None:
        node = self.create_oneview_node()

        with pytest.raises(exception.InvalidParameterValue, match="no server profile"):
            self._call(node, "set_secure_boot_state", True)
        self._call(node, "set_secure_boot_state", False)  # nothing enabled: nothing to do

    def test_oneview_refusing_the_profile_update_is_reported(self) -> None:
        node, profile = self._secure_node("Disabled")
        self.sim.operator.fail_next_task(
            "PROFILE_UPDATE_FAILED",
            "Secure boot could not be set.",
            resource_category="server-profiles",
        )

        with pytest.raises(errors.OneViewError, match="Secure boot could not be set."):
            self._call(node, "set_secure_boot_state", True)

    # -- what Ironic's power-state sync costs ------------------------------------------------

    def test_boot_mode_and_secure_boot_of_many_nodes_cost_one_profile_listing(self) -> None:
        template = self.seed.template(seed.TEMPLATE)
        nodes = []
        for name in (seed.BLADE, seed.BLADE_2, seed.BLADE_BIG):
            profile = self.side.create_profile(template, self.seed.server(name), f"ironic-{name}")
            nodes.append(
                self.create_oneview_node(
                    name, driver_internal_info={"applied_server_profile_uri": profile}
                )
            )
        self._call(nodes[0], "get_indicator_state", *self._uid(nodes[0]))  # logged in
        self.sim.operator.clear_counters()

        modes = [self._call(node, "get_boot_mode") for node in nodes]
        for node in nodes:
            with pytest.raises(exception.UnsupportedDriverExtension):
                self._call(node, "get_secure_boot_state")  # the seed leaves it unmanaged

        assert modes == [boot_modes.UEFI] * 3
        assert self.sim.operator.count("GET", "/rest/server-profiles") == 1
        assert self.sim.operator.count("GET", "/rest/server-profiles/{id}") == 0

    def test_a_profile_newer_than_the_listing_is_read_on_its_own(self) -> None:
        first, _ = self._node_with_ironic_profile()
        self._call(first, "get_boot_mode")  # the listing is taken
        template = self.seed.template(seed.TEMPLATE)
        profile = self.side.create_profile(template, self.seed.server(seed.BLADE_2), "late")
        late = self.create_oneview_node(
            seed.BLADE_2, driver_internal_info={"applied_server_profile_uri": profile}
        )
        self.sim.operator.clear_counters()

        assert self._call(late, "get_boot_mode") == boot_modes.UEFI
        assert self.sim.operator.count("GET", "/rest/server-profiles/{id}") == 1
        assert self.sim.operator.count("GET", "/rest/server-profiles") == 0

    def test_a_failed_profile_listing_falls_back_to_each_profile_for_a_while(self) -> None:
        node, _ = self._node_with_ironic_profile()
        self._call(node, "get_indicator_state", *self._uid(node))  # logged in
        self.sim.operator.add_fault("/rest/server-profiles", method="GET", status=500)
        self.sim.operator.clear_counters()

        first = self._call(node, "get_boot_mode")
        listings = self.sim.operator.count("GET", "/rest/server-profiles")  # with its retry
        later = [self._call(node, "get_boot_mode") for _ in range(2)]

        assert [first, *later] == [boot_modes.UEFI] * 3
        assert self.sim.operator.count("GET", "/rest/server-profiles") == listings
        assert self.sim.operator.count("GET", "/rest/server-profiles/{id}") == 3

    def test_boot_mode_of_an_unreachable_appliance_is_a_connection_error(self) -> None:
        node, _ = self._node_with_ironic_profile()
        self.sim.operator.add_fault("/rest/*", drop_connection=True)

        with pytest.raises(errors.OneViewConnectionError, match="reading the boot mode"):
            self._call(node, "get_boot_mode")
