"""``flavor-create``: flavors in a real Nova for the enrolled nodes' configurations."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import Cli

pytestmark = pytest.mark.functional

TEMPLATE = "SPT-Prod-SY480"
# The template's 9 free servers come in three configurations (seed: 256, 384 and 128 GiB).
CONFIGURATIONS = 3


def nova_flavors(cli: Cli) -> dict[str, dict[str, Any]]:
    body = (
        cli.nova.connection()
        .compute.get("/flavors/detail", microversion="2.61", params={"is_public": "None"})
        .json()
    )
    return {flavor["name"]: flavor for flavor in body["flavors"]}


def test_flavors_for_each_configuration_are_visible_through_nova(cli: Cli) -> None:
    assert cli.run("node-create", "-t", TEMPLATE, "--boot-nic-only").returncode == 0

    result = cli.run("flavor-create", "-f", "json")

    assert result.returncode == 0, result.stderr
    created = {row["Name"]: row for row in json.loads(result.stdout)}
    assert [row["Result"] for row in created.values()] == ["created"] * CONFIGURATIONS
    flavors = nova_flavors(cli)
    assert set(flavors) == set(created)
    big = flavors["ov-sy-480-gen10-1-28c-384g-893g.eg-prod.sy-2024-04-01"]
    assert (big["vcpus"], big["ram"], big["disk"]) == (28, 393216, 893)
    assert big["extra_specs"] == {
        "resources:CUSTOM_OV_SY_480_GEN10_1_28C_384G_893G": "1",
        "resources:VCPU": "0",
        "resources:MEMORY_MB": "0",
        "resources:DISK_GB": "0",
        "trait:CUSTOM_OV_SHT_SY_480_GEN10_1": "required",
        "trait:CUSTOM_OV_EG_EG_PROD": "required",
        "trait:CUSTOM_OV_FIRMWARE_SY_2024_04_01": "required",
    }
    assert created[big["name"]]["Nodes"] == ["frame1-bay-3", "frame1-bay-4"]


def test_rerun_finds_them_and_a_different_flavor_of_that_name_fails(cli: Cli) -> None:
    cli.run("node-create", "-t", TEMPLATE, "-s", "Frame1, bay 1")
    assert cli.run("flavor-create").returncode == 0

    again = cli.run("flavor-create", "-f", "json")
    assert again.returncode == 0
    assert [row["Result"] for row in json.loads(again.stdout)] == ["exists"]

    (name,) = nova_flavors(cli)
    compute = cli.nova.connection().compute
    flavor_id = nova_flavors(cli)[name]["id"]
    compute.delete(f"/flavors/{flavor_id}/os-extra_specs/resources:VCPU", microversion="2.61")
    conflict = cli.run("flavor-create", "-f", "json")
    assert conflict.returncode == 1
    (row,) = json.loads(conflict.stdout)
    assert row["Result"].startswith("failed: exists with resources:VCPU=None (wanted 0)")


def test_dry_run_creates_nothing_and_name_needs_one_configuration(cli: Cli) -> None:
    cli.run("node-create", "-t", TEMPLATE, "--local-gb", "10")
    preview = cli.run("flavor-create", "--dry-run", "-f", "json")
    assert {row["Result"] for row in json.loads(preview.stdout)} == {"would create"}
    assert nova_flavors(cli) == {}

    refused = cli.run("flavor-create", "--name", "gold")
    assert refused.returncode == 1
    assert "3 hardware configurations" in refused.stderr

    named = cli.run("flavor-create", "--name", "gold", "--node", "frame1-bay-1")
    assert named.returncode == 0, named.stderr
    assert list(nova_flavors(cli)) == ["gold"]
