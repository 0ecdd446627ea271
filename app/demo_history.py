"""A plausible history of calls, for the demo's dashboard and the measures' benchmark.

Calls arrive more in the working day than at night, more on weekdays; most are answered
by a duty or on-call worker after a short wait, a few by the fallback number, some callers
give up and some leave a message; every unanswered call leaves a callback task, most done
within hours; most answered calls' records are completed with an agreed outcome, about a
child some of whom were talked about before. Fictional names only. Rows are written in
bulk (Core inserts, a few thousand at a time), so months of calls take a second or two.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from models import CallbackTask, CallLeg, ConversationRecord, Line, OnCallShift
from models.records import RecordChild
from routing import DEFAULT_LINES, LONDON, is_in_hours, out_of_hours_windows

BATCH = 5000
# Calls per hour of the London day on a weekday, relative: the working day is busiest.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 1, 2, 4, 9, 12, 12, 11, 9, 10, 11, 10, 9, 7, 5, 4, 3, 2, 2, 1)
OUTCOMES = (
    ("advice_and_guidance", 34), ("signpost", 14), ("early_help", 26),
    ("social_work_assessment", 16), ("strategy_discussion", 4), ("no_further_action", 6),
)  # fmt: skip
FIRST_NAMES = ("Alex", "Bea", "Cal", "Dani", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jas", "Kit",
               "Lou", "Max", "Nia", "Oli", "Pip", "Quin", "Rae", "Sol", "Tia")  # fmt: skip
SURNAMES = ("Ashdown", "Brook", "Coombe", "Dene", "Elm", "Ford", "Gale", "Heath", "Isle",
            "Kerr", "Lynch", "Moor", "Nash", "Oake", "Pool", "Rowe", "Stour")  # fmt: skip
SOURCES = ("2A", "2A", "2A", "3B", "3A", "3C", "6", "6", "1A", "1A", "5A", "8", "9")
GENDERS = ("male", "female", "female", "male", "not_stated")
ETHNICITIES = ("WBRI", "WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "AIND", "BAFR", "NOBT")


@dataclass(frozen=True)
class Staff:
    duty: dict[str, list[int]]  # line key -> duty worker ids
    on_call: list[int]


@dataclass
class Ids:
    record: int
    leg: int
    task: int
    child: int


def _next_id(session: Session, table: Any) -> int:
    return int(session.scalar(select(func.coalesce(func.max(table.id), 0))) or 0) + 1


def _lines(session: Session) -> dict[str, int]:
    return {key: line_id for key, line_id in session.execute(select(Line.key, Line.id))}


def _when(rng: random.Random, day: date) -> datetime:
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    local = datetime.combine(day, time(hour), LONDON) + timedelta(seconds=rng.randrange(3600))
    return local.astimezone(UTC)


def _wait(rng: random.Random) -> float:
    """Seconds before a worker presses 1: mostly quick, with a long tail."""
    return min(round(rng.lognormvariate(3.0, 0.6), 1), 170.0)


class _Writer:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows: dict[Any, list[dict[str, Any]]] = {
            ConversationRecord: [], CallLeg: [], CallbackTask: [], RecordChild: []
        }  # fmt: skip

    def add(self, table: Any, row: dict[str, Any]) -> None:
        self.rows[table].append(row)
        if len(self.rows[ConversationRecord]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for table, rows in self.rows.items():  # records first: the others refer to them
            if rows:
                self.session.execute(insert(table), rows)
                rows.clear()


def _children(rng: random.Random, count: int) -> list[dict[str, Any]]:
    """A pool of fictional children, as many as a year's calls."""
    pool = []
    for index in range(count):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        born = date(2008, 1, 1) + timedelta(days=rng.randrange(17 * 365))
        pool.append({"name": name, "date_of_birth": born, "key": f"{name.lower()} {index}"})
    return pool


def _plan(line: str, period: str, duty: list[int], on_call: list[int]) -> dict[str, Any]:
    def step(kind: str, ids: list[int], seconds: int) -> dict[str, Any]:
        targets = [{"number": f"+4477009{i % 1000:05d}"[:13], "worker_id": i, "name": None}
                   for i in ids]  # fmt: skip
        return {"kind": kind, "timeout_seconds": seconds, "targets": targets}

    steps = [step("duty", duty, 20)] if period == "in_hours" else []
    steps += [step("primary", on_call[:1], 25), step("backup", on_call[1:2], 25)]
    fallback = {"number": "+441305224666", "worker_id": None, "name": "fallback"}
    steps.append({"kind": "fallback", "timeout_seconds": 30, "targets": [fallback]})
    return {"version": 1, "line_key": line, "period": period, "steps": steps}


