"""OneView's side of enrollment, read with a constant number of requests.

A template costs one GET of itself, of its hardware type, of its enclosure group and of its
firmware baseline; its compatible servers are one filtered, paged listing; the interconnects
(for ports' ``local_link_connection``) one more. What the original ``ironic-oneview`` fetched
per server (hardware type, enclosure group, the server again) is read once here.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from oneview_openstack import client
from oneview_openstack.enrollment.errors import EnrollmentError
from oneview_openstack.ironic_driver import facts

TEMPLATES_PATH = "/rest/server-profile-templates/"
_NUMBER = re.compile(r"(\d+)")
INTERCONNECT_FIELDS = ("uri", "name", "interconnectMAC")


@dataclasses.dataclass(frozen=True)
class TemplateBundle:
    """A server profile template with the resources it names, each read once."""

    template: client.ServerProfileTemplate
    hardware_type: client.ServerHardwareType
    enclosure_group: client.EnclosureGroup | None
    firmware: client.FirmwareDriver | None

    @property
    def name(self) -> str:
        return self.template.name or self.template.uri

    def facts(self, server: client.ServerHardware, storage: dict[str, Any] | None) -> facts.Facts:
        """What the driver's inspection would find for *server* made from this template."""
        return facts.Facts(
            server=server,
            storage=storage,
            hardware_type=self.hardware_type,
            enclosure_group=self.enclosure_group,
            template=self.template,
            firmware=self.firmware,
        )


@dataclasses.dataclass(frozen=True)
class Catalog:
    """What enrollment needs from OneView for one template."""

    bundle: TemplateBundle
    servers: tuple[client.ServerHardware, ...]
    interconnects: Mapping[str, client.Interconnect]


def read_catalog(ov: client.OneViewClient, template_ref: str) -> Catalog:
    """The template named *template_ref* (name, id or URI), its servers and interconnects."""
    bundle = read_template(ov, template_ref)
    return Catalog(
        bundle=bundle,
        servers=tuple(compatible_servers(ov, bundle)),
        interconnects=read_interconnects(ov),
    )


def read_template(ov: client.OneViewClient, ref: str) -> TemplateBundle:
    """The template and what it names; :class:`EnrollmentError` if it cannot be enrolled from."""
    template = find_template(ov, ref)
    check_template(template)
    hardware_type = ov.server_hardware_types.get(template.server_hardware_type_uri or "")
    group_uri = template.enclosure_group_uri
    baseline_uri = template.firmware_baseline_uri
    return TemplateBundle(
        template=template,
        hardware_type=hardware_type,
        enclosure_group=ov.enclosure_groups.get(group_uri) if group_uri else None,
        firmware=ov.firmware_drivers.get(baseline_uri) if baseline_uri else None,
    )


def find_template(ov: client.OneViewClient, ref: str) -> client.ServerProfileTemplate:
    """A template by URI, id or exact name."""
    ref = ref.strip()
    if not ref:
        raise EnrollmentError("server profile template: an empty name was given")
    if ref.startswith(TEMPLATES_PATH) or _is_uuid(ref):
        try:
            return ov.server_profile_templates.get(ref)
        except client.NotFound:
            pass
    found = ov.server_profile_templates.find_by_name(ref)
    if found is None:
        raise EnrollmentError(
            f"server profile template {ref!r} not found on {ov.url}; give the name, id or URI "
            "of one of the templates `server profile template list` shows"
        )
    return found


def check_template(template: client.ServerProfileTemplate) -> None:
    """Refuse a template the ``oneview`` hardware type cannot deploy with."""
    name = template.name or template.uri
    if not template.server_hardware_type_uri:
        raise EnrollmentError(f"server profile template {name!r} names no server hardware type")
    if not template.manage_boot:
        raise EnrollmentError(
            f"server profile template {name!r} has boot.manageBoot false; allowed: true "
            "(Ironic sets the boot order through the server profile)"
        )
    if template.mac_type not in (client.MacType.PHYSICAL, client.MacType.VIRTUAL):
        raise EnrollmentError(
            f"server profile template {name!r} has macType {template.get('macType')!r}; "
            "allowed: 'Physical' or 'Virtual' (the nodes' ports get the hardware's MACs, and "
            "follow the pool MACs of each profile Ironic applies)"
        )


def compatible_servers(
    ov: client.OneViewClient, bundle: TemplateBundle
) -> list[client.ServerHardware]:
    """The servers of the template's hardware type (and enclosure group): one listing."""
    filters: dict[str, str] = {"serverHardwareTypeUri": bundle.hardware_type.uri}
    if bundle.enclosure_group is not None:
        filters["serverGroupUri"] = bundle.enclosure_group.uri
    servers = ov.server_hardware.list(filters)
    if bundle.enclosure_group is None:
        # A template without an enclosure group is for rack servers only.
        servers = (server for server in servers if server.is_rack_server)
    return sorted(servers, key=natural_key)


def read_interconnects(ov: client.OneViewClient) -> dict[str, client.Interconnect]:
    """Every interconnect by URI (name and MAC only), one listing."""
    return {
        ic.uri.rstrip("/"): ic for ic in ov.interconnects.list(fields=INTERCONNECT_FIELDS) if ic.uri
    }


def natural_key(server: client.ServerHardware) -> tuple[object, ...]:
    """Sort ``Frame1, bay 2`` before ``Frame1, bay 10``."""
    return tuple(
        int(part) if part.isdigit() else part.lower()
        for part in _NUMBER.split(server.name or server.uri)
    )


def by_uri(servers: Iterable[client.ServerHardware]) -> dict[str, client.ServerHardware]:
    return {server.uri.rstrip("/"): server for server in servers}


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
