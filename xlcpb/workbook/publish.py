"""``xlcpb publish``: a copy of any workbook that computes without the add-in.

Works on the XLSX parts themselves, read by a namespace-aware XML parser (defusedxml, see
:mod:`.xml_spans`): cells, formulas and sheets are found as Excel finds them, whatever
prefix the file spells its elements with, and edits are spliced into the located spans, so
everything else the workbook holds - other sheets, styles, names, charts, images - is
carried over byte for byte.
Each CPB_* call becomes its native formula (see :mod:`.translate`) over two hidden lookup
sheets added to the copy (``xlcpb_Hardware``, ``xlcpb_Prices``); calls with no native form
become their value, marked with a pale orange fill, listed on an added ``xlcpb_About`` sheet
with the provenance (package and sheet versions, date, SHA-256 of the input) and guarded
(:mod:`.guard`): a Checks row turns FALSE when an input they were computed from changes.
Shared formulas that use CPB_* are expanded cell by cell; array formulas keep their range.
``docProps/app.xml`` lists the added sheets. The copy asks for a full recalculation when
opened, and its stale calculation chain is dropped. The input file is never modified.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.formula import Tokenizer
from openpyxl.formula.translate import Translator
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from .. import __version__, udfs
from ..data.schema import schema
from ..data.sheet import load_bundled, precisions
from ..data.xlsx import read_parts
from ..errors import CPBError
from .columns import column_letter
from .files import atomic_output, refuse_to_replace
from .guard import GUARD_SHEET, add_guard
from .translate import HARDWARE_SHEET, PRICES_SHEET, Argument, Lookup, translate
from .xlsx_parts import (MAIN, WORKSHEET_ORDER, add_sheet, drop_calc_chain,
                         force_full_calculation, insertion, sheet_parts, start_tag)
from .xlsx_styles import StyleSheet
from .xml_spans import Node, attribute, escape, parse, splice

ABOUT_SHEET = "xlcpb_About"
RELATIONS_PART = "xl/_rels/workbook.xml.rels"
STYLE_ATTRIBUTE = re.compile(rb"""\ss\s*=\s*["'](\d+)["']""")  # a superset of cells' styles
RANGE = object()  # an input that is a range: compared by no guard


@dataclass
class Frozen:
    """A CPB_* call replaced by its value, and the inputs (reference, value) it read."""

    sheet: str
    cell: str
    function: str
    value: object
    inputs: list


@dataclass
class PublishReport:
    source_sha256: str
    translated: list = field(default_factory=list)  # (sheet, cell, functions)
    valued: list = field(default_factory=list)      # (sheet, cell, function, value)
    guarded: list = field(default_factory=list)     # Frozen, one per replaced call


def _hardware_table():
    """Rows of the lookup sheet: every name a hardware answers to, with all its fields."""
    sheet = load_bundled()
    columns = [c for c in schema()["hardware"].column_names if c not in ("aliases", "notes")]
    precision_columns = {name: spec["column"] for name, spec in precisions().items()}
    header = ["lookup name", *columns, *precision_columns]
    rows = []
    for row in sheet.tables["hardware"]:
        values = [row[c] for c in columns] + [row[c] for c in precision_columns.values()]
        for name in dict.fromkeys([row["id"], row["name"], f"{row['vendor']} {row['name']}",
                                   *row["aliases"]]):
            rows.append([name, *values])
    return header, rows


def _price_table():
    header = ["hardware_id", "provider", "region", "pricing_model", "price_per_device_hour",
              "currency", "instance_type", "effective_date"]
    rows = [[row[c] for c in header] for row in load_bundled().tables["prices"]]
    return header, rows


class CellValues:
    """Cached values of the input workbook, for calls that must become values; a sheet is
    read (in openpyxl's read-only mode) the first time one of its cells is asked for."""

    def __init__(self, path: Path) -> None:
        self.book = openpyxl.load_workbook(path, data_only=True, read_only=True)
        self.sheets: dict[str, dict] = {}

    def _cell(self, sheet: str, reference: str):
        if ":" in reference:
            return RANGE
        if sheet not in self.sheets:
            self.sheets[sheet] = {
                (r, c): value
                for r, row in enumerate(self.book[sheet].iter_rows(values_only=True), 1)
                for c, value in enumerate(row, 1) if value is not None}
        column, row = coordinate_from_string(reference)
        return self.sheets[sheet].get((row, column_index_from_string(column)))

    def resolve(self, sheet: str, argument: Argument):
        if argument.literal is not None:
            return argument.literal
        if not argument.text.strip():  # an omitted argument, f(a,,c): its default
            return None
        if not argument.reference:
            raise CPBError(f"argument {argument.text!r} is an expression.", argument="formula",
                           value=argument.text, fix="")
        reference = argument.text.replace("$", "")
        if "!" in reference:
            sheet, reference = reference.rsplit("!", 1)
            sheet = sheet.strip("'").replace("''", "'")
        if reference in self.book.defined_names:
            destinations = list(self.book.defined_names[reference].destinations)
            sheet, reference = destinations[0][0], destinations[0][1].replace("$", "")
        return self._cell(sheet, reference)

    def close(self) -> None:
        self.book.close()


def _references(text: str) -> list[str]:
    """The cell references and names an argument's text reads."""
    return [token.value for token in Tokenizer("=" + text).items
            if token.type == "OPERAND" and token.subtype == "RANGE"]


def _inputs(values: CellValues, sheet_name: str, args: list[Argument]) -> list:
    """(reference as written, its value now) of every reference ``args`` read."""
    found = []
    for reference in dict.fromkeys(r for a in args for r in _references(a.text)):
        try:
            value = values.resolve(sheet_name, Argument(text=reference, reference=True))
        except (CPBError, KeyError, ValueError, AttributeError, IndexError):
            value = RANGE
        if "!" not in reference and reference not in values.book.defined_names:
            reference = "'" + sheet_name.replace("'", "''") + "'!" + reference
        found.append((reference, value))
    return found


def _value_of(values: CellValues, sheet_name: str, cell: str, cached, inputs: list):
    """The value of one call with no native form; ``inputs`` gets the references it read
    (one list per call, in order)."""
    def value_of(function: str, args: list[Argument]):
        inputs.append(_inputs(values, sheet_name, args))
        if function == "CPB_VERSION":
            return f"xlcpb {__version__}; sheet {load_bundled().version} (published)"
        python = getattr(udfs, function.lower(), None)
        if python is None:
            raise CPBError(f"{sheet_name}!{cell}: {function} is not an xlcpb function.",
                           argument="formula", value=function, fix="Check the spelling.")
        try:
            result = python(*[values.resolve(sheet_name, a) for a in args])
        except CPBError:
            result = cached
        if isinstance(result, list):
            result = result[0][0] if len(result) == 1 and len(result[0]) == 1 else None
        if result is None or (isinstance(result, str) and result.startswith("#")):
            raise CPBError(f"{sheet_name}!{cell}: {function} has no native form and its value "
                           "cannot be worked out here.", argument="formula", value=cell,
                           fix="Open the workbook with the add-in, recalculate and save it, "
                               "then publish again (its saved value is used).")
        return result
    return value_of


def _cell_value(cell: Node):
    """The value a formula cell stored when last calculated, typed as its ``t`` says."""
    value = cell.child(MAIN, "v")
    kind = cell.attrs.get("t", "n")
    if value is None or kind == "e":
        return None
    if kind == "n":
        try:
            return float(value.text)
        except ValueError:
            return None
    return value.text in ("1", "true") if kind == "b" else value.text


def _sheet_cells(root: Node) -> list[Node]:
    sheet_data = root.child(MAIN, "sheetData")
    if sheet_data is None:
        return []
    return [cell for row in sheet_data.all(MAIN, "row") for cell in row.all(MAIN, "c")]


def _new_formula(formula: Node, text: str) -> bytes:
    """``<f>`` with ``text``; an array formula keeps its range, a shared one becomes plain."""
    kept = {k: v for k, v in formula.attrs.items()
            if formula.attrs.get("t") == "array" and k in ("t", "ref", "aca")}
    attrs = "".join(f' {k}="{attribute(v)}"' for k, v in kept.items())
    return f"<{formula.qname}{attrs}>{escape(text)}</{formula.qname}>".encode("utf-8")


def _rewrite_sheet(data: bytes, part: str, sheet_name: str, lookup: Lookup, values: CellValues,
                   report: PublishReport, styles: StyleSheet, lock: bool) -> bytes:
    """Every CPB_* formula of one sheet part made native or frozen; with ``lock``, every
    formula cell's style locked."""
    plain = b"&#" not in data  # no character references: what the bytes say is the text
    if plain and b"cpb_" not in data.lower() and (not lock or not styles.unlocked.intersection(
            int(i) for i in STYLE_ATTRIBUTE.findall(data))):
        # no CPB_ call is written here, and no formula cell has an unlocked style to lock
        return _lock(data, part) if lock else data
    root, _ = parse(data, part)
    cells = _sheet_cells(root)
    masters = {}  # shared formulas: master cell and text per group id
    for cell in cells:
        formula = cell.child(MAIN, "f")
        if formula is not None and formula.attrs.get("t") == "shared" and formula.text:
            masters[formula.attrs.get("si")] = (cell.attrs.get("r"), formula.text)
    expand = {si for si, (_, text) in masters.items() if "CPB_" in text.upper()}
    edits = []
    for cell in cells:
        formula = cell.child(MAIN, "f")
        if formula is None:
            continue
        address = cell.attrs.get("r")
        style = int(cell.attrs["s"]) if cell.attrs.get("s", "").isdigit() else None
        text = formula.text
        if formula.attrs.get("t") == "shared" and formula.attrs.get("si") in expand \
                and not text:
            origin, master = masters[formula.attrs["si"]]
            text = Translator("=" + master, origin=origin).translate_formula(address)[1:]
        if "CPB_" not in text.upper():
            if lock and not styles.locked(style):
                edits.append((cell.start, cell.open_end, start_tag(
                    data[cell.start:cell.open_end], {"s": styles.variant(style, locked=True)})))
            continue
        inputs: list = []
        result = translate("=" + text, lookup, _value_of(values, sheet_name, address,
                                                           _cell_value(cell), inputs))
        changes = {}
        if cell.attrs.get("t") == "e":  # a cached error (#NAME? without the add-in): drop it
            changes["t"] = None
        if result.valued:  # marked in place (pale orange), listed on xlcpb_About, guarded
            changes["s"] = styles.variant(style, marked=True, locked=True if lock else None)
        elif lock and not styles.locked(style):
            changes["s"] = styles.variant(style, locked=True)
        body = []
        for child in cell.children:
            if child is formula:
                body.append(_new_formula(formula, result.formula[1:]))
            elif not (child.name == "v" and cell.attrs.get("t") == "e"):
                body.append(data[child.start:child.end])
        edits.append((cell.start, cell.end, start_tag(data[cell.start:cell.open_end], changes)
                      + b"".join(body) + f"</{cell.qname}>".encode("utf-8")))
        if result.translated:
            report.translated.append((sheet_name, address, sorted(set(result.translated))))
        for (function, value), read in zip(result.valued, inputs):
            report.valued.append((sheet_name, address, function, value))
            report.guarded.append(Frozen(sheet_name, address, function, value, read))
    if lock:
        edits.append(_protection(root))
    return splice(data, [edit for edit in edits if edit is not None])


def _protection(root: Node):
    """The edit that protects a sheet (no password), or None when it is protected."""
    if root.child(MAIN, "sheetProtection") is not None:
        return None
    return insertion(root, "sheetProtection", f'<{root.prefix}sheetProtection sheet="1" '
                                              'objects="1" scenarios="1"/>', WORKSHEET_ORDER)


def _lock(data: bytes, part: str) -> bytes:
    """Protect the sheet (no password): cells whose style is unlocked stay editable."""
    edit = _protection(parse(data, part, depth=1)[0])
    return splice(data, [edit]) if edit else data


def _check_structure(source: Path, parts: dict) -> None:
    """The parts publish rewrites exist: the workbook's relations and every sheet part."""
    if RELATIONS_PART not in parts:
        raise CPBError(f"{source}: no {RELATIONS_PART}: not a complete Excel workbook.",
                       argument="in", value=str(source), fix="Re-save it from Excel.")
    missing = [part for _, part in sheet_parts(parts) if part not in parts]
    if missing:
        raise CPBError(f"{source}: the workbook names sheet part(s) {', '.join(missing)} that "
                       "are not in the file (or lie outside it).", argument="in",
                       value=str(source), fix="Re-save it from Excel.")


def publish(source: Path, out: Path, lock: bool = False, overwrite: bool = False,
            date: str | None = None) -> PublishReport:
    source, out = Path(source), Path(out)
    if out.resolve() == source.resolve():
        raise CPBError("the output is the input file.", argument="out", value=str(out),
                       fix="Publish to a new file: nothing of the input is changed in place.")
    refuse_to_replace(out, overwrite)
    parts, infos = read_parts(source)  # the import's limits: size, zip bomb, parts, DTDs
    report = PublishReport(source_sha256=hashlib.sha256(source.read_bytes()).hexdigest())
    _check_structure(source, parts)
    existing = {name for name, _ in sheet_parts(parts)}
    clash = existing & {HARDWARE_SHEET, PRICES_SHEET, ABOUT_SHEET}
    if clash:
        raise CPBError(f"{source} already has sheet(s) {sorted(clash)}: it looks published.",
                       argument="in", value=str(source),
                       fix="Publish the original workbook, not a published copy.")
    hardware_header, hardware_rows = _hardware_table()
    price_header, price_rows = _price_table()
    lookup = Lookup(hardware_last_row=len(hardware_rows) + 1,
                    hardware_last_column=column_letter(len(hardware_header) - 1),
                    prices_last_row=len(price_rows) + 1)
    try:
        values = CellValues(source)
    except Exception as error:  # openpyxl/defusedxml refusing a malformed part
        raise CPBError(f"{source}: refused while reading: {type(error).__name__}: {error}.",
                       argument="in", value=str(source),
                       fix="Re-save the workbook from Excel as a plain .xlsx.") from None
    styles = StyleSheet(parts)
    try:
        for name, part in sheet_parts(parts):
            parts[part] = _rewrite_sheet(parts[part], part, name, lookup, values, report,
                                         styles, lock)
    finally:
        values.close()
    add_guard(parts, report.guarded, styles, RANGE)
    styles.save()
    # lookup sheets: hidden, so neither in the way nor printed
    add_sheet(parts, HARDWARE_SHEET, [hardware_header, *hardware_rows], hidden=True)
    add_sheet(parts, PRICES_SHEET, [price_header, *price_rows], hidden=True)
    about = [["xlcpb publish", ""],
             ["Published from", source.name],
             ["SHA-256 of the input", report.source_sha256],
             ["xlcpb version", __version__],
             ["Sheet version", load_bundled().version],
             ["Date", date or dt.date.today().isoformat()],
             ["Cells made native", len(report.translated)],
             ["Cells replaced by their value (no native form)", len(report.valued)],
             ["Guards", f"each replaced value is compared with its inputs on the hidden "
                        f"{GUARD_SHEET} sheet; a Checks row turns FALSE when one changes"],
             ["Protection", "sheets protected without a password (Review > Unprotect Sheet)"
                            if lock else "none"],
             ["", ""], ["Replaced by value: cell", "function = value"]]
    about += [[f"{sheet}!{cell}", f"{function} = {value}"]
              for sheet, cell, function, value in report.valued]
    add_sheet(parts, ABOUT_SHEET, about, widths=[44, 100])
    if lock:  # every sheet, the added ones too
        for _, part in sheet_parts(parts):
            parts[part] = _lock(parts[part], part)
    drop_calc_chain(parts)
    force_full_calculation(parts)
    with atomic_output(out) as temporary:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in parts.items():
                info = infos.get(name) or zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, content)
    return report
