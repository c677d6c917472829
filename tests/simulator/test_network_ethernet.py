"""Ethernet networks over plain HTTP: create, bulk, update, delete, their errors and eTags."""

from __future__ import annotations

import pytest

from oneview_openstack.testing.simulator import SimulatorHandle

from .network_support import Api, error, network

pytestmark = pytest.mark.functional


@pytest.fixture
def api(sim: SimulatorHandle) -> Api:
    return Api(sim)


def test_create_answers_202_with_a_task_and_the_network_appears(api: Api) -> None:
    response = api.call("POST", "/rest/ethernet-networks", network("net-201", 201))

    task = api.wait(response)

    assert (task["name"], task["taskState"], task["percentComplete"]) == (
        "Create",
        "Completed",
        100,
    )
    created = api.get(task["associatedResource"]["resourceUri"])
    assert created["name"] == "net-201"
    assert (created["vlanId"], created["ethernetNetworkType"]) == (201, "Tagged")
    assert created["category"] == "ethernet-networks"
    assert created["type"] == "ethernet-networkV4"


def test_create_makes_the_network_its_own_connection_template(api: Api) -> None:
    created = api.create(
        "ethernet-networks",
        network("net-202", 202, bandwidth={"typicalBandwidth": 3000, "maximumBandwidth": 8000}),
    )

    template = api.get(created["connectionTemplateUri"])

    assert template["bandwidth"] == {"typicalBandwidth": 3000, "maximumBandwidth": 8000}
    assert template["type"] == "connection-template"


def test_untagged_network_needs_no_vlan(api: Api) -> None:
    created = api.create("ethernet-networks", network("flat", ethernetNetworkType="Untagged"))

    assert created["ethernetNetworkType"] == "Untagged"
    assert created["vlanId"] == 0


def test_duplicate_name_is_refused(api: Api) -> None:
    api.create("ethernet-networks", network("net-203", 203))

    response = api.call("POST", "/rest/ethernet-networks", network("net-203", 204))

    body = error(response, 400, "CRM_DUPLICATE_NETWORK_NAME")
    assert body["message"] == "A network with the name net-203 already exists."


def test_a_second_create_of_the_same_name_in_flight_is_refused(api: Api) -> None:
    # Ten times slower than a real appliance: the first create (2 s there) is still
    # running when the second arrives, however loaded the machine.
    api.sim.operator.set_config(time_scale=10.0)
    first = api.call("POST", "/rest/ethernet-networks", network("racing", 205))
    second = api.call("POST", "/rest/ethernet-networks", network("racing", 206))
    api.sim.operator.set_config(time_scale=0.01)

    assert first.status_code == 202
    error(second, 400, "CRM_DUPLICATE_NETWORK_NAME")


def test_tagged_network_without_vlan_is_refused(api: Api) -> None:
    response = api.call("POST", "/rest/ethernet-networks", network("no-vlan"))

    body = error(response, 400, "CRM_MISSING_VLAN_ID_IN_NETWORK")
    assert "vlanId" in body["details"]


@pytest.mark.parametrize("vlan", [0, 4095, -3])
def test_vlan_outside_1_to_4094_is_refused(api: Api, vlan: int) -> None:
    response = api.call("POST", "/rest/ethernet-networks", network("bad-vlan", vlan))

    body = error(response, 400, "CRM_VALUE_OUT_OF_RANGE")
    assert body["message"] == "Value is out of range."
    assert str(vlan) in body["details"]


def test_wrong_type_is_refused_with_the_appliance_message(sim: SimulatorHandle) -> None:
    api = Api(sim, version=800)

    response = api.call(
        "POST", "/rest/ethernet-networks", network("typed", 207, type="ethernet-networkV3")
    )

    body = error(response, 400, "INVALID_JSON_TYPE")
    assert body["details"] == (
        'The "type" field content, "ethernet-networkV3", included in this request is invalid.'
    )


def test_missing_type_is_refused_at_800_but_not_at_2000(sim: SimulatorHandle) -> None:
    old, new = Api(sim, version=800), Api(sim, version=2000)

    refused = old.call("POST", "/rest/ethernet-networks", network("untyped", 208))
    accepted = new.call("POST", "/rest/ethernet-networks", network("untyped", 208))

    assert error(refused, 400, "MISSING_JSON_TYPE")["message"] == (
        'The "type" field is missing from the JSON.'
    )
    assert new.wait(accepted)["taskState"] == "Completed"
    assert new.named("ethernet-networks", "untyped")["vlanId"] == 208


