"""Server profiles and server profile templates: the managers (models in ``profile_model``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, overload

from oneview_openstack.client import versions
from oneview_openstack.client.resources.base import Ref, ResourceManager
from oneview_openstack.client.resources.profile_model import (
    CompliancePreview,
    ProfileConnection,
    ServerProfile,
    ServerProfileTemplate,
)
from oneview_openstack.client.resources.server_hardware import ServerHardwareManager
from oneview_openstack.client.tasks import Task
from oneview_openstack.client.transport import JSON_PATCH

__all__ = [
    "CompliancePreview",
    "ProfileConnection",
    "ServerProfile",
    "ServerProfileManager",
    "ServerProfileTemplate",
    "ServerProfileTemplateManager",
]


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
