"""Users, roles and login sessions."""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from oneview_openstack.simulator.clock import Clock
from oneview_openstack.simulator.errors import ApiError


class Role(enum.Enum):
    ADMINISTRATOR = "Infrastructure administrator"
    READ_ONLY = "Read only"
    SERVER_ADMINISTRATOR = "Server administrator"
    NETWORK_ADMINISTRATOR = "Network administrator"
    STORAGE_ADMINISTRATOR = "Storage administrator"
    BACKUP_ADMINISTRATOR = "Backup administrator"
    SOFTWARE_ADMINISTRATOR = "Software administrator"
    SCOPE_ADMINISTRATOR = "Scope administrator"
    SERVER_FIRMWARE_OPERATOR = "Server firmware operator"
    SERVER_PROFILE_ARCHITECT = "Server profile architect"
    SERVER_PROFILE_OPERATOR = "Server profile operator"
    SERVER_PROFILE_ADMINISTRATOR = "Server profile administrator"


@dataclass(frozen=True)
class User:
    """A local login. Only a salted hash of its password is kept (``hash_password``)."""

    name: str
    password_hash: str
    role: Role

    def password_is(self, password: str) -> bool:
        return password_matches(self.password_hash, password)

    @property
    def can_write(self) -> bool:
        return self.role is not Role.READ_ONLY


@dataclass
class Session:
    user: User
    last_used: float
    idle_timeout: float | None = None  # set by POST /rest/sessions/idle-timeout


# scrypt's cost for interactive logins (N=2**14, r=8, p=1): ~40 ms a hash.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
HASH_SCHEME = "scrypt"


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$digest`` (base64): what the state file keeps, never the password."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    parts = [HASH_SCHEME, str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)]
    return "$".join(parts)


# A password scrypt accepted once is checked again by an HMAC under a key that lives only
# in this process: clients that log in for every call (hpOneView 4.x) pay scrypt once.
_PROCESS_KEY = secrets.token_bytes(32)
_ACCEPTED: dict[str, bytes] = {}  # password hash -> HMAC of the password it accepted
_ACCEPTED_MAX = 1024


def password_matches(password_hash: str, password: str) -> bool:
    """Whether ``password`` is the one ``password_hash`` was made from (constant time)."""
    mac = hmac.new(_PROCESS_KEY, password.encode(), hashlib.sha256).digest()
    accepted = _ACCEPTED.get(password_hash)
    if accepted is not None and hmac.compare_digest(accepted, mac):
        return True
    parts = password_hash.split("$")
    if len(parts) != 6 or parts[0] != HASH_SCHEME:
        return False
    n, r, p = (int(value) for value in parts[1:4])
    salt, expected = base64.b64decode(parts[4]), base64.b64decode(parts[5])
    if not hmac.compare_digest(_scrypt(password, salt, n, r, p), expected):
        return False
    if len(_ACCEPTED) >= _ACCEPTED_MAX:
        _ACCEPTED.clear()
    _ACCEPTED[password_hash] = mac
    return True


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def users_from_seed(entries: list[dict[str, Any]]) -> dict[str, User]:
    return {
        entry["userName"]: User(
            entry["userName"], hash_password(entry["password"]), Role(entry["role"])
        )
        for entry in entries
    }


def login_record(user: User) -> dict[str, str]:
    """A login as the state file keeps it: name, role and password hash."""
    return {"userName": user.name, "passwordHash": user.password_hash, "role": user.role.value}


def user_from_record(record: dict[str, Any]) -> User:
    return User(record["userName"], record["passwordHash"], Role(record["role"]))


LOCAL_DOMAIN = "LOCAL"


def login_failed(details: str = "The user name or password is not valid.") -> ApiError:
    return ApiError(
        400,
        "AUTHN_AUTH_FAIL",
        "Invalid username or password.",
        details=details,
        recommended_actions=["Enter correct credentials and try again."],
    )


