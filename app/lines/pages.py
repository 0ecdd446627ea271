"""Web pages: the lines, for admins (their scripts call /api/lines)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.auth import StaffRole
from app.params import DbId
from app.web.templating import render_for

router = APIRouter()


@router.get("/admin/lines")
def lines(request: Request) -> Response:
    return render_for(request, (StaffRole.ADMIN,), "lines/lines.html")


@router.get("/admin/lines/{line_id}")
def line(request: Request, line_id: DbId) -> Response:
    return render_for(request, (StaffRole.ADMIN,), "lines/line.html", line_id=line_id)
