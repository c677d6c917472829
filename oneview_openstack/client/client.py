"""``OneViewClient``: one appliance, one user session, one connection pool."""

from __future__ import annotations

import logging
from types import TracebackType

from oneview_openstack.client import retry as retry_module
from oneview_openstack.client.auth import SessionAuth
from oneview_openstack.client.metrics import CallObserver
from oneview_openstack.client.resources.enclosures import EnclosureGroupManager, EnclosureManager
from oneview_openstack.client.resources.firmware import FirmwareDriverManager
from oneview_openstack.client.resources.interconnects import (
    InterconnectManager,
    LogicalInterconnectGroupManager,
    LogicalInterconnectManager,
    UplinkSetManager,
)
from oneview_openstack.client.resources.networks import (
    ConnectionTemplateManager,
    EthernetNetworkManager,
    NetworkSetManager,
)
from oneview_openstack.client.resources.server_hardware import (
    ServerHardwareManager,
    ServerHardwareTypeManager,
)
from oneview_openstack.client.resources.server_profiles import (
    ServerProfileManager,
    ServerProfileTemplateManager,
)
from oneview_openstack.client.tasks import DEFAULT_TASK_TIMEOUT, TaskManager
from oneview_openstack.client.transport import Transport, tls_verify
from oneview_openstack.client.versions import ApplianceVersion

LOG = logging.getLogger(__name__)


class OneViewClient:
    """A client for one OneView appliance, safe to share between threads.

    Nothing is sent until the first call: then the API version is negotiated
    (``GET /rest/version``) and the client logs in. A 401 (expired or idle session) makes it log
    in again once, transparently; concurrent 401s cause a single login. ``close()`` (or leaving
    a ``with`` block) logs out and closes the connections.

    :param url: ``https://host[:port]`` (or ``host[:port]``).
    :param ca_file: CA bundle to verify the appliance certificate with.
    :param insecure: skip TLS verification (warns). Verification is on by default.
    :param api_version_cap: never use an API version above this one.
    :param timeout: seconds per HTTP request (or ``(connect, read)``).
    :param retries: how many times to retry a failed request that is safe to repeat, or a
        :class:`RetryPolicy`.
    :param task_timeout: default seconds to wait for a task.
    :param task_poll_interval: first delay between task polls (grows to 5 s).
    :param observer: receives every HTTP call (see :class:`CallCounter`).
    :param pool_size: maximum pooled connections (threads using the client concurrently).
    """

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        login_domain: str | None = None,
        ca_file: str | None = None,
        insecure: bool = False,
        api_version_cap: int | None = None,
        timeout: float | tuple[float, float] = 60.0,
        retries: int | retry_module.RetryPolicy = 3,
        task_timeout: float = DEFAULT_TASK_TIMEOUT,
        task_poll_interval: float = 0.2,
        observer: CallObserver | None = None,
        pool_size: int = 10,
    ) -> None:
        self._transport = Transport(
            url,
            verify=tls_verify(ca_file, insecure),
            timeout=timeout,
            retry_policy=retry_module.RetryPolicy.of(retries),
            observer=observer,
            api_version_cap=api_version_cap,
            pool_size=pool_size,
        )
        self._auth = SessionAuth(username, password, login_domain)
        self._transport.auth = self._auth
        self.tasks = TaskManager(
            self._transport, default_timeout=task_timeout, poll_interval=task_poll_interval
        )
        args = (self._transport, self.tasks)
        self.server_hardware = ServerHardwareManager(*args)
        self.server_hardware_types = ServerHardwareTypeManager(*args)
        self.enclosures = EnclosureManager(*args)
        self.enclosure_groups = EnclosureGroupManager(*args)
        self.server_profile_templates = ServerProfileTemplateManager(*args)
        self.server_profiles = ServerProfileManager(*args)
        self.ethernet_networks = EthernetNetworkManager(*args)
        self.network_sets = NetworkSetManager(*args)
        self.connection_templates = ConnectionTemplateManager(*args)
        self.logical_interconnect_groups = LogicalInterconnectGroupManager(*args)
        self.interconnects = InterconnectManager(*args)
        self.logical_interconnects = LogicalInterconnectManager(*args)
        self.uplink_sets = UplinkSetManager(*args)
        self.firmware_drivers = FirmwareDriverManager(*args)

    def __repr__(self) -> str:
        return f"OneViewClient({self.url!r}, username={self._auth.username!r})"

    @property
    def url(self) -> str:
        return self._transport.base_url

    @property
    def api_version(self) -> int:
        """The negotiated API version (negotiates on first use)."""
        return self._transport.api_version

    def appliance_version(self) -> ApplianceVersion:
        """What the appliance supports (``GET /rest/version``)."""
        return self._transport.appliance_version()

    def connect(self) -> OneViewClient:
        """Negotiate the API version and log in now instead of on the first call."""
        self._transport.api_version  # noqa: B018 - negotiates
        self._auth.token(self._transport)
        return self

    def close(self) -> None:
        """Log out (errors ignored) and close the connection pool. Idempotent."""
        if self._auth.logged_in:
            self._auth.logout(self._transport)
        self._transport.close()

    def __enter__(self) -> OneViewClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
