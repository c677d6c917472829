"""The state file: the appliance's documents survive a restart, even a crash.

Two files: the *snapshot* (``--state-file FILE``, every document as one JSON
object, replaced atomically: temporary file, fsync, rename) and the *journal*
(``FILE.journal``, one JSON line per ``Store.commit``: the documents that request
changed). A commit is flushed and fsync'd before the request's response is
sent, so an acknowledged change (a 202 included: its job is a stored document)
is on disk when the client hears of it.

Start-up loads the snapshot, replays the journal and compacts (a new snapshot,
an empty journal). A journal line cut short by a crash was never acknowledged
and is ignored. Replaying a line twice is harmless (every line holds whole
documents), so a crash between writing a snapshot and emptying the journal
loses nothing either. The journal is also compacted at clean shutdown, on
reset and every ``compact_every`` changes.

Login sessions are not kept: after a restart, clients log in again (401).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from oneview_openstack.simulator.store import Change, Store

LOG = logging.getLogger(__name__)

FORMAT = "oneview-simulator-state/1"
COMPACT_EVERY = 20_000  # journal entries between two snapshots


class StateFileError(RuntimeError):
    """The state file cannot be used (unreadable, another format, in use)."""


class StateFile:
    def __init__(self, path: Path, store: Store, compact_every: int = COMPACT_EVERY) -> None:
        self.path = path
        self.journal_path = path.with_name(path.name + ".journal")
        self._store = store
        self._compact_every = compact_every
        self._journal: IO[bytes] | None = None
        self._entries = 0  # journal entries since the last snapshot
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _exclusive_lock(path)

    def exists(self) -> bool:
        return self.path.exists()

    # -- start-up ------------------------------------------------------------

    def restore(self) -> int:
        """Load the snapshot and replay the journal into the (empty) store.

        Returns how many journal entries were replayed.
        """
        snapshot = _read_snapshot(self.path)
        self._store.load(snapshot["documents"])
        replayed = 0
        for changes in _journal_lines(self.journal_path):
            self._store.replay(changes)
            replayed += len(changes)
        LOG.info(
            "Restored %d documents from %s (%d journal entries replayed)",
            self._store.size(),
            self.path,
            replayed,
        )
        return replayed

    # -- running -------------------------------------------------------------

    def append(self, changes: list[Change]) -> None:
        """Journal one commit durably; a ``Store`` listener."""
        entries = [[op, uri, doc] for op, uri, doc in _last_change_per_uri(changes)]
        journal = self._open_journal()
        journal.write(orjson.dumps(entries) + b"\n")
        journal.flush()
        os.fdatasync(journal.fileno())
        self._entries += len(entries)
        if self._entries >= self._compact_every:
            self.compact()

    def compact(self) -> None:
        """Write a snapshot of the store, then empty the journal."""
        body = orjson.dumps({"format": FORMAT, "documents": list(self._store.documents())})
        _write_atomically(self.path, body)
        self._close_journal()
        with self.journal_path.open("wb") as journal:
            os.fsync(journal.fileno())
        self._entries = 0
        LOG.debug("Wrote a snapshot of %d bytes to %s", len(body), self.path)

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


def _read_snapshot(path: Path) -> dict[str, Any]:
    try:
        snapshot = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise StateFileError(f"State file {path} cannot be read: {exc}") from exc
    if not isinstance(snapshot, dict) or snapshot.get("format") != FORMAT:
        found = snapshot.get("format") if isinstance(snapshot, dict) else type(snapshot).__name__
        raise StateFileError(
            f"State file {path} has the format {found!r}; this simulator reads {FORMAT!r}. "
            "Remove the file to start from the seed."
        )
    return snapshot


def _journal_lines(path: Path) -> Iterator[list[Change]]:
    """The journal's commits; stops at a line cut short by a crash."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line:
            continue
        try:
            entries = orjson.loads(line)
        except orjson.JSONDecodeError:
            LOG.warning("Ignoring journal line %d of %s: incomplete (a crash)", number, path)
            return
        yield [(op, uri, doc) for op, uri, doc in entries]


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


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
