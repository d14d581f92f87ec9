"""Guards for the values ``publish`` had to freeze: they turn FALSE when an input changes.

A CPB_* call with no native form is replaced by its value. That value is only right for
the inputs it was computed from, so each one carries them: a hidden ``xlcpb_guard`` sheet
lists, per frozen value, every input reference with its value at publishing and whether the
cell still holds it (shown when the workbook has no ``Checks`` sheet to show them). A
``Checks`` row per frozen value turns FALSE with a message saying what to rebuild, "All
checks pass" (the ``AllChecksPass`` name) includes the guards, and the ``Outputs`` sheet
shows a red banner while any guard fails.
"""

from __future__ import annotations

from openpyxl.utils.cell import (column_index_from_string, coordinate_from_string,
                                 get_column_letter)

from .xlsx_parts import (MAIN, WORKBOOK, WORKSHEET_ORDER, Formula, add_sheet, append_child,
                         cell_xml, insert_in_order, prefixed, rows_xml, sheet_parts)
from .xlsx_styles import StyleSheet
from .xml_spans import escape, parse, splice

GUARD_SHEET = "xlcpb_guard"
SUMMARY = f"{GUARD_SHEET}!$B$1"
FIRST_ROW = 4  # 1-based row of the first input
REBUILD = ("recalculate the original workbook with the add-in (or rebuild it with xlcpb "
           "build), then run xlcpb publish again")


def _text(value: str) -> str:
    """``value`` as a formula's string literal."""
    return '"' + str(value).replace('"', '""') + '"'


def _unchanged(reference: str, value) -> Formula:
    """TRUE while ``reference`` holds ``value`` (numbers to 1e-9 relative)."""
    if value is None or value == "":
        test = f"({reference})=\"\""
    elif isinstance(value, bool):
        test = f"({reference})={'TRUE' if value else 'FALSE'}"
    elif isinstance(value, (int, float)):
        test = f"ABS(({reference})-({float(value)!r}))<=1E-9*ABS({float(value)!r})"
    else:
        test = f"({reference})={_text(value)}"
    return Formula(f"IFERROR({test},FALSE)", "b")


def _guard_rows(frozen: list, ranges: object) -> tuple[list, list]:
    """Rows of the guard sheet, and per frozen value (its first and last 1-based row)."""
    rows = [["All frozen values match their inputs", None],
            ["A value here was computed by xlcpb at publishing; if an input changed, it "
             f"is stale: {REBUILD}.", None],
            ["Frozen cell", "Function", "Value at publishing", "Input", "Input at publishing",
             "Input now", "Unchanged"]]
    spans = []
    for item in frozen:
        inputs = [(r, v) for r, v in item.inputs if v is not ranges]
        if not inputs:
            continue
        first = len(rows) + 1
        for reference, value in inputs:
            rows.append([f"{item.sheet}!{item.cell}", item.function, item.value, reference,
                         value, Formula(f"({reference})", "n" if isinstance(value, (int, float))
                                        and not isinstance(value, bool) else "str"),
                         _unchanged(reference, value)])
        spans.append((item, first, len(rows)))
    last = len(rows)
    rows[0][1] = Formula(f"AND(G{FIRST_ROW}:G{last})" if spans else "TRUE", "b")
    return rows, spans


def _put_cell(data: bytes, part: str, reference: str, cell_xml: str) -> bytes:
    """``data`` (a sheet part) with the cell at ``reference`` set to ``cell_xml``."""
    root, _ = parse(data, part)
    column_letters, row_number = coordinate_from_string(reference)
    column = column_index_from_string(column_letters)
    sheet_data = root.child(MAIN, "sheetData")
    p = sheet_data.prefix
    cell_xml = prefixed(cell_xml, p)
    for row in sheet_data.all(MAIN, "row"):
        number = int(row.attrs.get("r", 0))
        if number == row_number:
            for cell in row.all(MAIN, "c"):
                letters, _ = coordinate_from_string(cell.attrs.get("r", "A1"))
                index = column_index_from_string(letters)
                if index == column:
                    return splice(data, [(cell.start, cell.end, cell_xml.encode("utf-8"))])
                if index > column:
                    return splice(data, [(cell.start, cell.start, cell_xml.encode("utf-8"))])
            return append_child(data, row, cell_xml)
        if number > row_number:
            return splice(data, [(row.start, row.start, (
                f'<{p}row r="{row_number}">{cell_xml}</{p}row>').encode("utf-8"))])
    return append_child(data, sheet_data, f'<{p}row r="{row_number}">{cell_xml}</{p}row>')


