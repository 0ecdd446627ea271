"""`dutyline fallback-function`: the Twilio Function that routes calls when the service is down.

Cron runs it (see the README) so the Function always holds the coming days' on-call cover.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.cli_support import format_local, now, session_for
from app.errors import Invalid
from app.settings import Settings
from telephony.fallback_function import FunctionSettings, cover_for, render
from telephony.snapshot import load_snapshot

MAX_DAYS = 31


def function_settings(settings: Settings) -> FunctionSettings:
    return FunctionSettings(
        service_name=settings.service_name,
        fallback_number=settings.fallback_number,
        voice=settings.voice,
        language=settings.voice_language,
        oncall_ring_seconds=settings.oncall_ring_seconds,
        fallback_ring_seconds=settings.fallback_ring_seconds,
        accept_seconds=settings.accept_seconds,
        voicemail_max_seconds=settings.voicemail_max_seconds,
    )


def _write_privately(path: Path, text: str) -> None:
    """Replace ``path`` whole (never half a file for the deploy step), readable by us alone:
    it holds workers' phone numbers."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def add_commands(commands: Any) -> None:
    def run(settings: Settings, args: argparse.Namespace) -> int:
        if not 1 <= args.days <= MAX_DAYS:
            raise Invalid("--days", f"between 1 and {MAX_DAYS}")
        if args.output is not None and not args.output.parent.is_dir():
            raise Invalid("--output", f"no such folder: {args.output.parent}")
        start = now()
        with session_for(settings) as session:
            snapshot = load_snapshot(session, start, timedelta(days=args.days))
        cover = cover_for(
            start,
            start + timedelta(days=args.days),
            snapshot.lines,
            snapshot.overrides,
            snapshot.shifts,
        )
        source = render(cover, function_settings(settings), start)
        if args.output is None:
            sys.stdout.write(source)
        else:
            _write_privately(args.output, source)
        say = sys.stderr if args.output is None else sys.stdout
        print(
            f"Twilio Function: {len(cover.on_call)} on-call period(s) and the hours of "
            f"{len(cover.lines)} line(s) from {format_local(cover.starts_at)} "
            f"to {format_local(cover.ends_at)}"
            + (f", written to {args.output}" if args.output else ""),
            file=say,
        )
        if settings.fallback_number is None:
            print(
                "warning: no DUTYLINE_FALLBACK_NUMBER: in hours it can only take a message",
                file=say,
            )
        for start, end in cover.uncovered_out_of_hours():
            print(
                f"warning: nobody on call from {format_local(start)} to {format_local(end)}: "
                "the Function rings only the fallback number then",
                file=say,
            )
        return 0

    parser = commands.add_parser(
        "fallback-function",
        help="write the Twilio Function for the numbers' 'Primary handler fails' URL",
        description="Write a Twilio Function (JavaScript) holding the coming days' on-call "
        "cover and the lines' hours, so calls still reach a person when the whole service "
        "is down. Run it again whenever the rota changes (cron: see the README).",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=7,
        help=f"days of cover it holds (default 7, at most {MAX_DAYS})",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="write it here, readable by you alone (default: standard output)",
    )
    parser.set_defaults(handler=run)
