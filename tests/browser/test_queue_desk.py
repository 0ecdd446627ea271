"""Callers waiting in a line's queue, on the desk and the wallboard, in a real browser with
axe-core on each state (issue 12). No caller's number on either."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from models.db import make_engine, make_session_factory
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import Server, make_account, screenshot, sign_in
from tests.browser.test_measures_pages import DEE_PHONE, duty_worker
from tests.helpers import CALLER, PROFESSIONALS, new_call_sid, stored_record
from tests.telephony import twiml_reader

pytestmark = pytest.mark.database


def test_the_desk_and_the_wallboard_show_callers_waiting(server: Server, page: Page) -> None:
    dee = duty_worker(server.database_url)  # in hours now, whatever the clock says
    account = make_account(server.database_url, "dee.duty", "worker", worker_id=dee)
    sign_in(page, server, account)
    page.wait_for_url("**/desk")
    panel = page.locator("#queue-waiting")
    expect(panel.locator('[data-queue-line="professional"]')).to_contain_text("Nobody waiting")
    assert_accessible(page, "the desk, nobody waiting")

    # Dee takes a call; the next caller waits in the professionals' queue.
    twilio = server.twilio
    taken = twiml_reader.dial(twiml_reader.parse(twilio.incoming(new_call_sid())))
    assert taken is not None and taken.numbers == [DEE_PHONE]
    leg = {"CallSid": "CA" + "1" * 32}
    whisper_url = taken.whisper_urls[0]
    assert whisper_url is not None
    gather = twiml_reader.parse(twilio.post_url(whisper_url, leg)).find("Gather")
    assert gather is not None
    twilio.post_url(gather.get("action", ""), {**leg, "Digits": "1"})
    waiting = new_call_sid()
    queued = twiml_reader.enqueued(twiml_reader.parse(twilio.incoming(waiting)))
    assert queued is not None

    row = panel.locator('[data-queue-line="professional"]')
    expect(row).to_contain_text("1 waiting, the longest for", timeout=10_000)
    expect(panel.locator('[data-queue-line="public"]')).to_contain_text("Nobody waiting")
    assert "07700" not in panel.inner_text() and CALLER not in panel.inner_html()
    assert_accessible(page, "the desk, a caller waiting")
    screenshot(page, "desk-callers-waiting")

    page.goto(server.url + "/wallboard")
    professionals = page.locator('[data-line="professional"]')
    expect(professionals.locator('[data-figure="queued"] dd')).to_have_text("1", timeout=10_000)
    expect(professionals.locator('[data-figure="longest-queued"] dd')).to_contain_text("second")
    assert "07700" not in professionals.inner_text()
    assert_accessible(page, "the wallboard, a caller waiting")

    # The caller hangs up while waiting: nobody waits any more.
    twilio.post_url(queued.action, {"CallSid": waiting, "QueueResult": "hangup", "QueueTime": "9"})
    ended = {"CallSid": waiting, "CallStatus": "completed", "CallDuration": "12"}
    twilio.post("/twilio/status", {**ended, "From": CALLER, "To": PROFESSIONALS})
    expect(professionals.locator('[data-figure="queued"] dd')).to_have_text("0", timeout=10_000)
    page.goto(server.url + "/desk")
    expect(panel.locator('[data-queue-line="professional"]')).to_contain_text("Nobody waiting")

    # The record of the caller who waited says so, in words.
    page.goto(f"{server.url}/records/{record_id(server.database_url, waiting)}")
    facts = page.locator("#call-facts")
    expect(facts).to_contain_text("Waited 0 min", timeout=10_000)
    expect(facts).to_contain_text("nobody ahead")
    expect(facts).to_contain_text("then hung up")
    assert_accessible(page, "a record of a caller who waited in the queue")


def record_id(database_url: str, call_sid: str) -> int:
    engine = make_engine(database_url)
    try:
        return stored_record(make_session_factory(engine), call_sid).id
    finally:
        engine.dispose()
