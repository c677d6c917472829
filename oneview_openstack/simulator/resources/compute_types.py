"""``type`` strings of the compute resources per API version, and their renderers.

Stored documents carry the newest shape; a client of an older API version sees
the ``type`` of its version (the SDKs send these same strings, §4 of the spec).
Tables are ascending ``(since_version, type)``. Server profiles and templates
have their own renderers (connections move between versions) in
``profile_model``.
"""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator.versions import TypeTable, type_for

Doc = dict[str, Any]

SERVER_PROFILE_TYPES: TypeTable = [
    (120, "ServerProfileV4"),
    (200, "ServerProfileV5"),
    (300, "ServerProfileV6"),
    (500, "ServerProfileV7"),
    (600, "ServerProfileV8"),
    (800, "ServerProfileV9"),
    (1000, "ServerProfileV10"),
    (1200, "ServerProfileV11"),
    (1600, "ServerProfileV12"),
]
SERVER_PROFILE_TEMPLATE_TYPES: TypeTable = [
    (120, "ServerProfileTemplateV1"),
    (300, "ServerProfileTemplateV2"),
    (500, "ServerProfileTemplateV3"),
    (600, "ServerProfileTemplateV4"),
    (800, "ServerProfileTemplateV5"),
    (1000, "ServerProfileTemplateV6"),
    (1200, "ServerProfileTemplateV7"),
    (1600, "ServerProfileTemplateV8"),
]
# The SDKs do not publish these; observed points: -5 (API 300-500 era),
# -10 (OneView 4.x), -12/-14 (OneView 5.x-8.x). Intermediate steps are estimates.
SERVER_HARDWARE_TYPES: TypeTable = [
    (120, "server-hardware-3"),
    (200, "server-hardware-4"),
    (300, "server-hardware-5"),
    (500, "server-hardware-6"),
    (600, "server-hardware-7"),
    (800, "server-hardware-8"),
    (1000, "server-hardware-10"),
    (1200, "server-hardware-11"),
    (1600, "server-hardware-12"),
]
SERVER_HARDWARE_TYPE_TYPES: TypeTable = [
    (120, "server-hardware-type-3"),
    (200, "server-hardware-type-4"),
    (300, "server-hardware-type-5"),
    (500, "server-hardware-type-6"),
    (600, "server-hardware-type-7"),
    (800, "server-hardware-type-8"),
    (1000, "server-hardware-type-9"),
    (1200, "server-hardware-type-10"),
    (1600, "server-hardware-type-12"),
]
ENCLOSURE_GROUP_TYPES: TypeTable = [
    (120, "EnclosureGroupV200"),
    (300, "EnclosureGroupV300"),
    (500, "EnclosureGroupV400"),
    (600, "EnclosureGroupV7"),
    (1200, "EnclosureGroupV8"),
]
ENCLOSURE_TYPES: TypeTable = [
    (120, "EnclosureV200"),
    (300, "EnclosureV300"),
    (500, "EnclosureV400"),
    (600, "EnclosureV7"),
]

PROFILE_CONNECTIONS_MOVE_AT = 600  # ServerProfileV8: connectionSettings.connections
TEMPLATE_CONNECTIONS_MOVE_AT = 500  # ServerProfileTemplateV3


def with_type(doc: Doc, table: TypeTable, version: int) -> Doc:
    """A shallow copy of ``doc`` with the ``type`` of ``version``."""
    shown = dict(doc)
    shown["type"] = type_for(table, version)
    return shown
