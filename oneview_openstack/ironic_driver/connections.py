"""One OneView client (one login session, one connection pool) per appliance and user, shared
by every interface and thread of a conductor process.

The original driver logged in again for nearly every call; here a client is created on
first use and reused until evicted (least recently used first, beyond ``max_size``
distinct connections). The client logs in again by itself when its session expires.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import hashlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from oneview_openstack.client import OneViewClient

LOG = logging.getLogger(__name__)

DEFAULT_CACHE_SIZE = 32


@dataclasses.dataclass(frozen=True)
class Connection:
    """Everything needed to talk to one appliance as one user."""

    url: str
    username: str
    password: str = dataclasses.field(repr=False)
    login_domain: str | None = None
    ca_file: str | None = None
    insecure: bool = False
    api_version_cap: int | None = None
    request_timeout: float = 60.0
    request_retries: int = 3
    task_timeout: float = 1800.0

    def cache_key(self) -> tuple[Any, ...]:
        """Identifies the connection without holding the password itself."""
        digest = hashlib.sha256(self.password.encode("utf-8")).hexdigest()
        fields = dataclasses.astuple(dataclasses.replace(self, password=digest))
        return fields

    def new_client(self) -> OneViewClient:
        return OneViewClient(
            self.url,
            self.username,
            self.password,
            login_domain=self.login_domain,
            ca_file=self.ca_file,
            insecure=self.insecure,
            api_version_cap=self.api_version_cap,
            timeout=self.request_timeout,
            retries=self.request_retries,
            task_timeout=self.task_timeout,
        )


class ClientCache:
    """Thread-safe, bounded cache of clients by :class:`Connection`."""

    def __init__(
        self,
        max_size: int = DEFAULT_CACHE_SIZE,
        factory: Callable[[Connection], OneViewClient] = Connection.new_client,
    ) -> None:
        if max_size < 1:
            raise ValueError(f"max_size must be at least 1, got {max_size}")
        self.max_size = max_size
        self._factory = factory
        self._clients: collections.OrderedDict[tuple[Any, ...], OneViewClient] = (
            collections.OrderedDict()
        )
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._clients)

    def get(self, connection: Connection) -> OneViewClient:
        """The client of *connection*, created on first use."""
        key = connection.cache_key()
        with self._lock:
            found = self._clients.get(key)
            if found is not None:
                self._clients.move_to_end(key)
                return found
            created = self._factory(connection)
            self._clients[key] = created
            evicted = []
            while len(self._clients) > self.max_size:
                evicted.append(self._clients.popitem(last=False)[1])
        for old in evicted:
            LOG.debug("Closing the least recently used OneView client %s", old)
            old.close()
        return created

    def clear(self) -> None:
        """Close every client."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), collections.OrderedDict()
        for old in clients:
            old.close()


@functools.cache
def shared_clients() -> ClientCache:
    """The conductor process's cache: Ironic creates each interface once per process, and
    all of them (and the periodic tasks) must share sessions, so this is process-wide."""
    return ClientCache()
