"""OneViewInspect in Ironic's own test base, against the simulator."""

from __future__ import annotations

import pytest
from ironic import objects
from ironic.common import exception, states
from ironic.conductor import task_manager
from ironic.drivers.modules import inspect_utils
from ironic.tests.unit.objects import utils as obj_utils
from oslo_utils import uuidutils

from oneview_openstack import client
from oneview_openstack.ironic_driver import nics, node_ports

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide
from .base import OneViewTestCase

# Frame1, bay 1: 2 x 14 cores, 256 GiB, a RAID 1 of two 480 GB drives = 457763 MiB
BLADE_PROPERTIES = {"cpus": 28, "cpu_arch": "x86_64", "memory_mb": 262144, "local_gb": 446}
BLADE_TRAITS = {
    "CUSTOM_OV_SHT_SY_480_GEN10_1",
    "CUSTOM_OV_EG_EG_PROD",
    "CUSTOM_OV_SPT_SPT_PROD_SY480",
    "CUSTOM_OV_FIRMWARE_SY_2024_04_01",
}


class InspectTestCase(OneViewTestCase):
    def _inspect(self, node) -> str:
        with task_manager.acquire(self.context, node.uuid) as task:
            return task.driver.inspect.inspect_hardware(task)

    def _ports(self, node) -> dict[str, tuple[bool, str]]:
        ports = objects.Port.list_by_node_id(self.context, node.id)
        return {
            port.address: (port.pxe_enabled, port.extra.get("oneview_port_id")) for port in ports
        }

    def _traits(self, node) -> set[str]:
        return set(objects.TraitList.get_by_node_id(self.context, node.id).get_trait_names())

    def _capabilities(self, node) -> dict[str, str]:
        node.refresh()
        return dict(item.split(":", 1) for item in node.properties["capabilities"].split(","))

    def test_a_blade_is_inspected_from_oneview(self) -> None:
        node = self.create_oneview_node()

        assert self._inspect(node) == states.MANAGEABLE

        node.refresh()
        assert {key: node.properties[key] for key in BLADE_PROPERTIES} == BLADE_PROPERTIES
        assert self._capabilities(node) == {
            "server_hardware_type_uri": self.seed.hardware_types[seed.BLADE],
            "enclosure_group_uri": self.seed.enclosure_groups[seed.BLADE],
            "server_profile_template_uri": self.seed.template(seed.TEMPLATE),
            "boot_mode": "uefi",
            "oneview_firmware_baseline": "SY-2024.04.01",
        }
        assert self._traits(node) == BLADE_TRAITS
        assert self._ports(node) == {
            "02:23:13:10:00:01": (True, "Mezz 3:1-a"),
            "02:23:13:10:00:0a": (False, "Mezz 3:2-a"),
        }

    def test_inspection_stores_the_inventory(self) -> None:
        node = self.create_oneview_node()

        self._inspect(node)

        inventory = inspect_utils.get_inspection_data(node, self.context)["inventory"]
        assert inventory["cpu"]["count"] == 28
        assert inventory["memory"]["physical_mb"] == 262144
        assert [disk["size"] for disk in inventory["disks"]] == [457763 * 1024 * 1024] * 2
        assert inventory["system_vendor"]["serial_number"] == "2M210001GR"
        assert inventory["boot"]["pxe_interface"] == "02:23:13:10:00:01"

    def test_the_inspected_node_passes_verification(self) -> None:
        node = self.create_oneview_node()
        self._inspect(node)

        with task_manager.acquire(self.context, node.uuid) as task:
            task.driver.power.verify_oneview_settings(task)

    def test_a_template_that_does_not_fit_fails_inspection_before_any_change(self) -> None:
        node = self.create_oneview_node(template=seed.TEMPLATE_EDGE)

        with pytest.raises(exception.InvalidParameterValue) as caught:
            self._inspect(node)

        assert node.uuid in str(caught.value) and seed.TEMPLATE_EDGE in str(caught.value)
        node.refresh()
        assert (node.properties, self._ports(node), self._traits(node)) == ({}, {}, set())

    def test_inspecting_again_changes_nothing(self) -> None:
        node = self.create_oneview_node()
        self._inspect(node)
        node.refresh()
        first = (dict(node.properties), self._ports(node), self._traits(node))

        self._inspect(node)

        node.refresh()
        assert (dict(node.properties), self._ports(node), self._traits(node)) == first

    def test_other_traits_are_kept_and_stale_oneview_ones_dropped(self) -> None:
        node = self.create_oneview_node()
        objects.TraitList.create(self.context, node.id, ["CUSTOM_GPU", "CUSTOM_OV_SPT_OLD"])

        self._inspect(node)

        assert self._traits(node) == BLADE_TRAITS | {"CUSTOM_GPU"}

    def test_local_disk_comes_from_the_boot_volume(self) -> None:
        node = self.create_oneview_node(seed.BLADE_BIG)

        self._inspect(node)

        node.refresh()
        assert node.properties["local_gb"] == 960 * 1000**3 // 1024**3 - 1

    def test_without_a_template_each_ethernet_port_is_a_nic(self) -> None:
        node = self.create_oneview_node(template=None)

        self._inspect(node)

        assert self._ports(node) == {
            "02:23:13:10:00:01": (True, "Mezz 3:1-a"),
            "02:23:13:10:00:0a": (False, "Mezz 3:2-a"),
        }
        assert not any("SPT" in trait for trait in self._traits(node))
        assert "server_profile_template_uri" not in self._capabilities(node)

    def test_a_rack_server_gets_a_port_per_adapter_port(self) -> None:
        node = self.create_oneview_node(seed.RACK, template=seed.TEMPLATE_RACK)

        self._inspect(node)

        node.refresh()
        assert node.properties["local_gb"] == 893
        ports = self._ports(node)
        assert sorted(port_id for _, port_id in ports.values()) == [
            *(f"Embedded 1:{n}" for n in range(1, 5)),
            "Flb 1:1",
            "Flb 1:2",
        ]
        assert [port_id for pxe, port_id in ports.values() if pxe] == ["Embedded 1:1"]
        assert "enclosure_group_uri" not in self._capabilities(node)
        assert "CUSTOM_OV_FIRMWARE_2024_04_00_00" in self._traits(node)

    def test_a_requested_boot_mode_is_not_overwritten(self) -> None:
        node = self.create_oneview_node(properties={"capabilities": "boot_mode:bios"})

        self._inspect(node)

        assert self._capabilities(node)["boot_mode"] == "bios"

    def test_a_mac_enrolled_on_another_node_stays_there(self) -> None:
        other = self.create_oneview_node(seed.BLADE_2, template=None)
        obj_utils.create_test_port(self.context, node_id=other.id, address="02:23:13:10:00:01")
        node = self.create_oneview_node()

        self._inspect(node)

        assert list(self._ports(node)) == ["02:23:13:10:00:0a"]
        assert list(self._ports(other)) == ["02:23:13:10:00:01"]

    def test_a_server_without_storage_data_is_diskless(self) -> None:
        node = self.create_oneview_node()
        self.sim.operator.add_fault(
            "/rest/server-hardware/*/localStorage",
            status=404,
            error_code="RESOURCE_NOT_FOUND",
            message="Not supported.",
        )

        self._inspect(node)

        node.refresh()
        assert node.properties["local_gb"] == 0
        assert node.properties["memory_mb"] == 262144

    def test_inspection_needs_no_power_and_no_profile(self) -> None:
        node = self.create_oneview_node()
        self.sim.operator.clear_counters()

        self._inspect(node)

        calls = set(self.sim.operator.counters()) - {"POST /rest/login-sessions"}
        assert all(call.startswith("GET ") for call in calls), calls


