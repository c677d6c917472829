"""HTTP transport: one pooled ``requests`` session, TLS, timeouts, headers, retries, observation.

The transport knows HTTP and OneView's wire conventions (``X-API-Version``, ``auth`` header,
JSON error bodies); it knows nothing about resources. Authentication is delegated to an
``Authenticator`` (see ``auth.py``), version negotiation to ``versions.py``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import warnings
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter

from oneview_openstack.client import exceptions, retry, versions
from oneview_openstack.client.metrics import CallObserver, path_template
from oneview_openstack.client.sanitize import sanitize

LOG = logging.getLogger(__name__)

VERSION_PATH = "/rest/version"
JSON = "application/json"
JSON_PATCH = "application/json-patch+json"
USER_AGENT = "oneview-openstack-client/0.1"

Params = Mapping[str, Any] | list[tuple[str, Any]] | None


class Authenticator(Protocol):
    """What the transport needs from an authentication strategy."""

    def token(self, transport: Transport) -> str:
        """The current session token, logging in first if there is none."""

    def refresh(self, transport: Transport, stale_token: str) -> None:
        """Replace *stale_token* by a new session (unless another thread already did)."""


class InsecureConnectionWarning(UserWarning):
    """TLS verification was switched off explicitly."""


def normalize_url(url: str) -> str:
    """``host[:port]`` or ``https://host[:port][/]`` -> ``https://host[:port]``."""
    if not url or not isinstance(url, str):
        raise ValueError(f"OneView url must be a non-empty string like https://host, got {url!r}")
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError(f"OneView url must look like https://host[:port], got {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def tls_verify(ca_file: str | None, insecure: bool) -> bool | str:
    """The ``requests`` ``verify`` value; warns when verification is switched off."""
    if ca_file and insecure:
        raise ValueError("ca_file and insecure=True exclude each other: pick one")
    if ca_file:
        if not os.path.isfile(ca_file):
            raise ValueError(
                f"ca_file {ca_file!r} is not a file; expected the PEM bundle of the CA that "
                "signed the OneView appliance's certificate"
            )
        return ca_file
    if insecure:
        warnings.warn(
            "TLS certificate verification of the OneView appliance is disabled (insecure=True)",
            InsecureConnectionWarning,
            stacklevel=3,
        )
        LOG.warning("TLS certificate verification of the OneView appliance is disabled")
        return False
    return True


class Transport:
    """Sends requests to one appliance; thread-safe; one connection pool per instance."""

    def __init__(
        self,
        url: str,
        *,
        verify: bool | str = True,
        timeout: float | tuple[float, float] = 60.0,
        retry_policy: retry.RetryPolicy | None = None,
        observer: CallObserver | None = None,
        api_version_cap: int | None = None,
        pool_size: int = 10,
    ) -> None:
        self.base_url = normalize_url(url)
        self.timeout = timeout
        self.retry_policy = retry_policy or retry.RetryPolicy()
        self.observer = observer
        self.auth: Authenticator | None = None
        self._api_version_cap = api_version_cap
        self._api_version: int | None = None
        self._version_lock = threading.Lock()
        # verify is passed per request: a Session.verify would lose against REQUESTS_CA_BUNDLE.
        self._verify = verify
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        if verify is False:
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

    # -- API version ------------------------------------------------------------------------

    @property
    def api_version(self) -> int:
        """The negotiated X-API-Version (negotiated on first use)."""
        if self._api_version is None:
            with self._version_lock:
                if self._api_version is None:
                    appliance = self.appliance_version()
                    self._api_version = versions.negotiate(appliance, self._api_version_cap)
                    LOG.debug(
                        "Appliance %s supports API %s..%s; using %s",
                        self.base_url,
                        appliance.minimum,
                        appliance.current,
                        self._api_version,
                    )
        return self._api_version

    def appliance_version(self) -> versions.ApplianceVersion:
        """``GET /rest/version`` (no session, no X-API-Version)."""
        response = self.request("GET", VERSION_PATH, authenticated=False)
        return versions.ApplianceVersion.from_json(self.json(response, "GET", VERSION_PATH))

    # -- requests ---------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Params = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
        idempotent: bool | None = None,
        content_type: str = JSON,
    ) -> requests.Response:
        """Send one logical request; returns a successful response or raises OneViewError.

        Retries per :mod:`retry`, logs in again once on HTTP 401, and raises the exception
        mapped from the final error answer.
        """
        method = method.upper()
        safe = retry.is_idempotent(method, idempotent)
        relogged = False
        attempt = 0
        while True:
            attempt += 1
            token = self.auth.token(self) if authenticated and self.auth else None
            all_headers = self._headers(path, token, headers, json is not None, content_type)
            try:
                response = self._send(method, path, json, params, all_headers)
            except requests.RequestException as exc:
                if attempt < self.retry_policy.attempts and retry.retryable_exception(exc, safe):
                    self._pause(method, path, attempt, type(exc).__name__)
                    continue
                raise self._transport_error(method, path, exc, attempt) from None
            if response.status_code == 401 and token is not None and not relogged:
                assert self.auth is not None
                relogged = True
                attempt -= 1  # logging in again is not a retry of the request
                LOG.debug("%s %s: session no longer valid, logging in again", method, _clean(path))
                self.auth.refresh(self, token)
                continue
            if response.status_code >= 400:
                if attempt < self.retry_policy.attempts and retry.retryable_response(
                    response, safe
                ):
                    self._pause(method, path, attempt, f"HTTP {response.status_code}")
                    continue
                raise exceptions.error_from_response(
                    method, _clean(path), response, attempts=attempt
                )
            return response

    def json(self, response: requests.Response, method: str, path: str) -> Any:
        """The decoded JSON body of *response*; ``InvalidResponse`` if it is not JSON."""
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise exceptions.InvalidResponse(
                f"expected a JSON body, got {response.headers.get('Content-Type')!r} "
                f"({len(response.content)} bytes)",
                status=response.status_code,
                method=method,
                path=_clean(path),
            ) from None

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()

    # -- internals --------------------------------------------------------------------------

    def _headers(
        self,
        path: str,
        token: str | None,
        extra: Mapping[str, str] | None,
        has_body: bool,
        content_type: str,
    ) -> dict[str, str]:
        headers = {"Accept": JSON, "User-Agent": USER_AGENT}
        if path != VERSION_PATH:
            headers["X-API-Version"] = str(self.api_version)
        if token is not None:
            headers["auth"] = token
        if has_body:
            headers["Content-Type"] = content_type
        if extra:
            headers.update(extra)
        return headers

    def _send(
        self,
        method: str,
        path: str,
        body: Any,
        params: Params,
        headers: dict[str, str],
    ) -> requests.Response:
        url = self._url(path)
        if LOG.isEnabledFor(logging.DEBUG):
            LOG.debug(
                "%s %s params=%s headers=%s body=%s",
                method,
                _clean(path),
                sanitize(params),
                sanitize(headers),
                sanitize(body),
            )
        started = time.monotonic()
        status: int | None = None
        try:
            response = self._session.request(
                method,
                url,
                json=body,
                params=params,
                headers=headers,
                timeout=self.timeout,
                verify=self._verify,
            )
            status = response.status_code
            return response
        finally:
            elapsed = time.monotonic() - started
            LOG.debug("%s %s -> %s in %.3fs", method, _clean(path), status, elapsed)
            if self.observer is not None:
                self.observer.record(method, path_template(path), status, elapsed)

    def _url(self, path: str) -> str:
        path = relative(path)
        if not path.startswith("/"):
            raise ValueError(f"request path must start with '/', got {path!r}")
        return self.base_url + path

    def _pause(self, method: str, path: str, attempt: int, reason: str) -> None:
        delay = self.retry_policy.delay(attempt)
        LOG.info(
            "%s %s: %s on attempt %d of %d; retrying in %.2fs",
            method,
            _clean(path),
            reason,
            attempt,
            self.retry_policy.attempts,
            delay,
        )
        time.sleep(delay)

    def _transport_error(
        self, method: str, path: str, exc: requests.RequestException, attempts: int
    ) -> exceptions.OneViewError:
        where = f"{self.base_url}{_clean(path)}"
        if isinstance(exc, requests.Timeout) and not isinstance(exc, requests.ConnectTimeout):
            return exceptions.RequestTimeout(
                f"no answer from {where} within {self.timeout}s",
                method=method,
                path=_clean(path),
                attempts=attempts,
            )
        if isinstance(exc, requests.exceptions.SSLError):
            reason = f"TLS verification of {self.base_url} failed ({_short(exc)})"
        else:
            reason = f"could not reach {where} ({type(exc).__name__}: {_short(exc)})"
        return exceptions.ConnectionFailed(
            reason, method=method, path=_clean(path), attempts=attempts
        )


def relative(uri: str) -> str:
    """``https://host/rest/x?y`` -> ``/rest/x?y``; a path is returned as it is."""
    if uri.startswith(("https://", "http://")):
        parts = urlsplit(uri)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return uri


def _clean(path: str) -> str:
    """The path without scheme/host and with inline secrets masked, for logs and messages."""
    return str(sanitize(relative(path)))


def _short(exc: BaseException) -> str:
    text = str(sanitize(str(exc)))
    return text if len(text) <= 300 else text[:297] + "..."
