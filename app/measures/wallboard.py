"""The duty room's wallboard: the lines as they stand now, and today so far.

Four small queries, each on an index: workers by line, calls ringing, callbacks waiting,
today's calls. Names are workers' only; no caller and no child appears.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.measures import queries, service
from app.measures.schemas import LineNow, LineQueueRead, QueueNow, Wallboard
from models import CallbackTask, ConversationRecord, Line, RecordStatus, Worker, worker_lines
from models.queue import waiting_by_line

# A call whose end Twilio never reported is not "ringing" for ever on the board.
STALE_RINGING = timedelta(hours=4)


def _people(session: Session) -> dict[int, dict[str, list[str]]]:
    rows = session.execute(
        select(
            worker_lines.c.line_id,
            Worker.name,
            Worker.available,
            worker_lines.c.available,
            Worker.busy_record_id,
        )
        .join(Worker, Worker.id == worker_lines.c.worker_id)
        .where(Worker.active.is_(True))
        .order_by(Worker.name)
    )
    found: dict[int, dict[str, list[str]]] = {}
    for line_id, name, available, on_line, busy in rows:
        states = found.setdefault(line_id, {"available": [], "busy": [], "offline": []})
        state = "busy" if busy is not None else "available" if available and on_line else "offline"
        states[state].append(name)
    return found


def now(session: Session, thresholds: queries.Thresholds, at: datetime) -> Wallboard:
    R = ConversationRecord
    ringing = dict(
        (line_id, (count, oldest))
        for line_id, count, oldest in session.execute(
            select(R.line_id, func.count(), func.min(R.started_at))
            .where(
                R.status == RecordStatus.RINGING,
                R.ended_at.is_(None),
                R.started_at > at - STALE_RINGING,
            )
            .group_by(R.line_id)
        )
    )
    waiting = dict(
        (line_id, (count, oldest))
        for line_id, count, oldest in session.execute(
            select(CallbackTask.line_id, func.count(), func.min(CallbackTask.created_at))
            .where(CallbackTask.status != "done")
            .group_by(CallbackTask.line_id)
        )
    )
    today = service.london_today(at)
    scope = queries.Scope(service.day_start(today), service.day_start(today + timedelta(days=1)))
    calls = queries.call_figures(session, scope, thresholds, "line")
    people = _people(session)
    queued = {line.line_id: line for line in waiting_by_line(session)}
    lines = []
    for line in session.scalars(select(Line).order_by(Line.id)):
        states = people.get(line.id, {"available": [], "busy": [], "offline": []})
        ring_count, ring_oldest = ringing.get(line.id, (0, None))
        wait_count, wait_oldest = waiting.get(line.id, (0, None))
        figures = calls.get(line.id, {})
        answered = int(figures.get("answered", 0))
        within = int(figures.get("answered_within_target", 0))
        lines.append(
            LineNow(
                key=line.key,
                name=line.name,
                **states,
                ringing=ring_count,
                longest_wait_seconds=queries.age_seconds(ring_oldest, at),
                callbacks_waiting=wait_count,
                oldest_callback_seconds=queries.age_seconds(wait_oldest, at),
                offered_today=int(figures.get("offered", 0)),
                answered_today=answered,
                abandoned_today=int(figures.get("abandoned", 0)),
                service_level_today=round(within / answered, 4) if answered else None,
                queued=queued[line.id].waiting if line.id in queued else 0,
                longest_queued_seconds=queries.age_seconds(
                    queued[line.id].oldest_queued_at if line.id in queued else None, at
                ),
            )
        )
    return Wallboard(at=at, lines=lines)


def queue_now(session: Session, at: datetime) -> QueueNow:
    """Per line, the callers waiting in its queue and the longest wait (issue 12)."""
    return QueueNow(
        at=at,
        lines=[
            LineQueueRead(
                key=line.key,
                name=line.name,
                waiting=line.waiting,
                longest_wait_seconds=queries.age_seconds(line.oldest_queued_at, at),
            )
            for line in waiting_by_line(session)
        ],
    )
