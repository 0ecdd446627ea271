"""Reading conversation records: one record as the page shows it, earlier contacts, search.

Reading a record is audited by the routes that serve it (every read by a person is).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.formats import national
from app.records.schemas import (
    SECTIONS,
    AddendumRead,
    CallFacts,
    LegRead,
    LineRef,
    PreviousContactRead,
    PreviousContacts,
    QueueFacts,
    RecordContent,
    RecordFlags,
    RecordRead,
    RecordSummary,
    WorkerRef,
)
from app.records.service import is_locked
from models import ConversationRecord, Line, RecordStatus, User, Worker
from models.queue import entry_of_record
from models.records import (
    PreviousContact,
    RecordAddendum,
    RecordChild,
    is_about_same_child,
    likely_same_child,
    name_key,
    previous_contacts,
    reference_key,
)
from routing import LONDON, normalise_number


def _worker_ref(worker: Worker | None) -> WorkerRef | None:
    return WorkerRef(id=worker.id, name=worker.name) if worker else None


def _line_ref(line: Line) -> LineRef:
    return LineRef(key=line.key, name=line.name, number=line.number)


def _children_names(content: dict[str, Any]) -> list[str]:
    children = content.get("household", {}).get("children", [])
    return [str(child.get("name") or "") for child in children if child.get("name")]


def status_of(record: ConversationRecord) -> str:
    # Completion wins over whatever a late call-status callback set.
    return RecordStatus.COMPLETED.value if is_locked(record) else record.status


def _route(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The steps the ring plan held: kind, how long, who (by worker id and name)."""
    return [
        {
            "kind": step.get("kind"),
            "timeout_seconds": step.get("timeout_seconds"),
            "targets": [
                {
                    "worker_id": t.get("worker_id"),
                    "name": t.get("name"),
                    # A worker's own phone is theirs; an organisation's line is shown.
                    "number": None if t.get("worker_id") is not None else t.get("number"),
                }
                for t in step.get("targets", [])
            ],
        }
        for step in plan.get("steps", [])
    ]


def _queue_facts(session: Session, record: ConversationRecord) -> QueueFacts | None:
    entry = entry_of_record(session, record.id)
    if entry is None:
        return None
    left = entry.left_at
    return QueueFacts(
        queued_at=entry.queued_at,
        position_on_arrival=entry.position_on_arrival,
        left_at=left,
        waited_seconds=int((left - entry.queued_at).total_seconds()) if left else None,
        callback_chosen=entry.callback_chosen,
        result=entry.result,
    )


def read_record(session: Session, record: ConversationRecord) -> RecordRead:
    worker_ids = {leg.worker_id for leg in record.legs if leg.worker_id is not None}
    names = (
        dict(session.execute(select(Worker.id, Worker.name).where(Worker.id.in_(worker_ids))).all())
        if worker_ids
        else {}
    )
    contacts = previous_contacts(session, record)
    about_child = sum(1 for c in contacts if is_about_same_child(c))
    from_caller = sum(1 for c in contacts if "caller_number" in c.matched_on)
    addenda = session.scalars(
        select(RecordAddendum)
        .where(RecordAddendum.record_id == record.id)
        .order_by(RecordAddendum.at, RecordAddendum.id)
    )
    out_of_hours = record.period == "out_of_hours"
    assigned = record.assigned_worker or record.accepted_worker
    return RecordRead(
        id=record.id,
        status=status_of(record),
        locked=is_locked(record),
        call=CallFacts(
            call_sid=record.call_sid,
            line=_line_ref(record.line),
            caller_number=record.caller_number,
            dialled_number=record.dialled_number,
            dialled_known=record.dialled_known,
            dialled_words=national(record.dialled_number),
            out_of_hours=out_of_hours,
            period_reason=record.period_reason,
            route=_route(record.plan or {}),
            legs=[
                LegRead(
                    step=leg.step,
                    number=None if leg.worker_id is not None else leg.number,
                    worker=(
                        WorkerRef(id=leg.worker_id, name=names.get(leg.worker_id, ""))
                        if leg.worker_id is not None
                        else None
                    ),
                    result=leg.result,
                    accepted=leg.accepted,
                    offered_at=leg.offered_at,
                )
                for leg in record.legs
            ],
            accepted_worker=_worker_ref(record.accepted_worker),
            started_at=record.started_at,
            answered_at=record.answered_at,
            ended_at=record.ended_at,
            duration_seconds=record.duration_seconds,
            queue=_queue_facts(session, record),
        ),
        assigned_worker=_worker_ref(assigned),
        completed_at=record.completed_at,
        completed_by_user_id=record.completed_by_user_id,
        completed_by_name=(
            session.scalar(select(User.display_name).where(User.id == record.completed_by_user_id))
            if record.completed_by_user_id
            else None
        ),
        content=RecordContent.model_validate(record.content or {}),
        versions={name: (record.content_versions or {}).get(name, 0) for name in SECTIONS},
        flags=RecordFlags(
            out_of_hours=out_of_hours,
            re_referral=about_child > 0,
            previous_child_contacts=about_child,
            previous_caller_contacts=from_caller,
        ),
        addenda=[
            AddendumRead(
                id=a.id,
                at=a.at,
                author_user_id=a.author_user_id,
                author_name=a.author_name,
                text=a.text,
            )
            for a in addenda
        ],
    )


