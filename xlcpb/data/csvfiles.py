"""Reading and writing the sheet's CSV files: bounded, typed, formula-safe, atomic."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import CPBError
from .atomic import fsync_directory, write_atomic  # noqa: F401 (the package's one writer)
from .cellsafe import neutralise, restore
from .schema import LIST_SEPARATOR, Kind, parse_table

MAX_SHEET_FILE_BYTES = 64 * 1024 * 1024  # a price sheet is kilobytes; refuse absurd files


def read_text_bounded(path: Path, limit: int = MAX_SHEET_FILE_BYTES) -> str:
    """The file's text (UTF-8, BOM tolerated), refusing files over ``limit`` bytes."""
    size = path.stat().st_size
    if size > limit:
        raise CPBError(f"{path}: {size:,} bytes is larger than the {limit:,}-byte limit for "
                       "a sheet file.", argument=str(path), value=size,
                       fix="Check that this is the right file.", kind="value")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CPBError(f"{path}: not UTF-8 text (byte {error.start}).", argument=str(path),
                       value=None, fix="Save the file as CSV UTF-8.", kind="value") from None


def header_delimiter(text: str) -> str:
    """";" when the header line is separated by semicolons (Excel's CSV where the decimal
    separator is a comma: German, French...), else ",".

    >>> header_delimiter("name;monthly_volume\\nchat;2.000.000"), header_delimiter("a,b")
    (';', ',')
    """
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def parse_csv_text(kind: Kind, text: str, source: str, locale: str | None = "C",
                   delimiter: str = ",") -> list[dict]:
    """Typed rows of ``kind`` from CSV text; text cells restored from their safe form.

    ``locale``: how numbers are written (:func:`.schema.parse_table`); ``delimiter``: the
    field separator (:func:`header_delimiter` tells a semicolon file).
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise CPBError(f"{source}: line {reader.line_num}: {error}.", argument=source,
                       value=None, fix="Check the file: a sheet has no such field.",
                       kind="value") from None
    if not records:
        raise CPBError(f"{source}: empty file, no header.", argument=source, value=None,
                       fix=f"Start with the header: {','.join(kind.column_names)}",
                       kind="value")
    header, rows = records[0], [row for row in records[1:] if any(cell.strip() for cell in row)]
    rows = [[restore(cell) for cell in row] for row in rows]
    return parse_table(kind, header, rows, source, locale=locale)


def read_table(kind: Kind, path: Path) -> list[dict]:
    return parse_csv_text(kind, read_text_bounded(path), str(path))


def _cell(kind: Kind, name: str, value) -> str:
    column = kind.column(name)
    if value is None or value == ():
        return ""
    if column.type == "list":
        return neutralise(LIST_SEPARATOR.join(value))
    if column.type in ("text", "date"):
        return neutralise(str(value))
    return repr(value)  # full precision: repr round-trips a float exactly


def table_to_csv(kind: Kind, rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(kind.column_names)
    for row in rows:
        writer.writerow([_cell(kind, name, row.get(name)) for name in kind.column_names])
    return buffer.getvalue()
