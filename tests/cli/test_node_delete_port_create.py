"""``node-delete`` (oneview nodes only, never in use unless forced) and ``port-create``."""

from __future__ import annotations

import json

import pytest

from .conftest import Cli, oneview_nodes, ports_by_node

pytestmark = pytest.mark.functional

TEMPLATE = "SPT-Prod-SY480"


def test_delete_all_deletes_only_oneview_nodes(cli: Cli) -> None:
    baremetal = cli.ironic.connection().baremetal
    other = baremetal.create_node(driver="fake-hardware", name="other", provision_state="enroll")
    cli.run("node-create", "-t", TEMPLATE, "-n", "3")

    result = cli.run("node-delete", "--all", "--yes", "-f", "json")

    assert result.returncode == 0, result.stderr
    assert sorted(row["Result"] for row in json.loads(result.stdout)) == ["deleted"] * 3
    assert oneview_nodes(cli.ironic) == []
    assert [node.id for node in baremetal.nodes()] == [other.id]

    refused = cli.run("node-delete", "other", "--yes", "-f", "json")
    assert refused.returncode == 1
    (row,) = json.loads(refused.stdout)
    assert row["Result"] == "refused" and "'fake-hardware', not oneview" in row["Reason"]
    assert baremetal.get_node(other.id)


def test_delete_asks_unless_yes_and_dry_run_deletes_nothing(cli: Cli) -> None:
    cli.run("node-create", "-t", TEMPLATE, "-n", "2")

    unconfirmed = cli.run("node-delete", "frame1-bay-1")
    assert unconfirmed.returncode == 1
    assert "add --yes" in unconfirmed.stderr
    preview = cli.run("node-delete", "--template", TEMPLATE, "--dry-run", "-f", "json")
    assert [row["Result"] for row in json.loads(preview.stdout)] == ["would delete"] * 2
    assert len(oneview_nodes(cli.ironic)) == 2


def test_a_node_serving_an_instance_needs_force(cli: Cli) -> None:
    cli.run("node-create", "-t", TEMPLATE, "-n", "1")
    (node,) = oneview_nodes(cli.ironic)
    baremetal = cli.ironic.connection().baremetal
    baremetal.update_node(node.id, instance_id="7c6c9ad0-9a4e-4ae0-9b3c-1b6f1d0a0f11")

    refused = cli.run("node-delete", node.name, "--yes", "-f", "json")
    assert refused.returncode == 1
    assert json.loads(refused.stdout)[0]["Reason"] == "serves an instance: add --force"
    assert len(oneview_nodes(cli.ironic)) == 1

    forced = cli.run("node-delete", node.name, "--yes", "--force", "-f", "json")
    assert forced.returncode == 0, forced.stderr
    assert oneview_nodes(cli.ironic) == []


def test_port_create_restores_missing_ports_and_refuses_foreign_macs(cli: Cli) -> None:
    cli.run("node-create", "-t", TEMPLATE, "-n", "1")
    (node,) = oneview_nodes(cli.ironic)
    baremetal = cli.ironic.connection().baremetal
    lost = next(p for p in ports_by_node(cli.ironic)[node.id] if not p.is_pxe_enabled)
    baremetal.delete_port(lost.id)

    result = cli.run("port-create", node.name, "-f", "json")

    assert result.returncode == 0, result.stderr
    assert sorted(row["Result"] for row in json.loads(result.stdout)) == ["created", "exists"]
    assert sorted(p.address for p in ports_by_node(cli.ironic)[node.id]) == sorted(
        [
            lost.address,
            next(p.address for p in ports_by_node(cli.ironic)[node.id] if p.is_pxe_enabled),
        ]
    )

    wrong = cli.run("port-create", node.name, "--mac", "11:22:33:44:55:66")
    assert wrong.returncode == 1
    assert "has no NIC '11:22:33:44:55:66'" in wrong.stderr
    assert len(ports_by_node(cli.ironic)[node.id]) == 2
