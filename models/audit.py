"""The audit trail: who read or changed what, when; old values kept. Append only."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_record", "record_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation_records.id", ondelete="SET NULL")
    )
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    detail: Mapped[str] = mapped_column(String(500), default="")


def audit(
    session: Session,
    *,
    actor_user_id: int | None,
    action: str,
    entity_type: str,
    entity_id: int | str,
    at: datetime,
    record_id: int | None = None,
    changes: Mapping[str, Mapping[str, Any]] | None = None,
    detail: str = "",
) -> None:
    """Add an audit event to the session; it is stored with the change it describes."""
    session.add(
        AuditEvent(
            at=at,
            actor_user_id=actor_user_id,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            record_id=record_id,
            changes={key: dict(value) for key, value in changes.items()} if changes else None,
            detail=detail[:500],
        )
    )


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """{field: {"old": ..., "new": ...}} for the fields whose values differ."""
    return {
        key: {"old": before.get(key), "new": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
