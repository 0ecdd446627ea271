"""The state folder: the routing snapshot, the journal and accept claims live here.

They hold workers' and callers' phone numbers, so the folder is made readable by the
service's user alone (0700) and every file in it 0600.
"""

from __future__ import annotations

import os
from pathlib import Path


class StateDir:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).resolve()
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.path, 0o700)

    def subdir(self, name: str) -> Path:
        path = self.path / name
        path.mkdir(mode=0o700, exist_ok=True)
        return path

    def write_atomically(self, name: str, content: str) -> None:
        """Replace the file ``name`` whole: temporary file, fsync, rename, fsync the folder."""
        final = self.path / name
        temporary = self.path / f".{name}.{os.getpid()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            write_all(fd, content.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, final)
        self.sync()

    def sync(self) -> None:
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
