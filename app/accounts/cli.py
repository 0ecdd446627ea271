"""`dutyline users ...`: staff accounts from the command line (the first admin, say)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from sqlalchemy import select

from app import cli_support as support
from app.accounts import service
from app.auth import StaffRole
from app.errors import AppError
from app.settings import Settings
from models import User


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 12 characters): ")
    if getpass.getpass("Same password again: ") != first:
        raise AppError("the two passwords differ")
    return first


def cmd_users_create(settings: Settings, args: argparse.Namespace) -> int:
    with support.session_for(settings) as session:
        worker_id = support.worker_named(session, args.worker).id if args.worker else None
        user = service.create_user(
            session,
            username=args.username,
            display_name=args.display_name or args.username,
            password=_read_password(args),
            roles=[StaffRole(role) for role in args.role],
            worker_id=worker_id,
            now=support.now(),
        )
        print(user.id)
    return 0


def cmd_users_reset_password(settings: Settings, args: argparse.Namespace) -> int:
    """An admin locked out, say: the same reset as the user page's, so the person (told the
    password safely) chooses their own at the next sign-in."""
    with support.session_for(settings) as session:
        user = session.scalar(select(User).where(User.username == args.username))
        if user is None:
            raise AppError(f"no account is called {args.username!r}")
        password = _read_password(args)
        try:
            service.check_password(password)
        except ValueError as exc:
            raise AppError(f"the password {exc}") from None
        changes = service.UserChanges(password=password)
        service.update_user(session, user.id, changes, actor_user_id=None, now=support.now())
    print(f"{args.username}: password reset; they choose their own when they next sign in")
    return 0


def cmd_users_list(settings: Settings, args: argparse.Namespace) -> int:
    with support.session_for(settings) as session:
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
    support.table(("id", "username", "roles", "worker", "active"), rows)
    return 0


def add_commands(commands: Any) -> None:
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
    reset = users.add_parser(
        "reset-password",
        help="set a password the person must change at their next sign-in",
        description="Reset an account's password and sign it out everywhere; the person "
        "chooses their own at the next sign-in. The password is asked for, or read from "
        "standard input when it is not a terminal (or with --password-stdin).",
    )
    reset.add_argument("--username", required=True)
    reset.add_argument("--password-stdin", action="store_true")
    reset.set_defaults(handler=cmd_users_reset_password)
