"""Firmware baselines, the baseline a template installs, and projected listings."""

from __future__ import annotations

import pytest

from oneview_openstack.client import FirmwareDriver, OneViewClient

pytestmark = pytest.mark.functional


def test_template_names_the_firmware_baseline_it_installs(client: OneViewClient):
    template = client.server_profile_templates.get_by_name("SPT-Prod-SY480")

    baseline = client.firmware_drivers.get(template.firmware_baseline_uri)

    assert isinstance(baseline, FirmwareDriver)
    assert baseline.version == "SY-2024.04.01"
    assert baseline.baseline_short_name == "Service Pack for Synergy SY-2024.04.01"
    assert baseline.bundle_type == "ServicePack"


def test_firmware_baselines_are_listed(client: OneViewClient):
    versions = {driver.version for driver in client.firmware_drivers.list()}

    assert {"SY-2023.10.01", "SY-2024.04.01", "2024.04.00.00"} <= versions


def test_profile_made_from_a_template_keeps_its_baseline(client: OneViewClient):
    template = client.server_profile_templates.get_by_name("SPT-Edge-SY480")

    profile = client.server_profile_templates.new_profile(template)

    assert profile.firmware_baseline_uri == template.firmware_baseline_uri is not None


def test_listing_with_fields_returns_only_those_attributes(client: OneViewClient, counter):
    full = {server.uri: server for server in client.server_hardware.list()}
    counter.reset()

    slim = list(client.server_hardware.list(fields=["uri", "powerState", "serverProfileUri"]))

    assert counter.counts() == {"GET /rest/server-hardware": 1}
    assert {server.uri for server in slim} == set(full)
    for server in slim:
        assert set(server.data) <= {"uri", "powerState", "serverProfileUri"}
        assert server.power_state == full[server.uri].power_state
        assert server.server_profile_uri == full[server.uri].server_profile_uri
        assert server.memory_mb == 0  # not asked for