def _one_call(
    rng: random.Random,
    out: _Writer,
    ids: Ids,
    started: datetime,
    now: datetime,
    lines: dict[str, int],
    staff: Staff,
    children: list[dict[str, Any]],
) -> None:
    line = "professional" if rng.random() < 0.7 else "public"
    in_hours = is_in_hours(started, DEFAULT_LINES[0 if line == "professional" else 1])
    period = "in_hours" if in_hours else "out_of_hours"
    duty = rng.sample(staff.duty[line], k=min(3, len(staff.duty[line])))
    on_call = rng.sample(staff.on_call, k=min(2, len(staff.on_call)))
    plan = _plan(line, period, duty, on_call)
    steps = plan["steps"]
    fate = rng.random()
    record_id = ids.record
    ids.record += 1
    row: dict[str, Any] = {
        "id": record_id, "call_sid": f"CA{rng.getrandbits(128):032x}", "line_id": lines[line],
        "caller_number": f"+4477009{rng.randrange(100000):05d}"[:13], "dialled_number": None,
        "dialled_known": True, "period": period, "period_reason": "demo history", "plan": plan,
        "started_at": started, "updated_at": started, "twilio_status": "completed",
        "twilio_status_rank": 4, "content": {}, "content_versions": {},
    }  # fmt: skip
    answered_step: int | None = None
    if fate < (0.86 if in_hours else 0.74):  # a worker presses 1
        answered_step = 0 if in_hours or rng.random() < 0.8 else 1
        wait = _wait(rng) if answered_step == 0 else 25 + _wait(rng) / 2
        worker = steps[answered_step]["targets"][0]["worker_id"]
        answered = started + timedelta(seconds=wait)
        ended = answered + timedelta(seconds=rng.randrange(240, 2400))
        row |= {"answered_step": answered_step, "accepted_worker_id": worker,
                "answered_at": answered, "current_step": answered_step}  # fmt: skip
    elif fate < (0.88 if in_hours else 0.84):  # the fallback number took it
        answered_step = len(steps) - 1
        ended = started + timedelta(seconds=rng.randrange(120, 900))
        row |= {"answered_step": answered_step, "answered_at": ended,
                "current_step": answered_step}  # fmt: skip
    else:
        message = fate > (0.95 if in_hours else 0.9)
        waited = rng.randrange(60, 140) if message else rng.choice((4, 9, 15, 25, 40, 70, 95))
        ended = started + timedelta(seconds=waited)
        step = len(steps) if message else 0
        row |= {"current_step": step}
        created = ended
        done = created + timedelta(minutes=rng.lognormvariate(3.6, 0.9))
        is_done = done < now
        out.add(CallbackTask, {
            "id": ids.task, "record_id": record_id, "line_id": lines[line],
            "caller_number": row["caller_number"],
            "reason": "voicemail" if message else "missed_call",
            "urgent": not in_hours, "status": "done" if is_done else "open", "created_at": created,
            "completed_at": done if is_done else None,
            "resolution": "Called back" if is_done else None,
            "outcome": "spoke_to_caller" if is_done else None,
        })  # fmt: skip
        ids.task += 1
    if ended > now:
        ended = now
    row |= {"ended_at": ended, "duration_seconds": int((ended - started).total_seconds())}
    row["status"] = "unanswered" if answered_step is None else "to_complete"
    for step_index in range(min(row["current_step"], len(steps) - 1) + 1):
        for target in steps[step_index]["targets"]:
            accepted = step_index == answered_step and target["worker_id"] == row.get(
                "accepted_worker_id"
            )
            out.add(CallLeg, {
                "id": ids.leg, "record_id": record_id, "step": step_index,
                "number": target["number"], "worker_id": target["worker_id"],
                "result": "completed" if accepted else "no-answer", "result_rank": 4,
                "accepted": accepted, "offered_at": started, "updated_at": ended,
            })  # fmt: skip
            ids.leg += 1
    if row.get("accepted_worker_id") is not None:
        _written_up(rng, out, ids, row, ended, now, children)
    out.add(ConversationRecord, row)


