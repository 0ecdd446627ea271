#!/usr/bin/env python
"""Benchmark the incoming-call webhook against a bare FastAPI endpoint, on SQLite and PostgreSQL.

For each database this script:

1. creates a fresh database (SQLite: a file in a temporary directory; PostgreSQL:
   ``CREATE DATABASE dutyline_bench_<pid>``, dropped at the end), migrates it with
   ``dutyline migrate`` and seeds realistic routing data with the CLI (duty workers on both
   lines, made available; an on-call primary and backup covering now);
2. starts the service the way the README does, ``dutyline serve --host 127.0.0.1 --port P``,
   in a subprocess configured by DUTYLINE_* variables, and waits for ``GET /healthz``;
3. captures the TwiML it answers for one typical incoming call and starts the baseline,
   ``benchmarks/bare_app.py``: the same uvicorn call serving one FastAPI endpoint that
   parses the form and answers that fixed TwiML;
4. drives distinct signed incoming-call webhooks (unique CallSid, signed with
   twilio.request_validator exactly as Twilio signs them) at each concurrency level,
   alternating real and bare runs (real, bare, bare, real) so drift on a noisy machine
   hurts both alike, and reports requests per second, p50 and p99 latency and errors;
5. counts the database round trips of one steady-state incoming call in-process (the
   app built by ``app.main.create_app`` on the same database, SQLAlchemy engine events),
   and checks that every successful webhook left exactly one conversation record.

Not a test: it measures and prints. Exit status 1 means a correctness problem (failed
requests, a missing record, a server that would not start), not a missed target.

    .venv/bin/python benchmarks/webhook.py                 # the full run (~5 minutes)
    .venv/bin/python benchmarks/webhook.py --quick         # smoke check (~1 minute)
    .venv/bin/python benchmarks/webhook.py --databases sqlite --concurrency 1,32
    .venv/bin/python benchmarks/webhook.py --databases postgresql --database stalled
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benchmarks" / "results"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LINES = ("+441305228558", "+441305228866")  # professional, public
FALLBACK_NUMBER = "+441305224666"
ACCOUNT_SID = "AC" + "5" * 32
VOICE_PATH = "/twilio/voice"
# Twilio gives up on a webhook after 15 s; the benchmark waits a little longer, then counts
# the request as failed, so a stalled database cannot hang it.
REQUEST_TIMEOUT = 20.0

# Targets from the issues (8: at 32 in flight, 0.25 x the bare endpoint, p99 under 50 ms).
TARGET_RATIO = 0.25
TARGET_P99_MS = 50.0
TARGET_P99_AT = 32
# What --database does to PostgreSQL: reached directly, or through tests/faultproxy.py
# passing traffic, holding it (stalled) or refusing it (down) once the server is warm.
PROXY_MODES = {"up": "pass", "stalled": "stall", "down": "refuse"}
TARGET_ROUND_TRIPS = 3

# Fictional people; numbers from Ofcom's drama range (07700 900000-900999).
DUTY_WORKERS = (
    ("Bench Ada Lowe", "07700 900301", "professional"),
    ("Bench Ben Carter", "07700 900302", "professional"),
    ("Bench Cara Nolan", "07700 900303", "professional,public"),
    ("Bench Dev Patel", "07700 900304", "professional,public"),
    ("Bench Eve Marsh", "07700 900305", "public"),
    ("Bench Finn Doyle", "07700 900306", "public"),
    ("Bench Gina Ross", "07700 900307", "professional,public"),
    ("Bench Hal Brooks", "07700 900308", "public"),
)
ONCALL_WORKERS = (
    ("Bench Iris Kent", "07700 900311", "primary"),
    ("Bench Jon Webb", "07700 900312", "backup"),
)


# Small utilities


def log(message: str = "") -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def fmt_rss(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.1f} MiB"


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted sequence (0 if empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def dutyline_executable() -> str:
    beside = Path(sys.executable).with_name("dutyline")
    if beside.exists():
        return str(beside)
    found = shutil.which("dutyline")
    if found is None:
        raise SystemExit("cannot find the `dutyline` command: run with the project's venv python")
    return found


# Databases


@dataclass
class Database:
    kind: str  # sqlite | postgresql
    url: str
    cleanup: list[Any] = field(default_factory=list)

    def drop(self) -> None:
        for action in reversed(self.cleanup):
            try:
                action()
            except Exception as exc:  # report, and carry on cleaning up
                log(f"  warning: cleanup failed: {exc}")


def create_database(kind: str, postgres_url: str, workdir: Path) -> Database:
    if kind == "sqlite":
        path = workdir / "dutyline-bench.db"
        return Database(kind, f"sqlite:///{path}")
    if kind == "postgresql":
        import psycopg
        from sqlalchemy.engine import make_url

        admin = make_url(postgres_url)
        name = f"dutyline_bench_{os.getpid()}"
        conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            log(f"  dropped database {name}")

        url = admin.set(database=name).render_as_string(hide_password=False)
        return Database(kind, url, cleanup=[drop])
    raise SystemExit(f"unknown database {kind!r}: use sqlite or postgresql")


def count_records(url: str) -> tuple[int, dict[str, int]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            total = conn.execute(text("SELECT count(*) FROM conversation_records")).scalar_one()
            periods: dict[Any, Any] = dict(
                conn.execute(
                    text("SELECT period, count(*) FROM conversation_records GROUP BY period")
                ).all()
            )
    finally:
        engine.dispose()
    return int(total), {str(k): int(v) for k, v in periods.items()}


# The fault proxy, in a process of its own so its work is not charged to the load generator

_PROXY_SCRIPT = """
import sys
from tests.faultproxy import fault_proxy
with fault_proxy(sys.argv[1]) as proxy:
    print(proxy.url_for(sys.argv[1]), flush=True)
    for line in sys.stdin:
        proxy.set_mode(line.strip())
        print("ok", flush=True)
