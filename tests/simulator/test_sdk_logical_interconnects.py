"""Logical interconnect settings, firmware, MAC table and validation through the hpeOneView SDK
(API 800, 2400, 4600), and their error paths over raw HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from hpeOneView.oneview_client import OneViewClient

from oneview_openstack.testing.simulator import SimulatorHandle

from .http_support import Api
from .sdk_support import SDK_MARKS, SDK_VERSIONS, sdk_client

pytestmark = SDK_MARKS


@pytest.fixture(params=SDK_VERSIONS, ids=[f"api{v}" for v in SDK_VERSIONS])
def client(request: pytest.FixtureRequest, sim: SimulatorHandle) -> OneViewClient:
    return sdk_client(sim, request.param)


def _li(client: OneViewClient) -> Any:
    first = client.logical_interconnects.get_all(sort="name:ascending")[0]
    return client.logical_interconnects.get_by_uri(first["uri"])


def test_settings_sections_read_and_change(client: OneViewClient) -> None:
    li = _li(client)

    li.update_igmp_settings({"enableIgmpSnooping": True, "igmpSnoopingVlanIds": "10"})
    li.update_port_flap_settings({"portFlapProtectionMode": "DetectAndDisable"})
    li.update_snmp_configuration(
        {"enabled": True, "readCommunity": "ops",
         "trapDestinations": [{"trapDestination": "10.0.0.9", "communityString": "ops"}]}
    )  # fmt: skip
    li.update_qos_aggregated_configuration(
        {"activeQosConfig": {"type": "QosConfiguration", "configType": "CustomNoFCoE"}}
    )
    li.update_telemetry_configurations({"enableTelemetry": True, "sampleInterval": 600})

    igmp = li.get_igmp_settings()
    assert (igmp["enableIgmpSnooping"], igmp["igmpSnoopingVlanIds"]) == (True, "10")
    assert li.get_ethernet_settings()["enableIgmpSnooping"] is True
    assert li.get_snmp_configuration()["readCommunity"] == "ops"
    assert li.get_qos_aggregated_configuration()["activeQosConfig"]["configType"] == (
        "CustomNoFCoE"
    )
    telemetry = li.get_telemetry_configuration()
    assert (telemetry["sampleInterval"], telemetry["uri"]) == (
        600,
        li.data["telemetryConfiguration"]["uri"],
    )
    li.refresh()
    assert li.data["portFlapProtection"]["portFlapProtectionMode"] == "DetectAndDisable"
    assert li.data["consistencyStatus"] == "NOT_CONSISTENT"


def test_update_from_group_undoes_settings_changes(client: OneViewClient) -> None:
    li = _li(client)
    changed = li.update_snmp_configuration({"readCommunity": "changed"})

    restored = li.update_compliance()

    assert changed["consistencyStatus"] == "NOT_CONSISTENT"
    assert restored["consistencyStatus"] == "CONSISTENT"
    assert li.get_snmp_configuration()["readCommunity"] == "public"


def test_setting_back_what_the_group_has_is_consistent_again(client: OneViewClient) -> None:
    li = _li(client)
    changed = li.update_ethernet_settings({"macRefreshInterval": 7})

    restored = li.update_ethernet_settings({"macRefreshInterval": 5})

    assert changed["consistencyStatus"] == "NOT_CONSISTENT"
    assert restored["consistencyStatus"] == "CONSISTENT"


def test_port_monitor(client: OneViewClient) -> None:
    li = _li(client)
    uplinks = li.get_unassigned_uplink_ports()
    downlinks = li.get_unassigned_ports()
    before = li.get_port_monitor()

    li.update_port_monitor(
        {"enablePortMonitor": True, "analyzerPort": {"portUri": uplinks[0]["portUri"]},
         "monitoredPorts": [{"portUri": downlinks[0]["portUri"],
                             "portMonitorConfigInfo": "MonitorBoth"}]}
    )  # fmt: skip

    assert before["enablePortMonitor"] is False
    assert all(p["portType"] == "Uplink" and not p["associatedUplinkSetUri"] for p in uplinks)
    assert li.get_port_monitor()["enablePortMonitor"] is True
    assert len(li.get_unassigned_ports()) == len(downlinks) - 1


def test_firmware_update_from_a_baseline(client: OneViewClient) -> None:
    li = _li(client)
    baseline = client.firmware_drivers.get_all()[0]

    li.install_firmware({"command": "Update", "sppUri": baseline["uri"], "force": False})
    firmware = li.get_firmware()

    assert firmware["sppUri"] == baseline["uri"]
    assert {ic["installedFirmwareVersion"] for ic in firmware["interconnects"]} == {
        baseline["version"]
    }


def test_forwarding_information_base(client: OneViewClient) -> None:
    # Frame2's seeded profile has a connection on the deploy network.
    li = client.logical_interconnects.get_by_name("Frame2-LIG-Prod")

    entries = li.get_forwarding_information_base()
    mac = entries[0]["macAddress"]
    filtered = li.get_forwarding_information_base(f"macAddress='{mac}'")
    none = li.get_forwarding_information_base("macAddress='00:00:00:00:00:00'")
    dump = li.create_forwarding_information_base()

    assert entries[0]["networkName"] == "deploy"
    assert [e["macAddress"] for e in filtered] == [mac]
    assert none == []
    assert dump["state"] == "Success"
    assert dump["uri"].startswith(li.data["uri"] + "/forwarding-information-base/")


def test_update_settings_changes_the_ethernet_settings(client: OneViewClient) -> None:
    li = _li(client)

    result = li.update_settings({"ethernetSettings": {"macRefreshInterval": 9}})

    assert li.get_ethernet_settings()["macRefreshInterval"] == 9
    assert result["consistencyStatus"] == "NOT_CONSISTENT"


def test_reapply_and_internal_vlans(client: OneViewClient) -> None:
    li = _li(client)

    result = li.update_configuration()

    assert result["uri"] == li.data["uri"]
    assert li.get_internal_vlans() == []


def test_bulk_inconsistency_validation(client: OneViewClient) -> None:
    li = _li(client)

    report = li.bulk_inconsistency_validate({"logicalInterconnectUris": [li.data["uri"]]})

    assert report["validationReports"][0]["logicalInterconnectUri"] == li.data["uri"]
    assert report["validationReports"][0]["inconsistent"] is False


# -- raw HTTP: error paths ---------------------------------------------------------


@pytest.fixture
def api(sim: SimulatorHandle) -> Api:
    sim.operator.set_config(time_scale=0)
    return Api(sim)


def _li_uri(api: Api) -> str:
    return str(api.members("/rest/logical-interconnects")[0]["uri"])


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("igmpSettings", {"enableIgmpSnooping": "yes"}, "enableIgmpSnooping"),
        ("portFlapSettings", {"portFlapProtectionMode": "Sometimes"}, "portFlapProtectionMode"),
        ("snmp-configuration", {"trapDestinations": ["x"]}, "trapDestinations"),
        ("qos-aggregated-configuration", {"activeQosConfig": {"configType": "Fast"}},
         "configType"),
        ("port-monitor", {"enablePortMonitor": True, "analyzerPort": {"portUri": "/x"}},
         "analyzerPort"),
        ("firmware", {"command": "Downgrade"}, "command"),
    ],
)  # fmt: skip
def test_invalid_settings_are_refused(
    api: Api, path: str, body: dict[str, Any], field: str
) -> None:
    response = api.call("PUT", f"{_li_uri(api)}/{path}", body)

    assert response.status_code == 400
    assert response.json()["errorCode"] == "CRM_DEFAULT_INVALID_ARGUMENT"
    assert field in response.json()["details"]


def test_unknown_li_and_unknown_baseline(api: Api) -> None:
    missing = api.call("GET", "/rest/logical-interconnects/nope/snmp-configuration")
    baseline = api.call(
        "PUT",
        f"{_li_uri(api)}/firmware",
        {"command": "Update", "sppUri": "/rest/firmware-drivers/x"},
    )
    activate = api.call("PUT", f"{_li_uri(api)}/firmware", {"command": "Activate"})
    bulk = api.call(
        "POST",
        "/rest/logical-interconnects/bulk-inconsistency-validation",
        {"logicalInterconnectUris": ["/rest/logical-interconnects/nope"]},
    )
    telemetry = api.call("GET", f"{_li_uri(api)}/telemetry-configurations/other")

    assert (missing.status_code, missing.json()["errorCode"]) == (
        404,
        "CRM_LOGICAL_INTERCONNECT_NOT_FOUND_ERROR",
    )
    assert (baseline.status_code, baseline.json()["errorCode"]) == (400, "INVALID_RESOURCE_URI")
    assert (activate.status_code, activate.json()["errorCode"]) == (400, "CRM_FIRMWARE_NOT_STAGED")
    assert bulk.status_code == 404
    assert telemetry.status_code == 404


def test_one_change_at_a_time(sim: SimulatorHandle) -> None:
    sim.operator.set_config(time_scale=1)
    api = Api(sim)
    uri = _li_uri(api)

    first = api.call("PUT", f"{uri}/snmp-configuration", {"readCommunity": "a"})
    second = api.call("PUT", f"{uri}/port-monitor", {"enablePortMonitor": False})

    assert first.status_code == 202
    assert (second.status_code, second.json()["errorCode"]) == (
        409,
        "CRM_ONGOING_OPERATION_ON_LOGICAL_INTERCONNECT",
    )


def test_patch_scopes(client: OneViewClient) -> None:
    li = _li(client)
    scope = client.scopes.get_all()[0]

    li.patch("replace", "/scopeUris", [scope["uri"]])

    assert scope["uri"] in client.scopes.get_scope_resource(li.data["uri"]).data["scopeUris"]


def test_invalid_patch(api: Api) -> None:
    uri = _li_uri(api)

    name = api.call("PATCH", uri, [{"op": "replace", "path": "/name", "value": "x"}])
    scope = api.call(
        "PATCH", uri, [{"op": "replace", "path": "/scopeUris", "value": ["/rest/scopes/x"]}]
    )

    assert (name.status_code, name.json()["errorCode"]) == (400, "CRM_INVALID_PATCH_REQUEST")
    assert (scope.status_code, scope.json()["errorCode"]) == (400, "INVALID_RESOURCE_URI")
