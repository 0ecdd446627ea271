"""Real `uvicorn app.main:app` processes on a test's database, as production runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(
    database_url: str, env: Mapping[str, str], cwd: Path, startup_seconds: float = 15
) -> Iterator[str]:
    """One server process; yields its http://127.0.0.1:PORT. Settings come from ``env``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process_env = {k: v for k, v in os.environ.items() if not k.startswith("DUTYLINE_")}
    process_env |= {"DUTYLINE_DATABASE_URL": database_url, "DUTYLINE_LOG_LEVEL": "warning"}
    process_env |= dict(env)
    process_env.setdefault("DUTYLINE_PUBLIC_BASE_URL", url)
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)],
        env=process_env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + startup_seconds
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=0.5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.communicate()[0].decode()
                raise RuntimeError(f"the server did not come up:\n{output}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
