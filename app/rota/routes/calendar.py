"""/api/rota/calendar: a week or a month of one line, day by day, for the calendar page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import NowDep, SessionDep
from app.params import Day
from app.rota import queries
from app.rota.routes.deps import Reader
from app.rota.schemas import CalendarRead
from routing import LONDON

router = APIRouter()


@router.get("/calendar", response_model=CalendarRead)
def calendar(
    session: SessionDep,
    now: NowDep,
    _: Reader,
    view: Annotated[str, Query(pattern="^(week|month)$")] = "week",
    date_: Annotated[Day | None, Query(alias="date")] = None,
    line: str = "professional",
) -> CalendarRead:
    day = date_ or now.astimezone(LONDON).date()
    return queries.calendar(session, view, day, line, now)
