"""Version-dependent shapes of profiles and templates (§4, §9.4, §9.5) over plain HTTP.

Profiles carry top-level ``connections`` up to API 500 and
``connectionSettings.connections`` from 600; templates switch at 500. Both
shapes are accepted on input and are the same stored profile.
"""

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
    server,
    template,
    time_scale,
)

pytestmark = pytest.mark.functional

Doc = dict[str, Any]


@pytest.fixture
def api(sim: SimulatorHandle) -> Iterator[Api]:
    with time_scale(sim, FAST):
        yield Api(sim)


@pytest.mark.parametrize(
    ("version", "type_name", "top_level"),
    [
        (300, "ServerProfileV6", True),
        (500, "ServerProfileV7", True),
        (600, "ServerProfileV8", False),
        (800, "ServerProfileV9", False),
        (4600, "ServerProfileV12", False),
    ],
)
def test_profile_shape_per_version(api: Api, version: int, type_name: str, top_level: bool) -> None:
    seeded = api.named("server-profiles", "sap-hana-01")

    shown = api.at(version).get(seeded["uri"])
    listed = api.at(version).named("server-profiles", "sap-hana-01")

    assert shown["type"] == listed["type"] == type_name
    assert ("connections" in shown) is top_level
    assert ("connectionSettings" in shown) is not top_level
    assert [c["mac"] for c in connections(shown)] == [c["mac"] for c in connections(seeded)]


@pytest.mark.parametrize(
    ("version", "type_name", "top_level"),
    [
        (300, "ServerProfileTemplateV2", True),
        (500, "ServerProfileTemplateV3", False),
        (800, "ServerProfileTemplateV5", False),
        (4600, "ServerProfileTemplateV8", False),
    ],
)
def test_template_shape_per_version(
    api: Api, version: int, type_name: str, top_level: bool
) -> None:
    shown = api.at(version).get(template(api)["uri"])

    assert shown["type"] == type_name
    assert ("connections" in shown) is top_level
    assert len(connections(shown)) == 2


@pytest.mark.parametrize(
    ("version", "type_name"), [(300, "ServerProfileV6"), (800, "ServerProfileV9")]
)
def test_new_profile_has_the_shape_of_the_request_version(
    api: Api, version: int, type_name: str
) -> None:
    body = api.at(version).get(f"{template(api)['uri']}/new-profile")

    assert (body["type"], body["category"]) == (type_name, "server-profiles")
    assert (body["name"], body["serverHardwareUri"], body["uri"], body["eTag"]) == (None,) * 4
    assert body["serverProfileTemplateUri"] == template(api)["uri"]
    assert ("connections" in body) is (version < 600)
    assert [c["portId"] for c in connections(body)] == ["Mezz 3:1-a", "Mezz 3:2-a"]
    assert all("complianceControl" not in (body.get(s) or {}) for s in ("boot", "bios", "firmware"))


def test_ironic_at_api_300_allocates_with_top_level_connections(api: Api) -> None:
    old = api.at(300)
    body = old.get(f"{template(api)['uri']}/new-profile")
    body.update(name="ironic", serverHardwareUri=server(api, "Frame1, bay 1")["uri"])
    body["serverProfileTemplateUri"] = ""

    task = old.run("POST", "/rest/server-profiles?force=", body)
    seen_new = api.get(task["associatedResource"]["resourceUri"])

    assert len(seen_new["connectionSettings"]["connections"]) == 2
    assert seen_new["type"] == "ServerProfileV12"


def test_ml2_at_api_300_adds_a_connection_to_the_top_level_list(api: Api) -> None:
    profile = create_profile(api, "ml2", "Frame1, bay 1")
    old = api.at(300)
    current = old.get(profile["uri"])
    network = api.named("ethernet-networks", "tenant-101")["uri"]
    current["connections"].append(
        {
            "name": "NeutronPort[aa:bb]",
            "portId": "Mezz 3:1-b",
            "networkUri": network,
            "boot": {"priority": "NotBootable"},
            "functionType": "Ethernet",
        }  # fmt: skip
    )

    old.run("PUT", f"{profile['uri']}?force=", current)

    added = connections(api.get(profile["uri"]))[-1]
    assert (added["id"], added["portId"], added["networkUri"]) == (3, "Mezz 3:1-b", network)
    assert added["state"] == "Deployed"


def test_a_connection_settings_body_is_accepted_at_any_version(api: Api) -> None:
    profile = create_profile(api, "shape", "Frame1, bay 1")
    current = api.get(profile["uri"])
    current["connectionSettings"]["connections"] = current["connectionSettings"]["connections"][:1]
    current["type"] = "ServerProfileV6"

    api.at(300).run("PUT", profile["uri"], current)

    assert len(connections(api.get(profile["uri"]))) == 1


@pytest.mark.parametrize(
    ("version", "given", "code"),
    [
        (800, "ServerProfileV6", "INVALID_JSON_TYPE"),
        (800, "ServerProfileTemplateV5", "INVALID_JSON_TYPE"),
        (800, None, "MISSING_JSON_TYPE"),
    ],
)
def test_the_type_must_match_the_api_version(
    api: Api, version: int, given: str | None, code: str
) -> None:
    client = api.at(version)
    body = client.get(f"{template(api)['uri']}/new-profile")
    body.update(name="typed", serverHardwareUri=server(api, "Frame1, bay 1")["uri"], type=given)
    if given is None:
        del body["type"]

    error(client.call("POST", "/rest/server-profiles", body), 400, code)


def test_the_current_version_accepts_a_body_without_type(api: Api) -> None:
    body = api.get(f"{template(api)['uri']}/new-profile")
    body.update(name="untyped", serverHardwareUri=server(api, "Frame1, bay 1")["uri"])
    del body["type"]

    api.run("POST", "/rest/server-profiles", body)
