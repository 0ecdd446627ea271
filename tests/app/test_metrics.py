"""GET /metrics: Prometheus's text format, requests by route template, a switch and a token."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi import routing
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.auth import is_public
from app.main import create_app
from tests.helpers import PUBLIC_BASE_URL, FixedClock, Twilio, new_call_sid
from tests.telephony.conftest import make_settings

pytestmark = pytest.mark.database

VOICE = {"endpoint": "/twilio/voice", "method": "POST", "status": "200"}


@contextmanager
def served(database_url: str, **settings: object) -> Iterator[TestClient]:
    app = create_app(make_settings(database_url, **settings), clock=FixedClock())
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        yield client


def sample(text: str, name: str, labels: dict[str, str]) -> float:
    """One sample's value from Prometheus text (0 when absent: counters start at nothing)."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return float(found.value)
    return 0.0


def test_a_signed_webhook_is_counted_and_timed_by_its_route(database_url: str) -> None:
    with served(database_url) as client:
        before = client.get("/metrics")
        assert before.status_code == 200
        assert before.headers["content-type"].startswith("text/plain")
        response = Twilio(client).incoming(new_call_sid())
        # In hours with nobody free the caller joins the queue (issue 12), else a Dial.
        assert response.status_code == 200
        assert "<Dial" in response.text or "<Enqueue" in response.text
        after = client.get("/metrics").text
    counted = "dutyline_http_requests_total"
    assert sample(after, counted, VOICE) == sample(before.text, counted, VOICE) + 1
    timed = "dutyline_http_request_duration_seconds_count"
    route = {"endpoint": "/twilio/voice", "method": "POST"}
    assert sample(after, timed, route) == sample(before.text, timed, route) + 1
    bucket = "dutyline_http_request_duration_seconds_bucket"
    assert sample(after, bucket, {**route, "le": "+Inf"}) >= 1


def test_a_path_is_never_a_label_only_its_template(database_url: str) -> None:
    with served(database_url) as client:
        assert client.get("/api/rota/calendar/feed-secret-abc123.ics").status_code == 404
        assert client.get("/no/such/page/Jane-Doe").status_code == 404
        text = client.get("/metrics").text
    assert "feed-secret-abc123" not in text and "Jane-Doe" not in text
    template = {"endpoint": "/api/rota/calendar/{secret}.ics", "method": "GET", "status": "404"}
    assert sample(text, "dutyline_http_requests_total", template) >= 1
    unmatched = {"endpoint": "(no route)", "method": "GET", "status": "404"}
    assert sample(text, "dutyline_http_requests_total", unmatched) >= 1


def test_with_a_token_set_it_answers_only_that_bearer(database_url: str) -> None:
    with served(database_url, metrics_token="scrape-token-0123456789") as client:
        assert client.get("/metrics").status_code == 401
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        basic = client.get("/metrics", headers={"Authorization": "Basic scrape-token-0123456789"})
        assert basic.status_code == 401
        right = client.get("/metrics", headers={"Authorization": "Bearer scrape-token-0123456789"})
        assert right.status_code == 200 and "dutyline_http_requests_total" in right.text


def test_switched_off_it_is_not_there_and_counts_nothing(database_url: str) -> None:
    with served(database_url) as on:
        start = sample(on.get("/metrics").text, "dutyline_http_requests_total", VOICE)
    with served(database_url, metrics=False) as off:
        assert off.get("/metrics").status_code == 404
        assert Twilio(off).incoming(new_call_sid()).status_code == 200
    with served(database_url) as on:
        assert sample(on.get("/metrics").text, "dutyline_http_requests_total", VOICE) == start


def test_an_empty_token_setting_means_no_token(database_url: str) -> None:
    with served(database_url, metrics_token="  ") as client:
        assert client.get("/metrics").status_code == 200


def test_the_route_says_it_is_public_with_its_own_token() -> None:
    (route,) = [
        context.route
        for context in routing.iter_route_contexts(create_app().routes)
        if context.path == "/metrics"
    ]
    assert isinstance(route, APIRoute) and is_public(route)