def match_needs(content: dict[str, Any]) -> str:
    """What looking for earlier contacts about the children needs, in words ("" if none)."""
    children = content.get("household", {}).get("children", [])
    named = [c for c in children if str(c.get("name") or "").strip() or c.get("reference")]
    if not named:
        return "Add the child's name and date of birth to look for earlier contacts about them."
    missing = [
        str(c.get("name") or "the child")
        for c in named
        if not c.get("date_of_birth") and not str(c.get("reference") or "").strip()
    ]
    if not missing:
        return ""
    who = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    return (
        f"Add the date of birth of {who} (or a case reference) to look for earlier contacts"
        " about them. Until then, check the likely matches below."
    )


def read_previous_contacts(session: Session, record: ConversationRecord) -> PreviousContacts:
    contacts = previous_contacts(session, record)
    about_ids = {c.record_id for c in contacts if is_about_same_child(c)}
    likely = [c for c in likely_same_child(session, record) if c.record_id not in about_ids]
    ids = [c.record_id for c in (*contacts, *likely)]
    others = {
        r.id: r
        for r in session.scalars(
            select(ConversationRecord).where(ConversationRecord.id.in_(ids))
        ).unique()
    }

    def view(contact: PreviousContact) -> PreviousContactRead:
        other = others[contact.record_id]
        return PreviousContactRead(
            record_id=contact.record_id,
            started_at=contact.started_at,
            line=_line_ref(other.line),
            status=status_of(other),
            outcome=other.outcome,
            children=_children_names(other.content or {}),
            matched_on=list(contact.matched_on),
        )

    about = [view(c) for c in contacts if is_about_same_child(c)]
    caller = [view(c) for c in contacts if "caller_number" in c.matched_on]
    needs = match_needs(record.content or {})
    return PreviousContacts(
        re_referral=bool(about),
        about_the_child=about,
        from_the_caller=caller,
        match_made=not needs,
        match_needs=needs,
        likely=[view(c) for c in likely],
    )


def summary(record: ConversationRecord) -> RecordSummary:
    return RecordSummary(
        id=record.id,
        status=status_of(record),
        line=_line_ref(record.line),
        started_at=record.started_at,
        out_of_hours=record.period == "out_of_hours",
        caller_number=record.caller_number,
        assigned_worker=_worker_ref(record.assigned_worker or record.accepted_worker),
        children=_children_names(record.content or {}),
        outcome=record.outcome,
        completed_at=record.completed_at,
    )


def list_query(
    *,
    worker_id: int | None,
    mine: bool,
    open_only: bool,
    line: str | None,
    day: date | None,
    status: str | None,
    q: str | None,
) -> Select[Any]:
    """The records matching the filters, newest first."""
    query = select(ConversationRecord)
    if mine:
        query = query.where(
            or_(
                ConversationRecord.assigned_worker_id == worker_id,
                and_(
                    ConversationRecord.assigned_worker_id.is_(None),
                    ConversationRecord.accepted_worker_id == worker_id,
                ),
            )
            if worker_id is not None
            else false()
        )
    if open_only:
        query = query.where(ConversationRecord.completed_at.is_(None))
    if line:
        query = query.where(ConversationRecord.line_id.in_(select(Line.id).where(Line.key == line)))
    if day:
        start = datetime.combine(day, time(0), tzinfo=LONDON)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON)
        query = query.where(
            ConversationRecord.started_at >= start, ConversationRecord.started_at < end
        )
    if status == RecordStatus.COMPLETED:
        query = query.where(ConversationRecord.completed_at.is_not(None))
    elif status:
        query = query.where(
            ConversationRecord.status == status, ConversationRecord.completed_at.is_(None)
        )
    if q:
        query = query.where(_search(q))
    return query.order_by(ConversationRecord.started_at.desc(), ConversationRecord.id.desc())


def _search(q: str) -> Any:
    """A child's name (or part of it), a reference number, or a caller's number."""
    matches: list[ColumnElement[bool]] = []
    key = name_key(q)
    if key:
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        matches.append(
            exists().where(
                RecordChild.record_id == ConversationRecord.id,
                RecordChild.name_key.like(f"%{escaped}%", escape="\\"),
            )
        )
    reference = reference_key(q)
    if reference:
        matches.append(
            exists().where(
                RecordChild.record_id == ConversationRecord.id,
                RecordChild.reference_key == reference,
            )
        )
    number = normalise_number(q)
    if number:
        matches.append(ConversationRecord.caller_number == number)
    return or_(*matches) if matches else false()


def page_of(
    session: Session, query: Select[Any], page: int, per_page: int
) -> tuple[list[ConversationRecord], int]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return list(rows), total or 0
