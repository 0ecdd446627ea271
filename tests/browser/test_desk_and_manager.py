"""The desk's callback tasks, and a manager's view of a record, in a real browser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from models.db import make_engine, make_session_factory
from telephony.simulator import simulate_call
from tests.browser.conftest import Server, make_account, screenshot, sign_in
from tests.helpers import AUTH_TOKEN, CALLER, PROFESSIONALS, add_shift, add_worker

pytestmark = pytest.mark.database

DEE_PHONE, JO_PHONE = "+447700900555", "+447700900556"


def workers(database_url: str, *, dee_on_call: bool) -> tuple[int, int]:
    engine = make_engine(database_url)
    try:
        factory = make_session_factory(engine)
        dee = add_worker(factory, "Dee Duty", DEE_PHONE, available=False)
        jo = add_worker(factory, "Jo Other", JO_PHONE, available=False)
        if dee_on_call:
            now = datetime.now(UTC)
            add_shift(factory, dee, "primary", now - timedelta(hours=6), now + timedelta(hours=6))
        return dee, jo
    finally:
        engine.dispose()


def call(server: Server, answer_by: str | None, leave_message: bool = False) -> None:
    simulate_call(
        server_url=server.url,
        public_base_url=server.url,
        auth_token=AUTH_TOKEN,
        to=PROFESSIONALS,
        from_=CALLER,
        answer_by=answer_by,
        leave_message=leave_message,
    )


def test_a_missed_call_leaves_a_callback_task_on_the_desk_to_claim_and_complete(
    server: Server, page: Page
) -> None:
    dee, _ = workers(server.database_url, dee_on_call=False)
    account = make_account(server.database_url, "dee.duty", "worker", worker_id=dee)
    sign_in(page, server, account)
    page.wait_for_url("**/desk")
    expect(page.locator("#callbacks")).to_contain_text("There are no callback tasks waiting")
    expect(page.locator("body[data-live=connected]")).to_have_count(1)

    # Nobody is available or on call: the caller leaves a message. The task arrives live.
    call(server, answer_by=None, leave_message=True)
    task = page.locator("[data-callback]")
    expect(task).to_have_count(1, timeout=10_000)
    expect(page.locator("#callbacks-status")).to_have_text("A new callback task has arrived.")
    expect(task).to_contain_text("Left a voicemail")
    expect(task).to_contain_text("07700 900123")  # CALLER, as staff read it
    expect(task).to_contain_text("Open")

    task.get_by_role("button", name="Claim").click()
    expect(task).to_contain_text("Claimed")
    screenshot(page, "desk-callback")
    # Completing without saying what happened: an error summary, nothing done.
    task.get_by_role("button", name="Complete callback").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose what happened")
    expect(summary).to_contain_text("Write what happened")
    task.get_by_label("Spoke to the caller").check()
    task.get_by_label("Notes").fill("Rang back; advice given about the school nurse.")
    task.get_by_role("button", name="Complete callback").click()
    expect(page.locator("#callbacks-status")).to_have_text("Callback completed.")
    expect(page.locator("#callbacks")).to_contain_text("There are no callback tasks waiting")


def test_a_manager_reads_a_record_reassigns_it_and_reads_its_audit_trail(
    server: Server, page: Page
) -> None:
    dee, _jo = workers(server.database_url, dee_on_call=True)
    make_account(server.database_url, "dee.duty", "worker", worker_id=dee)
    manager = make_account(server.database_url, "mo.manager", "manager", display_name="Mo Manager")
    call(server, answer_by=DEE_PHONE)

    sign_in(page, server, manager)
    page.wait_for_url("**/insight")  # a manager's home
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Records").click()
    page.wait_for_url("**/records")
    results = page.locator("#results-table")
    expect(results).to_contain_text("Dee Duty")
    results.get_by_role("link").first.click()
    page.wait_for_url("**/records/*")

    # Not theirs to write: read-only, and it says whose it is.
    expect(page.locator("#read-only-note")).to_contain_text("This record is with Dee Duty")
    # Read as a summary of what is written, not as a greyed-out form (issue 11).
    expect(page.locator("#record-summary")).to_contain_text("Nothing recorded.")
    expect(page.get_by_label("Caller's name")).to_have_count(0)
    expect(page.get_by_role("button", name="Complete record")).to_be_hidden()

    page.get_by_label("Give this record to").select_option(label="Jo Other")
    page.get_by_role("button", name="Reassign").click()
    expect(page.locator("#assign-status")).to_have_text("The record is now with Jo Other.")
    expect(page.locator("#read-only-note")).to_contain_text("This record is with Jo Other")

    page.get_by_role("link", name="Audit trail of this record").click()
    page.wait_for_url("**/audit")
    trail = page.locator("#audit-table")
    expect(trail).to_contain_text("read")
    expect(trail).to_contain_text("assign")
    expect(trail).to_contain_text("Worker it is with changed")  # words, not ids (issue 11)
