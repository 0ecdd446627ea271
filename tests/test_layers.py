"""Architecture: dependencies point one way, app -> telephony -> routing, app/telephony -> models.

Beside tests/routing/test_purity.py (routing imports nothing impure), one test per
dependency that must not exist, read from the source (every import, at any depth), and a
proof that tests/routing runs without a database driver or SQLAlchemy installed.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# package -> the project's packages it must never import
MUST_NOT_IMPORT = {
    "routing": {"app", "models", "telephony", "migrations"},
    "models": {"app", "telephony"},
    "telephony": {"app"},
}


def imported_modules(source: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


def violations(package: str) -> list[str]:
    banned = MUST_NOT_IMPORT[package]
    return [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for module in imported_modules(path.read_text())
        if module.split(".")[0] in banned
    ]


@pytest.mark.parametrize("package", MUST_NOT_IMPORT)
def test_no_dependency_points_the_wrong_way(package: str) -> None:
    assert list((ROOT / package).rglob("*.py")), f"{package}/ has no modules"
    assert violations(package) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import app.main", ["app.main"]),
        ("from app.errors import Invalid", ["app.errors"]),
        ("def f():\n    from telephony import calls", ["telephony"]),
        ("from . import lines", []),
        ("import application", ["application"]),
    ],
)
def test_the_reader_finds_every_import(source: str, found: list[str]) -> None:
    assert imported_modules(source) == found


def test_a_wrong_way_import_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "bad.py").write_text("def f():\n    from app.rota import service\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert violations("models") == ["models/bad.py imports app.rota"]


BLOCKER = """
import importlib.abc, sys

class _Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"sqlalchemy", "psycopg", "alembic", "fastapi"}:
            raise ModuleNotFoundError(f"{name} is not installed here", name=name)
        return None

sys.meta_path.insert(0, _Absent())
"""


def test_routing_tests_run_without_a_database_installed(tmp_path: Path) -> None:
    """tests/routing in a Python where SQLAlchemy, psycopg, Alembic and FastAPI are absent."""
    (tmp_path / "sitecustomize.py").write_text(BLOCKER)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/routing", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout


def test_the_blocker_blocks(tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text(BLOCKER)
    result = subprocess.run(
        [sys.executable, "-c", "import sqlalchemy"],
        env={"PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "not installed here" in result.stderr
