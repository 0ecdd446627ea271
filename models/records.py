"""What a person writes about a call: the children index and the addenda.

The record's written content lives with the call's facts in ``conversation_records``
(``content``, a JSON document validated by ``app.records.schemas``). Two things need
tables of their own:

- ``record_children``: one row per child named in a record, with the name and the
  reference number normalised, so that earlier contacts about the same child are found
  by an indexed query rather than by reading every record's JSON.
- ``record_addenda``: what is added after a record was completed. Rows are only ever
  inserted: a completed record is never overwritten.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, UTCDateTime
from models.tables import ConversationRecord

NAME_KEY_LENGTH = 120
REFERENCE_KEY_LENGTH = 64
ADDENDUM_MAX = 4000


class RecordChild(Base):
    """A child named in a conversation record, as the previous-contacts search sees them."""

    __tablename__ = "record_children"
    __table_args__ = (
        Index("ix_record_children_name_dob", "name_key", "date_of_birth"),
        Index("ix_record_children_reference_key", "reference_key"),
        # Migration 0006: the measures read the children, and their earlier contacts, from
        # these alone.
        Index(
            "ix_record_children_measures",
            "record_id",
            "name_key",
            "date_of_birth",
            "reference_key",
        ),
        Index("ix_record_children_name_dob_started", "name_key", "date_of_birth", "started_at"),
        Index("ix_record_children_reference_started", "reference_key", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("conversation_records.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name_key: Mapped[str] = mapped_column(String(NAME_KEY_LENGTH))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    reference_key: Mapped[str | None] = mapped_column(String(REFERENCE_KEY_LENGTH))
    # Migration 0006, for Annex A's List 1: as the worker recorded them, else null.
    # started_at is the record's (it never changes), so the measures find a child's
    # earlier contacts from an index alone.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gender: Mapped[str | None] = mapped_column(String(16))
    ethnicity: Mapped[str | None] = mapped_column(String(8))
    approximate_age: Mapped[int | None] = mapped_column(Integer)


class RecordAddendum(Base):
    """A dated, signed note added to a completed record. Never updated, never deleted."""

    __tablename__ = "record_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("conversation_records.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The signature as it read when written: a later change of display name leaves it be.
    author_name: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)


_NOT_NAME = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
_NOT_REFERENCE = re.compile(r"[^0-9A-Z]")


def name_key(name: str) -> str:
    """A child's name as compared: accents, case, punctuation and extra spaces ignored.

    "Zoë  O'Brien" and "zoe obrien" are one name; the search never guesses beyond that.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = _NOT_NAME.sub("", plain.casefold()).replace("_", "")
    return _SPACES.sub(" ", plain).strip()[:NAME_KEY_LENGTH]


def reference_key(reference: str | None) -> str | None:
    """A case reference as compared: letters and digits only, upper case."""
    if not reference:
        return None
    key = _NOT_REFERENCE.sub("", reference.upper())[:REFERENCE_KEY_LENGTH]
    return key or None


@dataclass(frozen=True, slots=True)
class ChildKey:
    name: str
    date_of_birth: date | None
    reference: str | None


def child_keys(children: list[dict[str, Any]]) -> list[ChildKey]:
    """The comparable keys of the children in a record's household section."""
    keys = []
    for child in children:
        dob = child.get("date_of_birth")
        keys.append(
            ChildKey(
                name=name_key(str(child.get("name") or "")),
                date_of_birth=date.fromisoformat(dob) if isinstance(dob, str) else dob,
                reference=reference_key(child.get("reference")),
            )
        )
    return keys


def index_children(session: Session, record_id: int, children: list[dict[str, Any]]) -> None:
    """Replace the record's rows in ``record_children`` with the children it now names."""
    session.execute(delete(RecordChild).where(RecordChild.record_id == record_id))
    started_at = session.scalar(
        select(ConversationRecord.started_at).where(ConversationRecord.id == record_id)
    )
    rows = [
        {
            "record_id": record_id,
            "position": position,
            "name_key": key.name,
            "date_of_birth": key.date_of_birth,
            "reference_key": key.reference,
            "started_at": started_at,
            "gender": child.get("gender") or None,
            "ethnicity": child.get("ethnicity") or None,
            "approximate_age": child.get("approximate_age"),
        }
        for position, (key, child) in enumerate(zip(child_keys(children), children, strict=True))
        if key.name or key.reference
    ]
    if rows:
        session.execute(insert(RecordChild), rows)


def record_children_keys(session: Session, record_id: int) -> list[ChildKey]:
    rows = session.execute(
        select(RecordChild.name_key, RecordChild.date_of_birth, RecordChild.reference_key)
        .where(RecordChild.record_id == record_id)
        .order_by(RecordChild.position)
    )
    return [ChildKey(name, dob, ref) for name, dob, ref in rows]


def year_before(moment: datetime) -> datetime:
    """The same moment twelve months earlier (29 February falls back to the 28th)."""
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:
        return moment.replace(year=moment.year - 1, day=28)


@dataclass(frozen=True, slots=True)
class PreviousContact:
    record_id: int
    started_at: datetime
    matched_on: tuple[str, ...]


