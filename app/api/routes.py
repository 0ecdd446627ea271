"""All of /api. Every route states who may call it
through ``app.auth.require``."""

from fastapi import APIRouter

from app.api import callbacks, events, me, records, rota, session, users

api_router = APIRouter(prefix="/api")
for module in (session, me, users, events, records, callbacks, rota):
    api_router.include_router(module.router)
