"""The sheet's schema (``schema.toml``) and the validation every load goes through.

A table arrives as rows of text (from a CSV file); :func:`parse_table` returns typed rows or
raises one CPBError that names the file, the row (as numbered in the file, header = 1) and
the column of every problem found, up to a limit, so a user can fix them in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import CPBError
from .bundled import bundled_toml
from .number_text import parse_number

# the sheet's kinds: bundled rows the user can add to or override, version by version
KINDS = ("hardware", "prices", "api_prices", "models", "model_attention", "media_models")
USER_ONLY_KINDS = ("spend",)                    # kept in the user's store, never bundled
CATALOG_KINDS = ("workloads", "exchange_rates", "service_map")  # plans, budget inputs
LIST_SEPARATOR = "|"
MAX_REPORTED_PROBLEMS = 20


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    unit: str = ""
    required: bool = False
    min: float | None = None
    max: float | None = None
    whole: bool = False
    choices: tuple = ()
    pattern: str | None = None
    references: str | None = None
    help: str = ""

    @property
    def header(self) -> str:
        """The column's name with its unit, as shown in exported workbooks."""
        return f"{self.name} [{self.unit}]" if self.unit else self.name


@dataclass(frozen=True)
class Kind:
    name: str
    file: str
    title: str
    key: tuple
    columns: tuple

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def key_of(self, row: dict) -> tuple:
        return tuple(str(row.get(name) or "").casefold() for name in self.key)


@lru_cache(maxsize=1)
def schema() -> dict[str, Kind]:
    """Every kind of the sheet, read from ``schema.toml``."""
    raw = bundled_toml("schema.toml")
    kinds = {}
    for name in KINDS + USER_ONLY_KINDS + CATALOG_KINDS:
        spec = raw[name]
        columns = tuple(Column(name=column, **{k: tuple(v) if k == "choices" else v
                                               for k, v in attrs.items()})
                        for column, attrs in spec["columns"].items())
        kinds[name] = Kind(name=name, file=spec["file"], title=spec["title"],
                           key=tuple(spec["key"]), columns=columns)
    return kinds


def _parse_cell(column: Column, text: str, locale: str | None):
    """The typed value of one cell, or raise ValueError with the problem in words.

    Numbers follow :mod:`.number_text` under ``locale`` (``"C"``: machine-written files).
    """
    if column.type == "text":
        if column.pattern and not re.match(column.pattern, text):
            raise ValueError(f"does not match the required form ({column.help or column.pattern})")
        if column.choices and text not in column.choices:
            raise ValueError(f"must be one of {', '.join(column.choices)}")
        return text
    if column.type == "list":
        return tuple(item.strip() for item in text.split(LIST_SEPARATOR) if item.strip())
    if column.type == "date":
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("is not a date in the form yyyy-mm-dd") from None
    try:
        value = parse_number(text, locale, column.name)
    except CPBError as error:
        problem = str(error).split(": ", 1)[-1]
        raise ValueError(f"{problem}{f' (unit: {column.unit})' if column.unit else ''}") from None
    if column.type == "year" or column.whole:
        if value != int(value):
            raise ValueError("must be a whole number")
        value = int(value)
    if column.min is not None and value < column.min:
        raise ValueError(f"is implausibly small for {column.unit or column.name} "
                         f"(below {column.min:g}); check the unit")
    if column.max is not None and value > column.max:
        raise ValueError(f"is implausibly large for {column.unit or column.name} "
                         f"(above {column.max:g}); check the unit")
    return value


def parse_table(kind: Kind, header: list[str], rows: list[list[str]], source: str,
                first_line: int = 2, locale: str | None = "C") -> list[dict]:
    """Typed, validated rows of ``kind`` from text rows; CPBError naming every problem.

    ``first_line`` is the file line of ``rows[0]``, so errors point at the right line.
    ``locale`` reads numbers (:mod:`.number_text`): ``"C"`` for files xlcpb wrote (the
    default), the user's locale - None for neutral - for files people wrote.
    """
    problems = []
    header = [name.strip() for name in header]
    unknown = [name for name in header if name not in kind.column_names]
    missing = [c.name for c in kind.columns if c.required and c.name not in header]
    if unknown:
        problems.append(f"line 1: unknown column(s) {', '.join(unknown)} "
                        f"(expected {', '.join(kind.column_names)})")
    if missing:
        problems.append(f"line 1: missing column(s) {', '.join(missing)}")
    typed_rows, seen = [], {}
    if not problems:
        for offset, cells in enumerate(rows):
            line = first_line + offset
            if len(cells) != len(header):
                problems.append(f"line {line}: {len(cells)} cells, expected {len(header)}")
                continue
            row = {}
            for name, text in zip(header, cells):
                column = kind.column(name)
                if isinstance(text, (int, float)) and not isinstance(text, bool):
                    # a typed number (an XLSX cell): no text reading, so no locale question
                    text = text if column.type not in ("text", "list", "date") else f"{text:g}"
                    if not isinstance(text, str):
                        try:
                            row[name] = _parse_cell(column, text, locale)
                        except ValueError as error:
                            problems.append(f"line {line}, column {name}: {text!r} {error}")
                        continue
                text = text.strip()
                if text == "":
                    if column.required:
                        problems.append(f"line {line}, column {name}: required, but empty")
                    row[name] = () if column.type == "list" else None
                    continue
                try:
                    row[name] = _parse_cell(column, text, locale)
                except ValueError as error:
                    problems.append(f"line {line}, column {name}: {text!r} {error}")
            for column in kind.columns:
                row.setdefault(column.name, () if column.type == "list" else None)
            key = kind.key_of(row)
            if key in seen:
                problems.append(f"line {line}: duplicate of line {seen[key]} "
                                f"(same {', '.join(kind.key)})")
            seen[key] = line
            typed_rows.append(row)
    if problems:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        more = len(problems) - len(shown)
        raise CPBError(f"{source}: {len(problems)} problem(s) in the {kind.title} table:\n  "
                       + "\n  ".join(shown) + (f"\n  ... and {more} more" if more else ""),
                       argument=source, value=None,
                       fix="\nFix these cells of the file." if kind.name in CATALOG_KINDS
                       else "\nFix these lines (or restore an earlier version with "
                            "'xlcpb sheet restore').", kind="value")
    return typed_rows


def check_references(tables: dict[str, list[dict]], source: str) -> None:
    """Every column that ``references`` another kind names a row that exists in it."""
    problems = []
    for kind in (schema()[name] for name in tables):
        for column in kind.columns:
            if not column.references:
                continue
            known = {row["id"].casefold() for row in tables[column.references]}
            for index, row in enumerate(tables[kind.name]):
                value = row.get(column.name)
                if value and value.casefold() not in known:
                    problems.append(f"{kind.title} row {index + 1}: {column.name} "
                                    f"{value!r} is not a hardware id")
    if problems:
        raise CPBError(f"{source}: " + "; ".join(problems[:MAX_REPORTED_PROBLEMS]) + ".",
                       argument=source, value=None,
                       fix="Add the hardware row first, or correct the id.", kind="value")
