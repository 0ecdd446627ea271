"""`dutyline oncall ...` and `dutyline rota ...`: the rota from the command line.

`oncall add` writes through the same service function as the API and CSV import (the same
limits, audit and gap alerts; the actor is the command line, no user). Alerts go out after
the commit. Cron runs `rota check-gaps`.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from app import cli_support as support
from app.errors import Invalid
from app.notify import gap_message, notifier_from_settings
from app.rota import queries, rotations, service
from app.rota.service import RotaChange
from app.settings import Settings
from models import OnCallShift
from routing import OnCallRole
from routing.rota import Gap

DEFAULT_LIST_DAYS = 14
# The service names a refused value by its field; the command line by its option.
OPTION_OF = {"starts_at": "--start", "ends_at": "--end", "role": "--role", "worker_id": "--worker"}


@contextmanager
def rota_change(settings: Settings) -> Iterator[RotaChange]:
    """One committed change by the command line; its gap alerts are sent once committed."""
    fresh: list[Gap] = []
    with support.session_for(settings) as session:
        yield RotaChange(session, support.now(), None, announce=fresh.append)
    if fresh:
        notifier = notifier_from_settings(settings)
        for gap in fresh:
            notifier.send(gap_message(gap))


def cmd_oncall_add(settings: Settings, args: argparse.Namespace) -> int:
    start, end = support.read_period(args.start, args.end)
    with rota_change(settings) as change:
        worker = support.worker_named(change.session, args.worker)
        clashes = [
            s
            for s in queries.list_shifts(change.session, start, end)
            if s.role == args.role or s.worker_id == worker.id
        ]
        try:
            shift = service.create_shift(
                change, worker_id=worker.id, role_name=args.role, starts_at=start, ends_at=end
            )
        except Invalid as exc:
            field = str(exc.loc[-1])
            raise Invalid(OPTION_OF.get(field, field), exc.message) from None
        for other in clashes:
            support.note(
                f"overlaps shift {other.id} ({other.role}, {other.worker.name}, "
                f"{support.format_local(other.starts_at)} to "
                f"{support.format_local(other.ends_at)})"
            )
        shift_id = shift.id
    print(shift_id)
    return 0


def _shift_row(shift: OnCallShift) -> tuple[str, ...]:
    return (
        str(shift.id),
        support.format_local(shift.starts_at),
        support.format_local(shift.ends_at),
        f"{support.hours_between(shift.starts_at, shift.ends_at):.1f}",
        shift.role,
        shift.worker.name,
    )


def cmd_oncall_list(settings: Settings, args: argparse.Namespace) -> int:
    start = support.read_time(args.from_, "--from") if args.from_ else support.now()
    end = (
        support.read_time(args.to, "--to") if args.to else start + timedelta(days=DEFAULT_LIST_DAYS)
    )
    if end <= start:
        raise Invalid("--to", "--to must be after --from")
    with support.session_for(settings) as session:
        rows = [_shift_row(s) for s in queries.list_shifts(session, start, end)]
        gaps = queries.rota_report(session, start, end).gaps
    fmt = support.format_local
    print(f"On-call shifts from {fmt(start)} to {fmt(end)}:")
    if rows:
        support.table(("id", "start", "end", "hours", "role", "worker"), rows)
    else:
        print("none")
    for role in OnCallRole:
        mine = [g for g in gaps if g.role is role]
        if mine:
            print(f"Out-of-hours time with no {role} on call:")
        for gap in mine:
            hours = support.hours_between(gap.starts_at, gap.ends_at)
            print(
                f"  {fmt(gap.starts_at)} to {fmt(gap.ends_at)} "
                f"({hours:.1f} h; {', '.join(gap.line_keys)})"
            )
    if not gaps:
        print("Every out-of-hours minute has a primary and a backup on call.")
    return 0


def cmd_rota_apply(settings: Settings, args: argparse.Namespace) -> int:
    with rota_change(settings) as change:
        result = rotations.apply_rotation(change, args.rotation, args.from_date, args.to_date)
    print(
        f"created {result.created}, updated {result.updated}, removed {result.removed}, "
        f"unchanged {result.unchanged}"
    )
    return 0


def cmd_rota_gaps(settings: Settings, args: argparse.Namespace) -> int:
    now, fmt = support.now(), support.format_local
    with support.session_for(settings) as session:
        report = queries.rota_report(session, now, now + timedelta(weeks=args.weeks))
    for gap in report.gaps:
        print(
            f"gap: no {gap.role.value} from {fmt(gap.starts_at)} to {fmt(gap.ends_at)} "
            f"({gap.minutes} min; {', '.join(gap.line_keys)})"
        )
    for conflict in report.conflicts:
        print(
            f"conflict: {conflict.kind.value}, worker {conflict.worker_id}, shifts "
            f"{', '.join(map(str, conflict.shift_ids))}, from {fmt(conflict.starts_at)} "
            f"to {fmt(conflict.ends_at)}"
        )
    if not report.gaps and not report.conflicts:
        print(f"no gaps or conflicts in the next {args.weeks} weeks")
    return 0


def cmd_rota_check_gaps(settings: Settings, args: argparse.Namespace) -> int:
    with rota_change(settings) as change:
        fresh = change.check_gaps()  # sent by rota_change once committed: alerted once
    print(f"{len(fresh)} new gap alert(s) sent")
    return 0


def add_commands(commands: Any) -> None:
    oncall = commands.add_parser("oncall", help="the on-call rota").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    shift = oncall.add_parser(
        "add",
        help="add an on-call shift",
        description=f"Add an on-call shift (at most {service.MAX_SHIFT.days} days, not in the "
        f"past). {support.TIME_HELP}",
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
        f"days), in London time, and the gaps in it. {support.TIME_HELP}",
    )
    shifts.add_argument("--from", dest="from_", metavar="ISO", help="default: now")
    shifts.add_argument("--to", metavar="ISO", help=f"default: {DEFAULT_LIST_DAYS} days on")
    shifts.set_defaults(handler=cmd_oncall_list)

    rota = commands.add_parser("rota", help="rotations, gaps and alerts").add_subparsers(
        dest="rota_command", required=True, metavar="ROTA_COMMAND"
    )
    applying = rota.add_parser("apply", help="apply a rotation to local dates (idempotent)")
    applying.add_argument("rotation", type=int, help="rotation id")
    applying.add_argument("--from", dest="from_date", type=date.fromisoformat, required=True)
    applying.add_argument("--to", dest="to_date", type=date.fromisoformat, required=True)
    applying.set_defaults(handler=cmd_rota_apply)
    gaps = rota.add_parser("gaps", help="gaps and conflicts in the coming weeks")
    gaps.add_argument("--weeks", type=int, default=8)
    gaps.set_defaults(handler=cmd_rota_gaps)
    rota.add_parser(
        "check-gaps", help="alert gaps starting within 72 hours, once each (for cron)"
    ).set_defaults(handler=cmd_rota_check_gaps)
