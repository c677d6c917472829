"""Enclosures and enclosure groups (read only: the drivers never change them)."""

from __future__ import annotations

from typing import Any

from oneview_openstack.client.resources.base import Resource, ResourceManager


class Enclosure(Resource):
    """A frame holding blades and interconnects."""

    category = "enclosures"

    @property
    def serial_number(self) -> str | None:
        return self.data.get("serialNumber")

    @property
    def enclosure_type(self) -> str | None:
        """``SY12000``, ``C7000``..."""
        return self.data.get("enclosureType")

    @property
    def enclosure_group_uri(self) -> str | None:
        return self.data.get("enclosureGroupUri") or None

    @property
    def logical_enclosure_uri(self) -> str | None:
        return self.data.get("logicalEnclosureUri") or None

    @property
    def device_bays(self) -> list[dict[str, Any]]:
        return list(self.data.get("deviceBays") or [])

    @property
    def interconnect_bays(self) -> list[dict[str, Any]]:
        return list(self.data.get("interconnectBays") or [])

    @property
    def logical_interconnect_uris(self) -> list[str]:
        """The distinct logical interconnects of the enclosure's interconnect bays."""
        uris = (bay.get("logicalInterconnectUri") for bay in self.interconnect_bays)
        return list(dict.fromkeys(uri for uri in uris if uri))


class EnclosureManager(ResourceManager[Enclosure]):
    """``client.enclosures``."""

    category = "enclosures"
    model = Enclosure


class EnclosureGroup(Resource):
    """The template of enclosures; servers name theirs in ``serverGroupUri``."""

    category = "enclosure-groups"

    @property
    def enclosure_type_uri(self) -> str | None:
        return self.data.get("enclosureTypeUri") or None

    @property
    def enclosure_count(self) -> int:
        return int(self.data.get("enclosureCount") or 0)

    @property
    def interconnect_bay_mappings(self) -> list[dict[str, Any]]:
        return list(self.data.get("interconnectBayMappings") or [])

    @property
    def logical_interconnect_group_uris(self) -> list[str]:
        """The distinct LIGs of the group's interconnect bay mappings."""
        uris = (m.get("logicalInterconnectGroupUri") for m in self.interconnect_bay_mappings)
        extra = self.data.get("associatedLogicalInterconnectGroups") or []
        return list(dict.fromkeys([u for u in uris if u] + [u for u in extra if u]))


class EnclosureGroupManager(ResourceManager[EnclosureGroup]):
    """``client.enclosure_groups``."""

    category = "enclosure-groups"
    model = EnclosureGroup
