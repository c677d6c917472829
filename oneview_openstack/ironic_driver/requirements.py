"""What an instance may require of the hardware: a firmware baseline, a compliant profile.

The firmware a server runs is the baseline its profile installs, which is the baseline of the
node's template (``firmware.firmwareBaselineUri``, when the template manages firmware) as long as
the profile is compliant with its template (Ironic's own boot-order changes aside: they make
OneView report the profile ``NonCompliant`` unless the template's ``boot.complianceControl`` is
``Unchecked``, which is the recommended setting). Inspection exposes it as the trait
:func:`firmware_trait` (``CUSTOM_OV_FIRMWARE_SY_2024_04_01``) and the capability
``oneview_firmware_baseline:<version>``, so Nova flavors can ask for it.

A deploy states the baseline it needs, in the first of:

- ``instance_info/oneview_required_firmware_baseline``;
- ``instance_info/capabilities`` ``oneview_firmware_baseline`` (what a flavor passes);
- the image property ``oneview_required_firmware_baseline`` (Glance images; Ironic copies the
  properties into ``instance_info/image_properties``).

The value may be the baseline's version (``SY-2024.04.01``), its short name (``Service Pack for
Synergy SY-2024.04.01``), its trait, or its URI. A deploy is refused, naming both baselines,
when the hardware would not carry it; and when the node's existing profile is not compliant
with its template (its settings, firmware included, drifted from what the template says).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ironic.common import exception
from ironic.common import utils as ironic_utils

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, facts
from oneview_openstack.ironic_driver.checks import label

REQUIRED_BASELINE = "oneview_required_firmware_baseline"
FIRMWARE_CAPABILITY = facts.FIRMWARE_CAPABILITY
_NOT_ALPHANUMERIC = re.compile(r"[^A-Z0-9]+")


@dataclasses.dataclass(frozen=True)
class Requirement:
    """A firmware baseline an instance needs, and the field that said so."""

    value: str
    source: str


firmware_trait = facts.firmware_trait
firmware_capability = facts.firmware_capability


def installed_baseline(
    ov: client.OneViewClient,
    source: client.ServerProfileTemplate | client.ServerProfile,
) -> client.FirmwareDriver | None:
    """The baseline a template or profile installs (``None`` if it does not manage firmware)."""
    uri = source.firmware_baseline_uri
    return ov.firmware_drivers.get(uri) if uri else None


def required_baseline(node: Any) -> Requirement | None:
    """The firmware baseline the node's instance requires, if it states one."""
    info = node.instance_info or {}
    if info.get(REQUIRED_BASELINE):
        return Requirement(str(info[REQUIRED_BASELINE]), f"instance_info/{REQUIRED_BASELINE}")
    capabilities = ironic_utils.parse_instance_info_capabilities(node)
    if capabilities.get(FIRMWARE_CAPABILITY):
        return Requirement(
            str(capabilities[FIRMWARE_CAPABILITY]),
            f"instance_info/capabilities {FIRMWARE_CAPABILITY}",
        )
    image_properties = info.get("image_properties") or {}
    if isinstance(image_properties, dict) and image_properties.get(REQUIRED_BASELINE):
        return Requirement(
            str(image_properties[REQUIRED_BASELINE]),
            f"image property {REQUIRED_BASELINE} (instance_info/image_properties)",
        )
    return None


def baseline_matches(required: str, baseline: client.FirmwareDriver) -> bool:
    """Does *required* name *baseline* (by version, short name, trait, URI or id)?"""
    if common.same_uri(required, baseline.uri):
        return True
    names = (baseline.version, baseline.baseline_short_name, baseline.id, firmware_trait(baseline))
    wanted = _normal(required)
    return any(name and _normal(name) == wanted for name in names)


def check_firmware(
    node: Any,
    ov: client.OneViewClient,
    source: client.ServerProfileTemplate | client.ServerProfile,
) -> None:
    """Refuse unless the baseline *source* (template, or the applied profile) installs is the
    one the instance requires.

    :raises: InvalidParameterValue naming the node, the requirement, its field and the
        baseline the hardware carries.
    """
    requirement = required_baseline(node)
    if requirement is None:
        return
    baseline = installed_baseline(ov, source)
    what = f"{source.category.rstrip('s').replace('-', ' ')} {label(source)}"
    if baseline is None:
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: {requirement.source} requires firmware baseline "
            f"{requirement.value!r}, but {what} does not manage firmware, so the server carries "
            "no known baseline; allowed: a template that installs that baseline, or no "
            "requirement."
        )
    if not baseline_matches(requirement.value, baseline):
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: {requirement.source} requires firmware baseline "
            f"{requirement.value!r}, but {what} installs {baseline.baseline_short_name!r} "
            f"(version {baseline.version!r}, {baseline.uri}); allowed: {baseline.version!r}, "
            "or deploy on a node whose template installs the required baseline."
        )


def check_compliance(node: Any, ov: client.OneViewClient, profile: client.ServerProfile) -> None:
    """Refuse when the node's profile is not compliant with its template.

    A different boot order does not count: Ironic sets it (disk first after a deploy).

    :raises: InvalidParameterValue naming the profile, the template and the changes OneView
        would make to bring the profile back in line.
    """
    if profile.template_compliance is not client.TemplateCompliance.NON_COMPLIANT:
        return
    preview = ov.server_profiles.compliance_preview(profile)
    changes = [
        change
        for change in (*preview.manual_updates, *preview.automatic_updates)
        if not _is_boot_order(change)
    ]
    if not changes and (preview.manual_updates or preview.automatic_updates):
        return  # only the boot order, which Ironic itself sets (disk after a deploy)
    raise exception.InvalidParameterValue(
        f"Node {node.uuid}: server profile {label(profile)} is not compliant with its template "
        f"{profile.server_profile_template_uri}; OneView lists these differences: "
        f"{' '.join(changes) or 'none given'}. Update the profile from its template in OneView "
        "(or undeploy the node, which removes the profile) before deploying."
    )


def _is_boot_order(change: str) -> bool:
    return "boot order" in change.lower()


def _normal(text: str) -> str:
    return _NOT_ALPHANUMERIC.sub("_", text.upper()).strip("_")