class VirtualMacTestCase(OneViewTestCase):
    """A template with Virtual MACs: the ports follow the MACs each profile presents."""

    PHYSICAL = {
        "02:23:13:10:00:01": (True, "Mezz 3:1-a"),
        "02:23:13:10:00:0a": (False, "Mezz 3:2-a"),
    }

    def setUp(self) -> None:
        super().setUp()
        self.side = OneViewSide(self.sim)
        self.template = self.seed.template(seed.TEMPLATE)
        self.side.edit(self.template, macType="Virtual")
        self.node = self.create_oneview_node()

    def _inspect(self) -> None:
        with task_manager.acquire(self.context, self.node.uuid) as task:
            task.driver.inspect.inspect_hardware(task)

    def _ports(self) -> dict[str, tuple[bool, str]]:
        ports = objects.Port.list_by_node_id(self.context, self.node.id)
        return {p.address: (p.pxe_enabled, p.extra["oneview_port_id"]) for p in ports}

    def _apply_ironics_profile(self) -> dict[str, str]:
        """A profile from the template on the node's server, recorded as Ironic's; the MAC
        OneView gave each port id."""
        uri = self.side.create_profile(self.template, self.seed.server(seed.BLADE), "ir")
        record = {"applied_server_profile_uri": uri}
        self.node.driver_internal_info = {**self.node.driver_internal_info, **record}
        self.node.driver_info = {**self.node.driver_info, **record}  # older releases' record
        self.node.save()
        connections = self.side.get(uri)["connectionSettings"]["connections"]
        return {c["portId"]: c["mac"].lower() for c in connections}

    def test_without_a_profile_the_ports_carry_the_hardware_macs(self) -> None:
        self._inspect()

        assert self._ports() == self.PHYSICAL

    def test_with_ironics_profile_the_ports_take_its_pool_macs(self) -> None:
        self._inspect()
        pool = self._apply_ironics_profile()

        self._inspect()

        assert self._ports() == {
            pool["Mezz 3:1-a"]: (True, "Mezz 3:1-a"),
            pool["Mezz 3:2-a"]: (False, "Mezz 3:2-a"),
        }
        assert set(pool.values()).isdisjoint(self.PHYSICAL)

    def test_once_the_profile_is_gone_the_ports_take_the_hardware_macs_again(self) -> None:
        self._inspect()
        self._apply_ironics_profile()
        self._inspect()
        server = client.ServerHardware(self.side.get(self.seed.server(seed.BLADE)))
        template = client.ServerProfileTemplate(self.side.get(self.template))

        with task_manager.acquire(self.context, self.node.uuid) as task:
            changed = node_ports.follow(task, nics.nics(server, template))

        assert sorted(changed) == ["Mezz 3:1-a", "Mezz 3:2-a"]
        assert self._ports() == self.PHYSICAL

    def test_a_pool_mac_another_port_holds_is_refused_and_nothing_changes(self) -> None:
        self._inspect()
        pool = self._apply_ironics_profile()
        other = self.create_oneview_node(seed.BLADE_2, template=None)
        obj_utils.create_test_port(
            self.context,
            node_id=other.id,
            address=pool["Mezz 3:2-a"],
            uuid=uuidutils.generate_uuid(),
        )

        with pytest.raises(exception.MACAlreadyExists, match=pool["Mezz 3:2-a"]):
            self._inspect()

        assert self._ports() == self.PHYSICAL  # the boot NIC's port did not move either

    def test_a_oneview_users_profile_does_not_move_the_ports(self) -> None:
        self._inspect()
        self.side.create_profile(self.template, self.seed.server(seed.BLADE), "someone-else")

        self._inspect()

        assert self._ports() == self.PHYSICAL
