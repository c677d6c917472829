"""Editing, moving and deleting server profiles over plain HTTP (§10, §11.2, §11.3)."""

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
    flexnic_mac,
    power,
    server,
    time_scale,
)

pytestmark = pytest.mark.functional

Doc = dict[str, Any]
BLADE, OTHER_BLADE = "Frame1, bay 1", "Frame1, bay 2"


@pytest.fixture
def api(sim: SimulatorHandle) -> Iterator[Api]:
    with time_scale(sim, FAST):
        yield Api(sim)


@pytest.fixture
def profile(api: Api) -> Doc:
    return create_profile(api, "node-1", BLADE)


def edited(api: Api, profile: Doc, **changes: Any) -> Doc:
    """The profile as a client re-reads it, with ``changes`` laid over it."""
    return {**api.get(profile["uri"]), **changes}


# -- ETag -------------------------------------------------------------------------


def test_a_stale_if_match_header_is_412(api: Api, profile: Doc) -> None:
    stale = profile["eTag"]
    api.run("PUT", profile["uri"], edited(api, profile, description="first"))

    response = api.call(
        "PUT", profile["uri"], edited(api, profile, description="second"), {"If-Match": stale}
    )

    assert stale in error(response, 412, "ETAG_MISMATCH")["details"]
    assert api.get(profile["uri"])["description"] == "first"


def test_a_stale_etag_in_the_body_is_412(api: Api, profile: Doc) -> None:
    api.run("PUT", profile["uri"], edited(api, profile, description="first"))

    response = api.call("PUT", profile["uri"], {**profile, "description": "second"})

    error(response, 412, "ETAG_MISMATCH")


def test_if_match_star_skips_the_etag_check(api: Api, profile: Doc) -> None:
    api.run("PUT", profile["uri"], edited(api, profile, description="first"))

    api.run("PUT", profile["uri"], {**profile, "description": "forced"}, {"If-Match": "*"})

    assert api.get(profile["uri"])["description"] == "forced"


def test_an_empty_if_match_header_and_no_etag_are_accepted(api: Api, profile: Doc) -> None:
    body = edited(api, profile, description="golang")
    del body["eTag"]

    api.run("PUT", profile["uri"], body, {"If-Match": ""})

    assert api.get(profile["uri"])["description"] == "golang"


def test_a_stale_if_match_on_delete_is_412(api: Api, profile: Doc) -> None:
    stale = profile["eTag"]
    api.run("PUT", profile["uri"], edited(api, profile, description="changed"))

    error(api.call("DELETE", profile["uri"], headers={"If-Match": stale}), 412, "ETAG_MISMATCH")


def test_if_none_match_answers_304_until_the_profile_changes(api: Api, profile: Doc) -> None:
    current = api.call("GET", profile["uri"])
    etag = current.headers["ETag"]

    unchanged = api.call("GET", profile["uri"], headers={"If-None-Match": etag})
    api.run("PUT", profile["uri"], edited(api, profile, description="changed"))
    changed = api.call("GET", profile["uri"], headers={"If-None-Match": etag})

    assert etag == current.json()["eTag"]
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert changed.status_code == 200
    assert changed.json()["description"] == "changed"


# -- locked while a task runs --------------------------------------------------------


def test_changes_are_409_while_a_task_of_the_profile_runs(
    api: Api, sim: SimulatorHandle, profile: Doc
) -> None:
    with time_scale(sim, 1.0):
        api.call(
            "PUT",
            profile["uri"],
            edited(api, profile, boot={"manageBoot": True, "order": ["HardDisk"]}),
        )
        current = api.get(profile["uri"])
        put = api.call("PUT", profile["uri"], {**current, "description": "again"})
        delete = api.call("DELETE", profile["uri"])
        patch = api.call(
            "PATCH",
            profile["uri"],
            [{"op": "replace", "path": "/refreshState", "value": "RefreshPending"}],
        )

    assert (current["state"], current["inProgress"]) == ("Updating", True)
    for response in (put, delete, patch):
        error(response, 409, "PROFILE_OPERATION_IN_PROGRESS")


