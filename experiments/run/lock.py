"""One writer per output folder: an exclusive lock on ``DIR/.uptake.lock``.

:class:`FolderLock` takes ``fcntl.flock(LOCK_EX)`` on the lock file for as long as an
experiment writes the folder (reading the manifest, cleaning temporaries, writing
parts and the manifest). A second writer fails at once with a message naming the
holder (pid, host, start time, command), or, with ``wait=True``, blocks until the
first one ends. The lock is released by the kernel when its holder exits, however it
exits (kill -9 included), so a stale lock file never blocks anyone; the file itself
is left in place (deleting it would let two writers lock two different files).

Readers (``uptake report``, ``export``, the dashboard) take no lock: parts and the
manifest are replaced atomically, so a reader sees either the old or the new file.

Limitation: ``flock`` is advisory and per host on some network file systems; on
Linux NFS clients it is mapped to POSIX byte-range locks, which the server enforces
across hosts (NFSv4, or NFSv3 with lockd).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import sys
from pathlib import Path

from experiments.errors import InputError

LOCK_NAME = ".uptake.lock"


class FolderBusyError(InputError):
    """Another process is writing the output folder."""


class FolderLock:
    """An exclusive, process-lifetime lock on one output folder (a context manager)."""

    def __init__(self, root: str | Path, wait: bool = False) -> None:
        """Lock ``root`` (created if needed); ``wait`` blocks instead of failing."""
        self.root = Path(root)
        self.wait = wait
        self._fd: int | None = None

    @property
    def path(self) -> Path:
        """The lock file."""
        return self.root / LOCK_NAME

    def acquire(self) -> FolderLock:
        """Take the lock, or raise :class:`FolderBusyError` naming the holder."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(fd)
                if not self.wait:
                    raise FolderBusyError(
                        f"output folder {self.root} is in use by another uptake process "
                        f"({holder}); wait for it to end, choose another --out, or add --wait"
                    ) from None
                print(f"waiting for the other writer of {self.root} ({holder})", file=sys.stderr)
                fcntl.flock(fd, fcntl.LOCK_EX)
            _write_holder(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def release(self) -> None:
        """Release the lock (the file stays)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> FolderLock:
        """Take the lock (see :meth:`acquire`)."""
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        """Release the lock."""
        self.release()


def _write_holder(fd: int) -> None:
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(["uptake", *sys.argv[1:]])[:200],
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
        return f"pid {info['pid']} on {info['host']} since {info['since']}: {info['command']}"
    except (ValueError, KeyError, TypeError, OSError):
        return "holder unknown"
