"""The long tail of issue 11 through the hpeOneView SDK (API 800, 2400, 4600) and raw HTTP.

Firmware bundle upload, custom SPPs and baseline removal; PATCH of Ethernet networks, network
sets, logical interconnect groups and profile templates; profiles deleted by filter and the
profile schema; what a real appliance refuses (tasks, node information, connection templates,
labels, index entries by hand).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hpeOneView.exceptions import HPEOneViewException
from hpeOneView.oneview_client import OneViewClient

from oneview_openstack.testing.simulator import SimulatorHandle

from .http_support import Api, error
from .sdk_support import SDK_MARKS, SDK_VERSIONS, sdk_client

pytestmark = SDK_MARKS

TEMPLATE = "SPT-Prod-SY480"


@pytest.fixture(params=SDK_VERSIONS, ids=[f"api{v}" for v in SDK_VERSIONS])
def client(request: pytest.FixtureRequest, sim: SimulatorHandle) -> OneViewClient:
    return sdk_client(sim, request.param)


def _file(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(b"not really firmware")
    return str(path)


def test_upload_bundles_then_build_and_remove_a_custom_spp(
    client: OneViewClient, tmp_path: Path
) -> None:
    spp = client.firmware_bundles.upload(_file(tmp_path, "SPP_2024.09.0.iso"))
    hotfix = client.firmware_bundles.upload(_file(tmp_path, "cp055555.exe"))
    client.firmware_bundles.upload_compsig(_file(tmp_path, "cp055555.compsig"))
    by_name = client.firmware_bundles.get_by_name("SPP_2024.09.0.iso")

    custom = client.firmware_drivers.create(
        {"customBaselineName": "sdk-custom", "baselineUri": spp["uri"],
         "hotfixUris": [hotfix["uri"]]}
    )  # fmt: skip
    found = client.firmware_drivers.get_by_name("sdk-custom")
    schema = client.firmware_drivers.get_schema()
    found.delete()

    assert (spp["bundleType"], spp["resourceId"], spp["version"]) == (
        "ServicePack", "SPP_2024_09_0", "2024.09.0",
    )  # fmt: skip
    assert by_name is not None and by_name.data["uri"] == spp["uri"]
    signed = client.firmware_drivers.get_by_uri(hotfix["uri"]).data
    assert (signed["bundleType"], signed["signatureFileName"]) == ("Hotfix", "cp055555.compsig")
    assert custom.data["bundleType"] == "Custom"
    assert custom.data["hotfixes"] == [{"hotfixName": "cp055555.exe", "resourceId": "cp055555"}]
    assert custom.data["parentBundle"]["version"] == "2024.09.0"
    assert found is not None and schema["name"] == "FirmwareDriver"
    assert client.firmware_drivers.get_by_name("sdk-custom") is None


@pytest.mark.parametrize(
    "collection",
    ["ethernet_networks", "network_sets", "logical_interconnect_groups",
     "server_profile_templates"],
)  # fmt: skip
def test_patch_name_and_description(client: OneViewClient, collection: str) -> None:
    family = getattr(client, collection)
    first = family.get_all(sort="name:ascending")[0]
    resource = family.get_by_uri(first["uri"])

    resource.patch("replace", "/description", "patched by the SDK")
    resource.patch("replace", "/name", first["name"] + "-renamed")

    again = family.get_by_uri(first["uri"]).data
    assert (again["name"], again["description"]) == (
        first["name"] + "-renamed", "patched by the SDK",
    )  # fmt: skip


def test_delete_profiles_by_filter_and_the_schema(client: OneViewClient) -> None:
    for name in ("sdk-bulk-a", "sdk-bulk-b"):
        body = client.server_profile_templates.get_by_name(TEMPLATE).get_new_profile()
        body.update(name=name, serverHardwareUri=None)
        client.server_profiles.create(body)

    deleted = client.server_profiles.delete_all("name matches 'sdk-bulk-%'")

    assert deleted is True
    assert client.server_profiles.get_by_name("sdk-bulk-a") is None
    assert client.server_profiles.get_by_name("sdk-bulk-b") is None
    assert client.server_profiles.get_schema()["name"] == "ServerProfile"


def test_whole_uri_lookups(client: OneViewClient) -> None:
    network = client.ethernet_networks.get_all(count=1)[0]

    assert client.scopes.get_scope_resource(network["uri"]).data["resourceUri"] == network["uri"]
    assert client.index_resources.get_by_uri(network["uri"]).data["uri"] == network["uri"]
    assert client.labels.get_by_resource(network["uri"]).data["resourceUri"] == network["uri"]


def test_tasks_cannot_be_made_by_hand(client: OneViewClient) -> None:
    with pytest.raises(HPEOneViewException) as caught:
        client.tasks.create({"name": "mine"})

    assert caught.value.oneview_response["errorCode"] == "METHOD_NOT_ALLOWED"


def test_firmware_error_paths(sim: SimulatorHandle) -> None:
    api = Api(sim)
    used = next(
        p["firmware"]["firmwareBaselineUri"]
        for p in api.members("/rest/server-profile-templates")
        if (p.get("firmware") or {}).get("firmwareBaselineUri")
    )
    spp = api.get(used)
    bad = "/rest/firmware-drivers/nope"
    upload = {"uploadfilename": "SPP_2030.01.0.iso", "Content-Type": "multipart/form-data; b=x"}

    error(api.call("DELETE", used), 409, "FIRMWARE_DRIVER_IN_USE")
    error(api.call("PUT", used, spp), 405, "METHOD_NOT_ALLOWED")
    error(api.call("GET", "/rest/firmware-bundles"), 405, "METHOD_NOT_ALLOWED")
    error(
        api.call("POST", "/rest/firmware-drivers", {"customBaselineName": "x", "baselineUri": bad}),
        400, "INVALID_BASELINE_URI",
    )  # fmt: skip
    error(
        api.call("POST", "/rest/firmware-drivers", {"customBaselineName": spp["name"],
                                                    "baselineUri": used}),
        409, "CUSTOM_BASELINE_NAME_ALREADY_EXISTS",
    )  # fmt: skip
    error(
        api.call("POST", "/rest/firmware-bundles", headers={**upload, "uploadfilename": "a.txt"}),
        400, "INVALID_FIRMWARE_BUNDLE_FILE",
    )  # fmt: skip
    task = api.run("POST", "/rest/firmware-bundles", headers=upload)
    assert task["associatedResource"]["resourceUri"] == "/rest/firmware-drivers/SPP_2030_01_0"
    error(api.call("POST", "/rest/firmware-bundles", headers=upload), 409,
          "FIRMWARE_BUNDLE_ALREADY_EXISTS")  # fmt: skip


def test_refusals_and_patch_errors(sim: SimulatorHandle) -> None:
    api = Api(sim)
    task = api.members("/rest/tasks?count=1")[0]
    network = api.members("/rest/ethernet-networks")[0]
    template = api.members("/rest/connection-templates")[0]

    error(api.call("PUT", task["uri"], task), 405, "METHOD_NOT_ALLOWED")
    error(api.call("DELETE", task["uri"]), 405, "METHOD_NOT_ALLOWED")
    error(api.call("GET", "/rest/appliance/nodeinfo"), 404, "RESOURCE_NOT_FOUND")
    error(api.call("DELETE", template["uri"]), 405, "METHOD_NOT_ALLOWED")
    error(api.call("POST", "/rest/index/resources", {}), 405, "METHOD_NOT_ALLOWED")
    error(api.call("GET", "/rest/index/resources/some-id"), 404, "RESOURCE_NOT_FOUND")
    error(api.call("DELETE", "/rest/labels/1"), 405, "METHOD_NOT_ALLOWED")
    error(
        api.call("PATCH", network["uri"], [{"op": "add", "path": "/vlanId", "value": 9}]),
        400, "INVALID_PATCH_OPERATION",
    )  # fmt: skip
    error(
        api.call("PATCH", network["uri"],
                 [{"op": "replace", "path": "/scopeUris", "value": ["/rest/scopes/nope"]}]),
        400, "SCOPE_NOT_FOUND",
    )  # fmt: skip
    error(api.call("DELETE", "/rest/server-profiles"), 400, "INVALID_FILTER")
    on = [
        p for p in api.members("/rest/server-profiles")
        if p.get("serverHardwareUri") and api.get(p["serverHardwareUri"])["powerState"] == "On"
    ]  # fmt: skip
    if on:
        error(
            api.call("DELETE", f"/rest/server-profiles?filter=name='{on[0]['name']}'"),
            400, "ServerNotOffUnassigningGen9AndNewer",
        )  # fmt: skip
