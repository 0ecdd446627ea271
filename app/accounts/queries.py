"""Reads for the admins' pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ConversationRecord


@dataclass(frozen=True)
class UnmatchedNumber:
    """Calls that came in on a number no line has (served as the public line meanwhile)."""

    dialled: str | None
    calls: int
    last: datetime


def unmatched_numbers(session: Session, since: datetime) -> list[UnmatchedNumber]:
    """Each dialled number that matched no line since ``since``, most recent first."""
    rows = session.execute(
        select(
            ConversationRecord.dialled_number,
            func.count(),
            func.max(ConversationRecord.started_at),
        )
        .where(ConversationRecord.dialled_known.is_(False), ConversationRecord.started_at >= since)
        .group_by(ConversationRecord.dialled_number)
        .order_by(func.max(ConversationRecord.started_at).desc())
    ).all()
    return [UnmatchedNumber(dialled, calls, last) for dialled, calls, last in rows]
