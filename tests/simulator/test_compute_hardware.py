"""Server hardware, types, enclosures, groups, firmware and appliance info over plain HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from oneview_openstack.testing.simulator import SimulatorHandle

from .compute_support import FAST, Api, error, server, time_scale

pytestmark = pytest.mark.functional


@pytest.fixture
def api(sim: SimulatorHandle) -> Iterator[Api]:
    with time_scale(sim, FAST):
        yield Api(sim)


def test_list_filters_server_hardware_like_the_enrollment_cli(api: Api) -> None:
    blade = server(api, "Frame1, bay 1")
    group, hardware_type = blade["serverGroupUri"], blade["serverHardwareTypeUri"]

    found = api.members(
        f"/rest/server-hardware?filter=serverGroupUri='{group}'"
        f"&filter=serverHardwareTypeUri='{hardware_type}'"
    )

    assert blade["uri"] in {doc["uri"] for doc in found}
    assert {(d["serverGroupUri"], d["serverHardwareTypeUri"]) for d in found} == {
        (group, hardware_type)
    }


def test_server_hardware_fields_ironic_reads(api: Api) -> None:
    blade = api.get(server(api, "Frame1, bay 1")["uri"])

    read = ("uuid", "serverHardwareTypeUri", "serverGroupUri", "processorCount",
            "processorCoreCount", "memoryMb", "powerState", "powerLock", "state")  # fmt: skip
    for field in read:
        assert blade[field] is not None, field
    ethernet = next(
        port
        for slot in blade["portMap"]["deviceSlots"]
        for port in slot["physicalPorts"]
        if port["type"] == "Ethernet"
    )
    first = ethernet["virtualPorts"][0]
    assert first["portFunction"] == "a"
    assert len(first["mac"].split(":")) == 6


@pytest.mark.parametrize(
    ("version", "type_name"),
    [(300, "server-hardware-5"), (800, "server-hardware-8"), (4600, "server-hardware-12")],
)
def test_server_hardware_type_string_follows_the_api_version(
    api: Api, version: int, type_name: str
) -> None:
    blade = server(api, "Frame1, bay 1")

    assert api.at(version).get(blade["uri"])["type"] == type_name


def test_remote_console_url_points_at_the_ilo_with_a_fresh_session_key(api: Api) -> None:
    blade = api.get(server(api, "Frame1, bay 1")["uri"])
    ilo = next(
        entry["address"]
        for entry in blade["mpHostInfo"]["mpIpAddresses"]
        if entry["type"] != "LinkLocal"
    )

    first = api.get(f"{blade['uri']}/remoteConsoleUrl")["remoteConsoleUrl"]
    second = api.get(f"{blade['uri']}/remoteConsoleUrl")["remoteConsoleUrl"]

    assert first.startswith(f"hplocons://addr={ilo}&sessionkey=")
    assert first != second


def test_refresh_state_runs_a_task_and_returns_to_not_refreshing(
    api: Api, sim: SimulatorHandle
) -> None:
    blade = server(api, "Frame1, bay 2")
    with time_scale(sim, 1.0):
        api.call("PUT", f"{blade['uri']}/refreshState", {"refreshState": "RefreshPending"})
        during = api.get(blade["uri"])["refreshState"]
    task = api.run("PUT", f"{blade['uri']}/refreshState", {"refreshState": "RefreshPending"})

    assert during == "Refreshing"
    assert task["name"] == "Refresh"
    assert api.get(blade["uri"])["refreshState"] == "NotRefreshing"


def test_refresh_state_must_be_refresh_pending(api: Api) -> None:
    blade = server(api, "Frame1, bay 2")

    response = api.call("PUT", f"{blade['uri']}/refreshState", {"refreshState": "Now"})

    assert "RefreshPending" in error(response, 400, "INVALID_REFRESH_STATE")["details"]


@pytest.mark.parametrize(
    ("path", "value", "field", "stored"),
    [
        ("/uidState", "On", "uidState", "On"),
        ("/oneTimeBoot", "Network", "oneTimeBoot", "Network"),
        ("/maintenanceMode", "true", "maintenanceMode", True),
    ],
)
def test_patch_server_hardware(api: Api, path: str, value: str, field: str, stored: object) -> None:
    blade = server(api, "Frame1, bay 3")

    api.run("PATCH", blade["uri"], [{"op": "replace", "path": path, "value": value}])

    assert api.get(blade["uri"])[field] == stored


def test_if_none_match_answers_304_until_the_server_changes(api: Api) -> None:
    blade = server(api, "Frame1, bay 3")
    asked = {"If-None-Match": f'"{blade["eTag"]}"'}

    unchanged = api.call("GET", blade["uri"], headers=asked)
    api.run("PATCH", blade["uri"], [{"op": "replace", "path": "/uidState", "value": "Blink"}])
    changed = api.call("GET", blade["uri"], headers=asked)

    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert changed.status_code == 200
    assert changed.json()["uidState"] == "Blink"


@pytest.mark.parametrize(
    ("operation", "code"),
    [
        ({"op": "replace", "path": "/oneTimeBoot", "value": "Floppy"}, "INVALID_PATCH_VALUE"),
        ({"op": "replace", "path": "/name", "value": "x"}, "INVALID_PATCH_PATH"),
        ({"op": "add", "path": "/uidState", "value": "On"}, "INVALID_PATCH_REQUEST"),
    ],
)
def test_bad_patches_are_400(api: Api, operation: dict[str, str], code: str) -> None:
    blade = server(api, "Frame1, bay 3")

    error(api.call("PATCH", blade["uri"], [operation]), 400, code)


def test_local_storage_v1_and_v2_describe_the_same_drives(api: Api) -> None:
    blade = server(api, "Frame1, bay 3")

    smart = api.get(f"{blade['uri']}/localStorage")
    redfish = api.get(f"{blade['uri']}/localStorageV2")

    smart_drives = [d for c in smart["data"] for d in c["PhysicalDrives"]]
    redfish_drives = [d for c in redfish["data"] for d in c["Drives"]]
    assert smart_drives and len(smart_drives) == len(redfish_drives)
    assert [d["CapacityMiB"] * 1024 * 1024 for d in smart_drives] == [
        d["CapacityBytes"] for d in redfish_drives
    ]
    volumes = [v for c in redfish["data"] for v in c["Volumes"]]
    assert all(v["CapacityBytes"] > 0 for v in volumes)
    assert smart["serverHardwareUri"] == redfish["serverHardwareUri"] == blade["uri"]


def test_server_hardware_types(api: Api) -> None:
    blade = server(api, "Frame1, bay 1")

    listed = api.members("/rest/server-hardware-types")
    one = api.get(blade["serverHardwareTypeUri"])

    assert one["uri"] in {doc["uri"] for doc in listed}
    assert "PXE" in one["bootCapabilities"]
    assert api.at(300).get(one["uri"])["type"] == "server-hardware-type-5"


def test_enclosures_and_enclosure_groups(api: Api) -> None:
    blade = server(api, "Frame1, bay 1")

    enclosure = api.get(blade["locationUri"])
    group = api.get(blade["serverGroupUri"])

    assert enclosure["enclosureGroupUri"] == group["uri"]
    assert blade["uri"] in {bay.get("deviceUri") for bay in enclosure["deviceBays"]}
    assert {e["uri"] for e in api.members("/rest/enclosures")} >= {enclosure["uri"]}
    assert {g["uri"] for g in api.members("/rest/enclosure-groups")} >= {group["uri"]}
    old = api.at(300).get(group["uri"])
    assert (old["type"], old["stackingMode"]) == ("EnclosureGroupV300", "Enclosure")
    assert "stackingMode" not in group


def test_firmware_drivers(api: Api) -> None:
    baselines = api.members("/rest/firmware-drivers")

    assert baselines
    assert api.get(baselines[0]["uri"])["name"] == baselines[0]["name"]


def test_unknown_resources_are_404(api: Api) -> None:
    for path in ("/rest/server-hardware/NOPE", "/rest/server-hardware-types/NOPE",
                 "/rest/enclosures/NOPE", "/rest/enclosure-groups/NOPE",
                 "/rest/firmware-drivers/NOPE"):  # fmt: skip
        error(api.call("GET", path), 404, "RESOURCE_NOT_FOUND")


def test_node_version_answers_before_login(sim: SimulatorHandle) -> None:
    response = requests.get(
        sim.url + "/rest/appliance/nodeinfo/version", verify=sim.verify, timeout=30
    )

    body = response.json()
    assert response.status_code == 200
    assert body["type"] == "NodeVersionDto4"
    assert (body["major"], body["minor"]) == ("8", "00")  # the simulator serves API 4600
    assert body["softwareVersion"].startswith("8.00.")


def test_node_status_and_health_need_a_session(api: Api, sim: SimulatorHandle) -> None:
    anonymous = requests.get(
        sim.url + "/rest/appliance/health-status",
        headers={"X-API-Version": "800"},
        verify=sim.verify,
        timeout=30,
    )

    error(anonymous, 401, "AUTHORIZATION")
    assert api.get("/rest/appliance/nodeinfo/status")["state"] == "OK"
    health = api.get("/rest/appliance/health-status")
    assert {m["resourceType"] for m in health["members"]} == {"MEMORY", "CPU", "DISK"}
