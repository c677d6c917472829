"""The hpeOneView SDK's remaining compute, user and appliance methods against the simulator.

Server hardware sub-resources (utilization, BIOS, environmental configuration,
firmware, console URLs), hardware types, profile and template helpers, users and
roles, login details, versions. Through the SDK's own methods at API 800, 2400
and 4600; error paths over plain HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hpeOneView.exceptions import HPEOneViewException, HPEOneViewTaskError
from hpeOneView.oneview_client import OneViewClient

from oneview_openstack.testing.simulator import SimulatorHandle

from .compute_support import Api, error, server, time_scale

pytestmark = [
    pytest.mark.functional,
    pytest.mark.filterwarnings("ignore:ssl.PROTOCOL_TLSv1_2 is deprecated:DeprecationWarning"),
]

BLADE = "Frame1, bay 1"
RUNNING = "Frame2, bay 4"  # powered on, profile sap-hana-01
TEMPLATE = "SPT-Prod-SY480"


@pytest.fixture(params=[800, 2400, 4600], ids=["api800", "api2400", "api4600"])
def oneview(request: pytest.FixtureRequest, sim: SimulatorHandle) -> Iterator[OneViewClient]:
    with time_scale(sim, 0.0):
        yield OneViewClient(
            {
                "ip": sim.host,
                "credentials": {"userName": sim.username, "password": sim.password},
                "api_version": request.param,
                "ssl_certificate": sim.ca_file,
            }
        )


def test_sdk_server_hardware_readings(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)
    running = oneview.server_hardware.get_by_name(RUNNING)

    idle = blade.get_utilization(fields="AveragePower,CpuUtilization")
    busy = running.get_utilization(
        fields="AveragePower",
        filter=["startDate=2024-03-04T08:00:00.000Z"],
        refresh=True,
        view="native",
    )
    environment = blade.get_environmental_configuration()
    changed = blade.update_environmental_configuration({"calibratedMaxPower": 450})
    bios = blade.get_bios()
    hardware_type = oneview.server_hardware_types.get_by_uri(blade.data["serverHardwareTypeUri"])

    powers = {m["metricName"]: m for m in idle["metricList"]}
    assert set(powers) == {"AveragePower", "CpuUtilization"}
    assert all(value < 20 for _, value in powers["AveragePower"]["metricSamples"])
    assert {value for _, value in powers["CpuUtilization"]["metricSamples"]} == {0}
    samples = busy["metricList"][0]["metricSamples"]
    assert len(samples) == 288 and len({value for _, value in samples}) > 5
    assert min(value for _, value in samples) > 100
    assert busy["refreshTaskUri"].startswith("/rest/tasks/")
    assert environment["calibratedMaxPower"] > 0 and changed["calibratedMaxPower"] == 450
    assert blade.get_environmental_configuration()["calibratedMaxPower"] == 450
    assert [s["id"] for s in bios["settings"]] == [
        s["id"] for s in hardware_type.data["biosSettings"]
    ]


def test_sdk_server_hardware_firmware(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)
    baseline = oneview.firmware_drivers.get_all()[0]

    inventory = blade.get_firmware()
    everything = oneview.server_hardware.get_all_firmwares()
    filtered = oneview.server_hardware.get_all_firmwares(filter=f"serverHardwareName='{BLADE}'")
    compliance = blade.check_firmware_compliance(
        {"firmwareBaselineId": baseline["uri"].rsplit("/", 1)[-1], "serverUUID": blade.data["uuid"]}
    )
    updated = blade.update_mp_firware_version()

    names = {c["componentName"] for c in inventory["components"]}
    assert "System ROM" in names and any(n.startswith("HPE Integrated") for n in names)
    assert len(everything) == len(oneview.server_hardware.get_all())
    assert [f["serverHardwareUri"] for f in filtered] == [blade.data["uri"]]
    assert compliance["serverUUID"] == blade.data["uuid"]
    assert compliance["serverFirmwareUpdateRequired"] is False
    assert updated["uri"] == blade.data["uri"]


def test_sdk_server_hardware_urls_and_views(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)

    sso = blade.get_ilo_sso_url()
    console = blade.get_remote_console_url()
    storage = blade.get_local_storage()
    refreshed = blade.refresh_state({"refreshState": "RefreshPending"})

    assert sso["iloSsoUrl"].startswith("https://")
    assert console["remoteConsoleUrl"].startswith("hplocons://")
    assert storage
    assert refreshed["refreshState"] == "NotRefreshing"


def test_sdk_adding_a_rack_server_fails_like_an_unreachable_ilo(oneview: OneViewClient) -> None:
    with pytest.raises(HPEOneViewTaskError) as raised:
        oneview.server_hardware.add(
            {"hostname": "10.9.9.9", "username": "admin", "password": "secret", "force": False}
        )

    assert raised.value.error_code == "ILO_UNREACHABLE"
    assert "10.9.9.9" in raised.value.msg


def test_sdk_hardware_type_update_and_delete(oneview: OneViewClient) -> None:
    hardware_type = oneview.server_hardware_types.get_by_uri(
        oneview.server_hardware.get_by_name(BLADE).data["serverHardwareTypeUri"]
    )

    hardware_type.update({"name": "SY480 renamed", "description": "blades"})
    with pytest.raises(HPEOneViewException) as in_use:
        hardware_type.delete()

    assert oneview.server_hardware_types.get_by_name("SY480 renamed").data["description"] == (
        "blades"
    )
    assert in_use.value.oneview_response["errorCode"] == "SERVER_HARDWARE_TYPE_IN_USE"


def test_sdk_profile_helpers(oneview: OneViewClient) -> None:
    blade = oneview.server_hardware.get_by_name(BLADE)
    group, hardware_type = blade.data["serverGroupUri"], blade.data["serverHardwareTypeUri"]
    profile = oneview.server_profiles.get_by_name("sap-hana-01")
    template = oneview.server_profile_templates.get_by_name(TEMPLATE)
    profiles = oneview.server_profiles

    networks = profiles.get_available_networks(
        enclosureGroupUri=group, serverHardwareTypeUri=hardware_type
    )
    template_networks = template.get_available_networks(
        enclosureGroupUri=group, serverHardwareTypeUri=hardware_type
    )
    servers = profiles.get_available_servers(
        enclosureGroupUri=group, serverHardwareTypeUri=hardware_type
    )
    storage = profiles.get_available_storage_systems(
        enclosureGroupUri=group, serverHardwareTypeUri=hardware_type
    )
    ports = profiles.get_profile_ports(enclosureGroupUri=group, serverHardwareTypeUri=hardware_type)
    moved = profile.get_transformation(serverHardwareUri=blade.data["uri"])
    template_moved = template.get_transformation(hardware_type, group)
    messages = profile.get_messages()
    new_template = profile.get_new_profile_template()
    new_profile = template.get_new_profile()
    preview = profile.get_compliance_preview()

    names = {n["name"] for n in networks["ethernetNetworks"]}
    assert "deploy" in names
    assert names == {n["name"] for n in template_networks["ethernetNetworks"]}
    assert blade.data["uri"] in {s["serverHardwareUri"] for s in servers}
    assert profile.data["serverHardwareUri"] not in {s["serverHardwareUri"] for s in servers}
    assert storage == []
    assert "Mezz 3:1-a" in {p["portId"] for p in ports["ports"]}
    assert moved["serverProfile"]["serverHardwareUri"] == blade.data["uri"]
    assert template_moved["serverProfileTemplate"]["uri"] == template.data["uri"]
    assert "serverProfile" in messages
    assert new_template["serverHardwareTypeUri"] == profile.data["serverHardwareTypeUri"]
    assert new_template["uri"] is None and new_template["boot"] == profile.data["boot"]
    assert new_profile["serverProfileTemplateUri"] == template.data["uri"]
    assert "isOnlineUpdate" in preview


def test_sdk_users_and_roles(oneview: OneViewClient, sim: SimulatorHandle) -> None:
    users = oneview.users

    created = users.create(
        {
            "userName": "operator1",
            "password": "operator-password",
            "fullName": "Operator.One",
            "emailAddress": "op1@example.com",
            "enabled": True,
            "permissions": [{"roleName": "Server administrator"}],
        }
    )
    in_use = users.validate_user_name("operator1")
    free = users.validate_user_name("nobody")
    full_name_used = users.validate_full_name("Operator.One")
    users.add_role_to_userName("operator1", [{"roleName": "Read only"}])
    roles = users.get_role_associated_with_userName("operator1")
    by_role = users.get_user_by_role("Server administrator")
    users.remove_role_from_username("operator1", ["Read only"])
    after_remove = users.get_by_userName("operator1").data
    updated = users.get_by_userName("operator1").update({"fullName": "Operator 1"})
    login = OneViewClient(
        {
            "ip": sim.host,
            "credentials": {"userName": "operator1", "password": "operator-password"},
            "api_version": 800,
            "ssl_certificate": sim.ca_file,
        }
    )
    whoami = login.users.get_by_userName("operator1").data
    deleted = users.get_by_userName("operator1").delete()

    assert created.data["userName"] == "operator1"
    assert "password" not in created.data
    # The SDK wraps the JSON boolean in a Users object: True stays, False becomes {}.
    assert (bool(in_use.data), bool(free.data), bool(full_name_used.data)) == (True, False, True)
    assert {r["roleName"] for r in roles} == {"Server administrator", "Read only"}
    assert "operator1" in {u["userName"] for u in by_role}
    assert after_remove["roles"] == ["Server administrator"]
    assert updated.data["fullName"] == "Operator 1"
    assert whoami["emailAddress"] == "op1@example.com"
    assert deleted is True
    assert users.get_by_userName("operator1") is None
    assert "Read only" in {r["name"] for r in oneview.roles.get_all()}
    assert oneview.roles.get("Read only")["roleName"] == "Read only"


def test_sdk_login_details_versions_and_node(oneview: OneViewClient) -> None:
    details = oneview.login_details.get_login_details()
    version = oneview.versions.get_version()
    node_version = oneview.appliance_node_information.get_version().data
    status = oneview.appliance_node_information.get_status().data

    assert details["allowLocalLogin"] is True
    assert details["defaultLoginDomain"]["name"] == "LOCAL"
    assert version["currentVersion"] >= 4600
    assert node_version["major"] and status["state"] == "OK"


# -- error paths over HTTP ---------------------------------------------------------------


def test_utilization_rejects_unknown_metric_view_and_filter(sim: SimulatorHandle) -> None:
    api = Api(sim)
    uri = server(api, BLADE)["uri"]

    metric = api.call("GET", f"{uri}/utilization?fields=Voltage")
    view = api.call("GET", f"{uri}/utilization?view=week")
    bad_filter = api.call("GET", f"{uri}/utilization?filter=color=blue")

    error(metric, 400, "INVALID_METRIC")
    error(view, 400, "INVALID_VIEW")
    error(bad_filter, 400, "INVALID_FILTER")


def test_server_hardware_error_paths(sim: SimulatorHandle) -> None:
    api = Api(sim)
    blade = server(api, BLADE)

    power = api.call(
        "PUT", f"{blade['uri']}/environmentalConfiguration", {"calibratedMaxPower": -1}
    )
    missing = api.call("GET", "/rest/server-hardware/NOPE/bios")
    compliance = api.call(
        "POST",
        "/rest/server-hardware/firmware-compliance",
        {"firmwareBaselineId": "NOPE", "serverUUID": blade["uuid"]},
    )
    add = api.call("POST", "/rest/server-hardware", {"hostname": "10.1.1.1"})
    blade_removal = api.call("DELETE", blade["uri"])
    java = api.call("GET", f"{blade['uri']}/javaRemoteConsoleUrl")
    physical = api.call("GET", f"{blade['uri']}/physicalServerHardware")
    put = api.call("PUT", blade["uri"], blade)
    new_type = api.call("POST", "/rest/server-hardware-types", {"name": "x"})

    error(power, 400, "INVALID_CALIBRATED_MAX_POWER")
    error(missing, 404, "RESOURCE_NOT_FOUND")
    error(compliance, 400, "INVALID_FIRMWARE_BASELINE")
    error(add, 400, "INVALID_PARAMETER")
    error(blade_removal, 400, "CANNOT_REMOVE_SERVER_IN_ENCLOSURE")
    error(java, 400, "JAVA_REMOTE_CONSOLE_NOT_SUPPORTED")
    error(physical, 400, "PHYSICAL_SERVER_HARDWARE_NOT_SUPPORTED")
    error(put, 405, "METHOD_NOT_ALLOWED")
    error(new_type, 405, "METHOD_NOT_ALLOWED")


def test_user_error_paths(sim: SimulatorHandle) -> None:
    api = Api(sim)
    reader = Api(sim, user=sim.readonly_username)
    body = {"userName": "Administrator", "password": "long-enough", "permissions": []}

    duplicate = api.call("POST", "/rest/users", body)
    bad_role = api.call(
        "POST",
        "/rest/users",
        {"userName": "x1", "password": "long-enough", "permissions": [{"roleName": "God"}]},
    )
    short = api.call(
        "POST",
        "/rest/users",
        {"userName": "x2", "password": "short", "permissions": [{"roleName": "Read only"}]},
    )
    forbidden = reader.call("POST", "/rest/users", body)
    missing = api.call("GET", "/rest/users/nobody")
    role = api.call("GET", "/rest/roles/God")

    error(duplicate, 409, "USER_ALREADY_EXISTS")
    error(bad_role, 400, "INVALID_ROLE")
    error(short, 400, "PASSWORD_INVALID")
    error(forbidden, 403, "ACTION_FORBIDDEN_BY_ROLE")
    error(missing, 404, "USER_NOT_FOUND")
    error(role, 404, "RESOURCE_NOT_FOUND")
