"""The one atomic file writer of xlcpb: a crash leaves the old file or the new one.

Every file xlcpb writes (a sheet version, its ``CURRENT`` pointer, a workbook, a calibration,
a lite bundle) is written to a temporary file beside its target, flushed and ``fsync``-ed,
renamed over the target with :func:`os.replace` (atomic on POSIX and on Windows within one
volume), and the rename made durable by ``fsync`` on the folder where the platform allows it.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


def fsync_directory(path: Path) -> None:
    """Make a rename inside ``path`` durable (a no-op where directories cannot be opened)."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _fsync_file(path: str) -> None:
    with open(path, "rb+") as stream:
        os.fsync(stream.fileno())


def _readable_by_others(path: str) -> None:
    """Give a temporary file the mode a normally created file gets (mkstemp makes it 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


@contextmanager
def atomic_output(path: Path):
    """A temporary path beside ``path`` to write; it replaces ``path`` only if all went well.

    The temporary file is synced to disk before the rename, and the rename itself afterwards.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix,
                                         dir=path.parent)
    os.close(handle)
    try:
        yield temporary
        _fsync_file(temporary)
        _readable_by_others(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically and durably."""
    with atomic_output(path) as temporary:
        with open(temporary, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
