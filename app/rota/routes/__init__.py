"""/api/rota: on-call shifts, rotations, covers, swaps, leave, gaps, calendar, feeds, CSV."""

from fastapi import APIRouter

from app.rota.routes import shifts

router = APIRouter()
router.include_router(shifts.router)
