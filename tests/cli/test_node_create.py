"""``ironic-oneview node-create``: the simulator, a real Ironic, as operators run it."""

from __future__ import annotations

import json
import signal
import time
from typing import Any

import pytest

from .conftest import Cli, oneview_nodes, ports_by_node

pytestmark = pytest.mark.functional

TEMPLATE = "SPT-Prod-SY480"
# The template fits 10 servers of the seed; "Frame2, bay 4" carries the SAP team's profile.
FREE_SERVERS = 9
SAP_SERVER = "Frame2, bay 4"


def rows(result: Any) -> list[dict[str, Any]]:
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def servers_by_name(cli: Cli) -> dict[str, dict[str, Any]]:
    members = cli.sim.rest().call("GET", "/rest/server-hardware?count=-1").json()["members"]
    return {server["name"]: server for server in members}


def interconnect_macs(cli: Cli) -> dict[str, str]:
    members = cli.sim.rest().call("GET", "/rest/interconnects?count=-1").json()["members"]
    return {ic["uri"]: ic["interconnectMAC"].lower() for ic in members}


def test_enrolls_every_free_server_of_the_template(cli: Cli) -> None:
    result = cli.run("node-create", "-t", TEMPLATE, "-f", "json")

    assert result.returncode == 0, result.stderr
    outcome = {row["Server"]: row for row in rows(result)}
    assert sum(row["Result"] == "created" for row in outcome.values()) == FREE_SERVERS
    assert outcome[SAP_SERVER]["Result"] == "skipped"
    assert (
        "sap-hana" in outcome[SAP_SERVER]["Reason"]
        or "server profile" in (outcome[SAP_SERVER]["Reason"])
    )
    assert f"{FREE_SERVERS} created, 1 skipped" in result.stderr
    assert "Traceback" not in result.stderr

    servers = servers_by_name(cli)
    nodes = {node.name: node for node in oneview_nodes(cli.ironic)}
    assert len(nodes) == FREE_SERVERS
    big = nodes["frame1-bay-3"]
    server = servers["Frame1, bay 3"]
    assert big.id == server["uuid"].lower()
    assert big.driver_info["server_hardware_uri"] == server["uri"]
    assert big.provision_state == "enroll"
    assert big.properties["cpus"] == server["processorCount"] * server["processorCoreCount"]
    assert big.properties["memory_mb"] == 393216
    assert big.properties["local_gb"] == 893  # 960 GB drives: 894 GiB, less one
    assert big.properties["cpu_arch"] == "x86_64"
    assert "boot_mode:uefi" in big.properties["capabilities"]
    assert big.resource_class == "ov-sy-480-gen10-1-28c-384g-893g"
    assert set(big.traits) == {
        "CUSTOM_OV_SHT_SY_480_GEN10_1",
        "CUSTOM_OV_EG_EG_PROD",
        "CUSTOM_OV_SPT_SPT_PROD_SY480",
        "CUSTOM_OV_FIRMWARE_SY_2024_04_01",
    }


def test_ports_are_the_template_nics_with_their_interconnect(cli: Cli) -> None:
    assert cli.run("node-create", "-t", TEMPLATE, "-s", "Frame1, bay 1").returncode == 0

    server = servers_by_name(cli)["Frame1, bay 1"]
    node = oneview_nodes(cli.ironic)[0]
    ports = {port.extra["oneview_port_id"]: port for port in ports_by_node(cli.ironic)[node.id]}
    assert set(ports) == {"Mezz 3:1-a", "Mezz 3:2-a"}  # the template's two connections
    assert ports["Mezz 3:1-a"].is_pxe_enabled and not ports["Mezz 3:2-a"].is_pxe_enabled
    slot = next(
        s
        for s in server["portMap"]["deviceSlots"]
        if (s["location"], s["slotNumber"]) == ("Mezz", 3)
    )
    first = slot["physicalPorts"][0]
    function_a = next(vp for vp in first["virtualPorts"] if vp["portFunction"] == "a")
    boot = ports["Mezz 3:1-a"]
    assert boot.address == function_a["mac"].lower()
    assert boot.local_link_connection == {
        "switch_id": interconnect_macs(cli)[first["interconnectUri"]],
        "port_id": f"d{first['interconnectPort']}",
        "switch_info": boot.local_link_connection["switch_info"],
    }


def test_rerun_creates_nothing_and_reports_every_server(cli: Cli) -> None:
    assert cli.run("node-create", "-t", TEMPLATE).returncode == 0
    nodes_before = sorted(node.id for node in oneview_nodes(cli.ironic))
    ports_before = sum(len(ports) for ports in ports_by_node(cli.ironic).values())

    again = cli.run("node-create", "-t", TEMPLATE, "-f", "json")

    assert again.returncode == 0, again.stderr
    results = [row["Result"] for row in rows(again)]
    assert results.count("already enrolled") == FREE_SERVERS
    assert results.count("created") == 0
    assert sorted(node.id for node in oneview_nodes(cli.ironic)) == nodes_before
    assert sum(len(ports) for ports in ports_by_node(cli.ironic).values()) == ports_before


