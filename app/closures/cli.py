"""`dutyline closures ...`: declaring closures and openings, and listing them."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from app import cli_support as support
from app.closures import service
from app.settings import Settings
from models import HoursOverride
from routing import OverrideMode

log = logging.getLogger("dutyline.cli")


def cmd_closures_add(settings: Settings, args: argparse.Namespace) -> int:
    start, end = support.read_period(args.start, args.end)
    with support.session_for(settings) as session:
        override = service.add_override(
            session, start, end, args.mode, args.line, args.reason, now=support.now()
        )
        override_id = override.id
        described = _described(override)
    print(described)
    log.info("hours override %d added", override_id)
    return 0


def _described(override: HoursOverride) -> str:
    """One sentence for the closure or opening just added."""
    if override.mode == OverrideMode.OUT_OF_HOURS:
        kind, effect = "Closure", "calls go to the on-call workers"
    else:
        kind, effect = "Opening", "the duty team answers"
    where = f"the {override.line.name}" if override.line else "all lines"
    reason = f" Reason: {override.reason}." if override.reason else ""
    return (
        f"{kind} added for {where} from {support.format_day_time(override.starts_at)} "
        f"to {support.format_day_time(override.ends_at)} ({effect}).{reason}"
    )


def cmd_closures_list(settings: Settings, args: argparse.Namespace) -> int:
    with support.session_for(settings) as session:
        rows = [_override_row(o) for o in service.list_overrides(session)]
    if not rows:
        print("no closures or openings declared")
        return 0
    support.table(("id", "start", "end", "hours", "mode", "line", "reason"), rows)
    return 0


def _override_row(override: HoursOverride) -> tuple[str, ...]:
    return (
        str(override.id),
        support.format_local(override.starts_at),
        support.format_local(override.ends_at),
        f"{support.hours_between(override.starts_at, override.ends_at):.1f}",
        override.mode,
        override.line.key if override.line else "all",
        override.reason,
    )


def cmd_closures_end(settings: Settings, args: argparse.Namespace) -> int:
    """End a running closure or opening now, by the API's rules (audited)."""
    with support.session_for(settings) as session:
        override = service.end_early(session, args.id, support.now())
        said = f"{service.kind(override).capitalize()} {override.id} ended now."
    print(said)
    return 0


def cmd_closures_delete(settings: Settings, args: argparse.Namespace) -> int:
    """Delete a closure or opening that has not started, by the API's rules (audited)."""
    with support.session_for(settings) as session:
        service.delete_future(session, args.id, support.now())
    print(f"Closure or opening {args.id} deleted.")
    return 0


def add_commands(commands: Any) -> None:
    closures = commands.add_parser(
        "closures", help="declared closures and openings (hours overrides)"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    closure = closures.add_parser(
        "add",
        help="declare a closure (out_of_hours: calls go on call) or opening (in_hours)",
        description=f"Declare a closure or opening. {support.TIME_HELP}",
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
    end = closures.add_parser("end", help="end a running closure or opening now")
    end.add_argument("id", type=int)
    end.set_defaults(handler=cmd_closures_end)
    delete = closures.add_parser("delete", help="delete a closure or opening not yet started")
    delete.add_argument("id", type=int)
    delete.set_defaults(handler=cmd_closures_delete)
