"""The record pages on GOV.UK Frontend, and issue 11's record and callback edges, in Chromium
with axe-core on every state visited:

- edge 5: a second contact about a child without a date of birth never says "no contact";
  it says what the match needs and offers the earlier record to confirm as the same child;
- edge 11: a completed record reads as summary lists, and prints without the service's
  header, navigation and buttons;
- edge 12: tries at calling back that did not reach the caller are recorded on the desk,
  each with its time and result, and the task stays to do;
- the records search's day filter and the record's dates are GOV.UK date inputs whose
  problems are said in words.
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.auth import Principal, StaffRole
from app.records import service
from app.records.schemas import RecordUpdate
from models import ConversationRecord
from models.db import make_engine, make_session_factory
from routing import LONDON
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import Account, Server, make_account, screenshot, sign_in
from tests.browser.test_desk_and_manager import DEE_PHONE, call, workers
from tests.browser.test_whole_shift import fill_date

pytestmark = pytest.mark.database

RILEY: dict[str, Any] = {
    "caller": {
        "kind": "professional",
        "name": "Morgan Lee",
        "role": "Designated safeguarding lead",
        "organisation": "Hill Top Primary School",
        "consent_to_contact": True,
        "contact_number": "01305 220000",
    },
    "household": {
        "children": [{"name": "Riley Example", "date_of_birth": "2017-05-04", "school": "Hill Top"}]
    },
    "worry": {"in_callers_words": "Riley has come to school hungry every day this week."},
    "concerns": {"categories": ["neglect"]},
    "consent": {"family_aware": True, "to_share": "given"},
    "outcome": {
        "decision": "advice_and_guidance",
        "summary": "School to speak with mum about the food bank; ring back if worse.",
    },
}


def write_record(server: Server, account: Account, content: dict[str, Any], *, done: bool) -> int:
    """Write the newest record with the app's own rules, as the worker would; complete it."""
    engine = make_engine(server.database_url)
    principal = Principal(
        account.user_id,
        account.username,
        "Dee Duty",
        frozenset({StaffRole.WORKER}),
        account.worker_id,
        "session",
    )
    try:
        with make_session_factory(engine).begin() as session:
            record = session.scalars(
                select(ConversationRecord).order_by(ConversationRecord.id.desc())
            ).first()
            assert record is not None
            now = datetime.now(UTC)
            service.apply_update(session, record, RecordUpdate.model_validate(content), now)
            if done:
                service.complete(record, principal, now)
            return record.id
    finally:
        engine.dispose()


