"""The measures' SQL: each figure is aggregated in the database, never by loading rows.

Every query takes the same ``Scope`` (a stretch of time, a line or both, in hours, out
of hours or both) and a grouping: the whole stretch, each London day, or each line. Rows
come back as ``{group: {figure: value}}``.

Long because each measure's SQL sits beside the definition it implements (the page
/insight/measures quotes them): one place to check a figure against its meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    distinct,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from app.measures.sql import Dialect
from models import CallbackTask, CallLeg, ConversationRecord, OnCallShift, Worker
from models.records import RecordChild

Grouping = Literal["all", "day", "line"]
REFERRAL_OUTCOMES = ("social_work_assessment", "strategy_discussion")
DONE = "done"

R = ConversationRecord


@dataclass(frozen=True)
class Scope:
    start: datetime
    end: datetime
    line_id: int | None = None
    period: str | None = None

    def where(self, record: Any = R) -> list[ColumnElement[bool]]:
        found = [record.started_at >= self.start, record.started_at < self.end]
        if self.line_id is not None:
            found.append(record.line_id == self.line_id)
        if self.period is not None:
            found.append(record.period == self.period)
        return found


@dataclass(frozen=True)
class Thresholds:
    answer_target_seconds: int = 60
    short_abandon_seconds: int = 30
    callback_in_hours_seconds: int = 2 * 3600
    callback_out_of_hours_seconds: int = 30 * 60


def _dialect(session: Session, scope: Scope) -> Dialect:
    return Dialect(session.get_bind().dialect.name, scope.start, scope.end)


def _group(
    sql: Dialect, grouping: Grouping, started_at: Any = R.started_at, line_id: Any = R.line_id
) -> ColumnElement[Any]:
    if grouping == "day":
        return sql.local_day(started_at).label("group")
    if grouping == "line":
        by_line: ColumnElement[Any] = line_id.label("group")
        return by_line
    return literal_column("'all'").label("group")


def _keys(group: ColumnElement[Any], grouping: Grouping) -> list[ColumnElement[Any]]:
    """What to GROUP BY: nothing for the whole stretch (PostgreSQL refuses a constant)."""
    return [] if grouping == "all" else [group]


def _count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _rows(session: Session, query: Select[Any]) -> dict[Any, dict[str, Any]]:
    return {row[0]: dict(row._mapping) for row in session.execute(query)}


def _answered(sql: Dialect) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Answered by a worker (who pressed 1), or by the fallback number: the service records
    no worker for the fallback's answer, so the stored plan need not be read."""
    by_worker = and_(R.answered_step.is_not(None), R.accepted_worker_id.is_not(None))
    by_fallback = and_(R.answered_step.is_not(None), R.accepted_worker_id.is_(None))
    return by_worker, by_fallback


def call_figures(
    session: Session, scope: Scope, thresholds: Thresholds, grouping: Grouping = "all"
) -> dict[Any, dict[str, Any]]:
    """offered, answered, answered_by_fallback, answered_within_target, abandoned,
    short_abandoned; one scan of the period's records."""
    sql = _dialect(session, scope)
    by_worker, by_fallback = _answered(sql)
    wait = sql.seconds_between(R.started_at, R.answered_at)
    waited = sql.seconds_between(R.started_at, R.ended_at)
    # Hung up before anyone accepted and before the message was offered.
    gave_up = and_(
        R.answered_step.is_(None), R.ended_at.is_not(None), R.current_step < sql.plan_steps()
    )
    group = _group(sql, grouping)
    query = (
        select(
            group,
            func.count().label("offered"),
            _count(by_worker).label("answered"),
            _count(by_fallback).label("answered_by_fallback"),
            _count(and_(by_worker, wait <= thresholds.answer_target_seconds)).label(
                "answered_within_target"
            ),
            _count(and_(gave_up, waited > thresholds.short_abandon_seconds)).label("abandoned"),
            _count(and_(gave_up, waited <= thresholds.short_abandon_seconds)).label(
                "short_abandoned"
            ),
        )
        .where(*scope.where())
        .group_by(*_keys(group, grouping))
    )
    return _rows(session, query)


