"""``GET /metrics`` for Prometheus, and the middleware that times every request.

The endpoint serves prometheus-client's default registry: the request metrics below and
whatever the call path registers there (calls routed from the snapshot, fallbacks, the
journal's backlog, database errors). ``DUTYLINE_METRICS=false`` switches it off (404);
``DUTYLINE_METRICS_TOKEN`` puts it behind ``Authorization: Bearer <token>``.

Requests are labelled by their route's template (``/twilio/voice``,
``/api/records/{record_id}``), never by the path as sent: a path can hold a calendar
feed's secret, and labels must stay few.
"""

from __future__ import annotations

import hmac
from time import perf_counter
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, routing
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import logs
from app.auth import public

REQUESTS = Counter(
    "dutyline_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "dutyline_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by route template and method.",
    ["endpoint", "method"],
    # Twilio gives up on a webhook after 15 s: the top buckets show how close calls came.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15),
)

NOT_FOUND = "(no route)"  # 404s: what was asked for may be anything, so it is not named
OTHER = "(static or other)"


class RequestObserver:
    """Pure ASGI (BaseHTTPMiddleware costs a task and a stream per request): times each
    request, counts it for Prometheus when metrics are on, and writes the access-log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._templates: dict[int, str] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # unless an answer starts: an exception escaped, the server says 500

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = perf_counter()
        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            seconds = perf_counter() - started
            endpoint, method = self._template(scope, status), scope["method"]
            settings = getattr(scope["app"].state, "settings", None)
            if settings is not None and settings.metrics:
                REQUESTS.labels(endpoint, method, str(status)).inc()
                LATENCY.labels(endpoint, method).observe(seconds)
            logs.access(method, endpoint, status, seconds)

    def _template(self, scope: Scope, status: int) -> str:
        route = scope.get("route")
        if route is None:
            return NOT_FOUND if status == 404 else OTHER
        found = self._templates.get(id(route))
        if found is None:
            # A route of an included router knows only its own part of the path: ask the
            # app for the whole template once, then remember it.
            for context in routing.iter_route_contexts(scope["app"].routes):
                self._templates.setdefault(id(context.route), context.path or "")
            found = self._templates.setdefault(id(route), getattr(route, "path", OTHER))
        return found


router = APIRouter(tags=["operations"])


def _check_token(request: Request) -> None:
    settings: Any = request.app.state.settings
    if not settings.metrics:
        raise HTTPException(404, "Not Found")
    if settings.metrics_token is None:
        return
    scheme, _, sent = request.headers.get("authorization", "").partition(" ")
    expected = settings.metrics_token.get_secret_value()
    if scheme.lower() != "bearer" or not hmac.compare_digest(sent.strip(), expected):
        raise HTTPException(
            401, "This needs the metrics token.", headers={"WWW-Authenticate": "Bearer"}
        )


@router.get(
    "/metrics",
    summary="Prometheus metrics (text format)",
    response_class=Response,
    dependencies=[public("for Prometheus: its own bearer token, DUTYLINE_METRICS_TOKEN")],
)
async def metrics(request: Request) -> Response:
    """Requests and latency by route, and the call path's own counters. No personal data:
    labels are route templates, methods and statuses."""
    _check_token(request)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
