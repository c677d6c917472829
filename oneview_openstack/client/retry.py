"""When to repeat a request, and how long to wait before doing so.

Policy: exponential backoff with jitter. A request is repeated only when repeating it is safe:
- the connection could not be opened (nothing was sent): always;
- HTTP 503 (the appliance did not process the request): always;
- other 5xx, a lost connection, a read timeout, a lock conflict (409): only for methods that are
  safe to repeat (GET, PUT, DELETE, or a call marked idempotent);
- validation errors (4xx other than lock conflicts) are never repeated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import requests

from oneview_openstack.client import exceptions

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})

# 409 errorCodes that mean "busy, try again later" rather than "this change does not apply".
LOCK_CONFLICT_CODES = frozenset(
    {
        "POWER_CONTROL_NOT_ALLOWED",
        "PROFILE_OPERATION_IN_PROGRESS",
        "CRM_ONGOING_OPERATION_ON_LOGICAL_INTERCONNECT",
        "RESOURCE_LOCKED",
        "RESOURCE_BUSY",
        "RESOURCE_IN_TRANSITION",
        "OPERATION_IN_PROGRESS",
    }
)
_LOCK_WORDS = ("lock", "transitory", "in progress", "busy")


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to try a request and how long to sleep in between.

    ``attempts`` counts the first try (``attempts=1`` disables retries). The n-th retry sleeps a
    random time in ``[d*(1-jitter), d]`` where ``d = min(max_backoff, backoff * 2**(n-1))``.
    """

    attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 8.0
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"RetryPolicy.attempts must be >= 1, got {self.attempts!r}")
        if self.backoff < 0 or self.max_backoff < 0:
            raise ValueError(
                f"RetryPolicy backoff values must be >= 0, got backoff={self.backoff!r}, "
                f"max_backoff={self.max_backoff!r}"
            )
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"RetryPolicy.jitter must be within [0, 1], got {self.jitter!r}")

    @classmethod
    def of(cls, retries: int | RetryPolicy) -> RetryPolicy:
        """A policy from a number of *re*-tries (``3`` = up to 4 attempts) or a policy."""
        if isinstance(retries, RetryPolicy):
            return retries
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValueError(
                f"retries must be a non-negative int or a RetryPolicy, got {retries!r}"
            )
        return cls(attempts=retries + 1)

    def delay(self, retry_number: int) -> float:
        """Seconds to sleep before retry number *retry_number* (1-based)."""
        ceiling = min(self.max_backoff, self.backoff * 2 ** (retry_number - 1))
        return float(ceiling * (1 - self.jitter * random.random()))


def is_idempotent(method: str, override: bool | None = None) -> bool:
    """Whether repeating *method* cannot do harm, unless the caller said otherwise."""
    return override if override is not None else method.upper() in IDEMPOTENT_METHODS


def retryable_exception(exc: requests.RequestException, idempotent: bool) -> bool:
    """Whether a transport failure may be retried (never a TLS verification failure)."""
    if isinstance(exc, requests.exceptions.SSLError):
        return False
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError) and _never_sent(exc):
        return True
    if isinstance(exc, requests.ConnectionError | requests.Timeout):
        return idempotent
    return False


def _never_sent(exc: requests.ConnectionError) -> bool:
    """True when the connection failed before the request went out (refused, DNS)."""
    text = repr(exc.args[0]) if exc.args else ""
    return "NewConnectionError" in text or "NameResolutionError" in text


def retryable_response(response: requests.Response, idempotent: bool) -> bool:
    """Whether an HTTP error answer may be retried."""
    status = response.status_code
    if status == 503:
        return True
    if status >= 500:
        return idempotent
    if status == 409:
        return idempotent and is_lock_conflict(response)
    return False


def is_lock_conflict(response: requests.Response) -> bool:
    """A 409 meaning the resource is busy (locked, in a transitory state)."""
    body = exceptions.error_body(response)
    code = str(body.get("errorCode") or "")
    if code in LOCK_CONFLICT_CODES:
        return True
    text = f"{body.get('message') or ''} {body.get('details') or ''}".lower()
    return any(word in text for word in _LOCK_WORDS)
