"""Web pages: sign in, the desk, conversation records, record search, user admin.

Pages hold no data and are served to anyone: their scripts fetch everything from the JSON
API, which decides who may see what. A page only receives identifiers from its URL.
"""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from app.web.templating import STATIC_DIR, render

SESSION_COOKIE = "dutyline_session"

router = APIRouter()
router.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


@router.get("/")
def home(request: Request) -> Response:
    """The desk for someone signed in (it sends other roles on), else the sign-in page."""
    target = "/desk" if request.cookies.get(SESSION_COOKIE) else "/sign-in"
    return RedirectResponse(target, status_code=303)


@router.get("/sign-in")
def sign_in(request: Request) -> Response:
    return render(request, "sign_in.html")


@router.get("/desk")
def desk(request: Request) -> Response:
    return render(request, "desk.html")


@router.get("/records")
def record_search(request: Request) -> Response:
    return render(request, "records.html")


@router.get("/records/{record_id}")
def record(request: Request, record_id: int) -> Response:
    return render(request, "record.html", record_id=record_id)


@router.get("/records/{record_id}/audit")
def record_audit(request: Request, record_id: int) -> Response:
    return render(request, "record_audit.html", record_id=record_id)


@router.get("/admin/users")
def users(request: Request) -> Response:
    return render(request, "users.html")


@router.get("/admin/users/{user_id}")
def user(request: Request, user_id: int) -> Response:
    return render(request, "user.html", user_id=user_id)
