"""``port create``: ports for chosen NICs of a ``oneview`` node, MACs checked against OneView."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from osc_lib import exceptions as osc_exceptions

from oneview_openstack import enrollment
from oneview_openstack.cli.base import OneViewLister
from oneview_openstack.cli.v1 import arguments
from oneview_openstack.enrollment import catalog, ironic, spec


class CreatePort(OneViewLister):
    """Create Ironic ports for NICs of a oneview node's server (default: every missing one)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("node", metavar="<node>", help="Node (name or UUID).")
        arguments.nics(
            parser,
            "The NIC (OneView port id such as 'Mezz 3:1-a', or its MAC); repeat for more. A MAC "
            "that is not one of the server's NICs is refused.",
        )
        arguments.physical_network(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be created; change nothing."
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Sequence[str], Any]:
        baremetal, ov = self.clients.baremetal, self.clients.oneview
        node = _oneview_node(baremetal, parsed_args.node)
        info = node.get("driver_info") or {}
        server = ov.server_hardware.get(str(info.get(spec.SERVER_HARDWARE)))
        template_ref = info.get(spec.TEMPLATE)
        template = catalog.find_template(ov, str(template_ref)) if template_ref else None
        options = enrollment.NodeOptions(
            nics=tuple(parsed_args.nics) if parsed_args.nics else None,
            physical_network=parsed_args.physical_network,
        )
        wanted = spec.port_specs(
            server, template, interconnects=catalog.read_interconnects(ov), options=options
        )
        existing = _node_macs(baremetal, str(node["uuid"]))
        rows = []
        for port in wanted:
            if port.address in existing:
                result = "exists"
            elif parsed_args.dry_run:
                result = "would create"
            else:
                ironic.ensure_port(baremetal, str(node["uuid"]), port)
                result = "created"
            switch = port.local_link_connection.get("switch_info", "")
            rows.append((port.address, port.oneview_port_id, port.pxe_enabled, switch, result))
        columns = ("Address", "OneView Port", "PXE", "Interconnect", "Result")
        return columns, rows


def _oneview_node(baremetal: Any, ref: str) -> dict[str, Any]:
    node = ironic.get_node(baremetal, ref)
    if node is None:
        raise osc_exceptions.CommandError(f"node {ref!r} not found in Ironic")
    if node.get("driver") != spec.DRIVER:
        raise osc_exceptions.CommandError(
            f"node {ref!r} uses driver {node.get('driver')!r}; allowed: oneview nodes only"
        )
    if not (node.get("driver_info") or {}).get(spec.SERVER_HARDWARE):
        raise osc_exceptions.CommandError(
            f"node {ref!r} has no driver_info/{spec.SERVER_HARDWARE}: it names no OneView server"
        )
    return node


def _node_macs(baremetal: Any, node_uuid: str) -> set[str]:
    params = {"node_uuid": node_uuid, "fields": "address"}
    ports = ironic.call(baremetal, "GET", "/ports", params=params).get("ports") or []
    return {str(port["address"]).lower() for port in ports}
