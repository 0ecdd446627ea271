"""The measures' pages: /insight, /insight/measures (the definitions), /wallboard.

Unlike the other pages, /insight is drawn on the server, charts included (SVG), so it
reads without JavaScript; it therefore checks the sign-in itself, with the same rules as
the API: managers see everything, coordinators the load. The wallboard is a page whose
script follows /api/wallboard/stream.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.api.deps import NowDep, SessionDep
from app.auth import StaffRole, identify, password_change_due
from app.errors import Invalid
from app.measures import charts, report, service
from app.measures.schemas import LineFilter, PeriodFilter
from app.web.templating import ACCOUNT_PAGE, render

router = APIRouter()

LINE_CHOICES = (("", "Both lines"), ("professional", "Professionals"), ("public", "Public"))
PERIOD_CHOICES = (("", "In and out of hours"), ("in_hours", "In hours"),
                  ("out_of_hours", "Out of hours"))  # fmt: skip


def _parse(
    raw: dict[str, str],
) -> tuple[date | None, date | None, LineFilter | None, PeriodFilter | None, list[tuple[str, str]]]:
    """The form's values, and an error (field id, message) for each one that is wrong."""
    errors: list[tuple[str, str]] = []

    def day(name: str, words: str) -> date | None:
        value = raw.get(name, "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            errors.append((name, f"Enter the {words} as a real date, for example 27 3 2026"))
            return None

    first, last = day("from", "first day"), day("to", "last day")
    line = LineFilter(raw["line"]) if raw.get("line") in {"professional", "public"} else None
    period = raw.get("period")
    chosen = PeriodFilter(period) if period in {"in_hours", "out_of_hours"} else None
    return first, last, line, chosen, errors


@router.get("/insight")
def insight(request: Request, session: SessionDep, now: NowDep) -> Response:
    principal = identify(request, session, now)
    if principal is None:
        session.commit()  # an expired session row deleted while identifying stays deleted
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?{urlencode({'next': here})}", status_code=303)
    if password_change_due(principal):
        return RedirectResponse(ACCOUNT_PAGE, status_code=303)  # an admin reset it
    if not principal.has(StaffRole.MANAGER, StaffRole.COORDINATOR):
        return render(request, "measures/not_allowed.html", status_code=403, principal=principal)
    first, last, line, period, errors = _parse(dict(request.query_params))
    try:
        first, last = service.stretch(first, last, now)
    except Invalid as exc:
        errors.append(("from", exc.message))
        first, last = service.stretch(None, None, now)
    settings = request.app.state.settings
    scope = service.scope_of(session, first, last, line, period)
    query = urlencode(
        {"from": first.isoformat(), "to": last.isoformat()}
        | ({"line": line.value} if line else {})
        | ({"period": period.value} if period else {})
    )
    context: dict[str, object] = {
        "errors": errors,
        "form": {"from": first.isoformat(), "to": last.isoformat(),
                 "line": line.value if line else "", "period": period.value if period else ""},
        "line_choices": LINE_CHOICES,
        "period_choices": PERIOD_CHOICES,
        "query": query,
        "annex_query": urlencode({"from": first.isoformat(), "to": last.isoformat()}),
        "load": report.load_view(service.load(session, scope, first, last)),
        "stretch": charts.stretch_words(first, last),
        "manager": principal.has(StaffRole.MANAGER),
    }  # fmt: skip
    if principal.has(StaffRole.MANAGER):
        measures = service.measures(session, settings, now, first, last, line, period)
        days = service.by_day(session, scope, first, last, service.thresholds_of(settings), now)
        context["report"] = report.build(measures, days)
    return render(
        request,
        "measures/insight.html",
        status_code=422 if errors else 200,
        principal=principal,
        **context,
    )


@router.get("/insight/measures")
def definitions(request: Request) -> Response:
    """What each measure means, how it is worked out, and where the definition comes from."""
    settings = request.app.state.settings
    return render(request, "measures/definitions.html", settings=settings)


@router.get("/wallboard")
def wallboard(request: Request) -> Response:
    return render(request, "measures/wallboard.html")
