"""/api/records and /api/callbacks: conversation records and callback tasks."""

from fastapi import APIRouter

from app.records.routes import callbacks, records

router = APIRouter()
for module in (records, callbacks):
    router.include_router(module.router)
