"""/api/rota/export.csv and /api/rota/import: the rota as a spreadsheet, out and in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.api.deps import NowDep, SessionDep
from app.errors import Invalid
from app.params import Day
from app.rota import queries, service
from app.rota.io import InvalidRows, export_csv, read_import
from app.rota.routes.deps import CoordinatorChange, Reader, date_range
from app.rota.schemas import ImportRead, ImportRequest
from routing.rota import local_dates_range

router = APIRouter()


@router.get("/export.csv", response_class=Response)
def export_shifts(
    session: SessionDep,
    now: NowDep,
    _: Reader,
    from_: Annotated[Day | None, Query(alias="from")] = None,
    to: Day | None = None,
) -> Response:
    first, last = date_range(from_, to, now)
    start, end = local_dates_range(first, last)
    return Response(
        content=export_csv(queries.list_shifts(session, start, end)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="rota-{first}-{last}.csv"'},
    )


@router.post("/import", response_model=ImportRead)
def import_shifts(body: ImportRequest, change: CoordinatorChange) -> ImportRead:
    """Every row is checked by the same rules as a shift made one at a time; one refused row
    and nothing is stored."""
    rows, refused = read_import(change.session, body.csv, change.now)
    if refused:
        raise InvalidRows(refused)
    if not rows:
        raise Invalid("csv", "no rows to import")
    ids = [] if body.dry_run else service.import_shifts(change, rows)
    return ImportRead(imported=len(ids), dry_run=body.dry_run, shift_ids=ids)
