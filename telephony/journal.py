"""The journal: what a webhook could not write to the database, kept on disk until replayed.

One JSON line per entry, in a file of this process's own in the state folder, flushed and
fsynced before the webhook answers. Each entry has a unique id, so replay
(telephony.replay) can apply it once however often it runs and from however many
processes. A process holds an exclusive lock on its file while it lives: another process
can tell a dead process's file, which it may tidy away once every entry is applied.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from telephony import metrics
from telephony.state import StateDir, write_all

log = logging.getLogger("dutyline.journal")

SUFFIX = ".jsonl"


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    kind: str
    call_sid: str
    at: datetime  # when the webhook's request arrived
    data: dict[str, Any]

    def to_line(self) -> bytes:
        body = {
            "id": self.id,
            "kind": self.kind,
            "call": self.call_sid,
            "at": self.at.isoformat(),
            "data": self.data,
        }
        return (json.dumps(body, separators=(",", ":")) + "\n").encode()

    @classmethod
    def from_line(cls, line: bytes) -> Entry:
        body = json.loads(line)
        return cls(
            id=str(body["id"]),
            kind=str(body["kind"]),
            call_sid=str(body["call"]),
            at=datetime.fromisoformat(body["at"]),
            data=dict(body["data"]),
        )


def read_file(path: Path) -> list[Entry]:
    """The entries of one journal file; a last line still being written is skipped."""
    entries = []
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return []
    for number, line in enumerate(content.split(b"\n")):
        if not line.strip():
            continue
        try:
            entries.append(Entry.from_line(line))
        except (ValueError, KeyError, TypeError):
            log.error("journal %s: line %d unreadable; left in place", path.name, number + 1)
    return entries


class Journal:
    def __init__(self, state: StateDir) -> None:
        self.folder = state.subdir("journal")
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._path: Path | None = None
        # Entries seen (written here, or found in the folder) and not known to be applied,
        # and how many of them each call has.
        self._pending: dict[str, str] = {}
        self._calls: Counter[str] = Counter()
        self._own: set[str] = set()  # written by this process, not yet applied
        self.seen([entry for path in self.files() for entry in read_file(path)])

    def files(self) -> list[Path]:
        return sorted(self.folder.glob(f"*{SUFFIX}"))

    @property
    def own_file(self) -> Path | None:
        return self._path

    def _open(self) -> int:
        if self._fd is None:
            name = f"journal-{os.getpid()}-{uuid.uuid4().hex[:8]}{SUFFIX}"
            path = self.folder / name
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._fd, self._path = fd, path
        return self._fd

    def append(self, kind: str, call_sid: str, at: datetime, **data: Any) -> Entry:
        """Write one entry durably (flushed and fsynced) before returning it."""
        entry = Entry(uuid.uuid4().hex, kind, call_sid[:64], at, data)
        line = entry.to_line()
        with self._lock:
            fd = self._open()
            write_all(fd, line)
            os.fsync(fd)
            self._add(entry)
            self._own.add(entry.id)
        self._publish()
        log.warning("call %s: %s journaled (database not written)", entry.call_sid, kind)
        return entry

    def knows_call(self, call_sid: str) -> bool:
        """Are entries of this call waiting? Then its later events are journaled too, in order."""
        return self._calls[call_sid] > 0

    def backlog(self) -> int:
        return len(self._pending)

    def seen(self, entries: list[Entry]) -> None:
        """Entries found in the folder (another process's, say), not yet applied."""
        with self._lock:
            for entry in entries:
                self._add(entry)
        self._publish()

    def found(self, entries: list[Entry]) -> None:
        """What the folder holds now: others' entries no longer there were applied by them."""
        with self._lock:
            present = {entry.id for entry in entries}
            gone = {i for i in self._pending if i not in present and i not in self._own}
            for entry in entries:
                self._add(entry)
        self.applied(gone)

    def _add(self, entry: Entry) -> None:
        if entry.id not in self._pending:
            self._pending[entry.id] = entry.call_sid
            self._calls[entry.call_sid] += 1

    def applied(self, entry_ids: set[str]) -> None:
        with self._lock:
            for entry_id in entry_ids:
                self._own.discard(entry_id)
                call_sid = self._pending.pop(entry_id, None)
                if call_sid is not None:
                    self._calls[call_sid] -= 1
                    if self._calls[call_sid] <= 0:
                        del self._calls[call_sid]
        self._publish()

    def tidy(self, applied: set[str]) -> None:
        """Remove files whose every entry is applied: ours, or those of processes gone."""
        for path in self.files():
            entries = read_file(path)
            if any(entry.id not in applied for entry in entries):
                continue
            if path == self._path:
                with self._lock:
                    # Only if nothing was appended since it was read.
                    if len(read_file(path)) == len(entries) and self._fd is not None:
                        os.ftruncate(self._fd, 0)
                continue
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue  # its process is alive and may still append
            try:
                if len(read_file(path)) == len(entries):
                    path.unlink(missing_ok=True)
            finally:
                os.close(fd)

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
                if self._path is not None and self._path.stat().st_size == 0:
                    self._path.unlink(missing_ok=True)

    def _publish(self) -> None:
        metrics.JOURNAL_BACKLOG.set(len(self._pending))
