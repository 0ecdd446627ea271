"""/api/callbacks: the tasks missed calls and voicemails leave. Open ones first, oldest
first, out-of-hours ones marked urgent; a worker claims one (one claim wins) and completes
it with what happened. Every change is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from app.api.deps import NowDep, SessionDep
from app.auth import Principal, StaffRole, require
from app.errors import Conflict, NotFound, NotLinked
from app.params import DbId
from app.records.callback_schemas import CallbackComplete, CallbackPage, CallbackRead
from app.records.schemas import LineRef, WorkerRef
from app.records.service import audit_record
from models import CallbackStatus, CallbackTask, ConversationRecord, Line, Worker

router = APIRouter(prefix="/callbacks", tags=["callbacks"])

Reader = Annotated[Principal, Depends(require(StaffRole.WORKER, StaffRole.MANAGER))]
Doer = Annotated[Principal, Depends(require(StaffRole.WORKER))]

ENTITY = "callback_task"
# Tasks still to do (open or claimed) oldest first, then done ones: claiming a task keeps
# its place, so the oldest caller is still seen first.
_STATUS_ORDER = case(
    (CallbackTask.status.in_([CallbackStatus.OPEN, CallbackStatus.CLAIMED]), 0),
    else_=1,
)


def _read(task: CallbackTask, names: dict[int, str]) -> CallbackRead:
    claimer = task.claimed_by_worker_id
    return CallbackRead(
        id=task.id,
        record_id=task.record_id,
        line=LineRef(key=task.line.key, name=task.line.name, number=task.line.number),
        caller_number=task.caller_number,
        reason=task.reason,
        urgent=task.urgent,
        recording_url=task.recording_url,
        recording_seconds=task.recording_seconds,
        status=task.status,
        claimed_by=WorkerRef(id=claimer, name=names.get(claimer, "")) if claimer else None,
        claimed_at=task.claimed_at,
        created_at=task.created_at,
        completed_at=task.completed_at,
        resolution=task.resolution,
        outcome=task.outcome,
    )


def _worker_names(session: Session, tasks: list[CallbackTask]) -> dict[int, str]:
    ids = {t.claimed_by_worker_id for t in tasks if t.claimed_by_worker_id is not None}
    if not ids:
        return {}
    return dict(session.execute(select(Worker.id, Worker.name).where(Worker.id.in_(ids))).all())


def _audit(
    session: Session,
    principal: Principal,
    action: str,
    task: CallbackTask,
    now: datetime,
    changes: dict[str, dict[str, Any]],
) -> None:
    entity = (ENTITY, task.id)
    audit_record(session, principal, action, task.record_id, now, entity=entity, changes=changes)


def _worker_id(principal: Principal) -> int:
    if principal.worker_id is None:
        raise NotLinked()
    return principal.worker_id


@router.get("", response_model=CallbackPage)
def list_callbacks(
    principal: Reader,
    session: SessionDep,
    task_status: Annotated[CallbackStatus | None, Query(alias="status")] = None,
    line: Annotated[str | None, Query(max_length=32, description="A line's key")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CallbackPage:
    """Open tasks first, then claimed, then done; oldest first within each."""
    query = select(CallbackTask)
    if task_status:
        query = query.where(CallbackTask.status == task_status)
    if line:
        query = query.where(CallbackTask.line_id.in_(select(Line.id).where(Line.key == line)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    tasks = list(
        session.scalars(
            query.order_by(_STATUS_ORDER, CallbackTask.created_at, CallbackTask.id)
            .limit(limit)
            .offset(offset)
        ).unique()
    )
    names = _worker_names(session, tasks)
    return CallbackPage(items=[_read(t, names) for t in tasks], total=total)


def _task(session: Session, task_id: DbId) -> CallbackTask:
    task = session.get(CallbackTask, task_id)
    if task is None:
        raise NotFound("No such callback task")
    return task


@router.post("/{task_id}/claim", response_model=CallbackRead)
def claim_callback(
    task_id: DbId, principal: Doer, session: SessionDep, now: NowDep
) -> CallbackRead:
    """Take the task on. 409 when another worker has it or it is done."""
    worker_id = _worker_id(principal)
    # One atomic UPDATE: of two claims at once, exactly one finds the task still open.
    won = session.execute(
        update(CallbackTask)
        .where(CallbackTask.id == task_id, CallbackTask.status == CallbackStatus.OPEN)
        .values(status=CallbackStatus.CLAIMED, claimed_by_worker_id=worker_id, claimed_at=now)
        .returning(CallbackTask.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    task = _task(session, task_id)
    session.refresh(task)
    if won is None:
        if task.status == CallbackStatus.CLAIMED and task.claimed_by_worker_id == worker_id:
            return _read(task, _worker_names(session, [task]))
        if task.status == CallbackStatus.CLAIMED:
            raise Conflict("Another worker has this task")
        raise Conflict("This task is already done")
    _audit(
        session,
        principal,
        "callback.claim",
        task,
        now,
        {
            "status": {"old": CallbackStatus.OPEN.value, "new": CallbackStatus.CLAIMED.value},
            "claimed_by_worker_id": {"old": None, "new": worker_id},
        },
    )
    _give_record_to(session, principal, task, worker_id, now)
    return _read(task, _worker_names(session, [task]))


def _give_record_to(
    session: Session, principal: Principal, task: CallbackTask, worker_id: DbId, now: datetime
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


@router.post("/{task_id}/complete", response_model=CallbackRead)
def complete_callback(
    task_id: DbId, body: CallbackComplete, principal: Doer, session: SessionDep, now: NowDep
) -> CallbackRead:
    """Say what happened. The worker who claimed it (an open task is claimed on the way)."""
    worker_id = _worker_id(principal)
    task = session.scalar(
        select(CallbackTask).where(CallbackTask.id == task_id).with_for_update(of=CallbackTask)
    )
    if task is None:
        raise NotFound("No such callback task")
    if task.status == CallbackStatus.DONE:
        raise Conflict("This task is already done")
    if task.status == CallbackStatus.CLAIMED and task.claimed_by_worker_id != worker_id:
        raise Conflict("Another worker has this task")
    before = {
        "status": task.status,
        "claimed_by_worker_id": task.claimed_by_worker_id,
        "resolution": task.resolution,
        "outcome": task.outcome,
    }
    task.status = CallbackStatus.DONE
    task.claimed_by_worker_id = worker_id
    task.claimed_at = task.claimed_at or now
    task.resolution = body.resolution
    task.outcome = body.outcome.value
    task.completed_at = now
    task.completed_by_user_id = principal.user_id
    after = {
        "status": task.status,
        "claimed_by_worker_id": worker_id,
        "resolution": task.resolution,
        "outcome": task.outcome,
    }
    _audit(
        session,
        principal,
        "callback.complete",
        task,
        now,
        {k: {"old": before[k], "new": after[k]} for k in before if before[k] != after[k]},
    )
    session.flush()
    return _read(task, _worker_names(session, [task]))
