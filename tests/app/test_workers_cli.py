"""`dutyline workers update|deactivate|reactivate`: the API's one write path, from the shell."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.audit import AuditEvent
from tests.app.test_cli import Run, run, state, workers  # noqa: F401  (run: a fixture)


def test_update_deactivate_and_reactivate_a_worker(
    run: Run,  # noqa: F811
    session_factory: sessionmaker[Session],
) -> None:
    run("workers", "add", "--name", "Sam Okafor", "--phone", "07700900101", "--lines", "public")
    result = run("workers", "update", "sam okafor", "--phone", "+44 7700 900111",
                 "--lines", "professional,public", "--name", "Sam Okafor-Reid")  # fmt: skip
    assert result.code == 0, result.err
    assert result.out.startswith("Sam Okafor-Reid (id ")
    assert result.out.endswith(": phone 07700 900111, lines professional, public\n")
    [sam] = workers(session_factory)
    assert (sam.name, sam.phone) == ("Sam Okafor-Reid", "+447700900111")

    assert run("workers", "deactivate", str(sam.id)).out.endswith(" is now deactivated\n")
    assert not workers(session_factory)[0].active
    assert run("workers", "reactivate", "Sam Okafor-Reid").out.endswith(" is now active\n")
    assert workers(session_factory)[0].active
    with session_factory() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "worker")
        ).all()
    assert actions == ["create", "update", "deactivate", "reactivate"]


@pytest.mark.parametrize(
    ("argv", "code", "words"),
    [
        (["workers", "update", "Sam Okafor"], 1, "give --name, --phone or --lines"),
        (["workers", "update", "Sam Okafor", "--phone", "12345"], 1,
         "--phone: not a valid phone number: '12345'"),
        (["workers", "update", "Sam Okafor", "--lines", "police"], 1, "unknown line 'police'"),
        (["workers", "update", "Sam Okafor", "--name", "jo whitfield"], 1, "already exists"),
        (["workers", "update", "Nobody", "--name", "X"], 1, "unknown worker 'Nobody'"),
        (["workers", "deactivate", "Nobody"], 1, "unknown worker 'Nobody'"),
        (["workers", "reactivate"], 2, "NAME_OR_ID"),
    ],
)  # fmt: skip
def test_bad_changes_say_why_and_change_nothing(
    run: Run,  # noqa: F811
    session_factory: sessionmaker[Session],
    argv: list[str],
    code: int,
    words: str,
) -> None:
    run("workers", "add", "--name", "Sam Okafor", "--phone", "07700900101", "--lines", "public")
    run("workers", "add", "--name", "Jo Whitfield", "--phone", "07700900201", "--lines", "none")
    before = state(session_factory)
    result = run(*argv)
    assert result.code == code
    assert words in result.err.splitlines()[-1]
    assert state(session_factory) == before
