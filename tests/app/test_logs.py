"""Log lines are written by a thread of their own, and every queued line is written out."""

from __future__ import annotations

import logging
import threading

import pytest

from app import logs


def test_lines_are_written_off_the_logging_thread_and_flushed_at_stop(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    writers: list[str] = []
    emit = logging.StreamHandler.emit

    def noting_emit(self: logging.StreamHandler, record: logging.LogRecord) -> None:  # type: ignore[type-arg]
        if type(self) is logging.StreamHandler:  # ours; pytest's capture handlers subclass it
            writers.append(threading.current_thread().name)
        emit(self, record)

    monkeypatch.setattr(logging.StreamHandler, "emit", noting_emit)
    logs.start_logging("INFO")
    try:
        for n in range(50):
            logging.getLogger("dutyline.test").info("line %d", n)
        logs.access("GET", "/api/records", 200, 0.0041)
    finally:
        logs.stop_logging()
    err = capfd.readouterr().err
    assert all(f"line {n}\n" in err for n in range(50))
    assert "INFO dutyline.access: GET /api/records 200 4.1 ms" in err
    assert writers and set(writers) == {"log-writer"}  # never the thread that logged
    assert logging.getLogger("uvicorn.access").disabled  # its lines hold query strings


def test_the_writer_runs_until_the_last_app_stops(capfd: pytest.CaptureFixture[str]) -> None:
    logs.start_logging("INFO")
    logs.start_logging("INFO")  # a second app in the same process
    logs.stop_logging()
    logging.getLogger("dutyline.test").warning("still written")
    logs.stop_logging()
    assert capfd.readouterr().err.count("still written") == 1
    assert not any(t.name == "log-writer" for t in threading.enumerate())
