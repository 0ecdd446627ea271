"""Commands and reads over workers, on-call shifts and closures, for the CLI and the web API.

Every function here only flushes: the caller owns the transaction and commits it. Bad
input raises `InvalidInput` with a message fit to show the person who typed it, before
anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

import routing
from models.people import set_line_availability
from models.tables import HoursOverride, Line, OnCallShift, Worker
from routing import OnCallRole, OverrideMode, normalise_number

NAME_MAX = 120
REASON_MAX = 200


class InvalidInput(ValueError):
    """Input refused before anything was written; the message says why."""


def lines_by_key(session: Session) -> dict[str, Line]:
    return {line.key: line for line in session.scalars(select(Line).order_by(Line.id))}


def _lines_for(session: Session, line_keys: Iterable[str]) -> list[Line]:
    known = lines_by_key(session)
    wanted = list(dict.fromkeys(key.strip() for key in line_keys if key.strip()))
    unknown = [key for key in wanted if key not in known]
    if unknown:
        raise InvalidInput(
            f"unknown line {', '.join(repr(k) for k in unknown)} (known lines: {', '.join(known)})"
        )
    return [known[key] for key in wanted]


def _line(session: Session, key: str) -> Line:
    lines = _lines_for(session, [key])
    if not lines:
        raise InvalidInput("a line key is needed")
    return lines[0]


def phone_number(raw: str) -> str:
    """The E.164 form of a UK (or +-prefixed international) phone number, or InvalidInput."""
    e164 = normalise_number(raw.strip())
    if e164 is None:
        # The number itself is left out: messages like this one can end up in logs.
        raise InvalidInput("not a valid phone number")
    return e164


def _aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{what} must be a timezone-aware datetime")


def _period(starts_at: datetime, ends_at: datetime) -> None:
    _aware(starts_at, "start")
    _aware(ends_at, "end")
    if ends_at <= starts_at:
        raise InvalidInput("the end must be after the start")


# Workers


def find_worker(session: Session, name_or_id: str) -> Worker | None:
    """A worker by id (all digits) or by name, ignoring case and surrounding spaces."""
    text = name_or_id.strip()
    if text.isdigit():
        return session.get(Worker, int(text))
    if not text:
        return None
    return session.scalars(select(Worker).where(func.lower(Worker.name) == text.lower())).first()


def workers_with_phone(session: Session, phone_e164: str) -> Sequence[Worker]:
    return session.scalars(
        select(Worker).where(Worker.phone == phone_e164).order_by(Worker.id)
    ).all()


def add_worker(session: Session, name: str, phone: str, line_keys: Iterable[str]) -> Worker:
    """A new worker, not yet available, on the given lines (none: on call only).

    `phone` may be in any form `routing.normalise_number` reads; it is stored in E.164.
    """
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("a worker needs a name")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"a worker's name has at most {NAME_MAX} characters")
    if name.isdigit():
        raise InvalidInput("a worker's name cannot be all digits (it would read as an id)")
    e164 = phone_number(phone)
    lines = _lines_for(session, line_keys)
    if find_worker(session, name) is not None:
        raise InvalidInput(f"a worker named {name!r} already exists")
    worker = Worker(name=name, phone=e164, lines=lines, available=False, active=True)
    session.add(worker)
    session.flush()
    return worker


def set_availability(session: Session, worker: Worker, available: bool) -> Worker:
    """Available or offline on all the worker's lines."""
    set_line_availability(session, worker, available, None)
    session.flush()
    return worker


def list_workers(session: Session) -> Sequence[Worker]:
    return session.scalars(select(Worker).order_by(Worker.name, Worker.id)).all()


def count_workers(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Worker)) or 0


# On-call shifts


def add_shift(
    session: Session, worker: Worker, role: str, starts_at: datetime, ends_at: datetime
) -> OnCallShift:
    """An on-call shift [starts_at, ends_at) for `worker` as primary or backup."""
    try:
        known_role = OnCallRole(role)
    except ValueError:
        raise InvalidInput(
            f"unknown role {role!r} (known roles: {', '.join(r.value for r in OnCallRole)})"
        ) from None
    _period(starts_at, ends_at)
    if ends_at - starts_at > OnCallShift.MAX_LENGTH:
        raise InvalidInput(f"a shift lasts at most {OnCallShift.MAX_LENGTH.days} days")
    shift = OnCallShift(worker=worker, role=known_role.value, starts_at=starts_at, ends_at=ends_at)
    session.add(shift)
    session.flush()
    return shift


