"""API version negotiation and every version-dependent payload shape, in one place.

Callers always see one model: server profiles and templates keep their connections under
``connectionSettings.connections`` whatever the API version. :func:`profile_from_wire` and
:func:`profile_to_wire` translate from and to the older (API < 600) top-level ``connections``
shape; :func:`resource_type` gives the ``type`` string a request body must carry.
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oneview_openstack.client import exceptions

MIN_API_VERSION = 300
"""Oldest API version this client speaks (OneView 3.00)."""

MAX_API_VERSION = 8600
"""Newest API version this client knows (OneView 11.x)."""

CONNECTION_SETTINGS_SINCE = 600
"""From this API version on, profiles carry ``connectionSettings`` instead of ``connections``."""

TEMPLATE_CONNECTION_SETTINGS_SINCE = 500
"""The same switch for server profile templates (``ServerProfileTemplateV3``)."""


@dataclass(frozen=True)
class ApplianceVersion:
    """What ``GET /rest/version`` says."""

    current: int
    minimum: int

    @classmethod
    def from_json(cls, body: Any) -> ApplianceVersion:
        try:
            return cls(current=int(body["currentVersion"]), minimum=int(body["minimumVersion"]))
        except (TypeError, KeyError, ValueError):
            raise exceptions.InvalidResponse(
                "GET /rest/version: expected {'currentVersion': int, 'minimumVersion': int}, "
                f"got {body!r}"
            ) from None


def negotiate(appliance: ApplianceVersion, cap: int | None = None) -> int:
    """Highest API version both sides support, not above *cap*."""
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap <= 0):
        raise ValueError(f"api_version_cap must be a positive int, got {cap!r}")
    ceiling = min(appliance.current, MAX_API_VERSION, cap or MAX_API_VERSION)
    floor = max(appliance.minimum, MIN_API_VERSION)
    if ceiling < floor:
        raise exceptions.UnsupportedApiVersion(
            "no common API version: the appliance accepts "
            f"{appliance.minimum}..{appliance.current}, "
            f"this client {MIN_API_VERSION}..{MAX_API_VERSION}"
            + (f" capped at {cap}" if cap is not None else "")
        )
    return ceiling


# category -> sorted ((since_api_version, type string), ...)
_TYPES: dict[str, tuple[tuple[int, str], ...]] = {
    "server-profiles": (
        (300, "ServerProfileV6"),
        (500, "ServerProfileV7"),
        (600, "ServerProfileV8"),
        (800, "ServerProfileV9"),
        (1000, "ServerProfileV10"),
        (1200, "ServerProfileV11"),
        (1600, "ServerProfileV12"),
    ),
    "server-profile-templates": (
        (300, "ServerProfileTemplateV2"),
        (500, "ServerProfileTemplateV3"),
        (600, "ServerProfileTemplateV4"),
        (800, "ServerProfileTemplateV5"),
        (1000, "ServerProfileTemplateV6"),
        (1200, "ServerProfileTemplateV7"),
        (1600, "ServerProfileTemplateV8"),
    ),
    "ethernet-networks": ((300, "ethernet-networkV300"), (600, "ethernet-networkV4")),
    "ethernet-networks/bulk": (
        (300, "bulk-ethernet-network"),
        (600, "bulk-ethernet-networkV1"),
        (1200, "bulk-ethernet-networkV2"),
    ),
    "network-sets": ((300, "network-setV300"), (600, "network-setV4"), (1200, "network-setV5")),
    "uplink-sets": (
        (300, "uplink-setV300"),
        (600, "uplink-setV4"),
        (1000, "uplink-setV5"),
        (1200, "uplink-setV6"),
        (1600, "uplink-setV7"),
    ),
    "logical-interconnect-groups": (
        (300, "logical-interconnect-groupV300"),
        (600, "logical-interconnect-groupV4"),
        (800, "logical-interconnect-groupV5"),
        (1000, "logical-interconnect-groupV6"),
        (1200, "logical-interconnect-groupV7"),
        (1600, "logical-interconnect-groupV8"),
    ),
}


def resource_type(category: str, api_version: int) -> str:
    """The ``type`` string of a *category* request body at *api_version*."""
    try:
        table = _TYPES[category]
    except KeyError:
        raise ValueError(
            f"no type table for category {category!r}; known: {', '.join(sorted(_TYPES))}"
        ) from None
    index = bisect.bisect_right([since for since, _ in table], api_version) - 1
    return table[max(index, 0)][1]


def profile_from_wire(body: Mapping[str, Any]) -> dict[str, Any]:
    """A profile or template as read at any API version -> the one model callers see.

    Top-level ``connections`` (API < 600) move under ``connectionSettings``; the input is not
    modified.
    """
    data = copy.deepcopy(dict(body))
    legacy = data.pop("connections", None)
    settings = data.get("connectionSettings")
    if not isinstance(settings, dict):
        settings = {}
        data["connectionSettings"] = settings
    if "connections" not in settings:
        settings["connections"] = list(legacy) if isinstance(legacy, list) else []
    return data


def profile_to_wire(
    data: Mapping[str, Any], api_version: int, *, template: bool = False
) -> dict[str, Any]:
    """The one model -> the profile (or template) body the appliance expects at *api_version*."""
    body = copy.deepcopy(dict(data))
    since = TEMPLATE_CONNECTION_SETTINGS_SINCE if template else CONNECTION_SETTINGS_SINCE
    if api_version >= since:
        return body
    settings = body.pop("connectionSettings", None) or {}
    body["connections"] = list(settings.get("connections") or [])
    return body
