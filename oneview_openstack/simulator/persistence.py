"""The state file: the appliance's documents survive a restart, even a crash.

The seed is deterministic, so the state file holds only what changed since it:
the documents requests created or changed, and the URIs they deleted. At
10,000 servers that keeps the files small, compaction quick, and a restored
appliance as lean as a fresh one (the seed's documents share their strings;
documents parsed back from JSON would not).

Two files, both JSON lines of ``["put", uri, doc]`` / ``["delete", uri, null]``:

- the *snapshot* (``--state-file FILE``): a header line naming the seed it
  applies to, then one line per changed document; replaced atomically
  (temporary file, fsync, rename);
- the *journal* (``FILE.journal``): one line per ``Store.commit`` (the
  documents one request changed), flushed and fsync'd before the request's
  response is sent. An acknowledged change (a 202 included: its job is a stored
  document) is on disk when the client hears of it.

Start-up builds the seed, applies the snapshot, replays the journal and
compacts (new snapshot, empty journal). A journal line cut short by a crash
was never acknowledged and is ignored; replaying a line twice is harmless
(lines hold whole documents), so a crash between writing a snapshot and
emptying the journal loses nothing. The journal is also compacted at clean
shutdown, on reset and every ``compact_every`` entries.

Login sessions are not kept: after a restart, clients log in again (401).
Local users created or changed through the API are: ``resources.users`` keeps
every login (name, role, salted scrypt hash, never the password) in the internal
document ``/rest/_logins/local``, which the appliance applies after a restore.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from oneview_openstack.simulator.store import Change, Store, collection_of

LOG = logging.getLogger(__name__)

FORMAT = "oneview-simulator-state/1"
COMPACT_EVERY = 20_000  # journal entries between two snapshots
# Collections the bounded history prunes: a deleted document of theirs that the seed never
# had is left out of the next snapshot (else each pruned task would stay there as a
# "delete" line, and the state file would grow with the appliance's whole history).
HISTORY = frozenset({"tasks", "alerts", "events"})


class StateFileError(RuntimeError):
    """The state file cannot be used (unreadable, another format or seed, in use)."""


def seed_fingerprint(seed_file: Path, servers: int | None) -> str:
    """Names the seed a state file applies to: the seed file's content and ``--servers``."""
    digest = hashlib.sha256(seed_file.read_bytes())
    digest.update(f"\0servers={servers}".encode())
    return digest.hexdigest()[:32]