def _free_cell(data: bytes, part: str, row_number: int) -> str:
    """The first cell of row ``row_number`` that holds nothing (A2 in the templates): the
    banner never covers what the sheet shows."""
    root, _ = parse(data, part)
    used = set()
    for row in root.child(MAIN, "sheetData").all(MAIN, "row"):
        if int(row.attrs.get("r", 0)) == row_number:
            used = {column_index_from_string(coordinate_from_string(c.attrs["r"])[0])
                    for c in row.all(MAIN, "c") if c.children and "r" in c.attrs}
    column = next(c for c in range(1, len(used) + 2) if c not in used)
    return f"{get_column_letter(column)}{row_number}"


def _conditional(data: bytes, part: str, sqref: str, rule: str) -> bytes:
    root, _ = parse(data, part, depth=1)
    xml = prefixed(f'<conditionalFormatting sqref="{sqref}">{rule}</conditionalFormatting>',
                   root.prefix)
    existing = root.all(MAIN, "conditionalFormatting")
    if existing:
        return splice(data, [(existing[-1].end, existing[-1].end, xml.encode("utf-8"))])
    return insert_in_order(data, root, "conditionalFormatting", xml, WORKSHEET_ORDER)


def _defined_cell(parts: dict, name: str):
    """(sheet, cell) a workbook-level defined name points at, or None."""
    workbook, _ = parse(parts[WORKBOOK], WORKBOOK)
    names = workbook.child(MAIN, "definedNames")
    for defined in names.all(MAIN, "definedName") if names is not None else []:
        if defined.attrs.get("name") == name and "localSheetId" not in defined.attrs:
            sheet, _, cell = defined.text.rpartition("!")
            if sheet and ":" not in cell:
                return sheet.strip("'").replace("''", "'"), cell.replace("$", "")
    return None


def _include_in_all_checks(parts: dict, part_of: dict) -> None:
    found = _defined_cell(parts, "AllChecksPass")
    if found is None or found[0] not in part_of:
        return
    part = part_of[found[0]]
    data = parts[part]
    root, _ = parse(data, part)
    for row in root.child(MAIN, "sheetData").all(MAIN, "row"):
        for cell in row.all(MAIN, "c"):
            formula = cell.child(MAIN, "f")
            if cell.attrs.get("r") == found[1] and formula is not None:
                text = f"AND(({formula.text}),{SUMMARY})"
                parts[part] = splice(data, [(formula.open_end, formula.close_start,
                                             escape(text).encode("utf-8"))])
                return


def add_guard(parts: dict, frozen: list, styles: StyleSheet, ranges: object) -> None:
    """The guard sheet, Checks rows, AllChecksPass and the Outputs banner for ``frozen``."""
    rows, spans = _guard_rows(frozen, ranges)
    if not spans:
        return
    part_of = dict(sheet_parts(parts))
    # hidden when a Checks sheet shows the guards; else the only place they show
    add_sheet(parts, GUARD_SHEET, rows, hidden="Checks" in part_of,
              widths=[22, 16, 20, 30, 20, 20, 12])
    red = styles.red_banner()
    if "Checks" in part_of:
        part = part_of["Checks"]
        data = parts[part]
        root, _ = parse(data, part)
        sheet_data = root.child(MAIN, "sheetData")
        last = max((int(r.attrs.get("r", 0)) for r in sheet_data.all(MAIN, "row")), default=0)
        checks = [["Frozen values (publish replaced these CPB_* calls by their values)"]]
        for item, first, end in spans:
            row = last + 2 + len(checks)
            inputs = ", ".join(reference for reference, _ in item.inputs)
            checks.append([
                f"{item.sheet}!{item.cell} ({item.function}) still matches its inputs",
                Formula(f"AND({GUARD_SHEET}!$G${first}:$G${end})", "b"), "",
                Formula(f'IF(B{row},"",{_text(f"An input changed ({inputs}): " + REBUILD)})',
                        "str")])
        data = append_child(data, sheet_data,
                            prefixed(rows_xml(checks, first_row=last + 1), sheet_data.prefix))
        data = _conditional(data, part, f"B{last + 3}:B{last + 1 + len(checks)}",
                            f'<cfRule type="cellIs" dxfId="{red}" priority="90" '
                            'operator="equal"><formula>FALSE</formula></cfRule>')
        parts[part] = data
        _include_in_all_checks(parts, part_of)
    if "Outputs" in part_of:
        part = part_of["Outputs"]
        banner = Formula(f'IF({SUMMARY},"","STALE: an input of a value frozen at publishing '
                         f'changed (see Checks): {REBUILD}.")', "str")
        where = _free_cell(parts[part], part, 2)
        data = _put_cell(parts[part], part, where, cell_xml(where, banner))
        column = where.rstrip("0123456789")
        parts[part] = _conditional(data, part, where,
                                   f'<cfRule type="expression" dxfId="{red}" priority="1">'
                                   f"<formula>LEN(${column}$2)&gt;0</formula></cfRule>")