@pytest.mark.parametrize(
    ("version", "expected"),
    [(200, "ethernet-networkV3"), (300, "ethernet-networkV300"), (800, "ethernet-networkV4")],
)
def test_type_follows_the_api_version(sim: SimulatorHandle, version: int, expected: str) -> None:
    api = Api(sim, version=version)

    members = api.members("/rest/ethernet-networks")

    assert {member["type"] for member in members} == {expected}


def test_bulk_creates_one_network_per_vlan_named_prefix_vlan(api: Api) -> None:
    body = {"namePrefix": "bulk", "vlanIdRange": "301-303,310", "purpose": "General",
            "smartLink": False, "privateNetwork": False}  # fmt: skip

    api.run("POST", "/rest/ethernet-networks/bulk", body)

    created = {n["name"]: n["vlanId"] for n in api.members("/rest/ethernet-networks")}
    assert {name: vlan for name, vlan in created.items() if name.startswith("bulk_")} == {
        "bulk_301": 301, "bulk_302": 302, "bulk_303": 303, "bulk_310": 310,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("vlan_range", "code"),
    [("5-2", "CRM_DEFAULT_INVALID_ARGUMENT"), ("1,x", "CRM_DEFAULT_INVALID_ARGUMENT"),
     ("4090-4100", "CRM_VALUE_OUT_OF_RANGE")],
)  # fmt: skip
def test_bulk_with_a_bad_range_creates_nothing(api: Api, vlan_range: str, code: str) -> None:
    before = len(api.members("/rest/ethernet-networks"))

    response = api.call(
        "POST", "/rest/ethernet-networks/bulk", {"namePrefix": "bad", "vlanIdRange": vlan_range}
    )

    assert "vlanIdRange" in error(response, 400, code)["details"]
    assert len(api.members("/rest/ethernet-networks")) == before


def test_bulk_refuses_a_name_that_exists(api: Api) -> None:
    api.create("ethernet-networks", network("dup_320", 320))

    response = api.call(
        "POST", "/rest/ethernet-networks/bulk", {"namePrefix": "dup", "vlanIdRange": "319-321"}
    )

    error(response, 400, "CRM_DUPLICATE_NETWORK_NAME")


def test_update_renames_through_a_task(api: Api) -> None:
    created = api.create("ethernet-networks", network("old-name", 211))

    updated = api.update(created, name="new-name", purpose="Management")

    assert (updated["name"], updated["purpose"], updated["vlanId"]) == (
        "new-name",
        "Management",
        211,
    )
    assert updated["eTag"] != created["eTag"]


def test_update_cannot_change_the_vlan(api: Api) -> None:
    created = api.create("ethernet-networks", network("fixed-vlan", 212))

    response = api.call("PUT", created["uri"], {**created, "vlanId": 213})

    assert error(response, 400, "CRM_CHANGING_VLAN_ID")["message"] == "VLAN ID can NOT be changed."
    assert api.get(created["uri"])["vlanId"] == 212


def test_update_with_a_stale_etag_is_refused_with_412(api: Api) -> None:
    created = api.create("ethernet-networks", network("etagged", 214))
    api.update(created, description="changed once")

    stale_body = api.call("PUT", created["uri"], {**created, "description": "lost update"})
    stale_header = api.call(
        "PUT", created["uri"], {"name": "etagged"}, headers={"If-Match": created["eTag"]}
    )
    stale_delete = api.call("DELETE", created["uri"], headers={"If-Match": created["eTag"]})

    for response in (stale_body, stale_header, stale_delete):
        assert created["uri"] in error(response, 412, "ETAG_MISMATCH")["details"]
    assert api.get(created["uri"])["description"] == "changed once"


def test_if_match_star_skips_the_etag_check(api: Api) -> None:
    created = api.create("ethernet-networks", network("starred", 215))
    api.update(created, description="moved on")

    api.run("PUT", created["uri"], {**created, "description": "forced"}, {"If-Match": "*"})

    assert api.get(created["uri"])["description"] == "forced"