"""


class ProxyProcess:
    """tests/faultproxy.py in front of PostgreSQL: pass, stall or refuse on command."""

    def __init__(self, database_url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _PROXY_SCRIPT, database_url],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url:
            raise RuntimeError("the fault proxy did not start")

    def set_mode(self, mode: str) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(mode + "\n")
        self.process.stdin.flush()
        if self.process.stdout.readline().strip() != "ok":
            raise RuntimeError(f"the fault proxy did not switch to {mode}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


# The CLI: migrate and seed


def run_cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [dutyline_executable(), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"`dutyline {' '.join(args)}` failed ({result.returncode}): {result.stderr.strip()}"
        )
    return result.stdout.strip()


def migrate_and_seed(env: dict[str, str]) -> None:
    started = time.perf_counter()
    log(f"  {run_cli(env, 'migrate')}")

    def add_available(name: str, phone: str, lines: str) -> None:
        worker_id = run_cli(
            env, "workers", "add", "--name", name, "--phone", phone, "--lines", lines
        )
        run_cli(env, "workers", "availability", worker_id, "available")

    everyone = [*DUTY_WORKERS, *((name, phone, "none") for name, phone, _ in ONCALL_WORKERS)]
    # Each CLI call is its own process (about a second): run a few at a time.
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda worker: add_available(*worker), everyone))
    now = datetime.now(UTC).replace(microsecond=0)
    start, end = (now - timedelta(hours=1)).isoformat(), (now + timedelta(hours=12)).isoformat()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(
            pool.map(
                lambda w: run_cli(
                    env,
                    "oncall",
                    "add",
                    "--worker",
                    w[0],
                    "--role",
                    w[2],
                    "--start",
                    start,
                    "--end",
                    end,
                ),
                ONCALL_WORKERS,
            )
        )
    log(
        f"  seeded with the CLI: {len(DUTY_WORKERS)} duty workers on both lines (available), "
        f"on-call primary and backup {start} to {end} "
        f"({time.perf_counter() - started:.1f} s)"
    )


# Servers


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss(self) -> int | None:
        return rss_kib(self.process.pid)

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start_server(
    name: str,
    argv: list[str],
    env: dict[str, str],
    port: int,
    log_path: Path,
    cwd: Path = ROOT,
) -> Server:
    with log_path.open("wb") as out:
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    server = Server(name, process, port, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} server exited ({process.returncode}):\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{name} server did not answer /healthz within 60 s:\n{server.log_tail()}")


# Requests


@dataclass(frozen=True, slots=True)
class Prepared:
    body: bytes
    headers: dict[str, str]


def incoming_call_params(index: int, rng: random.Random) -> dict[str, str]:
    """What Twilio posts when a call comes in (the fields a real webhook carries)."""
    to = LINES[index % 2]
    caller = f"+447700900{rng.randrange(1000):03d}"
    return {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "CallSid": "CA" + secrets.token_hex(16),
        "CallStatus": "ringing",
        "Called": to,
        "CalledCity": "",
        "CalledCountry": "GB",
        "CalledState": "",
        "CalledZip": "",
        "Caller": caller,
        "CallerCity": "",
        "CallerCountry": "GB",
        "CallerState": "",
        "CallerZip": "",
        "Direction": "inbound",
        "From": caller,
        "FromCity": "",
        "FromCountry": "GB",
        "FromState": "",
        "FromZip": "",
        "StirVerstat": "TN-Validation-Passed-A",
        "To": to,
        "ToCity": "",
        "ToCountry": "GB",
        "ToState": "",
        "ToZip": "",
    }


class RequestFactory:
    """Signed incoming-call requests, each with its own CallSid."""

    def __init__(self, token: str, public_base_url: str, seed: int) -> None:
        self.validator = RequestValidator(token)
        self.url = public_base_url + VOICE_PATH
        self.rng = random.Random(seed)
        self.count = 0

    def make(self, n: int) -> list[Prepared]:
        prepared = []
        for _ in range(n):
            params = incoming_call_params(self.count, self.rng)
            self.count += 1
            signature = self.validator.compute_signature(self.url, params)
            prepared.append(
                Prepared(
                    urlencode(params).encode(),
                    {
                        "Content-Type": "application/x-www-form-urlencoded",
                        "X-Twilio-Signature": signature,
                        "User-Agent": "TwilioProxy/1.1",
                    },
                )
            )
        return prepared


# Load


@dataclass
class RunResult:
    ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    elapsed: float = 0.0  # seconds of wall time

    def add(self, other: RunResult) -> None:
        self.ok += other.ok
        self.errors.update(other.errors)
        self.latencies.extend(other.latencies)
        self.elapsed += other.elapsed

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        return {
            "requests": self.ok + sum(self.errors.values()),
            "ok": self.ok,
            "errors": dict(self.errors),
            "seconds": round(self.elapsed, 3),
            "rps": round(self.ok / self.elapsed, 1) if self.elapsed else 0.0,
            "p50_ms": round(percentile(ordered, 0.50) * 1000, 2),
            "p99_ms": round(percentile(ordered, 0.99) * 1000, 2),
            "max_ms": round((ordered[-1] if ordered else 0.0) * 1000, 2),
        }


class RawConnection:
    """One keep-alive HTTP/1.1 connection: write a request, read the response, nothing else.

    httpx.AsyncClient's connection pool costs the load generator far more CPU per request
    than the bare server spends answering, and degrades as concurrency rises
    (encode/httpx#3215), so on a small machine it measures itself. This client does the
    least a client can, and shows what the servers can do. Both are reported.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Length: {len(body)}\r\n{head}\r\n".encode("latin-1")
            + body
        )
        try:
            raw = await self.reader.readuntil(b"\r\n\r\n")
            lines = raw.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            fields = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines[1:] if line)
            }
            await self.reader.readexactly(int(fields.get("content-length", "0")))
        except Exception:
            self.close()
            raise
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class LoadClient:
    """Sends the requests through httpx.AsyncClient or through RawConnection."""

    def __init__(self, kind: str, base_url: str, concurrency: int) -> None:
        self.kind, self.concurrency = kind, concurrency
        url = httpx.URL(base_url)
        self.host, self.port = url.host, url.port or 80
        self.httpx: httpx.AsyncClient | None = None
        self.raw: list[RawConnection] = []
        if kind == "httpx":
            # Drop idle connections before uvicorn does (timeout_keep_alive, 5 s): reusing
            # one the server is closing fails with ReadError, a client-side race.
            limits = httpx.Limits(
                max_connections=concurrency,
                max_keepalive_connections=concurrency,
                keepalive_expiry=2.0,
            )
            self.httpx = httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30.0)
        elif kind == "raw":
            self.raw = [RawConnection(self.host, self.port) for _ in range(concurrency)]
        else:
            raise ValueError(f"unknown client {kind!r}: use httpx or raw")

    async def __aenter__(self) -> LoadClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self.httpx is not None:
            await self.httpx.aclose()
        for connection in self.raw:
            connection.close()

    def sender(self, worker: int) -> Any:
        """The coroutine function worker number `worker` sends with."""
        if self.httpx is not None:
            client = self.httpx

            async def send(path: str, body: bytes, headers: dict[str, str]) -> int:
                response = await client.post(path, content=body, headers=headers)
                return response.status_code

            return send
        return self.raw[worker].post


