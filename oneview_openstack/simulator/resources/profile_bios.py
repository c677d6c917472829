"""BIOS settings of profiles and servers (``bios.manageBios``, ``overriddenSettings``).

A profile or template that manages the BIOS names settings of its server
hardware type's registry (``biosSettings``) by ``id``, each with a ``value``:
an option id for Option settings, a number within the bounds for Number
settings, a string of allowed length matching ``valueExpression`` for String
settings. Anything else is
refused with 400 when the profile is created or edited.

The BIOS a server runs is the hardware's state, kept per server in the internal
collection ``_bios`` (``/_bios/{server id}``). Applying a profile that manages
the BIOS resets every setting to its default and then sets the overridden ones
(what OneView does); a profile that does not manage the BIOS leaves it alone,
and removing a profile leaves the BIOS as it was configured (OneView does not
touch the hardware's settings when a profile goes away).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator.errors import ApiError, bad_request

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

Doc = dict[str, Any]
COLLECTION = "_bios"


def check_bios(appliance: Appliance, doc: Doc, what: str) -> None:
    """400 if ``doc`` manages the BIOS with a setting or value its hardware type lacks."""
    bios = doc.get("bios") or {}
    if not bios.get("manageBios"):
        return
    overrides = bios.get("overriddenSettings")
    if not isinstance(overrides, list):
        raise bad_request(
            "INVALID_PARAMETER",
            f"The {what} field bios.overriddenSettings has the invalid value {overrides!r}.",
            details='Field bios.overriddenSettings: a list of {"id": ..., "value": ...}.',
        )
    registry = {s["id"]: s for s in _registry(appliance, doc)}
    seen: set[str] = set()
    for index, entry in enumerate(overrides):
        setting_id = entry.get("id") if isinstance(entry, dict) else None
        setting = registry.get(str(setting_id))
        if setting is None:
            raise _unknown_setting(doc, index, setting_id, registry)
        if setting_id in seen:
            raise bad_request(
                "DUPLICATE_BIOS_SETTING",
                f"The BIOS setting {setting_id!r} is overridden more than once.",
                details=f"bios.overriddenSettings[{index}]: each id may appear once.",
            )
        seen.add(str(setting_id))
        allowed = allowed_values(setting)
        if not _valid_value(setting, entry.get("value")):
            raise bad_request(
                "INVALID_BIOS_SETTING_VALUE",
                f"The value {entry.get('value')!r} is not valid for the BIOS setting "
                f"{setting_id!r} ({setting['name']}).",
                details=f"bios.overriddenSettings[{index}].value: allowed {allowed}.",
            )


def _registry(appliance: Appliance, doc: Doc) -> list[Doc]:
    """The BIOS settings of the profile's hardware type (or of its server's type)."""
    type_uri = doc.get("serverHardwareTypeUri")
    if not type_uri and doc.get("serverHardwareUri"):
        server = appliance.store.get(doc["serverHardwareUri"]) or {}
        type_uri = server.get("serverHardwareTypeUri")
    hardware_type = appliance.store.get(type_uri or "") or {}
    return list(hardware_type.get("biosSettings") or [])


def _unknown_setting(doc: Doc, index: int, setting_id: Any, registry: dict[str, Doc]) -> ApiError:
    return bad_request(
        "UNSUPPORTED_BIOS_SETTING",
        f"The BIOS setting {setting_id!r} is not supported by the server hardware type.",
        details=(
            f"bios.overriddenSettings[{index}].id: {setting_id!r}; the server hardware type "
            f"has {', '.join(sorted(registry)) or 'none'} (its biosSettings)."
        ),
    )


def allowed_values(setting: Doc) -> str:
    if setting["type"] == "Option":
        return ", ".join(o["id"] for o in setting.get("options") or [])
    if setting["type"] == "Number":
        return f"a number from {setting['lowerBound']} to {setting['upperBound']}"
    return (
        f"a string of at most {setting.get('stringMaxLength')} characters"
        f" matching {setting.get('valueExpression')}"
    )


def _valid_value(setting: Doc, value: Any) -> bool:
    if setting["type"] == "Option":
        return value in {o["id"] for o in setting.get("options") or []}
    if setting["type"] == "Number":
        try:
            number = int(str(value))
        except ValueError:
            return False
        return bool(setting["lowerBound"] <= number <= setting["upperBound"])
    pattern = setting.get("valueExpression")
    return (
        isinstance(value, str)
        and int(setting.get("stringMinLength") or 0)
        <= len(value)
        <= int(setting.get("stringMaxLength") or 0)
        and (not pattern or re.fullmatch(pattern, value) is not None)
    )


# -- the server's BIOS ----------------------------------------------------------------


def current_values(appliance: Appliance, server: Doc) -> dict[str, Any]:
    """The values the server's BIOS has now: its stored state, else the defaults."""
    defaults = _defaults(appliance, server)
    stored = appliance.store.get(_uri(server["uri"]))
    if stored is None:
        return defaults
    return {key: stored["values"].get(key, value) for key, value in defaults.items()}


def apply_profile_bios(appliance: Appliance, profile: Doc, server_uri: str) -> None:
    """Configure the server's BIOS as ``profile`` says (defaults + overrides), if it manages it."""
    bios = profile.get("bios") or {}
    server = appliance.store.get(server_uri)
    if server is None or not bios.get("manageBios"):
        return
    values = _defaults(appliance, server)
    for entry in bios.get("overriddenSettings") or []:
        if entry.get("id") in values:
            values[entry["id"]] = entry.get("value")
    appliance.store.put_internal({"uri": _uri(server_uri), "values": values})


def _defaults(appliance: Appliance, server: Doc) -> dict[str, Any]:
    hardware_type = appliance.store.get(server.get("serverHardwareTypeUri") or "") or {}
    return {s["id"]: s.get("defaultValue") for s in hardware_type.get("biosSettings") or []}


def _uri(server_uri: str) -> str:
    return f"/{COLLECTION}/{server_uri.rsplit('/', 1)[-1]}"
