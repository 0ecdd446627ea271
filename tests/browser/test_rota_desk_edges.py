"""Rough edges of the rota and desk pages (issue 11), in a real browser with axe-core."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from models.db import make_engine, make_session_factory
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import Server, make_account, sign_in
from tests.browser.rota_support import arrange_team
from tests.browser.test_desk_and_manager import DEE_PHONE, call, workers
from tests.helpers import add_shift

pytestmark = pytest.mark.database


def loaded(page: Page, times: int = 1) -> None:
    page.wait_for_function(f"Number(document.body.dataset.rotaLoaded || 0) >= {times}")


def shifts_this_week(database_url: str, worker_ids: list[int]) -> None:
    engine = make_engine(database_url)
    try:
        factory = make_session_factory(engine)
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        for day in range(1, 4):
            begins = start + timedelta(days=day)
            add_shift(factory, worker_ids[0], "primary", begins, begins + timedelta(hours=8))
            add_shift(factory, worker_ids[1], "backup", begins, begins + timedelta(hours=8))
    finally:
        engine.dispose()


# The text a sighted person reads on a button (visually hidden text left out, each piece of
# text trimmed and joined by a space), and its name (aria-label, or else all its text).
VISIBLE_TEXT_AND_NAME = """b => {
  const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
  const seen = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest(".govuk-visually-hidden, .visually-hidden")) continue;
    if (node.textContent.trim()) seen.push(node.textContent.trim());
  }
  const name = b.getAttribute("aria-label")
    || [...b.childNodes].map((n) => n.textContent).join("").replace(/\\s+/g, " ");
  return [seen.join(" "), name];
}"""


def test_the_calendar_shift_buttons_are_named_by_their_visible_text_in_week_and_month(
    server: Server, page: Page
) -> None:
    team = arrange_team(server.database_url, closure_hours=0)
    shifts_this_week(server.database_url, [team["Ann Able"].id, team["Bo Bell"].id])
    coordinator = make_account(server.database_url, "cora.rota", "coordinator")
    sign_in(page, server, coordinator)
    for view in ("week", "month"):
        page.goto(f"{server.url}/rota/calendar?view={view}")
        loaded(page)
        buttons = page.locator("#calendar-grid button[data-shift-id]")
        expect(buttons.first).to_be_visible()
        for index in range(buttons.count()):
            button = buttons.nth(index)
            visible, name = button.evaluate(VISIBLE_TEXT_AND_NAME)
            assert " ".join(name.split()).startswith(" ".join(visible.split())), (visible, name)
        # Each button still says whose shift it is, in which role.
        expect(
            page.get_by_role("button", name="Ann Able").filter(has_text="Ann Able").first
        ).to_contain_text("\u2013")  # an en dash between the times
        expect(page.get_by_role("button", name="primary on call").first).to_be_visible()
        assert_accessible(page, f"the calendar's {view} view with shifts")


def test_the_feeds_table_has_a_heading_for_every_column(server: Server, page: Page) -> None:
    team = arrange_team(server.database_url, closure_hours=0)
    coordinator = make_account(server.database_url, "cora.rota", "coordinator")
    sign_in(page, server, coordinator)
    page.goto(server.url + "/rota/exports")
    loaded(page)
    page.get_by_label("Feed of").select_option(label=team["Ann Able"].name)
    page.get_by_role("button", name="Issue a feed address").click()
    expect(page.locator("#feeds-table tbody tr")).to_have_count(1)
    headings = page.locator("#feeds-table thead th")
    for index in range(headings.count()):
        assert headings.nth(index).text_content().strip(), f"column {index + 1} has no heading"
    assert_accessible(page, "the exports page after issuing a feed")


def buttons_apart(page: Page) -> None:
    """The two "... on all lines" buttons have space between them, side by side or stacked."""
    available = page.get_by_role("button", name="Available on all lines")
    offline = page.get_by_role("button", name="Offline on all lines")
    first, second = available.bounding_box(), offline.bounding_box()
    assert first is not None and second is not None
    apart_x = (
        first["x"] + first["width"] < second["x"] or second["x"] + second["width"] < first["x"]
    )
    apart_y = (
        first["y"] + first["height"] < second["y"] or second["y"] + second["height"] < first["y"]
    )
    assert apart_x or apart_y, (first, second)


def test_the_desk_on_a_phone_shows_the_whole_status_column_and_spaced_buttons(
    server: Server, new_page
) -> None:
    dee, _ = workers(server.database_url, dee_on_call=True)
    account = make_account(server.database_url, "dee.duty", "worker", worker_id=dee)
    call(server, answer_by=DEE_PHONE)
    page: Page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, server, account)
    page.wait_for_url("**/desk")
    table = page.locator("#open-records-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    status = table.locator("tbody tr td").last
    expect(status).to_be_visible()
    box = status.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    clipped = page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    assert not clipped, "the desk scrolls sideways at 390 px"
    for cell in (status, table.locator("thead th").last):
        assert cell.evaluate("c => c.scrollWidth <= c.clientWidth"), cell.inner_text()

    buttons_apart(page)
    assert_accessible(page, "the desk at 390 px")
    page.set_viewport_size({"width": 1280, "height": 900})
    buttons_apart(page)


def test_a_failed_search_leaves_no_old_results_under_its_error(server: Server, page: Page) -> None:
    workers(server.database_url, dee_on_call=True)
    manager = make_account(server.database_url, "mo.manager", "manager", display_name="Mo Manager")
    call(server, answer_by=DEE_PHONE)
    sign_in(page, server, manager)
    page.goto(server.url + "/records")
    expect(page.locator("#results-table")).to_contain_text("Dee Duty")
    page.locator("#q").fill("x")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Enter at least 2 characters")
    expect(page.locator("#results-table")).to_have_count(0)


def test_the_favicon_answers_with_an_icon(server: Server) -> None:
    response = httpx.get(server.url + "/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(("image/x-icon", "image/vnd.microsoft.icon"))
    assert response.content[:4] == b"\x00\x00\x01\x00"