def previous_contacts(session: Session, record: ConversationRecord) -> list[PreviousContact]:
    """Other records in the twelve months before this one about the same child or caller.

    A child matches on normalised name and date of birth, or on a reference number when
    the record holds one. A caller matches on the same (normalised) caller number.
    Newest first.
    """
    since = year_before(record.started_at)
    window = (
        ConversationRecord.id != record.id,
        ConversationRecord.started_at >= since,
        ConversationRecord.started_at <= record.started_at,
    )
    matched: dict[int, tuple[datetime, set[str]]] = {}

    def note(rows: Any, reason: str) -> None:
        for record_id, started_at in rows:
            matched.setdefault(record_id, (started_at, set()))[1].add(reason)

    keys = record_children_keys(session, record.id)
    by_name_dob = [(k.name, k.date_of_birth) for k in keys if k.name and k.date_of_birth]
    references = sorted({k.reference for k in keys if k.reference})
    base = select(ConversationRecord.id, ConversationRecord.started_at).join(
        RecordChild, RecordChild.record_id == ConversationRecord.id
    )
    for name, dob in by_name_dob:
        note(
            session.execute(
                base.where(*window, RecordChild.name_key == name, RecordChild.date_of_birth == dob)
            ),
            "child_name_and_date_of_birth",
        )
    if references:
        note(
            session.execute(base.where(*window, RecordChild.reference_key.in_(references))),
            "child_reference",
        )
    if record.caller_number:
        note(
            session.execute(
                select(ConversationRecord.id, ConversationRecord.started_at).where(
                    *window, ConversationRecord.caller_number == record.caller_number
                )
            ),
            "caller_number",
        )
    # The worker's own word: a likely match they confirmed is about the same child.
    note(
        session.execute(
            select(ConversationRecord.id, ConversationRecord.started_at)
            .join(RecordChildMatch, RecordChildMatch.other_record_id == ConversationRecord.id)
            .where(*window, RecordChildMatch.record_id == record.id, RecordChildMatch.same_child)
        ),
        "confirmed_same_child",
    )
    found = [
        PreviousContact(record_id, started_at, tuple(sorted(reasons)))
        for record_id, (started_at, reasons) in matched.items()
    ]
    return sorted(found, key=lambda c: (c.started_at, c.record_id), reverse=True)


def is_about_same_child(contact: PreviousContact) -> bool:
    return any(
        reason.startswith("child_") or reason == "confirmed_same_child"
        for reason in contact.matched_on
    )


def unmatchable_children(keys: list[ChildKey]) -> list[ChildKey]:
    """Children the service cannot match by itself: no date of birth and no reference."""
    return [k for k in keys if not k.date_of_birth and not k.reference]


def likely_same_child(session: Session, record: ConversationRecord) -> list[PreviousContact]:
    """Records in the twelve months before this one that may be about the same child but
    could not be matched: the same child's name where either has no date of birth, or,
    while some child here cannot be matched (or none is named yet), the same caller.

    The worker says which are the same child; those they answered are left out.
    Newest first.
    """
    since = year_before(record.started_at)
    window = (
        ConversationRecord.id != record.id,
        ConversationRecord.started_at >= since,
        ConversationRecord.started_at <= record.started_at,
    )
    answered = select(RecordChildMatch.other_record_id).where(
        RecordChildMatch.record_id == record.id
    )
    keys = record_children_keys(session, record.id)
    matched: dict[int, tuple[datetime, set[str]]] = {}
    base = select(ConversationRecord.id, ConversationRecord.started_at).where(
        *window, ConversationRecord.id.not_in(answered)
    )
    for key in (k for k in keys if k.name):
        same_name = base.join(RecordChild, RecordChild.record_id == ConversationRecord.id).where(
            RecordChild.name_key == key.name
        )
        if key.date_of_birth:  # only the earlier ones that have none could be this child
            same_name = same_name.where(RecordChild.date_of_birth.is_(None))
        for record_id, started_at in session.execute(same_name):
            matched.setdefault(record_id, (started_at, set()))[1].add("child_name")
    if record.caller_number and (not keys or unmatchable_children(keys)):
        same_caller = base.where(ConversationRecord.caller_number == record.caller_number)
        for record_id, started_at in session.execute(same_caller):
            matched.setdefault(record_id, (started_at, set()))[1].add("caller_number")
    found = [
        PreviousContact(record_id, started_at, tuple(sorted(reasons)))
        for record_id, (started_at, reasons) in matched.items()
    ]
    return sorted(found, key=lambda c: (c.started_at, c.record_id), reverse=True)


class CallbackAttempt(Base):
    """One try at calling a caller back: when, by whom, what came of it (issue 11).

    A task stays to do after an attempt that did not reach the caller; its attempts are
    only ever added, so the case file shows every try.
    """

    __tablename__ = "callback_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("callback_tasks.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The worker's name as it read when they tried, like an addendum's signature.
    worker_name: Mapped[str] = mapped_column(String(120))
    result: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(500), default="")


class RecordChildMatch(Base):
    """A worker's word on a likely earlier contact about the same child (issue 11, edge 5).

    When a child has no date of birth (or age) the service cannot match them itself; it
    offers records with the same child's name or from the same caller, and the worker says
    "this is the same child" (confirmed) or "not the same child" (dismissed).
    """

    __tablename__ = "record_child_matches"
    __table_args__ = (UniqueConstraint("record_id", "other_record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("conversation_records.id", ondelete="CASCADE"), index=True
    )
    other_record_id: Mapped[int] = mapped_column(
        ForeignKey("conversation_records.id", ondelete="CASCADE")
    )
    same_child: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
