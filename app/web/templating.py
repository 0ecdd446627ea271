"""Jinja2 for the pages: one ``templates`` object and ``render`` adding what every page needs.

Pages hold no data: the browser fetches everything from the JSON API, which checks who may
see it. A template only gets the service's name and the page's own identifiers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader
from starlette.responses import Response

from app.auth import SESSION_COOKIE, Principal, StaffRole, identify, password_change_due
from app.formats import national, uk_datetime
from app.settings import Settings

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# Where the vendored GOV.UK Frontend is served (scripts/update-frontend-assets writes it).
GOVUK_FRONTEND = "/static/vendor/govuk-frontend"

# Our templates, and GOV.UK Frontend's components as govuk-frontend-jinja's macros, imported as
# ``{% from "govuk_frontend_jinja/components/<name>/macro.html" import govuk<Name> %}``.
templates = Jinja2Templates(
    env=Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(TEMPLATES_DIR),
                PrefixLoader(
                    {"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}
                ),
            ]
        ),
        autoescape=True,
    )
)

templates.env.filters["national"] = national
templates.env.filters["uk_datetime"] = uk_datetime

# Where a person changes their own password (the header's name links to it).
ACCOUNT_PAGE = "/account"

# Links in the header, shown by the browser to the roles that may use them.
NAVIGATION: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Desk", "/desk", ("worker",)),
    ("Records", "/records", ("worker", "manager")),
    ("Rota", "/rota", ("coordinator", "manager")),
    ("Closures", "/closures", ("coordinator", "manager")),
    ("Workers", "/workers", ("admin", "coordinator")),
    ("Insight", "/insight", ("manager", "coordinator")),
    ("Wallboard", "/wallboard", ("manager", "coordinator", "worker")),
    ("Users", "/admin/users", ("admin",)),
    ("Lines", "/admin/lines", ("admin",)),
)


def service_name(request: Request) -> str:
    settings: Settings | None = getattr(request.app.state, "settings", None)
    return settings.service_name if settings is not None else "Dutyline"


def signed_in(request: Request) -> Principal | None:
    """Who the page is for: the header names them and shows the links their roles may use.

    The page's data still comes from the API, which checks each request; this only decides
    what the layout offers.
    """
    if SESSION_COOKIE not in request.cookies or not hasattr(request.app.state, "session_factory"):
        return None
    with request.app.state.session_factory() as session:
        principal = identify(request, session, request.app.state.clock())
        session.commit()  # an expired session row deleted while identifying stays deleted
    return principal


def navigation_for(principal: Principal | None, path: str) -> list[dict[str, Any]]:
    """The header's links for ``principal``'s roles, as GOV.UK service navigation items."""
    if principal is None:
        return []
    return [
        {"text": label, "href": href, "current": path == href or path.startswith(href + "/")}
        for label, href, roles in NAVIGATION
        if not principal.roles.isdisjoint(roles)
    ]


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """The page ``name`` with the layout's context (service name, who is signed in, links)."""
    principal = context.pop("principal", None) or signed_in(request)
    return templates.TemplateResponse(
        request,
        name,
        {
            "service_name": service_name(request),
            "principal": principal,
            "navigation": navigation_for(principal, request.url.path),
            "govuk_frontend": GOVUK_FRONTEND,
            **context,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


ROLE_WORDS = {
    StaffRole.WORKER: "social workers",
    StaffRole.COORDINATOR: "rota coordinators",
    StaffRole.MANAGER: "managers",
    StaffRole.ADMIN: "admins",
}


def render_for(
    request: Request, roles: tuple[StaffRole, ...], name: str, **context: Any
) -> Response:
    """The page ``name`` for a person holding one of ``roles``.

    Signed out: the sign-in page, coming back here after. Another role: a page saying whom
    this one is for, rather than forms the API would refuse. The API still checks each call.
    """
    principal = signed_in(request)
    if principal is None:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?{urlencode({'next': here})}", status_code=303)
    if password_change_due(principal) and request.url.path != ACCOUNT_PAGE:
        return RedirectResponse(ACCOUNT_PAGE, status_code=303)  # an admin reset it
    if principal.roles.isdisjoint(roles):
        words = [ROLE_WORDS[role] for role in roles]
        allowed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        return render(request, "not_allowed.html", 403, principal=principal, allowed_words=allowed)
    return render(request, name, principal=principal, **context)
