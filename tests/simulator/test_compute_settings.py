"""BIOS, local storage (RAID) and firmware of server profiles, as the hardware sees them.

Raw HTTP against the simulator: what a profile's ``bios``, ``localStorage`` and
``firmware`` sections do to ``/rest/server-hardware/{id}/bios``, ``/localStorage``
and ``/firmware``, and how bad sections are refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

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
        ],
    }
    task = api.run("POST", "/rest/server-profiles", _body(api, "bios-1", BLADE, bios=bios))
    profile_uri = task["associatedResource"]["resourceUri"]

    applied = _bios(api, BLADE)
    assert defaults["ProcHyperthreading"] == "Enabled"
    assert applied["ProcHyperthreading"] == "Disabled"
    assert applied["WorkloadProfile"] == "Virtualization-MaxPerformance"
    assert applied["ProcCoreDisable"] == "4"
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
        ({"id": "ServerAssetTag", "value": "x" * 40}, "INVALID_BIOS_SETTING_VALUE"),
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
