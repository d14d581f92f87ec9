"""An exclusive lock between processes on one file, released when its holder dies.

POSIX: :func:`fcntl.flock`; Windows: :func:`msvcrt.locking` on the file's first byte. Both
are kernel locks: a process killed while holding one (SIGKILL, a crash, a power cut of the
machine) releases it, so a lock can never be left behind. What holds on network drives is in
the README ("Reliability"): NFS (v4, or v3 with lockd) and SMB pass the lock between
machines; folders synchronised by a client (OneDrive, Dropbox) do not, and there the sheet's
optimistic check (:meth:`xlcpb.data.store.SheetStore.write`) is what refuses lost updates.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import CPBError

POLL_S = 0.02

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: int) -> bool:
        os.lseek(handle, 0, os.SEEK_SET)
        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: int) -> None:
        os.lseek(handle, 0, os.SEEK_SET)
        msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(handle: int) -> bool:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: int) -> None:
        fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def exclusive(path: Path, timeout_s: float, what: str):
    """Hold the lock on ``path`` (created if missing) for the ``with`` block.

    Waits up to ``timeout_s`` for another holder, then refuses with a CPBError naming
    ``what`` is locked and by which process id.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + timeout_s
        while not _try_lock(handle):
            if time.monotonic() > deadline:
                holder = os.pread(handle, 32, 0).decode("ascii", "replace").strip() \
                    if hasattr(os, "pread") else "?"
                raise CPBError(f"{what} is locked by another xlcpb process (pid {holder or '?'}) "
                               f"for more than {timeout_s:g} s.", argument=str(path),
                               value=holder, fix="Let it finish, then run this again.",
                               kind="value")
            time.sleep(POLL_S)
        try:
            os.ftruncate(handle, 0)
            os.write(handle, f"{os.getpid()}\n".encode("ascii"))
            yield
        finally:
            _unlock(handle)
    finally:
        os.close(handle)
