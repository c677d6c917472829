"""Structural comparison of a simulator document with a real appliance's sample.

``differences(sample, ours, allow)`` lists every place where ``ours`` lacks a
field the sample has, nests differently, or carries a value of another format.
Formats are classes of values (URI, timestamp, upper/lower-case UUID, MAC, WWN,
digits, "digits/digits", enum-like word, free text, empty string) and JSON types.

Rules, and why:
- Fields only in ``ours`` are fine: the simulator serves newer API shapes too.
- A sample ``null`` (or ``""``, which some samples print for null) says nothing about
  the field's format: only presence is checked.
- Free text in the sample accepts any string here (an enum-like word too); an
  enum-like word in the sample needs one here.
- Lists: every element of ours is compared with the sample's elements merged
  (fields present in all of them; for each, the first non-null sample value, and
  null is acceptable here when some sample element had null).
- ``allow`` holds glob patterns of paths (``portMap.deviceSlots[].deviceName``)
  whose values legitimately differ: presence is still required, the value is not
  compared.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Any

FORMATS = [
    ("empty", re.compile(r"^$")),
    ("uri", re.compile(r"^/rest/")),
    ("timestamp", re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")),
    ("uuid-upper", re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")),
    ("uuid-lower", re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")),
    ("mac", re.compile(r"^[0-9A-F]{2}(:[0-9A-F]{2}){5}$")),
    ("wwn", re.compile(r"^[0-9A-F]{2}(:[0-9A-F]{2}){7}$")),
    ("digits", re.compile(r"^\d+$")),
    ("revision-etag", re.compile(r"^\d+/\d+$")),
    ("word", re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")),
]


def value_format(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "list"
    if value is None:
        return "null"
    for name, pattern in FORMATS:
        if pattern.match(value):
            return name
    return "text"


class Nullable:
    """A merged sample value some sample elements had as null."""

    def __init__(self, value: Any) -> None:
        self.value = value


TEXT_ACCEPTS = {"text", "word", "digits", "uuid-upper", "uuid-lower", "mac", "wwn", "uri"}


def differences(sample: Any, ours: Any, allow: tuple[str, ...] = (), path: str = "") -> list[str]:
    shown = path or "(document)"
    if isinstance(sample, Nullable):
        if ours is None or ours == "":
            return []
        sample = sample.value
    if sample is None or sample == "":
        return []
    bare = path.removeprefix("[].")  # members of a list sample use the same patterns
    if any(fnmatchcase(path, pattern) or fnmatchcase(bare, pattern) for pattern in allow):
        return []
    if isinstance(sample, dict):
        if not isinstance(ours, dict):
            return [f"{shown}: an object in the sample, {value_format(ours)} here ({ours!r:.60})"]
        problems = []
        for key, value in sample.items():
            child = f"{path}.{key}" if path else key
            if key not in ours:
                problems.append(f"{child}: missing (sample: {value!r:.60})")
            else:
                problems += differences(value, ours[key], allow, child)
        return problems
    if isinstance(sample, list):
        if not isinstance(ours, list):
            return [f"{shown}: a list in the sample, {value_format(ours)} here ({ours!r:.60})"]
        if not sample or not ours:
            return []
        template = merged(sample)
        problems = []
        for item in ours:
            problems += differences(template, item, allow, f"{path}[]")
        return sorted(set(problems))
    expected, found = value_format(sample), value_format(ours)
    if expected != found and not (expected == "text" and found in TEXT_ACCEPTS):
        return [f"{shown}: {expected} in the sample ({sample!r:.60}), {found} here ({ours!r:.60})"]
    return []


def merged_value(values: list[Any]) -> Any:
    """The first value; objects are merged so that their nullable fields stay nullable."""
    if all(isinstance(v, dict) for v in values):
        return merged(values)
    return values[0]


def merged(items: list[Any]) -> Any:
    """One element standing for all elements of a sample list."""
    dicts = [item for item in items if isinstance(item, dict)]
    if len(dicts) != len(items):
        return next((item for item in items if item is not None), None)
    common = set(dicts[0]).intersection(*dicts[1:])
    result = {}
    for key in dicts[0]:
        if key in common:
            values = [d[key] for d in dicts if d[key] is not None and d[key] != ""]
            if values and all(isinstance(v, list) for v in values):
                result[key] = [element for v in values for element in v]  # compared one by one
            elif len(values) < len(dicts):
                result[key] = Nullable(values[0]) if values else None
            else:
                result[key] = merged_value(values)
    return result
