"""Web pages: staff accounts, for admins (their scripts call /api/users)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.web.templating import render

router = APIRouter()


@router.get("/admin/users")
def users(request: Request) -> Response:
    return render(request, "users.html")


@router.get("/admin/users/{user_id}")
def user(request: Request, user_id: int) -> Response:
    return render(request, "user.html", user_id=user_id)
