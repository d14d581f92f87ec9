"""``xlcpb sheet export``: the price sheet as a workbook, one Excel Table per kind."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.table import Table, TableStyleInfo

from ..data.schema import KINDS, schema
from ..data.sheet import Sheet
from .cells import write_text, write_value
from .columns import column_letter
from .files import save_workbook_atomic

# Number formats by unit: scientific where figures span orders of magnitude.
NUMBER_FORMATS = {"B": "0.00E+00", "B/s": "0.00E+00", "FLOP/s": "0.00E+00", "OP/s": "0.00E+00",
                  "W": "#,##0", "devices": "0", "currency/(device h)": "#,##0.0000",
                  "currency/1M tokens": "#,##0.000"}
ORIGIN_COLUMN = "origin"


def sheet_workbook(sheet: Sheet) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for kind in (schema()[name] for name in KINDS):
        worksheet = workbook.create_sheet(kind.title)
        headers = [column.header for column in kind.columns] + [ORIGIN_COLUMN]
        for index, header in enumerate(headers, start=1):
            write_text(worksheet.cell(row=1, column=index), header)
            worksheet.cell(row=1, column=index).font = Font(bold=True)
        rows = sheet.tables[kind.name]
        for row_index, row in enumerate(rows, start=2):
            for col_index, column in enumerate(kind.columns, start=1):
                cell = worksheet.cell(row=row_index, column=col_index)
                write_value(cell, row.get(column.name))
                if column.unit in NUMBER_FORMATS and isinstance(cell.value, (int, float)):
                    cell.number_format = NUMBER_FORMATS[column.unit]
            write_text(worksheet.cell(row=row_index, column=len(headers)), row["origin"])
        last = f"{column_letter(len(headers) - 1)}{max(len(rows) + 1, 2)}"
        table = Table(displayName=kind.name.title().replace("_", ""), ref=f"A1:{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        worksheet.add_table(table)
        worksheet.freeze_panes = "B2"
        for index, header in enumerate(headers):
            worksheet.column_dimensions[column_letter(index)].width = min(
                max(len(header) + 2, 12), 48)
    about = workbook.create_sheet("About")
    for row_index, (label, value) in enumerate(
            [("Sheet version", sheet.version), ("Units", "in each column header, [unit]"),
             ("Sources", "source_url column of every row")], start=1):
        write_text(about.cell(row=row_index, column=1), label)
        write_text(about.cell(row=row_index, column=2), value)
    return workbook


def export_sheet(sheet: Sheet, path: Path, overwrite: bool = False) -> Path:
    return save_workbook_atomic(sheet_workbook(sheet), Path(path), overwrite)
