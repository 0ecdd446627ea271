"""/api/rota: on-call shifts, rotations, covers and swaps, leave, gaps, calendar, feeds, CSV.

Coordinators change the rota; managers read it; a worker reads their own shifts and asks
for or accepts swaps. The rules, the audit and the gap alerts are in `app.rota.service`;
these routes read the request and shape the answer.
"""

from fastapi import APIRouter

from app.rota.routes import calendar, covers, csv, feeds, leave, reports, rotations, shifts

router = APIRouter(prefix="/rota", tags=["rota"])
for module in (reports, shifts, rotations, covers, leave, calendar, csv, feeds):
    router.include_router(module.router)
