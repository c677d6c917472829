"""BIOS, local storage (RAID) and firmware of server profiles, as the hardware sees them.

Raw HTTP against the simulator: what a profile's ``bios``, ``localStorage`` and
``firmware`` sections do to ``/rest/server-hardware/{id}/bios``, ``/localStorage``
and ``/firmware``, and how bad sections are refused.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from oneview_openstack.testing.simulator import SimulatorHandle

from .compute_support import FAST, Api, error, profile_body, server, template, time_scale
from .http_support import Doc

pytestmark = pytest.mark.functional

BLADE = "Frame1, bay 1"  # SY 480 Gen10, off, no profile, two 480 GB drives
BIG = "Frame1, bay 5"  # SY 660 Gen10, four 1920 GB drives


@pytest.fixture
def api(sim: SimulatorHandle) -> Iterator[Api]:
    with time_scale(sim, FAST):
        yield Api(sim)


def _body(api: Api, name: str, server_name: str, **sections: Any) -> Doc:
    body = profile_body(api, template(api), name, server(api, server_name))
    if server_name == BIG:
        body = profile_body(api, template(api, "SPT-Prod-SY660"), name, server(api, server_name))
    body.update(sections)
    return body


def _bios(api: Api, server_name: str) -> dict[str, Any]:
    found = api.get(f"{server(api, server_name)['uri']}/bios")["settings"]
    return {s["id"]: s["value"] for s in found}


# -- BIOS ------------------------------------------------------------------------------


def test_profile_bios_overrides_reach_the_server_and_stay_after_removal(api: Api) -> None:
    defaults = _bios(api, BLADE)
    bios = {
        "manageBios": True,
        "overriddenSettings": [
            {"id": "ProcHyperthreading", "value": "Disabled"},
            {"id": "WorkloadProfile", "value": "Virtualization-MaxPerformance"},
            {"id": "ProcCoreDisable", "value": "4"},
            {"id": "ServerPrimaryOs", "value": "Ubuntu 24.04"},
        ],
    }
    task = api.run("POST", "/rest/server-profiles", _body(api, "bios-1", BLADE, bios=bios))
    profile_uri = task["associatedResource"]["resourceUri"]

    applied = _bios(api, BLADE)
    assert defaults["ProcHyperthreading"] == "Enabled"
    assert applied["ProcHyperthreading"] == "Disabled"
    assert applied["WorkloadProfile"] == "Virtualization-MaxPerformance"
    assert applied["ProcCoreDisable"] == "4"
    assert applied["ServerPrimaryOs"] == "Ubuntu 24.04"
    assert applied["PowerRegulator"] == defaults["PowerRegulator"]

    api.run("DELETE", profile_uri)
    assert _bios(api, BLADE) == applied  # the hardware keeps its BIOS


def test_profile_managing_bios_resets_what_it_does_not_override(api: Api) -> None:
    first = {"manageBios": True, "overriddenSettings": [{"id": "Sriov", "value": "Disabled"}]}
    task = api.run("POST", "/rest/server-profiles", _body(api, "bios-2", BLADE, bios=first))
    profile = api.get(task["associatedResource"]["resourceUri"])
    profile["bios"] = {
        "manageBios": True,
        "overriddenSettings": [{"id": "PowerRegulator", "value": "StaticHighPerf"}],
    }
    api.run("PUT", profile["uri"], profile)

    values = _bios(api, BLADE)
    assert values["Sriov"] == "Enabled"
    assert values["PowerRegulator"] == "StaticHighPerf"


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ({"id": "NoSuchSetting", "value": "Enabled"}, "UNSUPPORTED_BIOS_SETTING"),
        ({"id": "ProcHyperthreading", "value": "Maybe"}, "INVALID_BIOS_SETTING_VALUE"),
        ({"id": "ProcCoreDisable", "value": "99"}, "INVALID_BIOS_SETTING_VALUE"),
        ({"id": "ServerPrimaryOs", "value": "x" * 43}, "INVALID_BIOS_SETTING_VALUE"),
        ({"id": "ServerPrimaryOs", "value": "tab\there"}, "INVALID_BIOS_SETTING_VALUE"),
    ],
)
def test_bad_bios_override_is_refused_at_once(api: Api, entry: Doc, code: str) -> None:
    bios = {"manageBios": True, "overriddenSettings": [entry]}
    body = _body(api, "bios-bad", BLADE, bios=bios)

    refused = error(api.call("POST", "/rest/server-profiles", body), 400, code)

    assert str(entry["id"]) in refused["message"] + refused["details"]
    assert api.members("/rest/server-profiles?filter=\"name='bios-bad'\"") == []
    assert _bios(api, BLADE)["ProcHyperthreading"] == "Enabled"


def test_bad_bios_override_in_a_template_is_refused(api: Api) -> None:
    spt = template(api)
    spt["bios"] = {"manageBios": True, "overriddenSettings": [{"id": "Sriov", "value": "On"}]}

    error(api.call("PUT", spt["uri"], spt), 400, "INVALID_BIOS_SETTING_VALUE")


# -- several tasks in one listing ----------------------------------------------------


def test_tasks_selected_by_uri_with_or_in_one_listing(api: Api) -> None:
    first = api.call("PUT", f"{server(api, BLADE)['uri']}/refreshState", REFRESH)
    second = api.call("PUT", f"{server(api, BIG)['uri']}/refreshState", REFRESH)
    uris = [api.wait(first)["uri"], api.wait(second)["uri"]]
    either = " OR ".join(f"uri='{uri}'" for uri in uris)

    both = api.members(f'/rest/tasks?filter="{either}"')
    completed = api.members(f"/rest/tasks?filter=\"({either}) AND taskState='Completed'\"")
    running = api.members(f'/rest/tasks?filter="{either}"&filter="taskState=\'Running\'"')
    anded = api.members(f"/rest/tasks?filter=\"uri='{uris[0]}'\"&filter=\"uri='{uris[1]}'\"")

    assert sorted(t["uri"] for t in both) == sorted(uris)
    assert sorted(t["uri"] for t in completed) == sorted(uris)
    assert running == []
    assert anded == []  # several filter parameters are ANDed


def test_task_listing_with_a_broken_or_filter_is_refused(api: Api) -> None:
    response = api.call("GET", "/rest/tasks?filter=\"uri='/rest/tasks/a' OR\"")

    error(response, 400, "INVALID_FILTER")


REFRESH = {"refreshState": "RefreshPending"}


# -- local storage (RAID) ------------------------------------------------------------

MIB_1920_GB = 1920 * 1000**3 // 1024**2


def _controller(*drives: Doc, initialize: bool = True, mode: str = "RAID") -> Doc:
    return {
        "localStorage": {
            "controllers": [
                {
                    "deviceSlot": "Embedded",
                    "mode": mode,
                    "initialize": initialize,
                    "logicalDrives": list(drives),
                }
            ]
        }
    }


def _drive(name: str, level: str, count: int, bootable: bool = False) -> Doc:
    return {
        "name": name,
        "raidLevel": level,
        "bootable": bootable,
        "numPhysicalDrives": count,
        "driveTechnology": "SasSsd",
        "accelerator": "Unmanaged",
    }


def _logical_drives(api: Api, server_name: str) -> list[Doc]:
    storage = api.get(f"{server(api, server_name)['uri']}/localStorage")
    found: list[Doc] = storage["data"][0]["LogicalDrives"]
    return found


def test_profile_raid_creates_logical_drives_sized_by_level(api: Api) -> None:
    storage = _controller(_drive("os", "RAID1", 2, bootable=True), _drive("data", "RAID0", 2))
    task = api.run("POST", "/rest/server-profiles", _body(api, "raid-1", BIG, **storage))
    profile = api.get(task["associatedResource"]["resourceUri"])

    drives = {d["LogicalDriveName"]: d for d in _logical_drives(api, BIG)}
    assert sorted(drives) == ["data", "os"]  # initialize wiped the seed's "boot" drive
    assert drives["os"]["Raid"] == "1" and drives["os"]["CapacityMiB"] == MIB_1920_GB
    assert drives["data"]["CapacityMiB"] == 2 * MIB_1920_GB
    assert not set(drives["os"]["DataDrives"]) & set(drives["data"]["DataDrives"])
    numbers = [d["driveNumber"] for d in profile["localStorage"]["controllers"][0]["logicalDrives"]]
    assert numbers == [drives["os"]["LogicalDriveNumber"], drives["data"]["LogicalDriveNumber"]]

    profile["description"] = "edited"  # an edit that leaves local storage alone
    api.run("PUT", profile["uri"], profile)
    assert _logical_drives(api, BIG) == list(drives.values())

    api.run("DELETE", profile["uri"])
    assert {d["LogicalDriveName"] for d in _logical_drives(api, BIG)} == {"os", "data"}


def test_profile_raid5_without_initialize_keeps_existing_drives(api: Api) -> None:
    storage = _controller(_drive("scratch", "RAID0", 2), initialize=False)
    api.run("POST", "/rest/server-profiles", _body(api, "raid-2", BIG, **storage))

    drives = {d["LogicalDriveName"]: d for d in _logical_drives(api, BIG)}
    assert sorted(drives) == ["boot", "scratch"]
    assert drives["scratch"]["LogicalDriveNumber"] == 2


def test_profile_asking_more_drives_than_free_ends_in_error(api: Api) -> None:
    storage = _controller(_drive("big", "RAID5", 3), initialize=False)  # 2 of 4 taken by boot
    before = _logical_drives(api, BIG)

    task = api.fails(
        "POST",
        "/rest/server-profiles",
        _body(api, "raid-3", BIG, **storage),
        "INSUFFICIENT_PHYSICAL_DRIVES",
    )

    assert "big" in task["taskErrors"][0]["message"]
    assert _logical_drives(api, BIG) == before
    assert server(api, BIG)["serverProfileUri"] is None


@pytest.mark.parametrize(
    ("storage", "code"),
    [
        (_controller(_drive("a", "RAID7", 2)), "UNSUPPORTED_RAID_LEVEL"),
        (_controller(_drive("a", "RAID5", 2)), "INVALID_NUMBER_OF_PHYSICAL_DRIVES"),
        (_controller(_drive("a", "RAID10", 3)), "INVALID_NUMBER_OF_PHYSICAL_DRIVES"),
        (_controller(_drive("a", "RAID0", 9)), "INVALID_NUMBER_OF_PHYSICAL_DRIVES"),
        (
            _controller(_drive("a", "RAID0", 1, True), _drive("b", "RAID0", 1, True)),
            "MULTIPLE_BOOTABLE_LOGICAL_DRIVES",
        ),
        (
            _controller(_drive("a", "RAID0", 1), mode="HBA"),
            "LOGICAL_DRIVES_NOT_SUPPORTED_IN_HBA_MODE",
        ),
        (_controller(mode="JBOD"), "INVALID_CONTROLLER_MODE"),
    ],
)
def test_bad_local_storage_is_refused_at_once(api: Api, storage: Doc, code: str) -> None:
    body = _body(api, "raid-bad", BIG, **storage)

    error(api.call("POST", "/rest/server-profiles", body), 400, code)

    assert api.members("/rest/server-profiles?filter=\"name='raid-bad'\"") == []


def test_bad_local_storage_or_firmware_in_a_template_is_refused(api: Api) -> None:
    spt = template(api)
    raid = {**spt, **_controller(_drive("a", "RAID6", 3))}
    firmware = {**spt, "firmware": {**spt["firmware"], "firmwareInstallType": "Online"}}

    error(api.call("PUT", spt["uri"], raid), 400, "INVALID_NUMBER_OF_PHYSICAL_DRIVES")
    error(api.call("PUT", spt["uri"], firmware), 400, "INVALID_PARAMETER")
    assert api.get(spt["uri"])["localStorage"]["controllers"] == []


# -- firmware ------------------------------------------------------------------------

OLD_SPP = "/rest/firmware-drivers/Service_Pack_for_Synergy_SY_2023_10_01"
NEW_SPP = "/rest/firmware-drivers/Service_Pack_for_Synergy_SY_2024_04_01"


def _firmware(baseline: str, force: bool = False, kind: str = "FirmwareOnlyOfflineMode") -> Doc:
    return {
        "firmware": {
            "manageFirmware": True,
            "firmwareBaselineUri": baseline,
            "forceInstallFirmware": force,
            "firmwareInstallType": kind,
            "firmwareActivationType": None,
        }
    }


def _versions(api: Api, server_name: str) -> dict[str, str]:
    inventory = api.get(f"{server(api, server_name)['uri']}/firmware")
    return {c["componentName"]: c["componentVersion"] for c in inventory["components"]}


def _baseline_versions(api: Api, baseline: str) -> dict[str, str]:
    return {c["name"]: c["componentVersion"] for c in api.get(baseline)["fwComponents"]}


def _update_required(api: Api, server_name: str, baseline: str) -> bool:
    body = {"serverUUID": server(api, server_name)["uuid"], "firmwareBaselineId": baseline}
    response = api.call("POST", "/rest/server-hardware/firmware-compliance", body)
    assert response.status_code == 200, response.text
    return bool(response.json()["serverFirmwareUpdateRequired"])


def test_seed_baselines_differ_and_servers_run_the_newest(api: Api) -> None:
    old, new = _baseline_versions(api, OLD_SPP), _baseline_versions(api, NEW_SPP)

    assert old.keys() == new.keys() and all(old[name] != new[name] for name in old)
    assert _versions(api, BLADE) == new
    assert not _update_required(api, BLADE, NEW_SPP)


def test_profile_installs_a_baseline_in_the_time_it_takes(api: Api, sim: SimulatorHandle) -> None:
    body = _body(api, "fw-1", BLADE, **_firmware(OLD_SPP, force=True))
    sim.operator.set_config(time_scale=0.002)  # 120 s + 1440 s of firmware: about 3 s

    accepted = api.call("POST", "/rest/server-profiles", body)
    time.sleep(0.8)  # observe the task where one without firmware would be done (0.24 s)
    running = api.get(accepted.headers["Location"])
    finished = api.wait(accepted)

    assert running["taskState"] == "Running", running
    assert 0 < running["percentComplete"] < 100
    assert finished["taskState"] == "Completed", finished["taskErrors"]
    assert "Update firmware." in [u["statusUpdate"] for u in finished["progressUpdates"]]
    assert _versions(api, BLADE) == _baseline_versions(api, OLD_SPP)
    assert _update_required(api, BLADE, NEW_SPP)
    listed = api.members("/rest/server-hardware/*/firmware")
    mine = [doc for doc in listed if doc["serverHardwareUri"] == server(api, BLADE)["uri"]]
    assert mine[0]["components"] == api.get(f"{server(api, BLADE)['uri']}/firmware")["components"]


def test_profile_edit_to_a_newer_baseline_updates_the_server(api: Api) -> None:
    task = api.run(
        "POST", "/rest/server-profiles", _body(api, "fw-2", BLADE, **_firmware(OLD_SPP, True))
    )
    profile = api.get(task["associatedResource"]["resourceUri"])
    profile.update(_firmware(NEW_SPP))

    api.run("PUT", profile["uri"], profile)

    assert _versions(api, BLADE) == _baseline_versions(api, NEW_SPP)
    assert server(api, BLADE)["mpFirmwareVersion"].startswith(
        _versions(api, BLADE)["HPE Integrated Lights-Out 5"]
    )


def test_older_baseline_without_force_changes_nothing(api: Api) -> None:
    before = _versions(api, BLADE)

    task = api.run("POST", "/rest/server-profiles", _body(api, "fw-3", BLADE, **_firmware(OLD_SPP)))

    assert _versions(api, BLADE) == before
    assert "Update firmware." not in [u["statusUpdate"] for u in task["progressUpdates"]]


def test_injected_firmware_failure_ends_the_task_in_error(api: Api, sim: SimulatorHandle) -> None:
    before = _versions(api, BLADE)
    path = f"/sim/server-hardware/{server(api, BLADE)['uri'].rsplit('/', 1)[-1]}/firmware/fail-next"
    injected = requests.post(sim.url + path, json={}, verify=sim.verify, timeout=30)
    assert injected.status_code == 201, injected.text

    body = _body(api, "fw-4", BLADE, **_firmware(OLD_SPP, force=True))
    task = api.fails("POST", "/rest/server-profiles", body, "FIRMWARE_INSTALL_FAILED")

    assert "System ROM" in task["taskErrors"][0]["details"]
    assert _versions(api, BLADE) == before
    assert server(api, BLADE)["serverProfileUri"] is None
    api.run("POST", "/rest/server-profiles", body)  # only the next install fails
    assert _versions(api, BLADE) == _baseline_versions(api, OLD_SPP)


def test_injecting_a_bad_firmware_failure_is_refused(api: Api, sim: SimulatorHandle) -> None:
    blade = server(api, BLADE)["uri"].rsplit("/", 1)[-1]

    def inject(server_id: str, body: Doc) -> requests.Response:
        path = f"/sim/server-hardware/{server_id}/firmware/fail-next"
        return requests.post(sim.url + path, json=body, verify=sim.verify, timeout=30)

    error(inject("NOPE", {}), 404, "RESOURCE_NOT_FOUND")
    error(inject(blade, {"errorCode": 5}), 400, "INVALID_OPERATOR_REQUEST")


def test_online_install_without_isut_ends_in_error(api: Api) -> None:
    body = _body(api, "fw-5", BLADE, **_firmware(OLD_SPP, True, kind="FirmwareAndOSDrivers"))

    task = api.fails("POST", "/rest/server-profiles", body, "SUT_NOT_RUNNING")

    assert "FirmwareAndOSDrivers" in task["taskErrors"][0]["message"]


@pytest.mark.parametrize(
    ("firmware", "code"),
    [
        (_firmware("/rest/firmware-drivers/NOPE"), "INVALID_RESOURCE_URI"),
        (_firmware(OLD_SPP, kind="FirmwareAndDrivers"), "INVALID_PARAMETER"),
        ({"firmware": {"manageFirmware": True}}, "INVALID_PARAMETER"),
    ],
)
def test_bad_firmware_section_is_refused_at_once(api: Api, firmware: Doc, code: str) -> None:
    body = _body(api, "fw-bad", BLADE, **firmware)

    error(api.call("POST", "/rest/server-profiles", body), 400, code)