def shifts_between(session: Session, start: datetime, end: datetime) -> list[OnCallShift]:
    """Shifts overlapping [start, end), by start time."""
    _aware(start, "start")
    _aware(end, "end")
    query = (
        select(OnCallShift)
        .where(OnCallShift.ends_at > start, OnCallShift.starts_at < end)
        .order_by(
            OnCallShift.starts_at,
            case((OnCallShift.role == OnCallRole.PRIMARY.value, 0), else_=1),
            OnCallShift.id,
        )
    )
    return list(session.scalars(query))


# Closures and openings


def add_override(
    session: Session,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    line_key: str | None = None,
    reason: str = "",
) -> HoursOverride:
    """A declared closure (mode out_of_hours: calls go on call) or opening (in_hours).

    `line_key` None applies it to every line.
    """
    try:
        known_mode = OverrideMode(mode)
    except ValueError:
        raise InvalidInput(
            f"unknown mode {mode!r} (known modes: {', '.join(m.value for m in OverrideMode)})"
        ) from None
    _period(starts_at, ends_at)
    line = _line(session, line_key) if line_key is not None else None
    reason = " ".join(reason.split())
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"a reason has at most {REASON_MAX} characters")
    override = HoursOverride(
        line=line, mode=known_mode.value, starts_at=starts_at, ends_at=ends_at, reason=reason
    )
    session.add(override)
    session.flush()
    return override


def list_overrides(session: Session, ending_after: datetime | None = None) -> list[HoursOverride]:
    """Closures and openings by start time; only those still running after `ending_after`."""
    query = select(HoursOverride).order_by(HoursOverride.starts_at, HoursOverride.id)
    if ending_after is not None:
        _aware(ending_after, "ending_after")
        query = query.where(HoursOverride.ends_at > ending_after)
    return list(session.scalars(query))


# The rules' view of the configuration


def routing_lines(session: Session) -> list[routing.RoutingLine]:
    return [
        routing.RoutingLine(
            key=line.key,
            name=line.name,
            number=line.number,
            hours=routing.ServiceHours(
                weekday_open=line.weekday_open,
                weekday_close=line.weekday_close,
                weekend_open=line.weekend_open,
                weekend_close=line.weekend_close,
                bank_holidays_as_weekend=line.bank_holidays_as_weekend,
            ),
        )
        for line in lines_by_key(session).values()
    ]


def routing_overrides(session: Session, start: datetime, end: datetime) -> list[routing.Override]:
    query = select(HoursOverride).where(
        HoursOverride.ends_at > start, HoursOverride.starts_at < end
    )
    return [
        routing.Override(
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            mode=OverrideMode(row.mode),
            line_key=row.line.key if row.line else None,
            reason=row.reason,
        )
        for row in session.scalars(query)
    ]


def uncovered_windows(
    session: Session, start: datetime, end: datetime, role: OnCallRole
) -> dict[tuple[datetime, datetime], list[str]]:
    """Out-of-hours time in [start, end) with no active worker on call in `role`.

    Keyed by UTC interval, each with the keys of the lines it is out of hours on.
    """
    covers = sorted(
        (s.starts_at, s.ends_at)
        for s in shifts_between(session, start, end)
        if s.role == role.value and s.worker.active
    )
    overrides = routing_overrides(session, start, end)
    gaps: dict[tuple[datetime, datetime], list[str]] = {}
    for line in routing_lines(session):
        for window in routing.out_of_hours_windows(start, end, line, overrides):
            for gap in _subtract(window, covers):
                gaps.setdefault(gap, []).append(line.key)
    return dict(sorted(gaps.items()))


def _subtract(
    window: tuple[datetime, datetime], covers: Sequence[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """The parts of `window` outside every interval of `covers` (sorted by start)."""
    gaps = []
    cursor, end = window
    for cover_start, cover_end in covers:
        if cover_end <= cursor:
            continue
        if cover_start >= end:
            break
        if cover_start > cursor:
            gaps.append((cursor, cover_start))
        cursor = max(cursor, cover_end)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append((cursor, end))
    return gaps
