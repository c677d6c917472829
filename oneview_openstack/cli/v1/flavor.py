"""``flavor create``: Nova flavors for the enrolled nodes' hardware configurations."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from openstack import exceptions as sdk_exceptions
from osc_lib import exceptions as osc_exceptions
from osc_lib.cli import format_columns

from oneview_openstack.cli.base import OneViewLister
from oneview_openstack.enrollment import flavors, ironic

# Nova validates extra specs from 2.86 on; openstacksdk's flavor calls stop at 2.61.
EXTRA_SPECS_MICROVERSION = "2.86"
LIST_MICROVERSION = "2.61"  # flavors listed with their extra specs


class CreateFlavor(OneViewLister):
    """Create a Nova flavor per hardware configuration of the enrolled oneview nodes."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument(
            "--node",
            dest="nodes",
            metavar="<node>",
            action="append",
            default=[],
            help="Only the configuration of this node (name or UUID); repeat for more.",
        )
        parser.add_argument(
            "--name",
            metavar="<name>",
            help="Name of the flavor, when the nodes have a single configuration.",
        )
        parser.add_argument(
            "--prefix", metavar="<text>", default="", help="Prefix of the generated names."
        )
        parser.add_argument(
            "--private", action="store_true", help="Create the flavors private (not public)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show the flavors; create nothing."
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Sequence[str], Any]:
        known = ironic.read_ironic(self.clients.baremetal, ports=False)
        nodes = _chosen_nodes(known, parsed_args.nodes)
        specs = flavors.flavor_specs(nodes, prefix=parsed_args.prefix)
        if parsed_args.name:
            if len(specs) != 1:
                raise osc_exceptions.CommandError(
                    f"--name names one flavor, but the chosen nodes have {len(specs)} hardware "
                    "configurations; choose nodes of one configuration with --node"
                )
            specs = [_renamed(specs[0], parsed_args.name)]
        compute = self.clients.compute
        existing = {f["name"]: f for f in _flavors(compute)} if specs else {}
        rows = []
        for spec in specs:
            flavor_id, result = self._ensure(compute, spec, existing.get(spec.name), parsed_args)
            rows.append(
                (
                    spec.name,
                    flavor_id,
                    spec.vcpus,
                    spec.ram_mb,
                    spec.disk_gb,
                    spec.resource_class,
                    format_columns.DictColumn(spec.extra_specs),
                    format_columns.ListColumn(list(spec.nodes)),
                    result,
                )
            )
        self.failed = sum(1 for row in rows if row[-1].startswith("failed"))
        columns = (
            "Name", "ID", "VCPUs", "RAM MB", "Disk GB", "Resource Class", "Extra Specs",
            "Nodes", "Result",
        )  # fmt: skip
        return columns, rows

    def _ensure(
        self,
        compute: Any,
        spec: flavors.FlavorSpec,
        current: dict[str, Any] | None,
        parsed_args: argparse.Namespace,
    ) -> tuple[str, str]:
        if current is not None:
            found = flavors.differences(spec, current)
            if found:
                return str(current["id"]), "failed: exists with " + "; ".join(found)
            return str(current["id"]), "exists"
        if parsed_args.dry_run:
            return "", "would create"
        return _create(compute, spec, public=not parsed_args.private), "created"


def _chosen_nodes(known: ironic.IronicNodes, refs: Sequence[str]) -> list[ironic.OneViewNode]:
    if not refs:
        return list(known.nodes)
    chosen = []
    for ref in refs:
        node = known.find(ref)
        if node is None:
            raise osc_exceptions.CommandError(f"node {ref!r} is not a oneview node in Ironic")
        chosen.append(node)
    return chosen


def _renamed(spec: flavors.FlavorSpec, name: str) -> flavors.FlavorSpec:
    return flavors.FlavorSpec(
        name=name,
        vcpus=spec.vcpus,
        ram_mb=spec.ram_mb,
        disk_gb=spec.disk_gb,
        resource_class=spec.resource_class,
        traits=spec.traits,
        nodes=spec.nodes,
    )


def _flavors(compute: Any) -> list[dict[str, Any]]:
    """Every flavor, public and private, with extra specs: one request per 1,000."""
    found: list[dict[str, Any]] = []
    params: dict[str, str] = {"is_public": "None", "limit": "1000"}
    while True:
        page = _call(compute, "GET", "/flavors/detail", params=params, mv=LIST_MICROVERSION)
        members = page.get("flavors") or []
        found += members
        if not page.get("flavors_links") or not members:
            return found
        params["marker"] = str(members[-1]["id"])


def _create(compute: Any, spec: flavors.FlavorSpec, *, public: bool) -> str:
    """The flavor and its extra specs; a flavor whose specs Nova refuses is deleted again."""
    body = {
        "flavor": {
            "name": spec.name,
            "ram": spec.ram_mb,
            "vcpus": spec.vcpus,
            "disk": spec.disk_gb,
            "os-flavor-access:is_public": public,
        }
    }
    flavor_id = str(_call(compute, "POST", "/flavors", json=body)["flavor"]["id"])
    try:
        _call(
            compute,
            "POST",
            f"/flavors/{flavor_id}/os-extra_specs",
            json={"extra_specs": spec.extra_specs},
            mv=EXTRA_SPECS_MICROVERSION,
        )
    except sdk_exceptions.SDKException:
        _call(compute, "DELETE", f"/flavors/{flavor_id}")
        raise
    return flavor_id


def _call(
    compute: Any,
    method: str,
    path: str,
    *,
    json: Any = None,
    params: dict[str, str] | None = None,
    mv: str | None = None,
) -> dict[str, Any]:
    response = compute.request(
        path, method, json=json, params=params or {}, microversion=mv, raise_exc=False
    )
    sdk_exceptions.raise_from_response(response)
    return response.json() if response.content else {}
