"""Uplink-set membership changes, batched: networks changing together cost one update per
uplink set, not one per network.

Neutron serves requests on several threads; each network's postcommit hands its change to
:class:`UplinkSetUpdater` and waits. A worker thread collects the changes arriving within
``window`` seconds, merges them per uplink set (the group's template and each interconnect's
live uplink set) and sends one read-modify-write per uplink set, all at once. A change
succeeds when every uplink set it touched was updated; otherwise the caller gets the error of
the first that failed (and undoes what it did).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import logging
import queue
import threading
import time
from collections.abc import Iterable

from oneview_openstack import client
from oneview_openstack.ml2.topology import UplinkTarget

LOG = logging.getLogger(__name__)

#: Uplink sets updated at once (a group has one per logical interconnect: often 10 or more).
PARALLEL_UPDATES = 16


@dataclasses.dataclass(frozen=True)
class Slot:
    """One uplink set to edit: a group's template (``group_uri`` + name) or a live one."""

    group_uri: str | None
    uplink_set: str  # the template's name, or the live uplink set's URI

    def describe(self) -> str:
        if self.group_uri is None:
            return f"uplink set {self.uplink_set}"
        return f"uplink set {self.uplink_set!r} of group {self.group_uri}"


def slots(targets: Iterable[UplinkTarget]) -> list[Slot]:
    """Every uplink set a network mapped to ``targets`` must be in."""
    found: list[Slot] = []
    for target in targets:
        found.append(Slot(target.group_uri, target.uplink_set))
        found.extend(Slot(None, uri) for uri in target.live_uplink_set_uris)
    return list(dict.fromkeys(found))


@dataclasses.dataclass
class _Change:
    slots: list[Slot]
    add: frozenset[str]
    remove: frozenset[str]
    future: concurrent.futures.Future[None] = dataclasses.field(
        default_factory=concurrent.futures.Future
    )


class UplinkSetUpdater:
    """Applies membership changes to uplink sets, batching those that arrive together."""

    def __init__(self, ov: client.OneViewClient, *, window: float = 0.05) -> None:
        self._ov = ov
        self._window = window
        self._queue: queue.Queue[_Change | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def change(
        self, slots: Iterable[Slot], *, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> None:
        """Add and remove network URIs in every slot; returns when OneView has them.

        :raises client.OneViewError: of the first uplink set that could not be updated.
        """
        change = _Change(list(slots), frozenset(add), frozenset(remove))
        if not change.slots or not (change.add or change.remove):
            return
        self._ensure_worker()
        self._queue.put(change)
        change.future.result()

    def stop(self) -> None:
        with self._lock:
            if self._thread is not None:
                self._queue.put(None)
                self._thread.join(timeout=30)
                self._thread = None

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="oneview-uplink-sets", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first, *self._collect(time.monotonic() + self._window)]
            changes = [change for change in batch if change is not None]
            self._apply(changes)
            if len(changes) != len(batch):  # stop() was called
                return

    def _collect(self, deadline: float) -> list[_Change | None]:
        more: list[_Change | None] = []
        while (left := deadline - time.monotonic()) > 0:
            try:
                more.append(self._queue.get(timeout=left))
            except queue.Empty:
                break
        while True:  # whatever else is already waiting joins too
            try:
                more.append(self._queue.get_nowait())
            except queue.Empty:
                return more

    def _apply(self, batch: list[_Change]) -> None:
        """Update every uplink set of the batch, in parallel (they are different resources)."""
        failures: dict[Slot, BaseException] = {}
        merged = _merge(batch)
        workers = max(1, min(PARALLEL_UPDATES, len(merged)))
        with concurrent.futures.ThreadPoolExecutor(workers, "oneview-uplink-set") as pool:
            futures = {
                pool.submit(self._update, slot, add, remove): slot
                for slot, (add, remove) in merged.items()
            }
            for future in concurrent.futures.as_completed(futures):
                error = future.exception()
                if error is not None:  # each change reports its own slots' errors
                    slot = futures[future]
                    LOG.error("OneView refused to update %s: %s", slot.describe(), error)
                    failures[slot] = error
        for change in batch:
            failure = next((failures[s] for s in change.slots if s in failures), None)
            if failure is None:
                change.future.set_result(None)
            else:
                change.future.set_exception(failure)
        if len(batch) > 1:
            LOG.debug("Updated uplink sets for %d network changes at once", len(batch))

    def _update(self, slot: Slot, add: list[str], remove: set[str]) -> None:
        def edit(uris: list[str]) -> tuple[list[str], bool]:
            kept = [uri for uri in uris if uri not in remove]
            new = [uri for uri in add if uri not in kept]
            return kept + new, bool(new) or len(kept) != len(uris)

        if slot.group_uri is None:

            def change_live(uplink: client.UplinkSet) -> bool:
                uplink.network_uris, changed = edit(uplink.network_uris)
                return changed

            self._ov.uplink_sets.modify(slot.uplink_set, change_live)
            return

        def change_template(group: client.LogicalInterconnectGroup) -> bool:
            template = group.uplink_set(slot.uplink_set)
            if template is None:
                raise client.NotFound(
                    f"logical interconnect group {group.name!r} has no uplink set "
                    f"{slot.uplink_set!r} any more",
                    status=None,
                    method="GET",
                    path=group.uri,
                )
            template["networkUris"], changed = edit(list(template.get("networkUris") or []))
            return changed

        self._ov.logical_interconnect_groups.modify(slot.group_uri, change_template)


def _merge(batch: list[_Change]) -> dict[Slot, tuple[list[str], set[str]]]:
    """Per slot: URIs to add (in arrival order) and to remove; a later change wins."""
    merged: dict[Slot, tuple[list[str], set[str]]] = {}
    for change in batch:
        for slot in change.slots:
            add, remove = merged.setdefault(slot, ([], set()))
            for uri in change.add:
                remove.discard(uri)
                if uri not in add:
                    add.append(uri)
            for uri in change.remove:
                if uri in add:
                    add.remove(uri)
                remove.add(uri)
    return merged
