"""Saving workbooks: atomically, and never over a file the user did not say to replace."""

from __future__ import annotations

from pathlib import Path

from ..data.atomic import atomic_output  # noqa: F401 (the package's one writer)
from ..errors import CPBError


def refuse_to_replace(path: Path, overwrite: bool) -> None:
    if Path(path).exists() and not overwrite:
        raise CPBError(f"{path} already exists.", argument="out", value=str(path),
                       fix="Choose another file name, or pass --overwrite to replace it.",
                       kind="value")


def save_workbook_atomic(workbook, path: Path, overwrite: bool = False) -> Path:
    """Save an openpyxl workbook atomically, never over a file without ``overwrite``."""
    refuse_to_replace(path, overwrite)
    with atomic_output(path) as temporary:
        workbook.save(temporary)
    return Path(path)
