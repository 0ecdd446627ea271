"""The FastAPI application: ``app.main:app`` for uvicorn, ``create_app`` for tests.

Nothing touches the database at import time: the engine is built when the app starts.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from anyio import to_thread
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.api.routes import api_router
from app.auth import SessionPolicy, document_permissions
from app.errors import install_error_handler
from app.input_guard import InputGuard
from app.settings import Settings
from app.web import web_router
from models.db import make_engine, make_session_factory
from routing import RingTimeouts
from telephony.config import Clock, TelephonyConfig, system_clock
from telephony.context import TelephonyContext
from telephony.webhooks import router as twilio_router

log = logging.getLogger("dutyline")


def telephony_config(settings: Settings) -> TelephonyConfig:
    return TelephonyConfig(
        auth_token=settings.auth_token,
        public_base_url=settings.public_base_url,
        fallback_number=settings.fallback_number,
        service_name=settings.service_name,
        voice=settings.voice,
        language=settings.voice_language,
        max_parallel_duty=settings.max_parallel_duty,
        timeouts=RingTimeouts(
            duty=settings.duty_ring_seconds,
            oncall=settings.oncall_ring_seconds,
            fallback=settings.fallback_ring_seconds,
        ),
        accept_seconds=settings.accept_seconds,
        voicemail_max_seconds=settings.voicemail_max_seconds,
        snapshot_horizon=timedelta(minutes=settings.snapshot_horizon_minutes),
    )


def configure_logging(level: str) -> None:
    """Our loggers say what happened to a call by its CallSid, never by number or name."""
    logger = logging.getLogger("dutyline")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level.upper())


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resolved = settings or Settings()
        configure_logging(resolved.log_level)
        to_thread.current_default_thread_limiter().total_tokens = resolved.worker_threads
        engine = make_engine(resolved.database_url)
        session_factory = make_session_factory(engine)
        app.state.settings = resolved
        app.state.engine = engine
        app.state.session_factory = session_factory
        app.state.clock = clock
        app.state.session_policy = SessionPolicy(
            idle=timedelta(minutes=resolved.session_idle_minutes),
            lifetime=timedelta(hours=resolved.session_hours),
        )
        app.state.telephony = TelephonyContext(
            config=telephony_config(resolved),
            session_factory=session_factory,
            clock=clock,
        )
        yield
        engine.dispose()

    app = FastAPI(title="Dutyline", version="0.1.0", lifespan=lifespan)
    app.include_router(twilio_router)
    app.include_router(api_router)
    app.include_router(web_router)
    install_error_handler(app)
    app.add_middleware(InputGuard)
    document_permissions(app)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers. Calls are still routed when the database is down."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    def readyz() -> JSONResponse:
        """Readiness: the database answers."""
        try:
            with app.state.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return JSONResponse({"status": "degraded", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    return app


app = create_app()
