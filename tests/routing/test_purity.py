"""Architecture: routing/ stays pure (no web, database, telephony or project imports, no clock)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROUTING = Path(__file__).resolve().parents[2] / "routing"
FORBIDDEN = {
    "fastapi",
    "starlette",
    "sqlalchemy",
    "twilio",
    "pydantic",
    "pydantic_settings",
    "httpx",
    "app",
    "telephony",
    "models",
}
# Reading the clock inside routing would make decisions untestable; `now` is passed in.
CLOCK_OWNERS = {"datetime", "date", "time"}
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter", "time_ns"}


def forbidden_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", ""))
            in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        else:
            continue
        found += [n for n in names if n.split(".")[0] in FORBIDDEN]
    return found


def clock_reads(source: str) -> list[str]:
    reads = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver = node.func.value
        owner = (
            receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
        )
        if owner in CLOCK_OWNERS and node.func.attr in CLOCK_CALLS:
            reads.append(f"{owner}.{node.func.attr}")
    return reads


MODULES = sorted(ROUTING.rglob("*.py"))


def test_routing_modules_found() -> None:
    assert {p.name for p in MODULES} >= {
        "__init__.py",
        "lines.py",
        "hours.py",
        "oncall.py",
        "ringplan.py",
        "decision.py",
    }


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_imports_nothing_impure(path: Path) -> None:
    assert forbidden_imports(path.read_text()) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_reads_no_clock(path: Path) -> None:
    assert clock_reads(path.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "import fastapi",
        "import sqlalchemy.orm",
        "from twilio.twiml.voice_response import VoiceResponse",
        "from starlette import requests",
        "import pydantic as pd",
        "import httpx",
        "from app.settings import Settings",
        "from models import tables",
        "import telephony.client",
        "def f():\n    from sqlalchemy import select",
        "import importlib\nimportlib.import_module('twilio')",
        "__import__('fastapi')",
    ],
)
def test_checker_catches_impure_imports(source: str) -> None:
    assert forbidden_imports(source)


@pytest.mark.parametrize(
    "source",
    [
        "import zoneinfo",
        "from datetime import datetime",
        "import phonenumbers",
        "import holidays",
        "from routing.lines import Line",
        "from . import lines",
        "import application",
    ],
)
def test_checker_allows_pure_imports(source: str) -> None:
    assert forbidden_imports(source) == []


def test_checker_catches_clock_reads() -> None:
    assert clock_reads("from datetime import datetime\nx = datetime.now(UTC)") == ["datetime.now"]
    assert clock_reads("import datetime\nx = datetime.date.today()") == ["date.today"]
    assert clock_reads("import time\nx = time.time()") == ["time.time"]
    assert clock_reads("x = now.astimezone().time()") == []
