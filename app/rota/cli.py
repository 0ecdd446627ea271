"""`dutyline rota ...`: the rota from the command line (cron runs `rota check-gaps`)."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from typing import Any

from app.notify import gap_message, notifier_from_settings
from app.rota import service as rq
from app.settings import Settings
from app.workers.service import InvalidInput
from models import utcnow

ALERT_HORIZON = timedelta(hours=72)


def add_rota_commands(commands: Any, session_for: Any, fmt: Any) -> None:
    """Register the rota commands; `session_for(settings)` opens one committed transaction."""
    rota = commands.add_parser("rota", help="rotations, gaps and alerts").add_subparsers(
        dest="rota_command", required=True, metavar="ROTA_COMMAND"
    )

    def apply_cmd(settings: Settings, args: argparse.Namespace) -> int:
        with session_for(settings) as session:
            try:
                rotation = rq.get_rotation(session, args.rotation)
                result = rq.apply_rotation(
                    session, rotation, args.from_date, args.to_date, utcnow()
                )
            except rq.RotaError as exc:
                raise InvalidInput(exc.message) from None
        print(
            f"created {result.created}, updated {result.updated}, removed {result.removed}, "
            f"unchanged {result.unchanged}"
        )
        return 0

    def gaps_cmd(settings: Settings, args: argparse.Namespace) -> int:
        now = utcnow()
        with session_for(settings) as session:
            report = rq.rota_report(session, now, now + timedelta(weeks=args.weeks))
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

    def check_cmd(settings: Settings, args: argparse.Namespace) -> int:
        with session_for(settings) as session:
            fresh = rq.new_gap_alerts(session, utcnow(), ALERT_HORIZON)
        notifier = notifier_from_settings(settings)  # after the commit: alerted once
        for gap in fresh:
            notifier.send(gap_message(gap))
        print(f"{len(fresh)} new gap alert(s) sent")
        return 0

    applying = rota.add_parser("apply", help="apply a rotation to local dates (idempotent)")
    applying.add_argument("rotation", type=int, help="rotation id")
    applying.add_argument("--from", dest="from_date", type=date.fromisoformat, required=True)
    applying.add_argument("--to", dest="to_date", type=date.fromisoformat, required=True)
    applying.set_defaults(handler=apply_cmd)
    gaps = rota.add_parser("gaps", help="gaps and conflicts in the coming weeks")
    gaps.add_argument("--weeks", type=int, default=8)
    gaps.set_defaults(handler=gaps_cmd)
    rota.add_parser(
        "check-gaps", help="alert gaps starting within 72 hours, once each (for cron)"
    ).set_defaults(handler=check_cmd)
