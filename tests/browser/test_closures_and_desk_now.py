"""Closures and openings, the rota calendar's band and the desk's "where calls go now", in
Chromium against a real ``dutyline serve`` process, with axe-core on every page and state.

The server runs on the real clock: the closure the coordinator declares starts this minute,
so *now* is out of hours whatever the hour of the run, and the on-call worker is told so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from models.db import make_engine, make_session_factory
from routing import LONDON
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import Server, make_account, screenshot, sign_in
from tests.helpers import add_shift, add_worker

pytestmark = pytest.mark.database

EN_DASH = "\u2013"  # between two times, as the calendar writes them


def on_call_worker(database_url: str) -> int:
    """A worker on no duty line (on call only), primary on call from 6 hours ago to 6 ahead."""
    engine = make_engine(database_url)
    try:
        factory = make_session_factory(engine)
        olu = add_worker(factory, "Olu Oncall", "+447700900651", (), available=False)
        now = datetime.now(UTC)
        add_shift(factory, olu, "primary", now - timedelta(hours=6), now + timedelta(hours=6))
        return olu
    finally:
        engine.dispose()


def fill_when(form: Locator, which: str, when: datetime) -> None:
    """A GOV.UK date input (day, month, year) and a 24-hour time, in London time."""
    local = when.astimezone(LONDON)
    date_group = form.get_by_role("group", name=f"{which} date")
    date_group.get_by_label("Day").fill(str(local.day))
    date_group.get_by_label("Month").fill(str(local.month))
    date_group.get_by_label("Year").fill(str(local.year))
    form.get_by_label(f"{which} time").fill(f"{local:%H:%M}")


def declare(page: Page, starts: datetime, ends: datetime, reason: str, line: str) -> None:
    form = page.locator("#closure-form")
    form.get_by_label("A closure").check()
    form.get_by_label("Which lines").select_option(label=line)
    fill_when(form, "Start", starts)
    fill_when(form, "End", ends)
    form.get_by_label("Why").fill(reason)
    form.get_by_role("button", name="Declare it").click()


def loaded(page: Page, flag: str, times: int = 1) -> None:
    page.wait_for_function(f"Number(document.body.dataset.{flag} || 0) >= {times}")


def test_a_coordinator_declares_a_training_afternoon_and_the_desk_says_where_calls_go(
    server: Server, new_page: Callable[..., Page]
) -> None:
    olu = on_call_worker(server.database_url)
    coordinator = make_account(server.database_url, "cora.rota", "coordinator")
    manager = make_account(server.database_url, "mo.manager", "manager")
    worker = make_account(server.database_url, "olu.oncall", "worker", worker_id=olu)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    tomorrow = (now + timedelta(days=1)).astimezone(LONDON).replace(hour=13, minute=0)

    # The coordinator finds the page in the header; nothing is declared yet.
    page = new_page()
    sign_in(page, server, coordinator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Closures").click()
    page.wait_for_url("**/closures")
    loaded(page, "closuresLoaded")
    expect(page.locator("#no-closures")).to_contain_text("the usual hours apply")
    assert_accessible(page, "closures, none declared")

    # Declaring with nothing filled in: an error summary and a message at each field.
    page.get_by_role("button", name="Declare it").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the start date")
    expect(summary).to_contain_text("Enter the end time, for example 13:00")
    expect(summary).to_contain_text("Say why")
    expect(page.locator("#starts-error")).to_contain_text("Enter the start date")
    assert_accessible(page, "closures, errors in the browser")

    # An end before the start: the API refuses it in words, shown at the end date.
    declare(page, now, now - timedelta(hours=1), "Team training", "All lines")
    expect(summary).to_contain_text("The end must be after the start")
    expect(page.locator("#ends-error")).to_contain_text("The end must be after the start")
    assert_accessible(page, "closures, refused by the API")

    # A training afternoon from this minute, every line; and one tomorrow, professionals only.
    declare(page, now, now + timedelta(hours=3), "Team training", "All lines")
    expect(page.locator("#closure-banner")).to_contain_text("Closure declared")
    expect(summary).to_have_count(0)
    declare(
        page, tomorrow, tomorrow + timedelta(hours=4), "Training afternoon", "Professionals line"
    )
    rows = page.locator("#closures-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Team training")
    expect(rows.nth(0)).to_contain_text("Running now")
    expect(rows.nth(0)).to_contain_text("All lines")
    expect(rows.nth(1)).to_contain_text("Training afternoon")
    expect(rows.nth(1)).to_contain_text("To come")
    expect(rows.nth(1)).to_contain_text("Professionals line")
    screenshot(page, "closures")
    assert_accessible(page, "closures, two declared")

    # The rota calendar shows each as a band in words on its day.
    page.goto(server.url + "/rota/calendar")
    loaded(page, "rotaLoaded")
    band = page.locator("tr[data-row=closures]")
    start, end = now.astimezone(LONDON), (now + timedelta(hours=3)).astimezone(LONDON)
    end_words = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %H:%M}"
    expect(band).to_contain_text(
        f"Closed for Team training {start:%H:%M}{EN_DASH}{end_words}: calls go to on-call"
    )
    if tomorrow.date() <= start.date() + timedelta(days=6 - start.weekday()):
        expect(band).to_contain_text(f"Closed for Training afternoon 13:00{EN_DASH}17:00")
    screenshot(page, "rota-calendar-closure")
    assert_accessible(page, "rota calendar with closures")

    # The calendar's own date is a GOV.UK date input too: a date that does not exist is
    # said in words; today's month shows the closure in today's cell.
    filters = page.locator("#calendar-form")
    day_group = filters.get_by_role("group", name="Including the date")
    expect(day_group.get_by_label("Day")).to_have_value(str(start.day))
    day_group.get_by_label("Day").fill("31")
    day_group.get_by_label("Month").fill("2")
    filters.get_by_role("button", name="Show the calendar").click()
    expect(page.locator("#calendar-date-error")).to_contain_text("must be a real date")
    assert_accessible(page, "rota calendar, a date that does not exist")
    day_group.get_by_label("Day").fill(str(start.day))
    day_group.get_by_label("Month").fill(str(start.month))
    filters.get_by_label("A month").check()
    filters.get_by_role("button", name="Show the calendar").click()
    page.wait_for_url("**view=month**")
    loaded(page, "rotaLoaded")
    today_cell = page.locator(f"#calendar-grid td[data-date='{start.date().isoformat()}']")
    expect(today_cell).to_contain_text("Closed for Team training")
    assert_accessible(page, "rota calendar month with a closure")

    # The on-call worker's desk: out of hours because of the closure, and they are on call.
    desk = new_page()
    sign_in(desk, server, worker)
    desk.wait_for_url("**/desk")
    loaded(desk, "callsNowLoaded")
    panel = desk.locator("#calls-now")
    professionals = panel.locator("[data-calls-now-line=professional]")
    expect(professionals).to_contain_text("Out of hours")
    expect(professionals).to_contain_text("(a closure: Team training)")
    expect(professionals).to_contain_text("On call: Olu Oncall (primary)")
    expect(desk.locator("#calls-now-you")).to_contain_text(
        "You are the primary on-call worker for the Professionals line and the Public line until"
    )
    expect(desk.locator("#calls-now-closures")).to_contain_text("Now: Closed for Team training")
    expect(desk.locator("#calls-now-closures")).to_contain_text("Closed for Training afternoon")
    screenshot(desk, "desk-where-calls-go")
    assert_accessible(desk, "desk, out of hours for a closure, on call now")

    # A manager lists them and deletes tomorrow's, which has not started.
    reader = new_page()
    sign_in(reader, server, manager)
    reader.goto(server.url + "/closures")
    loaded(reader, "closuresLoaded")
    manager_rows = reader.locator("#closures-table tbody tr")
    expect(manager_rows).to_have_count(2)
    manager_rows.nth(1).get_by_role("button", name="Delete").click()
    expect(reader.locator("#closure-banner")).to_contain_text("Training afternoon deleted")
    expect(manager_rows).to_have_count(1)
    assert_accessible(reader, "closures as a manager, one deleted")

    # The coordinator ends the training early: the usual hours apply again at once.
    page.goto(server.url + "/closures")
    loaded(page, "closuresLoaded")
    page.locator("#closures-table tbody tr").get_by_role("button", name="End now").click()
    expect(page.locator("#closure-banner")).to_contain_text("Team training ended early")
    expect(page.locator("#no-closures")).to_be_visible()
    assert_accessible(page, "closures, ended early")

    desk.reload()
    loaded(desk, "callsNowLoaded")
    expect(desk.locator("#calls-now-lines")).not_to_contain_text("Team training")
    expect(desk.locator("#calls-now-closures")).to_have_count(0)
    assert_accessible(desk, "desk, usual hours")

    # A social worker reads where calls go on the desk; the closures page says whom it is for.
    desk.goto(server.url + "/closures")
    expect(desk.get_by_role("heading", level=1)).to_have_text(
        "This page is for rota coordinators and managers"
    )
    assert_accessible(desk, "closures as a social worker")
