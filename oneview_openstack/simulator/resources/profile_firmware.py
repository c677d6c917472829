"""Firmware of profiles (``firmware`` section) and of servers (their installed components).

A profile that manages firmware names a baseline (``firmwareBaselineUri``, a
``/rest/firmware-drivers`` service pack) and an install type:
``FirmwareOnlyOfflineMode`` boots the service pack on the powered-off server;
``FirmwareOnly`` and ``FirmwareAndOSDrivers`` go through the Smart Update Tools
(iSUT) in the server's operating system, which the seed's servers do not run,
so such a profile's task ends in Error (``SUT_NOT_RUNNING``), as an appliance's.

Applying installs every component older than the baseline's (all of them with
``forceInstallFirmware``): the profile task then lasts the components'
install times plus a reboot (``seed/catalog.FIRMWARE_COMPONENTS``, scaled by
the simulator's time scale like every task). The installed versions are kept
per server in ``_server-firmware`` and shown by ``.../firmware``. The operator
API can make a server's next install fail (``fail_next_install``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator.errors import ApiError, bad_request
from oneview_openstack.simulator.seed.build_compute import SERVER_FIRMWARE
from oneview_openstack.simulator.seed.catalog import (
    FIRMWARE_COMPONENTS,
    FIRMWARE_OVERHEAD_SECONDS,
)

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

Doc = dict[str, Any]
INSTALL_TYPES = ("FirmwareOnly", "FirmwareAndOSDrivers", "FirmwareOnlyOfflineMode")
ONLINE_TYPES = ("FirmwareOnly", "FirmwareAndOSDrivers")
ACTIVATION_TYPES = ("Immediate", "Scheduled", "NotScheduled")
INSTALLED = SERVER_FIRMWARE
FAILURES = "_firmware-failures"
INSTALL_FAILED = "FIRMWARE_INSTALL_FAILED"


# -- 400: malformed sections ------------------------------------------------------------


def check_firmware(doc: Doc) -> None:
    """400 if the firmware section is malformed (the baseline's existence is checked apart)."""
    firmware = doc.get("firmware") or {}
    for flag in ("manageFirmware", "forceInstallFirmware"):
        if not isinstance(firmware.get(flag, False), bool):
            raise _invalid(f"firmware.{flag}", firmware.get(flag), "true, false")
    if not firmware.get("manageFirmware"):
        return
    if not firmware.get("firmwareBaselineUri"):
        raise _invalid(
            "firmware.firmwareBaselineUri", None, "the URI of a firmware baseline when managed"
        )
    install_type = firmware.get("firmwareInstallType")
    if install_type is not None and install_type not in INSTALL_TYPES:
        raise _invalid("firmware.firmwareInstallType", install_type, ", ".join(INSTALL_TYPES))
    activation = firmware.get("firmwareActivationType")
    if activation is not None and activation not in ACTIVATION_TYPES:
        raise _invalid("firmware.firmwareActivationType", activation, ", ".join(ACTIVATION_TYPES))
    if activation == "Scheduled" and not firmware.get("firmwareScheduleDateTime"):
        raise _invalid(
            "firmware.firmwareScheduleDateTime",
            None,
            "a date and time when activation is Scheduled",
        )


def _invalid(field: str, value: Any, allowed: str) -> ApiError:
    return bad_request(
        "INVALID_PARAMETER",
        f"The field {field} has the invalid value {value!r}.",
        details=f"Field {field}: {value!r}. Allowed: {allowed}.",
    )


# -- task errors and durations ------------------------------------------------------------


def firmware_problem(profile: Doc, server: Doc) -> ApiError | None:
    """An online install type on a server whose iSUT does not run (found while applying)."""
    firmware = profile.get("firmware") or {}
    install_type = firmware.get("firmwareInstallType") or "FirmwareOnlyOfflineMode"
    if not firmware.get("manageFirmware") or install_type not in ONLINE_TYPES:
        return None
    sut = ((server.get("serverSettings") or {}).get("hpSmartUpdateToolStatus") or {}).get(
        "serviceState"
    )
    if sut == "Running":
        return None
    return ApiError(
        400,
        "SUT_NOT_RUNNING",
        f"The firmware install type {install_type} needs the Smart Update Tools (iSUT) "
        f"running on the server hardware {server.get('name')!r}.",
        details=f"iSUT service state: {sut or 'not installed'}.",
        recommended_actions=[
            "Install and start iSUT in the server's operating system, "
            "or use the install type FirmwareOnlyOfflineMode."
        ],
    )


def install_seconds(appliance: Appliance, profile: Doc, server: Doc | None) -> float:
    """How long installing the profile's baseline on ``server`` takes (0: nothing to do)."""
    if server is None:
        return 0.0
    updates = _updates(appliance, profile, server)
    if not updates:
        return 0.0
    times = {c.name: c.install_seconds for c in FIRMWARE_COMPONENTS}
    return FIRMWARE_OVERHEAD_SECONDS + sum(times.get(name, 60.0) for name in updates)


def _updates(appliance: Appliance, profile: Doc, server: Doc) -> dict[str, str]:
    """Component name -> version the install sets."""
    firmware = profile.get("firmware") or {}
    baseline = appliance.store.get(firmware.get("firmwareBaselineUri") or "")
    if not firmware.get("manageFirmware") or baseline is None:
        return {}
    current = installed(appliance, server)
    force = bool(firmware.get("forceInstallFirmware"))
    updates = {}
    for item in baseline.get("fwComponents") or []:
        name, version = item["name"], item["componentVersion"]
        have = current.get(name)
        if have is None or (force and have != version) or older(have, version):
            updates[name] = version
    return updates


def older(have: str, want: str) -> bool:
    def key(version: str) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", version))

    return key(have) < key(want)


# -- the server's components ---------------------------------------------------------------


def installed(appliance: Appliance, server: Doc) -> dict[str, str]:
    """Component name -> installed version (the factory versions until a baseline is installed)."""
    stored = appliance.store.get(_uri(INSTALLED, server["uri"]))
    if stored is not None:
        return dict(stored["components"])
    return {c.name: c.factory_version for c in FIRMWARE_COMPONENTS}


def install(appliance: Appliance, profile: Doc, server_uri: str) -> None:
    """Install the profile's baseline on the server (raises the injected failure, if any)."""
    server = appliance.store.get(server_uri)
    if server is None:
        return
    updates = _updates(appliance, profile, server)
    failure = appliance.store.get(_uri(FAILURES, server_uri))
    if failure is not None and updates:
        appliance.store.remove(failure["uri"])
        raise ApiError(
            400,
            failure["errorCode"],
            failure["message"],
            details=f"Installing {', '.join(sorted(updates))} on {server.get('name')} failed.",
            recommended_actions=["Check the server's iLO event log, then apply the profile again."],
        )
    if not updates:
        return
    components = {**installed(appliance, server), **updates}
    appliance.store.put_internal({"uri": _uri(INSTALLED, server_uri), "components": components})
    appliance.store.update(server_uri, _server_fields(appliance, server, components))


def _server_fields(appliance: Appliance, server: Doc, components: dict[str, str]) -> Doc:
    """What the server document shows of its firmware: iLO and ROM versions, install state."""
    ilo = next((v for k, v in components.items() if k.startswith("HPE Integrated")), None)
    rom = components.get("System ROM")
    settings = dict(server.get("serverSettings") or {})
    settings["firmwareAndDriversInstallState"] = {
        "installState": "Activated",
        "installedStateTimestamp": appliance.clock.iso(),
    }
    fields: Doc = {"serverSettings": settings}
    if ilo:
        fields["mpFirmwareVersion"] = re.sub(r"^[\d.]+", ilo, str(server.get("mpFirmwareVersion")))
    if rom:
        fields["romVersion"] = re.sub(r"v[\d.]+", f"v{rom}", str(server.get("romVersion")))
    return fields


def fail_next_install(appliance: Appliance, server_uri: str, spec: Doc) -> Doc:
    """The server's next firmware install ends its task in Error (operator API)."""
    code = str(spec.get("errorCode") or INSTALL_FAILED)
    message = str(spec.get("message") or "The firmware update of the server hardware failed.")
    failure = {"uri": _uri(FAILURES, server_uri), "errorCode": code, "message": message}
    appliance.store.put_internal(failure)
    return {"serverHardwareUri": server_uri, "errorCode": code, "message": message}


def _uri(collection: str, server_uri: str) -> str:
    return f"/{collection}/{server_uri.rsplit('/', 1)[-1]}"
