"""Creating and applying server profiles over plain HTTP (§11.1): states, MACs, refusals."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from oneview_openstack.testing.simulator import SimulatorHandle

from .compute_support import (
    FAST,
    Api,
    connections,
    create_profile,
    error,
    flexnic_mac,
    power,
    profile_body,
    server,
    template,
    time_scale,
)

pytestmark = pytest.mark.functional

Doc = dict[str, Any]
BLADE = "Frame1, bay 1"


@pytest.fixture
def api(sim: SimulatorHandle) -> Iterator[Api]:
    with time_scale(sim, FAST):
        yield Api(sim)


def names(api: Api) -> set[str]:
    return {doc["name"] for doc in api.members("/rest/server-profiles")}


def test_a_profile_from_a_template_is_applied_to_its_server(api: Api) -> None:
    blade = server(api, BLADE)
    spt = template(api)
    body = profile_body(api, spt, "node-1", blade)

    task = api.run("POST", "/rest/server-profiles?force=", body)
    profile = api.get(task["associatedResource"]["resourceUri"])
    after = api.get(blade["uri"])

    assert (task["name"], task["associatedResource"]["resourceName"]) == ("Create", "node-1")
    assert (profile["state"], profile["status"], profile["inProgress"]) == ("Normal", "OK", False)
    assert profile["serverProfileTemplateUri"] == spt["uri"]
    assert profile["templateCompliance"] == "Compliant"
    assert (profile["enclosureUri"], profile["enclosureBay"]) == (
        blade["locationUri"],
        blade["position"],
    )
    assert profile["taskUri"] == task["uri"]
    assert (after["state"], after["serverProfileUri"]) == ("ProfileApplied", profile["uri"])
    assert (after["powerLock"], after["powerState"]) == (False, "Off")
    for connection in connections(profile):
        assert connection["state"] == "Deployed"
        assert connection["mac"] == flexnic_mac(blade, connection["portId"])  # macType Physical
        assert connection["interconnectUri"]
    bays = api.get(blade["locationUri"])["deviceBays"]
    assert [b["profileUri"] for b in bays if b["deviceUri"] == blade["uri"]] == [profile["uri"]]


def test_a_rack_server_profile_has_no_enclosure_bay(api: Api) -> None:
    profile = create_profile(api, "rack", "dl360-01.lab.example", "SPT-Rack-DL360")

    assert (profile["enclosureUri"], profile["enclosureBay"], profile["state"]) == (
        None,
        None,
        "Normal",
    )
    assert server(api, "dl360-01.lab.example")["serverProfileUri"] == profile["uri"]


def test_while_applying_the_profile_is_creating_and_the_server_locked(
    api: Api, sim: SimulatorHandle
) -> None:
    blade = server(api, BLADE)
    body = profile_body(api, template(api), "node-1", blade)
    with time_scale(sim, 1.0):
        response = api.call("POST", "/rest/server-profiles", body)
        task = api.get(response.headers["Location"])
        profile = api.get(task["associatedResource"]["resourceUri"])
        during = api.get(blade["uri"])

    assert response.status_code == 202
    assert task["taskState"] in ("Starting", "Running")
    assert task["expectedDuration"] >= 60
    assert (profile["state"], profile["inProgress"], profile["taskUri"]) == (
        "Creating",
        True,
        task["uri"],
    )
    assert (during["state"], during["powerLock"], during["serverProfileUri"]) == (
        "ApplyingProfile",
        True,
        profile["uri"],
    )


def test_ironic_detaches_the_profile_from_its_template(api: Api) -> None:
    body = profile_body(api, template(api), "ironic-node", server(api, BLADE))
    body["serverProfileTemplateUri"] = ""

    task = api.run("POST", "/rest/server-profiles?force=", body)
    profile = api.get(task["associatedResource"]["resourceUri"])

    assert profile["serverProfileTemplateUri"] is None
    assert profile["templateCompliance"] == "Unknown"


def test_virtual_mac_type_hands_out_pool_macs(api: Api) -> None:
    blade = server(api, BLADE)
    body = profile_body(api, template(api), "virtual", blade)
    body["macType"] = "Virtual"

    task = api.run("POST", "/rest/server-profiles", body)
    profile = api.get(task["associatedResource"]["resourceUri"])

    macs = [c["mac"] for c in connections(profile)]
    physical = {flexnic_mac(blade, c["portId"]) for c in connections(profile)}
    assert len(set(macs)) == len(macs) == 2
    assert not set(macs) & physical
    assert all(c["macType"] == "Virtual" for c in connections(profile))


def test_an_unassigned_profile_reserves_its_connections(api: Api) -> None:
    body = profile_body(api, template(api), "spare", None)

    task = api.run("POST", "/rest/server-profiles", body)
    profile = api.get(task["associatedResource"]["resourceUri"])

    assert profile["serverHardwareUri"] is None
    assert {c["state"] for c in connections(profile)} == {"Reserved"}
    assert {c["mac"] for c in connections(profile)} == {None}  # Physical MACs need hardware


def mutate_boot_order(body: Doc) -> None:
    body["boot"]["order"] = ["PXE", "HardDisk", "PXE"]


def mutate_two_primaries(body: Doc) -> None:
    for connection in connections(body):
        connection["boot"]["priority"] = "Primary"


def mutate_secondary_only(body: Doc) -> None:
    for connection in connections(body):
        connection["boot"]["priority"] = "NotBootable"
    connections(body)[0]["boot"]["priority"] = "Secondary"


def mutate_mac_type(body: Doc) -> None:
    connections(body)[0]["macType"] = "Virtual"


def mutate_bandwidth(body: Doc) -> None:
    connections(body)[0]["requestedMbps"] = "50000"


def mutate_port(body: Doc) -> None:
    connections(body)[0]["portId"] = "Mezz 9:1-a"


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (mutate_boot_order, "DUPLICATE_BOOT_ORDER"),
        (mutate_two_primaries, "DUPLICATE_PRIMARY_BOOT_CONNECTION"),
        (mutate_secondary_only, "INVALID_SECONDARY_BOOT_CONNECTION"),
        (mutate_mac_type, "MacTypeDiffGlobalMacType"),
        (mutate_bandwidth, "INVALID_REQUESTED_BANDWIDTH"),
        (mutate_port, "INVALID_PORT_ID"),
    ],
)
def test_invalid_configurations_end_the_task_in_error(
    api: Api, mutate: Callable[[Doc], None], code: str
) -> None:
    blade = server(api, BLADE)
    body = profile_body(api, template(api), "bad", blade)
    mutate(body)

    task = api.fails("POST", "/rest/server-profiles", body, code)

    assert (task["name"], task["stateReason"]) == ("Create", "ValidationError")
    assert task["taskErrors"][0]["message"]
    assert "bad" not in names(api)
    assert api.get(blade["uri"])["state"] == "NoProfileApplied"


def test_a_powered_on_server_is_refused_server_not_off(api: Api) -> None:
    blade = server(api, BLADE)
    power(api, blade, "On")

    task = api.fails(
        "POST",
        "/rest/server-profiles",
        profile_body(api, template(api), "n", blade),
        "SERVER_NOT_OFF",
    )

    assert blade["uri"] in task["taskErrors"][0]["message"]
    assert (api.get(blade["uri"])["state"], names(api)) == ("NoProfileApplied", {"sap-hana-01"})


def test_a_server_with_a_profile_is_refused(api: Api) -> None:
    create_profile(api, "first", BLADE)

    task = api.fails(
        "POST",
        "/rest/server-profiles",
        profile_body(api, template(api), "second", server(api, BLADE)),
        "ProfileAlreadyExistsInServer",
    )

    assert "A profile is already assigned" in task["taskErrors"][0]["message"]


def test_a_profile_name_is_unique(api: Api) -> None:
    body = profile_body(api, template(api), "sap-hana-01", server(api, BLADE))

    api.fails("POST", "/rest/server-profiles", body, "DUPLICATED_PROFILE_NAME")


@pytest.mark.parametrize(
    ("spt_name", "blade_name", "code"),
    [
        ("SPT-Prod-SY660", BLADE, "INVALID_PARAMETER_SH_NOT_MATCH_SHT"),
        ("SPT-Prod-SY480", "Frame3, bay 1", "INVALID_PARAMETER_SH_NOT_MATCH_EG"),
    ],
)
def test_the_server_must_match_type_and_enclosure_group(
    api: Api, spt_name: str, blade_name: str, code: str
) -> None:
    body = profile_body(api, template(api, spt_name), "mismatch", server(api, blade_name))

    api.fails("POST", "/rest/server-profiles", body, code)


def test_networks_must_be_reachable_from_the_enclosure_group(api: Api) -> None:
    blade = server(api, "Frame3, bay 1")
    body = profile_body(api, template(api, "SPT-Edge-SY480"), "edge", blade)
    connections(body)[1]["networkUri"] = api.named("ethernet-networks", "tenant-101")["uri"]

    task = api.fails("POST", "/rest/server-profiles", body, "NETWORK_NOT_AVAILABLE")

    assert blade["serverGroupUri"] in task["taskErrors"][0]["message"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("serverHardwareUri", "/rest/server-hardware/NOPE"),
        ("serverHardwareTypeUri", "/rest/server-hardware-types/NOPE"),
        ("enclosureGroupUri", "/rest/enclosure-groups/NOPE"),
        ("serverProfileTemplateUri", "/rest/server-profile-templates/NOPE"),
        ("serverHardwareUri", "/rest/ethernet-networks/NOPE"),
    ],
)
def test_references_to_missing_resources_are_400(api: Api, field: str, value: str) -> None:
    body = profile_body(api, template(api), "dangling", server(api, BLADE))
    body[field] = value

    body_error = error(api.call("POST", "/rest/server-profiles", body), 400, "INVALID_RESOURCE_URI")

    assert field in body_error["message"] and value in body_error["message"]


def test_a_connection_to_a_missing_network_is_400(api: Api) -> None:
    body = profile_body(api, template(api), "dangling", server(api, BLADE))
    connections(body)[0]["networkUri"] = "/rest/ethernet-networks/NOPE"

    response = api.call("POST", "/rest/server-profiles", body)

    assert "connections[0].networkUri" in error(response, 400, "INVALID_RESOURCE_URI")["message"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", ""), ("macType", "Random"), ("affinity", "Anywhere")],
)
def test_invalid_fields_are_400_and_named(api: Api, field: str, value: str) -> None:
    body = profile_body(api, template(api), "x", server(api, BLADE))
    body[field] = value

    body_error = error(api.call("POST", "/rest/server-profiles", body), 400, "INVALID_PARAMETER")

    assert field in body_error["details"]


def test_an_unassigned_profile_needs_a_hardware_type(api: Api) -> None:
    body = profile_body(api, template(api), "typeless", None)
    body["serverHardwareTypeUri"] = None

    response = api.call("POST", "/rest/server-profiles", body)

    assert "serverHardwareTypeUri" in error(response, 400, "INVALID_PARAMETER")["details"]


def test_unknown_profiles_are_profile_not_found(api: Api) -> None:
    uri = "/rest/server-profiles/00000000-0000-0000-0000-000000000000"

    for method in ("GET", "PUT", "DELETE"):
        body = {"name": "x"} if method == "PUT" else None
        error(api.call(method, uri, body), 404, "ProfileNotFoundException")


def test_a_failed_apply_is_undone(api: Api, sim: SimulatorHandle) -> None:
    blade = server(api, BLADE)
    sim.operator.fail_next_task(
        "ServerHardwareNotResponding", name="Create", resource_category="server-profiles"
    )

    api.fails(
        "POST",
        "/rest/server-profiles",
        profile_body(api, template(api), "doomed", blade),
        "ServerHardwareNotResponding",
    )

    after = api.get(blade["uri"])
    assert (after["state"], after["serverProfileUri"], after["powerLock"]) == (
        "NoProfileApplied",
        None,
        False,
    )
    assert "doomed" not in names(api)


def test_another_users_profile_blocks_the_server_until_removed(
    api: Api, sim: SimulatorHandle
) -> None:
    blade = server(api, BLADE)

    sim.operator.apply_foreign_profile(blade["uri"], "someone-elses")
    taken = api.get(blade["uri"])
    foreign = api.get(taken["serverProfileUri"])
    api.fails(
        "POST",
        "/rest/server-profiles",
        profile_body(api, template(api), "mine", blade),
        "ProfileAlreadyExistsInServer",
    )
    sim.operator.remove_foreign_profile(blade["uri"])

    assert taken["state"] == "ProfileApplied"
    assert foreign["name"] == "someone-elses"
    error(api.call("GET", foreign["uri"]), 404, "ProfileNotFoundException")
    assert api.get(blade["uri"])["state"] == "NoProfileApplied"
    assert create_profile(api, "mine", BLADE)["serverHardwareUri"] == blade["uri"]


def test_available_targets_are_the_free_matching_servers(api: Api) -> None:
    spt = template(api)
    taken = create_profile(api, "taken", BLADE)

    targets = api.get(
        "/rest/server-profiles/available-targets?"
        f"enclosureGroupUri={spt['enclosureGroupUri']}&serverHardwareTypeUri={spt['serverHardwareTypeUri']}"
    )

    uris = {t["serverHardwareUri"] for t in targets["targets"]}
    assert targets["type"] == "AvailableTargetsV3"
    assert server(api, "Frame1, bay 2")["uri"] in uris
    assert taken["serverHardwareUri"] not in uris
    assert server(api, "Frame3, bay 1")["uri"] not in uris  # another enclosure group
    assert all(
        t["serverHardwareTypeUri"] == spt["serverHardwareTypeUri"] for t in targets["targets"]
    )
