"""/api/records: conversation records, read by workers and managers, changed by the worker
they are with while open; addenda once completed; previous contacts; reassignment; audit.

Every read and every change by a person leaves an audit event (models.audit).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel
from sqlalchemy import select

from app.api.deps import NowDep, SessionDep
from app.auth import Principal, StaffRole, require
from app.errors import Conflict, Invalid
from app.params import Day, DbId
from app.records import audit_words, queries, service
from app.records.schemas import (
    AddendumCreate,
    AddendumRead,
    ChildMatchAnswer,
    PreviousContacts,
    RecordAssign,
    RecordPage,
    RecordRead,
    RecordUpdate,
)
from models import RecordStatus, User, Worker
from models.audit import AuditEvent, audit
from models.events import publish

router = APIRouter(prefix="/records", tags=["records"])

Reader = Annotated[Principal, Depends(require(StaffRole.WORKER, StaffRole.MANAGER))]
Writer = Annotated[Principal, Depends(require(StaffRole.WORKER))]
Manager = Annotated[Principal, Depends(require(StaffRole.MANAGER))]

ENTITY = "conversation_record"
PER_PAGE_MAX = 100


@router.get("", response_model=RecordPage)
def list_records(
    principal: Reader,
    session: SessionDep,
    now: NowDep,
    mine: Annotated[bool, Query(description="Only records with me")] = False,
    open_only: Annotated[
        bool, Query(alias="open", description="Only records not yet completed")
    ] = False,
    line: Annotated[str | None, Query(max_length=32, description="A line's key")] = None,
    day: Annotated[Day | None, Query(description="Started on this Europe/London date")] = None,
    record_status: Annotated[RecordStatus | None, Query(alias="status")] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=2,
            max_length=100,
            description="Search: a child's name or part of it, a reference, a caller number",
        ),
    ] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=PER_PAGE_MAX)] = 25,
) -> RecordPage:
    """Records, newest first, filtered and paged. Workers and managers."""
    query = queries.list_query(
        worker_id=principal.worker_id,
        mine=mine,
        open_only=open_only,
        line=line,
        day=day,
        status=record_status.value if record_status else None,
        q=q,
    )
    rows, total = queries.page_of(session, query, page, per_page)
    ids = ",".join(str(r.id) for r in rows)
    audit(
        session,
        actor_user_id=principal.user_id,
        action="record.search" if q else "record.list",
        entity_type=ENTITY,
        entity_id="search" if q else "list",
        at=now,
        detail=(f"q={q!r} " if q else "") + f"page={page} shown={ids}",
    )
    return RecordPage(
        items=[queries.summary(r) for r in rows], total=total, page=page, per_page=per_page
    )


@router.get("/{record_id}", response_model=RecordRead)
def read_record(record_id: DbId, principal: Reader, session: SessionDep, now: NowDep) -> RecordRead:
    """One record: the call's facts (read-only), what is written, flags, addenda."""
    record = service.get_record(session, record_id)
    service.audit_record(session, principal, "record.read", record.id, now)
    return queries.read_record(session, record)


@router.patch("/{record_id}", response_model=RecordRead)
def update_record(
    record_id: DbId, body: RecordUpdate, principal: Writer, session: SessionDep, now: NowDep
) -> RecordRead:
    """Save some sections, and within them only the fields sent. The worker the record is
    with, while it is open. 409 when a section changed since the version sent."""
    record = service.get_record(session, record_id, lock=True)
    service.check_can_change(principal, record)
    changes = service.apply_update(session, record, body, now)
    if changes:
        service.audit_record(session, principal, "record.update", record.id, now, changes=changes)
    session.flush()
    return queries.read_record(session, record)


@router.post("/{record_id}/complete", response_model=RecordRead)
def complete_record(
    record_id: DbId, principal: Writer, session: SessionDep, now: NowDep
) -> RecordRead:
    """Complete and lock the record. 422 lists each field its outcome still needs, by loc
    ["record", section, field, ...]."""
    record = service.get_record(session, record_id, lock=True)
    service.check_can_change(principal, record)
    changes = service.complete(record, principal, now)
    service.audit_record(session, principal, "record.complete", record.id, now, changes=changes)
    session.flush()
    return queries.read_record(session, record)


