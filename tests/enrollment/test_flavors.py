"""Flavors from the enrolled nodes' configurations: names, grouping and Placement specs."""

from __future__ import annotations

from typing import Any

from oneview_openstack.enrollment import flavors
from oneview_openstack.enrollment.ironic import OneViewNode

PROD = ("CUSTOM_OV_EG_EG_PROD", "CUSTOM_OV_FIRMWARE_SY_2024_04_01", "CUSTOM_OV_SHT_SY_480")


def node(name: str, rc: str = "ov-sy-480-28c-256g-446g", traits: tuple[str, ...] = PROD,
         **props: Any) -> OneViewNode:  # fmt: skip
    properties = {"cpus": 28, "memory_mb": 262144, "local_gb": 446, **props}
    return OneViewNode(
        uuid=f"uuid-{name}", name=name, server_uri=None, template_id=None,
        provision_state="available", maintenance=False, maintenance_reason=None,
        applied_profile_uri=None, resource_class=rc, properties=properties,
        traits=frozenset(traits + ("CUSTOM_OV_SPT_X", "CUSTOM_OTHER")), instance_uuid=None,
        last_error=None, port_macs=frozenset(),
    )  # fmt: skip


def test_one_flavor_per_configuration_with_placement_specs() -> None:
    edge = ("CUSTOM_OV_EG_EG_EDGE", "CUSTOM_OV_SHT_SY_480")
    found = flavors.flavor_specs(
        [node("a"), node("b"), node("c", traits=edge), node("d", rc=None)]  # type: ignore[arg-type]
    )

    assert [f.name for f in found] == [
        "ov-sy-480-28c-256g-446g.eg-edge",
        "ov-sy-480-28c-256g-446g.eg-prod.sy-2024-04-01",
    ]
    prod = found[1]
    assert prod.nodes == ("a", "b")
    assert (prod.vcpus, prod.ram_mb, prod.disk_gb) == (28, 262144, 446)
    assert prod.extra_specs == {
        "resources:CUSTOM_OV_SY_480_28C_256G_446G": "1",
        "resources:VCPU": "0",
        "resources:MEMORY_MB": "0",
        "resources:DISK_GB": "0",
        "trait:CUSTOM_OV_EG_EG_PROD": "required",
        "trait:CUSTOM_OV_FIRMWARE_SY_2024_04_01": "required",
        "trait:CUSTOM_OV_SHT_SY_480": "required",
    }


def test_same_class_different_figures_are_different_flavors() -> None:
    found = flavors.flavor_specs([node("a"), node("b", local_gb=100)])
    assert len(found) == 2


def test_custom_resource_class_is_placements_name() -> None:
    assert flavors.custom_resource_class("ov-sy.480") == "CUSTOM_OV_SY_480"
    assert flavors.custom_resource_class("CUSTOM_GOLD") == "CUSTOM_GOLD"


def test_differences_name_each_mismatch() -> None:
    spec = flavors.flavor_specs([node("a")])[0]
    same = {"vcpus": 28, "ram": 262144, "disk": 446, "extra_specs": spec.extra_specs}
    assert flavors.differences(spec, same) == []
    changed = {**same, "ram": 1024, "extra_specs": {**spec.extra_specs, "resources:VCPU": "1"}}
    assert flavors.differences(spec, changed) == [
        "ram 1024 (wanted 262144)",
        "resources:VCPU=1 (wanted 0)",
    ]
