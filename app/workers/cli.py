"""`dutyline workers ...`: adding workers, listing them, setting them available or offline."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from app import cli_support as support
from app.errors import Invalid
from app.settings import Settings
from app.workers import queries, service
from models import Worker
from models.people import line_availability

log = logging.getLogger("dutyline.cli")


def cmd_workers_add(settings: Settings, args: argparse.Namespace) -> int:
    raw = args.lines.strip()
    keys = [] if raw.lower() == "none" else [k.strip() for k in raw.split(",") if k.strip()]
    if not keys and raw.lower() != "none":
        raise Invalid("--lines", "give line keys separated by commas, or none (on call only)")
    try:
        service.phone_number(args.phone)
    except Invalid:
        raise Invalid("--phone", f"--phone: not a valid phone number: {args.phone!r}") from None
    with support.session_for(settings) as session:
        worker = service.add_worker(session, args.name, args.phone, keys)
        worker_id = worker.id
    print(worker_id)
    log.info("worker %d added", worker_id)
    return 0


def cmd_workers_list(settings: Settings, args: argparse.Namespace) -> int:
    with support.session_for(settings) as session:
        rows = [
            (
                str(w.id),
                w.name,
                w.phone,
                ",".join(line.key for line in w.lines) or "none (on call only)",
                _availability(session, w) + ("" if w.active else " (inactive)"),
                support.format_local(w.last_offered_at) if w.last_offered_at else "never",
            )
            for w in queries.list_workers(session)
        ]
    if not rows:
        print("no workers yet: add one with `dutyline workers add`")
        return 0
    support.table(("id", "name", "phone", "lines", "availability", "last offered"), rows)
    return 0


def _availability(session: Any, worker: Worker) -> str:
    """One word when every line agrees (or for on-call only), else each line's own."""
    per_line = line_availability(session, worker, support.now())
    states = {line.availability for line in per_line}
    if not per_line:
        return "available" if worker.available else "offline"
    if len(states) == 1:
        return states.pop()
    return ", ".join(f"{line.key} {line.availability}" for line in per_line)


def cmd_workers_availability(settings: Settings, args: argparse.Namespace) -> int:
    with support.session_for(settings) as session:
        worker = support.worker_named(session, args.worker)
        service.set_availability(session, worker, args.state == "available")
    print(f"{worker.name} (id {worker.id}) is now {args.state}")
    log.info("worker %d set %s", worker.id, args.state)
    return 0


def add_commands(commands: Any) -> None:
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
