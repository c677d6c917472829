"""Session authentication: log in once, share the session, log in again on expiry, log out.

Thread safety: the token is read without a lock on the hot path. Logging in (first time or
after a 401) happens under a lock, and a thread that got a 401 only logs in again if the token
it used is still the current one, so N threads hitting an expired session cause one login.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from oneview_openstack.client import exceptions

if TYPE_CHECKING:
    from oneview_openstack.client.transport import Transport

LOG = logging.getLogger(__name__)

LOGIN_PATH = "/rest/login-sessions"


class SessionAuth:
    """OneView login session (``POST /rest/login-sessions``) for one user."""

    def __init__(self, username: str, password: str, login_domain: str | None = None) -> None:
        if not username or not isinstance(username, str):
            raise ValueError(f"username must be a non-empty string, got {username!r}")
        if not isinstance(password, str):  # the value itself is never shown
            raise ValueError(f"password must be a string, got {type(password).__name__}")
        self.username = username
        self._password = password
        self._login_domain = login_domain
        self._token: str | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SessionAuth(username={self.username!r}, login_domain={self._login_domain!r})"

    @property
    def logged_in(self) -> bool:
        return self._token is not None

    def token(self, transport: Transport) -> str:
        token = self._token
        if token is not None:
            return token
        with self._lock:
            if self._token is None:
                self._token = self._login(transport)
            return self._token

    def refresh(self, transport: Transport, stale_token: str) -> None:
        with self._lock:
            if self._token is not None and self._token != stale_token:
                return  # another thread has already logged in again
            self._token = None
            self._token = self._login(transport)

    def logout(self, transport: Transport) -> None:
        """End the session on the appliance; errors are logged, not raised."""
        with self._lock:
            token, self._token = self._token, None
        if token is None:
            return
        try:
            transport.request(
                "DELETE", LOGIN_PATH, headers={"auth": token}, authenticated=False, idempotent=False
            )
        except exceptions.OneViewError as exc:
            LOG.debug("Logging out of %s failed (ignored): %s", transport.base_url, exc)

    def _login(self, transport: Transport) -> str:
        body: dict[str, object] = {
            "userName": self.username,
            "password": self._password,
            "loginMsgAck": True,
        }
        if self._login_domain:
            body["authLoginDomain"] = self._login_domain
        LOG.debug("Logging in to %s as %s", transport.base_url, self.username)
        response = transport.request(
            "POST", LOGIN_PATH, json=body, authenticated=False, idempotent=True
        )
        data = transport.json(response, "POST", LOGIN_PATH)
        token = data.get("sessionID") if isinstance(data, dict) else None
        if not token or not isinstance(token, str):
            raise exceptions.InvalidResponse(
                "login answer has no 'sessionID' string", method="POST", path=LOGIN_PATH
            )
        return token
