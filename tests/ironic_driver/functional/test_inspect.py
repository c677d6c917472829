"""Out-of-band inspection of ``oneview`` nodes in a real Ironic."""

from __future__ import annotations

import pytest

from oneview_openstack.testing.ironic_nodes import move_node

from .. import oneview_seed as seed
from ..oneview_seed import uris_of
from .nodes import enroll

pytestmark = pytest.mark.functional


def test_inspection_fills_properties_ports_and_traits_from_oneview(baremetal, sim):
    uris = uris_of(sim)
    node = enroll(baremetal, uris, seed.BLADE, seed.TEMPLATE)
    move_node(baremetal, node.id, "manage")
    sim.operator.clear_counters()

    inspected = move_node(baremetal, node.id, "inspect")

    properties = inspected.properties
    assert (properties["cpus"], properties["memory_mb"], properties["local_gb"]) == (
        28,
        262144,
        446,
    )
    assert properties["cpu_arch"] == "x86_64"
    assert "oneview_firmware_baseline:SY-2024.04.01" in properties["capabilities"]
    assert set(inspected.traits) == {
        "CUSTOM_OV_SHT_SY_480_GEN10_1",
        "CUSTOM_OV_EG_EG_PROD",
        "CUSTOM_OV_SPT_SPT_PROD_SY480",
        "CUSTOM_OV_FIRMWARE_SY_2024_04_01",
    }
    ports = {
        port.address: port.is_pxe_enabled for port in baremetal.ports(node=node.id, details=True)
    }
    assert ports == {"02:23:13:10:00:01": True, "02:23:13:10:00:0a": False}
    assert sim.operator.count("PUT", "/rest/server-hardware/{id}/powerState") == 0
    assert sim.operator.count("POST", "/rest/server-profiles") == 0


def test_inspecting_twice_creates_no_duplicate_ports(baremetal, sim):
    node = enroll(baremetal, uris_of(sim), seed.BLADE_2, seed.TEMPLATE)
    move_node(baremetal, node.id, "manage")

    move_node(baremetal, node.id, "inspect")
    move_node(baremetal, node.id, "inspect")

    assert len(list(baremetal.ports(node=node.id))) == 2


def test_the_inventory_is_stored(baremetal, ironic, sim):
    node = enroll(baremetal, uris_of(sim), seed.BLADE_BIG, None)
    move_node(baremetal, node.id, "manage")
    move_node(baremetal, node.id, "inspect")

    inventory = ironic.api_get(f"/v1/nodes/{node.id}/inventory")["inventory"]

    assert inventory["memory"]["physical_mb"] == 393216
    assert len(inventory["disks"]) == 2
    assert inventory["system_vendor"]["manufacturer"] == "HPE"
