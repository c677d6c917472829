"""What only OneView can tell about a node's settings: the checks of the power interface's
verify step (``manage``), of inspection and of deploy; never of ``validate``, which must work
while the appliance does not answer.

One GET of the server hardware and, when the node names one, one GET of its template;
then pure checks. Each error names the node, the field, the bad value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ironic.common import exception

from oneview_openstack import client
from oneview_openstack.ironic_driver import errors, facts, nics

if TYPE_CHECKING:
    from oneview_openstack.ironic_driver.common import NodeSettings

DOING = "validating the node's OneView settings"
UNCONTROLLED_STATES = facts.UNCONTROLLED_STATES
MAC_TYPES = (client.MacType.PHYSICAL, client.MacType.VIRTUAL)

Invalid = exception.InvalidParameterValue


def read_and_check(
    node: Any, settings: NodeSettings, macs: Sequence[str], ov: client.OneViewClient
) -> tuple[client.ServerHardware, client.ServerProfileTemplate | None]:
    """Read the server (and template) and check the node's settings against them."""
    template_uri = settings.server_profile_template_uri
    with errors.translated(node, DOING, settings.connection):
        server_uri = settings.server_hardware_uri
        server = _read(node, ov.server_hardware, server_uri, "driver_info/server_hardware_uri")
        template = (
            _read(node, ov.server_profile_templates, template_uri, "server_profile_template_uri")
            if template_uri
            else None
        )
    check_server(node, settings, server)
    if template is not None:
        check_template(node, server, template)
    check_ports(node, macs, server, template)
    return server, template


def _read(node: Any, manager: Any, uri: str, field: str) -> Any:
    try:
        return manager.get(uri)
    except client.NotFound:
        raise Invalid(
            f"Node {node.uuid}: {field} is {uri!r}, which OneView does not know; allowed: "
            f"a {manager.category} resource of that appliance."
        ) from None


def check_server(node: Any, settings: NodeSettings, server: client.ServerHardware) -> None:
    """The server is under OneView's control and matches the node's capabilities."""
    if server.state in UNCONTROLLED_STATES:
        raise Invalid(
            f"Node {node.uuid}: server hardware {label(server)} is {server.state.value} in "
            "OneView, which then controls neither its power nor its profiles; allowed: a "
            "server OneView manages (state NoProfileApplied, ProfileApplied, ...)."
        )
    _same(
        node,
        "properties/capabilities server_hardware_type_uri",
        settings.server_hardware_type_uri,
        server.server_hardware_type_uri,
        f"the type of server hardware {label(server)}",
    )
    _same(
        node,
        "properties/capabilities enclosure_group_uri",
        settings.enclosure_group_uri,
        server.enclosure_group_uri,
        f"the enclosure group of server hardware {label(server)}",
    )


def _same(node: Any, field: str, declared: str | None, actual: str | None, what: str) -> None:
    if declared is None or (actual or "").lower() == declared.lower():
        return
    raise Invalid(
        f"Node {node.uuid}: {field} is {declared!r} but {what} is {actual!r}; allowed: "
        f"{actual!r}, or remove the capability."
    )


def check_template(
    node: Any, server: client.ServerHardware, template: client.ServerProfileTemplate
) -> None:
    """The template fits the server and lets Ironic manage boot and MACs."""
    name = label(template)
    field = "server_profile_template_uri"
    if (template.server_hardware_type_uri or "").lower() != (
        server.server_hardware_type_uri or ""
    ).lower():
        raise Invalid(
            f"Node {node.uuid}: {field} names template {name}, made for server hardware type "
            f"{template.server_hardware_type_uri!r}, but server hardware {label(server)} is "
            f"of type {server.server_hardware_type_uri!r}; allowed: a template for that type."
        )
    if (template.enclosure_group_uri or "").lower() != (server.enclosure_group_uri or "").lower():
        raise Invalid(
            f"Node {node.uuid}: {field} names template {name}, made for enclosure group "
            f"{template.enclosure_group_uri!r}, but server hardware {label(server)} is in "
            f"{server.enclosure_group_uri!r}; allowed: a template for that enclosure group."
        )
    if not template.manage_boot:
        raise Invalid(
            f"Node {node.uuid}: template {name} has boot.manageBoot false; allowed: true "
            "(Ironic sets the boot order through the server profile)."
        )
    if template.mac_type not in MAC_TYPES:
        raise Invalid(
            f"Node {node.uuid}: template {name} has macType {template.get('macType')!r}; "
            "allowed: 'Physical' or 'Virtual' (the node's ports follow the MACs a profile "
            "gives; user-defined MACs would have to be typed into every profile)."
        )


def check_ports(
    node: Any,
    macs: Sequence[str],
    server: client.ServerHardware,
    template: client.ServerProfileTemplate | None,
) -> None:
    """The node's ports are NICs of the server, and one of them is its boot NIC.

    Not checked with a Virtual-MAC template: while a profile is applied the ports carry
    its pool MACs, which only the profile knows (the ports follow it by port id).
    """
    known = nics.all_macs(server)
    if not macs or not known or nics.uses_virtual_macs(template):
        return  # no ports yet, or OneView does not know the server's NICs
    strangers = [mac for mac in macs if mac.lower() not in known]
    if strangers:
        raise Invalid(
            f"Node {node.uuid}: port MAC(s) {', '.join(strangers)} are not NICs of server "
            f"hardware {label(server)}; allowed: {', '.join(sorted(known))}."
        )
    boot = nics.boot_nic(server, template)
    if boot is not None and boot.mac not in {mac.lower() for mac in macs}:
        raise Invalid(
            f"Node {node.uuid}: no port has MAC {boot.mac}, the NIC ({boot.port_id}) server "
            f"hardware {label(server)} PXE-boots from; allowed: add a port with that MAC."
        )


def label(resource: client.Resource) -> str:
    """``'name' (uri)`` for messages."""
    return f"{resource.name!r} ({resource.uri})"
