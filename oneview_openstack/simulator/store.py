"""Every resource document of the appliance, by URI.

The store is the one place state changes. Each change bumps the document's
``eTag`` and ``modified`` and is recorded for the state file before the request
that made it is acknowledged (see ``persistence``). Documents are kept in their
canonical form (the newest API shape); ``versions`` renders them per request.

Collections are named by the first path segment after ``/rest/``
(``/rest/server-hardware/X`` lives in ``server-hardware``). Names that start with
``_`` are internal (pending jobs, users) and never served.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from oneview_openstack.simulator.clock import Clock
from oneview_openstack.simulator.errors import not_found

Doc = dict[str, Any]
Change = tuple[str, str, Doc | None]  # ("put" | "delete", uri, doc)

# eTag formats seen on real appliances, by collection.
_TIMESTAMP_ETAGS = {"server-hardware", "server-hardware-types", "enclosure-groups"}
_REVISION_ETAGS = {"server-profiles", "server-profile-templates", "logical-interconnect-groups"}


def collection_of(uri: str) -> str:
    """``/rest/server-hardware/X`` -> ``server-hardware``."""
    parts = uri.split("/")
    if len(parts) < 3 or parts[1] != "rest":
        return parts[1] if len(parts) > 1 else ""
    return parts[2]


class Store:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._collections: dict[str, dict[str, Doc]] = {}
        self._revisions = itertools.count(1)
        self._last_millis = 0
        self._pending: list[Change] = []
        self.listeners: list[Callable[[list[Change]], None]] = []

    # -- reading -------------------------------------------------------------

    def get(self, uri: str) -> Doc | None:
        return self._collections.get(collection_of(uri), {}).get(uri)

    def require(self, uri: str, error_code: str = "RESOURCE_NOT_FOUND") -> Doc:
        doc = self.get(uri)
        if doc is None:
            raise not_found(uri, error_code)
        return doc

    def members(self, collection: str) -> list[Doc]:
        """All documents of a collection, oldest first (OneView's default order)."""
        return list(self._collections.get(collection, {}).values())

    def iter(self, collection: str) -> Iterator[Doc]:
        return iter(self._collections.get(collection, {}).values())

    def count(self, collection: str) -> int:
        return len(self._collections.get(collection, {}))

    def size(self) -> int:
        """How many documents are stored, internal ones included."""
        return sum(len(docs) for docs in self._collections.values())

    def collections(self) -> dict[str, dict[str, Doc]]:
        return self._collections

    # -- changing ------------------------------------------------------------

    def add(self, doc: Doc) -> Doc:
        """Store a new document; fills ``created``/``modified``/``eTag`` if missing."""
        uri = doc["uri"]
        now = self._clock.iso()
        doc.setdefault("created", now)
        doc.setdefault("modified", now)
        if not doc.get("eTag"):
            doc["eTag"] = self._new_etag(collection_of(uri))
        self._collections.setdefault(collection_of(uri), {})[uri] = doc
        self._record("put", uri, doc)
        return doc

    def update(self, uri: str, changes: dict[str, Any] | None = None) -> Doc:
        """Apply ``changes`` (top-level keys) and mark the document modified."""
        doc = self.require(uri)
        if changes:
            doc.update(changes)
        doc["modified"] = self._clock.iso()
        doc["eTag"] = self._new_etag(collection_of(uri))
        self._record("put", uri, doc)
        return doc

    def touch(self, uri: str) -> Doc:
        """Record an in-place change to a nested part of a document."""
        return self.update(uri)

    def put_internal(self, doc: Doc) -> Doc:
        """Store without eTag/timestamps (internal collections, e.g. ``_jobs``)."""
        self._collections.setdefault(collection_of(doc["uri"]), {})[doc["uri"]] = doc
        self._record("put", doc["uri"], doc)
        return doc

    def remove(self, uri: str) -> Doc:
        doc = self._collections.get(collection_of(uri), {}).pop(uri, None)
        if doc is None:
            raise not_found(uri)
        self._record("delete", uri, None)
        return doc

    def load(self, docs: Iterable[Doc]) -> None:
        """Bulk load (seed, snapshot) without recording changes."""
        for doc in docs:
            self._collections.setdefault(collection_of(doc["uri"]), {})[doc["uri"]] = doc

    def replay(self, changes: Iterable[Change]) -> None:
        """Apply recorded changes (a journal) as they were, without recording them."""
        for op, uri, doc in changes:
            if op == "put" and doc is not None:
                self._collections.setdefault(collection_of(uri), {})[uri] = doc
            else:
                self._collections.get(collection_of(uri), {}).pop(uri, None)

    def documents(self) -> Iterator[Doc]:
        """Every stored document, internal ones included (for snapshots)."""
        for docs in self._collections.values():
            yield from docs.values()

    def clear(self) -> None:
        self._collections.clear()
        self._pending.clear()

    # -- change log ------------------------------------------------------------

    def commit(self) -> None:
        """Hand the changes made since the last commit to the listeners."""
        if not self._pending:
            return
        changes, self._pending = self._pending, []
        for listener in self.listeners:
            listener(changes)

    def _record(self, op: str, uri: str, doc: Doc | None) -> None:
        self._pending.append((op, uri, doc))

    def _new_etag(self, collection: str) -> str:
        # Strictly increasing, so two changes within one millisecond differ.
        self._last_millis = max(self._last_millis + 1, int(self._clock.now() * 1000))
        millis = str(self._last_millis)
        if collection in _TIMESTAMP_ETAGS:
            return millis
        if collection in _REVISION_ETAGS:
            return f"{millis}/{next(self._revisions)}"
        return str(uuid.uuid4())
