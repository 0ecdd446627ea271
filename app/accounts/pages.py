"""Web pages: staff accounts, for admins (their scripts call /api/users)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.auth import StaffRole
from app.web.templating import render_for

router = APIRouter()


@router.get("/admin/users")
def users(request: Request) -> Response:
    return render_for(request, (StaffRole.ADMIN,), "users.html")


@router.get("/admin/users/{user_id}")
def user(request: Request, user_id: int) -> Response:
    return render_for(request, (StaffRole.ADMIN,), "user.html", user_id=user_id)
