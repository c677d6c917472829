"""Server profile templates and template compliance over plain HTTP (§9.4, §11.2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from oneview_openstack.testing.simulator import SimulatorHandle

from .compute_support import (
    FAST,
    Api,
    connections,
    create_profile,
    error,
    power,
    server,
    template,
    time_scale,
)

pytestmark = pytest.mark.functional

Doc = dict[str, Any]
BLADE = "Frame1, bay 1"
TO_COMPLIANT = [{"op": "replace", "path": "/templateCompliance", "value": "Compliant"}]


@pytest.fixture
def api(sim: SimulatorHandle) -> Iterator[Api]:
    with time_scale(sim, FAST):
        yield Api(sim)


def template_body(api: Api, name: str, **fields: Any) -> Doc:
    spt = template(api)
    network = api.named("ethernet-networks", "deploy")["uri"]
    return {
        "type": "ServerProfileTemplateV8",
        "name": name,
        "serverHardwareTypeUri": spt["serverHardwareTypeUri"],
        "enclosureGroupUri": spt["enclosureGroupUri"],
        "macType": "Physical",
        "boot": {"manageBoot": True, "order": ["PXE", "HardDisk"]},
        "connectionSettings": {
            "manageConnections": True,
            "connections": [
                {
                    "name": "deploy",
                    "functionType": "Ethernet",
                    "networkUri": network,
                    "portId": "Mezz 3:1-a",
                    "boot": {"priority": "Primary"},
                }  # fmt: skip
            ],
        },
        **fields,
    }


def edit_template(api: Api, spt: Doc, **changes: Any) -> Doc:
    api.run("PUT", spt["uri"], {**api.get(spt["uri"]), **changes})
    updated: Doc = api.get(spt["uri"])
    return updated


def test_create_a_template(api: Api) -> None:
    task = api.run("POST", "/rest/server-profile-templates", template_body(api, "SPT-New"))
    created = api.get(task["associatedResource"]["resourceUri"])

    assert task["name"] == "Create "  # a real appliance names it with a trailing space
    assert (created["name"], created["type"]) == ("SPT-New", "ServerProfileTemplateV8")
    assert [(c["id"], c["requestedMbps"]) for c in connections(created)] == [(1, "2500")]
    assert created["eTag"]


def test_a_template_name_is_unique(api: Api) -> None:
    api.fails(
        "POST",
        "/rest/server-profile-templates",
        template_body(api, "SPT-Prod-SY480"),
        "DUPLICATED_PROFILE_TEMPLATE_NAME",
    )


def test_a_template_needs_an_existing_hardware_type(api: Api) -> None:
    body = template_body(api, "SPT-Bad", serverHardwareTypeUri="/rest/server-hardware-types/NOPE")

    response = api.call("POST", "/rest/server-profile-templates", body)

    assert "serverHardwareTypeUri" in error(response, 400, "INVALID_RESOURCE_URI")["message"]


def test_a_template_boot_order_is_validated(api: Api) -> None:
    body = template_body(api, "SPT-Boot", boot={"manageBoot": True, "order": ["PXE", "PXE"]})

    api.fails("POST", "/rest/server-profile-templates", body, "DUPLICATE_BOOT_ORDER")


def test_a_template_referenced_by_profiles_cannot_be_deleted(api: Api) -> None:
    spt = template(api)
    create_profile(api, "user", BLADE)

    response = api.call("DELETE", spt["uri"])

    body = error(response, 400, "PROFILE_TEMPLATE_IN_USE")
    assert "cannot be deleted while it is being referenced" in body["message"]
    assert api.get(spt["uri"])["name"] == spt["name"]


def test_an_unused_template_is_deleted(api: Api) -> None:
    spt = template(api, "SPT-Edge-SY660")

    task = api.run("DELETE", spt["uri"])

    assert (task["name"], task["associatedResource"]["resourceUri"]) == ("Delete", spt["uri"])
    error(api.call("GET", spt["uri"]), 404, "RESOURCE_NOT_FOUND")


def test_a_stale_etag_on_a_template_is_412(api: Api) -> None:
    spt = template(api)
    edit_template(api, spt, description="first")

    response = api.call("PUT", spt["uri"], {**spt, "description": "second"})

    error(response, 412, "ETAG_MISMATCH")


def test_template_if_none_match(api: Api) -> None:
    spt = template(api)

    response = api.call("GET", spt["uri"], headers={"If-None-Match": spt["eTag"]})

    assert response.status_code == 304


def test_changing_a_template_makes_its_profiles_non_compliant(api: Api) -> None:
    profile = create_profile(api, "follower", BLADE)
    detached = create_profile(api, "other", "Frame1, bay 2", "SPT-Prod-SY480")
    api.run("PUT", detached["uri"], {**api.get(detached["uri"]), "serverProfileTemplateUri": None})

    edit_template(api, template(api), boot={"manageBoot": True, "order": ["HardDisk", "PXE"]})

    assert profile["templateCompliance"] == "Compliant"
    assert api.get(profile["uri"])["templateCompliance"] == "NonCompliant"
    assert api.get(detached["uri"])["templateCompliance"] == "Unknown"


def test_a_name_only_template_change_keeps_profiles_compliant(api: Api) -> None:
    profile = create_profile(api, "follower", BLADE)

    edit_template(api, template(api), description="documented")

    assert api.get(profile["uri"])["templateCompliance"] == "Compliant"


def test_compliance_preview_and_update_from_template(api: Api) -> None:
    profile = create_profile(api, "follower", BLADE)
    edit_template(api, template(api), boot={"manageBoot": True, "order": ["HardDisk", "PXE"]})

    preview = api.get(f"{profile['uri']}/compliance-preview")
    task = api.run("PATCH", profile["uri"], TO_COMPLIANT)
    after = api.get(profile["uri"])

    assert preview["type"] == "ServerProfileCompliancePreviewV1"
    assert preview["isOnlineUpdate"] is False
    assert any("boot order" in update for update in preview["automaticUpdates"])
    assert task["name"] == "Update"
    assert (after["templateCompliance"], after["boot"]["order"]) == (
        "Compliant",
        ["HardDisk", "PXE"],
    )
    assert api.get(f"{profile['uri']}/compliance-preview")["automaticUpdates"] == []


def test_a_new_firmware_baseline_reaches_profiles_through_compliance(api: Api) -> None:
    profile = create_profile(api, "follower", BLADE)
    spt = template(api)
    other = next(
        fw["uri"]
        for fw in api.members("/rest/firmware-drivers")
        if fw["uri"] != spt["firmware"]["firmwareBaselineUri"]
    )

    edit_template(api, spt, firmware={**spt["firmware"], "firmwareBaselineUri": other})
    preview = api.get(f"{profile['uri']}/compliance-preview")
    non_compliant = api.get(profile["uri"])["templateCompliance"]
    api.run("PATCH", profile["uri"], TO_COMPLIANT)

    assert non_compliant == "NonCompliant"
    assert any(other in update for update in preview["automaticUpdates"])
    after = api.get(profile["uri"])
    assert (after["firmware"]["firmwareBaselineUri"], after["templateCompliance"]) == (
        other,
        "Compliant",
    )


def test_updating_from_template_needs_the_server_off(api: Api) -> None:
    profile = create_profile(api, "follower", BLADE)
    edit_template(api, template(api), boot={"manageBoot": True, "order": ["HardDisk", "PXE"]})
    power(api, server(api, BLADE), "On")

    api.fails("PATCH", profile["uri"], TO_COMPLIANT, "ServerNotOffProfileEdit")

    assert api.get(profile["uri"])["templateCompliance"] == "NonCompliant"


def test_a_profile_without_template_cannot_be_made_compliant(api: Api) -> None:
    profile = create_profile(api, "follower", BLADE)
    api.run("PUT", profile["uri"], {**api.get(profile["uri"]), "serverProfileTemplateUri": None})

    response = api.call("PATCH", profile["uri"], TO_COMPLIANT)

    error(response, 400, "PROFILE_NOT_ASSOCIATED_WITH_TEMPLATE")


def test_template_connections_reach_new_profiles(api: Api) -> None:
    task = api.run("POST", "/rest/server-profile-templates", template_body(api, "SPT-One"))
    spt = api.get(task["associatedResource"]["resourceUri"])

    profile = create_profile(api, "single", BLADE, "SPT-One")

    assert [c["portId"] for c in connections(profile)] == ["Mezz 3:1-a"]
    assert connections(profile)[0]["boot"]["priority"] == "Primary"
    assert profile["serverProfileTemplateUri"] == spt["uri"]
    assert profile["templateCompliance"] == "Compliant"
