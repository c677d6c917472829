"""The server profile lifecycle against the simulator: allocate, reuse, adopt, clean up, release."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from ironic.common import exception, states
from ironic.conductor import task_manager

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, errors, profile_tasks, profiles

from .. import oneview_seed
from ..oneview_seed import OneViewSide
from .base import OneViewTestCase, allocate_now
from .test_periodics import RecordingManager

PROFILE_POSTS = "POST /rest/server-profiles"
PROFILE_DELETES = "DELETE /rest/server-profiles/{id}"


class ProfilesTestCase(OneViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sim.operator.set_config(time_scale=0.001)  # profile tasks in ~0.1 s (reset restores)
        self.side = OneViewSide(self.sim)
        self.node = self.create_oneview_node(name="node-1")
        self.server_uri = self.seed.server(oneview_seed.BLADE)
        self.template_uri = self.seed.template(oneview_seed.TEMPLATE)

    def allocate(self) -> Any:
        with task_manager.acquire(self.context, self.node.uuid) as task:
            return allocate_now(task)

    def deallocate(self) -> None:
        with task_manager.acquire(self.context, self.node.uuid) as task:
            profiles.deallocate(task)

    def recorded(self) -> str | None:
        self.node.refresh()
        return common.applied_profile_uri(self.node)

    def removals_end(self) -> None:
        """Wait for the profile removals deallocate started in the background."""
        self.node.refresh()
        ov = common.get_client(common.parse_driver_info(self.node))
        for entry in profile_tasks.leftovers(self.node):
            assert entry["kind"] == profiles.REMOVE
            ov.tasks.wait(entry["uri"])

    def removals_end_quietly(self) -> None:
        """Wait for the background removals, however they end."""
        self.node.refresh()
        ov = common.get_client(common.parse_driver_info(self.node))
        for entry in profile_tasks.leftovers(self.node):
            with contextlib.suppress(client.TaskFailed):
                ov.tasks.wait(entry["uri"])

    def profiles_named(self, name: str) -> list[dict]:
        members = self.side.rest.call("GET", f"/rest/server-profiles?filter=name='{name}'")
        return list(members.json()["members"])

    # -- allocate ---------------------------------------------------------------------

    def test_allocate_applies_a_profile_from_the_template_named_after_the_node(self) -> None:
        profile = self.allocate()

        applied = self.side.get(profile.uri)
        assert applied["name"] == "ironic-node-1"
        assert self.node.uuid in applied["description"]
        assert applied["serverHardwareUri"] == self.server_uri
        assert applied["serverProfileTemplateUri"] == self.template_uri
        assert applied["templateCompliance"] == "Compliant"
        assert applied["boot"]["order"] == self.side.get(self.template_uri)["boot"]["order"]
        assert self.side.get(self.server_uri)["serverProfileUri"] == profile.uri
        assert self.recorded() == profile.uri

    def test_a_node_without_a_name_gets_a_profile_named_after_its_uuid(self) -> None:
        self.node.refresh()
        self.node.name = None
        self.node.save()

        profile = self.allocate()

        assert profile.name == f"ironic-{self.node.uuid}"

    def test_allocate_again_reuses_the_applied_profile(self) -> None:
        first = self.allocate()
        self.sim.operator.clear_counters()

        second = self.allocate()

        assert second.uri == first.uri
        assert self.sim.operator.count("POST", "/rest/server-profiles") == 0

    def test_allocate_adopts_a_profile_it_applied_but_did_not_record(self) -> None:
        first = self.allocate()
        self.node.refresh()
        self.node.del_driver_internal_info(common.APPLIED_PROFILE)
        self.node.save()
        self.sim.operator.clear_counters()

        second = self.allocate()

        assert second.uri == first.uri
        assert self.recorded() == first.uri
        assert self.sim.operator.count("POST", "/rest/server-profiles") == 0

    def test_allocate_forgets_a_profile_removed_in_oneview_and_applies_a_new_one(self) -> None:
        first = self.allocate()
        self.sim.operator.remove_foreign_profile(self.server_uri)  # an admin deletes it

        second = self.allocate()

        assert second.uri != first.uri
        assert self.recorded() == second.uri
        assert self.side.get(self.server_uri)["serverProfileUri"] == second.uri

    def test_allocate_powers_a_running_server_off_first(self) -> None:
        self.side.power(self.server_uri, "On")

        profile = self.allocate()

        assert self.side.get(self.server_uri)["serverProfileUri"] == profile.uri
        assert self.side.get(self.server_uri)["powerState"] == "Off"
        self.node.refresh()
        assert self.node.power_state == states.POWER_OFF  # through Ironic's power action

    def test_allocate_refuses_a_server_a_oneview_user_holds(self) -> None:
        foreign = self.sim.operator.apply_foreign_profile(self.server_uri, "web-team")
        self.sim.operator.clear_counters()

        with pytest.raises(errors.ServerInUseByOneView) as caught:
            self.allocate()

        assert foreign["serverProfileUri"] in str(caught.value)
        assert self.node.uuid in str(caught.value)
        assert self.sim.operator.count("POST", "/rest/server-profiles") == 0
        assert self.side.get(self.server_uri)["serverProfileUri"] == foreign["serverProfileUri"]
        assert self.recorded() is None

    def test_a_failed_apply_leaves_nothing_and_names_oneviews_message(self) -> None:
        self.sim.operator.fail_next_task(
            "FIRMWARE_UPDATE_FAILED",
            "The firmware baseline could not be installed on the server.",
            resource_category="server-profiles",
        )

        with pytest.raises(errors.OneViewError) as caught:
            self.allocate()

        assert "The firmware baseline could not be installed" in str(caught.value)
        assert self.node.uuid in str(caught.value)
        assert self.profiles_named("ironic-node-1") == []
        assert self.side.get(self.server_uri)["serverProfileUri"] is None
        assert self.recorded() is None

    def test_allocate_deletes_an_unapplied_profile_left_by_an_earlier_attempt(self) -> None:
        leftover = self.unassigned_profile("ironic-node-1", profiles.profile_description(self.node))

        profile = self.allocate()

        assert profile.uri != leftover
        assert [p["uri"] for p in self.profiles_named("ironic-node-1")] == [profile.uri]

    def test_allocate_refuses_when_someone_elses_profile_has_the_nodes_name(self) -> None:
        self.unassigned_profile("ironic-node-1", "a OneView user's profile")

        with pytest.raises(exception.InvalidParameterValue, match="ironic-node-1.*is taken"):
            self.allocate()

        assert self.side.get(self.server_uri)["serverProfileUri"] is None

    def test_allocate_needs_a_template(self) -> None:
        node = self.create_oneview_node(server=oneview_seed.BLADE_2, template=None, name="n2")

        with (
            task_manager.acquire(self.context, node.uuid) as task,
            pytest.raises(exception.MissingParameterValue, match="server_profile_template"),
        ):
            allocate_now(task)

    # -- deallocate -------------------------------------------------------------------

    def test_deallocate_removes_the_profile_and_forgets_it(self) -> None:
        profile = self.allocate()

        self.deallocate()
        self.removals_end()

        assert self.side.rest.call("GET", profile.uri).status_code == 404
        assert self.side.get(self.server_uri)["serverProfileUri"] is None
        assert self.recorded() is None
        assert self.node.driver_internal_info[profiles.LAST_PROFILE]["uri"] == profile.uri

    def run_task_poller(self) -> profile_tasks.PollReport:
        return profile_tasks.TaskPoller(RecordingManager(self.dbapi), self.context).run()

    def test_a_failed_background_removal_is_retried_forced_once(self) -> None:
        profile = self.allocate()
        self.sim.operator.fail_next_task(
            "PROFILE_UNASSIGN_FAILED", "The interconnect did not answer.", name="Delete"
        )
        self.deallocate()
        self.removals_end_quietly()

        self.run_task_poller()  # the failed DELETE ends: a forced one starts
        self.removals_end_quietly()
        self.run_task_poller()  # the forced one ends

        self.node.refresh()
        assert self.side.rest.call("GET", profile.uri).status_code == 404
        assert self.side.get(self.server_uri)["serverProfileUri"] is None
        assert profile_tasks.leftovers(self.node) == []
        assert self.sim.operator.count("DELETE", "/rest/server-profiles/{id}") >= 2

    def test_a_forced_removal_that_fails_too_is_not_retried_again(self) -> None:
        profile = self.allocate()
        for _ in range(2):
            self.sim.operator.fail_next_task("PROFILE_UNASSIGN_FAILED", "No.", name="Delete")
        self.sim.operator.clear_counters()
        self.deallocate()

        for _ in range(3):
            self.removals_end_quietly()
            self.run_task_poller()

        self.node.refresh()
        assert profile_tasks.leftovers(self.node) == []
        assert self.sim.operator.count("DELETE", "/rest/server-profiles/{id}") == 2
        assert self.side.get(self.server_uri)["serverProfileUri"] == profile.uri

    def test_deallocate_leaves_a_profile_a_oneview_user_put_in_place(self) -> None:
        self.allocate()
        self.sim.operator.remove_foreign_profile(self.server_uri)
        foreign = self.sim.operator.apply_foreign_profile(self.server_uri, "db-team")
        self.sim.operator.clear_counters()

        self.deallocate()

        assert self.side.get(self.server_uri)["serverProfileUri"] == foreign["serverProfileUri"]
        assert self.sim.operator.count("DELETE", "/rest/server-profiles/{id}") == 0
        assert self.recorded() is None

    def test_deallocate_without_a_profile_changes_nothing(self) -> None:
        self.sim.operator.clear_counters()

        self.deallocate()

        assert self.sim.operator.count("DELETE", "/rest/server-profiles/{id}") == 0
        assert self.recorded() is None

    def test_deallocate_powers_the_server_off_first(self) -> None:
        profile = self.allocate()
        self.side.power(self.server_uri, "On")

        self.deallocate()
        self.removals_end()

        assert self.side.rest.call("GET", profile.uri).status_code == 404
        assert self.side.get(self.server_uri)["powerState"] == "Off"

    # -- the ownership marker ---------------------------------------------------------

    def test_an_older_releases_driver_info_record_of_its_own_profile_is_moved(self) -> None:
        first = self.allocate()
        self.node.del_driver_internal_info(common.APPLIED_PROFILE)
        self.node.driver_info = {**self.node.driver_info, common.APPLIED_PROFILE: first.uri}
        self.node.save()
        self.sim.operator.clear_counters()

        self.allocate()

        self.node.refresh()
        assert common.APPLIED_PROFILE not in self.node.driver_info
        assert self.recorded() == first.uri
        assert self.sim.operator.count("POST", "/rest/server-profiles") == 0

    def test_a_forged_driver_info_record_never_deletes_a_oneview_users_profile(self) -> None:
        foreign = self.sim.operator.apply_foreign_profile(self.server_uri, "db-team")
        self.node.driver_info = {
            **self.node.driver_info,
            common.APPLIED_PROFILE: foreign["serverProfileUri"],
        }
        self.node.save()
        self.sim.operator.clear_counters()

        self.deallocate()

        self.node.refresh()
        assert self.side.get(self.server_uri)["serverProfileUri"] == foreign["serverProfileUri"]
        assert self.sim.operator.count("DELETE", "/rest/server-profiles/{id}") == 0
        assert common.APPLIED_PROFILE not in self.node.driver_info, "the forged record is dropped"
        assert self.recorded() is None

    def test_a_forged_driver_info_record_does_not_make_a_oneview_users_server_ironics(
        self,
    ) -> None:
        foreign = self.sim.operator.apply_foreign_profile(self.server_uri, "db-team")
        self.node.driver_info = {
            **self.node.driver_info,
            common.APPLIED_PROFILE: foreign["serverProfileUri"],
        }
        self.node.save()

        with pytest.raises(errors.ServerInUseByOneView, match="db-team|in use by a OneView"):
            self.allocate()

    # -- helpers ----------------------------------------------------------------------

    def unassigned_profile(self, name: str, description: str) -> str:
        """A profile with *name*, made from the template and applied to no server."""
        body = self.side.get(f"{self.template_uri}/new-profile")
        body.update(name=name, description=description, serverHardwareUri=None)
        answer = self.side.rest.call("POST", "/rest/server-profiles", body)
        assert answer.status_code == 202, answer.text
        task = self.side.rest.wait_task(answer.json()["uri"])
        assert task["taskState"] == "Completed", task
        return str(task["associatedResource"]["resourceUri"])
