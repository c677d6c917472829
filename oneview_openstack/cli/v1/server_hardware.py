"""``server hardware list`` and ``server profile template list``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from osc_lib.cli import format_columns

from oneview_openstack.cli.base import OneViewLister
from oneview_openstack.cli.v1 import arguments
from oneview_openstack.enrollment import hardware
from oneview_openstack.ironic_driver import facts

TEMPLATE_FIELDS = (
    "uri", "name", "serverHardwareTypeUri", "enclosureGroupUri", "bootMode", "firmware",
)  # fmt: skip
FIRMWARE_FIELDS = ("uri", "name", "version")
SERVER_FIELDS = ("uri", "name", "serverHardwareTypeUri", "serverGroupUri")


class ListServerHardware(OneViewLister):
    """List OneView server hardware: compatible templates, power, health and who holds it."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        arguments.template(
            parser, "Only servers a profile from this template (name, id or URI) fits."
        )
        parser.add_argument(
            "--hardware-type", metavar="<type>", help="Only servers of this hardware type."
        )
        parser.add_argument(
            "--enclosure-group", metavar="<group>", help="Only servers of this enclosure group."
        )
        parser.add_argument(
            "--owner",
            choices=[holder.value for holder in hardware.Holder],
            help="Only servers held by nobody (free), by Ironic, or by a OneView user.",
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Sequence[str], Any]:
        wanted = hardware.HardwareFilter(
            template=parsed_args.template,
            hardware_type=parsed_args.hardware_type,
            enclosure_group=parsed_args.enclosure_group,
            holder=hardware.Holder(parsed_args.owner) if parsed_args.owner else None,
        )
        rows = hardware.list_hardware(self.clients.oneview, self.clients.baremetal, wanted)
        columns = (
            "Name", "UUID", "Hardware Type", "Enclosure Group", "Power", "Health", "CPUs",
            "Memory MB", "Templates", "Owner", "Held By", "Node UUID",
        )  # fmt: skip
        data = [
            (
                row.name,
                row.uuid,
                row.hardware_type,
                row.enclosure_group,
                row.power,
                row.health,
                row.cpus,
                row.memory_mb,
                format_columns.ListColumn(list(row.templates)),
                row.holder.value,
                row.held_by,
                row.node_uuid or "",
            )  # fmt: skip
            for row in rows
        ]
        return columns, data


class ListServerProfileTemplate(OneViewLister):
    """List OneView server profile templates and how many servers each fits."""

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Sequence[str], Any]:
        ov = self.clients.oneview
        named = ("uri", "name")
        types = {t.uri: t.name for t in ov.server_hardware_types.list(fields=named)}
        groups = {g.uri: g.name for g in ov.enclosure_groups.list(fields=named)}
        baselines = {
            f.uri: f.version or f.name for f in ov.firmware_drivers.list(fields=FIRMWARE_FIELDS)
        }
        servers = list(ov.server_hardware.list(fields=SERVER_FIELDS))
        templates = sorted(
            ov.server_profile_templates.list(fields=TEMPLATE_FIELDS),
            key=lambda t: (t.name or "").lower(),
        )
        columns = (
            "UUID", "Name", "Hardware Type", "Enclosure Group", "Boot Mode",
            "Firmware Baseline", "Servers",
        )  # fmt: skip
        data = [
            (
                template.id,
                template.name,
                types.get(template.server_hardware_type_uri or "", ""),
                groups.get(template.enclosure_group_uri or "", ""),
                facts.template_boot_mode(template) or "",
                baselines.get(template.firmware_baseline_uri or "", "") or "",
                sum(1 for server in servers if hardware.compatible(server, template)),
            )
            for template in templates
        ]
        return columns, data
