"""/api/rota: gaps and conflicts, gap alerts, who is on call, a worker's own shifts."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import NowDep, SessionDep
from app.errors import Invalid, NotLinked
from app.formats import national
from app.rota import queries
from app.rota.routes.deps import DEFAULT_WEEKS, CoordinatorChange, Reader, WorkerUser
from app.rota.schemas import (
    AlertsRead,
    ConflictRead,
    GapRead,
    GapsRead,
    OnCallEntryRead,
    OnCallRead,
    RotaWorkerRead,
    ShiftRead,
    WorkerRef,
)
from app.workers import queries as worker_queries
from routing import OnCallRole
from routing.localtime import LocalTimeError, local_text, parse_local_time, utc_text

router = APIRouter()


@router.get("/workers", response_model=list[RotaWorkerRead])
def list_rota_workers(session: SessionDep, _: Reader) -> list[RotaWorkerRead]:
    return [
        RotaWorkerRead(
            id=w.id,
            name=w.name,
            active=w.active,
            phone_valid=queries.phone_valid(w.phone),
            phone_words=national(w.phone),
        )
        for w in worker_queries.list_workers(session)
    ]


@router.get("/colleagues", response_model=list[WorkerRef])
def list_colleagues(session: SessionDep, principal: WorkerUser) -> list[WorkerRef]:
    """Whom a worker may ask to take a shift: active workers calls can reach, not themselves.

    Names only: a worker choosing a colleague needs no one's phone number.
    """
    return [
        WorkerRef.of(w)
        for w in worker_queries.list_workers(session)
        if w.active and w.id != principal.worker_id and queries.phone_valid(w.phone)
    ]


@router.get("/gaps", response_model=GapsRead)
def gaps_and_conflicts(
    session: SessionDep,
    now: NowDep,
    _: Reader,
    weeks: Annotated[int, Query(ge=1, le=104)] = DEFAULT_WEEKS,
) -> GapsRead:
    report = queries.rota_report(session, now, now + timedelta(weeks=weeks))
    workers = {w.id: w for w in worker_queries.list_workers(session)}
    return GapsRead(
        from_=utc_text(report.start),
        to=utc_text(report.end),
        gaps=[GapRead.of(g) for g in report.gaps],
        conflicts=[ConflictRead.of(c, workers[c.worker_id]) for c in report.conflicts],
    )


@router.post("/check-gaps", response_model=AlertsRead)
def check_gaps(change: CoordinatorChange) -> AlertsRead:
    return AlertsRead(alerted=[GapRead.of(g) for g in change.check_gaps()])


@router.get("/on-call", response_model=OnCallRead)
def on_call(session: SessionDep, now: NowDep, _: Reader, at: str | None = None) -> OnCallRead:
    instant = now
    if at is not None:
        try:
            instant = parse_local_time(at)
        except LocalTimeError as exc:
            raise Invalid(("query", "at"), str(exc)) from None
    chain = queries.who_is_on_call(session, instant)
    entries = {
        role: [
            OnCallEntryRead(worker=WorkerRef(id=e.target.worker_id or 0, name=e.target.name))
            for e in chain
            if e.role is role
        ]
        for role in OnCallRole
    }
    return OnCallRead(
        at=utc_text(instant),
        at_local=local_text(instant),
        primary=entries[OnCallRole.PRIMARY],
        backup=entries[OnCallRole.BACKUP],
    )


@router.get("/mine", response_model=list[ShiftRead])
def my_shifts(
    session: SessionDep,
    now: NowDep,
    principal: WorkerUser,
    weeks: Annotated[int, Query(ge=1, le=104)] = DEFAULT_WEEKS,
) -> list[ShiftRead]:
    if principal.worker_id is None:
        raise NotLinked()
    shifts = queries.list_shifts(session, now, now + timedelta(weeks=weeks), principal.worker_id)
    return [ShiftRead.of(s, now) for s in shifts]
