"""The web UI: HTML pages served by the same app; their JavaScript calls the JSON API."""

from fastapi import APIRouter

from app.accounts import pages as account_pages
from app.closures import pages as closure_pages
from app.lines import pages as line_pages
from app.measures import pages as measures_pages
from app.records import pages as record_pages
from app.rota import pages as rota_pages
from app.web import pages
from app.workers import pages as worker_pages

web_router = APIRouter(include_in_schema=False)
for module in (pages, record_pages, account_pages, rota_pages, measures_pages):
    web_router.include_router(module.router)
web_router.include_router(worker_pages.router)
web_router.include_router(line_pages.router)

web_router.include_router(closure_pages.router)
