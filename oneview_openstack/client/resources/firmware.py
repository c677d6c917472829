"""Firmware baselines (Service Packs for ProLiant/Synergy) uploaded to the appliance."""

from __future__ import annotations

from oneview_openstack.client.resources.base import Resource, ResourceManager


class FirmwareDriver(Resource):
    """A firmware bundle (``/rest/firmware-drivers/{id}``), usually a Service Pack.

    Templates and profiles name the one they install in ``firmware.firmwareBaselineUri``.
    """

    category = "firmware-drivers"

    @property
    def version(self) -> str | None:
        """E.g. ``SY-2024.04.01`` or ``2024.04.00.00``."""
        return self.data.get("version") or None

    @property
    def baseline_short_name(self) -> str | None:
        """E.g. ``Service Pack for Synergy SY-2024.04.01``."""
        return self.data.get("baselineShortName") or None

    @property
    def bundle_type(self) -> str | None:
        """``ServicePack``, ``Hotfix`` or ``Custom``."""
        return self.data.get("bundleType") or None

    @property
    def release_date(self) -> str | None:
        return self.data.get("releaseDate") or None


class FirmwareDriverManager(ResourceManager[FirmwareDriver]):
    """``client.firmware_drivers`` (read only)."""

    category = "firmware-drivers"
    model = FirmwareDriver