@router.post(
    "/{record_id}/addenda", response_model=AddendumRead, status_code=status.HTTP_201_CREATED
)
def add_addendum(
    record_id: DbId, body: AddendumCreate, principal: Reader, session: SessionDep, now: NowDep
) -> AddendumRead:
    """Add a dated, signed note to a completed record (the worker it is with, or a manager).
    Nothing already written changes."""
    record = service.get_record(session, record_id, lock=True)
    addendum = service.add_addendum(session, record, principal, body.text, now)
    service.audit_record(
        session,
        principal,
        "record.addendum",
        record.id,
        now,
        changes={f"addenda.{addendum.id}": {"old": None, "new": body.text}},
    )
    return AddendumRead(
        id=addendum.id,
        at=addendum.at,
        author_user_id=addendum.author_user_id,
        author_name=addendum.author_name,
        text=addendum.text,
    )


@router.get("/{record_id}/previous-contacts", response_model=PreviousContacts)
def previous_contacts(
    record_id: DbId, principal: Reader, session: SessionDep, now: NowDep
) -> PreviousContacts:
    """Records in the 12 months before this one about the same child (name and date of
    birth, or reference, or confirmed by the worker) and from the same caller number; the
    re-referral flag; when the match cannot be made, what it needs and the likely matches."""
    record = service.get_record(session, record_id)
    found = queries.read_previous_contacts(session, record)
    shown = sorted(
        {c.record_id for c in (*found.about_the_child, *found.from_the_caller, *found.likely)}
    )
    service.audit_record(
        session,
        principal,
        "record.previous_contacts",
        record.id,
        now,
        detail="shown=" + ",".join(map(str, shown)),
    )
    return found


@router.post("/{record_id}/child-matches", response_model=PreviousContacts)
def answer_child_match(
    record_id: DbId, body: ChildMatchAnswer, principal: Writer, session: SessionDep, now: NowDep
) -> PreviousContacts:
    """Say whether a likely earlier contact is about the same child (the worker the record
    is with, while open). A confirmed one counts as an earlier contact about the child (a
    re-referral); a dismissed one is no longer offered. Audited."""
    record = service.get_record(session, record_id, lock=True)
    service.answer_child_match(
        session, principal, record, body.other_record_id, body.same_child, now
    )
    return queries.read_previous_contacts(session, record)


@router.post("/{record_id}/assign", response_model=RecordRead)
def assign_record(
    record_id: DbId, body: RecordAssign, principal: Manager, session: SessionDep, now: NowDep
) -> RecordRead:
    """Give an open record to another worker (managers). The worker is told live."""
    record = service.get_record(session, record_id, lock=True)
    if service.is_locked(record):
        raise Conflict("The record is completed and locked")
    worker = session.get(Worker, body.worker_id)
    if worker is None or not worker.active:
        raise Invalid("worker_id", "No active worker with this id")
    before = service.assignee_id(record)
    record.assigned_worker_id = worker.id
    record.updated_at = now
    service.audit_record(
        session,
        principal,
        "record.assign",
        record.id,
        now,
        changes={"assigned_worker_id": {"old": before, "new": worker.id}},
    )
    session.flush()
    session.refresh(record)
    if before != worker.id:
        publish(
            session,
            kind="record.assigned",
            payload={"record_id": record.id},
            at=now,
            worker_id=worker.id,
        )
    return queries.read_record(session, record)


class AuditEventRead(BaseModel):
    id: int
    at: datetime
    actor_user_id: DbId | None
    action: str
    entity_type: str
    entity_id: str
    actor_name: str
    what: str
    changes: dict[str, Any] | None
    changes_in_words: list[str]
    detail: str


@router.get("/{record_id}/audit", response_model=list[AuditEventRead])
def record_audit(
    record_id: DbId, principal: Manager, session: SessionDep, now: NowDep
) -> list[AuditEventRead]:
    """Who read and changed the record, when, and what (old and new). Managers."""
    record = service.get_record(session, record_id)
    rows = session.execute(
        select(AuditEvent, User.display_name)
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
        .where(AuditEvent.record_id == record.id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    result = [
        AuditEventRead(
            id=e.id,
            at=e.at,
            actor_user_id=e.actor_user_id,
            actor_name=name or ("A former member of staff" if e.actor_user_id else "The service"),
            action=e.action,
            what=audit_words.action_in_words(e.action),
            entity_type=e.entity_type,
            entity_id=str(e.entity_id),
            changes=e.changes,
            changes_in_words=audit_words.changes_in_words(e.changes),
            detail=audit_words.detail_in_words(e.detail),
        )
        for e, name in rows
    ]
    service.audit_record(session, principal, "record.audit_read", record.id, now)
    return result
