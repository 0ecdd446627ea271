"""Insight, the measures' definitions and the wallboard in a real browser, axe-core on
every page and state; on the wallboard, a call arriving through another process moves the
figures live."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from app.closures.service import add_override
from app.demo import seed_demo
from models.db import make_engine, make_session_factory
from telephony.simulator import simulate_call
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import Server, make_account, screenshot, sign_in
from tests.helpers import AUTH_TOKEN, CALLER, PROFESSIONALS, add_worker, new_call_sid
from tests.telephony import twiml_reader

pytestmark = pytest.mark.database

DEE_PHONE = "+447700900555"


def duty_worker(database_url: str) -> int:
    """Dee, available on the professionals' line, with the duty team declared open now
    (whatever the real clock says), so that calls ring her."""
    engine = make_engine(database_url)
    try:
        factory = make_session_factory(engine)
        with factory.begin() as session:
            now = datetime.now(UTC)
            add_override(session, now - timedelta(hours=1), now + timedelta(hours=2), "in_hours")
        return add_worker(factory, "Dee Duty", DEE_PHONE, ("professional",))
    finally:
        engine.dispose()


def play(server: Server, answer_by: str | None) -> None:
    simulate_call(
        server_url=server.url,
        public_base_url=server.url,
        auth_token=AUTH_TOKEN,
        to=PROFESSIONALS,
        from_=CALLER,
        answer_by=answer_by,
        leave_message=answer_by is None,
    )


def key_figure(page: Page, name: str) -> str:
    row = page.locator("#key-figures tbody tr").filter(
        has=page.get_by_role("rowheader", name=name, exact=True)
    )
    return row.locator("td").first.inner_text()


def test_insight_for_a_manager_and_a_coordinator(
    server: Server, new_page: Callable[..., Page]
) -> None:
    duty_worker(server.database_url)
    play(server, DEE_PHONE)
    play(server, None)
    manager = make_account(server.database_url, "mo.manager", "manager")
    page = new_page()
    sign_in(page, server, manager)
    page.goto(server.url + "/insight")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Insight:")
    assert key_figure(page, "Calls that reached a line") == "2"
    assert key_figure(page, "Answered by a worker") == "1"
    expect(page.locator("#callback-figures")).to_contain_text("Missed calls (a callback task left)")
    expect(page.get_by_role("img", name="Calls each day")).to_be_visible()
    expect(page.locator(".chart-section__headline").first).to_contain_text(
        "of answered calls were answered within 60 seconds"
    )
    assert_accessible(page, "/insight for a manager")
    # Only the professionals' line, out of hours: the form keeps the choice.
    page.get_by_label("Line").select_option("public")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_label("Line")).to_have_value("public")
    assert key_figure(page, "Calls that reached a line") == "0"

    page.get_by_role("link", name="What each measure means and how it is worked out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What the measures mean")
    expect(page.locator("main")).to_contain_text("children-in-need census")
    assert_accessible(page, "/insight/measures")

    page.goto(server.url + "/insight?from=2026-02-31")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link").click()
    expect(page.get_by_label("First day")).to_be_focused()
    assert_accessible(page, "/insight with a wrong date")

    coordinator = make_account(server.database_url, "cy.coordinator", "coordinator")
    other = new_page()
    sign_in(other, server, coordinator)
    other.goto(server.url + "/insight")
    expect(other.get_by_role("heading", name="Load")).to_be_visible()
    expect(other.get_by_role("heading", name="Key figures")).to_have_count(0)
    expect(other.locator("#worker-load")).to_contain_text("Dee Duty")
    assert_accessible(other, "/insight for a coordinator")


def figure(page: Page, line: str, key: str) -> str:
    return page.locator(f'[data-line="{line}"] [data-figure="{key}"] dd').inner_text()


def test_the_wallboard_follows_a_call_through_another_process(
    serve: Callable[..., Server], database_url: str, new_page: Callable[..., Page]
) -> None:
    board_server, call_server = serve(database_url), serve(database_url)
    duty_worker(database_url)
    account = make_account(database_url, "mo.manager", "manager")
    page = new_page()
    sign_in(page, board_server, account)
    page.goto(board_server.url + "/wallboard")
    professionals = page.locator('[data-line="professional"]')
    expect(professionals.get_by_role("heading", level=2)).to_have_text("Professionals line")
    expect(professionals.locator('[data-figure="offered"] dd')).to_have_text("0")
    expect(professionals.locator(".wallboard__people")).to_contain_text("Dee Duty")
    expect(page.locator("#wallboard-status")).to_contain_text("Live. Last updated at")
    assert_accessible(page, "the wallboard, quiet")

    # A call arrives through the other process and rings Dee.
    twilio = call_server.twilio
    call_sid = new_call_sid()
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert dialled is not None and dialled.numbers == [DEE_PHONE]
    expect(professionals.locator('[data-figure="ringing"] dd')).to_have_text("1", timeout=10_000)
    expect(professionals.locator('[data-figure="offered"] dd')).to_have_text("1")
    expect(professionals.locator('[data-figure="longest-wait"] dd')).to_contain_text("second")
    assert_accessible(page, "the wallboard with a call ringing")
    screenshot(page, "wallboard")

    # Dee presses 1: busy, and the call answered.
    leg = {"CallSid": "CA" + "1" * 32}
    whisper_url = dialled.whisper_urls[0]
    assert whisper_url is not None
    gather = twiml_reader.parse(twilio.post_url(whisper_url, leg)).find("Gather")
    assert gather is not None
    twilio.post_url(gather.get("action", ""), {**leg, "Digits": "1"})
    expect(professionals.locator('[data-figure="ringing"] dd')).to_have_text("0", timeout=10_000)
    expect(professionals.locator('[data-figure="answered"] dd')).to_have_text("1")
    expect(professionals.locator('[data-figure="service-level"] dd')).to_have_text("100%")
    expect(professionals.locator(".wallboard__people")).to_contain_text("Busy on a call (1)")
    assert CALLER not in page.content() and "07700 900123" not in page.content()

    # The caller hangs up: Dee is available again.
    ended = {"CallSid": call_sid, "CallStatus": "completed", "CallDuration": "60"}
    twilio.post("/twilio/status", {**ended, "From": CALLER, "To": PROFESSIONALS})
    expect(professionals.locator(".wallboard__people")).to_contain_text(
        "Available (1)", timeout=10_000
    )


def test_the_record_asks_annex_a_fields_and_the_return_carries_them(
    server: Server, new_page: Callable[..., Page]
) -> None:
    dee = duty_worker(server.database_url)
    play(server, DEE_PHONE)
    worker = make_account(server.database_url, "dee.duty", "worker", worker_id=dee)
    page = new_page()
    sign_in(page, server, worker)
    page.goto(server.url + "/records")
    page.locator("#results a[href^='/records/']").first.click()
    page.wait_for_url("**/records/*")
    page.get_by_label("Where the contact comes from").select_option(label="Health: school nurse")
    page.get_by_role("button", name="Add a child").click()
    page.locator("#household-children-0-name").fill("Riley Example")
    # The date of birth is a GOV.UK date input: the day box carries the field's id.
    page.locator("#household-children-0-date_of_birth").fill("4")
    page.locator("#household-children-0-date_of_birth-month").fill("5")
    page.locator("#household-children-0-date_of_birth-year").fill("2017")
    page.locator("#household-children-0-gender").select_option(label="Male")
    page.locator("#household-children-0-ethnicity").select_option(
        label="Any other Mixed background"
    )
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    assert_accessible(page, "a record with the Annex A fields")

    manager = make_account(server.database_url, "mo.manager", "manager")
    other = new_page()
    sign_in(other, server, manager)
    other.goto(server.url + "/insight")
    with other.expect_download() as download:
        other.get_by_role(
            "link", name="Download Ofsted's Annex A List 1, contacts, for these days (CSV)"
        ).click()
    text = download.value.path().read_text()
    assert text.splitlines()[1].split(",")[1:4] == ["a) Male", "MOTH", "04/05/2017"]
    assert text.splitlines()[1].endswith(",3C")


def test_the_demo_fills_insight_with_a_few_months(
    server: Server, new_page: Callable[..., Page]
) -> None:
    engine = make_engine(server.database_url)
    try:
        with make_session_factory(engine).begin() as session:
            summary = seed_demo(session, datetime.now(UTC))
    finally:
        engine.dispose()
    assert summary.history_calls > 1000
    manager = make_account(server.database_url, "mo.manager", "manager")
    page = new_page()
    sign_in(page, server, manager)
    page.goto(server.url + "/insight")
    assert int(key_figure(page, "Calls that reached a line")) > 200
    assert key_figure(page, "Re-referral rate").endswith("%")
    expect(page.locator("#shift-load")).to_contain_text("Jo Whitfield")
    assert_accessible(page, "/insight over the demo's history")
    screenshot(page, "insight")
    page.goto(server.url + "/wallboard")
    expect(page.locator('[data-line="public"] [data-figure="offered"] dd')).not_to_have_text("")
    assert_accessible(page, "the wallboard over the demo's history")
