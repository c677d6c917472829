"""A short-lived, shared view of an appliance's server hardware.

Work that looks at every OneView node of a conductor (the dynamic-allocation periodic, the
power-state sync) reads the servers from **one** paged listing of ``/rest/server-hardware``,
projected (``fields=``) to the few attributes it needs, instead of one ``GET`` per node. The
listing is kept for a short while and shared by the threads of the conductor: a thread that
needs a fresher one than exists fetches it while the others wait and then reuse it, so a burst
of callers costs one listing.

The whole appliance is listed, not only the conductor's servers: nodes may point at any server,
and naming 1,000 servers in a filter would mean 1,000 GETs or a URL OneView refuses. The cost is
``ceil(servers / page_size)`` requests per listing whatever the number of nodes.

The cache is shared by every interface and periodic of a conductor process, like the clients
it lists with (:func:`connections.shared_clients`): :func:`shared_inventories`.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from ironic.conf import CONF

from oneview_openstack import conf
from oneview_openstack.client import ConnectionFailed, OneViewClient, OneViewError, ServerHardware
from oneview_openstack.ironic_driver.errors import UNREACHABLE

conf.register_opts(CONF)

LOG = logging.getLogger(__name__)

# The attributes a listing asks for: ownership, power and state, nothing else.
INVENTORY_FIELDS = (
    "uri",
    "name",
    "powerState",
    "powerLock",
    "state",
    "status",
    "serverProfileUri",
)
DEFAULT_PAGE_SIZE = 500
# After a failed listing, callers get the same failure at once for this long instead of each
# waiting for the appliance again (a power-state sync of 1,000 nodes must not try 1,000 times).
FAILURE_HOLD_SECONDS = 5.0

Clock = Callable[[], float]


@dataclass(frozen=True)
class Snapshot:
    """The appliance's server hardware at one moment (``taken_at`` on the monotonic clock)."""

    servers: Mapping[str, ServerHardware]
    taken_at: float

    def get(self, uri: str) -> ServerHardware | None:
        """The server listed under ``uri`` (``/rest/server-hardware/{id}``), or ``None``."""
        return self.servers.get(uri.rstrip("/"))

    def age(self, now: float) -> float:
        return max(0.0, now - self.taken_at)

    def __len__(self) -> int:
        return len(self.servers)

    def __iter__(self) -> Iterator[ServerHardware]:
        return iter(self.servers.values())


class InventoryUnavailable(OneViewError):
    """The listing failed recently; raised again without asking the appliance."""


class InventoryUnreachable(InventoryUnavailable, ConnectionFailed):
    """The listing failed recently because the appliance did not answer: a
    :class:`ConnectionFailed`, so callers treat it as any unreachable appliance."""


