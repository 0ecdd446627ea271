"""The measures from a known set of calls, played through the real signed webhooks and
the records and callbacks API, on SQLite and PostgreSQL; every figure and the CSV exactly.

The stretch is Friday 27 to Monday 30 March 2026: London's clocks go forward at 01:00 UTC
on Sunday 29 March, so a call at 23:30 UTC on the 29th is 00:30 on Monday 30th, London.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from models import Worker
from models.audit import AuditEvent
from tests.app.measures_support import call, call_back, complete_record, content
from tests.helpers import PUBLIC, ApiClient, FixedClock, SignedIn, add_shift, add_worker
from tests.telephony.conftest import make_settings

pytestmark = pytest.mark.database

NOW = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)
AMY = {"name": "Amy Smith", "date_of_birth": "2015-04-01", "gender": "female",
       "ethnicity": "WBRI"}  # fmt: skip
BEN = {"name": "Ben Jones", "date_of_birth": "2016-05-05", "reference": "lcs-4471"}
CARA = {"name": "Cara Brown", "approximate_age": 7, "gender": "not_stated"}
CAT_PHONE = "+447700900777"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(utc(2025, 1, 1, 9))


@pytest.fixture
def api(
    database_url: str, clock: FixedClock, session_factory: sessionmaker[Session]
) -> Iterator[ApiClient]:
    # The duty step rings for two minutes, so an answer after 90 s is a duty answer.
    settings = make_settings(database_url, duty_ring_seconds=120)
    with ApiClient(create_app(settings, clock=clock), session_factory) as client:
        yield client


def phone(api: ApiClient, worker: SignedIn) -> str:
    with api.session() as session:
        found = session.scalar(select(Worker.phone).where(Worker.id == worker.worker_id))
    assert found
    return found


def answered(
    api: ApiClient, clock: FixedClock, ann: SignedIn, at: datetime, wait: int, length: int
) -> int:
    placed = call(api, clock, at)
    placed.accept(wait, phone(api, ann))
    placed.hang_up(wait + length)
    return placed.record_id


@pytest.fixture
def known_calls(api: ApiClient, clock: FixedClock) -> dict[str, Any]:
    """Everything the tests check, made the way the service makes it."""
    ann = api.sign_in_as("worker")
    cat = add_worker(api.factory, "Cat Oncall", CAT_PHONE, lines=(), available=False)
    add_shift(api.factory, cat, "primary", utc(2026, 3, 29, 21), utc(2026, 3, 30, 7))

    # Referred 13 and 11 months before the stretch's referrals of Ben and Amy.
    ben_before = answered(api, clock, ann, utc(2025, 2, 27, 10), 10, 200)
    complete_record(api, clock, ann, ben_before, content(BEN, "social_work_assessment"),
                    utc(2025, 2, 27, 11))  # fmt: skip
    amy_before = answered(api, clock, ann, utc(2025, 4, 27, 10), 10, 200)
    complete_record(api, clock, ann, amy_before, content(AMY, "social_work_assessment"),
                    utc(2025, 4, 27, 11))  # fmt: skip
    # The stretch before: one answer after 70 s, never written up.
    answered(api, clock, ann, utc(2026, 3, 24, 9), 70, 100)

    a = answered(api, clock, ann, utc(2026, 3, 27, 10), 10, 290)
    complete_record(api, clock, ann, a, content(AMY, "social_work_assessment", "3A"),
                    utc(2026, 3, 27, 11))  # fmt: skip
    b = answered(api, clock, ann, utc(2026, 3, 27, 11), 90, 310)
    # Completed 30 hours after the call ended: late.
    complete_record(api, clock, ann, b, content(BEN, "strategy_discussion", "6"),
                    utc(2026, 3, 28, 17, 6, 40))  # fmt: skip

    short = call(api, clock, utc(2026, 3, 28, 12))  # gone after 5 s
    short.hang_up(5)
    call_back(api, clock, ann, short.record_id, utc(2026, 3, 28, 13))  # 59 min 55 s later

    message = call(api, clock, utc(2026, 3, 28, 21), to=PUBLIC)
    message.ring_out(120)  # the duty step
    message.ring_out(130)  # the queue (issue 12): its longest wait, shortened here
    message.ring_out(150)  # the fallback number
    message.leave_message(170)
    message.hang_up(180)
    call_back(api, clock, ann, message.record_id, utc(2026, 3, 29, 2))  # 4 h 57 min: late

    gone = call(api, clock, utc(2026, 3, 29, 23, 30))  # 00:30 London, out of hours
    gone.ring_out(25)  # Cat, on call
    gone.hang_up(45)  # while the fallback number rang: abandoned, never offered a message

    fallback = call(api, clock, utc(2026, 3, 30, 2))  # 03:00 London
    fallback.ring_out(25)
    fallback.fallback_answered(600)
    fallback.hang_up(600)

    h = answered(api, clock, ann, utc(2026, 3, 30, 10), 30, 170)
    complete_record(api, clock, ann, h, content(CARA, "early_help", "1A"), utc(2026, 3, 30, 11))

    clock.now = NOW
    api.sign_in_as("manager")
    return {"ann": ann, "cat": cat, "records": {"a": a, "b": b, "h": h}}


ZERO_FIGURES: dict[str, Any] = {
    "offered": 0, "answered": 0, "answered_by_fallback": 0, "median_wait_seconds": None,
    "p90_wait_seconds": None, "answered_within_target": 0, "service_level": None,
    "abandoned": 0, "short_abandoned": 0, "abandonment_rate": None, "missed": 0,
    "voicemails": 0, "callbacks_done": 0, "median_callback_seconds": None,
    "callbacks_within_target": 0, "callbacks_within_target_rate": None, "callbacks_open": 0,
    "oldest_open_callback_seconds": None, "completed": 0, "outcomes": {},
    "not_completed_within_24h": 0, "referrals": 0, "conversion_rate": None,
    "re_referrals": 0, "re_referral_rate": None, "england_re_referral_rate": 0.22,
    "repeat_contacts": 0,
}  # fmt: skip


def test_every_figure_of_the_known_calls(api: ApiClient, known_calls: dict[str, Any]) -> None:
    response = api.get("/api/measures", params={"from": "2026-03-27", "to": "2026-03-30"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["current"] == {
        **ZERO_FIGURES,
        "from": "2026-03-27",
        "to": "2026-03-30",
        "offered": 7,
        "answered": 3,
        "answered_by_fallback": 1,
        "median_wait_seconds": 30.0,
        "p90_wait_seconds": 90.0,
        "answered_within_target": 2,
        "service_level": 0.6667,
        "abandoned": 1,
        "short_abandoned": 1,
        "abandonment_rate": 0.1667,
        "missed": 3,
        "voicemails": 1,
        "callbacks_done": 2,
        "median_callback_seconds": 3595.0,
        "callbacks_within_target": 1,
        "callbacks_within_target_rate": 0.3333,
        "callbacks_open": 1,
        # The open task was left at 23:30:45 UTC on 29 March; now is 12:00 on 2 April.
        "oldest_open_callback_seconds": 3 * 86400 + 12 * 3600 + 29 * 60 + 15,
        "completed": 3,
        "outcomes": {"early_help": 1, "social_work_assessment": 1, "strategy_discussion": 1},
        "not_completed_within_24h": 1,
        "referrals": 2,
        "conversion_rate": 0.6667,
        "re_referrals": 1,
        "re_referral_rate": 0.5,
        "repeat_contacts": 1,
    }
    assert body["previous"] == {
        **ZERO_FIGURES,
        "from": "2026-03-23",
        "to": "2026-03-26",
        "offered": 1,
        "answered": 1,
        "median_wait_seconds": 70.0,
        "p90_wait_seconds": 70.0,
        "service_level": 0.0,
        "abandonment_rate": 0.0,
        "not_completed_within_24h": 1,
    }
    assert body["thresholds"] == {
        "answer_target_seconds": 60,
        "short_abandon_seconds": 30,
        "callback_target_in_hours_seconds": 7200,
        "callback_target_out_of_hours_seconds": 1800,
    }


def test_the_load_by_hour_worker_and_on_call_shift(
    api: ApiClient, known_calls: dict[str, Any]
) -> None:
    body = api.get("/api/measures", params={"from": "2026-03-27", "to": "2026-03-30"}).json()
    load = body["load"]
    # London weekday (1 Monday) and hour: the calls after the clock change are BST.
    assert [(h["weekday"], h["hour"], h["calls"]) for h in load["by_hour"]] == [
        (1, 0, 1), (1, 3, 1), (1, 11, 1), (5, 10, 1), (5, 11, 1), (6, 12, 1), (6, 21, 1),
    ]  # fmt: skip
    ann = known_calls["ann"]
    assert [
        (w["worker_id"], w["offered"], w["answered"], w["missed"]) for w in load["workers"]
    ] == [
        (known_calls["cat"], 2, 0, 1),
        (ann.worker_id, 5, 3, 2),
    ]
    assert [(s["worker"], s["calls"], s["answered_by_worker"]) for s in load["shifts"]] == [
        ("Cat Oncall", 2, 0)
    ]
    assert load["mean_calls_per_shift"] == 2.0


def test_filters_by_line_and_period(api: ApiClient, known_calls: dict[str, Any]) -> None:
    stretch = {"from": "2026-03-27", "to": "2026-03-30"}
    public = api.get("/api/measures", params={**stretch, "line": "public"}).json()["current"]
    assert (public["offered"], public["missed"], public["voicemails"]) == (1, 1, 1)
    night = api.get("/api/measures", params={**stretch, "period": "out_of_hours"}).json()
    current = night["current"]
    assert (current["offered"], current["answered_by_fallback"], current["abandoned"]) == (2, 1, 1)
    assert current["abandonment_rate"] == 0.5 and current["callbacks_open"] == 1
    assert [(h["weekday"], h["hour"]) for h in night["load"]["by_hour"]] == [(1, 0), (1, 3)]
    day = api.get("/api/measures", params={**stretch, "period": "in_hours"}).json()["current"]
    assert day["offered"] == 5 and day["referrals"] == 2 and day["re_referrals"] == 1


CSV_HEADER = (
    "day,offered,answered,answered_by_fallback,median_wait_seconds,p90_wait_seconds,"
    "answered_within_target,service_level,abandoned,short_abandoned,abandonment_rate,"
    "missed,voicemails,callbacks_done,median_callback_seconds,callbacks_within_target,"
    "callbacks_within_target_rate,callbacks_open,oldest_open_callback_seconds,completed,"
    "not_completed_within_24h,referrals,conversion_rate,re_referrals,re_referral_rate,"
    "repeat_contacts,outcome_advice_and_guidance,outcome_signpost,outcome_early_help,"
    "outcome_social_work_assessment,outcome_strategy_discussion,outcome_no_further_action"
)
CSV_ROWS = [
    "2026-03-27,2,2,0,10.0,90.0,1,0.5,0,0,0.0,0,0,0,,0,,0,,2,1,2,1.0,1,0.5,1,0,0,0,1,1,0",
    "2026-03-28,2,0,0,,,0,,0,1,0.0,2,1,2,3595.0,1,0.5,0,,0,0,0,,0,,0,0,0,0,0,0,0",
    "2026-03-29,0,0,0,,,0,,0,0,,0,0,0,,0,,0,,0,0,0,,0,,0,0,0,0,0,0,0",
    "2026-03-30,3,1,1,30.0,30.0,1,1.0,1,0,0.3333,1,0,0,,0,0.0,1,304155.0,1,0,0,0.0,0,,0,0,0,1,0,0,0",
]


def test_the_csv_has_one_row_per_london_day_exactly(
    api: ApiClient, known_calls: dict[str, Any]
) -> None:
    response = api.get("/api/measures.csv", params={"from": "2026-03-27", "to": "2026-03-30"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "measures-2026-03-27-to-2026-03-30.csv" in response.headers["content-disposition"]
    assert response.text == "\r\n".join([CSV_HEADER, *CSV_ROWS]) + "\r\n"


def test_the_annex_a_list_1_in_its_column_order(
    api: ApiClient, known_calls: dict[str, Any]
) -> None:
    stretch = {"from": "2026-03-27", "to": "2026-03-30"}
    response = api.get("/api/annex-a/list-1.csv", params=stretch)
    assert response.status_code == 200, response.text
    records = known_calls["records"]
    assert list(csv.reader(io.StringIO(response.text))) == [
        ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
         "Date of Contact", "Contact Source"],
        [f"DL{records['a']}-1", "b) Female", "WBRI", "01/04/2015", "", "27/03/2026", "3A"],
        ["LCS4471", "", "", "05/05/2016", "", "27/03/2026", "6"],
        [f"DL{records['h']}-1", "c) Not stated or recorded", "", "", "7", "30/03/2026", "1A"],
    ]  # fmt: skip
    workbook = api.get("/api/annex-a/list-1.xlsx", params=stretch)
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content))["List 1"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Child Unique ID" and len(rows) == 4
    assert rows[2][:4] == ["LCS4471", None, None, datetime(2016, 5, 5)]
    assert rows[3][4] == 7 and rows[3][5] == datetime(2026, 3, 30)
    with api.session() as session:
        exports = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "annex_a.exported")
        ).all()
    assert [(e.entity_id, e.detail) for e in exports] == [
        ("2026-03-27..2026-03-30", "3 rows"),
        ("2026-03-27..2026-03-30", "3 rows"),
    ]


def test_records_written_before_annex_a_export_with_the_fields_blank(
    api: ApiClient, clock: FixedClock
) -> None:
    worker = api.sign_in_as("worker")
    clock.now = utc(2026, 3, 2, 10)
    record_id = answered(api, clock, worker, clock.now, 10, 60)
    old = content({"name": "Dee Old", "date_of_birth": "2014-02-02"}, "advice_and_guidance")
    del old["caller"]["contact_source"]
    old["outcome"]["summary"] = "Advice given"
    complete_record(api, clock, worker, record_id, old, utc(2026, 3, 2, 11))
    api.sign_in_as("manager")
    rows = list(
        csv.reader(
            io.StringIO(api.get("/api/annex-a/list-1.csv?from=2026-03-02&to=2026-03-02").text)
        )
    )
    assert rows[1:] == [[f"DL{record_id}-1", "", "", "02/02/2014", "", "02/03/2026", ""]]


def test_bad_periods_are_refused_clearly(api: ApiClient) -> None:
    api.sign_in_as("manager")
    backwards = api.get("/api/measures", params={"from": "2026-03-30", "to": "2026-03-27"})
    assert backwards.status_code == 422
    assert backwards.json()["detail"][0]["msg"] == "The first day must not be after the last"
    assert api.get("/api/measures", params={"from": "30/03/2026"}).status_code == 422
    assert api.get("/api/measures", params={"line": "other"}).status_code == 422
    default = api.get("/api/measures").json()
    assert (
        datetime.fromisoformat(default["to"]) - datetime.fromisoformat(default["from"])
    ) == timedelta(days=27)


def test_coordinators_read_the_load_but_not_the_measures(api: ApiClient) -> None:
    api.sign_in_as("coordinator")
    assert api.get("/api/measures").status_code == 403
    assert api.get("/api/measures.csv").status_code == 403
    load = api.get("/api/measures/load", params={"from": "2026-03-27", "to": "2026-03-30"})
    assert load.status_code == 200 and set(load.json()) >= {"by_hour", "workers", "shifts"}


def test_the_insight_page_reads_the_figures_in_words(
    api: ApiClient, known_calls: dict[str, Any]
) -> None:
    page = api.get("/insight", params={"from": "2026-03-27", "to": "2026-03-30"})
    assert page.status_code == 200, page.text
    text = page.text
    assert "Insight: 27 Mar to 30 Mar 2026" in text
    assert "67% of answered calls were answered within 60 seconds, up from 0%." in text
    assert "1 of 2 referrals were about a child referred in the 12 months before" in text
    assert "a re-referral rate of 50%" in text and "(England: 22% in 2024)" in text
    assert "1 minute 30 seconds" in text  # the 90th percentile wait
    assert "Cat Oncall" in text and "+44" not in text and "Amy" not in text
    assert text.count('<svg class="chart__svg"') == 4


def test_coordinators_see_the_load_on_insight_and_others_are_turned_away(
    api: ApiClient, known_calls: dict[str, Any]
) -> None:
    api.sign_in_as("coordinator")
    page = api.get("/insight", params={"from": "2026-03-27", "to": "2026-03-30"})
    assert page.status_code == 200
    assert "Calls by hour of the day" in page.text and "Key figures" not in page.text
    api.sign_in_as("worker")
    assert api.get("/insight").status_code == 403
    api.sign_out()
    signed_out = api.get("/insight?from=2026-03-27", follow_redirects=False)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/sign-in?next=%2Finsight%3Ffrom%3D2026-03-27"


def test_a_wrong_date_on_insight_is_named_and_the_default_shown(api: ApiClient) -> None:
    api.sign_in_as("manager")
    page = api.get("/insight", params={"from": "31/02/2026"})
    assert page.status_code == 422
    assert "Enter the first day as a real date" in page.text
    assert 'href="#from"' in page.text