async def drive(client: LoadClient, requests: list[Prepared], concurrency: int) -> RunResult:
    """Send every request, `concurrency` at a time; time each one."""
    result = RunResult()
    pending = iter(requests)
    clock = time.perf_counter

    async def worker(index: int) -> None:
        send = client.sender(index)
        for request in pending:  # a shared iterator: each request is sent once
            started = clock()
            try:
                status: int | str = await asyncio.wait_for(
                    send(VOICE_PATH, request.body, request.headers), REQUEST_TIMEOUT
                )
            except TimeoutError:
                status = f"no answer in {REQUEST_TIMEOUT:.0f} s"
                if client.raw:
                    client.raw[index].close()  # its answer may still come: start afresh
            except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
                status = type(exc).__name__
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            took = clock() - started
            if status == 200:
                result.ok += 1
                result.latencies.append(took)
            else:
                result.errors[str(status)] += 1

    began = clock()
    await asyncio.gather(*(worker(index) for index in range(concurrency)))
    result.elapsed = clock() - began
    return result


@dataclass
class LevelResult:
    client: str
    concurrency: int
    real: dict[str, Any]
    bare: dict[str, Any]
    ratio: float
    other: dict[str, Any] | None = None  # --compare-tree's server, same rounds
    other_ratio: float | None = None


