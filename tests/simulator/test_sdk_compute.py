"""The official hpeOneView SDK, unchanged, as the client of the simulator's compute resources.

What Ironic-like callers do: log in, find servers, switch power, build a profile
from a template's new-profile, apply it, edit it, delete it, and read the
errors the SDK raises. Run at API 800, 2400 and at the simulator's current version (4600).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hpeOneView.exceptions import HPEOneViewException, HPEOneViewTaskError
from hpeOneView.oneview_client import OneViewClient

from oneview_openstack.testing.simulator import SimulatorHandle

from .compute_support import CURRENT, FAST, time_scale

pytestmark = [
    pytest.mark.functional,
    pytest.mark.filterwarnings("ignore:ssl.PROTOCOL_TLSv1_2 is deprecated:DeprecationWarning"),
]

BLADE = "Frame1, bay 1"
TEMPLATE = "SPT-Prod-SY480"


@pytest.fixture(params=[800, 2400, CURRENT], ids=["api800", "api2400", "current"])
def oneview(request: pytest.FixtureRequest, sim: SimulatorHandle) -> Iterator[OneViewClient]:
    # Tasks finish within their request: the SDK sleeps >= 1 s whenever a task still runs.
    with time_scale(sim, 0.0):
        yield OneViewClient(
            {
                "ip": sim.host,
                "credentials": {"userName": sim.username, "password": sim.password},
                "api_version": request.param,
                "ssl_certificate": sim.ca_file,
            }
        )


def new_profile(oneview: OneViewClient, name: str, blade: Any) -> dict[str, Any]:
    body: dict[str, Any] = oneview.server_profile_templates.get_by_name(TEMPLATE).get_new_profile()
    body.update(name=name, serverHardwareUri=blade.data["uri"])
    return body


def test_sdk_finds_servers_by_filter_and_name(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)
    group, hardware_type = blade.data["serverGroupUri"], blade.data["serverHardwareTypeUri"]

    found = oneview.server_hardware.get_all(
        filter=[f"serverGroupUri='{group}'", f"serverHardwareTypeUri='{hardware_type}'"]
    )

    assert blade.data["uri"] in {doc["uri"] for doc in found}
    assert {doc["serverHardwareTypeUri"] for doc in found} == {hardware_type}
    assert oneview.server_hardware_types.get_by_uri(hardware_type).data["uri"] == hardware_type
    assert oneview.enclosure_groups.get_by_uri(group).data["uri"] == group
    assert oneview.enclosures.get_by_uri(blade.data["locationUri"]).data["serialNumber"]
    assert oneview.firmware_drivers.get_all()


def test_sdk_switches_power(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)

    on = blade.update_power_state({"powerState": "On", "powerControl": "MomentaryPress"})
    off = blade.update_power_state({"powerState": "Off", "powerControl": "PressAndHold"})

    assert (on["powerState"], off["powerState"]) == ("On", "Off")
    assert on["uri"] == blade.data["uri"]


def test_sdk_reads_power_errors(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)

    with pytest.raises(HPEOneViewException) as raised:
        blade.update_power_state({"powerState": "On", "powerControl": "ColdBoot"})

    body = raised.value.oneview_response
    assert body["errorCode"] == "INVALID_POWER_CONTROL_REQUEST_POWER_COLDBOOT_OFF"
    assert raised.value.msg == "Unable to cold boot because the server is currently off."


def test_sdk_profile_lifecycle(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)

    profile = oneview.server_profiles.create(new_profile(oneview, "sdk-node", blade))
    applied = oneview.server_hardware.get_by_uri(blade.data["uri"]).data
    profile.update({"boot": {"manageBoot": True, "order": ["HardDisk", "PXE"]}})
    edited = oneview.server_profiles.get_by_uri(profile.data["uri"]).data
    deleted = profile.delete()
    freed = oneview.server_hardware.get_by_uri(blade.data["uri"]).data

    assert (profile.data["name"], profile.data["serverHardwareUri"]) == (
        "sdk-node",
        blade.data["uri"],
    )
    assert (applied["state"], applied["serverProfileUri"]) == (
        "ProfileApplied",
        profile.data["uri"],
    )
    assert edited["boot"]["order"] == ["HardDisk", "PXE"]
    assert edited["templateCompliance"] == "NonCompliant"
    assert deleted is True
    assert (freed["state"], freed["serverProfileUri"]) == ("NoProfileApplied", None)
    assert oneview.server_profiles.get_by_name("sdk-node") is None


def test_sdk_waits_for_a_running_apply_task(oneview: OneViewClient, sim: SimulatorHandle) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)
    with time_scale(sim, FAST):
        profile = oneview.server_profiles.create(new_profile(oneview, "sdk-node", blade))
        task = oneview.tasks.get_by_uri(profile.data["taskUri"]).data

    assert (task["taskState"], task["percentComplete"]) == ("Completed", 100)
    assert len(task["progressUpdates"]) == task["totalSteps"] > 1
    assert profile.data["state"] == "Normal"


def test_sdk_raises_task_errors_with_their_code(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)
    blade.update_power_state({"powerState": "On", "powerControl": "MomentaryPress"})

    with pytest.raises(HPEOneViewTaskError) as not_off:
        oneview.server_profiles.create(new_profile(oneview, "sdk-node", blade))
    with pytest.raises(HPEOneViewTaskError) as duplicate:
        oneview.server_profiles.create(new_profile(oneview, "sap-hana-01", blade))

    assert not_off.value.error_code == "SERVER_NOT_OFF"
    assert "powered off" in not_off.value.msg
    assert duplicate.value.error_code == "DUPLICATED_PROFILE_NAME"


def test_sdk_reads_400_and_404_bodies(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)
    body = new_profile(oneview, "sdk-node", blade)
    body["serverHardwareUri"] = "/rest/server-hardware/NOPE"

    with pytest.raises(HPEOneViewException) as bad_reference:
        oneview.server_profiles.create(body)
    with pytest.raises(HPEOneViewException) as missing:
        oneview.server_profiles.get_by_uri("/rest/server-profiles/0000")

    assert bad_reference.value.oneview_response["errorCode"] == "INVALID_RESOURCE_URI"
    assert missing.value.oneview_response["errorCode"] == "ProfileNotFoundException"


def test_sdk_template_compliance(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)
    profile = oneview.server_profiles.create(new_profile(oneview, "sdk-node", blade))
    template = oneview.server_profile_templates.get_by_name(TEMPLATE)

    template.update({"boot": {"manageBoot": True, "order": ["HardDisk", "PXE"]}})
    drifted = oneview.server_profiles.get_by_uri(profile.data["uri"])
    preview = drifted.get_compliance_preview()
    drifted.patch("replace", "/templateCompliance", "Compliant")

    assert drifted.data["templateCompliance"] == "Compliant"
    assert drifted.data["boot"]["order"] == ["HardDisk", "PXE"]
    assert preview["isOnlineUpdate"] is False and preview["automaticUpdates"]


def test_sdk_appliance_information(oneview: OneViewClient) -> None:
    version = oneview.appliance_node_information.get_version().data
    status = oneview.appliance_node_information.get_status().data
    health = oneview.appliance_health_status.get_health_status().data

    assert version["softwareVersion"].startswith("8.00")
    assert status["state"] == "OK"
    assert len(health["members"]) == 3
