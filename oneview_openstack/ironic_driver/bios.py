"""``OneViewBIOS``: BIOS settings through the server profile's ``bios`` section.

==========================  ==========================================================
Ironic                      OneView
==========================  ==========================================================
setting ``name``            a ``biosSettings`` ``id`` of the server hardware type
                            (``ProcHyperthreading``, ``WorkloadProfile``...)
``apply_configuration``     the applied profile's ``bios``: ``manageBios`` true, the
                            settings merged into ``overriddenSettings`` ``[{id, value}]``
``factory_reset``           ``manageBios`` true and no override: OneView sets every
                            setting to the hardware type's default
cached settings             ``GET /rest/server-hardware/{id}/bios`` with the registry
                            (options, bounds) of the hardware type's ``biosSettings``
==========================  ==========================================================

Both steps are checked against the registry before anything is sent: a name the hardware
type does not have, or a value it does not allow, fails the step naming the node, the
setting, the value and what is allowed. They edit the profile Ironic applied (cleaning and
deployment apply one) and return Ironic's wait state while OneView applies it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from ironic import objects
from ironic.common import exception
from ironic.drivers import base

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, errors, profile_edits, profile_tasks

LOG = logging.getLogger(__name__)

KIND = "bios"
SECTION = "bios"

_APPLY_ARGSINFO = {
    "settings": {
        "description": "The BIOS settings to apply: a list of {name, value}, each name a "
        "setting id of the server hardware type's biosSettings.",
        "required": True,
    }
}

# OneView's setting types -> Redfish attribute types, as Ironic's BIOSSetting stores them.
NUMBER_TYPES = ("Number", "Integer")
_ATTRIBUTE_TYPES = {
    "Option": "Enumeration",
    "Number": "Integer",
    "Integer": "Integer",
    "Text": "String",
    "String": "String",
    "Password": "Password",
    "Boolean": "Boolean",
}


class OneViewBIOS(base.BIOSInterface):
    """BIOS settings of a OneView server, through the server profile Ironic applied."""

    def get_properties(self) -> dict[str, str]:
        return dict(common.COMMON_PROPERTIES)

    def validate(self, task: Any) -> None:
        """The node's OneView settings, offline (OneView is asked when a step runs)."""
        common.parse_driver_info(task.node)

    @base.clean_step(priority=0, argsinfo=_APPLY_ARGSINFO)
    @base.deploy_step(priority=0, argsinfo=_APPLY_ARGSINFO)
    def apply_configuration(self, task: Any, settings: list[dict[str, Any]]) -> str | None:
        """Set *settings* (``[{name, value}]``) in the profile's BIOS overrides.

        :raises: InvalidParameterValue naming the setting, its value and what is allowed.
        :raises: OneViewError naming OneView's message if it refuses the profile.
        """
        doing = "applying BIOS settings"
        target = profile_edits.applied(task, doing)
        registry = _registry(task.node, target, doing)
        overrides = checked_overrides(task.node, settings, registry)
        bios = dict(target.profile.get(SECTION) or {})
        merged = {entry["id"]: entry["value"] for entry in bios.get("overriddenSettings") or []}
        merged.update(overrides)
        bios.update(
            manageBios=True,
            overriddenSettings=[{"id": key, "value": value} for key, value in merged.items()],
        )
        return self._submit(task, target, bios, doing)

    @base.clean_step(priority=0)
    @base.deploy_step(priority=0)
    def factory_reset(self, task: Any) -> str | None:
        """Drop every override: OneView sets the hardware type's defaults."""
        doing = "resetting the BIOS settings to their defaults"
        target = profile_edits.applied(task, doing)
        bios = dict(target.profile.get(SECTION) or {})
        bios.update(manageBios=True, overriddenSettings=[])
        return self._submit(task, target, bios, doing)

    def cache_bios_settings(self, task: Any) -> None:
        """Store the server's current BIOS settings, with their registry, in Ironic.

        :raises: UnsupportedDriverExtension if OneView reports no BIOS for the server (Ironic
            then only logs that the node has no BIOS settings).
        """
        node = task.node
        settings = common.parse_driver_info(node)
        ov = common.get_client(settings)
        doing = "reading the BIOS settings"
        with errors.translated(node, doing, settings.connection):
            server = ov.server_hardware.get(settings.server_hardware_uri)
            try:
                current = ov.server_hardware.bios(server)
            except client.NotFound as error:
                raise exception.UnsupportedDriverExtension(
                    driver=node.driver, extension=f"BIOS settings of {server.uri}: {error}"
                ) from error
            hardware_type = ov.server_hardware_types.get(server.server_hardware_type_uri or "")
        registry = {str(s.get("id")): s for s in hardware_type.get("biosSettings") or []}
        cached = [
            _ironic_setting(str(item.get("id")), item.get("value"), registry)
            for item in (current or {}).get("settings") or []
        ]
        _store(task, cached)

    def _submit(
        self, task: Any, target: profile_edits.AppliedProfile, bios: dict[str, Any], doing: str
    ) -> str | None:
        state = profile_edits.submit(task, target, SECTION, bios, kind=KIND, doing=doing)
        if state is None:  # nothing to change: what the server has is what was asked
            self.cache_bios_settings(task)
        return state


# -- the registry -------------------------------------------------------------------------