def _percentiles(
    session: Session,
    value: ColumnElement[Any],
    grouping: Grouping,
    sql: Dialect,
    where: Sequence[Any],
) -> dict[Any, dict[str, Any]]:
    """Median and 90th percentile by nearest rank: the smallest value that at least half
    (nine in ten) of the values do not exceed. The same on both databases."""
    group = _group(sql, grouping)
    # The value is worked out once, below the window that ranks it.
    values = select(group, value.label("value")).where(*where).subquery()
    partition = [] if grouping == "all" else [values.c.group]
    ranked = (
        select(
            values.c.group,
            values.c.value,
            func.row_number().over(partition_by=partition, order_by=values.c.value).label("rank"),
            func.count().over(partition_by=partition).label("n"),
        )
        .where(values.c.value.is_not(None))
        .subquery()
    )
    outer_group = _group(sql, grouping) if grouping == "all" else ranked.c.group
    query = select(
        outer_group,
        func.min(case((ranked.c.rank * 2 >= ranked.c.n, ranked.c.value))).label("median"),
        func.min(case((ranked.c.rank * 10 >= ranked.c.n * 9, ranked.c.value))).label("p90"),
    )
    if grouping != "all":
        query = query.group_by(ranked.c.group)
    return {key: row for key, row in _rows(session, query).items() if row["median"] is not None}


def wait_percentiles(
    session: Session, scope: Scope, grouping: Grouping = "all"
) -> dict[Any, dict[str, Any]]:
    sql = _dialect(session, scope)
    by_worker, _ = _answered(sql)
    wait = sql.seconds_between(R.started_at, R.answered_at)
    return _percentiles(session, wait, grouping, sql, [*scope.where(), by_worker])


def _callback_seconds(sql: Dialect) -> ColumnElement[Any]:
    return sql.seconds_between(
        func.coalesce(R.ended_at, CallbackTask.created_at), CallbackTask.completed_at
    )


def callback_figures(
    session: Session,
    scope: Scope,
    thresholds: Thresholds,
    now: datetime,
    grouping: Grouping = "all",
) -> dict[Any, dict[str, Any]]:
    """Calls that left a callback task (answered calls' withdrawn tasks are not missed)."""
    sql = _dialect(session, scope)
    seconds = _callback_seconds(sql)
    target = case(
        (R.period == "out_of_hours", thresholds.callback_out_of_hours_seconds),
        else_=thresholds.callback_in_hours_seconds,
    )
    done = and_(CallbackTask.status == DONE, CallbackTask.completed_at.is_not(None))
    is_open = CallbackTask.status != DONE
    group = _group(sql, grouping)
    query = (
        select(
            group,
            func.count().label("missed"),
            _count(CallbackTask.reason == "voicemail").label("voicemails"),
            _count(done).label("callbacks_done"),
            _count(and_(done, seconds <= target)).label("callbacks_within_target"),
            _count(is_open).label("callbacks_open"),
            func.min(case((is_open, CallbackTask.created_at))).label("oldest_open"),
        )
        .select_from(R)
        .join(CallbackTask, CallbackTask.record_id == R.id)
        .where(*scope.where(), R.answered_step.is_(None))
        .group_by(*_keys(group, grouping))
    )
    rows = _rows(session, query)
    for row in rows.values():
        oldest = row.pop("oldest_open")
        row["oldest_open_callback_seconds"] = age_seconds(oldest, now)
    return rows


def age_seconds(oldest: Any, now: datetime) -> float | None:
    if oldest is None:
        return None
    if isinstance(oldest, str):  # SQLite returns min() of a timestamp as its text
        oldest = datetime.fromisoformat(oldest)
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    seconds: float = round((now - oldest).total_seconds(), 3)
    return seconds


