"""Engines and sessions. Built by the app factory or the CLI, never at import time."""

from __future__ import annotations

import math
import threading
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.dml import Insert

from models.tables import HoursOverride, Line, OnCallShift, RoutingState, Worker

# A change to any of these is a change to how calls are routed.
_ROUTING_TABLES = (Line, HoursOverride, OnCallShift)
# "lines": each process's snapshot keeps the duty workers of each line, for routing without
# the database; a worker moved between lines reloads it at the next call.
_ROUTING_WORKER_FIELDS = ("name", "phone", "active", "lines")


def make_engine(url: str, **kwargs: Any) -> Engine:
    # Statement parameters hold phone numbers and names: keep them out of error messages,
    # and so out of logs.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        _sqlite_take_turns(engine, url, wait_seconds=5)
        return engine
    options: dict[str, Any] = {"pool_pre_ping": True}
    if "poolclass" not in kwargs:
        options.update(pool_size=10, max_overflow=20)
    return create_engine(url, **options, **kwargs)


def make_call_path_engine(url: str, budget_seconds: float, **kwargs: Any) -> Engine:
    """The engine of Twilio's webhooks: every wait it can make is bounded by the budget.

    PostgreSQL: connect timeout, pool checkout timeout and a server-side statement timeout
    (a stalled network is caught by the caller's own deadline, telephony.guard). No
    pre-ping: telephony.guard pings on checkout itself, where a stalled ping can be cut.
    SQLite: the busy wait and the wait for this process's turn stay within the budget.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": budget_seconds}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        _sqlite_take_turns(engine, url, wait_seconds=budget_seconds)
        return engine
    connect_args = {
        # libpq counts whole seconds, two at least.
        "connect_timeout": max(2, math.ceil(budget_seconds)),
        "options": f"-c statement_timeout={int(budget_seconds * 1000)}",
    }
    options: dict[str, Any] = {"pool_pre_ping": False, "pool_timeout": budget_seconds}
    if "poolclass" not in kwargs:
        options.update(pool_size=10, max_overflow=20)
    return create_engine(url, connect_args=connect_args, **options, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# One turn per SQLite file in this process, shared by the app's and the call path's engines.
_sqlite_turns: dict[str, threading.Semaphore] = {}
_sqlite_turns_lock = threading.Lock()


def _sqlite_take_turns(engine: Engine, url: str, wait_seconds: float) -> None:
    """Let this process's threads use the SQLite file one at a time.

    SQLite has one writer; a thread that finds the file locked sleeps in SQLite's busy
    handler, in steps of up to 100 ms, which stretched the slowest webhook answers to
    hundreds of milliseconds under load. Waiting here instead wakes the next thread at
    once. Best effort: after a few seconds a thread goes ahead and SQLite's own locking
    still keeps the data safe (other processes on the same file rely on that anyway).
    """
    with _sqlite_turns_lock:
        turn = _sqlite_turns.setdefault(url, threading.Semaphore(1))

    def on_checkout(_dbapi: Any, record: Any, _proxy: Any) -> None:
        record.info["has_turn"] = turn.acquire(timeout=wait_seconds)

    def on_checkin(_dbapi: Any, record: Any) -> None:
        if record.info.pop("has_turn", False):
            turn.release()

    event.listen(engine, "checkout", on_checkout)
    event.listen(engine, "checkin", on_checkin)


def _sqlite_begin_immediate(connection: Connection) -> None:
    # Take the write lock at the start of a transaction, so two callbacks for one call
    # cannot both read a row and then both write it (PostgreSQL uses SELECT FOR UPDATE).
    if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(engine, expire_on_commit=False)
    event.listen(factory, "before_flush", _bump_routing_version)
    return factory


def _bump_routing_version(session: Session, _context: Any, _instances: Any) -> None:
    if any(_changes_routing(obj) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.execute(update(RoutingState).values(version=RoutingState.version + 1))


def _changes_routing(obj: object) -> bool:
    if isinstance(obj, _ROUTING_TABLES):
        return True
    if isinstance(obj, Worker):
        state = inspect(obj)
        if state.pending or state.deleted or state.was_deleted:
            return True
        return any(state.attrs[f].history.has_changes() for f in _ROUTING_WORKER_FIELDS)
    return False


def insert_ignoring_conflicts(dialect: str, table: Any) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING, in the given dialect ("postgresql" or "sqlite")."""
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    raise NotImplementedError(f"unsupported database: {dialect}")
