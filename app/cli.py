"""`dutyline`: the command line for running the service and managing workers and the rota.

Settings come from the environment (DUTYLINE_*). Each command that writes does so in one
transaction, committed only when the whole command succeeded: bad input changes nothing.
Expected errors (`app.errors`) print one `error: ...` line to stderr and exit with their
`exit_code`: 1, or 2 for usage errors. Each domain registers its own commands
(`app.<domain>.cli`); this module runs the service and places simulated calls.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import NoReturn

import httpx
import phonenumbers
from alembic.runtime.migration import MigrationContext
from pydantic import ValidationError
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

import migrations
from app import fallback_cli, journal_cli
from app.accounts import cli as accounts_cli
from app.cli_support import (
    Handler,
    engine_for,
    format_local,
    not_migrated,
    session_for,
    table,
)
from app.closures import cli as closures_cli
from app.demo import DEMO_PASSWORD, HISTORY_DAYS, seed_demo, seed_demo_accounts
from app.errors import AppError, UsageError
from app.rota import cli as rota_cli
from app.settings import Settings
from app.workers import cli as workers_cli
from app.workers import queries
from app.workers.service import phone_number
from models import User, utcnow
from models.db import make_session_factory

log = logging.getLogger("dutyline.cli")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _national(e164: str) -> str:
    parsed = phonenumbers.parse(e164, "GB")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def _revision(engine: Engine) -> str:
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ", ".join(heads) or "none"


# Commands


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    migrations.upgrade(settings.database_url)
    with engine_for(settings) as engine:
        print(f"database at revision {_revision(engine)} (head)")
    log.info("migrations applied")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    with engine_for(settings) as engine:
        if not migrations.is_up_to_date(engine):
            if engine.dialect.name != "sqlite":
                raise not_migrated(settings.database_url)
            # A newcomer's SQLite file: set it up rather than refuse to start.
            migrations.upgrade(settings.database_url)
            print(f"database migrated to revision {_revision(engine)}")
        if args.demo:
            with make_session_factory(engine).begin() as session:
                _seed_and_describe(session, _local_url(args.host, args.port))
    if "public_base_url" not in settings.model_fields_set:
        # Nobody said which URL Twilio uses: on a developer's machine it is this server, so
        # signatures are checked against the address the simulator calls.
        os.environ["DUTYLINE_PUBLIC_BASE_URL"] = _local_url(args.host, args.port)
    uvicorn.run(
        "app.main:app",
        host=args.host,
        port=args.port,
        log_level=settings.log_level.lower(),
        # The app writes its own access line, by route and without the query string
        # (search terms, feed secrets); uvicorn's would hold both, and cost a locked write.
        access_log=False,
        # Nothing reads the client's address or scheme (signatures and cookies go by
        # DUTYLINE_PUBLIC_BASE_URL): skip parsing X-Forwarded-* on every request.
        proxy_headers=False,
        # Named rather than "auto": a silent fall-back to h11 and asyncio halves throughput.
        http="httptools",
        loop="uvloop",
    )
    return 0


def _seed_and_describe(session: Session, url: str = "http://127.0.0.1:8000") -> None:
    summary = seed_demo(session, utcnow())
    if summary.seeded:
        print("Demo data seeded (fictional people, numbers from Ofcom's drama range):")
        rows = [
            (
                w.name,
                _national(w.phone),
                ", ".join(w.lines) if w.lines else "on call only",
            )
            for w in summary.workers
        ]
        table(("worker", "phone", "lines"), rows)
        assert summary.cover_start is not None and summary.cover_end is not None
        print(
            f"On-call cover: {summary.shift_count} shifts (primary and backup) for every "
            f"out-of-hours window from {format_local(summary.cover_start)} "
            f"to {format_local(summary.cover_end)}."
        )
        print(
            f"Call history: {summary.history_calls} past calls over {HISTORY_DAYS} days, "
            "with records, callbacks and outcomes, for /insight and /wallboard."
        )
    else:
        print("Demo: workers already exist, nothing seeded.")
    accounts_seeded = seed_demo_accounts(session, utcnow())
    if accounts_seeded:
        print(f"Demo accounts for the web UI (password for all: {DEMO_PASSWORD}):")
        table(("username", "roles"), accounts_seeded)
    print("Lines:")
    for line in queries.lines_by_key(session).values():
        print(f"  {line.name}: {_national(line.number)} ({line.number})")
    print(
        "Place a simulated call from another terminal, in the project folder:\n"
        f"  .venv/bin/dutyline simulate-call --url {url} --to 01305228558 --from 07700900123"
    )


def _local_url(host: str, port: int) -> str:
    """The address a client on this machine reaches `serve --host HOST --port PORT` at."""
    host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://{host}:{port}"


def _simulate_queue(settings: Settings, args: argparse.Namespace, to: str, caller: str) -> int:
    """Calls accepted until one queues; the first ends and its worker, rung through the
    simulator's stand-in for Twilio's REST API, takes the waiting caller (issue 12)."""
    from telephony.simulator_queue import RestStandIn, simulate_queue

    url = args.url.rstrip("/")
    with RestStandIn(args.twilio_api_port) as api:
        print(
            f"Twilio's REST API, played here: {api.url}. The server must have been started "
            f"with DUTYLINE_TWILIO_API_URL={api.url} and DUTYLINE_TWILIO_ACCOUNT_SID set."
        )
        story = simulate_queue(
            server_url=url,
            public_base_url=(
                settings.public_base_url if "public_base_url" in settings.model_fields_set else url
            ),
            auth_token=settings.auth_token,
            to=to,
            from_=caller,
            api=api,
        )
    for number, result in enumerate([*story.calls, *([story.queued] if story.queued else [])], 1):
        print(f"-- call {number}")
        for line in result.lines:
            print(line)
    if story.queued is None:
        print("no caller was queued: more workers are free than the simulator places calls")
    elif story.queued.answered_by:
        print(f"the waiting caller was answered by {_who(settings, story.queued.answered_by)}")
    else:
        print("the waiting caller was not connected to anyone")
    return 0


def cmd_simulate_call(settings: Settings, args: argparse.Namespace) -> int:
    if args.queue:
        return _simulate_queue(settings, args, _phone(args.to, "--to"), _caller(args.from_))
    if args.leave_message and not args.nobody_answers:
        # As argparse words its own refusals (a usage error, exit status 2).
        raise UsageError(
            "argument --leave-message: only with --nobody-answers "
            "(the caller is asked for a message only when nobody answers)"
        )
    to = _phone(args.to, "--to")
    caller = _caller(args.from_)
    answer_by: str | None
    if args.nobody_answers:
        answer_by = None
    elif args.answer_by is None:
        answer_by = "first"
    else:
        answer_by = _answerer(settings, args.answer_by)
    try:
        from telephony.simulator import SimulationError, simulate_call
    except ImportError:
        raise AppError("the call simulator (telephony.simulator) is not installed") from None
    url = args.url.rstrip("/")
    try:
        result = simulate_call(
            server_url=url,
            public_base_url=(
                settings.public_base_url if "public_base_url" in settings.model_fields_set else url
            ),
            auth_token=settings.auth_token,
            to=to,
            from_=caller,
            answer_by=answer_by,
            leave_message=args.leave_message,
        )
    except httpx.TransportError as exc:
        raise AppError(_unreachable(url, type(exc).__name__)) from None
    except SimulationError as exc:
        if isinstance(exc.__cause__, httpx.TransportError):
            raise AppError(_unreachable(url, type(exc.__cause__).__name__)) from None
        raise AppError(f"the simulated call failed: {exc}") from None
    except httpx.HTTPError as exc:
        raise AppError(f"the simulated call failed: {exc}") from None
    for line in result.lines:
        print(line)
    if result.answered_by:
        print(f"answered by {_who(settings, result.answered_by)}")
    else:
        print("nobody answered: callback task left")
    return 0


def _unreachable(url: str, reason: str) -> str:
    return (
        f"cannot reach the server at {url} ({reason}): is `dutyline serve` running there? "
        "Give its address with --url"
    )


WITHHELD = "anonymous"
"""What Twilio sends as From for a withheld number; the server takes it as such."""


def _caller(raw: str) -> str:
    if raw.strip().lower() in (WITHHELD, "withheld"):
        return WITHHELD
    return _phone(raw, "--from")


def _phone(raw: str, option: str) -> str:
    try:
        return phone_number(raw)
    except AppError:
        raise AppError(f"{option}: not a valid phone number: {raw!r}") from None


def _answerer(settings: Settings, who: str) -> str:
    """A phone number as given (normalised), else the phone of the worker so named (or with
    that id), else that of the worker linked to the account with that username.

    The simulator only speaks HTTP to the server, as Twilio would; the names are looked up
    here, in the database this command is set up for (DUTYLINE_DATABASE_URL).
    """
    try:
        return phone_number(who)
    except AppError:
        pass
    with session_for(settings) as session:
        worker = queries.find_worker(session, who)
        if worker is not None:
            return worker.phone
        user = session.scalars(
            select(User).where(func.lower(User.username) == who.strip().lower())
        ).first()
        if user is None:
            raise AppError(f"--answer-by: neither a phone number, a worker nor a username: {who!r}")
        if user.worker is None:
            raise AppError(f"--answer-by: the account {who!r} is not linked to a worker")
        return user.worker.phone


def _who(settings: Settings, phone: str) -> str:
    """NAME (PHONE) for a number, naming the workers with it when the database can say."""
    try:
        with session_for(settings) as session:
            names = [w.name for w in queries.workers_with_phone(session, phone)]
    except (AppError, SQLAlchemyError):
        names = []
    return f"{' / '.join(names)} ({phone})" if names else phone


# The parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dutyline",
        description="Run the duty line service and manage its workers, rota and closures.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    migrate = commands.add_parser("migrate", help="apply the database migrations")
    migrate.set_defaults(handler=cmd_migrate)

    serve = commands.add_parser("serve", help="run the web service (uvicorn)")
    serve.add_argument("--demo", action="store_true", help="seed demo data if there are no workers")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=cmd_serve)

    for domain in (workers_cli, rota_cli, closures_cli, accounts_cli, journal_cli, fallback_cli):
        domain.add_commands(commands)

    simulate = commands.add_parser(
        "simulate-call",
        help="place a simulated call against a running server",
        description="Play Twilio's part in a call to a running server, signing each webhook.",
    )
    simulate.add_argument("--to", required=True, help="the line number dialled")
    simulate.add_argument(
        "--from",
        dest="from_",
        metavar="NUMBER",
        required=True,
        help="the caller's number, or anonymous for a withheld number",
    )
    simulate.add_argument(
        "--url",
        default="http://127.0.0.1:8000",
        help="the server's address (default: %(default)s; `serve --port` changes it)",
    )
    who = simulate.add_mutually_exclusive_group()
    who.add_argument(
        "--answer-by",
        metavar="WHO",
        help="who accepts: a phone number, a worker's name or a username "
        "(default: the first person rung)",
    )
    who.add_argument("--nobody-answers", action="store_true")
    simulate.add_argument(
        "--leave-message",
        action="store_true",
        help="leave a voicemail (with --nobody-answers only); in a queue, press star for it",
    )
    simulate.add_argument(
        "--queue",
        action="store_true",
        help="in hours: place calls that are accepted until one waits in the queue, end the "
        "first, and play Twilio's REST API as the service rings its worker for the caller",
    )
    simulate.add_argument(
        "--twilio-api-port",
        type=int,
        default=8010,
        help="with --queue: where the simulator plays Twilio's REST API (default: %(default)s)",
    )
    simulate.set_defaults(handler=cmd_simulate_call)
    return parser


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"DUTYLINE_{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        raise AppError(f"settings: {problems}") from None


def main(argv: list[str] | None = None) -> int:
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exit_:  # --help
            return exit_.code if isinstance(exit_.code, int) else 0
        handler: Handler = args.handler
        return handler(_settings(), args)
    except AppError as exc:
        print(f"error: {exc.line()}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except DBAPIError as exc:
        # Only the driver's first line: no statement, no parameters.
        detail = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
        print(f"error: database: {type(exc.orig).__name__}: {detail}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
