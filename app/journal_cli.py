"""`dutyline journal status|replay`: the call path's journal, for the IT team.

The journal holds what webhooks could not write while the database was away (README:
"When the database is away"). The service replays it by itself once the database answers;
these commands show what waits and replay it by hand (safe to run at any time, from any
host that sees the state folder, while the service runs: each entry is applied once).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

from app.settings import Settings
from models import calls as records
from models.db import make_session_factory
from telephony.journal import read_file
from telephony.replay import replay


def add_commands(commands: Any) -> None:
    journal = commands.add_parser(
        "journal", help="what the call path wrote while the database was away"
    ).add_subparsers(dest="journal_command", required=True, metavar="JOURNAL_COMMAND")
    journal.add_parser(
        "status", help="entries waiting to be replayed, by kind (asks the database if it can)"
    ).set_defaults(handler=status_cmd)
    journal.add_parser(
        "replay", help="apply waiting entries to the database now (idempotent)"
    ).set_defaults(handler=replay_cmd)


def status_cmd(settings: Settings, _args: argparse.Namespace) -> int:
    from app.main import call_path

    context, engine = call_path(settings)
    try:
        files = context.journal.files()
        entries = [entry for path in files for entry in read_file(path)]
        applied: set[str] | None = None
        if context.guard.probe():
            with make_session_factory(engine)() as session:
                applied = records.applied_journal_entries(session, [e.id for e in entries])
        waiting = [e for e in entries if applied is None or e.id not in applied]
        print(f"journal folder: {context.journal.folder}")
        print(f"files: {len(files)}, entries: {len(entries)}")
        if applied is None:
            print("database unreachable: cannot tell which are applied; all counted as waiting")
        print(f"waiting to be replayed: {len(waiting)}")
        for kind, count in sorted(Counter(e.kind for e in waiting).items()):
            print(f"  {kind}: {count}")
        if waiting:
            print(f"oldest waiting: {min(e.at for e in waiting).isoformat()}")
    finally:
        context.journal.close()
        engine.dispose()
    return 0


def replay_cmd(settings: Settings, _args: argparse.Namespace) -> int:
    from app.main import call_path

    context, engine = call_path(settings)
    try:
        if not context.guard.probe():
            print("error: database unreachable: nothing replayed", file=sys.stderr)
            return 1
        result = replay(context, context.clock())
    finally:
        context.journal.close()
        engine.dispose()
    print(
        f"applied {result.applied}, already applied {result.already}, "
        f"waiting for their call {result.deferred}, dropped {result.dropped}, "
        f"failed {result.failed}"
    )
    return 1 if result.failed else 0
