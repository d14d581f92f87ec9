"""Saving workbooks: atomically, and never over a file the user did not say to replace."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..errors import CPBError


def readable_by_others(path) -> None:
    """Give a temporary file the mode a normally created file gets (mkstemp makes it 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def refuse_to_replace(path: Path, overwrite: bool) -> None:
    if Path(path).exists() and not overwrite:
        raise CPBError(f"{path} already exists.", argument="out", value=str(path),
                       fix="Choose another file name, or pass --overwrite to replace it.",
                       kind="value")


@contextmanager
def atomic_output(path: Path):
    """A temporary path beside ``path`` to write; it replaces ``path`` only if all went well,
    so a crash leaves the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix,
                                         dir=path.parent)
    os.close(handle)
    try:
        yield temporary
        readable_by_others(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_workbook_atomic(workbook, path: Path, overwrite: bool = False) -> Path:
    """Save an openpyxl workbook atomically, never over a file without ``overwrite``."""
    refuse_to_replace(path, overwrite)
    with atomic_output(path) as temporary:
        workbook.save(temporary)
    return Path(path)
