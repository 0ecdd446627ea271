"""The rota pages are served by the app itself, each with the rota's navigation and its
script, and hold no rota data of their own (no browser needed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.rota.pages import ROTA_PAGES
from app.settings import Settings
from tests.helpers import ApiClient


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("path", "script"),
    [
        ("/rota", "/static/js/rota.js"),
        ("/rota/calendar", "/static/js/rota_calendar.js"),
        ("/rota/rotations", "/static/js/rota_rotations.js"),
        ("/rota/exports", "/static/js/rota_exports.js"),
    ],
)
@pytest.mark.database
def test_each_rota_page_has_its_script_the_rota_navigation_and_marks_itself_current(
    api: ApiClient, path: str, script: str
) -> None:
    api.sign_in_as("coordinator")
    response = api.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert f'src="{script}"' in html
    assert 'aria-label="Rota"' in html
    for _label, href in ROTA_PAGES:
        assert f'href="{href}"' in html
    assert f'href="{path}" aria-current="page"' in html
    assert html.count('aria-current="page"') == 2  # the header's Rota, and this page
    assert api.get(script).status_code == 200


def test_the_rota_scripts_and_styles_are_served(client: TestClient) -> None:
    for name in ("rota_common.js", "rota_shift_form.js"):
        js = client.get(f"/static/js/{name}")
        assert js.status_code == 200 and "export function" in js.text
    css = client.get("/static/css/rota.css")
    assert css.status_code == 200 and ".rota-gap" in css.text
