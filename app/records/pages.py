"""Web pages: record search, a conversation record, its audit trail.

Like every page they hold no data: their scripts fetch it from /api/records, which decides
who may see what. A page only receives the record's id from its URL.
"""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.auth import StaffRole
from app.web.templating import render_for
from app.words import words

READERS = (StaffRole.WORKER, StaffRole.MANAGER)

router = APIRouter()


@router.get("/records")
def record_search(request: Request) -> Response:
    """The status choices are the values GET /api/records accepts, in the service's words."""
    statuses = [(value, said["text"]) for value, said in words()["record_status"].items()]
    return render_for(request, READERS, "records.html", record_statuses=statuses)


@router.get("/records/{record_id}")
def record(request: Request, record_id: int) -> Response:
    return render_for(request, READERS, "record.html", record_id=record_id)


@router.get("/records/{record_id}/audit")
def record_audit(request: Request, record_id: int) -> Response:
    return render_for(request, READERS, "record_audit.html", record_id=record_id)