class Inventory:
    """The server hardware of one appliance, as one client sees it, listed on demand.

    :param client: the client to list with (its user's view of the appliance).
    :param page_size: servers per page of the listing.
    :param clock: monotonic clock (tests pass a fake one).
    """

    def __init__(
        self,
        client: OneViewClient,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        clock: Clock = time.monotonic,
    ) -> None:
        self._client = client
        self._page_size = page_size
        self._clock = clock
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._failure: tuple[float, OneViewError] | None = None
        self.listings = 0
        """How many listings this inventory made (for logs and benchmarks)."""

    def snapshot(self, max_age: float) -> Snapshot:
        """A snapshot younger than ``max_age`` seconds, listing the servers if there is none.

        ``max_age=0`` always lists (unless another thread finished a listing meanwhile that
        started after this call). Raises the client's ``OneViewError`` when listing fails,
        and :class:`InventoryUnavailable` (:class:`InventoryUnreachable` if the appliance did
        not answer) for a short while after.
        """
        asked_at = self._clock()
        with self._lock:
            current = self._snapshot
            if current is not None and (
                current.age(self._clock()) < max_age or current.taken_at > asked_at
            ):
                return current
            self._raise_recent_failure()
            try:
                self._snapshot = self._list()
            except OneViewError as error:
                self._failure = (self._clock(), error)
                raise
            self._failure = None
            return self._snapshot

    def invalidate(self) -> None:
        """Forget the snapshot (and any recent failure): the next caller lists again."""
        with self._lock:
            self._snapshot = None
            self._failure = None

    def _raise_recent_failure(self) -> None:
        if self._failure is None:
            return
        failed_at, error = self._failure
        if self._clock() - failed_at < FAILURE_HOLD_SECONDS:
            held = InventoryUnreachable if isinstance(error, UNREACHABLE) else InventoryUnavailable
            raise held(
                f"listing the server hardware failed {self._clock() - failed_at:.1f} s ago "
                f"and is retried after {FAILURE_HOLD_SECONDS:g} s: {error}",
                context=f"server hardware inventory of {self._client.url}",
            )

    def _list(self) -> Snapshot:
        started = self._clock()
        servers = self._client.server_hardware.list(
            page_size=self._page_size, fields=INVENTORY_FIELDS
        )
        by_uri = {server.uri.rstrip("/"): server for server in servers if server.uri}
        self.listings += 1
        LOG.debug(
            "Listed %d server hardware of %s in %.2f s",
            len(by_uri),
            self._client.url,
            self._clock() - started,
        )
        return Snapshot(servers=by_uri, taken_at=self._clock())


class InventoryCache:
    """One :class:`Inventory` per client, for the life of a conductor process.

    Clients are held weakly: when the client cache drops a client, its inventory goes too.
    """

    def __init__(self, *, page_size: int = DEFAULT_PAGE_SIZE, clock: Clock = time.monotonic):
        self.page_size = page_size
        self._clock = clock
        self._lock = threading.Lock()
        self._inventories: weakref.WeakKeyDictionary[OneViewClient, Inventory] = (
            weakref.WeakKeyDictionary()
        )

    def for_client(self, client: OneViewClient) -> Inventory:
        with self._lock:
            inventory = self._inventories.get(client)
            if inventory is None:
                inventory = Inventory(client, page_size=self.page_size, clock=self._clock)
                self._inventories[client] = inventory
            return inventory

    def snapshot(self, client: OneViewClient, max_age: float) -> Snapshot:
        return self.for_client(client).snapshot(max_age)

    def invalidate(self) -> None:
        with self._lock:
            inventories = list(self._inventories.values())
        for inventory in inventories:
            inventory.invalidate()


@functools.cache
def shared_inventories() -> InventoryCache:
    """The conductor process's inventories, one per shared client."""
    return InventoryCache(page_size=CONF.oneview.inventory_page_size)


def server_for_sync(
    client: OneViewClient,
    server_hardware_uri: str,
    max_age: float | None = None,
    cache: InventoryCache | None = None,
) -> ServerHardware | None:
    """The server as the shared listing shows it, for a read-only caller such as power sync.

    ``None`` when the listing does not show the server, or fails for another reason than an
    unreachable appliance: the caller then reads the server itself. An unreachable appliance
    is raised (a client error in :data:`errors.UNREACHABLE`): reading each server instead
    would make every node of a sync pass wait for it again. The answer may be up to
    ``max_age`` seconds old, so a caller that finds it disagrees with what it recorded should
    read the server itself before acting on it: then only servers that changed cost a GET.
    ``max_age`` defaults to ``[oneview]inventory_max_age`` and ``cache`` to
    :func:`shared_inventories`; ``max_age`` 0 disables the shared listing.
    """
    if max_age is None:
        max_age = float(CONF.oneview.inventory_max_age)
    if max_age <= 0:
        return None
    cache = cache if cache is not None else shared_inventories()
    try:
        snapshot = cache.snapshot(client, max_age)
    except OneViewError as error:
        if isinstance(error, UNREACHABLE):
            raise
        LOG.debug("No shared server hardware listing (%s); reading %s", error, server_hardware_uri)
        return None
    return snapshot.get(server_hardware_uri)
