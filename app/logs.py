"""Where the service's log lines go: off the request threads, and never a query string.

A log line written straight to a stream takes the handler's lock and does the write on the
thread that logged it; under load the request threads queued on that lock. Here every
``dutyline`` logger puts its records on an in-memory queue instead, and one listener
thread writes them out, so a request only pays for building the record.

Uvicorn's own access log is switched off: it prints the path and query string of every
request, and those carry search terms (children's names, callers' numbers) and calendar
feed secrets. ``access`` writes the line instead, naming the route's template
(``/api/rota/calendar/{secret}.ics``), never the path as sent.
"""

from __future__ import annotations

import logging
import queue
import threading
from logging.handlers import QueueHandler, QueueListener

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_access = logging.getLogger("dutyline.access")


class _Writer:
    """The one queue and listener thread of a process, shared by every app in it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._handler: QueueHandler | None = None
        self._listener: QueueListener | None = None

    def start(self) -> None:
        with self._lock:
            self._users += 1
            if self._users > 1:
                return
            stream = logging.StreamHandler()  # standard error, as uvicorn's own lines
            stream.setFormatter(logging.Formatter(FORMAT))
            records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
            self._handler = QueueHandler(records)
            self._listener = QueueListener(records, stream)
            logging.getLogger("dutyline").addHandler(self._handler)
            self._listener.start()

    def stop(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users > 0 or self._listener is None:
                return
            logging.getLogger("dutyline").removeHandler(self._handler)  # type: ignore[arg-type]
            self._listener.stop()  # writes out whatever is still queued
            self._handler = self._listener = None


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