# -- edits ------------------------------------------------------------------------


def test_boot_order_is_edited_while_the_server_is_off(api: Api, profile: Doc) -> None:
    body = edited(api, profile, boot={"manageBoot": True, "order": ["HardDisk", "PXE"]})

    task = api.run("PUT", f"{profile['uri']}?force=", body)
    after = api.get(profile["uri"])

    assert task["name"] == "Update"
    assert after["boot"]["order"] == ["HardDisk", "PXE"]
    assert (after["state"], after["templateCompliance"]) == ("Normal", "NonCompliant")
    assert api.get(profile["serverHardwareUri"])["state"] == "ProfileApplied"


def test_hardware_settings_cannot_change_while_the_server_is_on(api: Api, profile: Doc) -> None:
    power(api, server(api, BLADE), "On")
    body = edited(api, profile, boot={"manageBoot": True, "order": ["HardDisk"]})

    task = api.fails("PUT", profile["uri"], body, "ServerNotOffProfileEdit")

    assert "powered on" in task["taskErrors"][0]["message"]
    assert api.get(profile["uri"])["boot"]["order"] == profile["boot"]["order"]


def test_name_and_description_change_while_the_server_is_on(api: Api, profile: Doc) -> None:
    power(api, server(api, BLADE), "On")

    api.run("PUT", profile["uri"], edited(api, profile, name="renamed", description="on"))

    assert (api.get(profile["uri"])["name"], api.get(profile["uri"])["description"]) == (
        "renamed",
        "on",
    )


def test_virtual_macs_survive_edits_and_new_connections_get_new_ones(api: Api) -> None:
    body = api.get(f"{api.named('server-profile-templates', 'SPT-Prod-SY480')['uri']}/new-profile")
    body.update(name="virtual", serverHardwareUri=server(api, BLADE)["uri"], macType="Virtual")
    created = api.get(
        api.run("POST", "/rest/server-profiles", body)["associatedResource"]["resourceUri"]
    )
    before = {c["id"]: c["mac"] for c in connections(created)}
    current = api.get(created["uri"])
    added = {
        "name": "extra",
        "functionType": "Ethernet",
        "portId": "Mezz 3:1-b",
        "networkUri": connections(current)[0]["networkUri"],
        "boot": {"priority": "NotBootable"},
    }
    current["connectionSettings"]["connections"].append(added)

    api.run("PUT", created["uri"], current)
    after = {c["id"]: c["mac"] for c in connections(api.get(created["uri"]))}

    assert {k: after[k] for k in before} == before
    new_ids = set(after) - set(before)
    assert new_ids == {max(before) + 1}
    assert after[max(before) + 1] not in before.values()


def test_a_failed_edit_restores_the_profile(api: Api, sim: SimulatorHandle, profile: Doc) -> None:
    sim.operator.fail_next_task(
        "CONNECTIONS_ERROR", name="Update", resource_category="server-profiles"
    )

    api.fails("PUT", profile["uri"], edited(api, profile, description="lost"), "CONNECTIONS_ERROR")

    after = api.get(profile["uri"])
    assert (after["description"], after["state"], after["inProgress"]) == ("", "Normal", False)
    assert api.get(profile["serverHardwareUri"])["state"] == "ProfileApplied"


# -- assign, unassign, move ---------------------------------------------------------------


def test_unassigning_while_the_server_is_on_is_refused(api: Api, profile: Doc) -> None:
    power(api, server(api, BLADE), "On")

    api.fails(
        "PUT",
        profile["uri"],
        edited(api, profile, serverHardwareUri=None),
        "ServerNotOffUnassigningGen9AndNewer",
    )

    assert api.get(profile["uri"])["serverHardwareUri"] == server(api, BLADE)["uri"]