def test_if_none_match_answers_304_until_the_network_changes(api: Api) -> None:
    created = api.create("ethernet-networks", network("cached", 217))
    asked = {"If-None-Match": created["eTag"]}

    unchanged = api.call("GET", created["uri"], headers=asked)
    api.update(created, description="changed")
    changed = api.call("GET", created["uri"], headers=asked)

    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert unchanged.headers["ETag"] == created["eTag"]
    assert changed.status_code == 200
    assert changed.json()["description"] == "changed"


def test_delete_removes_the_network_and_its_template(api: Api) -> None:
    created = api.create("ethernet-networks", network("doomed", 216))

    task = api.run("DELETE", created["uri"])

    assert (task["name"], task["associatedResource"]["resourceUri"]) == ("Delete", created["uri"])
    error(api.call("GET", created["uri"]), 404, "RESOURCE_NOT_FOUND")
    error(api.call("GET", created["connectionTemplateUri"]), 404, "RESOURCE_NOT_FOUND")


def test_unknown_network_is_404(api: Api) -> None:
    uri = "/rest/ethernet-networks/5b0c4c53-0000-4000-8000-000000000000"

    for method in ("GET", "DELETE"):
        assert uri in error(api.call(method, uri), 404, "RESOURCE_NOT_FOUND")["details"]


def test_delete_by_filter_deletes_only_the_matching_networks(api: Api) -> None:
    api.create("ethernet-networks", network("filtered-a", 217))
    api.create("ethernet-networks", network("filtered-b", 218))

    api.run("DELETE", "/rest/ethernet-networks?filter=\"name='filtered-a'\"&force=false")

    names = {n["name"] for n in api.members("/rest/ethernet-networks")}
    assert "filtered-a" not in names
    assert {"filtered-b", "tenant-101"} <= names


def test_bulk_delete_removes_the_listed_networks(api: Api) -> None:
    first = api.create("ethernet-networks", network("gone-1", 221))
    second = api.create("ethernet-networks", network("gone-2", 222))

    api.run("POST", "/rest/ethernet-networks/bulk-delete",
            {"networkUris": [first["uri"], second["uri"]]})  # fmt: skip

    names = {n["name"] for n in api.members("/rest/ethernet-networks")}
    assert not names & {"gone-1", "gone-2"}


def test_a_bad_uri_in_a_body_is_400_not_404(api: Api) -> None:
    subnet = api.call(
        "POST", "/rest/ethernet-networks", network("subnetted", 223, subnetUri="/rest/id-pools/x")
    )
    bulk_delete = api.call(
        "POST", "/rest/ethernet-networks/bulk-delete",
        {"networkUris": ["/rest/ethernet-networks/no-such-network"]},
    )  # fmt: skip

    assert "subnetUri" in error(subnet, 400, "CRM_BADLY_FORMED_URI")["details"]
    assert "no-such-network" in error(bulk_delete, 400, "CRM_INVALID_NETWORK_URI")["details"]


def test_read_only_user_cannot_create(sim: SimulatorHandle) -> None:
    reader = Api(sim, user=sim.readonly_username)

    response = reader.call("POST", "/rest/ethernet-networks", network("nope", 224))

    error(response, 403, "ACTION_FORBIDDEN_BY_ROLE")


def test_associated_uplink_groups_lists_the_uplink_sets_carrying_it(api: Api) -> None:
    tenant = api.named("ethernet-networks", "tenant-103")

    uris = api.get(f"{tenant['uri']}/associatedUplinkGroups")

    names = sorted(api.get(uri)["name"] for uri in uris)
    # Three frames: two on LIG-Prod (US-Tenants), one on LIG-Edge (US-Edge-Tenants).
    assert names == ["US-Edge-Tenants", "US-Tenants", "US-Tenants"]


def test_associated_profiles_lists_the_profiles_connected_to_it(api: Api) -> None:
    deploy = api.named("ethernet-networks", "deploy")
    unused = api.create("ethernet-networks", network("unused", 225))

    users = api.get(f"{deploy['uri']}/associatedProfiles")

    # The seed applies one profile (sap-hana-01); templates are not profiles.
    assert len(users) == 1
    assert users[0].startswith("/rest/server-profiles/")
    assert api.get(f"{unused['uri']}/associatedProfiles") == []
