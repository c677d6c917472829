"""The commands as installed: found by ``openstack``, standalone, and one clear line on errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Cli

pytestmark = pytest.mark.functional

ORIGINAL_NAMES = (
    "node-create", "port-create", "flavor-create", "server-hardware-list",
    "server-profile-template-list", "node-delete", "genrc",
)  # fmt: skip
OSC_COMMANDS = (
    "oneview flavor create", "oneview genrc", "oneview node create", "oneview node delete",
    "oneview port create", "oneview server hardware list",
    "oneview server profile template list",
)  # fmt: skip


def test_openstack_finds_the_plugin(cli: Cli) -> None:
    result = cli.run("oneview", "--help", command="openstack")
    assert result.returncode == 0, result.stderr
    for name in OSC_COMMANDS:
        assert name in result.stdout


def test_ironic_oneview_has_the_original_names(cli: Cli) -> None:
    result = cli.run("--help")
    assert result.returncode == 0
    for name in ORIGINAL_NAMES:
        assert f"\n  {name} " in result.stdout


def test_openstack_oneview_runs_with_openstackclients_own_endpoint_options(cli: Cli) -> None:
    cli.run("node-create", "-t", "SPT-Prod-SY480", "-n", "1")
    env = {
        "IRONIC_URL": None,
        "OS_AUTH_TYPE": "none",
        "OS_BAREMETAL_ENDPOINT_OVERRIDE": cli.ironic.url,
    }
    result = cli.run(
        "oneview", "server", "hardware", "list", "--owner", "ironic", "-f", "json",
        env=env, command="openstack",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert (row["Name"], row["Held By"]) == ("Frame1, bay 1", "node frame1-bay-1 (enroll)")


def test_hardware_list_shows_who_holds_each_server(cli: Cli) -> None:
    cli.run("node-create", "-t", "SPT-Prod-SY480", "-s", "Frame1, bay 1")
    result = cli.run("server-hardware-list", "-f", "json")
    assert result.returncode == 0, result.stderr
    rows = {row["Name"]: row for row in json.loads(result.stdout)}
    assert len(rows) == 17
    assert rows["Frame1, bay 1"]["Owner"] == "ironic"
    assert rows["Frame1, bay 1"]["Node UUID"]
    assert (rows["Frame2, bay 4"]["Owner"], rows["Frame2, bay 4"]["Held By"]) == (
        "oneview-user",
        "profile sap-hana-01",
    )
    assert rows["Frame1, bay 2"]["Owner"] == "free"
    assert rows["Frame1, bay 2"]["Templates"] == ["SPT-Prod-SY480"]
    assert rows["dl360-01.lab.example"]["Templates"] == ["SPT-Rack-DL360"]

    free = cli.run("server-hardware-list", "--owner", "free", "-t", "SPT-Prod-SY480", "-f", "value",
                   "-c", "Name")  # fmt: skip
    assert free.stdout.split("\n")[0] == "Frame1, bay 2"
    assert len(free.stdout.strip().splitlines()) == 8


def test_template_list_counts_the_servers_each_fits(cli: Cli) -> None:
    result = cli.run("server-profile-template-list", "-f", "json")
    rows = {row["Name"]: row for row in json.loads(result.stdout)}
    assert rows["SPT-Prod-SY480"]["Servers"] == 10
    assert rows["SPT-Prod-SY480"]["Firmware Baseline"] == "SY-2024.04.01"
    assert rows["SPT-Rack-DL360"]["Enclosure Group"] == ""


def test_genrc_never_writes_the_password(cli: Cli) -> None:
    result = cli.run("genrc")
    assert result.returncode == 0
    assert cli.sim.password not in result.stdout
    assert "read -rsp" in result.stdout and "export OV_CACERT=" in result.stdout


def test_debug_output_carries_no_password(cli: Cli) -> None:
    result = cli.run("-vv", "--debug", "server-hardware-list")
    assert result.returncode == 0
    assert "POST /rest/login-sessions" in result.stderr  # the requests are logged ...
    assert cli.sim.password not in result.stderr + result.stdout  # ... not the secret


@pytest.mark.parametrize(
    ("case", "env", "args", "expected"),
    [
        ("unknown template", {}, ("-t", "NOPE"), "server profile template 'NOPE' not found"),
        ("bad credentials", {"OV_PASSWORD": "wrong"}, (), "AUTHN_AUTH_FAIL"),
        ("wrong CA", {"OV_CACERT": "/etc/ssl/certs/ca-certificates.crt"}, (), "TLS verification"),
        ("missing CA file", {"OV_CACERT": "/none.pem"}, (), "'/none.pem' is not a file"),
        ("unreachable OneView", {"OV_AUTH_URL": "https://127.0.0.1:9"}, (), "could not reach"),
        ("unreachable Ironic", {"IRONIC_URL": "http://127.0.0.1:9"}, (), "http://127.0.0.1:9"),
        ("no password", {"OV_PASSWORD": None}, (), "OneView password is not set"),
        ("foreign server", {}, ("-s", "Frame3, bay 1"), "'Frame3, bay 1' is not one of"),
        ("foreign NIC", {}, ("--mac", "11:22:33:44:55:66"), "has no NIC '11:22:33:44:55:66'"),
    ],
)  # fmt: skip
def test_bad_input_is_one_clear_line(
    cli: Cli, case: str, env: dict[str, str | None], args: tuple[str, ...], expected: str
) -> None:
    template = () if "-t" in args else ("-t", "SPT-Prod-SY480", "-n", "1")
    result = cli.run("node-create", *template, *args, env=env)

    assert result.returncode == 1, case
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines


def test_a_value_ironic_refuses_fails_each_server_with_ironics_reason(cli: Cli) -> None:
    result = cli.run("node-create", "-t", "SPT-Prod-SY480", "-n", "1", "--deploy-interface",
                     "nope", "-f", "json")  # fmt: skip
    assert result.returncode == 1
    failed = [row for row in json.loads(result.stdout) if row["Result"] == "failed"]
    assert len(failed) == 1
    assert failed[0]["Reason"].startswith("Ironic: Could not find the following interface")
    assert "nope" in failed[0]["Reason"]


def test_the_config_file_can_be_ironic_conf(cli: Cli, tmp_path: Path) -> None:
    conf = tmp_path / "ironic.conf"
    conf.write_text(
        f"[oneview]\nmanager_url = {cli.sim.url}\nusername = {cli.sim.username}\n"
        f"password = {cli.sim.password}\ntls_cacert_file = {cli.sim.ca_file}\n"
    )
    env = {"OV_AUTH_URL": None, "OV_USERNAME": None, "OV_PASSWORD": None, "OV_CACERT": None}
    result = cli.run("--oneview-config-file", str(conf), "server-profile-template-list", env=env)
    assert result.returncode == 0, result.stderr
    assert "SPT-Prod-SY480" in result.stdout


def test_ironic_oneview_takes_a_cloud_from_clouds_yaml(cli: Cli, tmp_path: Path) -> None:
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(
        f"clouds:\n  lab:\n    auth_type: none\n    baremetal_endpoint_override: {cli.ironic.url}\n"
    )
    cli.run("node-create", "-t", "SPT-Prod-SY480", "-n", "1")
    env = {"IRONIC_URL": None, "OS_CLIENT_CONFIG_FILE": str(clouds)}
    result = cli.run("--os-cloud", "lab", "server-hardware-list", "--owner", "ironic", "-f",
                     "value", "-c", "Name", env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Frame1, bay 1"
