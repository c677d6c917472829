"""The appliance's servers with who holds each one: nobody, Ironic, or a OneView user.

One listing each of server hardware, templates, hardware types, enclosure groups and server
profiles (names only) from OneView, and of nodes and ports from Ironic, whatever the
number of servers: a table of 1,000 servers costs the same handful of requests as one of 10.

A server is held by

- **Ironic** when a ``oneview`` node has it and it carries no profile, or the profile that
  node applied;
- **a OneView user** when it carries any other profile (enrolled or not: dynamic allocation
  has then taken the node out of ``available``);
- **nobody** (``free``) otherwise.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Sequence
from typing import Any

from oneview_openstack import client
from oneview_openstack.enrollment import ironic
from oneview_openstack.enrollment.catalog import find_template, natural_key
from oneview_openstack.enrollment.errors import EnrollmentError
from oneview_openstack.ironic_driver import facts, ownership

NAMED_FIELDS = ("uri", "name")
TEMPLATE_FIELDS = ("uri", "name", "serverHardwareTypeUri", "enclosureGroupUri")


class Holder(enum.StrEnum):
    FREE = "free"
    IRONIC = "ironic"
    ONEVIEW_USER = "oneview-user"


@dataclasses.dataclass(frozen=True)
class HardwareRow:
    """One server as ``server hardware list`` shows it."""

    name: str
    uuid: str
    uri: str
    hardware_type: str
    enclosure_group: str
    power: str
    health: str
    cpus: int
    memory_mb: int
    templates: tuple[str, ...]
    holder: Holder
    held_by: str
    node_uuid: str | None


@dataclasses.dataclass(frozen=True)
class HardwareFilter:
    """Narrow the listing; every name may also be a URI or an id."""

    template: str | None = None
    hardware_type: str | None = None
    enclosure_group: str | None = None
    holder: Holder | None = None


def list_hardware(
    ov: client.OneViewClient, baremetal: Any, wanted: HardwareFilter | None = None
) -> list[HardwareRow]:
    """Every server (or those *wanted*), in name order."""
    wanted = wanted or HardwareFilter()
    types = {t.uri: t for t in ov.server_hardware_types.list(fields=NAMED_FIELDS)}
    groups = {g.uri: g for g in ov.enclosure_groups.list(fields=NAMED_FIELDS)}
    templates = list(ov.server_profile_templates.list(fields=TEMPLATE_FIELDS))
    filters = _filters(ov, wanted, types.values(), groups.values())
    servers = sorted(ov.server_hardware.list(filters), key=natural_key)
    profiles = {p.uri.lower(): p.name for p in ov.server_profiles.list(fields=NAMED_FIELDS)}
    nodes = ironic.read_ironic(baremetal, ports=False).by_server()
    rows = [
        _row(server, types, groups, templates, profiles, nodes.get(server.uri.lower()))
        for server in servers
    ]
    return [row for row in rows if wanted.holder is None or row.holder is wanted.holder]


def compatible(server: client.ServerHardware, template: client.ServerProfileTemplate) -> bool:
    """A profile from *template* can be applied to *server* (same type and enclosure group)."""
    return (template.server_hardware_type_uri or "").lower() == (
        server.server_hardware_type_uri or ""
    ).lower() and (template.enclosure_group_uri or "").lower() == (
        server.enclosure_group_uri or ""
    ).lower()


def _filters(
    ov: client.OneViewClient,
    wanted: HardwareFilter,
    types: Iterable[client.ServerHardwareType],
    groups: Iterable[client.EnclosureGroup],
) -> dict[str, str]:
    filters: dict[str, str] = {}
    if wanted.template:
        template = find_template(ov, wanted.template)
        filters["serverHardwareTypeUri"] = template.server_hardware_type_uri or ""
        if template.enclosure_group_uri:
            filters["serverGroupUri"] = template.enclosure_group_uri
    if wanted.hardware_type:
        filters["serverHardwareTypeUri"] = _named(wanted.hardware_type, types, "hardware type")
    if wanted.enclosure_group:
        filters["serverGroupUri"] = _named(wanted.enclosure_group, groups, "enclosure group")
    return filters


def _named(ref: str, resources: Iterable[client.Resource], what: str) -> str:
    known = list(resources)
    for resource in known:
        if ref in (resource.name, resource.uri, resource.id):
            return resource.uri
    names = ", ".join(sorted(str(r.name) for r in known)) or "none"
    raise EnrollmentError(f"server {what} {ref!r} not found; allowed: {names}")


def _row(
    server: client.ServerHardware,
    types: dict[str, client.ServerHardwareType],
    groups: dict[str, client.EnclosureGroup],
    templates: Sequence[client.ServerProfileTemplate],
    profiles: dict[str, str | None],
    node: ironic.OneViewNode | None,
) -> HardwareRow:
    holder, held_by = _holder(server, profiles, node)
    group = groups.get(server.enclosure_group_uri or "")
    hardware_type = types.get(server.server_hardware_type_uri or "")
    return HardwareRow(
        name=server.name or server.uri,
        uuid=server.id,
        uri=server.uri,
        hardware_type=(hardware_type.name if hardware_type else None) or "",
        enclosure_group=(group.name if group else None) or "",
        power=str(server.get("powerState") or ""),
        health=str(server.get("status") or ""),
        cpus=facts.cpus(server),
        memory_mb=server.memory_mb,
        templates=tuple(sorted(t.name or t.uri for t in templates if compatible(server, t))),
        holder=holder,
        held_by=held_by,
        node_uuid=node.uuid if node else None,
    )


def _holder(
    server: client.ServerHardware,
    profiles: dict[str, str | None],
    node: ironic.OneViewNode | None,
) -> tuple[Holder, str]:
    applied = node.applied_profile_uri if node else None
    owner = ownership.owner(server.server_profile_uri, applied)
    node_text = f"node {node.label} ({_state(node)})" if node else ""
    if owner is ownership.Owner.ONEVIEW_USER:
        uri = server.server_profile_uri or ""
        profile = f"profile {profiles.get(uri.lower()) or uri}"
        return Holder.ONEVIEW_USER, "; ".join(filter(None, [profile, node_text]))
    if node is not None:
        return Holder.IRONIC, node_text
    return Holder.FREE, ""


def _state(node: ironic.OneViewNode) -> str:
    return node.provision_state + (", maintenance" if node.maintenance else "")
