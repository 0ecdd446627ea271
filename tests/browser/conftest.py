"""Browser tests: real ``dutyline serve`` processes, a real database, Debian's chromium.

- ``serve(database_url)`` starts a server process on a free port with its own public base URL
  (so webhooks are signed against it, as Twilio would) and waits for /healthz. Call it twice
  with one PostgreSQL URL to run the service as two processes behind an imagined balancer.
- ``page`` is a Playwright page in a fresh browser context (no cookies, no storage).
- Chromium is /usr/bin/chromium (DUTYLINE_TEST_CHROMIUM overrides). When it is missing the
  tests skip, saying so, unless DUTYLINE_TEST_REQUIRE_BROWSER=1 (CI), when they fail.
  Browsers are never downloaded.
- Screenshots for the documentation are written only when DUTYLINE_SCREENSHOTS_DIR is set.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx
import pytest

from tests.database import *  # noqa: F403  (the database fixtures: SQLite and PostgreSQL)
from tests.helpers import AUTH_TOKEN, FALLBACK_NUMBER, Twilio

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("DUTYLINE_TEST_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("DUTYLINE_TEST_REQUIRE_BROWSER") == "1"
SCREENSHOTS_DIR = os.environ.get("DUTYLINE_SCREENSHOTS_DIR")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=en-GB",
]
STARTUP_SECONDS = 30.0
PAGE_TIMEOUT_MS = 10_000


def _unavailable(reason: str) -> None:
    if REQUIRE_BROWSER:
        pytest.fail(f"DUTYLINE_TEST_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(f"{reason}; browser tests skipped (set DUTYLINE_TEST_REQUIRE_BROWSER=1 to fail)")


# -- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class SignedTwilio(Twilio):
    """tests.helpers.Twilio signing over one running server's own public URL."""

    def __init__(self, base_url: str, token: str = AUTH_TOKEN) -> None:
        super().__init__(httpx.Client(base_url=base_url, timeout=10.0), token)
        self.base_url = base_url

    def post(
        self, path: str, params: Mapping[str, str], query: Mapping[str, str | int] | None = None
    ) -> httpx.Response:
        path_and_query = f"{path}?{urlencode(query)}" if query else path
        return self.post_url(self.base_url + path_and_query, params)

    def post_url(self, url: str, params: Mapping[str, str]) -> httpx.Response:
        assert url.startswith(self.base_url), url
        signature = self.validator.compute_signature(url, dict(params))
        return self.client.post(
            url.removeprefix(self.base_url),
            data=dict(params),
            headers={"X-Twilio-Signature": signature},
        )


@dataclass
class Server:
    """One ``dutyline serve`` process."""

    url: str
    database_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    _twilio: SignedTwilio | None = field(default=None, repr=False)

    @property
    def twilio(self) -> SignedTwilio:
        """Webhooks signed against this server's public URL, as Twilio would sign them."""
        if self._twilio is None:
            self._twilio = SignedTwilio(self.url)
        return self._twilio

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self._twilio is not None:
            self._twilio.client.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _serve_command(port: int) -> list[str]:
    cli = Path(sys.executable).with_name("dutyline")
    if cli.exists():
        return [str(cli), "serve", "--host", "127.0.0.1", "--port", str(port)]
    return [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]


def start_server(database_url: str, log_dir: Path, **env: str) -> Server:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # Only the settings given here: none leak in from the developer's environment.
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DUTYLINE_")},
        "DUTYLINE_DATABASE_URL": database_url,
        "DUTYLINE_PUBLIC_BASE_URL": url,
        "DUTYLINE_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "DUTYLINE_FALLBACK_NUMBER": FALLBACK_NUMBER,
        "DUTYLINE_ENVIRONMENT": "development",
        "DUTYLINE_LOG_LEVEL": "warning",
        # This test's server keeps its routing snapshot and journal apart.
        "DUTYLINE_STATE_DIR": str(log_dir / "state"),
        **env,
    }
    log_path = log_dir / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            _serve_command(port), cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    server = Server(url=url, database_url=database_url, process=process, log_path=log_path)
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(f"dutyline serve exited with {process.returncode}:\n{server.log()}")
        try:
            if httpx.get(url + "/healthz", timeout=1.0).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            pytest.fail(f"no answer from /healthz in {STARTUP_SECONDS}s:\n{server.log()}")
        time.sleep(0.1)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """``serve(database_url, **DUTYLINE_env)`` -> a running server; all stopped afterwards."""
    started: list[Server] = []

    def start(database_url: str, **env: str) -> Server:
        server = start_server(database_url, tmp_path, **env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(serve: Callable[..., Server], database_url: str) -> Server:
    """One server on this test's database."""
    return serve(database_url)


# -- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _unavailable(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    # Never download browsers: Debian's chromium is launched by path.
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import expect

    # Assertions wait as long as actions do: a loaded CI machine is slower than a laptop.
    expect.set_options(timeout=PAGE_TIMEOUT_MS)
    with sync_playwright() as playwright:
        # launch() gives every run a new, empty user data directory.
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """``new_page()`` -> a page in a fresh context (its own cookies); closed afterwards."""
    contexts: list[Any] = []

    def make(**options: Any) -> Page:
        context = browser.new_context(
            locale="en-GB",
            timezone_id="Europe/London",
            viewport={"width": 1280, "height": 900},
            **options,
        )
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    errors: list[str] = []
    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


def screenshot(page: Page, name: str) -> None:
    """Save a full-page PNG for the documentation, when DUTYLINE_SCREENSHOTS_DIR is set."""
    if not SCREENSHOTS_DIR:
        return
    directory = Path(SCREENSHOTS_DIR)
    if not directory.is_absolute():
        directory = ROOT / directory
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)


# -- people -------------------------------------------------------------------------------

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    user_id: int
    worker_id: int | None


def make_account(
    database_url: str,
    username: str,
    *roles: str,
    display_name: str | None = None,
    worker_id: int | None = None,
) -> Account:
    """A staff account made with the app's own rules (app.accounts.service.create_user)."""
    from app.accounts.service import create_user
    from app.auth import StaffRole
    from models.db import make_engine, make_session_factory

    engine = make_engine(database_url)
    try:
        with make_session_factory(engine).begin() as session:
            user = create_user(
                session,
                username=username,
                display_name=display_name or username.replace(".", " ").title(),
                password=PASSWORD,
                roles=[StaffRole(role) for role in roles],
                worker_id=worker_id,
                now=datetime.now(UTC),
            )
            return Account(username, PASSWORD, user.id, worker_id)
    finally:
        engine.dispose()


def sign_in(page: Page, server: Server, account: Account) -> None:
    page.goto(server.url + "/sign-in")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password", exact=True).fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
