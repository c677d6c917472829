"""A profile's BIOS, RAID and firmware through the hpeOneView SDK's own methods.

``ServerProfiles.create`` (which waits for the task), ``ServerHardware.get_bios``,
``get_local_storage`` (Redfish-shaped V2), ``get_firmware``, and ``Tasks.get_all``
selecting several tasks in one filter, at API 800, 2400 and 4600. Error paths:
``test_compute_settings`` (raw HTTP) and the refused create below.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hpeOneView.exceptions import HPEOneViewException
from hpeOneView.oneview_client import OneViewClient

from oneview_openstack.testing.simulator import SimulatorHandle

from .http_support import Doc
from .sdk_support import SDK_MARKS, SDK_VERSIONS, sdk_client

pytestmark = SDK_MARKS

BIG = "Frame1, bay 5"  # SY 660 Gen10, off, no profile, four 1920 GB drives
TEMPLATE = "SPT-Prod-SY660"
OLD_SPP = "/rest/firmware-drivers/Service_Pack_for_Synergy_SY_2023_10_01"


@pytest.fixture(params=SDK_VERSIONS, ids=[f"api{v}" for v in SDK_VERSIONS])
def oneview(request: pytest.FixtureRequest, sim: SimulatorHandle) -> Iterator[OneViewClient]:
    yield sdk_client(sim, request.param)


def _new_profile(oneview: OneViewClient, name: str) -> Doc:
    template = oneview.server_profile_templates.get_by_name(TEMPLATE)
    body: Doc = template.get_new_profile()
    body["name"] = name
    body["serverHardwareUri"] = oneview.server_hardware.get_by_name(BIG).data["uri"]
    return body


def test_sdk_profile_configures_bios_raid_and_firmware(oneview: OneViewClient) -> None:
    body = _new_profile(oneview, "sdk-settings")
    body["bios"] = {
        "manageBios": True,
        "overriddenSettings": [{"id": "WorkloadProfile", "value": "LowLatency"}],
    }
    body["localStorage"] = {
        "controllers": [
            {
                "deviceSlot": "Embedded",
                "mode": "RAID",
                "initialize": True,
                "logicalDrives": [
                    {"name": "os", "raidLevel": "RAID10", "bootable": True,
                     "numPhysicalDrives": 4, "driveTechnology": "SasSsd"},
                ],
            }
        ]
    }  # fmt: skip
    body["firmware"] = {
        "manageFirmware": True,
        "firmwareBaselineUri": OLD_SPP,
        "forceInstallFirmware": True,
        "firmwareInstallType": "FirmwareOnlyOfflineMode",
    }

    profile = oneview.server_profiles.create(body)
    server = oneview.server_hardware.get_by_name(BIG)

    bios = {s["id"]: s["value"] for s in server.get_bios()["settings"]}
    volumes = server.get_local_storage()["data"][0]["Volumes"]
    firmware = {
        c["componentName"]: c["componentVersion"] for c in server.get_firmware()["components"]
    }
    baseline = oneview.firmware_drivers.get_by_uri(OLD_SPP).data["fwComponents"]
    drives = profile.data["localStorage"]["controllers"][0]["logicalDrives"]
    assert bios["WorkloadProfile"] == "LowLatency"
    assert [(v["Name"], v["RAIDType"]) for v in volumes] == [("os", "RAID10")]
    assert volumes[0]["CapacityBytes"] == 2 * (1920 * 1000**3 // 1024**2) * 1024**2
    assert firmware == {c["name"]: c["componentVersion"] for c in baseline}
    assert drives[0]["driveNumber"] == 1


def test_sdk_tasks_listed_together_by_uri(oneview: OneViewClient) -> None:
    uris = []
    for server in oneview.server_hardware.get_all(count=2):
        resource = oneview.server_hardware.get_by_uri(server["uri"])
        resource.refresh_state({"refreshState": "RefreshPending"})  # waits for its task
        mine = f"associatedResource.resourceUri='{server['uri']}' AND name='Refresh'"
        uris += [task["uri"] for task in oneview.tasks.get_all(filter=mine)]

    found = oneview.tasks.get_all(filter=" OR ".join(f"uri='{uri}'" for uri in uris))
    running = oneview.tasks.get_all(
        filter=[" OR ".join(f"uri='{u}'" for u in uris), "taskState='Running'"]
    )

    assert len(uris) == 2
    assert sorted(t["uri"] for t in found) == sorted(uris)
    assert running == []


def test_sdk_refuses_a_profile_with_an_unknown_bios_setting(oneview: OneViewClient) -> None:
    body = _new_profile(oneview, "sdk-bad-bios")
    body["bios"] = {"manageBios": True, "overriddenSettings": [{"id": "Nope", "value": "1"}]}

    with pytest.raises(HPEOneViewException) as refused:
        oneview.server_profiles.create(body)

    assert refused.value.oneview_response["errorCode"] == "UNSUPPORTED_BIOS_SETTING"
    assert oneview.server_profiles.get_by_name("sdk-bad-bios") is None
