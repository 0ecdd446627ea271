"""Web page: closures and openings, for coordinators and managers.

Like every page it holds no data: its script fetches and changes closures through
/api/closures, which decides who may.
"""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.auth import StaffRole
from app.web.templating import render_for

router = APIRouter()


@router.get("/closures")
def closures(request: Request) -> Response:
    """Declare a closure or an opening; list them, end one early, delete one to come."""
    return render_for(request, (StaffRole.COORDINATOR, StaffRole.MANAGER), "closures.html")
