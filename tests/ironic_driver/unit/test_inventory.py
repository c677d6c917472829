"""The shared server-hardware listing, and the power-state sync it serves."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from ironic.common import states
from ironic.conductor import task_manager

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, inventory

from .. import oneview_seed
from ..oneview_seed import OneViewSide
from .base import OneViewTestCase

LISTING = "GET /rest/server-hardware"
ONE_SERVER = "GET /rest/server-hardware/{id}"


def warm_up(ov: Any) -> None:
    """The shared client's session died with the simulator's reset: log in again now."""
    ov.server_hardware_types.find_by_name("none")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class InventoryTestCase(OneViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        node = self.create_oneview_node()
        self.ov = common.get_client(common.parse_driver_info(node))
        warm_up(self.ov)
        self.clock = Clock()
        self.inventory = inventory.Inventory(self.ov, page_size=500, clock=self.clock)
        self.sim.operator.clear_counters()

    def listings(self) -> int:
        return self.sim.operator.count("GET", "/rest/server-hardware")

    def test_a_snapshot_lists_every_server_with_the_fields_that_matter(self) -> None:
        snapshot = self.inventory.snapshot(max_age=10)

        blade = snapshot.get(self.seed.server(oneview_seed.BLADE_ON))
        assert len(snapshot) == len(self.seed.servers)
        assert blade is not None and blade.name == oneview_seed.BLADE_ON
        assert blade.server_profile_uri is not None
        assert blade.power_state.value == "On"
        assert set(blade.data) <= set(inventory.INVENTORY_FIELDS)
        assert self.listings() == 1

    def test_a_snapshot_is_reused_while_young_enough_and_listed_again_after(self) -> None:
        first = self.inventory.snapshot(max_age=10)
        self.clock.now += 9
        assert self.inventory.snapshot(max_age=10) is first
        self.clock.now += 2

        assert self.inventory.snapshot(max_age=10) is not first
        assert self.listings() == 2

    def test_max_age_zero_always_lists(self) -> None:
        self.inventory.snapshot(max_age=0)
        self.inventory.snapshot(max_age=0)

        assert self.listings() == 2

    def test_pages_are_followed_to_the_end(self) -> None:
        self.sim.operator.set_config(max_page_size=4)
        paged = inventory.Inventory(self.ov, page_size=4, clock=self.clock)

        snapshot = paged.snapshot(max_age=0)

        assert {server.uri for server in snapshot} == set(self.seed.servers.values())
        assert self.listings() == -(-len(self.seed.servers) // 4)

    def test_concurrent_callers_share_one_listing(self) -> None:
        self.sim.operator.add_fault("/rest/server-hardware", method="GET", latency_ms=300)
        results: list[Any] = []

        def ask() -> None:
            results.append(self.inventory.snapshot(max_age=60))

        threads = [threading.Thread(target=ask) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.sim.operator.clear_faults()

        assert len({id(snapshot) for snapshot in results}) == 1
        assert self.listings() == 1

    def test_a_failed_listing_is_not_retried_by_every_caller(self) -> None:
        self.sim.operator.add_fault("/rest/server-hardware", method="GET", status=500)
        with pytest.raises(client.OneViewError):
            self.inventory.snapshot(max_age=0)
        failed = self.listings()

        with pytest.raises(inventory.InventoryUnavailable, match="retried after"):
            self.inventory.snapshot(max_age=0)
        assert self.listings() == failed

        self.sim.operator.clear_faults()
        self.clock.now += inventory.FAILURE_HOLD_SECONDS
        assert len(self.inventory.snapshot(max_age=0)) == len(self.seed.servers)


class PowerSyncTestCase(OneViewTestCase):
    """The conductor's power-state sync reads power states with a shared lock."""

    SERVERS = (
        oneview_seed.BLADE,
        oneview_seed.BLADE_2,
        oneview_seed.BLADE_BIG,
        oneview_seed.BLADE_EDGE,
        oneview_seed.RACK,
    )

    def setUp(self) -> None:
        super().setUp()
        self.side = OneViewSide(self.sim)
        self.nodes = [
            self.create_oneview_node(
                server=name, template=None, name=f"sync-{i}", power_state=states.POWER_OFF
            )
            for i, name in enumerate(self.SERVERS)
        ]

    def sync_pass(self) -> dict[str, str]:
        found = {}
        for node in self.nodes:
            with task_manager.acquire(self.context, node.uuid, shared=True) as task:
                found[node.uuid] = task.driver.power.get_power_state(task)
        return found

    def test_a_pass_costs_one_listing_not_one_get_per_node(self) -> None:
        self.sync_pass()  # logs in
        inventory.shared_inventories().invalidate()
        self.sim.operator.clear_counters()

        found = self.sync_pass()

        assert set(found.values()) == {states.POWER_OFF}
        calls = self.sim.operator.counters()
        assert calls.get(LISTING) == 1
        assert calls.get(ONE_SERVER, 0) == 0

    def test_a_server_whose_state_changed_costs_one_get_on_top_of_the_listing(self) -> None:
        self.sync_pass()
        self.side.power(self.seed.server(oneview_seed.BLADE_2), "On")
        inventory.shared_inventories().invalidate()  # the next pass, max_age later
        self.sim.operator.clear_counters()

        found = self.sync_pass()

        assert found[self.nodes[1].uuid] == states.POWER_ON
        calls = self.sim.operator.counters()
        assert (calls.get(LISTING), calls.get(ONE_SERVER)) == (1, 1)

    def test_within_max_age_a_change_outside_ironic_shows_at_the_next_listing(self) -> None:
        self.sync_pass()
        self.side.power(self.seed.server(oneview_seed.BLADE_2), "On")

        young = self.sync_pass()
        inventory.shared_inventories().invalidate()
        expired = self.sync_pass()

        assert young[self.nodes[1].uuid] == states.POWER_OFF  # at most max_age late
        assert expired[self.nodes[1].uuid] == states.POWER_ON

    def test_a_caller_about_to_act_always_reads_the_server(self) -> None:
        self.sync_pass()
        self.sim.operator.clear_counters()

        with task_manager.acquire(self.context, self.nodes[0].uuid) as task:  # exclusive
            task.driver.power.get_power_state(task)

        assert self.sim.operator.counters().get(ONE_SERVER) == 1

    def test_an_unreachable_appliance_is_power_error_for_every_node_without_a_get_each(
        self,
    ) -> None:
        self.sync_pass()  # logs in
        inventory.shared_inventories().invalidate()
        self.sim.operator.add_fault("/rest/server-hardware*", status=503, message="Restarting.")
        self.sim.operator.clear_counters()

        found = self.sync_pass()

        assert set(found.values()) == {states.ERROR}
        calls = self.sim.operator.counters()
        assert calls.get(ONE_SERVER, 0) == 0
        assert 1 <= calls.get(LISTING, 0) <= 2  # one listing, retried once

    def test_zero_max_age_turns_the_shared_listing_off(self) -> None:
        self.config(inventory_max_age=0, group="oneview")
        self.sync_pass()  # logs in
        self.sim.operator.clear_counters()

        self.sync_pass()

        calls = self.sim.operator.counters()
        assert calls.get(LISTING, 0) == 0
        assert calls.get(ONE_SERVER) == len(self.nodes)
