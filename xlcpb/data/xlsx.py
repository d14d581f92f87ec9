"""Reading untrusted XLSX files: zip-bomb and size guards, XML parsed with defusedxml."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import CPBError

MAX_XLSX_BYTES = 100 * 1024 ** 2
MAX_UNCOMPRESSED_BYTES = 512 * 1024 ** 2
MAX_MEMBERS = 10_000
MAX_RATIO = 200  # real spreadsheets compress 5-20x; zip bombs 1000x and more
MAX_ROWS = 1_000_000


def _refuse(path: Path, problem: str):
    raise CPBError(f"{path}: {problem}.", argument="file", value=str(path),
                   fix="This file is not a plausible price list; it was not opened.")


def check_xlsx(path: Path) -> None:
    """Refuse oversized files, zip bombs and anything that is not a zip before parsing."""
    if path.stat().st_size > MAX_XLSX_BYTES:
        _refuse(path, f"larger than {MAX_XLSX_BYTES:,} bytes")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        _refuse(path, "not an XLSX (zip) file")
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            _refuse(path, f"{len(members):,} parts in the zip")
        total = sum(member.file_size for member in members)
        if total > MAX_UNCOMPRESSED_BYTES:
            _refuse(path, f"unpacks to {total:,} bytes (a zip bomb?)")
        for member in members:
            if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
                _refuse(path, f"part {member.filename} expands {member.file_size // max(member.compress_size, 1):,}x"
                              " (a zip bomb?)")


def read_xlsx(path: Path, sheet_name: str | None = None) -> list[list]:
    """The rows of one worksheet as values (cached results, never formulas)."""
    check_xlsx(path)
    import openpyxl
    from openpyxl import xml as openpyxl_xml

    if not openpyxl_xml.DEFUSEDXML:
        raise CPBError("XLSX import needs the defusedxml package (XML attack protection).",
                       argument="file", value=str(path), fix="pip install defusedxml")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # defusedxml's and zipfile's refusals, malformed parts
        raise CPBError(f"{path}: refused while reading: {type(error).__name__}: {error}.",
                       argument="file", value=str(path),
                       fix="Re-save the file from Excel as a plain .xlsx.") from None
    try:
        worksheet = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
        rows = []
        for row in worksheet.iter_rows(values_only=True):
            rows.append(["" if value is None else value for value in row])
            if len(rows) > MAX_ROWS:
                _refuse(path, f"more than {MAX_ROWS:,} rows")
        return rows
    finally:
        workbook.close()
