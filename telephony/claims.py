"""Who pressed 1 first, decided on this host without the database.

Twilio bridges only the first leg of a Dial whose whisper ends without hanging up; the
service's own state must never connect two either. The database decides across hosts
(models.calls.claim_answer). This claim decides among the processes of one host, with or
without the database: a file created with O_EXCL in the state folder, which exactly one
process can create. Its content names the leg, so Twilio retrying the same key press is
told yes again.
"""

from __future__ import annotations

import hashlib
import os
import time
from enum import Enum
from pathlib import Path

from telephony.state import write_all


class Claim(Enum):
    WON = "won"
    REPEAT = "repeat"  # the same leg asked again
    LOST = "lost"  # another leg has the caller


def _path(folder: Path, call_sid: str) -> Path:
    return folder / hashlib.sha256(call_sid.encode()).hexdigest()[:32]


def claim(folder: Path, call_sid: str, step: int, target: int) -> Claim:
    leg = f"{step}:{target}".encode()
    path = _path(folder, call_sid)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(20):  # the winner may not have written its leg yet
            held = path.read_bytes()
            if held:
                return Claim.REPEAT if held == leg else Claim.LOST
            time.sleep(0.005)
        return Claim.LOST
    try:
        write_all(fd, leg)
        os.fsync(fd)
    finally:
        os.close(fd)
    return Claim.WON


def taken(folder: Path, call_sid: str) -> bool:
    """Has somebody on this host pressed 1 for this call?"""
    return _path(folder, call_sid).exists()


def forget_older_than(folder: Path, seconds: float) -> int:
    """Remove claims of calls long over; returns how many."""
    removed, limit = 0, time.time() - seconds
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