def callback_percentiles(
    session: Session, scope: Scope, grouping: Grouping = "all"
) -> dict[Any, dict[str, Any]]:
    sql = _dialect(session, scope)
    where = [
        *scope.where(),
        CallbackTask.record_id == R.id,
        R.answered_step.is_(None),
        CallbackTask.status == DONE,
        CallbackTask.completed_at.is_not(None),
    ]
    return _percentiles(session, _callback_seconds(sql), grouping, sql, where)


def outcome_figures(
    session: Session, scope: Scope, now: datetime, grouping: Grouping = "all"
) -> dict[Any, dict[str, Any]]:
    """Completed records by outcome, and answered calls' records left open past 24 hours."""
    sql = _dialect(session, scope)
    by_worker, _ = _answered(sql)
    group = _group(sql, grouping)
    outcomes = select(group, R.outcome, func.count()).where(
        *scope.where(), R.completed_at.is_not(None), R.outcome.is_not(None)
    )
    found: dict[Any, dict[str, Any]] = {}
    for key, outcome, count in session.execute(
        outcomes.group_by(*_keys(group, grouping), R.outcome)
    ):
        row = found.setdefault(key, {"outcomes": {}})
        row["outcomes"][outcome] = count
    day = 86400
    late = and_(
        by_worker,
        R.ended_at.is_not(None),
        or_(
            and_(R.completed_at.is_(None), R.ended_at < now - timedelta(seconds=day)),
            sql.seconds_between(R.ended_at, R.completed_at) > day,
        ),
    )
    query = (
        select(group, _count(late).label("late"))
        .where(*scope.where())
        .group_by(*_keys(group, grouping))
    )
    for key, count in session.execute(query):
        found.setdefault(key, {"outcomes": {}})["not_completed_within_24h"] = count
    return found


def _repeated(
    session: Session, sql: Dialect, scope: Scope, grouping: Grouping, referrals_only: bool
) -> dict[Any, int]:
    """Records in the scope about a child named in an earlier record of the 12 months
    before (an earlier referral, for ``referrals_only``), counted once each.

    A child is the same child on name and date of birth, or on the case reference, as the
    record page's flag has it. The children's index holds each record's start, so each
    earlier contact is found by an index seek alone; only a re-referral's candidates are
    looked up to see whether they were referrals.
    """
    child, other = aliased(RecordChild), aliased(RecordChild)

    def earlier(match: ColumnElement[bool]) -> ColumnElement[bool]:
        query = (
            select(literal(1))
            .select_from(other)
            .where(
                match,
                other.started_at < child.started_at,
                other.started_at >= sql.year_before(child.started_at),
            )
        )
        if referrals_only:
            before = aliased(ConversationRecord)
            query = query.join(before, before.id == other.record_id).where(
                before.outcome.in_(REFERRAL_OUTCOMES)
            )
        return exists(query)

    same_child = or_(
        and_(
            child.name_key != "",
            child.date_of_birth.is_not(None),
            earlier(
                and_(
                    other.name_key == child.name_key,
                    other.date_of_birth == child.date_of_birth,
                )
            ),
        ),
        and_(
            child.reference_key.is_not(None),
            earlier(other.reference_key == child.reference_key),
        ),
    )
    where = [*scope.where(), same_child]
    if referrals_only:
        where.append(R.outcome.in_(REFERRAL_OUTCOMES))
    group = _group(sql, grouping)
    query = (
        select(group, func.count(distinct(R.id)))
        .select_from(R)
        .join(child, child.record_id == R.id)
        .where(*where)
        .group_by(*_keys(group, grouping))
    )
    return {key: int(count) for key, count in session.execute(query)}