def _registry(
    node: Any, target: profile_edits.AppliedProfile, doing: str
) -> dict[str, Mapping[str, Any]]:
    """The hardware type's ``biosSettings`` by id."""
    with errors.translated(node, doing, target.settings.connection):
        uri = target.server.server_hardware_type_uri or ""
        hardware_type = target.ov.server_hardware_types.get(uri)
    settings = hardware_type.get("biosSettings") or []
    if not settings:
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: server hardware type {hardware_type.name!r} ({uri}) lists no "
            "BIOS settings (biosSettings): OneView cannot manage this server's BIOS."
        )
    return {str(s.get("id")): s for s in settings}


def checked_overrides(
    node: Any, settings: Any, registry: Mapping[str, Mapping[str, Any]]
) -> dict[str, str]:
    """``{id: value}`` for OneView from Ironic's ``[{name, value}]``, checked against *registry*.

    :raises: InvalidParameterValue naming the node, the setting, the value and what is allowed.
    """
    if not isinstance(settings, list) or not settings:
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: the BIOS settings {settings!r} are not a non-empty list of "
            '{"name": ..., "value": ...}.'
        )
    overrides = {}
    for item in settings:
        if not isinstance(item, dict) or "name" not in item or "value" not in item:
            raise exception.InvalidParameterValue(
                f'Node {node.uuid}: the BIOS setting {item!r} is not {{"name": ..., "value": ...}}.'
            )
        name = str(item["name"])
        entry = registry.get(name)
        if entry is None:
            raise exception.InvalidParameterValue(
                f"Node {node.uuid}: the server hardware type has no BIOS setting {name!r} "
                f"(value {item['value']!r}); allowed names: {', '.join(sorted(registry))}."
            )
        overrides[name] = _checked_value(node, name, item["value"], entry)
    return overrides


def _checked_value(node: Any, name: str, value: Any, entry: Mapping[str, Any]) -> str:
    kind = entry.get("type")
    if kind == "Option":
        allowed = _options(entry)
        if str(value) not in allowed:
            raise _not_allowed(node, name, value, ", ".join(allowed))
        return str(value)
    if kind in NUMBER_TYPES:
        low, high = entry.get("lowerBound"), entry.get("upperBound")
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if (
            number is None
            or (low is not None and number < low)
            or (high is not None and number > high)
        ):
            raise _not_allowed(node, name, value, f"an integer from {low} to {high}")
        return str(number)
    text = str(value)
    shortest = entry.get("stringMinLength") or 0
    longest, pattern = entry.get("stringMaxLength"), entry.get("valueExpression")
    if (
        len(text) < shortest
        or (longest is not None and len(text) > longest)
        or (pattern and re.fullmatch(pattern, text) is None)
    ):
        matching = f" matching {pattern}" if pattern else ""
        raise _not_allowed(
            node, name, value, f"text of {shortest} to {longest} characters{matching}"
        )
    return text


def _not_allowed(node: Any, name: str, value: Any, allowed: str) -> exception.InvalidParameterValue:
    return exception.InvalidParameterValue(
        f"Node {node.uuid}: BIOS setting {name!r} does not allow the value {value!r}; "
        f"allowed: {allowed}."
    )


def _options(entry: Mapping[str, Any]) -> list[str]:
    return [str(option.get("id")) for option in entry.get("options") or [] if option.get("id")]


# -- Ironic's cache -----------------------------------------------------------------------


def _ironic_setting(
    name: str, value: Any, registry: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """One ``BIOSSetting`` as Ironic stores it: the value and the registry fields."""
    setting: dict[str, Any] = {"name": name, "value": None if value is None else str(value)}
    entry = registry.get(name)
    if entry is None:
        return setting
    setting.update(
        attribute_type=_ATTRIBUTE_TYPES.get(str(entry.get("type")), entry.get("type")),
        allowable_values=_options(entry) or None,
        lower_bound=entry.get("lowerBound"),
        upper_bound=entry.get("upperBound"),
        min_length=entry.get("stringMinLength"),
        max_length=entry.get("stringMaxLength"),
        read_only=bool(entry.get("readOnly", False)),
        reset_required=True,  # OneView applies BIOS settings with the server off
        unique=None,
    )
    return setting


def _store(task: Any, settings: list[dict[str, Any]]) -> None:
    node_id = task.node.id
    create, update, delete, _ = objects.BIOSSettingList.sync_node_setting(
        task.context, node_id, settings
    )
    if create:
        objects.BIOSSettingList.create(task.context, node_id, create)
    if update:
        objects.BIOSSettingList.save(task.context, node_id, update)
    if delete:
        objects.BIOSSettingList.delete(task.context, node_id, [d["name"] for d in delete])
    LOG.debug("Node %s: cached %d BIOS settings", task.node.uuid, len(settings))


# -- OneView's task ended -----------------------------------------------------------------


@profile_tasks.on_success(KIND)
def _applied(task: Any, finished: client.Task, data: dict[str, Any]) -> str | None:
    OneViewBIOS().cache_bios_settings(task)
    LOG.info("Node %s: OneView applied the BIOS settings (task %s)", task.node.uuid, finished.uri)
    return profile_edits.resume(task, data)


@profile_tasks.on_failure(KIND)
def _failed(task: Any, finished: client.Task | None, data: dict[str, Any], message: str) -> None:
    profile_edits.restore(task, finished, data)