class StateFile:
    def __init__(
        self, path: Path, store: Store, seed: str, compact_every: int = COMPACT_EVERY
    ) -> None:
        self.path = path
        self.journal_path = path.with_name(path.name + ".journal")
        self._store = store
        self._seed = seed
        self._compact_every = compact_every
        self._journal: IO[bytes] | None = None
        self._entries = 0  # journal entries since the last snapshot
        self._changed: set[str] = set()  # URIs that differ from the seed
        self._seed_history: frozenset[str] = frozenset()  # the seed's tasks, alerts, events
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _exclusive_lock(path)

    def exists(self) -> bool:
        return self.path.exists()

    # -- start-up ------------------------------------------------------------

    def restore(self) -> int:
        """Apply the snapshot and the journal to the store, which holds the seed.

        Returns how many journal entries were replayed.
        """
        self._note_seed_history()
        lines = _lines(self.path, tolerate_torn_end=False)
        header = next(lines, None)
        self._check_header(header)
        self._apply(lines)
        replayed = self._apply(_lines(self.journal_path, tolerate_torn_end=True))
        LOG.info(
            "Restored %s: %d documents differ from the seed (%d journal entries replayed)",
            self.path,
            len(self._changed),
            replayed,
        )
        return replayed

    def _apply(self, lines: Iterable[list[Any]]) -> int:
        applied = 0
        for entries in lines:
            changes = [(op, uri, doc) for op, uri, doc in entries]
            self._store.replay(changes)
            self._changed.update(uri for _, uri, _ in changes)
            applied += len(changes)
        return applied

    def _check_header(self, header: list[Any] | None) -> None:
        found = header[0] if header and isinstance(header[0], dict) else {}
        if found.get("format") != FORMAT:
            raise StateFileError(
                f"State file {self.path} has the format {found.get('format')!r}; this "
                f"simulator reads {FORMAT!r}. Remove the file to start from the seed."
            )
        if found.get("seed") != self._seed:
            raise StateFileError(
                f"State file {self.path} was written for another datacenter (seed "
                f"{found.get('seed')!r}, now {self._seed!r}). Start with the same --seed "
                "and --servers, or remove the file to start from the seed."
            )

    # -- running -------------------------------------------------------------

    def append(self, changes: list[Change]) -> None:
        """Journal one commit durably; a ``Store`` listener."""
        latest = _last_change_per_uri(changes)
        entries = [[op, uri, doc] for op, uri, doc in latest]
        journal = self._open_journal()
        journal.write(orjson.dumps(entries) + b"\n")
        journal.flush()
        os.fdatasync(journal.fileno())
        self._changed.update(uri for _, uri, _ in latest)
        self._entries += len(entries)
        if self._entries >= self._compact_every:
            self.compact()

    def forget_changes(self) -> None:
        """The store went back to the seed (a reset): nothing differs any more."""
        self._changed.clear()
        self._note_seed_history()

    def _note_seed_history(self) -> None:
        """Called while the store holds exactly the seed (start-up, reset)."""
        store = self._store
        self._seed_history = frozenset(doc["uri"] for name in HISTORY for doc in store.iter(name))

    def _gone_for_good(self, uri: str) -> bool:
        """A pruned history document the seed never had: the snapshot needs no line."""
        return collection_of(uri) in HISTORY and uri not in self._seed_history

    def compact(self) -> None:
        """Write a snapshot of what differs from the seed, then empty the journal."""
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        with tmp.open("wb") as handle:
            handle.write(orjson.dumps([{"format": FORMAT, "seed": self._seed}]) + b"\n")
            for uri in sorted(self._changed):
                doc = self._store.get(uri)
                if doc is None and self._gone_for_good(uri):
                    continue
                entry = ["put", uri, doc] if doc is not None else ["delete", uri, None]
                handle.write(orjson.dumps([entry]) + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        _fsync_directory(self.path.parent)
        self._changed = {
            uri
            for uri in self._changed
            if self._store.get(uri) is not None or not self._gone_for_good(uri)
        }
        self._close_journal()
        with self.journal_path.open("wb") as journal:
            os.fsync(journal.fileno())
        self._entries = 0
        LOG.debug("Snapshot of %d changed documents written to %s", len(self._changed), self.path)

    def close(self) -> None:
        """Compact (a clean shutdown) and let another process use the file."""
        self.compact()
        self._close_journal()
        self._lock.close()

    def _open_journal(self) -> IO[bytes]:
        if self._journal is None:
            self._journal = self.journal_path.open("ab")
        return self._journal

    def _close_journal(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None


def _last_change_per_uri(changes: list[Change]) -> list[Change]:
    """One entry per document: what it looked like when the request ended."""
    last: dict[str, Change] = {}
    for change in changes:
        last.pop(change[1], None)  # keep the order of the final changes
        last[change[1]] = change
    return list(last.values())


def _lines(path: Path, *, tolerate_torn_end: bool) -> Iterator[list[Any]]:
    """The JSON lines of a snapshot or journal.

    In the journal, a line that does not parse was being written when the
    process died: it and anything after it were never acknowledged.
    """
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                entries = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                if tolerate_torn_end:
                    LOG.warning("Ignoring %s from line %d on: cut short by a crash", path, number)
                    return
                raise StateFileError(f"State file {path} line {number} is damaged: {exc}") from exc
            yield entries


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _exclusive_lock(state_path: Path) -> IO[str]:
    handle = state_path.with_name(state_path.name + ".lock").open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise StateFileError(f"State file {state_path} is in use by another simulator.") from exc
    with contextlib.suppress(OSError):
        handle.write(str(os.getpid()))
        handle.flush()
    return handle
