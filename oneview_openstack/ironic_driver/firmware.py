"""``OneViewFirmware``: Ironic's firmware interface through OneView firmware baselines.

OneView does not flash single components: a server profile's ``firmware`` section names a
firmware baseline (a Service Pack, ``/rest/firmware-drivers/{id}``) and OneView installs it
(``manageFirmware``, ``firmwareBaselineUri``, ``forceInstallFirmware``,
``firmwareInstallType``, ``firmwareActivationType``). So:

- ``update`` (a clean step and a service step) takes a *baseline* (its URI, id, version such
  as ``SY-2024.04.01``, short name, name or ``CUSTOM_OV_FIRMWARE_*`` trait), an optional
  ``firmware_install_type`` and ``force``; it sets the firmware section of the profile
  Ironic applied to the node (cleaning applies one; a deployed node has one) and returns the
  wait state while OneView installs it (:mod:`profile_tasks`). The offline install type (the
  default; the only one that needs no Smart Update Tool in the server's OS) needs the server
  off: the step powers it off first and back on once the baseline is installed.
- once installed, the node's firmware components, its ``CUSTOM_OV_FIRMWARE_<version>`` trait
  and its ``oneview_firmware_baseline`` capability follow the new baseline.
- ``cache_firmware_components`` records what the server reports
  (``GET /rest/server-hardware/{id}/firmware``) as Ironic's firmware components: the System
  ROM is ``bios``, the iLO is ``bmc``, the others keep OneView's component name.
"""

from __future__ import annotations

import collections
import logging
import re
from collections.abc import Mapping
from typing import Any

from ironic import objects
from ironic.common import async_steps, exception, states
from ironic.conductor import utils as manager_utils
from ironic.conf import CONF
from ironic.drivers import base
from ironic.drivers.modules import deploy_utils
from oslo_utils import strutils

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, errors, facts, profile_tasks, requirements
from oneview_openstack.ironic_driver.checks import label

LOG = logging.getLogger(__name__)

KIND = "firmware-update"
OFFLINE = "FirmwareOnlyOfflineMode"
INSTALL_TYPES = (OFFLINE, "FirmwareOnly", "FirmwareAndOSDrivers")
ACTIVATION = "Immediate"  # the versions are current when OneView's task ends
FIRMWARE_UPDATE = "FirmwareUpdate"  # the hardware type capability
BIOS = "bios"
BMC = "bmc"
FIRMWARE_TRAIT_PREFIX = facts.TRAIT_PREFIX + "FIRMWARE_"  # see facts.firmware_trait
INSTALL_TIME_MARGIN = 2.0  # the timeout: twice the duration OneView announces

UPDATE_ARGSINFO = {
    "baseline": {
        "description": "The firmware baseline (Service Pack) to install: its URI "
        "(/rest/firmware-drivers/<id>), id, version (e.g. SY-2024.04.01), short name, name "
        "(when only one baseline has it) or CUSTOM_OV_FIRMWARE_* trait.",
        "required": True,
    },
    "firmware_install_type": {
        "description": f"How OneView installs it: {', '.join(INSTALL_TYPES)} (default "
        f"{OFFLINE}: the server is powered off meanwhile; the others need HPE's Smart "
        "Update Tool in the server's OS).",
        "required": False,
    },
    "force": {
        "description": "Install even components whose installed version is the same or "
        "newer (a downgrade). Default false.",
        "required": False,
    },
}

_BMC_NAMES = re.compile(r"integrated lights-out|\bilo\b", re.IGNORECASE)
_BIOS_NAMES = re.compile(r"^system rom\b", re.IGNORECASE)


