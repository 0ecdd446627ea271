"""Web pages: the rota, for coordinators (managers may read it).

Like the other pages these hold no data: their scripts fetch the rota from /api/rota, which
decides who may see and change what. A page only receives what its URL says.
"""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.auth import StaffRole
from app.web.templating import render_for

router = APIRouter(prefix="/rota")

# The rota's own pages, in the order of the section's sub-navigation.
ROTA_PAGES: tuple[tuple[str, str], ...] = (
    ("Gaps and shifts", "/rota"),
    ("Calendar", "/rota/calendar"),
    ("Rotations", "/rota/rotations"),
    ("Import, export and feeds", "/rota/exports"),
)


def _page(request: Request, template: str) -> Response:
    return render_for(
        request, (StaffRole.COORDINATOR, StaffRole.MANAGER), template, rota_pages=ROTA_PAGES
    )


@router.get("")
def rota(request: Request) -> Response:
    """Gaps and conflicts for the coming weeks, shifts, covers, swaps and leave."""
    return _page(request, "rota/rota.html")


@router.get("/calendar")
def calendar(request: Request) -> Response:
    """A week or a month of cover per line, primary and backup, edited from the grid."""
    return _page(request, "rota/calendar.html")


@router.get("/rotations")
def rotations(request: Request) -> Response:
    """Rotations: create one, apply it to dates, remove it."""
    return _page(request, "rota/rotations.html")


@router.get("/exports")
def exports(request: Request) -> Response:
    """CSV export and import, and the secret iCalendar feeds."""
    return _page(request, "rota/exports.html")
