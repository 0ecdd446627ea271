"""Demo data for a newcomer's first run: `dutyline serve --demo`.

Fictional workers with numbers from Ofcom's drama range (07700 900000-900999, never
allocated to a real phone), and nine weeks of on-call cover from now (a week past the rota gap
report's window), so that a simulated call reaches somebody whatever the time and a fresh demo
shows no gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo_history import seed_history, staff_of
from app.rota import service as rota_service
from app.rota.routes.deps import DEFAULT_WEEKS
from app.rota.service import RotaChange
from app.workers import queries
from app.workers import service as workers
from routing import DEFAULT_LINES, LONDON, OnCallRole, out_of_hours_windows

# Cover runs a week past the gap report's default window (now to now + DEFAULT_WEEKS), so
# the report on a fresh demo finds no gaps at its far end.
COVER_DAYS = (DEFAULT_WEEKS + 1) * 7
# Four months of past calls, so Insight and the wallboard show something at once.
HISTORY_DAYS = 120
HISTORY_CALLS_PER_WEEKDAY = 30

# name, phone, duty lines (empty: on call only)
DUTY_WORKERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Sam Okafor", "07700 900101", ("professional",)),
    ("Priya Shah", "07700 900102", ("professional", "public")),
    ("Tom Hughes", "07700 900103", ("public",)),
    ("Aisha Rahman", "07700 900104", ("professional",)),
    ("Gareth Evans", "07700 900105", ("public",)),
    ("Maria Costa", "07700 900106", ("professional", "public")),
)
ONCALL_WORKERS: tuple[tuple[str, str], ...] = (
    ("Jo Whitfield", "07700 900201"),
    ("Dan Mensah", "07700 900202"),
    ("Ellen Brooks", "07700 900203"),
)


@dataclass(frozen=True, slots=True)
class DemoWorker:
    name: str
    phone: str  # E.164
    lines: tuple[str, ...]
    on_call: bool


@dataclass(frozen=True, slots=True)
class DemoSummary:
    seeded: bool  # False: workers already existed and nothing was written
    workers: tuple[DemoWorker, ...]
    shift_count: int
    cover_start: datetime | None
    cover_end: datetime | None
    history_calls: int = 0


def cover_period(now: datetime) -> tuple[datetime, datetime]:
    """From the start of today (London) to the start of the day COVER_DAYS later, in local time."""
    today = now.astimezone(LONDON).date()
    start = datetime.combine(today, time(0), tzinfo=LONDON)
    end = datetime.combine(today + timedelta(days=COVER_DAYS), time(0), tzinfo=LONDON)
    return start, end


def seed_demo(session: Session, now: datetime) -> DemoSummary:
    """Seed demo workers and on-call cover, unless there are workers already. Only flushes."""
    if queries.count_workers(session) > 0:
        return DemoSummary(
            seeded=False, workers=(), shift_count=0, cover_start=None, cover_end=None
        )
    seeded: list[DemoWorker] = []
    duty_ids = []
    for name, phone, lines in DUTY_WORKERS:
        worker = workers.add_worker(session, name, phone, lines)
        workers.set_availability(session, worker, True)
        seeded.append(DemoWorker(name, worker.phone, lines, on_call=False))
        duty_ids.append((worker.id, lines))
    on_call = []
    for name, phone in ONCALL_WORKERS:
        worker = workers.add_worker(session, name, phone, ())
        workers.set_availability(session, worker, True)
        on_call.append(worker)
        seeded.append(DemoWorker(name, worker.phone, (), on_call=True))

    start, end = cover_period(now)
    change = RotaChange(session, now, None)
    shift_count = 0
    # The professional line's default hours; both lines share them out of the box.
    for window_start, window_end in out_of_hours_windows(start, end, DEFAULT_LINES[0]):
        # A new rota week every seven days from the start; a window is worked by the
        # week it starts in. The backup is next week's primary.
        week = (window_start.astimezone(LONDON).date() - start.date()).days // 7
        primary = on_call[week % len(on_call)]
        backup = on_call[(week + 1) % len(on_call)]
        if window_end <= now:
            continue
        for worker, role in ((primary, OnCallRole.PRIMARY), (backup, OnCallRole.BACKUP)):
            # Through the rota's one write path: audited, and the past is not written.
            rota_service.create_shift(
                change,
                worker_id=worker.id,
                role_name=role,
                starts_at=max(window_start, now),
                ends_at=window_end,
                detail="demo data",
                check_gaps=False,
            )
        shift_count += 2
    history = seed_history(
        session,
        now,
        HISTORY_DAYS,
        HISTORY_CALLS_PER_WEEKDAY,
        staff_of(duty_ids, [w.id for w in on_call]),
    )
    return DemoSummary(
        seeded=True,
        workers=tuple(seeded),
        shift_count=shift_count,
        cover_start=start,
        cover_end=end,
        history_calls=history,
    )


# Demo accounts: username, display name, roles, linked worker (by name).
DEMO_PASSWORD = "dutyline-demo"
DEMO_ACCOUNTS: tuple[tuple[str, str, tuple[str, ...], str | None], ...] = (
    ("admin", "Demo admin", ("admin",), None),
    ("coordinator", "Demo rota coordinator", ("coordinator",), None),
    ("manager", "Demo manager", ("manager",), None),
    ("sam.okafor", "Sam Okafor", ("worker",), "Sam Okafor"),
    ("priya.shah", "Priya Shah", ("worker",), "Priya Shah"),
    ("jo.whitfield", "Jo Whitfield", ("worker",), "Jo Whitfield"),
)


def seed_demo_accounts(session: Session, now: datetime) -> tuple[tuple[str, str], ...]:
    """Demo staff accounts, unless there are accounts already: (username, roles) pairs."""
    from app.accounts.service import create_user
    from app.auth import StaffRole
    from models import User

    if session.scalar(select(func.count()).select_from(User)):
        return ()
    seeded = []
    for username, display_name, roles, worker_name in DEMO_ACCOUNTS:
        worker = queries.find_worker(session, worker_name) if worker_name else None
        if worker_name and worker is None:
            continue
        create_user(
            session,
            username=username,
            display_name=display_name,
            password=DEMO_PASSWORD,
            roles=[StaffRole(role) for role in roles],
            worker_id=worker.id if worker else None,
            now=now,
        )
        seeded.append((username, ", ".join(roles)))
    return tuple(seeded)
