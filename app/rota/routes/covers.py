"""/api/rota/covers and /api/rota/swaps: one worker standing in for another."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import NowDep, SessionDep
from app.auth import StaffRole
from app.params import Day, DbId
from app.rota import queries, swaps
from app.rota.routes.deps import (
    CoordinatorChange,
    Reader,
    SwapChange,
    SwapReader,
    SwapUser,
    asker,
    date_range,
)
from app.rota.schemas import CoverCreate, CoverRead, SwapAccept, SwapCreate, SwapRead
from models.rota import SwapStatus
from routing.rota import local_dates_range

router = APIRouter()


@router.get("/covers", response_model=list[CoverRead])
def list_covers(
    session: SessionDep,
    now: NowDep,
    _: Reader,
    from_: Annotated[Day | None, Query(alias="from")] = None,
    to: Day | None = None,
) -> list[CoverRead]:
    start, end = local_dates_range(*date_range(from_, to, now))
    return [
        CoverRead.of(c, queries.cover_shift_ids(session, c.id))
        for c in queries.list_covers(session, start, end)
    ]


@router.post("/covers", status_code=201, response_model=CoverRead)
def create_cover(body: CoverCreate, change: CoordinatorChange) -> CoverRead:
    cover, rows = swaps.add_cover(
        change,
        covering_worker_id=body.covering_worker_id,
        covered_worker_id=body.covered_worker_id,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        role_name=body.role,
        reason=body.reason,
    )
    return CoverRead.of(cover, [r.id for r in rows])


@router.get("/swaps", response_model=list[SwapRead])
def list_swaps(
    session: SessionDep, now: NowDep, principal: SwapReader, status: SwapStatus | None = None
) -> list[SwapRead]:
    reader = principal.has(StaffRole.COORDINATOR, StaffRole.MANAGER)
    return [
        SwapRead.of(s, now)
        for s in queries.list_swaps(session, status.value if status else None)
        if swaps.swap_visible(s, asker(principal), reader)
    ]


@router.post("/swaps", status_code=201, response_model=SwapRead)
def request_swap(body: SwapCreate, change: SwapChange, principal: SwapUser) -> SwapRead:
    swap = swaps.request_swap(
        change,
        asker(principal),
        shift_id=body.shift_id,
        with_worker_id=body.with_worker_id,
        note=body.note,
    )
    return SwapRead.of(swap, change.now)


@router.post("/swaps/{swap_id}/accept", response_model=SwapRead)
def accept_swap(
    swap_id: DbId, change: SwapChange, principal: SwapUser, body: SwapAccept | None = None
) -> SwapRead:
    worker_id = body.worker_id if body else None
    swap = swaps.decide_swap(change, asker(principal), swap_id, SwapStatus.ACCEPTED, worker_id)
    return SwapRead.of(swap, change.now)


@router.post("/swaps/{swap_id}/decline", response_model=SwapRead)
def decline_swap(swap_id: DbId, change: SwapChange, principal: SwapUser) -> SwapRead:
    swap = swaps.decide_swap(change, asker(principal), swap_id, SwapStatus.DECLINED)
    return SwapRead.of(swap, change.now)


@router.post("/swaps/{swap_id}/cancel", response_model=SwapRead)
def cancel_swap(swap_id: DbId, change: SwapChange, principal: SwapUser) -> SwapRead:
    swap = swaps.decide_swap(change, asker(principal), swap_id, SwapStatus.CANCELLED)
    return SwapRead.of(swap, change.now)
