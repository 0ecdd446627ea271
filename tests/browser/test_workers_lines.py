"""The Workers and Lines pages in Chromium, against a real ``dutyline serve`` (issue 11).

An admin adds a worker and changes everything about them; a coordinator changes a phone and
lines (and is offered nothing else); an admin changes a line's greeting, hours and fallback
number. A signed call placed against the same server after each change shows the change
reaching the next call. axe-core runs on every page and state visited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from models.db import make_engine, make_session_factory
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import Server, make_account, screenshot, sign_in
from tests.browser.rota_support import arrange_team, call_now, dialled
from tests.helpers import FALLBACK_NUMBER, add_shift

pytestmark = pytest.mark.database


def loaded(page: Page, times: int = 1) -> None:
    """Wait until the page's script has (re)loaded its data at least ``times`` times."""
    page.wait_for_function(f"Number(document.body.dataset.workersLoaded || 0) >= {times}")


def test_an_admin_adds_a_worker_and_changes_their_name_phone_lines_and_access(
    server: Server, page: Page
) -> None:
    admin = make_account(server.database_url, "ada.admin", "admin", display_name="Ada Admin")
    sign_in(page, server, admin)
    page.get_by_role("link", name="Workers").click()
    page.wait_for_url("**/workers")
    loaded(page)
    expect(page.locator("#workers")).to_contain_text("No workers yet.")
    assert_accessible(page, "the workers page, empty")

    # Nothing typed: both problems listed and linked; then a number that is no number.
    page.get_by_role("button", name="Add worker").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Enter the worker's full name")
    expect(summary).to_contain_text("Enter the worker's phone number")
    assert_accessible(page, "the add-a-worker form with errors")
    page.get_by_label("Full name").fill("Robin Reyes")
    page.get_by_label("Phone number", exact=True).fill("0770 090")
    page.get_by_label("Professionals line").check()
    page.get_by_role("button", name="Add worker").click()
    expect(summary).to_contain_text("“0770 090” is not a valid UK phone number")
    expect(page.locator("#phone-error")).to_contain_text("“0770 090” is not a valid UK phone")
    expect(page.locator("#workers")).to_contain_text("No workers yet.")

    page.get_by_label("Phone number", exact=True).fill("+44 7700 900 321")
    page.get_by_role("button", name="Add worker").click()
    expect(page.locator("#success-banner")).to_contain_text("Robin Reyes added, on 07700 900321")
    row = page.locator("#workers-table tr", has_text="Robin Reyes")
    expect(row).to_contain_text("07700 900321")
    expect(row).to_contain_text("Professionals line")
    expect(row).to_contain_text("Active")
    expect(page.locator("#error-summary")).to_have_count(0)
    assert_accessible(page, "the workers page with a worker added")
    screenshot(page, "workers")

    row.get_by_role("link", name="Robin Reyes").click()
    page.wait_for_url("**/workers/*")
    loaded(page)
    details = page.locator("#worker-details")
    expect(details).to_contain_text("07700 900321")
    expect(page.get_by_label("Professionals line")).to_be_checked()
    assert_accessible(page, "a worker's page")

    page.get_by_label("Full name").fill("Robin Reyes-Hall")
    page.get_by_role("button", name="Save name").click()
    expect(page.locator("#success-banner")).to_contain_text("Name changed to Robin Reyes-Hall.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin Reyes-Hall")

    page.get_by_label("Phone number", exact=True).fill("12345")
    page.get_by_role("button", name="Save phone number").click()
    expect(page.locator("#error-summary")).to_contain_text("“12345” is not a valid UK phone")
    expect(details).to_contain_text("07700 900321")  # nothing stored
    assert_accessible(page, "a worker's page with a refused phone number")
    page.get_by_label("Phone number", exact=True).fill("07700900322")
    page.get_by_role("button", name="Save phone number").click()
    expect(details).to_contain_text("07700 900322")
    expect(page.locator("#error-summary")).to_have_count(0)

    page.get_by_label("Public line").check()
    page.get_by_label("Professionals line").uncheck()
    page.get_by_role("button", name="Save lines").click()
    expect(page.locator("#success-banner")).to_contain_text("Lines changed: Public line.")
    expect(details).to_contain_text("Public line")

    page.get_by_role("button", name="Deactivate worker").click()
    expect(details).to_contain_text("Deactivated")
    expect(page.locator("#success-banner")).to_contain_text("Robin Reyes-Hall is deactivated.")
    assert_accessible(page, "a deactivated worker's page")
    page.get_by_role("button", name="Reactivate worker").click()
    expect(details).to_contain_text("Active")
    expect(page.get_by_role("button", name="Deactivate worker")).to_be_visible()

    page.get_by_role("link", name="All workers").click()
    loaded(page)
    row = page.locator("#workers-table tr", has_text="Robin Reyes-Hall")
    expect(row).to_contain_text("07700 900322")
    expect(row).to_contain_text("Public line")


