"""The web UI: HTML pages served by the same app; their JavaScript calls the JSON API."""

from fastapi import APIRouter

from app.measures import pages as measures
from app.web import pages, rota

web_router = APIRouter(include_in_schema=False)
for module in (pages, rota, measures):
    web_router.include_router(module.router)