async def run_level(
    real: Server,
    bare: Server,
    real_requests: RequestFactory,
    bare_requests: RequestFactory,
    client: str,
    concurrency: int,
    n: int,
    counts: Counter[str],
    other: tuple[Server, RequestFactory] | None = None,
) -> LevelResult:
    """N requests to each server at one concurrency, in the order real, bare, bare, real
    (real, bare, other, other, bare, real with --compare-tree).

    Each round opens its own connections and settles them with an untimed warm-up of
    2 x concurrency requests: uvicorn closes keep-alive connections idle for 5 s, which a
    client left waiting through the other server's rounds would otherwise hit.
    """
    half = max(1, n // 2)
    servers = {"real": real, "bare": bare}
    factories = {"real": real_requests, "bare": bare_requests}
    middle = [("bare", half), ("bare", n - half)]
    if other is not None:
        servers["other"], factories["other"] = other
        middle = [("bare", half), ("other", half), ("other", n - half), ("bare", n - half)]
    rounds = [("real", half), *middle, ("real", n - half)]
    warm = max(2 * concurrency, 20)
    # Signed before any timing starts.
    batches = [
        (which, factories[which].make(warm), factories[which].make(k)) for which, k in rounds
    ]
    totals = {which: RunResult() for which in servers}
    for which, warm_batch, timed_batch in batches:
        async with LoadClient(client, servers[which].base_url, concurrency) as load:
            for batch, timed in ((warm_batch, False), (timed_batch, True)):
                outcome = await drive(load, batch, concurrency)
                counts[f"{which}_ok"] += outcome.ok
                counts[f"{which}_errors"] += sum(outcome.errors.values())
                if timed:
                    totals[which].add(outcome)
    real_summary, bare_summary = totals["real"].summary(), totals["bare"].summary()
    ratio = real_summary["rps"] / bare_summary["rps"] if bare_summary["rps"] else 0.0
    level = LevelResult(client, concurrency, real_summary, bare_summary, round(ratio, 3))
    if other is not None:
        level.other = totals["other"].summary()
        level.other_ratio = round(level.other["rps"] / bare_summary["rps"], 3)
    return level


# Round trips


def count_round_trips(url: str, token: str, public_base_url: str) -> dict[str, Any]:
    """Statements, COMMITs and pool checkout pings for one steady-state incoming call."""
    import warnings

    with warnings.catch_warnings():  # starlette's notice about httpx, not ours to act on
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from pydantic import SecretStr
    from sqlalchemy import event

    from app.main import create_app
    from app.settings import Settings

    settings = Settings(
        database_url=url,
        twilio_auth_token=SecretStr(token),
        public_base_url=public_base_url,
        fallback_number=FALLBACK_NUMBER,
        log_level="WARNING",
    )
    factory = RequestFactory(token, public_base_url, seed=7)
    sent: list[tuple[str, str]] = []
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.call_engine  # type: ignore[attr-defined]
        pings = engine.dialect.name != "sqlite"  # make_engine sets pool_pre_ping on servers

        def post() -> httpx.Response:
            request = factory.make(1)[0]
            response: httpx.Response = client.post(
                VOICE_PATH, content=request.body, headers=request.headers
            )
            return response

        first = post()  # the first call in a process loads the routing snapshot

        def on_checkout(*_args: Any) -> None:
            if pings:
                sent.append(("PING", "(pool_pre_ping liveness check on checkout)"))

        def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            sent.append((statement.split()[0].upper(), " ".join(statement.split())))

        def on_commit(_conn: Any) -> None:
            sent.append(("COMMIT", "COMMIT"))

        event.listen(engine, "before_cursor_execute", on_execute)
        event.listen(engine, "commit", on_commit)
        event.listen(engine, "checkout", on_checkout)
        try:
            second = post()
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)
            event.remove(engine, "commit", on_commit)
            event.remove(engine, "checkout", on_checkout)
    ok = first.status_code == 200 and second.status_code == 200 and "<Dial" in second.text
    return {
        "round_trips": len(sent),
        "statements": sent,
        "responses_ok": ok,
        "records_added": int(first.status_code == 200) + int(second.status_code == 200),
    }


