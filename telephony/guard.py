"""Bounded waits: the call path's database work finishes within its budget, or is given up.

Server-side limits cannot catch a stalled network (a black hole ACKs TCP and never
answers), so the deadline is kept here, on the client side: the work runs in a thread of
its own small pool, awaited with a deadline. When the deadline passes the caller is
answered without the database, and the thread is freed by shutting down the socket it is
blocked on. While the database is known to be unreachable the call path does not try it
at all; a background probe (telephony.background) says when it is back.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from anyio import to_thread
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DisconnectionError

from telephony import metrics

log = logging.getLogger("dutyline.guard")

T = TypeVar("T")


class DatabaseUnavailable(Exception):
    """The database could not do the work within the budget, or is known to be down."""


class _Ticket:
    """One piece of guarded work: the connections it holds, and whether it was given up."""

    def __init__(self) -> None:
        self.abandoned = False
        self._connections: list[Any] = []
        self._lock = threading.Lock()

    def hold(self, dbapi_connection: Any) -> None:
        with self._lock:
            if self.abandoned:
                raise DatabaseUnavailable("the work was given up")
            self._connections.append(dbapi_connection)

    def release(self, dbapi_connection: Any) -> None:
        with self._lock:
            if dbapi_connection in self._connections:
                self._connections.remove(dbapi_connection)

    def abandon(self) -> None:
        """Give the work up: a read blocked on a held connection fails at once."""
        with self._lock:
            self.abandoned = True
            held = list(self._connections)
        for connection in held:
            _shut_socket(connection)


def _shut_socket(dbapi_connection: Any) -> None:
    pgconn = getattr(dbapi_connection, "pgconn", None)
    if pgconn is None:
        return  # SQLite: nothing blocks on a network
    try:
        fd = pgconn.socket
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except Exception:  # already closed, or never connected: nothing to free
        return


_current = threading.local()


def _ticket() -> _Ticket | None:
    ticket: _Ticket | None = getattr(_current, "ticket", None)
    return ticket


class DatabaseGuard:
    """Runs the call path's database work within the budget and knows if it is reachable."""

    def __init__(self, engine: Engine, budget_seconds: float, threads: int) -> None:
        self.engine = engine
        self.budget = budget_seconds
        self._threads = threads
        self._limiter: anyio.CapacityLimiter | None = None
        self._local: anyio.CapacityLimiter | None = None
        self._down_since: float | None = None
        self._lock = threading.Lock()
        _watch(engine)

    @property
    def reachable(self) -> bool:
        return self._down_since is None

    def mark_unreachable(self, why: str) -> None:
        with self._lock:
            if self._down_since is None:
                self._down_since = time.monotonic()
                log.error("database unreachable (%s): calls are routed from the snapshot", why)

    def mark_reachable(self) -> None:
        with self._lock:
            if self._down_since is not None:
                seconds = time.monotonic() - self._down_since
                self._down_since = None
                log.warning("database reachable again after %.1f s", seconds)

    def _limiter_for_loop(self) -> anyio.CapacityLimiter:
        # Made on first use, inside the event loop. Its own tokens: webhooks waiting on the
        # database never take the threads the rest of the app uses, nor the other way round.
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self._threads)
        return self._limiter

    async def run_local(self, work: Callable[[], T]) -> T:
        """Local work that may wait on the disk (the journal's fsync), off the event loop.

        Threads of its own, so neither database work nor the rest of the app can hold it up.
        """
        if self._local is None:
            self._local = anyio.CapacityLimiter(self._threads)
        return await to_thread.run_sync(work, limiter=self._local)

    async def run(self, endpoint: str, work: Callable[[], T]) -> T:
        """``work()`` in a thread, within the budget; DatabaseUnavailable otherwise."""
        if not self.reachable:
            raise DatabaseUnavailable("database marked unreachable")
        ticket = _Ticket()

        def in_thread() -> T:
            return _run_with_ticket(ticket, work)

        try:
            with anyio.fail_after(self.budget):
                return await to_thread.run_sync(
                    in_thread, limiter=self._limiter_for_loop(), abandon_on_cancel=True
                )
        except TimeoutError:
            ticket.abandon()
            metrics.DATABASE_ERRORS.labels(endpoint).inc()
            self.mark_unreachable(f"{endpoint}: no answer within {self.budget:g} s")
            raise DatabaseUnavailable("over budget") from None
        except DatabaseUnavailable:
            metrics.DATABASE_ERRORS.labels(endpoint).inc()
            raise
        except Exception as exc:
            metrics.DATABASE_ERRORS.labels(endpoint).inc()
            if _is_connection_problem(exc):
                self.mark_unreachable(f"{endpoint}: {type(exc).__name__}")
            raise

    def run_sync(self, work: Callable[[], T], seconds: float | None = None) -> T:
        """``work()`` in this thread, cut off after ``seconds`` (background work)."""
        ticket = _Ticket()
        timer = threading.Timer(seconds or self.budget, ticket.abandon)
        timer.daemon = True
        timer.start()
        try:
            return _run_with_ticket(ticket, work)
        finally:
            timer.cancel()

    def probe(self) -> bool:
        """Does the database answer a trivial query within the budget? (Blocking.)"""

        def select_one() -> None:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        try:
            self.run_sync(select_one)
        except Exception:
            return False
        return True

    async def check(self) -> bool:
        """Like probe, from async code; answers at once while it is known to be down."""

        def select_one() -> None:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        try:
            await self.run("readyz", select_one)
        except Exception:
            return False
        return True


def _run_with_ticket(ticket: _Ticket, work: Callable[[], T]) -> T:
    _current.ticket = ticket
    try:
        if ticket.abandoned:
            raise DatabaseUnavailable("given up before it started")
        return work()
    finally:
        _current.ticket = None


def _is_connection_problem(exc: Exception) -> bool:
    from sqlalchemy.exc import DBAPIError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(exc, OperationalError | PoolTimeout | DisconnectionError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _watch(engine: Engine) -> None:
    """Let a ticket see the connections its work holds, and ping them on checkout.

    Called once per engine, by the engine's guard.
    """
    server = engine.dialect.name != "sqlite"

    def on_do_connect(*_args: Any) -> None:
        ticket = _ticket()
        if ticket is not None and ticket.abandoned:
            raise DatabaseUnavailable("given up before connecting")

    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        ticket = _ticket()
        if ticket is not None:
            ticket.hold(dbapi_connection)
        if server and record.info.get("used"):
            # The pool's pre-ping, done here where a stalled ping can be cut by the ticket.
            try:
                engine.dialect.do_ping(dbapi_connection)
            except Exception as exc:
                if ticket is not None and ticket.abandoned:
                    raise DatabaseUnavailable("given up during the ping") from exc
                raise DisconnectionError("ping failed on checkout") from exc
        record.info["used"] = True

    def on_checkin(dbapi_connection: Any, _record: Any) -> None:
        ticket = _ticket()
        if ticket is not None:
            ticket.release(dbapi_connection)

    event.listen(engine, "do_connect", on_do_connect)
    event.listen(engine.pool, "checkout", on_checkout)
    event.listen(engine.pool, "checkin", on_checkin)
