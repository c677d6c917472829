"""Server profiles and server profile templates.

Both are exposed in one shape whatever the API version: connections live under
``connectionSettings.connections`` (see ``versions.profile_from_wire``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, overload

from oneview_openstack.client import versions
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
from oneview_openstack.client.resources.base import Ref, Resource, ResourceManager
from oneview_openstack.client.resources.server_hardware import ServerHardwareManager
from oneview_openstack.client.tasks import Task
from oneview_openstack.client.transport import JSON_PATCH


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


class ServerProfileTemplateManager(ResourceManager[ServerProfileTemplate]):
    """``client.server_profile_templates``."""

    category = "server-profile-templates"
    model = ServerProfileTemplate

    def _from_wire(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        return versions.profile_from_wire(data)

    def _to_wire(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return versions.profile_to_wire(data, self._transport.api_version, template=True)

    def new_profile(self, ref: Ref) -> ServerProfile:
        """A profile built from the template (not created yet: pass it to ``create``)."""
        body = self._get_json(f"{self.uri(ref)}/new-profile")
        return ServerProfile(versions.profile_from_wire(body))

    def modify(
        self,
        ref: Ref,
        change: Callable[[ServerProfileTemplate], bool | None],
        *,
        timeout: float | None = None,
    ) -> ServerProfileTemplate:
        """Read, ``change(template)`` in place, update; re-applied on a stale eTag.

        Profiles made from the template become ``NonCompliant`` until updated from it.
        """
        return self._modify(ref, change, timeout=timeout)


class ServerProfileManager(ResourceManager[ServerProfile]):
    """``client.server_profiles``."""

    category = "server-profiles"
    model = ServerProfile

    def _from_wire(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        return versions.profile_from_wire(data)

    def _to_wire(self, data: Mapping[str, Any]) -> dict[str, Any]:
        api = self._transport.api_version
        body = versions.profile_to_wire(data, api)
        if not body.get("type"):
            body["type"] = versions.resource_type(self.category, api)
        return body

    @overload
    def create(
        self,
        profile: ServerProfile,
        *,
        wait: Literal[True] = ...,
        timeout: float | None = ...,
        force: str | None = ...,
    ) -> ServerProfile: ...
    @overload
    def create(
        self,
        profile: ServerProfile,
        *,
        wait: Literal[False],
        timeout: float | None = ...,
        force: str | None = ...,
    ) -> Task: ...
    def create(
        self,
        profile: ServerProfile,
        *,
        wait: bool = True,
        timeout: float | None = None,
        force: str | None = None,
    ) -> ServerProfile | Task:
        """Create (and, with ``serverHardwareUri`` set, apply) a profile.

        *force* is OneView's ``force`` query value (``ignoreServerHealth``, ``all``...).
        """
        response = self._send("POST", self.path, self._to_wire(profile.data), params=_force(force))
        return self._finish(response, wait=wait, timeout=timeout)

    def create_from_template(
        self,
        template: Ref,
        name: str,
        server_hardware: Ref | None = None,
        *,
        detach: bool = False,
        timeout: float | None = None,
        force: str | None = None,
    ) -> ServerProfile:
        """``new-profile`` from *template*, named *name*, applied to *server_hardware*.

        With ``detach=True`` the profile does not stay linked to the template.
        """
        profile = ServerProfileTemplateManager(self._transport, self._tasks).new_profile(template)
        profile.name = name
        if server_hardware is not None:
            hardware = ServerHardwareManager(self._transport, self._tasks)
            profile.server_hardware_uri = hardware.uri(server_hardware)
        if detach:
            profile.server_profile_template_uri = None
        return self.create(profile, timeout=timeout, force=force)

    @overload
    def update(
        self,
        profile: ServerProfile,
        *,
        wait: Literal[True] = ...,
        timeout: float | None = ...,
        force: str | None = ...,
    ) -> ServerProfile: ...
    @overload
    def update(
        self,
        profile: ServerProfile,
        *,
        wait: Literal[False],
        timeout: float | None = ...,
        force: str | None = ...,
    ) -> Task: ...
    def update(
        self,
        profile: ServerProfile,
        *,
        wait: bool = True,
        timeout: float | None = None,
        force: str | None = None,
    ) -> ServerProfile | Task:
        """PUT the edited profile with ``If-Match``; ``ETagMismatch`` if it changed meanwhile."""
        return self._put(profile, wait=wait, timeout=timeout, params=_force(force))

    def modify(
        self,
        ref: Ref,
        change: Callable[[ServerProfile], bool | None],
        *,
        timeout: float | None = None,
        force: str | None = None,
    ) -> ServerProfile:
        """Read, ``change(profile)`` in place, update; re-read and re-apply on a stale eTag.

        *change* returns ``False`` when there is nothing to change (no update is sent).
        """
        return self._modify(ref, change, timeout=timeout, params=_force(force))

    def delete(
        self, ref: Ref, *, wait: bool = True, timeout: float | None = None, force: bool = False
    ) -> Task:
        """Delete (and unassign) a profile; returns the (finished) task."""
        return self._delete(ref, wait=wait, timeout=timeout, force=force)

    def compliance_preview(self, ref: Ref) -> CompliancePreview:
        body = self._get_json(f"{self.uri(ref)}/compliance-preview") or {}
        return CompliancePreview(
            is_online_update=bool(body.get("isOnlineUpdate")),
            manual_updates=tuple(str(u) for u in body.get("manualUpdates") or []),
            automatic_updates=tuple(str(u) for u in body.get("automaticUpdates") or []),
        )

    def update_from_template(
        self, ref: Ref, *, wait: bool = True, timeout: float | None = None
    ) -> Task:
        """Make the profile compliant with its template (``PATCH /templateCompliance``)."""
        patch = [{"op": "replace", "path": "/templateCompliance", "value": "Compliant"}]
        response = self._send("PATCH", self.uri(ref), patch, content_type=JSON_PATCH)
        return self._finish_task(response, wait=wait, timeout=timeout)


def _force(force: str | None) -> list[tuple[str, str]] | None:
    return [("force", force)] if force else None
