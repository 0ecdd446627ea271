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
from app.errors import Conflict, NotFound
from app.params import DbId
from app.records.callback_schemas import (
    AttemptCreate,
    AttemptRead,
    CallbackComplete,
    CallbackPage,
    CallbackRead,
)
from app.records.callback_service import (
    ENTITY,
    give_record_to,
    record_attempt,
    task_to_work_on,
    worker_id_of,
)
from app.records.schemas import LineRef, WorkerRef
from app.records.service import audit_record
from models import CallbackStatus, CallbackTask, Line, Worker
from models.records import CallbackAttempt

router = APIRouter(prefix="/callbacks", tags=["callbacks"])

Reader = Annotated[Principal, Depends(require(StaffRole.WORKER, StaffRole.MANAGER))]
Doer = Annotated[Principal, Depends(require(StaffRole.WORKER))]

# Tasks still to do (open or claimed) oldest first, then done ones: claiming a task keeps
# its place, so the oldest caller is still seen first.
_STATUS_ORDER = case(
    (CallbackTask.status.in_([CallbackStatus.OPEN, CallbackStatus.CLAIMED]), 0),
    else_=1,
)


def _attempt(attempt: CallbackAttempt) -> AttemptRead:
    return AttemptRead(
        id=attempt.id,
        at=attempt.at,
        worker=WorkerRef(id=attempt.worker_id, name=attempt.worker_name),
        result=attempt.result,
        note=attempt.note,
    )


def _attempts(session: Session, tasks: list[CallbackTask]) -> dict[int, list[AttemptRead]]:
    """Each task's attempts, oldest first, in one query for the whole page."""
    found: dict[int, list[AttemptRead]] = {task.id: [] for task in tasks}
    if not tasks:
        return found
    rows = session.scalars(
        select(CallbackAttempt)
        .where(CallbackAttempt.task_id.in_(list(found)))
        .order_by(CallbackAttempt.at, CallbackAttempt.id)
    )
    for attempt in rows:
        found[attempt.task_id].append(_attempt(attempt))
    return found


def _read(
    task: CallbackTask, names: dict[int, str], attempts: list[AttemptRead] | None = None
) -> CallbackRead:
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
        attempts=attempts or [],
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
    attempts = _attempts(session, tasks)
    return CallbackPage(items=[_read(t, names, attempts[t.id]) for t in tasks], total=total)


def _one(session: Session, task: CallbackTask) -> CallbackRead:
    return _read(task, _worker_names(session, [task]), _attempts(session, [task])[task.id])


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
    worker_id = worker_id_of(principal)
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
            return _one(session, task)
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
    give_record_to(session, principal, task, worker_id, now)
    return _one(session, task)


@router.post("/{task_id}/complete", response_model=CallbackRead)
def complete_callback(
    task_id: DbId, body: CallbackComplete, principal: Doer, session: SessionDep, now: NowDep
) -> CallbackRead:
    """Say what happened. The worker who claimed it (an open task is claimed on the way)."""
    worker_id = worker_id_of(principal)
    task = task_to_work_on(session, task_id, worker_id)
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
    return _one(session, task)


@router.post("/{task_id}/attempts", response_model=CallbackRead, status_code=201)
def add_attempt(
    task_id: DbId, body: AttemptCreate, principal: Doer, session: SessionDep, now: NowDep
) -> CallbackRead:
    """Record a try at calling back (no answer, voicemail left, wrong number, line busy,
    reached). The task stays to do, in its place, until it is completed."""
    attempt = record_attempt(session, principal, task_id, body, now)
    task = _task(session, attempt.task_id)
    return _one(session, task)
