"""OneView ErrorMessage documents and the exception that carries them."""

from __future__ import annotations

from typing import Any

VERIFY_PARAMETERS = "Verify parameters and try again."


class ApiError(Exception):
    """An error answered with OneView's ErrorMessage body.

    Raised anywhere below a handler; rendered in one place by the app. Inside a
    task, the same document becomes an entry of ``taskErrors``.
    """

    def __init__(
        self,
        status: int,
        error_code: str,
        message: str,
        *,
        details: str = "",
        recommended_actions: list[str] | None = None,
        nested_errors: list[dict[str, Any]] | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message
        self.details = details
        self.recommended_actions = (
            [VERIFY_PARAMETERS] if recommended_actions is None else recommended_actions
        )
        self.nested_errors = nested_errors or []
        self.data = data or {}

    def body(self) -> dict[str, Any]:
        return {
            "errorCode": self.error_code,
            "message": self.message,
            "details": self.details,
            "recommendedActions": self.recommended_actions,
            "nestedErrors": self.nested_errors,
            "errorSource": None,
            "data": self.data,
        }


def not_found(uri: str, error_code: str = "RESOURCE_NOT_FOUND") -> ApiError:
    return ApiError(
        404,
        error_code,
        "Resource not found.",
        details=f"The resource {uri} was not found.",
        recommended_actions=["Verify the URI of the resource and try again."],
    )


def bad_request(error_code: str, message: str, details: str = "") -> ApiError:
    return ApiError(400, error_code, message, details=details)


def conflict(error_code: str, message: str, details: str = "", action: str = "") -> ApiError:
    return ApiError(
        409,
        error_code,
        message,
        details=details,
        recommended_actions=[action or "Try the operation again later."],
    )


def bad_reference(field: str, uri: Any) -> ApiError:
    """A body field naming a resource that does not exist: 400, never 404."""
    return bad_request(
        "INVALID_RESOURCE_URI",
        f"The resource {uri!r} referenced by {field} does not exist.",
        details=f"Field {field}: no resource at {uri!r}.",
    )


def authorization() -> ApiError:
    return ApiError(
        401,
        "AUTHORIZATION",
        "Authorization error: User not authorized for this operation.",
        details="User not authorized for this operation.",
        recommended_actions=[
            "Please verify your credentials and re-authenticate before attempting the "
            "operation again."
        ],
    )