# One database


def benchmark_database(
    kind: str, args: argparse.Namespace, levels: list[int], workdir: Path
) -> dict[str, Any]:
    log(f"\n=== {kind} ({args.database}) ===")
    if kind == "sqlite" and args.database in ("stalled", "down"):
        log("  skipped: a SQLite file cannot stall or go down; --database is for PostgreSQL")
        return {"database": kind, "database_state": args.database, "skipped": True, "levels": []}
    clients = args.clients
    database = create_database(kind, args.postgres_url, workdir)
    token = secrets.token_hex(16)
    port, bare_port = free_port(), free_port()
    public_base_url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTYLINE_")}
    env.update({k: v for k, v in os.environ.items() if k == "DUTYLINE_WORKER_THREADS"})
    env.update(
        DUTYLINE_DATABASE_URL=database.url,
        DUTYLINE_TWILIO_AUTH_TOKEN=token,
        DUTYLINE_PUBLIC_BASE_URL=public_base_url,
        DUTYLINE_FALLBACK_NUMBER=FALLBACK_NUMBER,
        DUTYLINE_LOG_LEVEL=args.log_level,
    )
    servers: list[Server] = []
    counts: Counter[str] = Counter()
    report: dict[str, Any] = {"database": kind, "database_state": args.database, "levels": []}
    proxy: ProxyProcess | None = None
    try:
        migrate_and_seed(env)
        if kind == "postgresql" and args.database != "direct":
            proxy = ProxyProcess(database.url)
            env["DUTYLINE_DATABASE_URL"] = proxy.url
            log(f"  the server reaches PostgreSQL through tests/faultproxy.py ({proxy.url})")
        real = start_server(
            "real",
            [dutyline_executable(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env,
            port,
            workdir / f"{kind}-real.log",
        )
        servers.append(real)
        log(f"  real:  `dutyline serve --host 127.0.0.1 --port {port}` (pid {real.process.pid})")

        # One typical call's TwiML, for the bare endpoint to answer.
        capture = RequestFactory(token, public_base_url, seed=1).make(1)[0]
        response = httpx.post(
            real.base_url + VOICE_PATH, content=capture.body, headers=capture.headers
        )
        if response.status_code != 200 or "<Dial" not in response.text:
            raise RuntimeError(f"the typical call failed: {response.status_code} {response.text}")
        counts["real_ok"] += 1
        twiml_path = workdir / f"{kind}-twiml.xml"
        twiml_path.write_bytes(response.content)
        report["twiml"] = response.text
        report["twiml_bytes"] = len(response.content)
        log(f"  typical call's TwiML ({len(response.content)} bytes): {response.text}")

        bare = start_server(
            "bare",
            [
                sys.executable,
                str(ROOT / "benchmarks" / "bare_app.py"),
                "--host",
                "127.0.0.1",
                "--port",
                str(bare_port),
                "--log-level",
                "WARNING",
            ],
            {**env, "BENCH_TWIML_FILE": str(twiml_path)},
            bare_port,
            workdir / f"{kind}-bare.log",
        )
        servers.append(bare)
        log(f"  bare:  benchmarks/bare_app.py on port {bare_port} (pid {bare.process.pid})")

        other: tuple[Server, RequestFactory] | None = None
        if args.compare_tree is not None:
            other_port = free_port()
            other_server = start_server(
                "other",
                [
                    sys.executable,
                    "-c",
                    "import sys; from app.cli import main; sys.exit(main())",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(other_port),
                ],
                {
                    **env,
                    "PYTHONPATH": str(args.compare_tree),
                    "DUTYLINE_PUBLIC_BASE_URL": f"http://127.0.0.1:{other_port}",
                },
                other_port,
                workdir / f"{kind}-other.log",
                cwd=args.compare_tree,
            )
            servers.append(other_server)
            other = (
                other_server,
                RequestFactory(token, f"http://127.0.0.1:{other_port}", seed=4),
            )
            log(f"  other: {args.compare_tree}'s `dutyline serve` on port {other_port}")
        if proxy is not None and args.database != "up":
            proxy.set_mode(PROXY_MODES[args.database])
            log(f"  database {args.database}: the proxy now {PROXY_MODES[args.database]}s traffic")
        rss_before = {"real": real.rss(), "bare": bare.rss()}
        real_requests = RequestFactory(token, public_base_url, seed=2)
        bare_requests = RequestFactory(token, f"http://127.0.0.1:{bare_port}", seed=3)

        runner_factory: Any = None
        with contextlib.suppress(ImportError):
            import uvloop

            runner_factory = uvloop.new_event_loop
        with asyncio.Runner(loop_factory=runner_factory) as runner:
            # Warm both processes up (imports, code paths, the routing snapshot), untimed.
            for server, factory, which in (
                (real, real_requests, "real"),
                (bare, bare_requests, "bare"),
                *([(other[0], other[1], "other")] if other else []),
            ):

                async def warm(
                    server: Server = server, factory: RequestFactory = factory
                ) -> RunResult:
                    async with LoadClient(clients[0], server.base_url, 8) as client:
                        return await drive(client, factory.make(args.warmup), 8)

                warmed = runner.run(warm())
                counts[f"{which}_ok"] += warmed.ok
                counts[f"{which}_errors"] += sum(warmed.errors.values())
            log(f"  warmed up: {args.warmup} requests to each server")
            for concurrency, client in [(c, k) for c in levels for k in clients]:
                level = runner.run(
                    run_level(
                        real,
                        bare,
                        real_requests,
                        bare_requests,
                        client,
                        concurrency,
                        args.requests,
                        counts,
                        other,
                    )
                )
                report["levels"].append(asdict(level))
                log(
                    f"  {client:<5} c={concurrency:<3} real {level.real['rps']:>7.1f} rps "
                    f"p50 {level.real['p50_ms']:6.2f} ms p99 {level.real['p99_ms']:7.2f} ms | "
                    f"bare {level.bare['rps']:>7.1f} rps p50 {level.bare['p50_ms']:6.2f} ms "
                    f"p99 {level.bare['p99_ms']:7.2f} ms | ratio {level.ratio:.2f}"
                    + (
                        f" | errors real {level.real['errors']} bare {level.bare['errors']}"
                        if level.real["errors"] or level.bare["errors"]
                        else ""
                    )
                    + (
                        f" | other {level.other['rps']:>7.1f} rps p50 "
                        f"{level.other['p50_ms']:6.2f} ms p99 {level.other['p99_ms']:7.2f} ms "
                        f"ratio {level.other_ratio:.2f}"
                        if level.other is not None
                        else ""
                    )
                )
        rss_after = {"real": real.rss(), "bare": bare.rss()}
        if proxy is not None and args.database != "up":
            proxy.set_mode("pass")
            log(f"  database back up; waiting {args.settle:.0f} s before counting records")
            time.sleep(args.settle)
        report["rss_kib"] = {"before": rss_before, "after": rss_after}
        for server in servers:
            server.stop()
            if server.process.returncode not in (0, -signal.SIGINT):
                log(f"  warning: {server.name} server exited {server.process.returncode}")
        for which in ("real", "bare"):
            log(
                f"  {which} server RSS: {fmt_rss(rss_before[which])} before the load, "
                f"{fmt_rss(rss_after[which])} after"
            )

        if args.database in ("stalled", "down"):
            records, periods = count_records(database.url)
            report["records"] = {
                "conversation_records": records,
                "successful_real_requests": counts["real_ok"],
                "in_process_calls": 0,
                "matches": records == counts["real_ok"],
                "periods": periods,
            }
            report["errors"] = {"real": counts["real_errors"], "bare": counts["bare_errors"]}
            log(
                f"  conversation_records {args.settle:.0f} s after the database came back: "
                f"{records} of {counts['real_ok']} calls answered (periods: {periods})"
            )
            return report
        trips = count_round_trips(database.url, token, public_base_url)
        report["round_trips"] = trips["round_trips"]
        report["round_trip_statements"] = trips["statements"]
        log(f"  round trips for one steady-state incoming call: {trips['round_trips']}")
        for kind_, statement in trips["statements"]:
            log(f"    {kind_:<6} {statement[:160]}{'...' if len(statement) > 160 else ''}")
        if not trips["responses_ok"]:
            log("  warning: the in-process calls did not answer 200 with a <Dial>")

        records, periods = count_records(database.url)
        expected = counts["real_ok"] + counts["other_ok"] + trips["records_added"]
        report["records"] = {
            "conversation_records": records,
            "successful_real_requests": counts["real_ok"],
            "successful_other_requests": counts["other_ok"],
            "in_process_calls": trips["records_added"],
            "matches": records == expected,
            "periods": periods,
        }
        report["errors"] = {
            "real": counts["real_errors"],
            "bare": counts["bare_errors"],
            "other": counts["other_errors"],
        }
        log(
            f"  conversation_records: {records}; successful real requests: {counts['real_ok']} "
            f"+ other server {counts['other_ok']} "
            f"+ {trips['records_added']} in-process = {expected} -> "
            f"{'OK, every call was stored' if records == expected else 'MISMATCH'}"
            f" (periods: {periods})"
        )
        return report
    except Exception as exc:
        report["failure"] = f"{type(exc).__name__}: {exc}"
        log(f"  FAILED: {report['failure']}")
        for server in servers:
            tail = server.log_tail()
            if tail:
                log(f"  --- {server.name} server log (tail) ---\n{tail}")
        return report
    finally:
        for server in servers:
            server.stop()
        if proxy is not None:
            proxy.stop()
        database.drop()


# Reporting


def verdict(passed: bool | None) -> str:
    return "n/a" if passed is None else ("PASS" if passed else "FAIL")


def targets(report: dict[str, Any], client: str) -> list[tuple[str, str, bool | None]]:
    levels = [level for level in report.get("levels", []) if level["client"] == client]
    at = [level for level in levels if level["concurrency"] == TARGET_P99_AT]
    return [
        (
            f"{client}: real/bare throughput >= {TARGET_RATIO} at {TARGET_P99_AT} in flight",
            f"{at[0]['ratio']:.2f}" if at else "not measured",
            (at[0]["ratio"] >= TARGET_RATIO) if at else None,
        ),
        (
            f"{client}: real p99 < {TARGET_P99_MS:.0f} ms at {TARGET_P99_AT} concurrent calls",
            f"{at[0]['real']['p99_ms']:.1f} ms" if at else "not measured",
            (at[0]["real"]["p99_ms"] < TARGET_P99_MS) if at else None,
        ),
    ]


def round_trip_target(report: dict[str, Any]) -> tuple[str, str, bool | None]:
    trips = report.get("round_trips")
    return (
        f"database round trips per incoming call <= {TARGET_ROUND_TRIPS}",
        str(trips) if trips is not None else "not measured",
        (trips <= TARGET_ROUND_TRIPS) if trips is not None else None,
    )


def print_tables(reports: list[dict[str, Any]], machine: dict[str, Any]) -> None:
    log("\n=== Results ===")
    log(
        f"machine: {machine['cpus']} CPU(s), {machine['cpu_model']}; Python {machine['python']}. "
        "The load generator (one asyncio process) shares these CPUs with the server under "
        "test: absolute figures are low and noisy; compare real with bare, measured "
        "alternately in the same run. `raw` is a minimal keep-alive HTTP/1.1 client; "
        "`httpx` is httpx.AsyncClient, whose own cost caps and skews what it can measure."
    )
    for report in reports:
        if report.get("skipped"):
            continue
        log(
            f"\n{report['database']} (database {report['database_state']}): "
            f"{report.get('requests_per_level', '?')} requests per server per level and client"
        )
        if "failure" in report:
            log(f"  FAILED: {report['failure']}")
        log(
            "| client | concurrency | real rps | real p50 ms | real p99 ms | bare rps "
            "| bare p50 ms | bare p99 ms | real/bare rps | errors real/bare |"
        )
        log("|" + "---|" * 10)
        for level in report.get("levels", []):
            real, bare = level["real"], level["bare"]
            log(
                f"| {level['client']} | {level['concurrency']} | {real['rps']:.0f} "
                f"| {real['p50_ms']:.1f} | {real['p99_ms']:.1f} | {bare['rps']:.0f} "
                f"| {bare['p50_ms']:.1f} | {bare['p99_ms']:.1f} | {level['ratio']:.2f} "
                f"| {sum(real['errors'].values())}/{sum(bare['errors'].values())} |"
            )
        compared = [level for level in report.get("levels", []) if level.get("other")]
        if compared:
            log("\n--compare-tree, measured in the same rounds:")
            log("| client | concurrency | other rps | other p50 ms | other p99 ms | other/bare |")
            log("|" + "---|" * 6)
            for level in compared:
                other = level["other"]
                log(
                    f"| {level['client']} | {level['concurrency']} | {other['rps']:.0f} "
                    f"| {other['p50_ms']:.1f} | {other['p99_ms']:.1f} "
                    f"| {level['other_ratio']:.2f} |"
                )
        rss = report.get("rss_kib")
        if rss:
            log(
                f"RSS real {fmt_rss(rss['before']['real'])} -> {fmt_rss(rss['after']['real'])}, "
                f"bare {fmt_rss(rss['before']['bare'])} -> {fmt_rss(rss['after']['bare'])}"
            )
        records = report.get("records")
        if records:
            log(
                f"conversation_records {records['conversation_records']} = successful real "
                f"requests {records['successful_real_requests']} + in-process "
                f"{records['in_process_calls']}: {'yes' if records['matches'] else 'NO'}"
            )
        clients = dict.fromkeys(level["client"] for level in report.get("levels", []))
        checks = [check for client in clients for check in targets(report, client)]
        for name, value, passed in [*checks, round_trip_target(report)]:
            log(f"  [{verdict(passed)}] {name}: {value}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark /twilio/voice beside a bare FastAPI endpoint, SQLite and PostgreSQL."
    )
    parser.add_argument("--requests", type=int, default=2000, help="requests per server per level")
    parser.add_argument("--concurrency", default="1,8,32,64", help="levels, comma-separated")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a database on the server to connect to while creating the benchmark's own",
    )
    parser.add_argument(
        "--clients",
        default="raw,httpx",
        help="load clients, comma-separated: raw (minimal HTTP/1.1) and/or httpx",
    )
    parser.add_argument("--warmup", type=int, default=300, help="untimed requests per server first")
    parser.add_argument(
        "--database",
        choices=("direct", *PROXY_MODES),
        default="direct",
        help="PostgreSQL reached directly, or through tests/faultproxy.py: up (passing), "
        "stalled (no byte passes) or down (connections refused) during the load",
    )
    parser.add_argument(
        "--compare-tree",
        type=Path,
        help="also serve the code of another source tree (say `git archive` of the commit "
        "before a change) on the same database, in the same alternating rounds: before and "
        "after measured in one run",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=15.0,
        help="seconds to wait after a stalled or down database comes back, before counting "
        "the records written (replayed) meanwhile",
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        help="DUTYLINE_LOG_LEVEL of the real server (default INFO, as in production)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke check: 300 requests, levels 1,8,32"
    )
    parser.add_argument(
        "--json", type=Path, help="write the results here (default: benchmarks/results/)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.concurrency, args.warmup = 300, "1,8,32", 100
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    args.clients = [c.strip() for c in str(args.clients).split(",") if c.strip()]
    if not args.clients or set(args.clients) - {"raw", "httpx"}:
        parser.error("--clients: raw, httpx or both")
    if any(c < 1 for c in levels) or args.requests < 2:
        parser.error("concurrency levels must be positive and --requests at least 2")

    machine: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }
    log(
        f"Dutyline webhook benchmark: {args.requests} requests per server per level, "
        f"concurrency {levels}, databases {databases}, clients {args.clients}"
    )
    log(
        f"machine: {machine['cpus']} CPU(s) ({machine['cpu_model']}), load average "
        f"{machine['load_average_at_start'][0]:.2f}; the load generator runs on the same CPUs"
    )
    started = time.perf_counter()
    reports = []
    with tempfile.TemporaryDirectory(prefix="dutyline-bench-") as tmp:
        for kind in databases:
            report = benchmark_database(kind, args, levels, Path(tmp))
            report["requests_per_level"] = args.requests
            reports.append(report)
    print_tables(reports, machine)
    log(f"\ntook {time.perf_counter() - started:.0f} s")

    out = args.json
    if out is None:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / f"webhook-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(
        json.dumps(
            {
                "machine": machine,
                "arguments": vars(args) | {"json": str(args.json)},
                "reports": reports,
            },
            indent=2,
            default=str,
        )
    )
    log(f"results written to {out}")

    # A caller must always get an answer; with the database stalled or down the records
    # follow later (the journal's replay), so they are reported, not required, here.
    broken = [
        r["database"]
        for r in reports
        if not r.get("skipped")
        and (
            "failure" in r
            or any(r.get("errors", {}).values())
            or (
                args.database in ("direct", "up") and not r.get("records", {}).get("matches", False)
            )
        )
    ]
    if broken:
        log(f"correctness problems on: {', '.join(broken)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
