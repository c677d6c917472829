"""Exceptions of the OneView client, and the one function that maps HTTP answers to them.

Every error carries what OneView said (``status``, ``error_code``, ``message``, ``details``,
``recommended_actions``) plus the request that failed (``method``, ``path``). ``str(error)`` is a
complete sentence naming all of it. Secrets never appear: paths never contain them and bodies are
not echoed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import requests

from oneview_openstack.client.sanitize import sanitize

if TYPE_CHECKING:
    from oneview_openstack.client.tasks import Task


class OneViewError(Exception):
    """Base class of every error raised by this client."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        details: str | None = None,
        recommended_actions: Sequence[str] = (),
        method: str | None = None,
        path: str | None = None,
        nested_errors: Sequence[Mapping[str, Any]] = (),
        attempts: int = 1,
        context: str | None = None,
    ) -> None:
        self.message = message
        self.context = context
        self.status = status
        self.error_code = error_code
        self.details = details or None
        self.recommended_actions = list(recommended_actions)
        self.method = method
        self.path = path
        self.nested_errors = list(nested_errors)
        self.attempts = attempts
        super().__init__(self._describe())

    def _describe(self) -> str:
        head = []
        if self.context:
            head.append(self.context)
        elif self.method and self.path:
            where = f"{self.method} {self.path} failed"
            if self.attempts > 1:
                where += f" after {self.attempts} attempts"
            head.append(where)
        codes = [f"HTTP {self.status}"] if self.status is not None else []
        codes += [self.error_code] if self.error_code else []
        if codes:
            head.append(" ".join(codes))
        head.append(self.message)
        text = ": ".join(head)
        if self.details and self.details != self.message:
            text += f" ({self.details})"
        if self.recommended_actions:
            text += " Recommended: " + " ".join(self.recommended_actions)
        return str(sanitize(text))  # the appliance's own text may echo a URL with a session key


class ConnectionFailed(OneViewError):
    """The appliance could not be reached (DNS, refused, reset, TLS failure)."""


class RequestTimeout(OneViewError):
    """The appliance did not answer within the request timeout."""


class BadRequest(OneViewError):
    """HTTP 400: the request was invalid (validation error; never retried)."""


class AuthenticationFailed(OneViewError):
    """Login refused (bad credentials, HTTP 400 AUTHN_*) or HTTP 401 after logging in again."""


class Forbidden(OneViewError):
    """HTTP 403: the user may not do this (role, read-only attribute, password change required)."""


class NotFound(OneViewError):
    """HTTP 404: the named resource does not exist."""


class MethodNotAllowed(OneViewError):
    """HTTP 405."""


class Conflict(OneViewError):
    """HTTP 409: the resource is locked or in a state where the change does not apply."""


class PreconditionFailed(OneViewError):
    """HTTP 412."""


class ETagMismatch(PreconditionFailed):
    """HTTP 412: the resource changed since it was read (stale ``If-Match`` eTag)."""


class UnsupportedApiVersion(PreconditionFailed):
    """The appliance and this client have no API version in common, or the appliance refused it."""


class UnsupportedMediaType(OneViewError):
    """HTTP 415."""


class ServerError(OneViewError):
    """HTTP 5xx."""


class ServiceUnavailable(ServerError):
    """HTTP 503: the appliance is starting or overloaded."""


class InvalidResponse(OneViewError):
    """The appliance answered something this client cannot interpret."""


class TaskFailed(OneViewError):
    """A task ended in Error, Terminated, Killed or Interrupted.

    ``error_code``/``message`` come from the first of ``taskErrors``; ``task`` is the final task.
    """

    def __init__(self, message: str, *, task: Task, **kwargs: Any) -> None:
        self.task = task
        super().__init__(message, **kwargs)


class TaskTimeout(OneViewError):
    """A task did not finish within the allowed time; ``task`` is its last known state."""

    def __init__(self, message: str, *, task: Task, **kwargs: Any) -> None:
        self.task = task
        super().__init__(message, **kwargs)


_BY_STATUS: dict[int, type[OneViewError]] = {
    400: BadRequest,
    401: AuthenticationFailed,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    409: Conflict,
    412: PreconditionFailed,
    415: UnsupportedMediaType,
    503: ServiceUnavailable,
}

# errorCodes that refine the class chosen by status.
_BY_ERROR_CODE: dict[str, type[OneViewError]] = {
    "ETAG_MISMATCH": ETagMismatch,
    "ETAG_CHECK_FAILED": ETagMismatch,
    "INVALID_API_VERSION": UnsupportedApiVersion,
}

_AUTHN_PREFIX = "AUTHN_"


def error_body(response: requests.Response) -> dict[str, Any]:
    """The JSON ErrorMessage of *response*, or an empty dict if there is none."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def exception_class(status: int, error_code: str | None) -> type[OneViewError]:
    """The exception class for an HTTP status and OneView errorCode."""
    if error_code:
        if error_code in _BY_ERROR_CODE:
            return _BY_ERROR_CODE[error_code]
        if error_code.startswith(_AUTHN_PREFIX) or error_code == "PASSWORD_CHANGE_REQUIRED":
            return AuthenticationFailed
        if status == 412 and "ETAG" in error_code.upper():
            return ETagMismatch
        if status == 412 and "VERSION" in error_code.upper():
            return UnsupportedApiVersion
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return OneViewError


def error_from_response(
    method: str, path: str, response: requests.Response, *, attempts: int = 1
) -> OneViewError:
    """Build (without raising) the exception for an unsuccessful *response*."""
    body = error_body(response)
    error_code = _str_or_none(body.get("errorCode"))
    message = _str_or_none(body.get("message")) or _fallback_message(response)
    actions = body.get("recommendedActions") or []
    nested = body.get("nestedErrors") or []
    cls = exception_class(response.status_code, error_code)
    if cls is PreconditionFailed and "version" in message.lower():
        cls = UnsupportedApiVersion
    return cls(
        message,
        status=response.status_code,
        error_code=error_code,
        details=_str_or_none(body.get("details")),
        recommended_actions=[str(a) for a in actions if a] if isinstance(actions, list) else [],
        method=method,
        path=path,
        nested_errors=[n for n in nested if isinstance(n, dict)]
        if isinstance(nested, list)
        else [],
        attempts=attempts,
    )


def raise_for_response(
    method: str, path: str, response: requests.Response, *, attempts: int = 1
) -> None:
    """Raise the mapped :class:`OneViewError` unless *response* is a success (< 400)."""
    if response.status_code < 400:
        return
    raise error_from_response(method, path, response, attempts=attempts)


def _fallback_message(response: requests.Response) -> str:
    reason = response.reason or "no reason given"
    return f"{reason} (no OneView error message in the response)"


def _str_or_none(value: object) -> str | None:
    if value is None or value == "":
        return None
    return str(value)
