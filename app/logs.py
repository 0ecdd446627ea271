"""Where the service's log lines go: off the request threads, and never a query string.

A log line written straight to a stream takes the handler's lock and does the write on the
thread that logged it; under load the request threads queued on that lock. Here every
``dutyline`` logger hands its records to a ``QueueHandler`` instead, and one writer thread
writes them out, so a request only pays for building the record. The queue is a deque the
writer drains every tenth of a second, rather than ``QueueListener``'s blocking queue: that one
wakes the writer for every record, and each wake-up takes the GIL from a request thread.

Uvicorn's own access log is switched off: it prints the path and query string of every
request, and those carry search terms (children's names, callers' numbers) and calendar
feed secrets. ``access`` writes the line instead, naming the route's template
(``/api/rota/calendar/{secret}.ics``), never the path as sent.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from logging.handlers import QueueHandler

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
WRITE_EVERY = 0.1  # seconds a line may wait in memory before it is written

_access = logging.getLogger("dutyline.access")


class _Records:
    """What QueueHandler puts records into: appending to a deque wakes nobody."""

    def __init__(self) -> None:
        self.pending: deque[logging.LogRecord] = deque()

    def put_nowait(self, record: logging.LogRecord) -> None:
        self.pending.append(record)


class _Handoff(QueueHandler):
    """Hands the record over as it is: the writer formats it (time, message, traceback).

    QueueHandler formats first so that a record can be pickled to another process; this one
    stays in the process, and our log calls pass plain strings and numbers as arguments.
    """

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record


class _Writer:
    """The one queue and writer thread of a process, shared by every app in it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._handler: QueueHandler | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self) -> None:
        with self._lock:
            self._users += 1
            if self._users > 1:
                return
            stream = logging.StreamHandler()  # standard error, as uvicorn's own lines
            stream.setFormatter(logging.Formatter(FORMAT))
            records = _Records()
            self._handler = _Handoff(records)  # type: ignore[arg-type]
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self._write, args=(records, stream, self._stop), name="log-writer"
            )
            self._thread.daemon = True
            logging.getLogger("dutyline").addHandler(self._handler)
            self._thread.start()

    @staticmethod
    def _write(records: _Records, out: logging.Handler, stop: threading.Event) -> None:
        while True:
            stopping = stop.wait(WRITE_EVERY)
            while records.pending:
                out.handle(records.pending.popleft())
            if stopping:
                return

    def stop(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users > 0 or self._thread is None:
                return
            logging.getLogger("dutyline").removeHandler(self._handler)  # type: ignore[arg-type]
            self._stop.set()
            self._thread.join(timeout=5)  # it writes out whatever is still queued first
            self._handler = self._thread = None


_writer = _Writer()


def silence_uvicorn_access_log() -> None:
    """Uvicorn's access lines hold query strings: drop them, however uvicorn was started."""
    logging.getLogger("uvicorn.access").disabled = True


def start_logging(level: str) -> None:
    """At an app's start: our loggers at ``level``, written by a thread of their own."""
    logging.getLogger("dutyline").setLevel(level.upper())
    silence_uvicorn_access_log()
    _writer.start()


def stop_logging() -> None:
    """At an app's end: write out what is queued; the last app stops the thread."""
    _writer.stop()


def access(method: str, route: str, status: int, seconds: float) -> None:
    """One request, by its route template: no query string, no path parameters, no client."""
    if _access.isEnabledFor(logging.INFO):
        _access.info("%s %s %d %.1f ms", method, route, status, seconds * 1000)