SWEEP_EVERY = 100  # logins between two sweeps of the expired sessions


class Sessions:
    """Login sessions with an idle expiry; session ids are opaque random tokens.

    An expired session is forgotten when it is next used, and every ``SWEEP_EVERY``
    logins all expired ones are: a client that logs in for each call and never
    logs out (hpOneView 4.x) does not grow the appliance without bound.
    """

    def __init__(self, clock: Clock, users: dict[str, User], idle_timeout: float) -> None:
        self._clock = clock
        self._users = users
        self._seed_users = dict(users)
        self._sessions: dict[str, Session] = {}
        self._logins = 0
        self.idle_timeout = idle_timeout

    def login(self, body: dict[str, Any]) -> str:
        """A new session id for the body of ``POST /rest/login-sessions``.

        Every failure is the same 400 AUTHN_AUTH_FAIL a real appliance gives;
        the details say which field was missing, never what a password was.
        """
        for name in ("userName", "password"):
            if not isinstance(body.get(name), str) or not body[name]:
                raise login_failed(f"The login request has no {name} (a non-empty string).")
        domain = body.get("authLoginDomain") or LOCAL_DOMAIN
        if not isinstance(domain, str) or domain.upper() != LOCAL_DOMAIN:
            raise login_failed(
                f"The login domain {domain!r} is not configured; the appliance knows "
                f"{LOCAL_DOMAIN!r} only."
            )
        user = self._users.get(body["userName"])
        if user is None or not user.password_is(body["password"]):
            raise login_failed()
        session_id = secrets.token_urlsafe(32)
        self._sessions[session_id] = Session(user, self._clock.now())
        self._logins += 1
        if self._logins % SWEEP_EVERY == 0:
            self.sweep()
        return session_id

    def sweep(self) -> int:
        """Forget every session idle longer than its timeout; returns how many."""
        now = self._clock.now()
        expired = [
            session_id
            for session_id, session in self._sessions.items()
            if now - session.last_used > self.effective_idle_timeout(session)
        ]
        for session_id in expired:
            del self._sessions[session_id]
        return len(expired)

    def authenticate(self, session_id: str | None) -> User | None:
        """The session's user, or None if the id is unknown or idle too long."""
        session = self.session(session_id)
        return session.user if session else None

    def session(self, session_id: str | None) -> Session | None:
        """The live session (its idle clock restarted), or None."""
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        if session is None:
            return None
        now = self._clock.now()
        if now - session.last_used > self.effective_idle_timeout(session):
            del self._sessions[session_id]
            return None
        session.last_used = now
        return session

    def effective_idle_timeout(self, session: Session) -> float:
        return self.idle_timeout if session.idle_timeout is None else session.idle_timeout

    def logout(self, session_id: str | None) -> bool:
        return self._sessions.pop(session_id or "", None) is not None

    def user(self, name: str) -> User | None:
        return self._users.get(name)

    def user_names(self) -> list[str]:
        return sorted(self._users)

    def put_user(self, user: User) -> None:
        """Add or replace a login (POST/PUT /rest/users)."""
        self._users[user.name] = user

    def remove_user(self, name: str) -> None:
        """Remove a login and end its sessions."""
        self._users.pop(name, None)
        for session_id, session in list(self._sessions.items()):
            if session.user.name == name:
                del self._sessions[session_id]

    def reset_users(self) -> None:
        """Back to the seed's users (the appliance's reset)."""
        self._users = dict(self._seed_users)

    def users(self) -> list[User]:
        return [self._users[name] for name in sorted(self._users)]

    def replace_users(self, users: list[User]) -> None:
        """The logins a state file restored, in place of the seed's; sessions end."""
        self._users = {user.name: user for user in users}
        self.expire_all()

    def expire_all(self) -> int:
        count = len(self._sessions)
        self._sessions.clear()
        return count

    def __len__(self) -> int:
        return len(self._sessions)
