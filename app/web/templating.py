"""Jinja2 for the pages: one ``templates`` object and ``render`` adding what every page needs.

Pages hold no data: the browser fetches everything from the JSON API, which checks who may
see it. A template only gets the service's name and the page's own identifiers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from app.settings import Settings

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

templates = Jinja2Templates(directory=TEMPLATES_DIR)

# Links in the header, shown by the browser to the roles that may use them.
NAVIGATION: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Desk", "/desk", ("worker",)),
    ("Records", "/records", ("worker", "manager")),
    ("Rota", "/rota", ("coordinator",)),
    ("Insight", "/insight", ("manager", "coordinator")),
    ("Wallboard", "/wallboard", ("manager", "coordinator", "worker")),
    ("Users", "/admin/users", ("admin",)),
)


def service_name(request: Request) -> str:
    settings: Settings | None = getattr(request.app.state, "settings", None)
    return settings.service_name if settings is not None else "Dutyline"


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """The page ``name`` with the layout's context (service name, navigation)."""
    return templates.TemplateResponse(
        request,
        name,
        {"service_name": service_name(request), "navigation": NAVIGATION, **context},
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )
