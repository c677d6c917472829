"""Nova flavors for the hardware configurations of the enrolled ``oneview`` nodes.

One flavor per distinct configuration: resource class (hardware type, cpus, memory, disk),
CPU architecture, enclosure group and firmware baseline. Scheduling is Placement's, as Nova
has done for bare metal since Queens:

- ``resources:CUSTOM_<RESOURCE_CLASS>=1`` and ``resources:VCPU/MEMORY_MB/DISK_GB=0``: one
  whole node of that class;
- ``trait:CUSTOM_OV_SHT_...=required``, ``trait:CUSTOM_OV_EG_...=required`` and
  ``trait:CUSTOM_OV_FIRMWARE_...=required``: that hardware type, enclosure group and
  firmware baseline (the traits enrollment and inspection give the nodes).

``vcpus``, ``ram`` and ``disk`` carry the configuration's figures, for people and quotas.
The original tool used ``capabilities:`` keys, which Placement-era Nova ignores.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from oneview_openstack.enrollment.ironic import OneViewNode
from oneview_openstack.ironic_driver import facts

TRAIT_KINDS = ("SHT", "EG", "FIRMWARE")
REQUIRED = "required"
_UNSAFE = re.compile(r"[^A-Z0-9]+")
MAX_NAME = 255


@dataclasses.dataclass(frozen=True)
class FlavorSpec:
    """One flavor: its name, size and extra specs, and the nodes it matches."""

    name: str
    vcpus: int
    ram_mb: int
    disk_gb: int
    resource_class: str
    traits: tuple[str, ...]
    nodes: tuple[str, ...]

    @property
    def extra_specs(self) -> dict[str, str]:
        specs = {
            f"resources:{custom_resource_class(self.resource_class)}": "1",
            "resources:VCPU": "0",
            "resources:MEMORY_MB": "0",
            "resources:DISK_GB": "0",
        }
        specs.update({f"trait:{trait}": REQUIRED for trait in self.traits})
        return specs


def custom_resource_class(name: str) -> str:
    """Placement's name of an Ironic resource class (``ov-sy-480`` -> ``CUSTOM_OV_SY_480``)."""
    normalized = _UNSAFE.sub("_", name.upper()).strip("_")
    return normalized if normalized.startswith("CUSTOM_") else f"CUSTOM_{normalized}"


def flavor_specs(nodes: Iterable[OneViewNode], *, prefix: str = "") -> list[FlavorSpec]:
    """One spec per configuration of *nodes* (those without a resource class are left out)."""
    groups: dict[tuple[Any, ...], list[OneViewNode]] = {}
    for node in nodes:
        if node.resource_class:
            groups.setdefault(_configuration(node), []).append(node)
    specs = [_spec(key, members, prefix) for key, members in groups.items()]
    return sorted(specs, key=lambda spec: spec.name)


def _configuration(node: OneViewNode) -> tuple[Any, ...]:
    props = node.properties
    return (
        node.resource_class,
        _int(props.get("cpus")),
        _int(props.get("memory_mb")),
        _int(props.get("local_gb")),
        _selected_traits(node.traits),
    )


def _selected_traits(traits: Iterable[str]) -> tuple[str, ...]:
    prefixes = tuple(f"{facts.TRAIT_PREFIX}{kind}_" for kind in TRAIT_KINDS)
    return tuple(sorted(t for t in traits if t.startswith(prefixes)))


def _spec(key: tuple[Any, ...], members: Sequence[OneViewNode], prefix: str) -> FlavorSpec:
    resource_class, cpus, memory_mb, local_gb, traits = key
    return FlavorSpec(
        name=flavor_name(prefix, resource_class, traits),
        vcpus=cpus,
        ram_mb=memory_mb,
        disk_gb=local_gb,
        resource_class=resource_class,
        traits=traits,
        nodes=tuple(sorted(node.label for node in members)),
    )


def flavor_name(prefix: str, resource_class: str, traits: Sequence[str]) -> str:
    """``<prefix><resource class>[.<enclosure group>][.<firmware>]``, lower case."""
    parts = [f"{prefix}{resource_class}"]
    for kind in ("EG", "FIRMWARE"):
        marker = f"{facts.TRAIT_PREFIX}{kind}_"
        parts += [
            t[len(marker) :].lower().replace("_", "-") for t in traits if t.startswith(marker)
        ]
    return ".".join(parts)[:MAX_NAME]


def differences(spec: FlavorSpec, flavor: Mapping[str, Any]) -> list[str]:
    """What an existing flavor of the same name has differently (empty: the same)."""
    found = []
    for field, wanted in (("vcpus", spec.vcpus), ("ram", spec.ram_mb), ("disk", spec.disk_gb)):
        if flavor.get(field) != wanted:
            found.append(f"{field} {flavor.get(field)} (wanted {wanted})")
    extra = flavor.get("extra_specs") or {}
    for key, value in spec.extra_specs.items():
        if extra.get(key) != value:
            found.append(f"{key}={extra.get(key)} (wanted {value})")
    return found


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0
