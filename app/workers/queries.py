"""Reads over workers and lines, for the CLI, the API and the rota."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.tables import Line, Worker


def lines_by_key(session: Session) -> dict[str, Line]:
    return {line.key: line for line in session.scalars(select(Line).order_by(Line.id))}


def find_worker(session: Session, name_or_id: str) -> Worker | None:
    """A worker by id (all digits) or by name, ignoring case and surrounding spaces."""
    text = name_or_id.strip()
    if text.isdigit():
        return session.get(Worker, int(text))
    if not text:
        return None
    return session.scalars(select(Worker).where(func.lower(Worker.name) == text.lower())).first()


def workers_with_phone(session: Session, phone_e164: str) -> Sequence[Worker]:
    return session.scalars(
        select(Worker).where(Worker.phone == phone_e164).order_by(Worker.id)
    ).all()


def list_workers(session: Session) -> Sequence[Worker]:
    return session.scalars(select(Worker).order_by(Worker.name, Worker.id)).all()


def count_workers(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Worker)) or 0
