"""Saving workbooks: atomically, and never over a file the user did not say to replace."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import CPBError


def save_workbook_atomic(workbook, path: Path, overwrite: bool = False) -> Path:
    """Save an openpyxl workbook so that a crash leaves the old file or the new one."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise CPBError(f"{path} already exists.", argument="out", value=str(path),
                       fix="Choose another file name, or pass --overwrite to replace it.",
                       kind="value")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix,
                                         dir=path.parent)
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
