"""One writer at a time: the lock every command that writes ``datasets/`` holds.

``etl build``, ``etl ingest`` and ``etl geocode`` take ``datasets/.etl.lock`` (an OS file lock,
``filelock``: released by the kernel when the holder dies, so a killed run never leaves it
stuck) for their whole run; ``etl check`` takes it too, so it never reads a half-written set.
A second command waits a little (``$LYG_LOCK_WAIT`` seconds, default 5), then stops with one
line naming the holder. The holder writes its pid and command into the lock file, where a
waiter reads them for that line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from etl.errors import GazetteError

LOCK_FILE = ".etl.lock"
WAIT_ENV = "LYG_LOCK_WAIT"
DEFAULT_WAIT = 5.0  # seconds: long enough for a quick `etl check`, short enough to not hang
# test hook: announce on stderr that the lock is busy and this command is waiting for it
ANNOUNCE_ENV = "LYG_TEST_ANNOUNCE_LOCK_WAIT"


class Busy(GazetteError):
    """Another etl command holds the lock (exit 2, like bad input: nothing was done)."""


def _wait() -> float:
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def holder(out_dir: Path) -> tuple[str, str]:
    """(``pid N, `etl build```, ``writing``) of the command holding the lock, from the lock
    file."""
    try:
        text = (out_dir / LOCK_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    pid, _, rest = text.partition(" ")
    verb, _, command = rest.partition(" ")
    if not (pid.isdigit() and command):
        return "pid unknown", "writing"
    return f"pid {pid}, `{command}`", verb


@contextmanager
def datasets_lock(out_dir: Path, command: str, writes: bool = True) -> Iterator[None]:
    """Hold the lock of ``out_dir`` (``datasets/``) while the block runs; ``command`` (e.g.
    ``etl build``) is what a waiting command is told, ``writes`` False for a reader (``etl
    check``). Raises Busy after the wait."""
    out_dir.mkdir(parents=True, exist_ok=True)
    verb = "writing" if writes else "reading"

    def sign(fd: int) -> None:  # the lock file's content is whoever holds it now
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {verb} {command}\n".encode(), 0)

    lock = FileLock(out_dir / LOCK_FILE, on_acquired=sign)
    try:
        lock.acquire(blocking=False)
    except Timeout:
        if os.environ.get(ANNOUNCE_ENV):
            print(f"waiting for the lock ({holder(out_dir)[0]})", file=sys.stderr, flush=True)
        try:
            lock.acquire(timeout=_wait())
        except Timeout:
            who, doing = holder(out_dir)
            raise Busy(f"another etl command ({who}) is {doing} datasets/; try again when "
                       "it finishes") from None
    try:
        yield
    finally:
        lock.release()