def referral_figures(
    session: Session, scope: Scope, grouping: Grouping = "all"
) -> dict[Any, dict[str, Any]]:
    """Records with an outcome, referrals, re-referrals (a referral about a child referred
    in the 12 months before) and repeat contacts (a contact about a child with any contact
    in the 12 months before)."""
    sql = _dialect(session, scope)
    group = _group(sql, grouping)
    is_referral = R.outcome.in_(REFERRAL_OUTCOMES)
    totals = (
        select(
            group,
            _count(R.outcome.is_not(None)).label("with_outcome"),
            _count(is_referral).label("referrals"),
        )
        .where(*scope.where())
        .group_by(*_keys(group, grouping))
    )
    found = _rows(session, totals)
    for name, referrals_only in (("re_referrals", True), ("repeat_contacts", False)):
        for key, count in _repeated(session, sql, scope, grouping, referrals_only).items():
            found.setdefault(key, {"group": key})[name] = count
    return found


def calls_by_hour(session: Session, scope: Scope) -> list[tuple[int, int, int]]:
    """(weekday 1-7, hour 0-23, calls), London time."""
    sql = _dialect(session, scope)
    if not sql.postgres:
        parts = [
            part.label(f"part{n}") for n, part in enumerate(sql.utc_hour_of_week(R.started_at))
        ]
        counts: dict[tuple[int, int], int] = {}
        grouped = select(*parts, func.count()).where(*scope.where()).group_by(*parts)
        for row in session.execute(grouped):
            sunday_first, utc_hour, offset, calls = (int(value) for value in row)
            # Monday 0 ... Sunday 6, then moved on by London's offset.
            hour_of_week = (sunday_first + 6) % 7 * 24 + utc_hour + offset
            key = (hour_of_week // 24 % 7 + 1, hour_of_week % 24)
            counts[key] = counts.get(key, 0) + calls
        return [(w, h, n) for (w, h), n in sorted(counts.items())]
    weekday = sql.local_weekday(R.started_at).label("weekday")
    hour = sql.local_hour(R.started_at).label("hour")
    query = (
        select(weekday, hour, func.count())
        .where(*scope.where())
        .group_by(weekday, hour)
        .order_by(weekday, hour)
    )
    return [(int(w), int(h), int(n)) for w, h, n in session.execute(query)]


def worker_load(session: Session, scope: Scope) -> list[tuple[int, str, int, int, int]]:
    """(worker id, name, calls that rang them, answered by them, rang them and nobody
    answered)."""
    query = (
        select(
            Worker.id,
            Worker.name,
            func.count(distinct(CallLeg.record_id)),
            func.count(distinct(case((R.accepted_worker_id == CallLeg.worker_id, R.id)))),
            func.count(distinct(case((R.answered_step.is_(None), R.id)))),
        )
        .select_from(CallLeg)
        .join(R, R.id == CallLeg.record_id)
        .join(Worker, Worker.id == CallLeg.worker_id)
        .where(*scope.where())
        .group_by(Worker.id, Worker.name)
        .order_by(Worker.name)
    )
    return [(i, name, int(o), int(a), int(m)) for i, name, o, a, m in session.execute(query)]


def shift_load(
    session: Session, scope: Scope
) -> list[tuple[int, str, datetime, datetime, int, int]]:
    """Each primary on-call shift in the stretch: out-of-hours calls while it ran, and how
    many its worker answered. A count per shift, each a range of the calls' time index."""

    def calls(*extra: ColumnElement[bool]) -> Any:
        return (
            select(func.count())
            .where(
                R.started_at >= OnCallShift.starts_at,
                R.started_at < OnCallShift.ends_at,
                R.period == "out_of_hours",
                *scope.where(),
                *extra,
            )
            .correlate(OnCallShift)
            .scalar_subquery()
        )

    query = (
        select(
            OnCallShift.id,
            Worker.name,
            OnCallShift.starts_at,
            OnCallShift.ends_at,
            calls(),
            calls(R.accepted_worker_id == OnCallShift.worker_id),
        )
        .join(Worker, Worker.id == OnCallShift.worker_id)
        .where(
            OnCallShift.role == "primary",
            OnCallShift.starts_at < scope.end,
            OnCallShift.ends_at > scope.start,
        )
        .order_by(OnCallShift.starts_at, OnCallShift.id)
    )
    return [(i, n, s, e, int(c), int(a)) for i, n, s, e, c, a in session.execute(query)]
