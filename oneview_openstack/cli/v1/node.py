"""``node create`` (enroll a template's servers) and ``node delete`` (only ``oneview`` nodes)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from osc_lib import exceptions as osc_exceptions
from osc_lib.cli import parseractions

from oneview_openstack import enrollment
from oneview_openstack.cli.base import OneViewLister
from oneview_openstack.cli.progress import ProgressBar
from oneview_openstack.cli.v1 import arguments
from oneview_openstack.enrollment import ironic
from oneview_openstack.enrollment.spec import INTERFACE_FAMILIES

OUTCOME_COLUMNS = ("Server", "Node", "UUID", "Result", "Ports", "Reason")
# Provision states in which a node serves (or is being given to) an instance.
IN_USE_STATES = frozenset(
    {
        "active", "deploying", "wait call-back", "deploy failed", "rebuild", "rescue",
        "rescuing", "rescue wait", "rescue failed", "unrescuing", "unrescue failed",
        "service", "servicing", "service wait", "service failed",
    }
)  # fmt: skip
FORCED_REASON = "Deleted with ironic-oneview node delete --force"


class CreateNode(OneViewLister):
    """Create Ironic nodes and ports for the servers a server profile template fits.

    Servers already enrolled are reported and left alone; a node a previous run left
    without its ports is completed; servers held by OneView users are skipped.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        arguments.template(
            parser,
            "Server profile template (name, id or URI) the nodes' profiles are made from.",
            required=True,
        )
        parser.add_argument(
            "-s",
            "--server",
            "--server-hardware-uuid",
            dest="servers",
            metavar="<server>",
            action="append",
            default=[],
            help="Only this server (name, id or URI); repeat for more. Default: every server "
            "the template fits.",
        )
        parser.add_argument(
            "-n",
            "--number",
            "--limit",
            dest="limit",
            metavar="<count>",
            type=int,
            help="Create at most this many nodes (the first servers by name).",
        )
        parser.add_argument(
            "--resource-class",
            metavar="<class>",
            help="Resource class of every node. Default: one per hardware configuration, "
            "ov-<hardware type>-<cpus>c-<memory GiB>g-<disk GiB>g.",
        )
        parser.add_argument(
            "--trait",
            dest="traits",
            metavar="<trait>",
            action="append",
            default=[],
            help="A trait added to the CUSTOM_OV_* ones; repeat for more.",
        )
        parser.add_argument(
            "--driver-info",
            metavar="<key=value>",
            action=parseractions.KeyValueAction,
            default={},
            help="Extra driver_info, e.g. deploy_kernel=<image>; repeat for more.",
        )
        for family in INTERFACE_FAMILIES:
            parser.add_argument(
                f"--{family}-interface",
                metavar="<name>",
                help=f"The nodes' {family} interface (default: the hardware type's).",
            )
        parser.add_argument(
            "--use-oneview-ml2-driver",
            action="store_true",
            help="Shorthand for --network-interface neutron (what the original tool meant).",
        )
        arguments.nics(
            parser,
            "Make a port of this NIC only (OneView port id such as 'Mezz 3:1-a', or MAC); "
            "repeat for more. Default: every NIC the template connects.",
        )
        parser.add_argument(
            "--boot-nic-only",
            action="store_true",
            help="Make a port of the NIC the server PXE-boots from only.",
        )
        arguments.physical_network(parser)
        parser.add_argument(
            "--local-gb",
            metavar="<GiB>",
            type=int,
            help="Root disk size of every node. Default: read from each server's local "
            "storage (one OneView request per server).",
        )
        parser.add_argument("--conductor-group", metavar="<group>")
        parser.add_argument(
            "--workers",
            metavar="<count>",
            type=int,
            default=enrollment.run.DEFAULT_WORKERS,
            help="Servers enrolled at the same time (default %(default)s).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be done; change nothing."
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Sequence[str], Any]:
        options = node_options(parsed_args)
        selection = enrollment.Selection(
            servers=tuple(parsed_args.servers), limit=parsed_args.limit
        )
        ov, baremetal = self.clients.oneview, self.clients.baremetal
        catalog = enrollment.read_catalog(ov, parsed_args.template)
        steps = enrollment.plan(catalog, enrollment.read_ironic(baremetal), selection, options)
        progress = ProgressBar(len(steps))
        try:
            outcomes = enrollment.execute(
                steps,
                catalog,
                ov,
                baremetal,
                options,
                dry_run=parsed_args.dry_run,
                workers=parsed_args.workers,
                progress=progress,
            )
        finally:
            progress.close()
        self.failed = sum(1 for outcome in outcomes if outcome.failed)
        self.warn(summary(catalog.bundle.name, outcomes))
        return OUTCOME_COLUMNS, [outcome_row(outcome) for outcome in outcomes]


def node_options(parsed_args: argparse.Namespace) -> enrollment.NodeOptions:
    interfaces = {
        family: getattr(parsed_args, f"{family}_interface")
        for family in INTERFACE_FAMILIES
        if getattr(parsed_args, f"{family}_interface", None)
    }
    if parsed_args.use_oneview_ml2_driver:
        interfaces.setdefault("network", "neutron")
    return enrollment.NodeOptions(
        resource_class=parsed_args.resource_class,
        traits=tuple(parsed_args.traits),
        driver_info=dict(parsed_args.driver_info),
        interfaces=interfaces,
        nics=tuple(parsed_args.nics) if parsed_args.nics else None,
        boot_nic_only=parsed_args.boot_nic_only,
        physical_network=parsed_args.physical_network,
        local_gb=parsed_args.local_gb,
        conductor_group=parsed_args.conductor_group,
    )


