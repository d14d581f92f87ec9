"""``xlcpb publish``: a copy of any workbook that computes without the add-in.

Works on the XLSX parts themselves, so that everything the workbook holds - other sheets,
styles, names, charts, images - is carried over byte for byte; only formula text changes
(and a fill on cells replaced by values).
Each CPB_* call becomes its native formula (see :mod:`.translate`) over two lookup sheets
added to the copy (``xlcpb_Hardware``, ``xlcpb_Prices``); calls with no native form become
their value, marked with a pale orange fill and listed on an added ``xlcpb_About`` sheet with the provenance (package and sheet
versions, date, SHA-256 of the input). Shared formulas that use CPB_* are expanded cell by
cell. The copy asks for a full recalculation when opened, and its stale calculation chain is
dropped. The input file is never modified.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.formula.translate import Translator

from .. import __version__, udfs
from ..data.schema import schema
from ..data.sheet import load_bundled, precisions
from ..data.xlsx import read_parts
from ..errors import CPBError
from .columns import column_letter
from .files import atomic_output, refuse_to_replace
from .translate import HARDWARE_SHEET, PRICES_SHEET, Argument, Lookup, translate
from .xlsx_parts import (add_sheet, apply_marks, drop_calc_chain, force_full_calculation,
                         mark_placeholder, sheet_parts)

ABOUT_SHEET = "xlcpb_About"
RELATIONS_PART = "xl/_rels/workbook.xml.rels"
CELL = re.compile(r"<c\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</c>)", re.S)
FORMULA = re.compile(r"<f\b(?P<attrs>[^>]*?)(?:/>|>(?P<text>.*?)</f>)", re.S)
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


@dataclass
class PublishReport:
    source_sha256: str
    translated: list = field(default_factory=list)  # (sheet, cell, functions)
    valued: list = field(default_factory=list)      # (sheet, cell, function, value)


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
    """Cached values of the input workbook, for calls that must become values."""

    def __init__(self, path: Path) -> None:
        self.book = openpyxl.load_workbook(path, data_only=True, read_only=False)

    def resolve(self, sheet: str, argument: Argument):
        if argument.literal is not None:
            return argument.literal
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
        return self.book[sheet][reference].value


def _value_of(values: CellValues, sheet_name: str, cell: str, cached):
    def value_of(function: str, args: list[Argument]):
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


def _attributes(text: str) -> dict:
    return dict(ATTRIBUTE.findall(text))


def _cell_value(body: str):
    match = re.search(r"<v>(.*?)</v>", body or "", re.S)
    return html.unescape(match.group(1)) if match else None


def _rewrite_sheet(xml: str, sheet_name: str, lookup: Lookup, values: CellValues,
                   report: PublishReport) -> str:
    cells = list(CELL.finditer(xml))
    # shared formulas: master text and cell per group id
    masters = {}
    for match in cells:
        formula = FORMULA.search(match.group("body") or "")
        if formula:
            attrs = _attributes(formula.group("attrs"))
            if attrs.get("t") == "shared" and formula.group("text"):
                masters[attrs["si"]] = (_attributes(match.group("attrs"))["r"],
                                        html.unescape(formula.group("text")))
    expand = {si for si, (_, text) in masters.items() if "CPB_" in text.upper()}
    pieces, last = [], 0
    for match in cells:
        body = match.group("body") or ""
        formula = FORMULA.search(body)
        if not formula:
            continue
        cell_attrs = _attributes(match.group("attrs"))
        address = cell_attrs["r"]
        f_attrs = _attributes(formula.group("attrs"))
        text = html.unescape(formula.group("text") or "")
        shared = f_attrs.get("t") == "shared" and f_attrs.get("si") in expand
        if shared and not text:
            origin, master = masters[f_attrs["si"]]
            text = Translator("=" + master, origin=origin).translate_formula(address)[1:]
        if "CPB_" not in text.upper():
            continue
        result = translate("=" + text, lookup,
                           _value_of(values, sheet_name, address, _cell_value(body)))
        keep = {k: v for k, v in f_attrs.items() if k in ("t", "ref") and v == "array"
                or (k == "ref" and f_attrs.get("t") == "array")}
        new_f = ("<f" + "".join(f' {k}="{v}"' for k, v in keep.items()) + ">"
                 + html.escape(result.formula[1:], quote=False) + "</f>")
        new_body = body[:formula.start()] + new_f + body[formula.end():]
        attrs_text = match.group("attrs")
        if cell_attrs.get("t") == "e":  # a cached error (#NAME? without the add-in): drop it
            new_body = re.sub(r"<v>.*?</v>", "", new_body, flags=re.S)
            attrs_text = re.sub(r'\s+t="e"', "", attrs_text)
        if result.valued:  # marked in place (pale orange) as well as listed on xlcpb_About
            attrs_text = re.sub(r'\s+s="[^"]*"', "", attrs_text) + " " + \
                mark_placeholder(cell_attrs.get("s"))
        pieces.append(xml[last:match.start()])
        pieces.append(f"<c{attrs_text}>{new_body}</c>")
        last = match.end()
        if result.translated:
            report.translated.append((sheet_name, address, sorted(set(result.translated))))
        for function, value in result.valued:
            report.valued.append((sheet_name, address, function, value))
    pieces.append(xml[last:])
    return "".join(pieces)


def _lock(xml: str) -> str:
    if "<sheetProtection" in xml:
        return xml
    return xml.replace("</sheetData>", '</sheetData><sheetProtection sheet="1" objects="1" '
                                       'scenarios="1"/>', 1)


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
    for name, part in sheet_parts(parts):
        xml = parts[part].decode("utf-8")
        xml = _rewrite_sheet(xml, name, lookup, values, report)
        parts[part] = (_lock(xml) if lock else xml).encode("utf-8")
    apply_marks(parts, [part for _, part in sheet_parts(parts)])
    add_sheet(parts, HARDWARE_SHEET, [hardware_header, *hardware_rows])
    add_sheet(parts, PRICES_SHEET, [price_header, *price_rows])
    about = [["xlcpb publish", ""],
             ["Published from", source.name],
             ["SHA-256 of the input", report.source_sha256],
             ["xlcpb version", __version__],
             ["Sheet version", load_bundled().version],
             ["Date", date or dt.date.today().isoformat()],
             ["Cells made native", len(report.translated)],
             ["Cells replaced by their value (no native form)", len(report.valued)],
             ["", ""], ["Replaced by value: cell", "function = value"]]
    about += [[f"{sheet}!{cell}", f"{function} = {value}"]
              for sheet, cell, function, value in report.valued]
    add_sheet(parts, ABOUT_SHEET, about)
    drop_calc_chain(parts)
    force_full_calculation(parts)
    with atomic_output(out) as temporary:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in parts.items():
                info = infos.get(name) or zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, content)
    return report