def test_a_coordinators_phone_change_reaches_the_next_call_in_another_process(
    serve: Callable[..., Server], database_url: str, page: Page
) -> None:
    # The service as two processes on one database: the page uses one, calls reach the other.
    server, other = serve(database_url), serve(database_url)
    # A declared closure makes now out of hours; Ann is primary on call now.
    team = arrange_team(server.database_url)
    ann = team["Ann Able"]
    now = datetime.now(UTC)
    engine = make_engine(server.database_url)
    add_shift(
        make_session_factory(engine),
        ann.id,
        "primary",
        now - timedelta(hours=1),
        now + timedelta(hours=2),
    )
    engine.dispose()
    assert dialled(call_now(other))[0] == [ann.phone]

    coordinator = make_account(server.database_url, "cora.rota", "coordinator")
    sign_in(page, server, coordinator)
    page.get_by_role("link", name="Workers").click()
    page.wait_for_url("**/workers")
    loaded(page)
    expect(page.locator("#workers-table")).to_contain_text("07700 900311")
    expect(page.get_by_role("heading", name="Add a worker")).to_have_count(0)
    assert_accessible(page, "the workers page as a coordinator")

    page.locator("#workers-table").get_by_role("link", name="Ann Able").click()
    loaded(page)
    # A coordinator is offered the phone and the lines, not the name or access.
    expect(page.get_by_role("button", name="Save name")).to_have_count(0)
    expect(page.get_by_role("button", name="Deactivate worker")).to_have_count(0)
    page.get_by_label("Phone number", exact=True).fill("07700 900 399")
    page.get_by_role("button", name="Save phone number").click()
    expect(page.locator("#success-banner")).to_contain_text("The next call rings it.")
    expect(page.locator("#worker-details")).to_contain_text("07700 900399")
    page.get_by_label("Public line").check()
    page.get_by_role("button", name="Save lines").click()
    expect(page.locator("#worker-details")).to_contain_text("Public line")
    assert_accessible(page, "a worker's page as a coordinator, after changes")

    # The very next call, signed as Twilio signs it, rings the new number, in either process.
    assert dialled(call_now(other))[0] == ["+447700900399"]
    assert dialled(call_now(server))[0] == ["+447700900399"]

    # The API refuses a coordinator the rest, whatever a page offers.
    status = page.evaluate(
        """async () => {
            const { api } = await import("/static/js/api.js");
            try {
              await api.patch("/api" + window.location.pathname, { name: "X", active: false });
              return 200;
            } catch (error) {
              return error.status;
            }
        }"""
    )
    assert status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Ann Able")

    # The Lines page is for admins: a coordinator is told so.
    page.goto(server.url + "/admin/lines")
    expect(page.get_by_role("heading", level=1)).to_have_text("This page is for admins")
    assert_accessible(page, "the lines page refused to a coordinator")


def test_an_admin_changes_a_lines_greeting_hours_and_fallback(server: Server, page: Page) -> None:
    arrange_team(server.database_url)  # out of hours now, and nobody on call
    admin = make_account(server.database_url, "ada.admin", "admin", display_name="Ada Admin")
    sign_in(page, server, admin)
    page.get_by_role("link", name="Lines").click()
    page.wait_for_url("**/admin/lines")
    loaded(page)
    card = page.locator("[data-line=professional]")
    expect(card).to_contain_text("01305 228558")
    expect(card).to_contain_text("08:00 to 22:00")
    expect(card).to_contain_text("The service's: 01305 224666")
    assert_accessible(page, "the lines page")

    card.get_by_role("link", name="Change Professionals line").click()
    page.wait_for_url("**/admin/lines/*")
    loaded(page)
    expect(page.get_by_label("Number", exact=True)).to_have_value("01305 228558")
    assert_accessible(page, "a line's form")

    # Bad values: each named, nothing stored.
    page.get_by_label("Greeting").fill("Thank you for calling the professionals' duty line.")
    page.locator("#weekday_close").fill("7pm")
    page.locator("#weekend_open").fill("23:00")
    page.get_by_label("Fallback number").fill("0130 522")
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Enter a time on the 24-hour clock")
    expect(summary).to_contain_text("“0130 522” is not a valid UK phone number")
    assert_accessible(page, "a line's form with errors")
    # Each value readable, but the weekend would close before it opens.
    page.locator("#weekday_close").fill("21:00")
    page.get_by_label("Fallback number").fill("01305 224 999")
    page.get_by_role("button", name="Save changes").click()
    expect(summary).to_contain_text("weekend closing time must be after the weekend opening time")
    expect(summary).not_to_contain_text("0130 522")
    page.locator("#weekend_open").fill("09:30")
    page.get_by_label("Bank holidays in England follow weekend hours").uncheck()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#success-banner")).to_contain_text("Professionals line saved.")
    expect(page.locator("#error-summary")).to_have_count(0)
    expect(page.get_by_label("Fallback number")).to_have_value("01305 224999")
    assert_accessible(page, "a line's form saved")
    screenshot(page, "line-form")

    # The next call hears the line's greeting and, with nobody on call, rings its fallback.
    result = call_now(server)
    assert "Thank you for calling the professionals' duty line. If a child" in result.twiml[0]
    assert dialled(result)[0] == ["+441305224999"]
    assert FALLBACK_NUMBER not in result.twiml[0]

    page.get_by_role("link", name="All lines").click()
    loaded(page)
    card = page.locator("[data-line=professional]")
    expect(card).to_contain_text("“Thank you for calling the professionals' duty line.”")
    expect(card).to_contain_text("08:00 to 21:00")
    expect(card).to_contain_text("09:30 to 22:00")
    expect(card).to_contain_text("Weekday hours")
    expect(card).to_contain_text("01305 224999")
    screenshot(page, "lines")
