"""The one place that hides secrets before anything is logged.

Every log call in this package that prints a request or response body, headers or a URL passes it
through :func:`sanitize` first. Passwords and session tokens are replaced by ``***``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MASK = "***"

# Keys whose values are secrets, compared case-insensitively after removing '-' and '_'.
_SECRET_KEYS = frozenset(
    {
        "password",
        "newpassword",
        "oldpassword",
        "sessionid",
        "auth",
        "authorization",
        "token",
        "sessionkey",
        "secret",
        "credentials",
        "communitystring",
        "readcommunity",
    }
)

# Secrets embedded in strings, e.g. "hplocons://addr=1.2.3.4&sessionkey=abc".
_INLINE_SECRET = re.compile(r"(?i)((?:sessionkey|sessionid|password|auth|token)=)[^&\s\"',;]+")


def _is_secret_key(key: object) -> bool:
    return isinstance(key, str) and key.replace("-", "").replace("_", "").lower() in _SECRET_KEYS


def sanitize(value: Any) -> Any:
    """Return a copy of *value* (JSON-like data, headers or text) with secrets masked.

    Dictionaries (including ``requests`` header mappings) have the values of secret keys
    replaced; ``(name, value)`` pairs (query parameters) with a secret name have the value
    replaced; lists are sanitized item by item; strings have ``key=value`` secrets masked.
    Values that are not JSON-like are returned unchanged.
    """
    if isinstance(value, Mapping):
        return {k: MASK if _is_secret_key(k) else sanitize(v) for k, v in value.items()}
    if isinstance(value, tuple) and len(value) == 2 and _is_secret_key(value[0]):
        return [value[0], MASK]  # a (name, value) query parameter
    if isinstance(value, list | tuple):
        return [sanitize(v) for v in value]
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        return _INLINE_SECRET.sub(lambda m: m.group(1) + MASK, value)
    return value
