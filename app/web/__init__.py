"""The web UI: HTML pages served by the same app; their JavaScript calls the JSON API."""

from fastapi import APIRouter

from app.rota import pages as rota_pages
from app.web import pages

web_router = APIRouter(include_in_schema=False)
for module in (pages, rota_pages):
    web_router.include_router(module.router)
