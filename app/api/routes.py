"""All of /api. Every route states who may call it
through ``app.auth.require``."""

from fastapi import APIRouter

from app.accounts import routes as accounts
from app.api import events, me, session, words
from app.closures import routes as closures
from app.lines import routes as lines
from app.measures import routes as measures
from app.records.routes import router as records_router
from app.rota.routes import router as rota_router
from app.workers import routes as workers

api_router = APIRouter(prefix="/api")
for router in (session.router, me.router, accounts.router, events.router, words.router):
    api_router.include_router(router)
api_router.include_router(records_router)
api_router.include_router(rota_router)
api_router.include_router(measures.router)
api_router.include_router(workers.router)
api_router.include_router(lines.router)

api_router.include_router(closures.router)
api_router.include_router(closures.desk_router)
