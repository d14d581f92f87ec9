"""Reading untrusted XLSX files: zip-bomb and size guards, XML parsed with defusedxml.

The one place for these limits: ``xlcpb import`` (:func:`read_xlsx`) and ``xlcpb publish``
(:func:`read_parts`) refuse the same files the same way, in well under a second, before any
part is decompressed.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ..errors import CPBError

MAX_XLSX_BYTES = 100 * 1024 ** 2
MAX_UNCOMPRESSED_BYTES = 512 * 1024 ** 2
MAX_MEMBERS = 10_000
MAX_RATIO = 200  # real spreadsheets compress 5-20x; zip bombs 1000x and more
MAX_ROWS = 1_000_000


XML_PARTS = (".xml", ".rels", ".vml")
WORKBOOK_PART = "xl/workbook.xml"


def _refuse(path: Path, problem: str, what: str = "a plausible price list"):
    raise CPBError(f"{path}: {problem}.", argument="file", value=str(path),
                   fix=f"This file is not {what}; it was not opened.")


def check_xlsx(path: Path, what: str = "a plausible price list") -> None:
    """Refuse oversized files, zip bombs and anything that is not a zip before parsing."""
    path = Path(path)
    if path.stat().st_size > MAX_XLSX_BYTES:
        _refuse(path, f"larger than {MAX_XLSX_BYTES:,} bytes", what)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError):
        _refuse(path, "not an XLSX (zip) file, or a truncated one", what)
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            _refuse(path, f"{len(members):,} parts in the zip", what)
        total = sum(member.file_size for member in members)
        if total > MAX_UNCOMPRESSED_BYTES:
            _refuse(path, f"unpacks to {total:,} bytes (a zip bomb?)", what)
        for member in members:
            if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
                ratio = member.file_size // max(member.compress_size, 1)
                _refuse(path, f"part {member.filename} expands {ratio:,}x (a zip bomb?)", what)


def read_parts(path: Path, what: str = "an Excel workbook") -> tuple[dict, dict]:
    """(part name -> bytes, part name -> ZipInfo) of a checked workbook: the limits of
    :func:`check_xlsx`, then every XML part UTF-8 without a DTD (no entity expansion, so no
    billion laughs), and ``xl/workbook.xml`` present."""
    path = Path(path)
    check_xlsx(path, what)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            parts = {name: archive.read(name) for name in infos}
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as error:
        _refuse(path, f"a damaged zip ({type(error).__name__}: {error})", what)
    if WORKBOOK_PART not in parts:
        _refuse(path, f"no {WORKBOOK_PART}: not an Excel workbook", what)
    for name, data in parts.items():
        if not name.endswith(XML_PARTS):
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            _refuse(path, f"part {name} is not UTF-8 XML (UTF-16?), which xlcpb does not "
                          "rewrite", what)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            _refuse(path, f"part {name} declares XML entities (an entity-expansion attack?); "
                          "Excel never writes them", what)
    return parts, infos


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
    except CPBError:
        raise
    except Exception as error:  # a relationship outside the package, a malformed part...
        raise CPBError(f"{path}: refused while reading: {type(error).__name__}: {error}.",
                       argument="file", value=str(path),
                       fix="Re-save the file from Excel as a plain .xlsx.") from None
    finally:
        workbook.close()
