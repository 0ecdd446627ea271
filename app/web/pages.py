"""Web pages: sign in and the desk (records: app.records.pages; users: app.accounts.pages).

Pages hold no data and are served to anyone: their scripts fetch everything from the JSON
API, which decides who may see what. A page only receives identifiers from its URL.
"""

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from app.auth import StaffRole
from app.web.templating import STATIC_DIR, render, render_for, signed_in

SESSION_COOKIE = "dutyline_session"

router = APIRouter()
router.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


HOMES = (
    (StaffRole.WORKER, "/desk"),
    (StaffRole.MANAGER, "/insight"),
    (StaffRole.COORDINATOR, "/rota"),
    (StaffRole.ADMIN, "/admin/users"),
)


@router.get("/")
def home(request: Request) -> Response:
    """Each person's first page (where signing in lands), or the sign-in page."""
    principal = signed_in(request)
    target = "/sign-in"
    if principal is not None:
        target = next((page for role, page in HOMES if principal.has(role)), "/wallboard")
    return RedirectResponse(target, status_code=303)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return FileResponse(STATIC_DIR / "images" / "favicon.ico", media_type="image/x-icon")


@router.get("/docs", include_in_schema=False)
def api_reference() -> HTMLResponse:
    """The API's reference, with Swagger UI served from the app (no CDN, works offline)."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Dutyline API",
        swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
        swagger_favicon_url="/favicon.ico",
    )


@router.get("/sign-in")
def sign_in(request: Request) -> Response:
    return render(request, "sign_in.html")


@router.get("/desk")
def desk(request: Request) -> Response:
    return render_for(request, (StaffRole.WORKER,), "desk.html")
