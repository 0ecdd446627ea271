"""One error vocabulary: services raise app.errors, one handler answers them over HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import update

from models import User
from tests.helpers import ApiClient

APP = Path(__file__).resolve().parents[2] / "app"
# The rules and reads every caller shares: they must not depend on the web framework.
NO_WEB = [
    APP / "errors.py",
    *sorted(APP.glob("*/service.py")),
    *sorted(APP.glob("*/queries.py")),
    *[APP / "rota" / name for name in ("rotations.py", "swaps.py", "feeds.py", "io.py")],
]


@pytest.mark.parametrize("path", NO_WEB, ids=lambda p: str(p.relative_to(APP)))
def test_services_and_errors_import_no_web_framework(path: Path) -> None:
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert [m for m in imported if m and m.split(".")[0] in {"fastapi", "starlette"}] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/api/me/availability"),
        ("GET", "/api/events"),
        ("GET", "/api/rota/mine"),
        ("POST", "/api/callbacks/1/claim"),
    ],
)
def test_an_account_not_linked_to_a_worker_is_403_everywhere(
    api: ApiClient, method: str, path: str
) -> None:
    """It used to be 409 in two routes and 403 in two others."""
    user = api.sign_in_as("worker")
    with api.session() as session:  # the worker unlinked since: as after a data repair
        session.execute(update(User).where(User.id == user.user_id).values(worker_id=None))
        session.commit()
    body = {"availability": "available"} if method == "PUT" else None
    response = api.request(method, path, json=body)
    assert response.status_code == 403, response.text
    assert response.json() == {"detail": "Your account is not linked to a worker; ask an admin."}
