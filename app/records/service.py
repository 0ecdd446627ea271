"""Reading and changing conversation records: the rules of issue 3 behind the /api routes.

Routes check roles (app.auth.require); the object-level rules are here: a worker changes
only a record they accepted or that is assigned to them, only while it is open. A record is
locked once completed (``completed_at`` is set); later words are addenda.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal, StaffRole
from app.errors import Conflict, Forbidden, Invalid, InvalidFields, NotFound
from app.records.schemas import (
    SECTIONS,
    RecordUpdate,
    content_of,
    future_dates_of_birth,
    merge_sections,
    missing_for_completion,
)
from models import ConversationRecord, RecordStatus
from models.audit import audit
from models.records import (
    RecordAddendum,
    RecordChildMatch,
    index_children,
)
from routing import LONDON


def audit_record(
    session: Session,
    principal: Principal,
    action: str,
    record_id: int,
    now: datetime,
    *,
    entity: tuple[str, int] | None = None,
    changes: dict[str, dict[str, Any]] | None = None,
    detail: str = "",
) -> None:
    """Audit a read or change of a record, or of a thing of it (`entity`: a callback task)."""
    entity_type, entity_id = entity or ("conversation_record", record_id)
    audit(
        session,
        actor_user_id=principal.user_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        record_id=record_id,
        at=now,
        changes=changes,
        detail=detail,
    )


def get_record(session: Session, record_id: int, *, lock: bool = False) -> ConversationRecord:
    query = select(ConversationRecord).where(ConversationRecord.id == record_id)
    if lock:
        # Two saves of one record take turns (SQLite takes its write lock at BEGIN).
        query = query.with_for_update(of=ConversationRecord)
    record = session.scalar(query)
    if record is None:
        raise NotFound("No such conversation record")
    return record


def assignee_id(record: ConversationRecord) -> int | None:
    """The worker the record is with: the one assigned, else the one who accepted."""
    if record.assigned_worker_id is not None:
        return record.assigned_worker_id
    return record.accepted_worker_id


def is_locked(record: ConversationRecord) -> bool:
    return record.completed_at is not None


def check_can_change(principal: Principal, record: ConversationRecord) -> None:
    """403 unless the record is with this worker; 409 once it is completed."""
    if not (
        principal.has(StaffRole.WORKER)
        and principal.worker_id is not None
        and principal.worker_id == assignee_id(record)
    ):
        raise Forbidden("Only the worker the record is with can change it")
    if is_locked(record):
        raise Conflict("The record is completed and locked: add an addendum instead")


def london_today(now: datetime) -> date:
    return now.astimezone(LONDON).date()


def filled_section(name: str, stored: dict[str, Any]) -> dict[str, Any]:
    return SECTIONS[name].model_validate(stored.get(name, {})).model_dump(mode="json")


def _flatten(content: dict[str, Any], sections: set[str]) -> dict[str, Any]:
    return {
        f"{section}.{field}": value
        for section in sorted(sections)
        for field, value in content.get(section, {}).items()
    }


def apply_update(
    session: Session, record: ConversationRecord, update: RecordUpdate, now: datetime
) -> dict[str, dict[str, Any]]:
    """Merge the sections sent into the record; the changed fields, old and new.

    Nothing is written when anything is refused: a bad field (422) or a section another
    save changed since the version the client sent (409).
    """
    sent = update.sent_sections()
    errors = future_dates_of_birth(sent, london_today(now))
    if errors:
        raise InvalidFields(errors)
    versions = dict(record.content_versions or {})
    stale = sorted(
        name
        for name in sent
        if name in update.versions and update.versions[name] != versions.get(name, 0)
    )
    if stale:
        raise Conflict(
            "Changed by another save since you read it: "
            + ", ".join(f"{name} (now version {versions.get(name, 0)})" for name in stale)
        )
    stored = dict(record.content or {})
    try:
        merged = merge_sections(stored, sent)
    except ValidationError as exc:  # a stored field the sent ones now contradict
        raise InvalidFields([{**e, "loc": ["body", *e["loc"]]} for e in exc.errors()]) from exc
    # A section never written reads as its defaults: those are its old values.
    current = {name: filled_section(name, stored) for name in merged}
    changed = {name for name, section in merged.items() if current[name] != section}
    if not changed:
        return {}
    before = _flatten(current, changed)
    new_content = {**stored, **{name: merged[name] for name in changed}}
    after = _flatten(new_content, changed)
    for name in changed:
        versions[name] = versions.get(name, 0) + 1
    # New objects, so the ORM sees the JSON columns change.
    record.content = new_content
    record.content_versions = versions
    record.updated_at = now
    if "caller" in changed:  # kept in a column for Annex A's return (migration 0006)
        record.contact_source = new_content["caller"].get("contact_source")
    if "household" in changed:
        index_children(session, record.id, new_content["household"].get("children", []))
    return {
        key: {"old": before.get(key), "new": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def complete(
    record: ConversationRecord, principal: Principal, now: datetime
) -> dict[str, dict[str, Any]]:
    content = content_of(record.content or {})
    errors = missing_for_completion(content)
    if errors:
        raise InvalidFields(errors)
    before = {"status": record.status, "completed_at": None}
    outcome = content.outcome.decision
    record.status = RecordStatus.COMPLETED
    record.completed_at = now
    record.completed_by_user_id = principal.user_id
    record.outcome = outcome.value if outcome else None
    record.updated_at = now
    return {
        "status": {"old": before["status"], "new": RecordStatus.COMPLETED.value},
        "completed_at": {"old": None, "new": now.isoformat()},
        "outcome": {"old": None, "new": record.outcome},
    }


def add_addendum(
    session: Session, record: ConversationRecord, principal: Principal, text: str, now: datetime
) -> RecordAddendum:
    if not is_locked(record):
        raise Conflict("The record is still open: change it directly")
    if not principal.has(StaffRole.MANAGER) and principal.worker_id != assignee_id(record):
        raise Forbidden("Only the worker the record is with, or a manager, can add to it")
    addendum = RecordAddendum(
        record_id=record.id,
        at=now,
        author_user_id=principal.user_id,
        author_name=principal.display_name[:120],
        text=text,
    )
    session.add(addendum)
    session.flush()
    return addendum


def answer_child_match(
    session: Session,
    principal: Principal,
    record: ConversationRecord,
    other_record_id: int,
    same_child: bool,
    now: datetime,
) -> None:
    """Store the worker's word that an earlier record is (or is not) about the same child,
    audited. The worker the record is with, while it is open; answering again changes it."""
    check_can_change(principal, record)
    other = session.get(ConversationRecord, other_record_id)
    if other is None or other.id == record.id or other.started_at > record.started_at:
        raise Invalid("other_record_id", "Choose one of the earlier contacts offered")
    match = session.scalar(
        select(RecordChildMatch).where(
            RecordChildMatch.record_id == record.id,
            RecordChildMatch.other_record_id == other.id,
        )
    )
    before = match.same_child if match else None
    if match is None:
        match = RecordChildMatch(record_id=record.id, other_record_id=other.id)
        session.add(match)
    match.same_child = same_child
    match.at = now
    match.user_id = principal.user_id
    session.flush()
    if before != same_child:
        audit_record(
            session,
            principal,
            "record.child_match",
            record.id,
            now,
            changes={f"same_child.{other.id}": {"old": before, "new": same_child}},
        )
