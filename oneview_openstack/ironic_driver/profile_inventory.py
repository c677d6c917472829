"""A short-lived, shared view of the boot settings of an appliance's server profiles.

Ironic's power-state sync asks every node, every pass, for its boot mode and secure boot state
(``conductor/utils.py`` ``node_cache_boot_mode``), both of which OneView keeps in the server
profile (``bootMode``). Reading each node's profile would cost one ``GET`` per node and pass;
instead the profiles are read from **one** paged listing of ``/rest/server-profiles``,
projected (``fields=``) to their URI and ``bootMode``, kept for ``[oneview]inventory_max_age``
seconds and shared by the threads of the conductor (a burst of callers costs one listing), as
:mod:`inventory` does for the server hardware.

A profile the listing does not show (created after it) is read on its own by the caller.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import weakref
from collections.abc import Callable, Mapping

from ironic.conf import CONF

from oneview_openstack import conf
from oneview_openstack.client import OneViewClient, OneViewError, ServerProfile
from oneview_openstack.ironic_driver.errors import UNREACHABLE

conf.register_opts(CONF)

LOG = logging.getLogger(__name__)

PROFILE_FIELDS = ("uri", "bootMode")
# After a failed listing, callers read their profile alone for this long instead of each
# waiting for a new listing (a sync of 1,000 nodes must not list 1,000 times).
FAILURE_HOLD_SECONDS = 5.0

Clock = Callable[[], float]


class ProfileListing:
    """The server profiles of one appliance, as one client sees them, listed on demand."""

    def __init__(
        self, client: OneViewClient, *, page_size: int, clock: Clock = time.monotonic
    ) -> None:
        self._client = client
        self._page_size = page_size
        self._clock = clock
        self._lock = threading.Lock()
        self._profiles: Mapping[str, ServerProfile] | None = None
        self._taken_at = 0.0
        self._failure: tuple[float, OneViewError] | None = None
        self.listings = 0
        """How many listings were made (for logs and benchmarks)."""

    def profiles(self, max_age: float) -> Mapping[str, ServerProfile] | None:
        """Profiles by lower-case URI from a listing younger than ``max_age`` seconds
        (listing now if needed). ``None`` for a while after a listing failed; if the
        appliance did not answer, its error is raised instead, for that while too, so that
        callers do not each wait for it again."""
        asked_at = self._clock()
        with self._lock:
            if self._profiles is not None and (
                self._clock() - self._taken_at < max_age or self._taken_at > asked_at
            ):
                return self._profiles
            if self._failure is not None:
                failed_at, error = self._failure
                if self._clock() - failed_at < FAILURE_HOLD_SECONDS:
                    if isinstance(error, UNREACHABLE):
                        raise error
                    return None
            try:
                listed = self._client.server_profiles.list(
                    page_size=self._page_size, fields=PROFILE_FIELDS
                )
                self._profiles = {p.uri.rstrip("/").lower(): p for p in listed if p.uri}
            except OneViewError as error:
                self._failure = (self._clock(), error)
                if isinstance(error, UNREACHABLE):
                    raise
                LOG.debug("Listing the server profiles of %s failed: %s", self._client.url, error)
                return None
            self._failure = None
            self._taken_at = self._clock()
            self.listings += 1
            return self._profiles

    def remember(self, profile: ServerProfile) -> None:
        """Show *profile* as it is now (this conductor just changed it) in the listing."""
        with self._lock:
            if self._profiles is not None and profile.uri:
                self._profiles = {**self._profiles, profile.uri.rstrip("/").lower(): profile}

    def invalidate(self) -> None:
        """Forget the listing (and any recent failure): the next caller lists again."""
        with self._lock:
            self._profiles = None
            self._failure = None


class ProfileListings:
    """One :class:`ProfileListing` per client (held weakly, as the client cache holds them)."""

    def __init__(self, *, page_size: int, clock: Clock = time.monotonic) -> None:
        self._page_size = page_size
        self._clock = clock
        self._lock = threading.Lock()
        self._listings: weakref.WeakKeyDictionary[OneViewClient, ProfileListing] = (
            weakref.WeakKeyDictionary()
        )

    def for_client(self, client: OneViewClient) -> ProfileListing:
        with self._lock:
            listing = self._listings.get(client)
            if listing is None:
                listing = ProfileListing(client, page_size=self._page_size, clock=self._clock)
                self._listings[client] = listing
            return listing

    def invalidate(self) -> None:
        with self._lock:
            listings = list(self._listings.values())
        for listing in listings:
            listing.invalidate()


@functools.cache
def shared_profile_listings() -> ProfileListings:
    """The conductor process's profile listings, one per shared client."""
    return ProfileListings(page_size=CONF.oneview.inventory_page_size)


def boot_settings(
    client: OneViewClient,
    profile_uri: str,
    max_age: float | None = None,
    listings: ProfileListings | None = None,
) -> ServerProfile:
    """The profile at *profile_uri*, at least its ``bootMode``: from the shared listing when
    it shows the profile, else read on its own (``max_age`` 0 always reads it alone).

    ``max_age`` defaults to ``[oneview]inventory_max_age``. Raises the client's errors.
    """
    if max_age is None:
        max_age = float(CONF.oneview.inventory_max_age)
    if max_age > 0:
        listings = listings if listings is not None else shared_profile_listings()
        found = listings.for_client(client).profiles(max_age)
        profile = (found or {}).get(profile_uri.rstrip("/").lower())
        if profile is not None:
            return profile
    return client.server_profiles.get(profile_uri)


def changed(client: OneViewClient, profile: ServerProfile) -> None:
    """Tell the shared listing that this conductor changed *profile* (so that a boot mode or
    secure boot read right after, as Ironic does after setting them, sees the change)."""
    shared_profile_listings().for_client(client).remember(profile)
