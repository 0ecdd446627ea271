"""The FastAPI application: ``app.main:app`` for uvicorn, ``create_app`` for tests.

Nothing touches the database at import time: the engine is built when the app starts.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from anyio import to_thread
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from app import metrics
from app.api.errors import install_error_handler
from app.api.routes import api_router
from app.auth import SessionPolicy, document_permissions
from app.input_guard import InputGuard
from app.logs import start_logging, stop_logging
from app.settings import Settings
from app.web import web_router
from models.db import make_call_path_engine, make_engine, make_session_factory
from routing import RingTimeouts
from telephony.background import CallPathServices, Intervals, load_saved_snapshot
from telephony.call_lookup import CallLookup, TwilioCallLookup
from telephony.config import Clock, TelephonyConfig, system_clock
from telephony.context import TelephonyContext
from telephony.guard import DatabaseGuard
from telephony.journal import Journal
from telephony.rest import HttpTwilioRest, TwilioRest
from telephony.state import StateDir
from telephony.sweep import SweepPolicy
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
        queue_retry_after=timedelta(seconds=settings.queue_retry_after_seconds),
    )


def call_path(settings: Settings, clock: Clock = system_clock) -> tuple[TelephonyContext, Engine]:
    """The call path's own engine (every wait bounded by the budget) and its context."""
    engine = make_call_path_engine(settings.database_url, settings.database_budget_seconds)
    state = StateDir(settings.state_dir)
    context = TelephonyContext(
        config=telephony_config(settings),
        session_factory=make_session_factory(engine),
        clock=clock,
        guard=DatabaseGuard(engine, settings.database_budget_seconds, settings.worker_threads),
        state=state,
        journal=Journal(state),
    )
    load_saved_snapshot(context)
    return context, engine


def call_lookup(settings: Settings) -> CallLookup | None:
    """Twilio's REST API for calls whose end was lost, when an account SID is set."""
    if not settings.twilio_account_sid:
        log.warning(
            "DUTYLINE_TWILIO_ACCOUNT_SID not set: calls whose end was lost are not checked "
            "with Twilio; they are marked and given a callback task after %d minutes",
            settings.sweep_give_up_after_minutes,
        )
        return None
    return TwilioCallLookup(settings.twilio_account_sid, settings.auth_token)


def twilio_rest(settings: Settings) -> TwilioRest | None:
    """Twilio's REST API, to ring free workers for callers waiting in a queue."""
    if not settings.twilio_account_sid:
        log.warning(
            "DUTYLINE_TWILIO_ACCOUNT_SID not set: callers waiting in a queue are not offered "
            "to workers as they become free; they wait for the longest wait, then go on"
        )
        return None
    return HttpTwilioRest(settings.twilio_account_sid, settings.auth_token, settings.twilio_api_url)


def call_path_services(
    settings: Settings, context: TelephonyContext, lookup: CallLookup | None
) -> CallPathServices:
    return CallPathServices(
        context,
        Intervals(
            refresh=settings.snapshot_refresh_seconds,
            probe=settings.database_probe_seconds,
            sweep=settings.sweep_interval_seconds,
            offers=settings.queue_offer_interval_seconds,
        ),
        lookup,
        SweepPolicy(
            ask_after=timedelta(minutes=settings.sweep_ask_after_minutes),
            give_up_after=timedelta(minutes=settings.sweep_give_up_after_minutes),
        ),
    )


def configure_logging(level: str) -> None:
    """Our loggers say what happened to a call by its CallSid, never by number or name.

    From here to ``stop_logging`` (the lifespan) a thread of their own writes them, so no
    request waits on the output; requests are logged by route, without query strings.
    """
    start_logging(level)


def create_app(
    settings: Settings | None = None,
    clock: Clock = system_clock,
    call_lookup_for: Callable[[Settings], CallLookup | None] = call_lookup,
    rest_for: Callable[[Settings], TwilioRest | None] = twilio_rest,
) -> FastAPI:
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
        context, call_engine = call_path(resolved, clock)
        context.rest = rest_for(resolved)
        app.state.telephony = context
        app.state.call_engine = call_engine
        services = call_path_services(resolved, context, call_lookup_for(resolved))
        services.start()
        app.state.call_path_services = services
        try:
            yield
        finally:
            services.stop()
            if isinstance(context.rest, HttpTwilioRest):
                context.rest.close()
            context.journal.close()
            call_engine.dispose()
            engine.dispose()
            stop_logging()

    app = FastAPI(
        title="Dutyline", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.include_router(twilio_router)
    app.include_router(metrics.router)
    app.add_middleware(metrics.RequestObserver)
    app.include_router(api_router)
    app.include_router(web_router)
    install_error_handler(app)
    app.add_middleware(InputGuard)
    document_permissions(app)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers. Calls are still routed when the database is down."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    async def readyz() -> JSONResponse:
        """Readiness: the database (within the budget), the snapshot's age, the journal.

        503 while the database is unreachable; calls are still routed then, from the
        snapshot, and what they could not write waits in the journal.
        """
        context: TelephonyContext = app.state.telephony
        database = await context.guard.check()
        snapshot = context.snapshots.latest()
        age = (context.clock() - snapshot.refreshed_at).total_seconds() if snapshot else None
        body = {
            "status": "ok" if database else "degraded",
            "database": "ok" if database else "unreachable",
            "snapshot_age_seconds": round(age) if age is not None else None,
            "journal_backlog": context.journal.backlog(),
        }
        return JSONResponse(body, status_code=200 if database else 503)

    return app


app = create_app()
