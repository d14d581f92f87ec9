"""What a workbook says, as data: for comparing a built file with a fresh build."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from .build import BUILD_DATE_LABEL


def workbook_content(path: Path) -> dict:
    """Every sheet's cells (values and formulas) and every defined name, minus the date."""
    workbook = openpyxl.load_workbook(path)
    content = {"names": {name: value.attr_text
                         for name, value in workbook.defined_names.items()}}
    for worksheet in workbook.worksheets:
        cells = {}
        for row in worksheet.iter_rows():
            for cell in row:
                value = cell.value
                if value is None:
                    continue
                text = getattr(value, "text", value)  # array formulas
                cells[cell.coordinate] = (str(text), cell.number_format)
        if worksheet.title == "About":
            cells = {k: v for k, v in cells.items()
                     if worksheet[f"A{k[1:]}"].value != BUILD_DATE_LABEL}
        content[worksheet.title] = cells
    return content
