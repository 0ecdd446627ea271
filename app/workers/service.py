"""Changing workers: adding one, changing their name, phone and lines, deactivating and
reactivating them, setting them available or offline.

One write path: the API, the CLI and the demo call these, so the rules and the audit cannot
drift apart. Every function only flushes: the caller owns the transaction. Bad input raises
`app.errors.Invalid` with a message fit to show the person who typed it, before anything is
written. A change to a worker's name, phone or active flag moves the routing version
(models.db), so the next call in every process rings the new number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Forbidden, Invalid, NotFound
from app.formats import national
from app.workers.queries import find_worker, lines_by_key
from models.audit import audit, changes_between
from models.people import set_line_availability
from models.tables import Line, Worker
from routing import normalise_number

NAME_MAX = 120
UK_EXAMPLE = "like 07700 900123 or 01305 228558"
# Phones a person answers: mobiles and landlines (and 03 numbers, which ring landlines).
_UK_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        phonenumbers.PhoneNumberType.UAN,
    }
)
# What a coordinator may change (the rota needs it); the rest is for admins.
COORDINATOR_FIELDS = frozenset({"phone", "lines"})


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


def uk_phone_number(raw: str, field: str = "phone") -> str:
    """The E.164 form of a UK mobile or landline number, or Invalid (in words, no number)."""
    e164 = normalise_number(raw.strip()) if len(raw) <= 40 else None
    if e164 is not None and (e164.startswith("+447700900") or _rings_in_the_uk(e164)):
        return e164  # (+447700900: Ofcom's drama range, for demos and tests; routing.lines)
    raise Invalid(field, f"not a valid phone number: enter a UK mobile or landline, {UK_EXAMPLE}")


def _rings_in_the_uk(e164: str) -> bool:
    parsed = phonenumbers.parse(e164, "GB")
    return (
        # +44: Guernsey, Jersey and the Isle of Man share the UK's numbering plan.
        parsed.country_code == 44 and phonenumbers.number_type(parsed) in _UK_TYPES
    )


def _clean_name(session: Session, raw: str, worker_id: int | None) -> str:
    name = " ".join(raw.split())
    if not name:
        raise Invalid("name", "a worker needs a name")
    if len(name) > NAME_MAX:
        raise Invalid("name", f"a worker's name has at most {NAME_MAX} characters")
    if name.isdigit():
        raise Invalid("name", "a worker's name cannot be all digits (it would read as an id)")
    holder = find_worker(session, name)
    if holder is not None and holder.id != worker_id:
        raise Invalid("name", f"a worker named {name!r} already exists")
    return name


def _check_phone_free(session: Session, e164: str, worker_id: int | None) -> None:
    """One phone, one active worker: a leg answered on it must say who answered."""
    holder = session.scalar(
        select(Worker).where(
            Worker.phone == e164, Worker.active.is_(True), Worker.id != (worker_id or 0)
        )
    )
    if holder is not None:
        raise Invalid("phone", f"that number is already {holder.name}'s phone")


def worker_snapshot(worker: Worker) -> dict[str, Any]:
    """What the audit keeps of a worker: phones in national format, lines by name."""
    return {
        "name": worker.name,
        "phone": national(worker.phone),
        "lines": [line.name for line in worker.lines],
        "active": worker.active,
    }


def _audit(
    session: Session,
    actor_user_id: int | None,
    action: str,
    worker: Worker,
    now: datetime,
    changes: dict[str, Any],
) -> None:
    audit(
        session,
        actor_user_id=actor_user_id,
        action=action,
        entity_type="worker",
        entity_id=worker.id,
        at=now,
        changes=changes,
    )


def add_worker(
    session: Session,
    name: str,
    phone: str,
    line_keys: Iterable[str],
    *,
    actor_user_id: int | None = None,
    now: datetime | None = None,
) -> Worker:
    """A new worker, not yet available, on the given lines (none: on call only); audited
    (the actor None: the command line or the demo seed).

    `phone` may be in any form `routing.normalise_number` reads; it is stored in E.164.
    """
    clean = _clean_name(session, name, None)
    e164 = uk_phone_number(phone)
    lines = lines_for(session, line_keys)
    _check_phone_free(session, e164, None)
    worker = Worker(name=clean, phone=e164, lines=lines, available=False, active=True)
    session.add(worker)
    session.flush()
    changes = changes_between({}, worker_snapshot(worker))
    _audit(session, actor_user_id, "create", worker, now or datetime.now(UTC), changes)
    return worker


def get_worker(session: Session, worker_id: int) -> Worker:
    worker = session.get(Worker, worker_id)
    if worker is None:
        raise NotFound("No such worker.")
    return worker


@dataclass(frozen=True, slots=True)
class WorkerChanges:
    """What to change; None leaves a field as it is."""

    name: str | None = None
    phone: str | None = None
    line_keys: Iterable[str] | None = None
    active: bool | None = None

    def fields(self) -> set[str]:
        given: dict[str, object] = {
            "name": self.name,
            "phone": self.phone,
            "lines": self.line_keys,
            "active": self.active,
        }
        return {field for field, value in given.items() if value is not None}


def update_worker(
    session: Session,
    worker_id: int,
    wanted: WorkerChanges,
    *,
    admin: bool,
    actor_user_id: int | None,
    now: datetime,
) -> Worker:
    """Change a worker's name, phone, lines or active flag; audited (one event per change).

    Only an admin (or the command line) renames, deactivates or reactivates; a coordinator
    changes phones and lines. Every value is checked before any is written. Deactivating
    also sets the worker offline: reactivated, they are rung again once they go available.
    """
    refused = wanted.fields() - COORDINATOR_FIELDS
    if not admin and refused:
        raise Forbidden(
            "Only an admin can change a worker's name or deactivate or reactivate them."
        )
    worker = get_worker(session, worker_id)
    name = _clean_name(session, wanted.name, worker.id) if wanted.name is not None else None
    phone = uk_phone_number(wanted.phone) if wanted.phone is not None else None
    lines = lines_for(session, wanted.line_keys) if wanted.line_keys is not None else None
    active_after = worker.active if wanted.active is None else wanted.active
    if active_after and (phone is not None or not worker.active):
        _check_phone_free(session, phone or worker.phone, worker.id)
    before = worker_snapshot(worker)
    if name is not None:
        worker.name = name
    if phone is not None:
        worker.phone = phone
    if lines is not None:
        worker.lines = lines
    if wanted.active is not None and wanted.active != worker.active:
        worker.active = wanted.active
        if not wanted.active:
            set_line_availability(session, worker, False, None)
    session.flush()
    changes = changes_between(before, worker_snapshot(worker))
    if changes:
        action = "update"
        if "active" in changes:
            action = "reactivate" if worker.active else "deactivate"
        _audit(session, actor_user_id, action, worker, now, changes)
    return worker


def set_availability(session: Session, worker: Worker, available: bool) -> Worker:
    """Available or offline on all the worker's lines."""
    set_line_availability(session, worker, available, None)
    session.flush()
    return worker
