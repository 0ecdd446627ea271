"""Shared parameter types for the API: values the database and the calendar can take.

A route or a schema names these instead of a bare ``int`` or ``date``, so that a value out of
range is a clear 422 before any query, rather than a database error (PostgreSQL's ids are
32-bit) or an overflow in date arithmetic (``date.min - timedelta(days=1)``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field

from routing.localtime import FIRST_DAY, LAST_DAY

ID_MAX = 2_147_483_647  # PostgreSQL's INTEGER, the type of every id column

DbId = Annotated[int, Field(ge=1, le=ID_MAX, description="An id, from 1 to 2147483647.")]


def _sane_day(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError("give a date from 1 Jan 2000 to 31 Dec 2100")
    return value


# A calendar day the service can plan for and report on.
Day = Annotated[date, AfterValidator(_sane_day)]


def id_from_text(text: str) -> int | None:
    """An id from a header or other free text: ASCII digits within range, or None.

    ``str.isdigit`` alone also takes '²', which ``int`` refuses."""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(ID_MAX))):
        return None
    value = int(text)
    return value if 1 <= value <= ID_MAX else None