class OneViewFirmware(base.FirmwareInterface):
    """Firmware components and baseline updates of a OneView server hardware."""

    def get_properties(self) -> dict[str, str]:
        return common.COMMON_PROPERTIES.copy()

    def validate(self, task: Any) -> None:
        """Check the node's OneView settings, offline (see :func:`common.parse_driver_info`)."""
        common.parse_driver_info(task.node)

    def cache_firmware_components(self, task: Any) -> None:
        """Record the server's firmware components (``GET .../firmware``) on the node.

        :raises: UnsupportedDriverExtension if OneView reports no component.
        """
        cache_components(task)

    @base.clean_step(priority=0, abortable=False, argsinfo=UPDATE_ARGSINFO)
    @base.service_step(
        priority=0, abortable=False, argsinfo=UPDATE_ARGSINFO, requires_ramdisk=False
    )
    def update(  # type: ignore[override]
        self,
        task: Any,
        baseline: str,
        firmware_install_type: str = OFFLINE,
        force: Any = False,
    ) -> str:
        """Install a firmware baseline through the node's applied server profile.

        Everything is checked before anything changes: the node's profile, the install type,
        the baseline (it exists, and the server's hardware type can install it).

        :returns: the wait state (CLEANWAIT or SERVICEWAIT) while OneView installs it.
        :raises: InvalidParameterValue naming the node, the argument, the value and what is
            allowed; OneViewError if OneView refuses.
        """
        node = task.node
        install_type = _install_type(node, firmware_install_type)
        forced = _force(node, force)
        settings = common.parse_driver_info(node)
        profile_uri = _applied_profile_uri(node, settings)
        ov = common.get_client(settings)
        doing = "updating the firmware"
        with errors.translated(node, doing, settings.connection):
            server = ov.server_hardware.get(settings.server_hardware_uri)
            common.refuse_if_in_use_by_oneview(task, settings, server, doing)
            chosen = find_baseline(node, ov, baseline)
            check_supported(node, ov, server, chosen)
            powered_off = _power_off_for(task, server, install_type)
            try:
                previous, started = _send(ov, profile_uri, chosen, install_type, forced)
            except client.OneViewError:
                if powered_off:  # OneView refused: the server as it was
                    manager_utils.node_power_action(task, states.POWER_ON)
                raise
        LOG.info(
            "Node %s: installing firmware baseline %s (%s, %s%s) through profile %s",
            node.uuid,
            label(chosen),
            chosen.version,
            install_type,
            ", forced" if forced else "",
            profile_uri,
        )
        return profile_tasks.wait_for(
            task,
            started,
            kind=KIND,
            timeout=update_timeout(started),
            data={
                "baseline_uri": chosen.uri,
                "previous": previous,
                "powered_off": powered_off,
            },
        )


def _send(
    ov: client.OneViewClient,
    profile_uri: str,
    baseline: client.FirmwareDriver,
    install_type: str,
    forced: bool,
) -> tuple[dict[str, Any] | None, client.Task]:
    """PUT the profile with its firmware section naming *baseline*, without waiting; the
    section as it was, and OneView's task."""
    profile = ov.server_profiles.get(profile_uri)  # read after any power off: its eTag
    previous = profile.get("firmware")
    profile.data["firmware"] = {
        **(previous or {}),
        "manageFirmware": True,
        "firmwareBaselineUri": baseline.uri,
        "forceInstallFirmware": forced,
        "firmwareInstallType": install_type,
        "firmwareActivationType": ACTIVATION,
    }
    return previous, ov.server_profiles.update(profile, wait=False)


# -- the baseline ---------------------------------------------------------------------------


def find_baseline(node: Any, ov: client.OneViewClient, wanted: Any) -> client.FirmwareDriver:
    """The baseline *wanted* names (URI, id, version, short name, name or trait).

    :raises: InvalidParameterValue naming the value and the baselines the appliance has.
    """
    if not isinstance(wanted, str) or not wanted.strip():
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: firmware.update argument baseline has the invalid value "
            f"{wanted!r}; allowed: a firmware baseline's URI, id, version or short name."
        )
    baselines = list(ov.firmware_drivers.list())
    text = wanted.strip()
    found = [
        b
        for b in baselines
        if requirements.baseline_matches(text, b) or (b.name or "").lower() == text.lower()
    ]
    if len(found) == 1:
        return found[0]
    known = ", ".join(f"{b.version or b.id} ({b.uri})" for b in baselines) or "none"
    if not found:
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: firmware.update argument baseline {wanted!r} names no firmware "
            f"baseline of OneView at {ov.url}; allowed: {known}."
        )
    matching = ", ".join(b.uri for b in found)
    raise exception.InvalidParameterValue(
        f"Node {node.uuid}: firmware.update argument baseline {wanted!r} names several "
        f"firmware baselines ({matching}); give the URI of one of them."
    )


def check_supported(
    node: Any,
    ov: client.OneViewClient,
    server: client.ServerHardware,
    baseline: client.FirmwareDriver,
) -> None:
    """Refuse a baseline the server cannot install: a hardware type without OneView firmware
    management, or a Service Pack of the other platform (Synergy vs. ProLiant).

    :raises: InvalidParameterValue naming the server, its hardware type and the baseline.
    """
    if not server.server_hardware_type_uri:
        return  # OneView has not typed the server yet: its own checks decide
    hardware_type = ov.server_hardware_types.get(server.server_hardware_type_uri)
    why = None
    if FIRMWARE_UPDATE not in hardware_type.capabilities:
        why = f"its hardware type does not have the capability {FIRMWARE_UPDATE}"
    elif _is_synergy(hardware_type) != _is_synergy_baseline(baseline):
        platform = "Synergy" if _is_synergy(hardware_type) else "ProLiant"
        why = f"it is a {platform} server and the baseline is not a {platform} Service Pack"
    if why is not None:
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: server hardware {label(server)} (type {label(hardware_type)}) "
            f"cannot install firmware baseline {label(baseline)} ({baseline.version}): {why}; "
            "allowed: a baseline for this server's platform."
        )


