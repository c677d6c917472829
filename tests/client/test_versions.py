"""API version negotiation and the version-dependent shapes, checked on real appliance JSON."""

import copy

import pytest

from oneview_openstack.client import ApplianceVersion, ServerProfile, UnsupportedApiVersion
from oneview_openstack.client.versions import (
    negotiate,
    profile_from_wire,
    profile_to_wire,
    resource_type,
)

from .samples import sample


@pytest.mark.parametrize(
    ("current", "minimum", "cap", "expected"),
    [
        (4600, 120, None, 4600),
        (4600, 120, 800, 800),
        (800, 120, 2000, 800),
        (99999, 120, None, 8600),
        (300, 120, None, 300),
    ],
)
def test_negotiates_the_highest_common_version(current, minimum, cap, expected):
    assert negotiate(ApplianceVersion(current=current, minimum=minimum), cap) == expected


def test_no_common_version_is_an_error_naming_both_ranges():
    with pytest.raises(UnsupportedApiVersion, match=r"accepts 120\.\.200, this client 300\.\."):
        negotiate(ApplianceVersion(current=200, minimum=120))
    with pytest.raises(UnsupportedApiVersion, match="capped at 500"):
        negotiate(ApplianceVersion(current=4600, minimum=600), 500)
    with pytest.raises(ValueError, match="api_version_cap must be a positive int"):
        negotiate(ApplianceVersion(current=4600, minimum=120), 0)


def legacy(profile):
    """The API <= 500 shape of a modern profile: connections at the top level."""
    body = copy.deepcopy(profile)
    body["connections"] = body.pop("connectionSettings")["connections"]
    return body


def test_modern_profile_is_read_unchanged():
    wire = sample("ServerProfile.json")
    assert profile_from_wire(wire) == wire


def test_legacy_and_modern_profiles_give_the_same_model():
    modern = sample("ServerProfile.json")
    old = profile_from_wire(legacy(modern))
    assert "connections" not in old
    assert old["connectionSettings"]["connections"] == modern["connectionSettings"]["connections"]
    assert ServerProfile(old).connections[0].mac == "9A:A0:22:90:00:01"


def test_model_is_written_in_the_shape_of_the_api_version():
    model = profile_from_wire(sample("ServerProfile.json"))
    at_300 = profile_to_wire(model, 300)
    assert "connectionSettings" not in at_300
    assert at_300["connections"] == model["connectionSettings"]["connections"]
    assert profile_to_wire(model, 800) == model
    assert profile_from_wire(at_300)["connectionSettings"]["connections"] == at_300["connections"]


def test_templates_switch_shape_earlier_than_profiles():
    model = profile_from_wire(sample("ServerProfileTemplate.json"))
    assert "connections" in profile_to_wire(model, 300, template=True)
    assert profile_to_wire(model, 500, template=True) == model
    assert "connections" in profile_to_wire(model, 500)


def test_template_sample_connections_are_visible():
    template = profile_from_wire(sample("ServerProfileTemplate.json"))
    assert [c["portId"] for c in template["connectionSettings"]["connections"]]


def test_profile_without_connections_gets_an_empty_list():
    assert profile_from_wire({"name": "p"})["connectionSettings"] == {"connections": []}


@pytest.mark.parametrize(
    ("category", "api", "expected"),
    [
        ("server-profiles", 300, "ServerProfileV6"),
        ("server-profiles", 800, "ServerProfileV9"),
        ("server-profiles", 4600, "ServerProfileV12"),
        ("ethernet-networks", 300, "ethernet-networkV300"),
        ("ethernet-networks", 800, "ethernet-networkV4"),
        ("ethernet-networks/bulk", 1200, "bulk-ethernet-networkV2"),
        ("network-sets", 2000, "network-setV5"),
    ],
)
def test_request_type_strings(category, api, expected):
    assert resource_type(category, api) == expected
