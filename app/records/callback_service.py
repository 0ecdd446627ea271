"""Changing callback tasks: the rules behind /api/callbacks that more than one route needs.

An attempt that did not reach the caller leaves the task to do, in its place (oldest
first); the task is done only when the worker completes it with what happened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.errors import Conflict, NotFound, NotLinked
from app.records.callback_schemas import AttemptCreate
from app.records.service import audit_record
from models import CallbackStatus, CallbackTask, ConversationRecord
from models.records import CallbackAttempt

ENTITY = "callback_task"


def worker_id_of(principal: Principal) -> int:
    if principal.worker_id is None:
        raise NotLinked()
    return principal.worker_id


def give_record_to(
    session: Session, principal: Principal, task: CallbackTask, worker_id: int, now: datetime
) -> None:
    """The call nobody answered is written up by whoever calls back."""
    record = session.get(
        ConversationRecord, task.record_id, with_for_update={"of": ConversationRecord}
    )
    if record is None or record.completed_at is not None:
        return
    if record.assigned_worker_id is None and record.accepted_worker_id is None:
        record.assigned_worker_id = worker_id
        record.updated_at = now
        audit_record(
            session,
            principal,
            "record.assign",
            record.id,
            now,
            changes={"assigned_worker_id": {"old": None, "new": worker_id}},
            detail="claimed its callback task",
        )


def task_to_work_on(session: Session, task_id: int, worker_id: int) -> CallbackTask:
    """The task, locked, for ``worker_id`` to record a try on or complete: open, or theirs.
    Another worker's task, or a done one, is refused (409)."""
    task = session.scalar(
        select(CallbackTask).where(CallbackTask.id == task_id).with_for_update(of=CallbackTask)
    )
    if task is None:
        raise NotFound("No such callback task")
    if task.status == CallbackStatus.DONE:
        raise Conflict("This task is already done")
    if task.status == CallbackStatus.CLAIMED and task.claimed_by_worker_id != worker_id:
        raise Conflict("Another worker has this task")
    return task


def record_attempt(
    session: Session, principal: Principal, task_id: int, body: AttemptCreate, now: datetime
) -> CallbackAttempt:
    """Add one try at calling back. An open task is claimed on the way (it keeps its
    place); another worker's task, or a done one, is refused (409)."""
    worker_id = worker_id_of(principal)
    task = task_to_work_on(session, task_id, worker_id)
    changes: dict[str, dict[str, Any]] = {}
    if task.status == CallbackStatus.OPEN:
        task.status = CallbackStatus.CLAIMED
        task.claimed_by_worker_id = worker_id
        task.claimed_at = now
        changes["status"] = {"old": CallbackStatus.OPEN.value, "new": CallbackStatus.CLAIMED.value}
        changes["claimed_by_worker_id"] = {"old": None, "new": worker_id}
        give_record_to(session, principal, task, worker_id, now)
    attempt = CallbackAttempt(
        task_id=task.id,
        at=now,
        worker_id=worker_id,
        user_id=principal.user_id,
        worker_name=principal.display_name[:120],
        result=body.result.value,
        note=body.note,
    )
    session.add(attempt)
    session.flush()
    changes[f"attempts.{attempt.id}"] = {"old": None, "new": body.result.value}
    audit_record(
        session,
        principal,
        "callback.attempt",
        task.record_id,
        now,
        entity=(ENTITY, task.id),
        changes=changes,
    )
    return attempt
