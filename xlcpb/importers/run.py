"""``xlcpb import``: detect the format, read, validate as a whole, apply atomically."""

from __future__ import annotations

import csv
import math
import zipfile
from pathlib import Path

from ..data.cellsafe import is_control, without_controls
from ..data.schema import KINDS, LIST_SEPARATOR, USER_ONLY_KINDS, parse_table, schema
from ..data.sheet import Sheet, load_bundled
from ..data.store import SheetStore
from ..engine.units import convert_currency
from ..errors import CPBError
from . import api_prices, aws, azure, epoch, focus, gcp, generic, hf_config
from .protocol import Head, Options
from .report import ImportReport
from .text import csv_records, parse_json, read_csv_text, read_text

# Every format, in the order --help lists them and detection asks them; generic last.
REGISTRY = tuple(fmt for module in (aws, azure, gcp, focus, api_prices, epoch, hf_config,
                                    generic)
                 for fmt in module.FORMATS)
FORMATS = {fmt.name: fmt.description for fmt in REGISTRY}
SNIFF_BYTES = 64 * 1024
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def _head(path: Path) -> Head:
    """What detection sees of ``path``: first line and header, or its JSON document."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        return Head(path=path)
    with open(path, "rb") as stream:
        text = stream.read(SNIFF_BYTES).decode("utf-8-sig", errors="replace")
    if text.lstrip().startswith(("{", "[")):
        document, _ = read_text(path)
        return Head(path=path, text=text, document=parse_json(document, str(path)))
    first = text.splitlines()[0] if text else ""
    header = frozenset(cell.strip() for cell in next(csv_records(first, str(path)), []))
    return Head(path=path, first_line=first, header=header, text=text)


def detect(path: Path) -> str:
    """The format of ``path``, from its name and first bytes; CPBError when not recognised."""
    head = _head(path)
    if {"UnitOfMeasure", "PricingBlockSize"} <= head.header:
        raise CPBError(f"{path}: Microsoft's table of Azure units of measure, not prices.",
                       argument="file", value=str(path),
                       fix="Nothing to import: xlcpb reads Azure units (\"100 Hours\") itself.")
    for fmt in REGISTRY:
        if fmt.sniff(head):
            return fmt.name
    raise CPBError(f"{path}: a JSON file of no format xlcpb knows.", argument="file",
                   value=str(path), fix=f"Formats: {', '.join(FORMATS)}.")


def read_file(path: Path, fmt: str, sheet: Sheet, options: dict, progress=None) -> ImportReport:
    """Parse ``path`` as ``fmt`` into a report (nothing is written)."""
    if not path.is_file():
        raise CPBError(f"{path}: no such file.", argument="file", value=str(path),
                       fix="Check the path.")
    if fmt != "auto" and fmt not in FORMATS:
        raise CPBError(f"format = {fmt!r}: unknown.", argument="format", value=fmt,
                       fix=f"Use auto or one of {', '.join(FORMATS)}.")
    try:
        fmt = detect(path) if fmt == "auto" else fmt
        report = _read(path, fmt, sheet, options, progress)
    except CPBError:
        raise
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError,
            OverflowError, UnicodeError, csv.Error, zipfile.BadZipFile, EOFError) as error:
        what = FORMATS.get(fmt, "price list")
        raise CPBError(f"{path}: not a valid {what} ({_named(error)}).", argument="file",
                       value=str(path), fix="Check the file, or name its --format.") from None
    _convert_currency(report, options.get("to_currency"), options.get("rates"))
    _scrub_controls(report)
    _validate_each(report)
    _collapse_repeats(report)
    return report


def _named(error: BaseException) -> str:
    """An exception in words: what kind of failure, then Python's message (first line)."""
    kinds = {RecursionError: "nested too deeply", OverflowError: "a number too large",
             UnicodeError: "an encoding error", csv.Error: "malformed CSV"}
    kind = next((text for cls, text in kinds.items() if isinstance(error, cls)),
                type(error).__name__)
    message = str(error).splitlines()[0][:200] if str(error) else ""
    return f"{kind}: {message}" if message else kind


