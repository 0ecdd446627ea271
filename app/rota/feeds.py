"""Calendar feeds: a secret URL per worker (or for the whole rota), revocable by an admin.

A worker's feed is of their own shifts; coordinators and admins make any.
"""

from __future__ import annotations

import hashlib
import secrets

from app.errors import Forbidden, NotFound
from app.rota import queries
from app.rota.service import RotaChange
from app.rota.swaps import Asker
from models.rota import CalendarFeed
from models.tables import Worker


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(
    change: RotaChange, asker: Asker, worker_id: int | None, *, any_worker: bool
) -> tuple[CalendarFeed, str]:
    """A feed of one worker's shifts (or the whole rota); its secret, shown once."""
    requested = worker_id
    if not any_worker:
        # A worker's feed is of their own shifts: no worker_id means theirs.
        mine = asker.own_worker()
        worker_id = worker_id if worker_id is not None else mine
        if worker_id != mine:
            raise Forbidden("you can make a calendar feed of your own shifts only")
    worker: Worker | None = None
    if worker_id is not None:
        worker = queries.get_worker(change.session, worker_id)
    secret = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        worker=worker,
        token_hash=token_hash(secret),
        created_by_user_id=change.user_id,
        created_at=change.now,
    )
    change.session.add(feed)
    change.session.flush()
    change.audit("rota.feed.create", "calendar_feed", feed.id, {}, {"worker_id": requested})
    return feed, secret


def revoke_feed(change: RotaChange, feed_id: int) -> CalendarFeed:
    feed = change.session.get(CalendarFeed, feed_id)
    if feed is None:
        raise NotFound(f"no calendar feed {feed_id}")
    if feed.revoked_at is None:
        feed.revoked_at = change.now
        change.session.flush()
        change.audit(
            "rota.feed.revoke",
            "calendar_feed",
            feed.id,
            {"revoked_at": None},
            {"revoked_at": change.now.isoformat()},
        )
    return feed
