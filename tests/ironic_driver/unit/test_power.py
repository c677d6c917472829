"""OneViewPower in Ironic's own test base, against the simulator."""

from __future__ import annotations

import logging

import pytest
from ironic.common import exception, states
from ironic.conductor import task_manager

from oneview_openstack import client
from oneview_openstack.ironic_driver import errors, inventory, power, profile_tasks, profiles

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide
from .base import OneViewTestCase

SOFT_OFF_TIMEOUT = "SERVER_MOMENTARY_PRESS_OFF_TIMEOUT"


@pytest.mark.parametrize("state", list(client.PowerState))
def test_every_oneview_power_state_has_an_ironic_state(state: client.PowerState) -> None:
    assert power.ironic_power_state(state) in (states.POWER_ON, states.POWER_OFF, states.ERROR)


def test_transitional_states_report_the_state_being_reached() -> None:
    expected = {
        client.PowerState.POWERING_ON: states.POWER_ON,
        client.PowerState.RESETTING: states.POWER_ON,
        client.PowerState.POWERING_OFF: states.POWER_OFF,
        client.PowerState.UNKNOWN: states.ERROR,
    }

    assert {state: power.ironic_power_state(state) for state in expected} == expected


class PowerTestCase(OneViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.side = OneViewSide(self.sim)

    def _server(self, name: str = seed.BLADE) -> dict:
        return self.side.get(self.seed.server(name))

    def _set(self, node, state: str, timeout: float | None = None) -> None:
        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.power.set_power_state(task, state, timeout=timeout)

    def _state(self, node) -> str:
        with task_manager.acquire(self.context, node.uuid, shared=True) as task:
            return task.driver.power.get_power_state(task)

    def test_power_state_of_an_off_and_a_running_server(self) -> None:
        off = self.create_oneview_node(seed.BLADE)
        running = self.create_oneview_node(seed.BLADE_ON, template=None)

        assert (self._state(off), self._state(running)) == (states.POWER_OFF, states.POWER_ON)

    def test_power_state_reads_the_server_once(self) -> None:
        node = self.create_oneview_node()
        self._state(node)  # logs in
        self.sim.operator.clear_counters()

        self._state(node)

        assert self.sim.operator.counters() == {"GET /rest/server-hardware/{id}": 1}

    def test_a_server_powering_on_reports_power_on(self) -> None:
        node = self.create_oneview_node()
        self.sim.operator.set_config(time_scale=1.0)  # power on takes 10 s
        self.side.rest.call(
            "PUT", f"{self.seed.server(seed.BLADE)}/powerState", {"powerState": "On"}
        )
        assert self._server()["powerState"] == "PoweringOn"

        assert self._state(node) == states.POWER_ON

    def test_power_on_then_off(self) -> None:
        node = self.create_oneview_node()

        self._set(node, states.POWER_ON)
        after_on = self._server()["powerState"]
        self._set(node, states.POWER_OFF)

        assert (after_on, self._server()["powerState"]) == ("On", "Off")

    def test_soft_power_off_shuts_down_gracefully(self) -> None:
        node = self.create_oneview_node()
        self._set(node, states.POWER_ON)

        self._set(node, states.SOFT_POWER_OFF, timeout=30)

        assert self._server()["powerState"] == "Off"
        assert self.side.tasks_of(self.seed.server(seed.BLADE)) == [
            ("Power on", "Completed"),
            ("Power off", "Completed"),
        ]

    def test_soft_power_off_ignored_by_the_os_falls_back_to_a_hard_power_off_if_opted_in(
        self,
    ) -> None:
        self.config(group="oneview", soft_power_off_fallback=True)
        node = self.create_oneview_node()
        self._set(node, states.POWER_ON)
        self.sim.operator.fail_next_task(
            SOFT_OFF_TIMEOUT, "The OS did not shut down.", name="Power off"
        )

        self._set(node, states.SOFT_POWER_OFF, timeout=30)

        assert self._server()["powerState"] == "Off"
        assert self.side.tasks_of(self.seed.server(seed.BLADE))[1:] == [
            ("Power off", "Error"),
            ("Power off", "Completed"),
        ]

    def test_soft_power_off_outlasting_the_timeout_falls_back_if_opted_in(self) -> None:
        self.config(group="oneview", soft_power_off_fallback=True)
        node = self.create_oneview_node()
        self._set(node, states.POWER_ON)
        self.sim.operator.set_config(time_scale=0.1)  # a graceful shutdown takes 1.5 s

        self._set(node, states.SOFT_POWER_OFF, timeout=0.3)

        assert self._server()["powerState"] == "Off"

    def test_soft_power_off_ignored_by_the_os_is_a_power_state_failure(self) -> None:
        node = self.create_oneview_node()  # [oneview]soft_power_off_fallback: false by default
        self._set(node, states.POWER_ON)
        self.sim.operator.fail_next_task(
            SOFT_OFF_TIMEOUT, "The OS did not shut down.", name="Power off"
        )

        with pytest.raises(exception.PowerStateFailure) as caught:
            self._set(node, states.SOFT_POWER_OFF, timeout=30)

        message = str(caught.value)
        assert node.uuid in message
        assert "'soft power off'" in message
        assert "The OS did not shut down" in message
        assert "soft_power_off_fallback" in message
        assert self._server()["powerState"] == "On"
        assert self.side.tasks_of(self.seed.server(seed.BLADE))[1:] == [("Power off", "Error")]

    def test_soft_power_off_outlasting_the_timeout_is_a_power_state_failure(self) -> None:
        node = self.create_oneview_node()
        self._set(node, states.POWER_ON)
        self.sim.operator.set_config(time_scale=0.1)  # a graceful shutdown takes 1.5 s

        with pytest.raises(exception.PowerStateFailure, match=node.uuid):
            self._set(node, states.SOFT_POWER_OFF, timeout=0.3)

        assert [name for name, _ in self.side.tasks_of(self.seed.server(seed.BLADE))] == [
            "Power on",
            "Power off",  # the shutdown request only: no press and hold after it
        ]

    def test_soft_reboot_that_cannot_shut_down_is_a_power_state_failure(self) -> None:
        node = self.create_oneview_node()
        self._set(node, states.POWER_ON)
        self.sim.operator.fail_next_task(SOFT_OFF_TIMEOUT, "Still running.", name="Power off")

        with pytest.raises(exception.PowerStateFailure, match="Still running"):
            self._set(node, states.SOFT_REBOOT, timeout=30)

        assert self._server()["powerState"] == "On"

    def test_hard_power_off_failure_is_reported_without_retrying_softly(self) -> None:
        node = self.create_oneview_node()
        self._set(node, states.POWER_ON)
        self.sim.operator.fail_next_task(
            "POWER_FAILED", "The iLO lost power control.", name="Power off"
        )

        with pytest.raises(errors.OneViewError, match="The iLO lost power control"):
            self._set(node, states.POWER_OFF)

        assert self.side.tasks_of(self.seed.server(seed.BLADE))[1:] == [("Power off", "Error")]

    def test_reboot_of_a_running_server_is_one_cold_boot(self) -> None:
        node = self.create_oneview_node()
        self._set(node, states.POWER_ON)

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.power.reboot(task)

        assert self._server()["powerState"] == "On"
        assert self.side.tasks_of(self.seed.server(seed.BLADE))[1:] == [("Cold boot", "Completed")]

    def test_reboot_of_a_server_that_is_off_powers_it_on(self) -> None:
        node = self.create_oneview_node()

        self._set(node, states.REBOOT)

        assert self._server()["powerState"] == "On"

    def test_soft_reboot_shuts_down_then_powers_on(self) -> None:
        node = self.create_oneview_node()
        self._set(node, states.POWER_ON)

        self._set(node, states.SOFT_REBOOT, timeout=30)

        assert self._server()["powerState"] == "On"
        assert self.side.tasks_of(self.seed.server(seed.BLADE))[1:] == [
            ("Power off", "Completed"),
            ("Power on", "Completed"),
        ]

    def test_power_refused_when_a_oneview_user_owns_the_server(self) -> None:
        node = self.create_oneview_node(seed.BLADE_ON, template=None)

        with pytest.raises(errors.ServerInUseByOneView) as caught:
            self._set(node, states.POWER_OFF)

        message = str(caught.value)
        assert node.uuid in message
        assert seed.FOREIGN_PROFILE in message
        assert seed.BLADE_ON in message
        assert self._server(seed.BLADE_ON)["powerState"] == "On"

    def test_power_allowed_on_a_server_carrying_ironics_profile(self) -> None:
        server_uri = self.seed.server(seed.BLADE)
        profile = self.side.create_profile(self.seed.template(seed.TEMPLATE), server_uri, "ir")
        node = self.create_oneview_node(
            driver_info={"applied_server_profile_uri": profile},  # an older release's record
            driver_internal_info={"applied_server_profile_uri": profile},
        )

        self._set(node, states.POWER_ON)

        assert self._server()["powerState"] == "On"

    def test_power_allowed_while_oneview_still_removes_the_nodes_own_profile(self) -> None:
        server_uri = self.seed.server(seed.BLADE)
        profile = self.side.create_profile(self.seed.template(seed.TEMPLATE), server_uri, "ir")
        removing = {"uri": "/rest/tasks/t1", "kind": profiles.REMOVE, "data": {"profile": profile}}
        node = self.create_oneview_node(  # available: the record forgotten, the DELETE running
            driver_internal_info={profile_tasks.LEFTOVERS: [removing]}
        )

        self._set(node, states.POWER_ON)

        assert self._server()["powerState"] == "On"

    def test_a_profile_applied_by_someone_else_after_ironic_lost_its_own_is_refused(self) -> None:
        self.sim.operator.apply_foreign_profile(self.seed.server(seed.BLADE), "web-team")
        node = self.create_oneview_node(
            driver_info={"applied_server_profile_uri": "/rest/server-profiles/gone"}
        )

        with pytest.raises(errors.ServerInUseByOneView, match="web-team"):
            self._set(node, states.POWER_ON)

    def test_unsupported_power_state_is_refused(self) -> None:
        node = self.create_oneview_node()

        with pytest.raises(exception.InvalidParameterValue, match="'error' is not supported"):
            self._set(node, states.ERROR)

    def test_unreachable_oneview_is_reported_naming_the_appliance(self) -> None:
        node = self.create_oneview_node()
        self.sim.operator.add_fault(
            "/rest/server-hardware*",
            status=503,
            error_code="DOWN",
            message="Appliance is restarting.",
        )

        logger = logging.getLogger("oneview_openstack.ironic_driver.power")
        self.addCleanup(setattr, logger, "disabled", logger.disabled)
        logger.disabled = False  # some logging setup of the test process disables it

        with self.assertLogs(logger, "WARNING") as logged:
            state = self._state(node)

        assert state == states.ERROR  # what Ironic's power-state sync records
        assert self.sim.url in logged.output[0]
        assert node.uuid in logged.output[0]

    def test_per_node_credentials_are_the_ones_used(self) -> None:
        node = self.create_oneview_node(
            driver_info={
                "oneview_username": self.sim.readonly_username,
                "oneview_password": self.sim.readonly_password,
            }
        )

        state = self._state(node)  # a read-only user may look...
        with pytest.raises(errors.OneViewError, match="403") as caught:
            self._set(node, states.POWER_ON)  # ... but not act

        assert state == states.POWER_OFF
        assert self.sim.readonly_password not in str(caught.value)
        assert self._server()["powerState"] == "Off"

    def test_supported_power_states(self) -> None:
        node = self.create_oneview_node()

        with task_manager.acquire(self.context, node.uuid, shared=True) as task:
            supported = task.driver.power.get_supported_power_states(task)

        assert set(supported) == {
            states.POWER_ON,
            states.POWER_OFF,
            states.REBOOT,
            states.SOFT_REBOOT,
            states.SOFT_POWER_OFF,
        }


class ValidateAndVerifyTestCase(OneViewTestCase):
    """``validate`` reads nothing from OneView; the verify step reads and checks."""

    def _validate(self, node) -> None:
        with task_manager.acquire(self.context, node.uuid, shared=True) as task:
            task.driver.power.validate(task)
            task.driver.inspect.validate(task)

    def _verify(self, node) -> None:
        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.power.verify_oneview_settings(task)

    def test_validate_passes_with_oneview_unreachable(self) -> None:
        node = self.create_oneview_node()
        self.sim.operator.add_fault("/rest/*", status=503, error_code="DOWN", message="Down.")
        self.sim.operator.clear_counters()

        self._validate(node)

        assert self.sim.operator.counters() == {}

    def test_validate_still_checks_the_nodes_own_settings(self) -> None:
        node = self.create_oneview_node(driver_info={"server_hardware_uri": "not a uri!"})

        with pytest.raises(exception.InvalidParameterValue, match="driver_info/server_hardware"):
            self._validate(node)

    def test_the_verify_step_runs_on_manage(self) -> None:
        node = self.create_oneview_node()

        with task_manager.acquire(self.context, node.uuid, shared=True) as task:
            steps = task.driver.power.get_verify_steps(task)

        assert [(step["step"], step["priority"]) for step in steps] == [
            ("verify_oneview_settings", power.VERIFY_PRIORITY)
        ]

    def test_verify_passes_for_a_consistent_node(self) -> None:
        self._verify(self.create_oneview_node())

    def test_verify_names_a_server_oneview_does_not_know(self) -> None:
        missing = "/rest/server-hardware/00000000-dead-beef-0000-000000000000"
        node = self.create_oneview_node(driver_info={"server_hardware_uri": missing})

        with pytest.raises(exception.InvalidParameterValue) as caught:
            self._verify(node)

        message = str(caught.value)
        assert node.uuid in message
        assert "driver_info/server_hardware_uri" in message
        assert missing in message

    def test_verify_fails_naming_the_appliance_when_it_is_unreachable(self) -> None:
        node = self.create_oneview_node()
        self.sim.operator.add_fault("/rest/*", status=503, error_code="DOWN", message="Down.")

        with pytest.raises(errors.OneViewConnectionError, match=node.uuid):
            self._verify(node)


class PowerSyncTestCase(OneViewTestCase):
    """``supports_power_sync``: false while a OneView user holds the server."""

    def _supports(self, node) -> bool:
        with task_manager.acquire(self.context, node.uuid, shared=True) as task:
            return bool(task.driver.power.supports_power_sync(task))

    def setUp(self) -> None:
        super().setUp()
        inventory.shared_inventories().invalidate()
        self.addCleanup(inventory.shared_inventories().invalidate)

    def test_a_server_held_by_a_oneview_user_is_not_synced(self) -> None:
        free = self.create_oneview_node(seed.BLADE)
        held = self.create_oneview_node(seed.BLADE_ON, template=None)

        assert (self._supports(free), self._supports(held)) == (True, False)

    def test_a_server_its_user_just_released_is_synced_though_the_listing_shows_them(
        self,
    ) -> None:
        server_uri = self.seed.server(seed.BLADE)
        node = self.create_oneview_node(seed.BLADE)
        self.sim.operator.apply_foreign_profile(server_uri, "render-farm")
        self._list_servers(node)  # the shared listing shows the user's profile
        self.sim.operator.remove_foreign_profile(server_uri)

        assert self._supports(node) is True

    def test_a_server_a_user_just_took_is_not_synced_though_the_listing_shows_it_free(
        self,
    ) -> None:
        server_uri = self.seed.server(seed.BLADE)
        node = self.create_oneview_node(seed.BLADE)
        self._list_servers(node)  # the shared listing shows the server free
        self.sim.operator.apply_foreign_profile(server_uri, "render-farm")

        assert self._supports(node) is False

    def _list_servers(self, node) -> None:
        """The conductor's shared listing, as the periodic task or the power sync makes it."""
        with task_manager.acquire(self.context, node.uuid, shared=True) as task:
            task.driver.power.get_power_state(task)

    def test_without_the_shared_listing_the_server_is_read_itself(self) -> None:
        self.config(group="oneview", inventory_max_age=0)
        node = self.create_oneview_node(seed.BLADE_ON, template=None)
        self._supports(node)  # logs in
        self.sim.operator.clear_counters()

        assert self._supports(node) is False
        assert self.sim.operator.counters() == {"GET /rest/server-hardware/{id}": 1}

    def test_a_server_carrying_ironics_own_profile_is_synced(self) -> None:
        side = OneViewSide(self.sim)
        server_uri = self.seed.server(seed.BLADE)
        profile = side.create_profile(self.seed.template(seed.TEMPLATE), server_uri, "ir")
        node = self.create_oneview_node(
            driver_info={"applied_server_profile_uri": profile},  # an older release's record
            driver_internal_info={"applied_server_profile_uri": profile},
        )

        assert self._supports(node) is True

    def test_the_nodes_own_profile_oneview_still_removes_after_cleaning_is_synced(
        self,
    ) -> None:
        side = OneViewSide(self.sim)
        server_uri = self.seed.server(seed.BLADE)
        profile = side.create_profile(self.seed.template(seed.TEMPLATE), server_uri, "ir")
        removing = {"uri": "/rest/tasks/t1", "kind": profiles.REMOVE, "data": {"profile": profile}}
        node = self.create_oneview_node(  # available: the record forgotten, the DELETE running
            driver_internal_info={profile_tasks.LEFTOVERS: [removing]}
        )

        assert self._supports(node) is True

    def test_an_unreachable_appliance_keeps_ironics_default(self) -> None:
        node = self.create_oneview_node(seed.BLADE_ON, template=None)
        self.sim.operator.add_fault("/rest/*", status=503, error_code="DOWN", message="Down.")

        assert self._supports(node) is True
