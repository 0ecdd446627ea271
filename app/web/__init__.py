"""The web UI: HTML pages served by the same app; their JavaScript calls the JSON API."""

from fastapi import APIRouter

from app.web import pages, rota

web_router = APIRouter(include_in_schema=False)
for module in (pages, rota):
    web_router.include_router(module.router)