def _is_synergy(hardware_type: client.ServerHardwareType) -> bool:
    text = f"{hardware_type.model or ''} {hardware_type.name or ''}"
    return "synergy" in text.lower() or text.upper().startswith("SY ")


def _is_synergy_baseline(baseline: client.FirmwareDriver) -> bool:
    text = f"{baseline.name or ''} {baseline.baseline_short_name or ''}"
    return "synergy" in text.lower() or (baseline.version or "").upper().startswith("SY-")


def update_timeout(started: client.Task) -> float:
    """How long to wait: ``[oneview]task_timeout``, or twice the duration OneView's task
    announces (``expectedDuration``, seconds) when that is longer.

    A firmware baseline resource does not say how long installing it takes; the profile
    task OneView starts for it may.
    """
    configured = float(CONF.oneview.task_timeout)
    expected = started.raw.get("expectedDuration")
    if isinstance(expected, int | float) and not isinstance(expected, bool) and expected > 0:
        return max(configured, float(expected) * INSTALL_TIME_MARGIN)
    return configured


# -- arguments ------------------------------------------------------------------------------


def _install_type(node: Any, value: Any) -> str:
    if value in (None, ""):
        return OFFLINE
    if value not in INSTALL_TYPES:
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: firmware.update argument firmware_install_type has the "
            f"invalid value {value!r}; allowed: {', '.join(INSTALL_TYPES)}."
        )
    return str(value)


def _force(node: Any, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: firmware.update argument force has the invalid value "
            f"{value!r}; allowed: true or false."
        ) from None


def _applied_profile_uri(node: Any, settings: common.NodeSettings) -> str:
    uri = settings.applied_server_profile_uri
    if uri is None:
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: firmware.update installs a baseline through the server "
            "profile Ironic applied to the node, and the node has none; run it in manual "
            "cleaning (which applies one) or servicing of a deployed node."
        )
    return uri


def _power_off_for(task: Any, server: client.ServerHardware, install_type: str) -> bool:
    """Power the server off for an offline install; whether it was on."""
    if install_type != OFFLINE or server.power_state is client.PowerState.OFF:
        return False
    manager_utils.node_power_action(task, states.POWER_OFF)
    return True


# -- when OneView is done -------------------------------------------------------------------


@profile_tasks.on_success(KIND)
def _installed(task: Any, finished: client.Task, data: dict[str, Any]) -> str | None:
    """The baseline is installed: record it, and power the server back on if the step
    powered it off (the agent ramdisk, if cleaning runs one, boots again and carries on)."""
    node = task.node
    settings = common.parse_driver_info(node)
    ov = common.get_client(settings)
    with errors.translated(node, "reading the installed firmware", settings.connection):
        baseline = ov.firmware_drivers.get(str(data["baseline_uri"]))
    cache_components(task)
    follow_baseline(task, baseline)
    manager_utils.node_history_record(
        node,
        event=f"Firmware baseline {label(baseline)} ({baseline.version}) installed by OneView "
        f"task {finished.uri}",
        event_type=states.SERVICING if node.service_step else states.CLEANING,
    )
    node.save()
    if not data.get("powered_off"):
        return None
    if deploy_utils.is_ramdisk_disabled(node):
        manager_utils.node_power_action(task, states.POWER_ON)
        return None
    # the agent ramdisk boots again; its heartbeat moves on to the next step
    async_steps.set_node_flags(node, reboot=True, skip_current_step=True, polling=False)
    wait_state: str = deploy_utils.reboot_to_finish_step(task)
    return wait_state


