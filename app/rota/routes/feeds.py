"""/api/rota/feeds and the iCalendar feeds themselves (their secret URL is the key)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response

from app.api.deps import NowDep, SessionDep
from app.auth import StaffRole, public
from app.params import DbId
from app.rota import feeds, queries
from app.rota.io import build_calendar
from app.rota.routes.deps import FeedAdmin, FeedAdminChange, FeedMaker, FeedMakerChange, asker
from app.rota.schemas import FeedCreate, FeedRead

router = APIRouter()


@router.get("/feeds", response_model=list[FeedRead])
def list_feeds(session: SessionDep, _: FeedAdmin) -> list[FeedRead]:
    return [FeedRead.of(f) for f in queries.list_feeds(session)]


@router.post("/feeds", status_code=201, response_model=FeedRead)
def create_feed(
    body: FeedCreate, request: Request, change: FeedMakerChange, principal: FeedMaker
) -> FeedRead:
    any_worker = principal.has(StaffRole.COORDINATOR, StaffRole.ADMIN)
    feed, secret = feeds.create_feed(
        change, asker(principal), body.worker_id, any_worker=any_worker
    )
    base = request.app.state.settings.public_base_url
    return FeedRead.of(feed, url=f"{base}/api/rota/calendar/{secret}.ics")


@router.delete("/feeds/{feed_id}", response_model=FeedRead)
def revoke_feed(feed_id: DbId, change: FeedAdminChange) -> FeedRead:
    return FeedRead.of(feeds.revoke_feed(change, feed_id))


@router.get(
    "/calendar/{secret}.ics",
    response_class=Response,
    dependencies=[public("calendar feed: its secret URL is the key, revocable by an admin")],
)
def calendar_feed(secret: str, session: SessionDep, now: NowDep) -> Response:
    feed = queries.live_feed(session, feeds.token_hash(secret))
    start, end = now - timedelta(weeks=4), now + timedelta(weeks=52)
    shifts = queries.list_shifts(session, start, end, feed.worker_id)
    name = f"On call: {feed.worker.name}" if feed.worker else "Dutyline on-call rota"
    return Response(
        content=build_calendar(name, shifts, now),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )
