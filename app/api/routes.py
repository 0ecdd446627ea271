"""All of /api. Every route states who may call it
through ``app.auth.require``."""

from fastapi import APIRouter

from app.api import callbacks, events, me, records, rota, session, users
from app.measures import routes as measures

api_router = APIRouter(prefix="/api")
for module in (session, me, users, events, records, callbacks, rota, measures):
    api_router.include_router(module.router)
