"""Changing workers: adding one, setting them available or offline.

Every function only flushes: the caller owns the transaction. Bad input raises
`app.errors.Invalid` with a message fit to show the person who typed it, before anything is
written.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from app.errors import Invalid
from app.workers.queries import find_worker, lines_by_key
from models.people import set_line_availability
from models.tables import Line, Worker
from routing import normalise_number

NAME_MAX = 120


def lines_for(session: Session, line_keys: Iterable[str], field: str = "lines") -> list[Line]:
    known = lines_by_key(session)
    wanted = list(dict.fromkeys(key.strip() for key in line_keys if key.strip()))
    unknown = [key for key in wanted if key not in known]
    if unknown:
        names = ", ".join(repr(k) for k in unknown)
        raise Invalid(field, f"unknown line {names} (known lines: {', '.join(known)})")
    return [known[key] for key in wanted]


def phone_number(raw: str, field: str = "phone") -> str:
    """The E.164 form of a UK (or +-prefixed international) phone number, or Invalid."""
    e164 = normalise_number(raw.strip())
    if e164 is None:
        # The number itself is left out: messages like this one can end up in logs.
        raise Invalid(field, "not a valid phone number")
    return e164


def add_worker(session: Session, name: str, phone: str, line_keys: Iterable[str]) -> Worker:
    """A new worker, not yet available, on the given lines (none: on call only).

    `phone` may be in any form `routing.normalise_number` reads; it is stored in E.164.
    """
    name = " ".join(name.split())
    if not name:
        raise Invalid("name", "a worker needs a name")
    if len(name) > NAME_MAX:
        raise Invalid("name", f"a worker's name has at most {NAME_MAX} characters")
    if name.isdigit():
        raise Invalid("name", "a worker's name cannot be all digits (it would read as an id)")
    e164 = phone_number(phone)
    lines = lines_for(session, line_keys)
    if find_worker(session, name) is not None:
        raise Invalid("name", f"a worker named {name!r} already exists")
    worker = Worker(name=name, phone=e164, lines=lines, available=False, active=True)
    session.add(worker)
    session.flush()
    return worker


def set_availability(session: Session, worker: Worker, available: bool) -> Worker:
    """Available or offline on all the worker's lines."""
    set_line_availability(session, worker, available, None)
    session.flush()
    return worker
