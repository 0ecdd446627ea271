"""The pages and static files are served by the app itself (no browser needed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_sign_in_page_has_a_main_landmark_a_skip_link_and_labelled_fields(
    client: TestClient,
) -> None:
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<main class="govuk-main-wrapper" id="main-content"' in html
    assert 'href="#main-content" class="govuk-skip-link"' in html
    assert 'class="govuk-label" for="username">' in html
    assert 'class="govuk-label" for="password">' in html
    assert "Children&#39;s Advice and Duty Service" in html


def test_static_files_are_served_and_nothing_outside_them(client: TestClient) -> None:
    css = client.get("/static/css/dutyline.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    js = client.get("/static/js/api.js")
    assert js.status_code == 200 and "X-CSRF-Token" in js.text
    assert client.get("/static/../web/pages.py").status_code == 404
    assert client.get("/static/%2e%2e/web/pages.py").status_code == 404


def test_home_sends_visitors_without_a_session_to_sign_in(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in"
    # Signed in, each role's first page: tests/app/test_layout.py.
