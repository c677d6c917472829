"""Users, roles and login sessions."""

from __future__ import annotations

import enum
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from oneview_openstack.simulator.clock import Clock
from oneview_openstack.simulator.errors import ApiError


class Role(enum.Enum):
    ADMINISTRATOR = "Infrastructure administrator"
    READ_ONLY = "Read only"


@dataclass(frozen=True)
class User:
    name: str
    password: str
    role: Role

    @property
    def can_write(self) -> bool:
        return self.role is not Role.READ_ONLY


@dataclass
class Session:
    user: User
    last_used: float


def users_from_seed(entries: list[dict[str, Any]]) -> dict[str, User]:
    return {
        entry["userName"]: User(entry["userName"], entry["password"], Role(entry["role"]))
        for entry in entries
    }


def login_failed() -> ApiError:
    return ApiError(
        400,
        "AUTHN_AUTH_FAIL",
        "Invalid username or password.",
        details="The user name or password is not valid.",
        recommended_actions=["Enter correct credentials and try again."],
    )


class Sessions:
    """Login sessions with an idle expiry; session ids are opaque random tokens."""

    def __init__(self, clock: Clock, users: dict[str, User], idle_timeout: float) -> None:
        self._clock = clock
        self._users = users
        self._sessions: dict[str, Session] = {}
        self.idle_timeout = idle_timeout

    def login(self, user_name: Any, password: Any) -> str:
        user = self._users.get(user_name) if isinstance(user_name, str) else None
        if (
            user is None
            or not isinstance(password, str)
            or not hmac.compare_digest(user.password.encode(), password.encode())
        ):
            raise login_failed()
        session_id = secrets.token_urlsafe(32)
        self._sessions[session_id] = Session(user, self._clock.now())
        return session_id

    def authenticate(self, session_id: str | None) -> User | None:
        """The session's user, or None if the id is unknown or idle too long."""
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        if session is None:
            return None
        now = self._clock.now()
        if now - session.last_used > self.idle_timeout:
            del self._sessions[session_id]
            return None
        session.last_used = now
        return session.user

    def logout(self, session_id: str | None) -> bool:
        return self._sessions.pop(session_id or "", None) is not None

    def expire_all(self) -> int:
        count = len(self._sessions)
        self._sessions.clear()
        return count

    def __len__(self) -> int:
        return len(self._sessions)