def test_unassigning_frees_the_server(api: Api, profile: Doc) -> None:
    api.run("PUT", profile["uri"], edited(api, profile, serverHardwareUri=None))

    after = api.get(profile["uri"])
    blade = server(api, BLADE)
    assert (after["serverHardwareUri"], after["enclosureBay"]) == (None, None)
    assert {c["state"] for c in connections(after)} == {"Reserved"}
    assert (blade["state"], blade["serverProfileUri"]) == ("NoProfileApplied", None)


def test_moving_a_profile_to_another_server(api: Api, profile: Doc) -> None:
    target = server(api, OTHER_BLADE)

    api.run("PUT", profile["uri"], edited(api, profile, serverHardwareUri=target["uri"]))

    after = api.get(profile["uri"])
    assert after["enclosureBay"] == target["position"]
    assert server(api, BLADE)["state"] == "NoProfileApplied"
    assert server(api, OTHER_BLADE)["serverProfileUri"] == profile["uri"]
    for connection in connections(after):
        assert connection["mac"] == flexnic_mac(target, connection["portId"])


def test_moving_to_a_powered_on_server_is_server_not_off(api: Api, profile: Doc) -> None:
    target = server(api, OTHER_BLADE)
    power(api, target, "On")

    api.fails(
        "PUT",
        profile["uri"],
        edited(api, profile, serverHardwareUri=target["uri"]),
        "SERVER_NOT_OFF",
    )


# -- delete ----------------------------------------------------------------------


def test_delete_removes_the_profile_and_frees_the_server(api: Api, profile: Doc) -> None:
    task = api.run("DELETE", profile["uri"])

    assert task["name"] == "Delete"  # hpeOneView returns True for tasks named "Delete"
    assert task["associatedResource"]["resourceUri"] == profile["uri"]
    error(api.call("GET", profile["uri"]), 404, "ProfileNotFoundException")
    blade = server(api, BLADE)
    assert (blade["state"], blade["serverProfileUri"], blade["powerLock"]) == (
        "NoProfileApplied",
        None,
        False,
    )
    bays = api.get(blade["locationUri"])["deviceBays"]
    assert [b["profileUri"] for b in bays if b["deviceUri"] == blade["uri"]] == [""]


def test_while_deleting_the_profile_and_server_show_it(
    api: Api, sim: SimulatorHandle, profile: Doc
) -> None:
    with time_scale(sim, 1.0):
        api.call("DELETE", profile["uri"])
        during = api.get(profile["uri"])
        blade = server(api, BLADE)

    assert (during["state"], during["inProgress"]) == ("Deleting", True)
    assert (blade["state"], blade["powerLock"]) == ("RemovingProfile", True)


def test_delete_while_the_server_is_on_needs_force(api: Api, profile: Doc) -> None:
    power(api, server(api, BLADE), "On")

    api.fails("DELETE", profile["uri"], None, "ServerNotOffUnassigningGen9AndNewer")
    assert api.get(profile["uri"])["state"] == "Normal"
    api.run("DELETE", f"{profile['uri']}?force=true")

    error(api.call("GET", profile["uri"]), 404, "ProfileNotFoundException")
    assert server(api, BLADE)["powerState"] == "On"


def test_deleting_twice_is_404(api: Api, profile: Doc) -> None:
    api.run("DELETE", profile["uri"])

    error(api.call("DELETE", profile["uri"]), 404, "ProfileNotFoundException")


def test_refresh_state_patch(api: Api, profile: Doc) -> None:
    task = api.run(
        "PATCH",
        profile["uri"],
        [{"op": "replace", "path": "/refreshState", "value": "RefreshPending"}],
        {"Content-Type": "application/json-patch+json"},
    )

    assert task["name"] == "Refresh"
    assert api.get(profile["uri"])["refreshState"] == "NotRefreshing"


def test_unsupported_patches_are_400(api: Api, profile: Doc) -> None:
    response = api.call("PATCH", profile["uri"], [{"op": "replace", "path": "/name", "value": "x"}])

    assert "/templateCompliance" in error(response, 400, "INVALID_PATCH_REQUEST")["details"]
