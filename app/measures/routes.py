"""/api/measures, the on-call load, the wallboard's figures and stream, the Annex A return.

Managers read the measures and the return; coordinators also read the load (who took how
many calls, out-of-hours calls per on-call shift), which is what a rota needs; the
wallboard is for the duty room, so workers see it too. It names no caller and no child.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session, sessionmaker

from app.api.deps import NowDep, SessionDep
from app.auth import Principal, StaffRole, require
from app.measures import annex_a, service, wallboard
from app.measures.schemas import (
    DayFigures,
    LineFilter,
    Load,
    MeasuresRead,
    PeriodFilter,
    QueueNow,
    Wallboard,
)
from app.measures.words import OUTCOME_NAMES
from app.params import Day

router = APIRouter(tags=["measures"])

Manager = Annotated[Principal, Depends(require(StaffRole.MANAGER))]
LoadReader = Annotated[Principal, Depends(require(StaffRole.MANAGER, StaffRole.COORDINATOR))]
DutyRoom = Annotated[
    Principal, Depends(require(StaffRole.MANAGER, StaffRole.COORDINATOR, StaffRole.WORKER))
]
First = Annotated[Day | None, Query(alias="from", description="First London day, YYYY-MM-DD.")]
Last = Annotated[Day | None, Query(alias="to", description="Last London day, included.")]
LineQuery = Annotated[LineFilter | None, Query(description="One line; both when left out.")]
PeriodQuery = Annotated[PeriodFilter | None, Query(description="In or out of hours; both.")]

WALLBOARD_POLL_SECONDS = 2.0
STREAM_SECONDS = 300.0


@router.get("/measures", response_model=MeasuresRead)
def read_measures(
    request: Request,
    _: Manager,
    session: SessionDep,
    now: NowDep,
    first: First = None,
    last: Last = None,
    line: LineQuery = None,
    period: PeriodQuery = None,
) -> MeasuresRead:
    """The service's measures for a stretch of London days (default: the last 28), beside
    the stretch of the same length just before. Definitions: /insight/measures."""
    return service.measures(session, request.app.state.settings, now, first, last, line, period)


def _csv_value(value: object) -> str:
    return "" if value is None else str(value)


def daily_csv(days: list[DayFigures]) -> str:
    """One row per London day; the outcome counts one column each."""
    skip = {"day", "outcomes", "england_re_referral_rate"}
    fields = [name for name in DayFigures.model_fields if name not in skip]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["day", *fields, *(f"outcome_{key}" for key in OUTCOME_NAMES)])
    for day in days:
        values = day.model_dump()
        writer.writerow(
            [
                day.day.isoformat(),
                *(_csv_value(values[name]) for name in fields),
                *(str(day.outcomes.get(key, 0)) for key in OUTCOME_NAMES),
            ]
        )
    return out.getvalue()


@router.get("/measures.csv", response_class=Response)
def read_measures_csv(
    request: Request,
    _: Manager,
    session: SessionDep,
    now: NowDep,
    first: First = None,
    last: Last = None,
    line: LineQuery = None,
    period: PeriodQuery = None,
) -> Response:
    """The same measures as CSV, one row per London day (days without calls included)."""
    settings = request.app.state.settings
    start, end = service.stretch(first, last, now)
    scope = service.scope_of(session, start, end, line, period)
    days = service.by_day(session, scope, start, end, service.thresholds_of(settings), now)
    name = f"measures-{start.isoformat()}-to-{end.isoformat()}.csv"
    return Response(
        daily_csv(days),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/measures/load", response_model=Load)
def read_load(
    _: LoadReader,
    session: SessionDep,
    now: NowDep,
    first: First = None,
    last: Last = None,
    line: LineQuery = None,
    period: PeriodQuery = None,
) -> Load:
    """The load alone: calls by weekday and hour, per worker, per on-call shift."""
    start, end = service.stretch(first, last, now)
    scope = service.scope_of(session, start, end, line, period)
    return service.load(session, scope, start, end)


@router.get("/wallboard", response_model=Wallboard)
def read_wallboard(request: Request, _: DutyRoom, session: SessionDep, now: NowDep) -> Wallboard:
    """Now, per line: who is available, busy or offline; calls ringing and the longest
    wait; callbacks waiting and the oldest; today's offered, answered, abandoned and
    service level. No caller's number, no child's name."""
    return wallboard.now(session, service.thresholds_of(request.app.state.settings), now)


@router.get("/queue", response_model=QueueNow)
def read_queue(_: DutyRoom, session: SessionDep, now: NowDep) -> QueueNow:
    """Callers waiting in each line's in-hours queue, and the longest wait. No caller's
    number: for the desk's "Callers waiting" panel."""
    return wallboard.queue_now(session, now)


def _wallboard_poller(factory: sessionmaker[Session], request: Request) -> Callable[[], str]:
    thresholds = service.thresholds_of(request.app.state.settings)
    clock = request.app.state.clock

    def poll() -> str:
        with factory() as session:
            board = wallboard.now(session, thresholds, clock())
        return board.model_dump_json()

    return poll


@router.get(
    "/wallboard/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def stream_wallboard(request: Request, _: DutyRoom) -> StreamingResponse:
    """The wallboard's figures as Server-Sent Events (`figures`), computed from the
    database every two seconds, so a call through any process shows; sent when they
    change, and at least every 15 seconds."""
    poll = _wallboard_poller(request.app.state.session_factory, request)

    async def stream() -> AsyncIterator[str]:
        yield "retry: 2000\n\n"
        loop = asyncio.get_running_loop()
        started = sent_at = loop.time()
        last_figures = ""
        while loop.time() - started < STREAM_SECONDS:
            if await request.is_disconnected():
                return
            board = await to_thread.run_sync(poll)
            figures = json.loads(board)
            figures.pop("at")
            changed = json.dumps(figures, sort_keys=True)
            if changed != last_figures or loop.time() - sent_at > 15:
                yield f"event: figures\ndata: {board}\n\n"
                last_figures, sent_at = changed, loop.time()
            await asyncio.sleep(WALLBOARD_POLL_SECONDS)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/annex-a/list-1.csv", response_class=Response)
def annex_a_csv(
    principal: Manager,
    session: SessionDep,
    now: NowDep,
    first: First = None,
    last: Last = None,
) -> Response:
    """Ofsted's Annex A List 1 (contacts) for a stretch of days, as CSV, in Annex A's
    column order. Audited: it reads every record in the stretch."""
    start, end = service.stretch(first, last, now)
    rows = annex_a.list_1(session, principal, start, end, now)
    name = annex_a.filename(start, end, "csv")
    return Response(
        annex_a.as_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/annex-a/list-1.xlsx", response_class=Response)
def annex_a_xlsx(
    principal: Manager,
    session: SessionDep,
    now: NowDep,
    first: First = None,
    last: Last = None,
) -> Response:
    """The same return as an Excel workbook."""
    start, end = service.stretch(first, last, now)
    rows = annex_a.list_1(session, principal, start, end, now)
    name = annex_a.filename(start, end, "xlsx")
    return Response(
        annex_a.as_xlsx(rows),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
