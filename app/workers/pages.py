"""Web pages: workers, for admins and coordinators (their scripts call /api/workers).

`/workers`, not `/admin/workers`: coordinators use it too, to keep phones and lines right.
"""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.auth import StaffRole
from app.params import DbId
from app.web.templating import render_for

router = APIRouter()

ROLES = (StaffRole.ADMIN, StaffRole.COORDINATOR)


@router.get("/workers")
def workers(request: Request) -> Response:
    return render_for(request, ROLES, "workers/workers.html")


@router.get("/workers/{worker_id}")
def worker(request: Request, worker_id: DbId) -> Response:
    return render_for(request, ROLES, "workers/worker.html", worker_id=worker_id)