@profile_tasks.on_failure(KIND)
def _not_installed(
    task: Any, finished: client.Task | None, data: dict[str, Any], message: str
) -> None:
    """OneView failed (or is still at it): the node's components stay as recorded. A
    deployed node's profile gets its firmware section back (cleaning removes its profile)."""
    node = task.node
    if finished is None or not node.service_step:
        return
    settings = common.parse_driver_info(node)
    if settings.applied_server_profile_uri is None:
        return
    ov = common.get_client(settings)
    try:
        profile = ov.server_profiles.get(settings.applied_server_profile_uri)
        profile.data["firmware"] = data.get("previous") or {"manageFirmware": False}
        restoring = ov.server_profiles.update(profile, wait=False)
    except client.OneViewError as error:
        LOG.warning(
            "Node %s: could not put the firmware section of server profile %s back: %s",
            node.uuid,
            settings.applied_server_profile_uri,
            error,
        )
        return
    LOG.info(
        "Node %s: firmware section of server profile %s put back as it was (task %s)",
        node.uuid,
        profile.uri,
        restoring.uri,
    )


@profile_tasks.on_leftover(KIND)
def _ended_late(task: Any, finished: client.Task, data: dict[str, Any]) -> None:
    """OneView ended an install the step stopped waiting for (it timed out): the node
    records what the server now runs, and the baseline if it was installed."""
    node = task.node
    cache_components(task)
    if finished.is_success:
        settings = common.parse_driver_info(node)
        ov = common.get_client(settings)
        with errors.translated(node, "reading the installed firmware", settings.connection):
            baseline = ov.firmware_drivers.get(str(data["baseline_uri"]))
        follow_baseline(task, baseline)
        LOG.info(
            "Node %s: OneView task %s installed firmware baseline %s after the step had "
            "timed out; the node's components, trait and capability follow it",
            node.uuid,
            finished.uri,
            baseline.version,
        )
    node.save()


def follow_baseline(task: Any, baseline: client.FirmwareDriver) -> None:
    """The node's firmware trait and capability name *baseline* (other traits kept)."""
    node = task.node
    capabilities = common.node_capabilities(node)
    capabilities[facts.FIRMWARE_CAPABILITY] = facts.firmware_capability(baseline)
    node.properties = {
        **(node.properties or {}),
        "capabilities": facts.format_capabilities(capabilities),
    }
    prefix = FIRMWARE_TRAIT_PREFIX
    current = set(node.traits.get_trait_names()) if node.traits else set()
    wanted = {t for t in current if not t.startswith(prefix)} | {facts.firmware_trait(baseline)}
    if wanted != current:
        node.traits = objects.TraitList.create(task.context, node.id, sorted(wanted))
        node.obj_reset_changes(["traits"])


# -- components -----------------------------------------------------------------------------


def ironic_components(inventory: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Ironic's firmware components from OneView's ``/firmware`` of a server.

    A name that comes twice (the same adapter in two slots) gets its location appended.
    """
    items = [i for i in inventory.get("components") or [] if i.get("componentVersion")]
    names = [_component_name(i) for i in items]
    repeated = {name for name, count in collections.Counter(names).items() if count > 1}
    found = []
    for name, item in zip(names, items, strict=True):
        if name in repeated and item.get("componentLocation"):
            name = f"{name} ({item['componentLocation']})"
        found.append(
            {
                "component": name,
                "current_version": str(item["componentVersion"]),
                "vendor": None,
                "model": item.get("componentName") if name in (BIOS, BMC) else None,
                "serial_number": None,
            }
        )
    return found


def _component_name(item: Mapping[str, Any]) -> str:
    name = str(item.get("componentName") or item.get("componentKey") or "unknown")
    if _BIOS_NAMES.search(name):
        return BIOS
    if _BMC_NAMES.search(name):
        return BMC
    return name


def cache_components(task: Any) -> None:
    """Create or update the node's firmware components from what OneView reports now."""
    node = task.node
    settings = common.parse_driver_info(node)
    ov = common.get_client(settings)
    with errors.translated(node, "reading the firmware inventory", settings.connection):
        inventory = ov.server_hardware.firmware(settings.server_hardware_uri)
    found = ironic_components(inventory)
    if not found:
        raise exception.UnsupportedDriverExtension(
            f"Node {node.uuid}: OneView reports no firmware component for server hardware "
            f"{settings.server_hardware_uri}."
        )
    created, updated, _ = objects.FirmwareComponentList.sync_firmware_components(
        task.context, node.id, found
    )
    for item in created:
        objects.FirmwareComponent(
            task.context,
            node_id=node.id,
            component=item["component"],
            current_version=item["current_version"],
            vendor=item.get("vendor"),
            model=item.get("model"),
            serial_number=item.get("serial_number"),
        ).create()
    for item in updated:
        record = objects.FirmwareComponent.get(
            task.context, node_id=node.id, name=item["component"]
        )
        if record.current_version != item["current_version"]:
            record.last_version_flashed = item["current_version"]
            record.current_version = item["current_version"]
        record.model = item.get("model")
        record.save()