def test_records_on_gov_uk_frontend_with_the_edges_mended(server: Server, page: Page) -> None:
    dee, _ = workers(server.database_url, dee_on_call=True)
    account = make_account(server.database_url, "dee.duty", "worker", worker_id=dee)
    call(server, answer_by=DEE_PHONE)
    first = write_record(server, account, RILEY, done=True)
    call(server, answer_by=DEE_PHONE)
    no_birth_date = copy.deepcopy(RILEY["household"])
    no_birth_date["children"][0].pop("date_of_birth")
    second = write_record(server, account, {"household": no_birth_date}, done=False)
    sign_in(page, server, account)

    # Edge 5: the child has no date of birth: never "no contact"; what the match needs, and
    # the earlier record (same name, same caller) offered to confirm.
    page.goto(f"{server.url}/records/{second}")
    earlier = page.locator("#earlier-contacts")
    expect(earlier).to_contain_text("cannot be ruled out yet")
    expect(earlier).to_contain_text("Add the date of birth of Riley Example")
    expect(earlier).not_to_contain_text("No contact about this child")
    likely = page.locator(f"[data-likely='{first}']")
    expect(likely).to_contain_text("Same child's name and caller's number")
    expect(page.locator("#record-tags")).not_to_contain_text("Re-referral")
    assert_accessible(page, "a record whose child has no date of birth")
    screenshot(page, "record-likely-matches")
    likely.get_by_role("button", name="This is the same child").click()
    expect(page.locator("#match-status")).to_contain_text("Confirmed as the same child")
    expect(page.locator("#record-tags")).to_contain_text("Re-referral")
    expect(page.locator("#child-contacts")).to_contain_text("a worker's word")
    assert_accessible(page, "a likely match confirmed")

    # The date of birth is a GOV.UK date input; a date that cannot be is said in words.
    fill_date(page, "household-children-0-date_of_birth", "31", "2", "2017")
    expect(page.locator("#save-status")).to_contain_text("must be a real date", timeout=10_000)
    page.get_by_role("button", name="Complete record").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Date of birth must be a real date")
    expect(page.locator("#household-children-0-date_of_birth-error")).to_contain_text(
        "Date of birth must be a real date"
    )
    assert_accessible(page, "a date of birth that cannot be")
    page.locator("#household-children-0-date_of_birth-month").fill("")
    page.locator("#household-children-0-date_of_birth-year").fill("")
    page.get_by_role("button", name="Complete record").click()
    expect(summary).to_contain_text("Date of birth must include a month and year")
    fill_date(page, "household-children-0-date_of_birth", "4", "5", "2017")
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)

    # Edge 11: the completed record is summary lists, a print button, and prints plainly.
    page.goto(f"{server.url}/records/{first}")
    expect(page.locator("#locked-banner")).to_contain_text("by Dee Duty")
    expect(page.locator("#summary-caller .govuk-summary-list")).to_contain_text("Morgan Lee")
    expect(page.locator("#summary-caller")).to_contain_text("01305 220000")
    expect(page.locator("#summary-household .govuk-summary-card")).to_contain_text("4 May 2017")
    expect(page.locator("#summary-outcome")).to_contain_text("Advice and guidance to the caller")
    expect(page.locator("#record-form input, #record-form textarea")).to_have_count(0)
    print_button = page.get_by_role("button", name="Print this record")
    expect(print_button).to_be_visible()
    assert_accessible(page, "a completed record")
    screenshot(page, "record-completed-summary")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 5000, f"the completed record is {height} pixels high"
    page.emulate_media(media="print")
    expect(page.locator(".govuk-header")).to_be_hidden()
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(print_button).to_be_hidden()
    expect(page.locator("#earlier-contacts")).to_be_hidden()
    expect(page.locator("#summary-worry")).to_be_visible()
    page.emulate_media(media="screen")

    # The search's day is a GOV.UK date input: a day that cannot be is refused in words.
    page.goto(server.url + "/records")
    page.get_by_label("Day", exact=True).fill("30")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The date of the call must be a real date"
    )
    expect(page.locator("#day-day-error")).to_be_visible()
    assert_accessible(page, "a search for a day that cannot be")
    today = datetime.now(LONDON).date()
    page.get_by_label("Day", exact=True).fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(rf"day={today.isoformat()}"))
    expect(page.locator("#results-table tbody tr")).to_have_count(2)
    expect(page.get_by_label("Month")).to_have_value(str(today.month))
    assert_accessible(page, "records of one day")

    # Edge 12: a missed call's task; tries that did not reach the caller are recorded.
    call(server, answer_by=None)
    page.goto(server.url + "/desk")
    task = page.locator("[data-callback]")
    expect(task).to_have_count(1, timeout=10_000)
    task.get_by_role("button", name="Claim").click()
    task.get_by_role("button", name="Record the try").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose what happened when you called"
    )
    assert_accessible(page, "a try at calling back without its result")
    task.get_by_label("No answer").check()
    task.get_by_role("button", name="Record the try").click()
    expect(page.locator("#callbacks-status")).to_contain_text("The task stays here")
    task.get_by_label("Voicemail left").check()
    task.get_by_label("Note about the try (optional)").fill("Asked them to ring the duty line.")
    task.get_by_role("button", name="Record the try").click()
    tries = task.locator("[data-attempts] tbody tr")
    expect(tries).to_have_count(2)
    expect(tries.nth(0)).to_contain_text("No answer")
    expect(tries.nth(1)).to_contain_text("Voicemail left")
    expect(tries.nth(1)).to_contain_text("Dee Duty")
    expect(task).to_contain_text("Claimed")
    assert_accessible(page, "a callback task with two tries")
    screenshot(page, "desk-callback-attempts")

    # A manager reads the audit trail: the confirmation is there, in words.
    manager = make_account(server.database_url, "mo.manager", "manager", display_name="Mo Manager")
    page.context.clear_cookies()
    sign_in(page, server, manager)
    page.goto(f"{server.url}/records/{second}/audit")
    trail = page.locator("#audit-table")
    expect(trail).to_contain_text("Likely earlier contact confirmed or dismissed")
    expect(trail).to_contain_text("Confirmed as the same child")
    assert_accessible(page, "a record's audit trail")
