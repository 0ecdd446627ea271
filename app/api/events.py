"""/api/events: live events for the signed-in worker, as Server-Sent Events.

Events are rows in the database (models.events), so a call accepted through one process
reaches a browser connected to another. Each stream polls for new rows twice a second and
closes after a while; the browser's EventSource reconnects with Last-Event-ID, which also
checks the sign-in again.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.api.deps import SessionDep
from app.auth import Principal, StaffRole, require
from app.errors import NotLinked
from app.params import id_from_text
from models import worker_lines
from models.events import events_for, latest_event_id

router = APIRouter(tags=["events"])

POLL_SECONDS = 0.5
KEEPALIVE_SECONDS = 15.0
STREAM_SECONDS = 300.0


def _line_ids(session: Session, worker_id: int) -> list[int]:
    return list(
        session.scalars(select(worker_lines.c.line_id).where(worker_lines.c.worker_id == worker_id))
    )


def _poller(
    factory: sessionmaker[Session], worker_id: int, after: int
) -> Callable[[], list[tuple[int, str, str]]]:
    last_sent = after

    def poll() -> list[tuple[int, str, str]]:
        nonlocal last_sent
        with factory() as session:
            found = [
                (event.id, event.kind, json.dumps(event.payload))
                for event in events_for(
                    session,
                    worker_id=worker_id,
                    line_ids=_line_ids(session, worker_id),
                    after_id=last_sent,
                )
            ]
        if found:
            last_sent = found[-1][0]
        return found

    return poll


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def stream_events(
    request: Request,
    principal: Annotated[Principal, Depends(require(StaffRole.WORKER))],
    session: SessionDep,
) -> StreamingResponse:
    """My live events: `call.accepted` {record_id} when a call I pressed 1 for is mine,
    `record.assigned` {record_id}, `callback.created` {task_id} on my lines.

    Resumes after `Last-Event-ID` when the browser reconnects."""
    if principal.worker_id is None:
        raise NotLinked()
    last = request.headers.get("last-event-id", "")
    # Without Last-Event-ID, from now on: what happened before, the page has read already.
    after = id_from_text(last) or latest_event_id(session)
    poll = _poller(request.app.state.session_factory, principal.worker_id, after)

    async def stream() -> AsyncIterator[str]:
        yield "retry: 1000\n\n"
        loop = asyncio.get_running_loop()
        started = idle_since = loop.time()
        while loop.time() - started < STREAM_SECONDS:
            if await request.is_disconnected():
                return
            for event_id, kind, data in await to_thread.run_sync(poll):
                yield f"id: {event_id}\nevent: {kind}\ndata: {data}\n\n"
                idle_since = loop.time()
            if loop.time() - idle_since > KEEPALIVE_SECONDS:
                yield ": keep-alive\n\n"
                idle_since = loop.time()
            await asyncio.sleep(POLL_SECONDS)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
