"""One run at a time: OS-level locks on a file beside the database and on one in the outbox (two runs
with different databases must not write the same run folders either).

The operating system releases the lock when the process ends, however it ends, so a run that
dies never leaves a stale lock behind.
"""

from __future__ import annotations

import os
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from pipeline.core.errors import RunError

if os.name == "nt":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]  # Windows only
            return True
        except OSError:
            return False
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False


@contextmanager
def run_lock(path: Path, wait_seconds: float = 0):
    """Hold the lock for the duration of the block; RunError (exit 1) when another run holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise RunError(f"另一次运行正在进行（锁文件 {path}），本次未执行；请等它结束后再运行")
            time.sleep(0.5)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)


@contextmanager
def run_locks(paths: list[Path], wait_seconds: float = 0):
    """Several locks, taken in the order given (every run takes them in the same order, so two runs
    never wait on each other in a circle); a file named twice is locked once."""
    with ExitStack() as stack:
        seen: set[Path] = set()
        for path in paths:
            if Path(path).resolve() not in seen:
                seen.add(Path(path).resolve())
                stack.enter_context(run_lock(Path(path), wait_seconds))
        yield
