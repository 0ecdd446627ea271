"""/api/rota: on-call shifts, rotations, covers, swaps, leave, gaps, calendar, feeds, CSV.

Coordinators change the rota; managers read it; a worker reads their own shifts and asks
for or accepts swaps. Every change is audited with its before and after, and is followed by
a check for gaps starting within 72 hours (alerted once each, after the commit).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.deps import NowDep, SessionDep
from app.auth import Principal, Role, public, require
from app.errors import AppError, Conflict, Forbidden, Invalid, NotFound
from app.notify import Notifier, gap_message, notifier_from_settings
from app.params import Day, DbId
from app.schemas.rota import (
    AlertsRead,
    ApplyRead,
    ApplyRequest,
    CalendarDay,
    CalendarRead,
    ConflictRead,
    CoverCreate,
    CoverRead,
    DeleteShiftRead,
    FeedCreate,
    FeedRead,
    GapRead,
    GapsRead,
    ImportRead,
    ImportRefusal,
    ImportRequest,
    LeaveCreate,
    LeaveRead,
    OnCallEntryRead,
    OnCallRead,
    RotationCreate,
    RotationDeleteRead,
    RotationRead,
    RotationUpdate,
    RotaWorkerRead,
    ShiftCreate,
    ShiftRead,
    ShiftUpdate,
    SwapAccept,
    SwapCreate,
    SwapRead,
    WindowRead,
    WorkerRef,
)
from app.services.rota_io import (
    build_calendar,
    export_csv,
    local_text,
    parse_time,
    read_import,
    token_hash,
    utc_text,
)
from models import queries
from models import rota_queries as rq
from models.audit import audit, changes_between
from models.rota import CalendarFeed, Rotation, ShiftSource, SwapRequest, SwapStatus
from models.tables import OnCallShift, Worker
from routing import LONDON, bank_holiday_name, out_of_hours_windows
from routing import Role as OnCallRole
from routing.rota import Gap, local_dates_range

router = APIRouter(prefix="/rota", tags=["rota"])

Coordinator = Annotated[Principal, Depends(require(Role.COORDINATOR))]
Reader = Annotated[Principal, Depends(require(Role.COORDINATOR, Role.MANAGER))]
SwapUser = Annotated[Principal, Depends(require(Role.COORDINATOR, Role.WORKER))]
SwapReader = Annotated[Principal, Depends(require(Role.COORDINATOR, Role.MANAGER, Role.WORKER))]
WorkerUser = Annotated[Principal, Depends(require(Role.WORKER))]
FeedAdmin = Annotated[Principal, Depends(require(Role.COORDINATOR, Role.ADMIN))]
FeedMaker = Annotated[Principal, Depends(require(Role.COORDINATOR, Role.ADMIN, Role.WORKER))]

ALERT_HORIZON = timedelta(hours=72)
DEFAULT_WEEKS = 8


class InvalidRows(AppError):
    """A CSV with refused rows: every refusal is listed, nothing is stored."""

    status_code = 422

    def __init__(self, refused: list[ImportRefusal]) -> None:
        super().__init__("some rows were refused; nothing was imported")
        self.refused = refused

    def body(self) -> object:
        return {
            "detail": [
                {
                    "loc": ["body", "csv", r.row, r.field],
                    "msg": f"row {r.row}, {r.field}: {r.message}",
                    "type": "invalid",
                }
                for r in self.refused
            ],
            "refused": [r.model_dump() for r in self.refused],
        }


@contextmanager
def _rules() -> Iterator[None]:
    """The rota rules' refusals in the API's vocabulary."""
    try:
        yield
    except rq.RotaInvalid as exc:
        raise Invalid(exc.field, exc.message) from None
    except rq.RotaNotFound as exc:
        raise NotFound(exc.message) from None
    except rq.RotaConflict as exc:
        raise Conflict(exc.message) from None


def _notifier(request: Request) -> Notifier:
    notifier: Notifier | None = getattr(request.app.state, "notifier", None)
    if notifier is None:
        notifier = notifier_from_settings(request.app.state.settings)
        request.app.state.notifier = notifier
    return notifier


def _check_gaps(
    request: Request, session: Session, now: datetime, background: BackgroundTasks
) -> list[Gap]:
    """Record gaps newly starting within 72 hours; their alerts go out after the commit."""
    fresh = rq.new_gap_alerts(session, now, ALERT_HORIZON)
    notifier = _notifier(request)
    for gap in fresh:
        background.add_task(notifier.send, gap_message(gap))
    return fresh


def _audit(
    session: Session,
    principal: Principal,
    now: datetime,
    action: str,
    entity_type: str,
    entity_id: int | str,
    before: dict[str, Any],
    after: dict[str, Any],
    detail: str = "",
) -> None:
    audit(
        session,
        actor_user_id=principal.user_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        at=now,
        changes=changes_between(before, after),
        detail=detail,
    )


def _date_range(first: date | None, last: date | None, now: datetime) -> tuple[date, date]:
    first = first or now.astimezone(LONDON).date()
    last = last or first + timedelta(weeks=DEFAULT_WEEKS)
    if last < first:
        raise Invalid(("query", "to"), "must not be before from")
    if (last - first).days > 800:
        raise Invalid(("query", "to"), "at most 800 days at once")
    return first, last


# Workers


@router.get("/workers", response_model=list[RotaWorkerRead])
def list_rota_workers(session: SessionDep, _: Reader) -> list[RotaWorkerRead]:
    return [
        RotaWorkerRead(id=w.id, name=w.name, active=w.active, phone_valid=rq.phone_valid(w.phone))
        for w in queries.list_workers(session)
    ]


# Shifts


@router.get("/shifts", response_model=list[ShiftRead])
def list_shifts(
    session: SessionDep,
    now: NowDep,
    _: Reader,
    from_: Annotated[Day | None, Query(alias="from")] = None,
    to: Day | None = None,
    worker_id: DbId | None = None,
    role: OnCallRole | None = None,
) -> list[ShiftRead]:
    first, last = _date_range(from_, to, now)
    start, end = local_dates_range(first, last)
    with _rules():
        shifts = rq.list_shifts(session, start, end, worker_id, role.value if role else None)
    return [ShiftRead.of(s, now) for s in shifts]


@router.get("/shifts/{shift_id}", response_model=ShiftRead)
def get_shift(shift_id: DbId, session: SessionDep, now: NowDep, _: Reader) -> ShiftRead:
    with _rules():
        return ShiftRead.of(rq.get_shift(session, shift_id), now)


@router.post("/shifts", status_code=201, response_model=ShiftRead)
def create_shift(
    body: ShiftCreate,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    now: NowDep,
    principal: Coordinator,
) -> ShiftRead:
    with _rules():
        shift = rq.create_shift(
            session,
            worker_id=body.worker_id,
            role=body.role,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
            now=now,
        )
    _audit(
        session,
        principal,
        now,
        "rota.shift.create",
        "oncall_shift",
        shift.id,
        {},
        rq.shift_snapshot(shift),
    )
    _check_gaps(request, session, now, background)
    return ShiftRead.of(shift, now)


@router.patch("/shifts/{shift_id}", response_model=ShiftRead)
def update_shift(
    shift_id: DbId,
    body: ShiftUpdate,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    now: NowDep,
    principal: Coordinator,
) -> ShiftRead:
    with _rules():
        shift = rq.get_shift(session, shift_id)
        before = rq.shift_snapshot(shift)
        result = rq.update_shift(
            session,
            shift,
            now=now,
            worker_id=body.worker_id,
            role=body.role,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
        )
    _audit(
        session,
        principal,
        now,
        "rota.shift.update",
        "oncall_shift",
        shift_id,
        before,
        rq.shift_snapshot(shift),
    )
    if result.id != shift_id:
        _audit(
            session,
            principal,
            now,
            "rota.shift.create",
            "oncall_shift",
            result.id,
            {},
            rq.shift_snapshot(result),
            detail=f"carries on shift {shift_id} from now",
        )
    _check_gaps(request, session, now, background)
    return ShiftRead.of(result, now)


@router.delete("/shifts/{shift_id}", response_model=DeleteShiftRead)
def delete_shift(
    shift_id: DbId,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    now: NowDep,
    principal: Coordinator,
) -> DeleteShiftRead:
    with _rules():
        shift = rq.get_shift(session, shift_id)
        before = rq.shift_snapshot(shift)
        ended = rq.delete_shift(session, shift, now)
    if ended is None:
        _audit(session, principal, now, "rota.shift.delete", "oncall_shift", shift_id, before, {})
    else:
        _audit(
            session,
            principal,
            now,
            "rota.shift.end",
            "oncall_shift",
            shift_id,
            before,
            rq.shift_snapshot(ended),
            detail="started: ended now rather than erased",
        )
    _check_gaps(request, session, now, background)
    return DeleteShiftRead(deleted=ended is None, ended=ShiftRead.of(ended, now) if ended else None)


# Rotations


def _rotation_snapshot(rotation: Rotation) -> dict[str, Any]:
    return {
        "name": rotation.name,
        "worker_ids": [m.worker_id for m in rotation.members],
        "handover_time": rotation.handover_time.strftime("%H:%M"),
        "period": rotation.period,
        "backup_offset": rotation.backup_offset,
        "anchor_date": rotation.anchor_date.isoformat(),
    }


@router.get("/rotations", response_model=list[RotationRead])
def list_rotations(session: SessionDep, _: Reader) -> list[RotationRead]:
    rotations = session.scalars(select(Rotation).order_by(Rotation.id))
    return [RotationRead.of(r) for r in rotations]


@router.get("/rotations/{rotation_id}", response_model=RotationRead)
def get_rotation(rotation_id: DbId, session: SessionDep, _: Reader) -> RotationRead:
    with _rules():
        return RotationRead.of(rq.get_rotation(session, rotation_id))


@router.post("/rotations", status_code=201, response_model=RotationRead)
def create_rotation(
    body: RotationCreate, session: SessionDep, now: NowDep, principal: Coordinator
) -> RotationRead:
    with _rules():
        rotation = rq.save_rotation(
            session,
            None,
            name=body.name,
            worker_ids=body.worker_ids,
            handover_time=body.handover_time,
            period=body.period,
            backup_offset=body.backup_offset,
            anchor_date=body.anchor_date or now.astimezone(LONDON).date(),
        )
    _audit(
        session,
        principal,
        now,
        "rota.rotation.create",
        "rotation",
        rotation.id,
        {},
        _rotation_snapshot(rotation),
    )
    return RotationRead.of(rotation)


@router.patch("/rotations/{rotation_id}", response_model=RotationRead)
def update_rotation(
    rotation_id: DbId,
    body: RotationUpdate,
    session: SessionDep,
    now: NowDep,
    principal: Coordinator,
) -> RotationRead:
    with _rules():
        rotation = rq.get_rotation(session, rotation_id)
        before = _rotation_snapshot(rotation)
        rotation = rq.save_rotation(
            session,
            rotation,
            name=body.name if body.name is not None else rotation.name,
            worker_ids=body.worker_ids
            if body.worker_ids is not None
            else [m.worker_id for m in rotation.members],
            handover_time=body.handover_time or rotation.handover_time,
            period=body.period or rotation.period,
            backup_offset=body.backup_offset or rotation.backup_offset,
            anchor_date=body.anchor_date or rotation.anchor_date,
        )
    _audit(
        session,
        principal,
        now,
        "rota.rotation.update",
        "rotation",
        rotation_id,
        before,
        _rotation_snapshot(rotation),
    )
    return RotationRead.of(rotation)


@router.delete("/rotations/{rotation_id}", response_model=RotationDeleteRead)
def delete_rotation(
    rotation_id: DbId,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    now: NowDep,
    principal: Coordinator,
) -> RotationDeleteRead:
    with _rules():
        rotation = rq.get_rotation(session, rotation_id)
        before = _rotation_snapshot(rotation)
        removed = rq.delete_rotation(session, rotation, now)
    _audit(
        session,
        principal,
        now,
        "rota.rotation.delete",
        "rotation",
        rotation_id,
        before,
        {},
        detail=f"{removed} future shifts removed",
    )
    _check_gaps(request, session, now, background)
    return RotationDeleteRead(deleted=True, shifts_removed=removed)


@router.post("/rotations/{rotation_id}/apply", response_model=ApplyRead)
def apply_rotation(
    rotation_id: DbId,
    body: ApplyRequest,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    now: NowDep,
    principal: Coordinator,
) -> ApplyRead:
    with _rules():
        rotation = rq.get_rotation(session, rotation_id)
        result = rq.apply_rotation(session, rotation, body.from_date, body.to_date, now)
    _audit(
        session,
        principal,
        now,
        "rota.rotation.apply",
        "rotation",
        rotation_id,
        {},
        {
            "from_date": body.from_date.isoformat(),
            "to_date": body.to_date.isoformat(),
            "created": result.created,
            "updated": result.updated,
            "removed": result.removed,
        },
    )
    _check_gaps(request, session, now, background)
    return ApplyRead(
        created=result.created,
        updated=result.updated,
        removed=result.removed,
        unchanged=result.unchanged,
        from_date=body.from_date,
        to_date=body.to_date,
    )


# Covers


@router.get("/covers", response_model=list[CoverRead])
def list_covers(
    session: SessionDep,
    now: NowDep,
    _: Reader,
    from_: Annotated[Day | None, Query(alias="from")] = None,
    to: Day | None = None,
) -> list[CoverRead]:
    first, last = _date_range(from_, to, now)
    start, end = local_dates_range(first, last)
    return [
        CoverRead.of(c, rq.cover_shift_ids(session, c.id))
        for c in rq.list_covers(session, start, end)
    ]


@router.post("/covers", status_code=201, response_model=CoverRead)
def create_cover(
    body: CoverCreate,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    now: NowDep,
    principal: Coordinator,
) -> CoverRead:
    with _rules():
        cover, rows = rq.add_cover(
            session,
            covering_worker_id=body.covering_worker_id,
            covered_worker_id=body.covered_worker_id,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
            role=body.role,
            reason=body.reason,
            now=now,
            user_id=principal.user_id,
        )
    _audit(
        session,
        principal,
        now,
        "rota.cover.create",
        "rota_cover",
        cover.id,
        {},
        {
            "covering_worker_id": cover.covering_worker_id,
            "covered_worker_id": cover.covered_worker_id,
            "role": cover.role,
            "starts_at": cover.starts_at.isoformat(),
            "ends_at": cover.ends_at.isoformat(),
            "shift_ids": sorted(r.id for r in rows),
        },
    )
    _check_gaps(request, session, now, background)
    session.refresh(cover)
    return CoverRead.of(cover, [r.id for r in rows])


# Swaps


def _swap_visible(swap: SwapRequest, principal: Principal) -> bool:
    if principal.has(Role.COORDINATOR, Role.MANAGER):
        return True
    me = principal.worker_id
    return me is not None and (
        swap.requested_by_worker_id == me
        or swap.with_worker_id == me
        or (swap.with_worker_id is None and swap.status == SwapStatus.PENDING)
    )


@router.get("/swaps", response_model=list[SwapRead])
def list_swaps(
    session: SessionDep,
    now: NowDep,
    principal: SwapReader,
    status: SwapStatus | None = None,
) -> list[SwapRead]:
    swaps = rq.list_swaps(session, status.value if status else None)
    return [SwapRead.of(s, now) for s in swaps if _swap_visible(s, principal)]


def _swap_snapshot(swap: SwapRequest) -> dict[str, Any]:
    return {
        "shift_id": swap.shift_id,
        "requested_by_worker_id": swap.requested_by_worker_id,
        "with_worker_id": swap.with_worker_id,
        "accepted_by_worker_id": swap.accepted_by_worker_id,
        "status": swap.status,
    }


@router.post("/swaps", status_code=201, response_model=SwapRead)
def request_swap(
    body: SwapCreate, session: SessionDep, now: NowDep, principal: SwapUser
) -> SwapRead:
    shift = session.get(OnCallShift, body.shift_id)
    if shift is None:
        raise Invalid("shift_id", f"unknown shift {body.shift_id}")
    if not principal.has(Role.COORDINATOR) and shift.worker_id != principal.worker_id:
        raise Forbidden("you can ask to swap only your own shifts")
    with _rules():
        swap = rq.request_swap(
            session,
            shift,
            requested_by_worker_id=shift.worker_id,
            with_worker_id=body.with_worker_id,
            note=body.note,
            now=now,
            user_id=principal.user_id,
        )
    _audit(
        session, principal, now, "rota.swap.request", "rota_swap", swap.id, {}, _swap_snapshot(swap)
    )
    return SwapRead.of(swap, now)


def _decide(
    swap_id: int,
    status: SwapStatus,
    request: Request,
    background: BackgroundTasks,
    session: Session,
    now: datetime,
    principal: Principal,
    accepting_worker_id: int | None = None,
) -> SwapRead:
    with _rules():
        swap = rq.get_swap(session, swap_id)
    coordinator = principal.has(Role.COORDINATOR)
    me = principal.worker_id
    if status is SwapStatus.ACCEPTED:
        if coordinator:
            accepting_worker_id = accepting_worker_id or swap.with_worker_id
        else:
            offered_to_me = swap.with_worker_id == me or (
                swap.with_worker_id is None and me != swap.requested_by_worker_id
            )
            if me is None or not offered_to_me:
                raise Forbidden("this swap was not offered to you")
            accepting_worker_id = me
    elif status is SwapStatus.DECLINED:
        if not coordinator and (me is None or swap.with_worker_id != me):
            raise Forbidden("only the worker asked, or a coordinator, can decline")
    elif not coordinator and (me is None or swap.requested_by_worker_id != me):
        raise Forbidden("only the worker who asked, or a coordinator, can cancel")
    before = _swap_snapshot(swap)
    with _rules():
        rq.decide_swap(
            session,
            swap,
            status,
            now=now,
            user_id=principal.user_id,
            accepting_worker_id=accepting_worker_id,
        )
    _audit(
        session,
        principal,
        now,
        f"rota.swap.{status.value}",
        "rota_swap",
        swap.id,
        before,
        _swap_snapshot(swap),
    )
    if status is SwapStatus.ACCEPTED:
        _check_gaps(request, session, now, background)
    session.refresh(swap)
    return SwapRead.of(swap, now)


@router.post("/swaps/{swap_id}/accept", response_model=SwapRead)
def accept_swap(
    swap_id: DbId,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    now: NowDep,
    principal: SwapUser,
    body: SwapAccept | None = None,
) -> SwapRead:
    worker_id = body.worker_id if body else None
    return _decide(
        swap_id, SwapStatus.ACCEPTED, request, background, session, now, principal, worker_id
    )


@router.post("/swaps/{swap_id}/decline", response_model=SwapRead)
def decline_swap(
    swap_id: DbId,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    now: NowDep,
    principal: SwapUser,
) -> SwapRead:
    return _decide(swap_id, SwapStatus.DECLINED, request, background, session, now, principal)


@router.post("/swaps/{swap_id}/cancel", response_model=SwapRead)
def cancel_swap(
    swap_id: DbId,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    now: NowDep,
    principal: SwapUser,
) -> SwapRead:
    return _decide(swap_id, SwapStatus.CANCELLED, request, background, session, now, principal)


# Leave


@router.get("/leave", response_model=list[LeaveRead])
def list_leave(session: SessionDep, _: Reader, worker_id: DbId | None = None) -> list[LeaveRead]:
    return [LeaveRead.of(x) for x in rq.list_leave(session, worker_id)]


@router.post("/leave", status_code=201, response_model=LeaveRead)
def add_leave(
    body: LeaveCreate, session: SessionDep, now: NowDep, principal: Coordinator
) -> LeaveRead:
    with _rules():
        leave = rq.add_leave(
            session,
            worker_id=body.worker_id,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
            reason=body.reason,
        )
    # The reason may be personal (sickness): the audit keeps that there was one, not what.
    _audit(
        session,
        principal,
        now,
        "rota.leave.create",
        "worker_leave",
        leave.id,
        {},
        {
            "worker_id": leave.worker_id,
            "starts_at": leave.starts_at.isoformat(),
            "ends_at": leave.ends_at.isoformat(),
        },
    )
    return LeaveRead.of(leave)


@router.delete("/leave/{leave_id}", status_code=204)
def delete_leave(
    leave_id: DbId, session: SessionDep, now: NowDep, principal: Coordinator
) -> Response:
    with _rules():
        leave = rq.delete_leave(session, leave_id)
    _audit(
        session,
        principal,
        now,
        "rota.leave.delete",
        "worker_leave",
        leave_id,
        {
            "worker_id": leave.worker_id,
            "starts_at": leave.starts_at.isoformat(),
            "ends_at": leave.ends_at.isoformat(),
        },
        {},
    )
    return Response(status_code=204)


# Gaps, alerts, who is on call


@router.get("/gaps", response_model=GapsRead)
def gaps_and_conflicts(
    session: SessionDep,
    now: NowDep,
    _: Reader,
    weeks: Annotated[int, Query(ge=1, le=104)] = DEFAULT_WEEKS,
) -> GapsRead:
    report = rq.rota_report(session, now, now + timedelta(weeks=weeks))
    workers = {w.id: w for w in queries.list_workers(session)}
    return GapsRead(
        from_=utc_text(report.start),
        to=utc_text(report.end),
        gaps=[GapRead.of(g) for g in report.gaps],
        conflicts=[ConflictRead.of(c, workers[c.worker_id]) for c in report.conflicts],
    )


@router.post("/check-gaps", response_model=AlertsRead)
def check_gaps(
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    now: NowDep,
    _: Coordinator,
) -> AlertsRead:
    fresh = _check_gaps(request, session, now, background)
    return AlertsRead(alerted=[GapRead.of(g) for g in fresh])


@router.get("/on-call", response_model=OnCallRead)
def on_call(session: SessionDep, now: NowDep, _: Reader, at: str | None = None) -> OnCallRead:
    instant = now
    if at is not None:
        try:
            instant = parse_time(at)
        except ValueError as exc:
            raise Invalid(("query", "at"), str(exc)) from None
    chain = rq.who_is_on_call(session, instant)
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
        raise Forbidden("your account is not linked to a worker")
    shifts = rq.list_shifts(session, now, now + timedelta(weeks=weeks), principal.worker_id)
    return [ShiftRead.of(s, now) for s in shifts]


# Calendar grid


@router.get("/calendar", response_model=CalendarRead)
def calendar(
    session: SessionDep,
    now: NowDep,
    _: Reader,
    view: Annotated[str, Query(pattern="^(week|month)$")] = "week",
    date_: Annotated[Day | None, Query(alias="date")] = None,
    line: str = "professional",
) -> CalendarRead:
    lines = {x.key: x for x in queries.routing_lines(session)}
    if line not in lines:
        raise Invalid(("query", "line"), f"unknown line (known: {', '.join(lines)})")
    day = date_ or now.astimezone(LONDON).date()
    if view == "week":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=6)
    else:
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start, end = local_dates_range(first, last)
    overrides = queries.routing_overrides(session, start, end)
    windows = out_of_hours_windows(start, end, lines[line], overrides)
    report = rq.rota_report(session, start, end)
    gaps = [g for g in report.gaps if line in g.line_keys]
    shifts = rq.list_shifts(session, start, end)
    days = []
    current = first
    while current <= last:
        lo, hi = local_dates_range(current, current)
        days.append(
            CalendarDay(
                date=current,
                weekday=current.strftime("%A"),
                bank_holiday=bank_holiday_name(current),
                windows=[
                    WindowRead(
                        starts_at=utc_text(max(a, lo)),
                        ends_at=utc_text(min(b, hi)),
                        starts_local=local_text(max(a, lo)),
                        ends_local=local_text(min(b, hi)),
                    )
                    for a, b in windows
                    if a < hi and b > lo
                ],
                shifts=[
                    ShiftRead.of(s, now) for s in shifts if s.starts_at < hi and s.ends_at > lo
                ],
                gaps=[GapRead.of(g) for g in gaps if g.starts_at < hi and g.ends_at > lo],
            )
        )
        current += timedelta(days=1)
    return CalendarRead(view=view, line=line, from_=first, to=last, days=days)


# CSV


@router.get("/export.csv", response_class=Response)
def export_shifts(
    session: SessionDep,
    now: NowDep,
    _: Reader,
    from_: Annotated[Day | None, Query(alias="from")] = None,
    to: Day | None = None,
) -> Response:
    first, last = _date_range(from_, to, now)
    start, end = local_dates_range(first, last)
    body = export_csv(rq.list_shifts(session, start, end))
    return Response(
        content=body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="rota-{first}-{last}.csv"'},
    )


@router.post("/import", response_model=ImportRead)
def import_shifts(
    body: ImportRequest,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    now: NowDep,
    principal: Coordinator,
) -> ImportRead:
    rows, refused = read_import(session, body.csv, now, rq.MAX_SHIFT.total_seconds() / 3600)
    if refused:
        raise InvalidRows(
            [ImportRefusal(row=r.row, field=r.field, message=r.message) for r in refused]
        )
    if not rows:
        raise Invalid("csv", "no rows to import")
    ids: list[int] = []
    if not body.dry_run:
        with _rules():
            for row in rows:
                shift = rq.create_shift(
                    session,
                    worker_id=row.worker_id,
                    role=row.role.value,
                    starts_at=row.starts_at,
                    ends_at=row.ends_at,
                    now=now,
                    source=ShiftSource.IMPORT,
                )
                ids.append(shift.id)
                _audit(
                    session,
                    principal,
                    now,
                    "rota.shift.import",
                    "oncall_shift",
                    shift.id,
                    {},
                    rq.shift_snapshot(shift),
                    detail=f"CSV row {row.row}",
                )
        _check_gaps(request, session, now, background)
    return ImportRead(imported=len(ids), dry_run=body.dry_run, shift_ids=ids)


# Calendar feeds


@router.get("/feeds", response_model=list[FeedRead])
def list_feeds(session: SessionDep, _: FeedAdmin) -> list[FeedRead]:
    feeds = session.scalars(select(CalendarFeed).order_by(CalendarFeed.id))
    return [FeedRead.of(f) for f in feeds]


@router.post("/feeds", status_code=201, response_model=FeedRead)
def create_feed(
    body: FeedCreate, request: Request, session: SessionDep, now: NowDep, principal: FeedMaker
) -> FeedRead:
    worker_id = body.worker_id
    if not principal.has(Role.COORDINATOR, Role.ADMIN):
        # A worker's feed is of their own shifts: no worker_id means theirs.
        worker_id = worker_id if worker_id is not None else principal.worker_id
        if worker_id is None or worker_id != principal.worker_id:
            raise Forbidden("you can make a calendar feed of your own shifts only")
    worker: Worker | None = None
    if worker_id is not None:
        worker = session.get(Worker, worker_id)
        if worker is None:
            raise Invalid("worker_id", f"unknown worker {worker_id}")
    secret = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        worker=worker,
        token_hash=token_hash(secret),
        created_by_user_id=principal.user_id,
        created_at=now,
    )
    session.add(feed)
    session.flush()
    _audit(
        session,
        principal,
        now,
        "rota.feed.create",
        "calendar_feed",
        feed.id,
        {},
        {"worker_id": body.worker_id},
    )
    base = request.app.state.settings.public_base_url
    return FeedRead.of(feed, url=f"{base}/api/rota/calendar/{secret}.ics")


@router.delete("/feeds/{feed_id}", response_model=FeedRead)
def revoke_feed(feed_id: DbId, session: SessionDep, now: NowDep, principal: FeedAdmin) -> FeedRead:
    feed = session.get(CalendarFeed, feed_id)
    if feed is None:
        raise NotFound(f"no calendar feed {feed_id}")
    if feed.revoked_at is None:
        feed.revoked_at = now
        session.flush()
        _audit(
            session,
            principal,
            now,
            "rota.feed.revoke",
            "calendar_feed",
            feed.id,
            {"revoked_at": None},
            {"revoked_at": now.isoformat()},
        )
    return FeedRead.of(feed)


@router.get(
    "/calendar/{secret}.ics",
    response_class=Response,
    dependencies=[public("calendar feed: its secret URL is the key, revocable by an admin")],
)
def calendar_feed(secret: str, session: SessionDep, now: NowDep) -> Response:
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(secret)))
    if feed is None or feed.revoked_at is not None:
        return JSONResponse({"detail": "no such calendar feed"}, status_code=404)
    start, end = now - timedelta(weeks=4), now + timedelta(weeks=52)
    shifts = rq.list_shifts(session, start, end, feed.worker_id)
    name = f"On call: {feed.worker.name}" if feed.worker else "Dutyline on-call rota"
    return Response(
        content=build_calendar(name, shifts, now),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )
