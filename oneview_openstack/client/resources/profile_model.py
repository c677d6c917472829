"""Server profile and template models: one shape whatever the API version.

Connections live under ``connectionSettings.connections`` (see ``versions.profile_from_wire``);
:class:`ProfileConnection` objects are views that edit the profile they come from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from oneview_openstack.client.constants import (
    BootDevice,
    BootMode,
    BootPriority,
    FunctionType,
    MacType,
    ProfileState,
    TemplateCompliance,
    parse_enum,
)
from oneview_openstack.client.resources.base import Resource


class ProfileConnection:
    """A view on one entry of a profile's connections; edits change the profile."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __repr__(self) -> str:
        return (
            f"ProfileConnection(id={self.id!r}, port_id={self.port_id!r}, "
            f"network_uri={self.network_uri!r}, mac={self.mac!r})"
        )

    @classmethod
    def new(
        cls,
        *,
        name: str,
        network_uri: str,
        port_id: str = "Auto",
        function_type: FunctionType = FunctionType.ETHERNET,
        boot_priority: BootPriority = BootPriority.NOT_BOOTABLE,
        requested_mbps: int | None = None,
        connection_id: int = 0,
    ) -> ProfileConnection:
        """A connection to add to a profile (``connection_id`` 0 lets OneView assign one)."""
        data: dict[str, Any] = {
            "id": connection_id,
            "name": name,
            "functionType": str(function_type),
            "portId": port_id,
            "networkUri": network_uri,
            "boot": {"priority": str(boot_priority)},
        }
        if requested_mbps is not None:
            data["requestedMbps"] = str(requested_mbps)
        return cls(data)

    @property
    def id(self) -> int:
        return int(self.data.get("id") or 0)

    @property
    def name(self) -> str | None:
        return self.data.get("name")

    @property
    def function_type(self) -> FunctionType:
        return parse_enum(FunctionType, self.data.get("functionType"))

    @property
    def port_id(self) -> str | None:
        return self.data.get("portId")

    @property
    def network_uri(self) -> str | None:
        return self.data.get("networkUri") or None

    @network_uri.setter
    def network_uri(self, value: str) -> None:
        self.data["networkUri"] = value

    @property
    def mac(self) -> str | None:
        return self.data.get("mac") or None

    @property
    def mac_type(self) -> MacType:
        return parse_enum(MacType, self.data.get("macType"))

    @property
    def boot_priority(self) -> BootPriority:
        return parse_enum(BootPriority, (self.data.get("boot") or {}).get("priority"))

    @boot_priority.setter
    def boot_priority(self, value: BootPriority) -> None:
        self.data.setdefault("boot", {})["priority"] = str(BootPriority(value))

    @property
    def requested_mbps(self) -> int | None:
        value = self.data.get("requestedMbps")
        return int(value) if value not in (None, "") else None

    @property
    def state(self) -> str | None:
        return self.data.get("state")


class _ProfileFields(Resource):
    """What profiles and templates have in common."""

    @property
    def server_hardware_type_uri(self) -> str | None:
        return self.data.get("serverHardwareTypeUri") or None

    @property
    def enclosure_group_uri(self) -> str | None:
        return self.data.get("enclosureGroupUri") or None

    @property
    def mac_type(self) -> MacType:
        return parse_enum(MacType, self.data.get("macType"))

    @property
    def connections(self) -> list[ProfileConnection]:
        """Views on the connections, in order; edit them in place or use add/remove."""
        return [ProfileConnection(c) for c in self._connection_list()]

    def connection(self, connection_id: int) -> ProfileConnection | None:
        for conn in self.connections:
            if conn.id == connection_id:
                return conn
        return None

    def add_connection(self, connection: ProfileConnection) -> ProfileConnection:
        self._connection_list().append(connection.data)
        return connection

    def remove_connections(self, predicate: Callable[[ProfileConnection], bool]) -> int:
        """Remove the connections *predicate* selects; returns how many were removed."""
        kept = [c for c in self._connection_list() if not predicate(ProfileConnection(c))]
        removed = len(self._connection_list()) - len(kept)
        self._connection_list()[:] = kept
        return removed

    def _connection_list(self) -> list[dict[str, Any]]:
        settings = self.data.setdefault("connectionSettings", {})
        connections: list[dict[str, Any]] = settings.setdefault("connections", [])
        return connections

    @property
    def manage_boot(self) -> bool:
        return bool((self.data.get("boot") or {}).get("manageBoot"))

    @property
    def boot_order(self) -> list[str]:
        """``boot.order``: values of :class:`BootDevice`."""
        return list((self.data.get("boot") or {}).get("order") or [])

    @boot_order.setter
    def boot_order(self, devices: Sequence[BootDevice | str]) -> None:
        order = [str(BootDevice(d)) for d in devices]
        if len(set(order)) != len(order):
            raise ValueError(f"boot order {order!r} lists a device twice")
        self.data.setdefault("boot", {})["order"] = order

    @property
    def boot_mode(self) -> BootMode:
        return parse_enum(BootMode, (self.data.get("bootMode") or {}).get("mode"))

    @property
    def firmware_baseline_uri(self) -> str | None:
        """The firmware baseline installed through this profile/template (None if unmanaged)."""
        firmware = self.data.get("firmware") or {}
        if not firmware.get("manageFirmware"):
            return None
        return firmware.get("firmwareBaselineUri") or None


class ServerProfile(_ProfileFields):
    """A server profile (assigned to a server hardware or not)."""

    category = "server-profiles"

    @property
    def server_hardware_uri(self) -> str | None:
        return self.data.get("serverHardwareUri") or None

    @server_hardware_uri.setter
    def server_hardware_uri(self, value: str | None) -> None:
        self.data["serverHardwareUri"] = value

    @property
    def server_profile_template_uri(self) -> str | None:
        return self.data.get("serverProfileTemplateUri") or None

    @server_profile_template_uri.setter
    def server_profile_template_uri(self, value: str | None) -> None:
        self.data["serverProfileTemplateUri"] = value

    @property
    def template_compliance(self) -> TemplateCompliance:
        return parse_enum(TemplateCompliance, self.data.get("templateCompliance"))

    @property
    def state(self) -> ProfileState:
        return parse_enum(ProfileState, self.data.get("state"))

    @property
    def in_progress(self) -> bool:
        return bool(self.data.get("inProgress"))

    @property
    def task_uri(self) -> str | None:
        return self.data.get("taskUri") or None


class ServerProfileTemplate(_ProfileFields):
    """A server profile template."""

    category = "server-profile-templates"


@dataclass(frozen=True)
class CompliancePreview:
    """``GET /rest/server-profiles/{id}/compliance-preview``."""

    is_online_update: bool
    manual_updates: tuple[str, ...]
    automatic_updates: tuple[str, ...]

    @property
    def is_compliant(self) -> bool:
        return not self.manual_updates and not self.automatic_updates
