"""Firmware baselines an instance requires, and profiles that drifted from their template."""

from __future__ import annotations

from typing import Any

import pytest
from ironic.common import exception
from ironic.conductor import task_manager

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, requirements

from .. import oneview_seed
from .base import OneViewTestCase, allocate_now

SY_2024 = {
    "uri": "/rest/firmware-drivers/Service_Pack_for_Synergy_SY_2024_04_01",
    "version": "SY-2024.04.01",
    "baselineShortName": "Service Pack for Synergy SY-2024.04.01",
}


class Node:
    uuid = "5f1a3b4c-0000-4000-8000-000000000001"

    def __init__(self, **instance_info: Any) -> None:
        self.instance_info = instance_info


@pytest.mark.parametrize(
    "named",
    [
        "SY-2024.04.01",
        "sy-2024.04.01",
        "Service Pack for Synergy SY-2024.04.01",
        "CUSTOM_OV_FIRMWARE_SY_2024_04_01",
        "/rest/firmware-drivers/Service_Pack_for_Synergy_SY_2024_04_01",
    ],
)
def test_a_baseline_is_named_by_version_short_name_trait_or_uri(named: str) -> None:
    assert requirements.baseline_matches(named, client.FirmwareDriver(SY_2024))


@pytest.mark.parametrize("named", ["SY-2023.10.01", "SY-2024", "2024.04.01", ""])
def test_other_baselines_do_not_match(named: str) -> None:
    assert not requirements.baseline_matches(named, client.FirmwareDriver(SY_2024))


def test_trait_and_capability_of_a_baseline() -> None:
    baseline = client.FirmwareDriver(SY_2024)

    assert requirements.firmware_trait(baseline) == "CUSTOM_OV_FIRMWARE_SY_2024_04_01"
    assert requirements.firmware_capability(baseline) == "SY-2024.04.01"


def test_the_instance_info_key_comes_before_flavor_capability_and_image_property() -> None:
    every = Node(
        oneview_required_firmware_baseline="A",
        capabilities={"oneview_firmware_baseline": "B"},
        image_properties={"oneview_required_firmware_baseline": "C"},
    )
    flavor_and_image = Node(
        capabilities='{"oneview_firmware_baseline": "B"}',
        image_properties={"oneview_required_firmware_baseline": "C"},
    )
    image_only = Node(image_properties={"oneview_required_firmware_baseline": "C"})

    assert requirements.required_baseline(every) == requirements.Requirement(
        "A", "instance_info/oneview_required_firmware_baseline"
    )
    assert requirements.required_baseline(flavor_and_image).value == "B"
    assert "image property" in requirements.required_baseline(image_only).source
    assert requirements.required_baseline(Node()) is None


def test_a_template_that_does_not_manage_firmware_carries_no_baseline() -> None:
    template = client.ServerProfileTemplate(
        {"uri": "/rest/server-profile-templates/t1", "name": "no-fw", "firmware": {}}
    )
    node = Node(oneview_required_firmware_baseline="SY-2024.04.01")

    with pytest.raises(exception.InvalidParameterValue) as caught:
        requirements.check_firmware(node, client_stub(), template)

    message = str(caught.value)
    assert node.uuid in message
    assert "'SY-2024.04.01'" in message
    assert "does not manage firmware" in message
    assert "instance_info/oneview_required_firmware_baseline" in message


def client_stub() -> Any:
    """A client that must not be called (the template names no baseline)."""
    return object()


class FirmwareAgainstTheSimulatorTestCase(OneViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sim.operator.set_config(time_scale=0.001)
        self.node = self.create_oneview_node(name="fw-node")
        settings = common.parse_driver_info(self.node)
        self.ov = common.get_client(settings)
        self.template = self.ov.server_profile_templates.get(settings.server_profile_template_uri)

    def test_the_template_baseline_satisfies_the_requirement(self) -> None:
        node = Node(oneview_required_firmware_baseline="SY-2024.04.01")

        requirements.check_firmware(node, self.ov, self.template)

    def test_another_baseline_is_refused_naming_both(self) -> None:
        node = Node(oneview_required_firmware_baseline="SY-2023.10.01")

        with pytest.raises(exception.InvalidParameterValue) as caught:
            requirements.check_firmware(node, self.ov, self.template)

        message = str(caught.value)
        assert "requires firmware baseline 'SY-2023.10.01'" in message
        assert "installs 'Service Pack for Synergy SY-2024.04.01'" in message
        assert oneview_seed.TEMPLATE in message

    def test_a_profile_that_drifted_from_its_template_is_refused_with_the_differences(
        self,
    ) -> None:
        with task_manager.acquire(self.context, self.node.uuid) as task:
            profile = allocate_now(task)

        def downgrade(template: client.ServerProfileTemplate) -> None:
            for baseline in self.ov.firmware_drivers.list():
                if baseline.version == "SY-2023.10.01":
                    template.data["firmware"]["firmwareBaselineUri"] = baseline.uri

        self.ov.server_profile_templates.modify(self.template.uri, downgrade)
        drifted = self.ov.server_profiles.get(profile.uri)

        with pytest.raises(exception.InvalidParameterValue) as caught:
            requirements.check_compliance(self.node, self.ov, drifted)

        message = str(caught.value)
        assert drifted.template_compliance is client.TemplateCompliance.NON_COMPLIANT
        assert "not compliant with its template" in message
        assert "firmware" in message.lower()

    def test_a_boot_order_ironic_changed_does_not_count_as_drift(self) -> None:
        with task_manager.acquire(self.context, self.node.uuid) as task:
            profile = allocate_now(task)

        def disk_first(changed: client.ServerProfile) -> None:
            changed.boot_order = ["HardDisk", "PXE"]

        reordered = self.ov.server_profiles.modify(profile.uri, disk_first)

        assert reordered.template_compliance is client.TemplateCompliance.NON_COMPLIANT
        requirements.check_compliance(self.node, self.ov, reordered)

    def test_a_compliant_profile_passes(self) -> None:
        with task_manager.acquire(self.context, self.node.uuid) as task:
            profile = allocate_now(task)

        requirements.check_compliance(self.node, self.ov, profile)
