"""Ofsted's Annex A, List 1 (contacts): one row per child named in a contact in a stretch.

Columns in Annex A's order. A contact that names no child has no row (List 1 lists
children). Old records, written before the record asked for gender, ethnicity and the
contact source, export with those blank. An export reads many records, so it is audited.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.measures.service import day_start
from app.measures.sql import LONDON
from app.measures.words import GENDERS
from models import ConversationRecord
from models.audit import audit
from models.records import RecordChild

COLUMNS = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Date of Contact",
    "Contact Source",
)


@dataclass(frozen=True, slots=True)
class ContactRow:
    child_id: str
    gender: str
    ethnicity: str
    date_of_birth: date | None
    age: int | None
    contact_date: date
    source: str

    def cells(self) -> list[str]:
        return [
            self.child_id,
            self.gender,
            self.ethnicity,
            self.date_of_birth.strftime("%d/%m/%Y") if self.date_of_birth else "",
            "" if self.age is None or self.date_of_birth else str(self.age),
            self.contact_date.strftime("%d/%m/%Y"),
            self.source,
        ]


def _gender(stored: str | None) -> str:
    if stored not in GENDERS:
        return ""
    letter, words = GENDERS[stored]
    return f"{letter}) {words}"


def list_1(
    session: Session, principal: Principal, first: date, last: date, now: datetime
) -> list[ContactRow]:
    R = ConversationRecord
    rows = session.execute(
        select(
            R.id,
            R.started_at,
            R.contact_source,
            RecordChild.position,
            RecordChild.reference_key,
            RecordChild.gender,
            RecordChild.ethnicity,
            RecordChild.date_of_birth,
            RecordChild.approximate_age,
        )
        .join(RecordChild, RecordChild.record_id == R.id)
        .where(R.started_at >= day_start(first), R.started_at < day_start(last + timedelta(days=1)))
        .order_by(R.started_at, R.id, RecordChild.position)
    ).all()
    found = [
        ContactRow(
            # The case reference when the worker recorded one; else one made from the
            # record, the same in every export.
            child_id=reference or f"DL{record_id}-{position + 1}",
            gender=_gender(gender),
            ethnicity=ethnicity or "",
            date_of_birth=dob,
            age=age,
            contact_date=started.astimezone(LONDON).date(),
            source=source or "",
        )
        for record_id, started, source, position, reference, gender, ethnicity, dob, age in rows
    ]
    audit(
        session,
        actor_user_id=principal.user_id,
        action="annex_a.exported",
        entity_type="annex_a_list_1",
        entity_id=f"{first.isoformat()}..{last.isoformat()}",
        at=now,
        detail=f"{len(found)} rows",
    )
    return found


def as_csv(rows: list[ContactRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(row.cells() for row in rows)
    return out.getvalue()


def as_xlsx(rows: list[ContactRow]) -> bytes:
    """A workbook with one sheet, "List 1", dates as real dates in dd/mm/yyyy."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "List 1"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        age = None if row.age is None or row.date_of_birth else row.age
        sheet.append(
            [
                row.child_id,
                row.gender,
                row.ethnicity,
                row.date_of_birth,
                age,
                row.contact_date,
                row.source,
            ]
        )
    for column in ("D", "F"):
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    for column, width in zip("ABCDEFG", (18, 24, 10, 14, 12, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(first: date, last: date, extension: str) -> str:
    return f"annex-a-list-1-{first.isoformat()}-to-{last.isoformat()}.{extension}"
