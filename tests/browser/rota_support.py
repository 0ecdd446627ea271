"""What the rota's browser tests share: workers with reachable phones, a declared closure
that makes *now* out of hours (the server runs on the real clock), and calls simulated
against the running server to see whom the rota makes them ring."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from models.db import make_engine, make_session_factory
from models.tables import HoursOverride
from routing import LONDON
from telephony.simulator import SimulationResult, simulate_call
from tests.browser.conftest import ROOT, SCREENSHOTS_DIR, Server
from tests.helpers import AUTH_TOKEN, CALLER, PROFESSIONALS, add_worker

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page


@dataclass(frozen=True)
class RotaWorker:
    id: int
    name: str
    phone: str


TEAM = (
    ("Ann Able", "+447700900311"),
    ("Bo Bell", "+447700900312"),
    ("Cy Cole", "+447700900313"),
    ("Di Dunn", "+447700900314"),
    ("Eve Evans", "+447700900315"),
)


def arrange_team(database_url: str, *, closure_hours: float = 3.0) -> dict[str, RotaWorker]:
    """Five on-call workers (not available for duty calls) and, when ``closure_hours``,
    a declared closure of every line from an hour ago: whatever the hour the test runs, now
    is out of hours, so calls go to the on-call chain that the rota decides."""
    engine = make_engine(database_url)
    try:
        factory = make_session_factory(engine)
        team = {
            name: RotaWorker(add_worker(factory, name, phone, available=False), name, phone)
            for name, phone in TEAM
        }
        if closure_hours:
            now = datetime.now(UTC)
            with factory.begin() as session:
                session.add(
                    HoursOverride(
                        line_id=None,
                        mode="out_of_hours",
                        starts_at=now - timedelta(hours=1),
                        ends_at=now + timedelta(hours=closure_hours),
                        reason="Team training",
                    )
                )
        return team
    finally:
        engine.dispose()


def call_now(server: Server, answer_by: str | None = None) -> SimulationResult:
    """A call to the professionals line now, Twilio's part played against ``server``."""
    return simulate_call(
        server_url=server.url,
        public_base_url=server.url,
        auth_token=AUTH_TOKEN,
        to=PROFESSIONALS,
        from_=CALLER,
        answer_by=answer_by,
    )


def dialled(result: SimulationResult) -> list[list[str]]:
    """The numbers of each <Dial> the call met, in order: whom the call rang."""
    rings: list[list[str]] = []
    for document in result.twiml:
        for dial in ET.fromstring(document).iter("Dial"):
            numbers = [" ".join((n.text or "").split()) for n in dial.findall("Number")]
            rings.append(numbers or [" ".join((dial.text or "").split())])
    return rings


def next_missing_local_time(today: date) -> str:
    """A future London local time that does not exist: 01:30 on a spring-forward Sunday."""
    year = today.year
    while True:
        sunday = date(year, 3, 31)
        sunday -= timedelta(days=(sunday.weekday() + 1) % 7)  # the last Sunday of March
        if sunday > today + timedelta(days=1):
            missing = datetime.combine(sunday, time(1, 30))
            # It really is missing: London skips it (it round-trips to another wall time).
            as_utc = missing.replace(tzinfo=LONDON).astimezone(UTC)
            assert as_utc.astimezone(LONDON).replace(tzinfo=None) != missing
            return missing.strftime("%Y-%m-%dT%H:%M")
        year += 1


def fill_when(scope: Page | Locator, field_id: str, local: str) -> None:
    """Type London local time "2026-03-28T22:00" into a GOV.UK date input with its time, as a
    person would: day, month and year without leading zeros, then the time as HH:MM."""
    year, month, day = local[:10].split("-")
    scope.locator(f"#{field_id}-day").fill(str(int(day)))
    scope.locator(f"#{field_id}-month").fill(str(int(month)))
    scope.locator(f"#{field_id}-year").fill(year)
    if len(local) > 10:
        scope.locator(f"#{field_id}-time").fill(local[11:16])


def date_shown(scope: Page | Locator, field_id: str) -> str:
    """The date a GOV.UK date input holds, as "2026-03-28" (what the page will send)."""
    day, month, year = (
        scope.locator(f"[id$='{field_id}-{part}']").input_value()
        for part in ("day", "month", "year")
    )
    return f"{year}-{int(month):02d}-{int(day):02d}" if day and month and year else ""


def london_input(moment: datetime) -> str:
    """An aware datetime as a datetime-local input's text in London time."""
    return moment.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def screenshot_top(page: Page, name: str, height: int = 1200) -> None:
    """A PNG of the top ``height`` pixels of the page, for the documentation, when
    DUTYLINE_SCREENSHOTS_DIR is set (a whole rota page is too long to read as a picture)."""
    if not SCREENSHOTS_DIR:
        return
    directory = Path(SCREENSHOTS_DIR)
    if not directory.is_absolute():
        directory = ROOT / directory
    directory.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 1280
    full = page.evaluate("document.documentElement.scrollHeight")
    page.screenshot(
        path=str(directory / f"{name}.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": width, "height": min(height, full)},
    )
