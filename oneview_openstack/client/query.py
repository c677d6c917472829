"""Collection query parameters: filters, sort, paging.

``filters`` is either a mapping (each item becomes one equality filter; OneView ANDs repeated
``filter`` parameters) or a sequence of raw OneView filter expressions for other operators::

    {"serverHardwareTypeUri": sht.uri, "powerState": PowerState.OFF}
    -> filter="serverHardwareTypeUri='/rest/server-hardware-types/...'"&filter="powerState='Off'"
    ["name matches 'web%'", "memoryMb gt 4096"]
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence

FilterValue = str | int | bool | enum.Enum | None
Filters = Mapping[str, FilterValue] | Sequence[str] | None

_ATTRIBUTE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_SORT = re.compile(
    r"^[A-Za-z_][A-Za-z0-9_.]*(:(asc|desc|ascending|descending))?(:natural)?$", re.IGNORECASE
)


def filter_expression(attribute: str, value: FilterValue) -> str:
    """One equality filter, ``attribute='value'`` (``attribute = NULL`` for ``None``)."""
    if not isinstance(attribute, str) or not _ATTRIBUTE.match(attribute):
        raise ValueError(
            f"filter attribute {attribute!r} is not a valid name: use letters, digits, '_' "
            "and '.' for nested attributes (e.g. 'connectionSettings.connections.networkUri')"
        )
    if value is None:
        return f"{attribute} = NULL"
    text = _value_text(value)
    if "'" in text or '"' in text:
        raise ValueError(
            f"filter {attribute}: value {text!r} contains a quote; OneView filter values cannot "
            "contain quotes, use a 'matches' expression with '_' in their place"
        )
    return f"{attribute}='{text}'"


def _value_text(value: FilterValue) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str):
        return str(value)
    raise ValueError(
        f"filter value {value!r} has type {type(value).__name__}; allowed: str, int, bool, "
        "Enum or None"
    )


def filter_params(filters: Filters) -> list[tuple[str, str]]:
    """``[("filter", '"a=\\'x\\'"'), ...]`` for a mapping or a sequence of expressions."""
    if filters is None:
        return []
    if isinstance(filters, str):
        raise ValueError(
            f"filters must be a mapping or a list of expressions, not a string: {filters!r}"
        )
    if isinstance(filters, Mapping):
        expressions = [filter_expression(k, v) for k, v in filters.items()]
    else:
        expressions = []
        for expression in filters:
            if not isinstance(expression, str) or not expression.strip():
                raise ValueError(
                    f"filter expression must be a non-empty string, got {expression!r}"
                )
            expressions.append(expression.strip().strip('"'))
    return [("filter", f'"{expression}"') for expression in expressions]


def sort_param(sort: str | Sequence[str] | None) -> list[tuple[str, str]]:
    """``[("sort", "name:ascending")]``; accepts ``"name"``, ``"name:desc"`` or a list."""
    if sort is None:
        return []
    keys = [sort] if isinstance(sort, str) else list(sort)
    for key in keys:
        if not isinstance(key, str) or not _SORT.match(key):
            raise ValueError(
                f"sort key {key!r} must look like 'attribute', 'attribute:ascending' or "
                "'attribute:descending'"
            )
    return [("sort", ",".join(keys))] if keys else []


def fields_param(fields: Sequence[str] | None) -> list[tuple[str, str]]:
    """``[("fields", "uri,powerState")]``: members carry only these attributes (dotted paths)."""
    if fields is None:
        return []
    if isinstance(fields, str):
        raise ValueError(f"fields must be a list of attribute names, not a string: {fields!r}")
    names = list(fields)
    for name in names:
        if not isinstance(name, str) or not _ATTRIBUTE.match(name):
            raise ValueError(
                f"field {name!r} is not a valid attribute name: use letters, digits, '_' and "
                "'.' for nested attributes (e.g. 'mpHostInfo.mpHostName')"
            )
    return [("fields", ",".join(names))] if names else []


def page_params(start: int, page_size: int) -> list[tuple[str, str]]:
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        raise ValueError(f"page_size must be a positive int, got {page_size!r}")
    return [("start", str(start)), ("count", str(page_size))]