def outcome_row(outcome: enrollment.Outcome) -> tuple[Any, ...]:
    return (
        outcome.server_name,
        outcome.node_name or "",
        outcome.node_uuid or "",
        outcome.result.value,
        outcome.ports,
        outcome.reason,
    )


def summary(template: str, outcomes: Sequence[enrollment.Outcome]) -> str:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.result.value] = counts.get(outcome.result.value, 0) + 1
    parts = ", ".join(f"{count} {result}" for result, count in counts.items()) or "nothing to do"
    return f"Template {template}: {len(outcomes)} server(s): {parts}"


class DeleteNode(OneViewLister):
    """Delete Ironic nodes of the oneview hardware type (never nodes of other drivers)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument(
            "nodes", metavar="<node>", nargs="*", help="Node to delete (name or UUID)."
        )
        parser.add_argument("--all", action="store_true", help="Every oneview node.")
        arguments.template(parser, "Every oneview node made from this template (name, id or URI).")
        parser.add_argument(
            "-n", "--number", type=int, metavar="<count>", help="At most this many nodes."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also delete nodes that serve an instance (they are put in maintenance "
            "first; their server profile stays in OneView).",
        )
        parser.add_argument("--yes", "-y", action="store_true", help="Do not ask to confirm.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be deleted; delete nothing."
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Sequence[str], Any]:
        baremetal = self.clients.baremetal
        known = ironic.read_ironic(baremetal, ports=False)
        chosen, refused = self._select(parsed_args, known)
        columns = ("Node", "UUID", "State", "Result", "Reason")
        rows: list[tuple[Any, ...]] = [(ref, "", "", "refused", why) for ref, why in refused]
        deletable = [n for n in chosen if parsed_args.force or not in_use(n)]
        rows += [
            (n.label, n.uuid, n.provision_state, "refused", "serves an instance: add --force")
            for n in chosen
            if n not in deletable
        ]
        if deletable and not parsed_args.dry_run:
            confirm(len(deletable), parsed_args.yes)
        for node in deletable:
            rows.append(self._delete(baremetal, node, parsed_args.dry_run))
        self.failed = sum(1 for row in rows if row[3] in ("refused", "failed"))
        return columns, rows

    def _select(
        self, parsed_args: argparse.Namespace, known: ironic.IronicNodes
    ) -> tuple[list[ironic.OneViewNode], list[tuple[str, str]]]:
        if not (parsed_args.nodes or parsed_args.all or parsed_args.template):
            raise osc_exceptions.CommandError(
                "say which nodes to delete: node names or UUIDs, --template <template>, or --all"
            )
        chosen: dict[str, ironic.OneViewNode] = {}
        refused = []
        for ref in parsed_args.nodes:
            node = known.find(ref)
            if node is None:
                refused.append((ref, self._not_oneview(ref)))
            else:
                chosen[node.uuid] = node
        if parsed_args.all:
            chosen.update((node.uuid, node) for node in known.nodes)
        if parsed_args.template:
            template = enrollment.catalog.find_template(self.clients.oneview, parsed_args.template)
            for node in known.nodes:
                if _made_from(node, template.uri):
                    chosen[node.uuid] = node
        nodes = sorted(chosen.values(), key=lambda n: n.label)
        return nodes[: parsed_args.number] if parsed_args.number else nodes, refused

    def _not_oneview(self, ref: str) -> str:
        node = ironic.get_node(self.clients.baremetal, ref)
        if node is None:
            return "no such node"
        return f"driver {node.get('driver')!r}, not oneview: this command deletes oneview nodes"

    def _delete(self, baremetal: Any, node: ironic.OneViewNode, dry_run: bool) -> tuple[Any, ...]:
        row = (node.label, node.uuid, node.provision_state)
        if dry_run:
            return (*row, "would delete", "")
        try:
            if in_use(node):
                ironic.set_maintenance(baremetal, node.uuid, FORCED_REASON)
                if node.instance_uuid:
                    ironic.call(
                        baremetal,
                        "PATCH",
                        f"/nodes/{node.uuid}",
                        json=[{"op": "remove", "path": "/instance_uuid"}],
                    )
            ironic.delete_node(baremetal, node.uuid)
        except enrollment.run.IRONIC_ERRORS as error:
            return (*row, "failed", ironic.error_text(error).splitlines()[0])
        left = f"server profile {node.applied_profile_uri} stays in OneView" if (
            node.applied_profile_uri
        ) else ""  # fmt: skip
        return (*row, "deleted", left)


def in_use(node: ironic.OneViewNode) -> bool:
    return bool(node.instance_uuid) or node.provision_state in IN_USE_STATES


def _made_from(node: ironic.OneViewNode, template_uri: str) -> bool:
    return node.template_id == template_uri.rstrip("/").rsplit("/", 1)[-1].lower()


def confirm(count: int, yes: bool) -> None:
    """Ask before deleting, unless ``--yes``; refuse when nobody can answer."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise osc_exceptions.CommandError(
            f"not deleting {count} node(s) without confirmation: add --yes (stdin is not a "
            "terminal)"
        )
    answer = input(f"Delete {count} oneview node(s)? [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        raise osc_exceptions.CommandError("nothing deleted")