def test_oneview_requests_are_listings_not_per_server(cli: Cli) -> None:
    """With --local-gb nothing is read per server; without, one localStorage GET each."""
    cli.sim.operator.clear_counters()
    assert cli.run("node-create", "-t", TEMPLATE, "--local-gb", "100").returncode == 0
    counters = cli.sim.operator.counters()
    per_server = {key: count for key, count in counters.items() if "{id}" in key.split()[1]}
    assert per_server == {
        "GET /rest/server-hardware-types/{id}": 1,
        "GET /rest/enclosure-groups/{id}": 1,
        "GET /rest/firmware-drivers/{id}": 1,
    }
    assert counters["GET /rest/server-hardware"] == 1
    assert sum(counters.values()) <= 9
    node = oneview_nodes(cli.ironic)[0]
    assert node.properties["local_gb"] == 100

    cli.run("node-delete", "--all", "--yes")
    cli.sim.operator.clear_counters()
    assert cli.run("node-create", "-t", TEMPLATE).returncode == 0
    counters = cli.sim.operator.counters()
    assert counters["GET /rest/server-hardware/{id}/localStorage"] == FREE_SERVERS


def test_one_failing_server_is_reported_and_the_others_enrolled(cli: Cli) -> None:
    failing = servers_by_name(cli)["Frame1, bay 2"]
    cli.sim.operator.add_fault(
        f"{failing['uri']}/localStorage", status=500, error_code="INTERNAL_ERROR"
    )

    result = cli.run("node-create", "-t", TEMPLATE, "-f", "json")

    assert result.returncode == 1
    outcome = {row["Server"]: row for row in rows(result)}
    assert outcome["Frame1, bay 2"]["Result"] == "failed"
    assert "INTERNAL_ERROR" in outcome["Frame1, bay 2"]["Reason"]
    assert sum(row["Result"] == "created" for row in outcome.values()) == FREE_SERVERS - 1
    names = {node.name for node in oneview_nodes(cli.ironic)}
    assert "frame1-bay-2" not in names and len(names) == FREE_SERVERS - 1

    cli.sim.operator.clear_faults()
    again = cli.run("node-create", "-t", TEMPLATE, "-f", "json")
    assert again.returncode == 0
    assert [row["Server"] for row in rows(again) if row["Result"] == "created"] == ["Frame1, bay 2"]


def test_a_taken_node_name_fails_that_server_only(cli: Cli) -> None:
    baremetal = cli.ironic.connection().baremetal
    other = baremetal.create_node(
        driver="fake-hardware", name="frame1-bay-2", provision_state="enroll"
    )

    result = cli.run("node-create", "-t", TEMPLATE, "-f", "json")

    assert result.returncode == 1
    outcome = {row["Server"]: row for row in rows(result)}
    assert outcome["Frame1, bay 2"]["Result"] == "failed"
    assert other.id in outcome["Frame1, bay 2"]["Reason"]
    assert sum(row["Result"] == "created" for row in outcome.values()) == FREE_SERVERS - 1
    assert baremetal.get_node(other.id).driver == "fake-hardware"  # left alone


def test_sigkill_during_enrollment_then_rerun_converges(cli: Cli) -> None:
    """Killed at any point, a second run leaves each server exactly one complete node."""
    process = cli.popen("node-create", "-t", TEMPLATE, "--workers", "1")
    deadline = time.monotonic() + 60
    while not oneview_nodes(cli.ironic) and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert 0 < len(oneview_nodes(cli.ironic)) < FREE_SERVERS

    again = cli.run("node-create", "-t", TEMPLATE, "-f", "json")

    assert again.returncode == 0, again.stderr
    nodes = oneview_nodes(cli.ironic)
    assert len(nodes) == FREE_SERVERS
    assert len({node.driver_info["server_hardware_uri"] for node in nodes}) == FREE_SERVERS
    ports = ports_by_node(cli.ironic)
    assert all(len(ports.get(node.id, [])) == 2 for node in nodes)
    assert all(node.traits for node in nodes)


def test_dry_run_changes_nothing(cli: Cli) -> None:
    result = cli.run("node-create", "-t", TEMPLATE, "--dry-run", "-f", "json")

    assert result.returncode == 0
    assert [row["Result"] for row in rows(result)].count("would create") == FREE_SERVERS
    assert oneview_nodes(cli.ironic) == []


def test_limit_and_chosen_servers(cli: Cli) -> None:
    assert cli.run("node-create", "-t", TEMPLATE, "-n", "2").returncode == 0
    assert sorted(node.name for node in oneview_nodes(cli.ironic)) == [
        "frame1-bay-1",
        "frame1-bay-2",
    ]
    chosen = cli.run("node-create", "-t", TEMPLATE, "-s", "Frame2, bay 3", "--boot-nic-only")
    assert chosen.returncode == 0
    node = next(n for n in oneview_nodes(cli.ironic) if n.name == "frame2-bay-3")
    assert len(ports_by_node(cli.ironic)[node.id]) == 1


def test_options_reach_the_node(cli: Cli) -> None:
    result = cli.run(
        "node-create", "-t", TEMPLATE, "-s", "Frame1, bay 1",
        "--resource-class", "gold", "--trait", "CUSTOM_RACK_7",
        "--driver-info", "deploy_kernel=file:///k", "--deploy-interface", "oneview-ramdisk",
        "--physical-network", "physnet1", "--use-oneview-ml2-driver",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    node = oneview_nodes(cli.ironic)[0]
    assert node.resource_class == "gold"
    assert "CUSTOM_RACK_7" in node.traits and "CUSTOM_OV_EG_EG_PROD" in node.traits
    assert node.driver_info["deploy_kernel"] == "file:///k"
    assert node.deploy_interface == "oneview-ramdisk"
    assert node.network_interface == "neutron"
    assert {p.physical_network for p in ports_by_node(cli.ironic)[node.id]} == {"physnet1"}