def _read(path: Path, fmt: str, sheet: Sheet, options: dict, progress) -> ImportReport:
    report = ImportReport(source=str(path), format=fmt)
    given = Options(sheet=sheet, encoding=options.get("encoding"),
                    effective_date=options.get("effective_date"), mapping=options.get("mapping"),
                    locale=options.get("locale"), sheet_name=options.get("sheet_name"),
                    currency=options.get("currency"),
                    skip_invalid=options.get("skip_invalid", False), progress=progress)
    next(f for f in REGISTRY if f.name == fmt).read(path, report, given)
    return report


def _scrub_controls(report: ImportReport) -> None:
    """Remove control characters (NUL, BEL, ESC, C1...) from every text cell before anything
    is stored, with a count in the report: they are invisible, break spreadsheets that read
    the sheet, and never belong in a price list."""
    removed, cells = 0, 0
    for rows in report.accepted.values():
        for row in rows:
            for column, value in row.items():
                texts = value if isinstance(value, tuple) else (value,)
                if not any(isinstance(t, str) and any(map(is_control, t)) for t in texts):
                    continue
                cleaned = tuple(without_controls(t) if isinstance(t, str) else t
                                for t in texts)
                removed += sum(len(a) - len(b) for a, b in zip(texts, cleaned)
                               if isinstance(a, str))
                cells += 1
                row[column] = cleaned if isinstance(value, tuple) else cleaned[0]
    if removed:
        report.notes.append(f"{removed:,} control character(s) (NUL, escape codes...) removed "
                            f"from {cells:,} cell(s) before storing")


def _collapse_repeats(report: ImportReport) -> None:
    """One row per key: repeats of the same price collapse (latest date kept); two different
    prices for one key are a conflict, and the first is kept."""
    for kind, rows in report.accepted.items():
        spec = schema()[kind]
        kept, repeats = {}, 0
        for row, detail in zip(rows, report.details[kind]):
            key = spec.key_of(row)
            if key in kept:
                difference = _difference(kept[key][0], row)
                if difference:
                    report.conflicts.append({"kind": kind, "row": _label(key),
                                             "resolution": "the file gives two different "
                                                           "prices; kept the first",
                                             **difference})
                    continue
                repeats += 1
                if (row.get("effective_date") or "") > (kept[key][0].get("effective_date") or ""):
                    kept[key] = (row, detail)
                continue
            kept[key] = (row, detail)
        if repeats:
            report.notes.append(f"{repeats:,} repeated {kind} rows with the same price were "
                                "collapsed into one (the latest date kept)")
        report.accepted[kind] = [row for row, _ in kept.values()]
        report.details[kind] = [detail for _, detail in kept.values()]


def _convert_currency(report: ImportReport, target: str | None, rates: dict | None) -> None:
    """Convert prices to ``target`` with the explicit rate table, or leave them be."""
    if not target:
        return
    money = {"prices": ["price_per_device_hour"],
             "api_prices": ["input_price_per_mtok", "output_price_per_mtok",
                            "cached_input_price_per_mtok"]}
    for kind, columns in money.items():
        for row in report.accepted.get(kind, []):
            source = row["currency"]
            if source == target:
                continue
            if not rates or source not in rates:
                raise CPBError(f"no exchange rate from {source} to {target}.", argument="rates",
                               value=source, fix=f"Add a row '{source},<{target} per {source}>' "
                                                 "to the --rates file.")
            for column in columns:
                if row[column] is not None:
                    row[column] = convert_currency(row[column], rates[source])
            row["currency"] = target
            report.converted(f"{source} -> {target} at {rates[source]!r}")


def _validate_each(report: ImportReport) -> None:
    """Each accepted row through the sheet's schema; vendor rows that fail are skipped."""
    for kind, rows in list(report.accepted.items()):
        spec = schema()[kind]
        kept, details = [], []
        for row, detail in zip(rows, report.details[kind]):
            try:
                parse_table(spec, spec.column_names, [_cells(spec, row)], "row", locale="C")
            except CPBError as error:
                problem = str(error).split("\n")[1].strip() if "\n" in str(error) else str(error)
                report.skip(f"fails the sheet's checks: {problem.split(': ', 1)[-1]}", detail)
                continue
            kept.append(row)
            details.append(detail)
        report.accepted[kind], report.details[kind] = kept, details


