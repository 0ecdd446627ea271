"""`dutyline`: the command line for running the service and managing workers and the rota.

Settings come from the environment (DUTYLINE_*). Each command that writes does so in one
transaction, committed only when the whole command succeeded: bad input changes nothing.
Expected errors print one `error: ...` line to stderr and exit 1 (2 for usage errors).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import NoReturn

import httpx
import phonenumbers
from alembic.runtime.migration import MigrationContext
from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

import migrations
from app.accounts import service as accounts
from app.auth import StaffRole
from app.demo import DEMO_PASSWORD, seed_demo, seed_demo_accounts
from app.errors import AppError, Invalid
from app.rota.cli import add_rota_commands
from app.settings import Settings
from app.workers import service as queries
from app.workers.service import InvalidInput
from models import HoursOverride, OnCallShift, User, Worker, utcnow
from models.db import make_engine, make_session_factory
from routing import LONDON, OnCallRole, OverrideMode

log = logging.getLogger("dutyline.cli")

NOT_MIGRATED = "database not migrated: run `dutyline migrate`"
TIME_HELP = (
    "ISO date and time, e.g. 2026-03-28T22:00. Without an offset it is Europe/London local "
    "time; with one (2026-03-28T22:00+00:00, or Z) the offset is respected. A local time "
    "that happens twice when the clocks go back is taken as the first (fold=0, still summer "
    "time); one skipped when they go forward is read with the offset before the change "
    "(fold=0, so 01:30 on the spring-forward night means 02:30 BST). Either case is noted."
)
DEFAULT_LIST_DAYS = 14


class CliError(Exception):
    """An expected failure: shown as one `error:` line, exit status `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(message, code=2)


# Times


def parse_time(text: str) -> tuple[datetime, str | None]:
    """An ISO time as an aware UTC datetime, and a note if it fell on a clock change."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"not an ISO date and time: {text!r} (e.g. 2026-03-28T22:00)") from None
    if value.tzinfo is not None:
        if value.utcoffset() is None:
            raise CliError(f"not a usable time zone in {text!r}")
        return value.astimezone(UTC), None
    local = value.replace(tzinfo=LONDON, fold=0)
    note = None
    if local.replace(fold=1).utcoffset() != local.utcoffset():
        reread = local.astimezone(UTC).astimezone(LONDON)
        if reread.replace(tzinfo=None) != value:
            note = (
                f"{value:%H:%M on %d %b %Y} does not exist in London (the clocks go forward); "
                f"read as {format_local(reread)}"
            )
        else:
            note = (
                f"{value:%H:%M on %d %b %Y} happens twice in London (the clocks go back); "
                f"taken as the first, {format_local(local)}"
            )
    return local.astimezone(UTC), note


def format_local(value: datetime) -> str:
    return value.astimezone(LONDON).strftime("%a %d %b %Y %H:%M %Z")


def hours_between(start: datetime, end: datetime) -> float:
    # Aware datetimes: subtraction gives real elapsed time, clock changes included.
    return (end - start).total_seconds() / 3600


def _period(args: argparse.Namespace) -> tuple[datetime, datetime]:
    start, start_note = parse_time(args.start)
    end, end_note = parse_time(args.end)
    for note in (start_note, end_note):
        if note:
            _note(note)
    if end <= start:
        raise CliError("the end must be after the start")
    return start, end


def _note(message: str) -> None:
    print(f"note: {message}", file=sys.stderr)


# Output


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    for row in (headers, *rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _national(e164: str) -> str:
    parsed = phonenumbers.parse(e164, "GB")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


# Database


def _revision(engine: Engine) -> str:
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ", ".join(heads) or "none"


@contextmanager
def _engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    """One transaction on a migrated database: committed on success, else rolled back."""
    with _engine(settings) as engine:
        if not migrations.is_up_to_date(engine):
            raise CliError(NOT_MIGRATED)
        with make_session_factory(engine).begin() as session:
            yield session


def _worker(session: Session, name_or_id: str) -> Worker:
    worker = queries.find_worker(session, name_or_id)
    if worker is None:
        raise CliError(f"unknown worker {name_or_id!r}")
    return worker


# Commands


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    migrations.upgrade(settings.database_url)
    with _engine(settings) as engine:
        print(f"database at revision {_revision(engine)} (head)")
    log.info("migrations applied")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    with _engine(settings) as engine:
        if not migrations.is_up_to_date(engine):
            if engine.dialect.name != "sqlite":
                raise CliError(NOT_MIGRATED)
            # A newcomer's SQLite file: set it up rather than refuse to start.
            migrations.upgrade(settings.database_url)
            print(f"database migrated to revision {_revision(engine)}")
        if args.demo:
            with make_session_factory(engine).begin() as session:
                _seed_and_describe(session)
    if "public_base_url" not in settings.model_fields_set:
        # Nobody said which URL Twilio uses: on a developer's machine it is this server, so
        # signatures are checked against the address the simulator calls.
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
        os.environ["DUTYLINE_PUBLIC_BASE_URL"] = f"http://{host}:{args.port}"
    uvicorn.run(
        "app.main:app", host=args.host, port=args.port, log_level=settings.log_level.lower()
    )
    return 0


def _seed_and_describe(session: Session) -> None:
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
        _table(("worker", "phone", "lines"), rows)
        assert summary.cover_start is not None and summary.cover_end is not None
        print(
            f"On-call cover: {summary.shift_count} shifts (primary and backup) for every "
            f"out-of-hours window from {format_local(summary.cover_start)} "
            f"to {format_local(summary.cover_end)}."
        )
    else:
        print("Demo: workers already exist, nothing seeded.")
    accounts_seeded = seed_demo_accounts(session, utcnow())
    if accounts_seeded:
        print(f"Demo accounts for the web UI (password for all: {DEMO_PASSWORD}):")
        _table(("username", "roles"), accounts_seeded)
    print("Lines:")
    for line in queries.lines_by_key(session).values():
        print(f"  {line.name}: {_national(line.number)} ({line.number})")
    print(
        "Place a simulated call from another terminal:\n"
        "  dutyline simulate-call --to 01305228558 --from 07700900123"
    )


def cmd_workers_add(settings: Settings, args: argparse.Namespace) -> int:
    raw = args.lines.strip()
    keys = [] if raw.lower() == "none" else [k.strip() for k in raw.split(",") if k.strip()]
    if not keys and raw.lower() != "none":
        raise CliError("--lines: give line keys separated by commas, or none (on call only)")
    with _session(settings) as session:
        worker = queries.add_worker(session, args.name, args.phone, keys)
        worker_id = worker.id
    print(worker_id)
    log.info("worker %d added", worker_id)
    return 0


def cmd_workers_list(settings: Settings, args: argparse.Namespace) -> int:
    with _session(settings) as session:
        rows = [
            (
                str(w.id),
                w.name,
                w.phone,
                ",".join(line.key for line in w.lines) or "none (on call only)",
                ("available" if w.available else "offline") + ("" if w.active else " (inactive)"),
                format_local(w.last_offered_at) if w.last_offered_at else "never",
            )
            for w in queries.list_workers(session)
        ]
    if not rows:
        print("no workers yet: add one with `dutyline workers add`")
        return 0
    _table(("id", "name", "phone", "lines", "availability", "last offered"), rows)
    return 0


def cmd_workers_availability(settings: Settings, args: argparse.Namespace) -> int:
    with _session(settings) as session:
        worker = _worker(session, args.worker)
        queries.set_availability(session, worker, args.state == "available")
    print(f"{worker.name} (id {worker.id}) is now {args.state}")
    log.info("worker %d set %s", worker.id, args.state)
    return 0


def cmd_oncall_add(settings: Settings, args: argparse.Namespace) -> int:
    start, end = _period(args)
    with _session(settings) as session:
        worker = _worker(session, args.worker)
        clashes = [
            s
            for s in queries.shifts_between(session, start, end)
            if s.role == args.role or s.worker_id == worker.id
        ]
        shift = queries.add_shift(session, worker, args.role, start, end)
        for other in clashes:
            _note(
                f"overlaps shift {other.id} ({other.role}, {other.worker.name}, "
                f"{format_local(other.starts_at)} to {format_local(other.ends_at)})"
            )
        shift_id = shift.id
    print(shift_id)
    log.info("on-call shift %d added", shift_id)
    return 0


def cmd_oncall_list(settings: Settings, args: argparse.Namespace) -> int:
    now = utcnow()
    start = parse_time(args.from_)[0] if args.from_ else now
    end = parse_time(args.to)[0] if args.to else start + timedelta(days=DEFAULT_LIST_DAYS)
    if end <= start:
        raise CliError("--to must be after --from")
    with _session(settings) as session:
        rows = [_shift_row(s) for s in queries.shifts_between(session, start, end)]
        gaps = {role: queries.uncovered_windows(session, start, end, role) for role in OnCallRole}
    print(f"On-call shifts from {format_local(start)} to {format_local(end)}:")
    if rows:
        _table(("id", "start", "end", "hours", "role", "worker"), rows)
    else:
        print("none")
    for role, windows in gaps.items():
        if windows:
            print(f"Out-of-hours time with no {role} on call:")
            for (gap_start, gap_end), line_keys in windows.items():
                print(
                    f"  {format_local(gap_start)} to {format_local(gap_end)} "
                    f"({hours_between(gap_start, gap_end):.1f} h; {', '.join(line_keys)})"
                )
    if not any(gaps.values()):
        print("Every out-of-hours minute has a primary and a backup on call.")
    return 0


def _shift_row(shift: OnCallShift) -> tuple[str, ...]:
    return (
        str(shift.id),
        format_local(shift.starts_at),
        format_local(shift.ends_at),
        f"{hours_between(shift.starts_at, shift.ends_at):.1f}",
        shift.role,
        shift.worker.name,
    )


def cmd_closures_add(settings: Settings, args: argparse.Namespace) -> int:
    start, end = _period(args)
    with _session(settings) as session:
        override = queries.add_override(session, start, end, args.mode, args.line, args.reason)
        override_id = override.id
    print(override_id)
    log.info("hours override %d added", override_id)
    return 0


def cmd_closures_list(settings: Settings, args: argparse.Namespace) -> int:
    with _session(settings) as session:
        rows = [_override_row(o) for o in queries.list_overrides(session)]
    if not rows:
        print("no closures or openings declared")
        return 0
    _table(("id", "start", "end", "hours", "mode", "line", "reason"), rows)
    return 0


def _override_row(override: HoursOverride) -> tuple[str, ...]:
    return (
        str(override.id),
        format_local(override.starts_at),
        format_local(override.ends_at),
        f"{hours_between(override.starts_at, override.ends_at):.1f}",
        override.mode,
        override.line.key if override.line else "all",
        override.reason,
    )


def cmd_simulate_call(settings: Settings, args: argparse.Namespace) -> int:
    to = _phone(args.to, "--to")
    caller = _phone(args.from_, "--from")
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
        raise CliError("the call simulator (telephony.simulator) is not installed") from None
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
        raise CliError(f"cannot reach the server at {url} ({type(exc).__name__})") from None
    except (httpx.HTTPError, SimulationError) as exc:
        raise CliError(f"the simulated call failed: {exc}") from None
    for line in result.lines:
        print(line)
    if result.answered_by:
        print(f"answered by {_who(settings, result.answered_by)}")
    else:
        print("nobody answered: callback task left")
    return 0


def _phone(raw: str, option: str) -> str:
    try:
        return queries.phone_number(raw)
    except InvalidInput:
        raise CliError(f"{option}: not a valid phone number: {raw!r}") from None


def _answerer(settings: Settings, name_or_phone: str) -> str:
    """A phone number as given (normalised), else the phone of the worker so named."""
    try:
        return queries.phone_number(name_or_phone)
    except InvalidInput:
        pass
    with _session(settings) as session:
        worker = queries.find_worker(session, name_or_phone)
        if worker is None:
            raise CliError(f"--answer-by: neither a phone number nor a worker: {name_or_phone!r}")
        return worker.phone


def _who(settings: Settings, phone: str) -> str:
    """NAME (PHONE) for a number, naming the workers with it when the database can say."""
    try:
        with _session(settings) as session:
            names = [w.name for w in queries.workers_with_phone(session, phone)]
    except (CliError, SQLAlchemyError):
        names = []
    return f"{' / '.join(names)} ({phone})" if names else phone


# The parser


Handler = Callable[[Settings, argparse.Namespace], int]


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 12 characters): ")
    if getpass.getpass("Same password again: ") != first:
        raise CliError("the two passwords differ")
    return first


def cmd_users_create(settings: Settings, args: argparse.Namespace) -> int:
    with _session(settings) as session:
        worker_id = _worker(session, args.worker).id if args.worker else None
        password = _read_password(args)
        try:
            user = accounts.create_user(
                session,
                username=args.username,
                display_name=args.display_name or args.username,
                password=password,
                roles=[StaffRole(role) for role in args.role],
                worker_id=worker_id,
                now=utcnow(),
            )
        except AppError as exc:
            field = f"{exc.loc[-1]}: " if isinstance(exc, Invalid) else ""
            raise CliError(f"{field}{exc.message}") from None
        print(user.id)
    return 0


def cmd_users_list(settings: Settings, args: argparse.Namespace) -> int:
    with _session(settings) as session:
        rows = [
            (
                str(user.id),
                user.username,
                ", ".join(sorted(user.roles)),
                user.worker.name if user.worker else "",
                "yes" if user.active else "no",
            )
            for user in session.scalars(select(User).order_by(User.username))
        ]
    _table(("id", "username", "roles", "worker", "active"), rows)
    return 0


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

    workers = commands.add_parser("workers", help="duty and on-call workers").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add = workers.add_parser("add", help="add a worker (offline until made available)")
    add.add_argument("--name", required=True)
    add.add_argument("--phone", required=True, help="UK number, or international with +")
    add.add_argument(
        "--lines",
        required=True,
        help="lines the worker answers in hours, e.g. professional,public; none: on call only",
    )
    add.set_defaults(handler=cmd_workers_add)
    workers.add_parser("list", help="list workers").set_defaults(handler=cmd_workers_list)
    availability = workers.add_parser("availability", help="set a worker available or offline")
    availability.add_argument("worker", metavar="NAME_OR_ID")
    availability.add_argument("state", choices=("available", "offline"))
    availability.set_defaults(handler=cmd_workers_availability)

    oncall = commands.add_parser("oncall", help="the on-call rota").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    shift = oncall.add_parser(
        "add", help="add an on-call shift", description=f"Add an on-call shift. {TIME_HELP}"
    )
    shift.add_argument("--worker", required=True, metavar="NAME_OR_ID")
    shift.add_argument("--role", required=True, choices=[r.value for r in OnCallRole])
    shift.add_argument("--start", required=True, help="start, included (see above)")
    shift.add_argument("--end", required=True, help="end, excluded (see above)")
    shift.set_defaults(handler=cmd_oncall_add)
    shifts = oncall.add_parser(
        "list",
        help="list on-call shifts",
        description=f"List shifts overlapping a period (default: the next {DEFAULT_LIST_DAYS} "
        f"days), in London time. {TIME_HELP}",
    )
    shifts.add_argument("--from", dest="from_", metavar="ISO", help="default: now")
    shifts.add_argument("--to", metavar="ISO", help=f"default: {DEFAULT_LIST_DAYS} days on")
    shifts.set_defaults(handler=cmd_oncall_list)

    closures = commands.add_parser(
        "closures", help="declared closures and openings (hours overrides)"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    closure = closures.add_parser(
        "add",
        help="declare a closure (out_of_hours: calls go on call) or opening (in_hours)",
        description=f"Declare a closure or opening. {TIME_HELP}",
    )
    closure.add_argument("--start", required=True)
    closure.add_argument("--end", required=True)
    closure.add_argument("--mode", required=True, choices=[m.value for m in OverrideMode])
    closure.add_argument("--line", metavar="LINE_KEY", help="one line only (default: all lines)")
    closure.add_argument("--reason", default="")
    closure.set_defaults(handler=cmd_closures_add)
    closures.add_parser("list", help="list closures and openings").set_defaults(
        handler=cmd_closures_list
    )

    users = commands.add_parser("users", help="staff accounts").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    create = users.add_parser(
        "create",
        help="create a staff account (the first admin, say)",
        description="Create a staff account. The password is asked for, or read from "
        "standard input when it is not a terminal (or with --password-stdin).",
    )
    create.add_argument("--username", required=True)
    create.add_argument(
        "--role",
        required=True,
        action="append",
        choices=[r.value for r in StaffRole],
        help="repeat for several roles",
    )
    create.add_argument("--display-name", help="default: the username")
    create.add_argument("--worker", metavar="NAME_OR_ID", help="the worker a social worker is")
    create.add_argument("--password-stdin", action="store_true")
    create.set_defaults(handler=cmd_users_create)
    users.add_parser("list", help="list staff accounts").set_defaults(handler=cmd_users_list)

    simulate = commands.add_parser(
        "simulate-call",
        help="place a simulated call against a running server",
        description="Play Twilio's part in a call to a running server, signing each webhook.",
    )
    simulate.add_argument("--to", required=True, help="the line number dialled")
    simulate.add_argument("--from", dest="from_", required=True, help="the caller's number")
    simulate.add_argument("--url", default="http://127.0.0.1:8000", help="the server")
    who = simulate.add_mutually_exclusive_group()
    who.add_argument(
        "--answer-by",
        metavar="NAME_OR_PHONE",
        help="who accepts (default: the first person rung)",
    )
    who.add_argument("--nobody-answers", action="store_true")
    simulate.add_argument("--leave-message", action="store_true", help="leave a voicemail")
    simulate.set_defaults(handler=cmd_simulate_call)
    add_rota_commands(commands, _session, format_local)
    return parser


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"DUTYLINE_{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        raise CliError(f"settings: {problems}") from None


def main(argv: list[str] | None = None) -> int:
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exit_:  # --help
            return exit_.code if isinstance(exit_.code, int) else 0
        handler: Handler = args.handler
        return handler(_settings(), args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except InvalidInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
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