def _written_up(
    rng: random.Random,
    out: _Writer,
    ids: Ids,
    row: dict[str, Any],
    ended: datetime,
    now: datetime,
    children: list[dict[str, Any]],
) -> None:
    """The record's content, its child, and (for most) completion with an outcome."""
    # One contact in five is about a child of a family the service knows (the pool's first
    # tenth), the rest about any child: so some children come back within the year.
    known = len(children) // 10 or 1
    child = children[rng.randrange(known)] if rng.random() < 0.2 else rng.choice(children)
    born: date = child["date_of_birth"]
    decision = rng.choices([o for o, _ in OUTCOMES], weights=[w for _, w in OUTCOMES])[0]
    source = rng.choice(SOURCES)
    gender, ethnicity = rng.choice(GENDERS), rng.choice(ETHNICITIES)
    row["content"] = {
        "caller": {"kind": "professional" if source[0] in "2345678" else "public",
                   "contact_source": source},
        "household": {"children": [{"name": child["name"], "date_of_birth": born.isoformat(),
                                    "gender": gender, "ethnicity": ethnicity}]},
        "outcome": {"decision": decision},
    }  # fmt: skip
    row["contact_source"] = source
    out.add(RecordChild, {
        "id": ids.child, "record_id": row["id"], "position": 0, "name_key": child["key"],
        "date_of_birth": born, "reference_key": None, "gender": gender, "ethnicity": ethnicity,
        "started_at": row["started_at"],
    })  # fmt: skip
    ids.child += 1
    completed = ended + timedelta(minutes=rng.lognormvariate(4.0, 1.2))
    if rng.random() < 0.95 and completed < now:
        row |= {"status": "completed", "completed_at": completed, "outcome": decision}


def _past_shifts(session: Session, start: datetime, end: datetime, on_call: list[int]) -> int:
    """Primary and backup cover for the history's out-of-hours windows, a week each."""
    rows = []
    for window_start, window_end in out_of_hours_windows(start, end, DEFAULT_LINES[0]):
        week = (window_start - start).days // 7
        for role, offset in (("primary", 0), ("backup", 1)):
            rows.append({"worker_id": on_call[(week + offset) % len(on_call)], "role": role,
                         "starts_at": window_start, "ends_at": window_end,
                         "created_at": start, "source": "manual", "sequence": 0})  # fmt: skip
    if rows:
        session.execute(insert(OnCallShift), rows)
    return len(rows)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _reset_sequences(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("conversation_records", "call_legs", "callback_tasks", "record_children"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )


def seed_history(
    session: Session,
    now: datetime,
    days: int,
    calls_per_weekday: int,
    staff: Staff,
    *,
    seed: int = 2019,
    shifts: bool = True,
) -> int:
    """Write ``days`` of calls before ``now`` (weekends and nights quieter). Only flushes.

    Returns the number of calls written.
    """
    rng = random.Random(seed)
    today = now.astimezone(LONDON).date()
    first = today - timedelta(days=days)
    lines = _lines(session)
    out = _Writer(session)
    tables = (ConversationRecord, CallLeg, CallbackTask, RecordChild)
    ids = Ids(*(_next_id(session, table) for table in tables))
    start_id = ids.record
    children = _children(rng, max(100, 300 * calls_per_weekday))
    for day in _days(first, today):
        volume = calls_per_weekday if day.weekday() < 5 else calls_per_weekday // 3
        for _ in range(max(0, int(rng.gauss(volume, volume**0.5)))):
            started = _when(rng, day)
            if started < now - timedelta(minutes=10):
                _one_call(rng, out, ids, started, now, lines, staff, children)
    out.flush()
    if shifts:
        begin = datetime.combine(first, time(0), LONDON).astimezone(UTC)
        _past_shifts(session, begin, datetime.combine(today, time(0), LONDON).astimezone(UTC),
                     staff.on_call)  # fmt: skip
    _reset_sequences(session)
    return ids.record - start_id


def staff_of(duty: Sequence[tuple[int, Sequence[str]]], on_call: Sequence[int]) -> Staff:
    by_line: dict[str, list[int]] = {"professional": [], "public": []}
    for worker_id, line_keys in duty:
        for key in line_keys:
            by_line[key].append(worker_id)
    return Staff(by_line, list(on_call))