def _cells(kind, row: dict) -> list:
    """A typed row as the cells :func:`parse_table` checks (numbers stay numbers)."""
    cells = []
    for name in kind.column_names:
        value = row.get(name)
        cells.append("" if value is None else LIST_SEPARATOR.join(value)
                     if isinstance(value, tuple) else value)
    return cells


def apply(report: ImportReport, store: SheetStore, dry_run: bool,
          keep_existing: bool = False) -> str | None:
    """Merge the report's rows into the user's sheet as one new version (unless dry run).

    The merge runs under the sheet's lock on its current version (:meth:`SheetStore.update`),
    so an import never undoes a change saved meanwhile.
    """
    bundled = load_bundled()
    conflicts_in_file = list(report.conflicts)

    def change(tables):
        report.conflicts[:] = conflicts_in_file
        _merge(report, tables, bundled, keep_existing)
        if dry_run or not report.accepted_count:
            return None
        return (f"import {Path(report.source).name} ({report.format}, "
                f"{report.accepted_count} rows)")

    return store.update(change, bundled=bundled.tables)


def _merge(report: ImportReport, tables: dict, bundled: Sheet, keep_existing: bool) -> None:
    for kind, rows in report.accepted.items():
        spec = schema()[kind]
        mine = {spec.key_of(row): row for row in tables.get(kind, [])}
        theirs = {spec.key_of(row): row for row in bundled.tables.get(kind, [])} \
            if kind in KINDS else {}
        for row in rows:
            key = spec.key_of(row)
            old = mine.get(key) or theirs.get(key)
            difference = _difference(old, row) if old is not None else None
            if difference:
                where = "your sheet" if key in mine else "the bundled sheet"
                if keep_existing and key in mine:
                    report.conflicts.append({"kind": kind, "row": _label(key),
                                             "resolution": f"kept {where}'s row (--keep-existing)",
                                             **difference})
                    continue
                report.conflicts.append({"kind": kind, "row": _label(key),
                                         "resolution": f"replaces {where}'s row", **difference})
            mine[key] = row
        tables[kind] = list(mine.values())


# What makes two rows of the same key really different (not just a newer date or a note).
_SUBSTANCE = ("price_per_device_hour", "devices_per_instance", "currency",
              "input_price_per_mtok", "output_price_per_mtok", "cached_input_price_per_mtok",
              "billed_cost", "memory_bytes", "memory_bandwidth_bytes_per_s")


def _same(old, new) -> bool:
    """Equal, or the same number up to float rounding (1.6 vs 1.5999999999999999)."""
    if isinstance(old, float) and isinstance(new, (int, float)) or \
            isinstance(new, float) and isinstance(old, (int, float)):
        return math.isclose(old, new, rel_tol=1e-9, abs_tol=0.0)
    return old == new


def _difference(old: dict, new: dict) -> dict | None:
    """The first column of substance in which two rows really differ, with both values."""
    for column in _SUBSTANCE:
        if not _same(old.get(column), new.get(column)):
            return {"column": column, "old": old.get(column), "new": new.get(column)}
    return None


def _label(key: tuple) -> str:
    return " / ".join(part for part in key if part)


def read_rates(path: Path | None) -> dict | None:
    """An exchange-rate CSV: ``currency,rate`` (target units per one unit of currency)."""
    if path is None:
        return None
    text, _ = read_csv_text(path)
    rates = {}
    for number, row in enumerate(csv_records(text, str(path)), start=1):
        if len(row) < 2 or not row[0].strip():
            continue
        if number == 1 and row[1].strip().lower() == "rate":
            continue  # the header
        try:
            rates[row[0].strip().upper()] = float(row[1])
        except ValueError:
            raise CPBError(f"{path}: line {number}: rate {row[1]!r} is not a number.",
                           argument="rates", value=row[1], fix="Write it as 0.92.") from None
    return rates


__all__ = ["FORMATS", "USER_ONLY_KINDS", "apply", "detect", "read_file", "read_rates"]
