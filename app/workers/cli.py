"""`dutyline workers ...`: adding, changing, deactivating and listing workers, and setting them
available or offline. Every change goes through app.workers.service, as the API's do."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from app import cli_support as support
from app.errors import Invalid
from app.formats import national
from app.settings import Settings
from app.workers import queries, service
from models import Worker
from models.people import line_availability

log = logging.getLogger("dutyline.cli")


def _line_keys(raw: str) -> list[str]:
    keys = [] if raw.strip().lower() == "none" else [k.strip() for k in raw.split(",") if k.strip()]
    if not keys and raw.strip().lower() != "none":
        raise Invalid("--lines", "give line keys separated by commas, or none (on call only)")
    return keys


def _phone(raw: str) -> str:
    """The number checked here, so the error can repeat it (the service's never does)."""
    try:
        return service.uk_phone_number(raw)
    except Invalid as exc:
        raise Invalid("--phone", f"--phone: not a valid phone number: {raw!r}") from exc


def cmd_workers_add(settings: Settings, args: argparse.Namespace) -> int:
    keys = _line_keys(args.lines)
    _phone(args.phone)
    with support.session_for(settings) as session:
        worker = service.add_worker(session, args.name, args.phone, keys, now=support.now())
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
                national(w.phone),
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


def _change(settings: Settings, who: str, wanted: service.WorkerChanges) -> Worker:
    with support.session_for(settings) as session:
        worker = support.worker_named(session, who)
        return service.update_worker(
            session, worker.id, wanted, admin=True, actor_user_id=None, now=support.now()
        )


def cmd_workers_update(settings: Settings, args: argparse.Namespace) -> int:
    if args.name is None and args.phone is None and args.lines is None:
        raise Invalid("--name", "give --name, --phone or --lines to change")
    wanted = service.WorkerChanges(
        name=args.name,
        phone=_phone(args.phone) if args.phone is not None else None,
        line_keys=_line_keys(args.lines) if args.lines is not None else None,
    )
    worker = _change(settings, args.worker, wanted)
    lines = ", ".join(line.key for line in worker.lines) or "none (on call only)"
    print(f"{worker.name} (id {worker.id}): phone {national(worker.phone)}, lines {lines}")
    log.info("worker %d changed", worker.id)
    return 0


def cmd_workers_active(settings: Settings, args: argparse.Namespace) -> int:
    active = args.action == "reactivate"
    worker = _change(settings, args.worker, service.WorkerChanges(active=active))
    print(f"{worker.name} (id {worker.id}) is now {'active' if active else 'deactivated'}")
    log.info("worker %d %sd", worker.id, args.action)
    return 0


def add_commands(commands: Any) -> None:
    workers = commands.add_parser("workers", help="duty and on-call workers").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add = workers.add_parser("add", help="add a worker (offline until made available)")
    add.add_argument("--name", required=True)
    add.add_argument("--phone", required=True, help="a UK mobile or landline, e.g. 07700 900123")
    add.add_argument(
        "--lines",
        required=True,
        help="lines the worker answers in hours, e.g. professional,public; none: on call only",
    )
    add.set_defaults(handler=cmd_workers_add)
    workers.add_parser("list", help="list workers").set_defaults(handler=cmd_workers_list)
    update = workers.add_parser("update", help="change a worker's name, phone or lines")
    update.add_argument("worker", metavar="NAME_OR_ID")
    update.add_argument("--name")
    update.add_argument("--phone", help="UK mobile or landline")
    update.add_argument("--lines", help="line keys separated by commas; none: on call only")
    update.set_defaults(handler=cmd_workers_update)
    for action, text in (
        ("deactivate", "deactivate a worker: never rung, off the rota's cover, set offline"),
        ("reactivate", "reactivate a worker (offline until made available)"),
    ):
        command = workers.add_parser(action, help=text)
        command.add_argument("worker", metavar="NAME_OR_ID")
        command.set_defaults(handler=cmd_workers_active)
    availability = workers.add_parser("availability", help="set a worker available or offline")
    availability.add_argument("worker", metavar="NAME_OR_ID")
    availability.add_argument("state", choices=("available", "offline"))
    availability.set_defaults(handler=cmd_workers_availability)
