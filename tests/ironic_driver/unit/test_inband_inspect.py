"""In-band inspection (``oneview-agent``): the profile is there while the agent runs."""

from __future__ import annotations

from typing import Any

import pytest
from ironic.common import exception, states
from ironic.conductor import task_manager

from oneview_openstack.ironic_driver import common, inband_inspect, periodics, profile_tasks

from .. import oneview_seed
from ..oneview_seed import OneViewSide
from .base import OneViewTestCase
from .test_periodics import RecordingManager

MAC = "02:23:13:10:00:01"  # the seed's first blade's PXE NIC


def inventory() -> dict[str, Any]:
    """What ironic-python-agent would send: enough for Ironic's default inspection hooks."""
    return {
        "interfaces": [{"name": "eno1", "mac_address": MAC, "ipv4_address": "192.0.2.10"}],
        "cpu": {"architecture": "x86_64", "count": 28},
        "memory": {"physical_mb": 262144},
        "disks": [{"name": "/dev/sda", "size": 480 * 1024**3}],
    }


class InbandInspectTestCase(OneViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sim.operator.set_config(time_scale=0.001)
        self.config(endpoint_override="http://127.0.0.1:6385", group="service_catalog")
        # no deploy kernel here for pxe to boot the agent: the server boots it from the network
        self.config(require_managed_boot=False, group="inspector")
        self.side = OneViewSide(self.sim)
        self.server_uri = self.seed.server(oneview_seed.BLADE)
        self.node = self.create_oneview_node(
            name="inband-1",
            provision_state=states.INSPECTING,
            inspect_interface="oneview-agent",
            boot_interface="pxe",
            network_interface="noop",
            deploy_interface="oneview-direct",
        )

    def removals_end(self) -> None:
        """Wait for the profile removals started in the background."""
        self.node.refresh()
        ov = common.get_client(common.parse_driver_info(self.node))
        for removal in profile_tasks.leftovers(self.node):
            ov.tasks.wait(removal["uri"])

    def carried(self) -> str | None:
        return self.side.get(self.server_uri)["serverProfileUri"]

    def start(self) -> str:
        with task_manager.acquire(self.context, self.node.uuid) as task:
            return task.driver.inspect.inspect_hardware(task)

    def test_the_agent_boots_on_a_server_carrying_the_nodes_profile(self) -> None:
        assert self.start() == states.INSPECTWAIT

        self.node.refresh()
        assert self.carried() == common.applied_profile_uri(self.node)
        assert self.node.driver_internal_info[inband_inspect.INSPECTION_PROFILE] is True
        assert self.side.get(self.server_uri)["powerState"] == "On"
        assert self.node.boot_mode == "uefi"  # the profile's, for the boot interface

    def test_the_profile_goes_when_the_agents_data_arrived(self) -> None:
        self.start()
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.node.provision_state = states.INSPECTWAIT
            task.node.save()
            task.driver.inspect.continue_inspection(task, inventory(), {})

        self.removals_end()
        assert self.carried() is None
        assert common.applied_profile_uri(self.node) is None
        assert inband_inspect.INSPECTION_PROFILE not in self.node.driver_internal_info
        assert self.node.properties.get("cpu_arch") == "x86_64"

    def test_the_profile_goes_when_the_inspection_is_aborted(self) -> None:
        self.start()
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.driver.inspect.abort(task)

        self.removals_end()
        assert self.carried() is None

    def test_a_server_a_oneview_user_holds_is_not_inspected_in_band(self) -> None:
        taken = self.sim.operator.apply_foreign_profile(self.server_uri, "batch-team")

        with pytest.raises(exception.HardwareInspectionFailure, match="in use by a OneView"):
            self.start()

        assert self.carried() == taken["serverProfileUri"]
        assert self.side.get(self.server_uri)["powerState"] == "Off"

    def test_the_periodic_task_removes_what_a_timed_out_inspection_left(self) -> None:
        self.start()
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.node.provision_state = states.INSPECTFAIL  # the conductor's timeout
            task.node.save()

        periodics.DynamicAllocation(RecordingManager(self.dbapi), self.context).run()

        self.removals_end()
        assert self.carried() is None
        assert inband_inspect.INSPECTION_PROFILE not in self.node.driver_internal_info
