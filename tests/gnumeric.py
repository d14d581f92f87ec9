"""Running a real Gnumeric (``ssconvert``) from the tests: a second, independent engine.

``ssconvert --recalc in.xlsx out.xlsx`` recalculates every formula in Gnumeric and writes the
results; openpyxl reads them back. What it returns mirrors tests/libreoffice.py's ``calc``:
the value of every defined name (single cells; ranges as lists), every cell whose result is
an error value, and each sheet's values.
"""

import datetime as dt
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import to_excel


def plain(value):
    """Values as LibreOffice's bridge gives them: booleans and dates as numbers, "" empty."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return float(to_excel(value))
    if isinstance(value, int):
        return float(value)
    return None if value == "" else value


def named_values(book) -> dict:
    """The value of every defined name of an openpyxl workbook (ranges as lists of rows)."""
    names = {}
    for name, defined in book.defined_names.items():
        destinations = list(defined.destinations)
        if len(destinations) != 1 or destinations[0][0] not in book.sheetnames:
            continue
        sheet, reference = destinations[0]
        cells = book[sheet][reference.replace("$", "")]
        if not isinstance(cells, tuple):
            names[name] = plain(cells.value)
            continue
        rows = cells if isinstance(cells[0], tuple) else (cells,)
        names[name] = [[plain(cell.value) for cell in row] for row in rows]
    return names


def load_values(path: Path):
    """An openpyxl workbook of the values stored in ``path``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Gnumeric's files have no default style
        return openpyxl.load_workbook(path, data_only=True)


def _read(path: Path) -> dict:
    book = load_values(path)
    names = named_values(book)
    errors, sheets = [], {}
    for sheet in book.worksheets:
        sheets[sheet.title] = [[plain(cell.value) for cell in row]
                               for row in sheet.iter_rows()]
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "e":
                    errors.append({"sheet": sheet.title, "cell": cell.coordinate,
                                   "error": cell.value})
    return {"loaded": True, "names": names, "errors": errors, "sheets": sheets}


def gnumeric(paths, recalc=True):
    """What Gnumeric computes for each workbook: {path: {loaded, names, errors, sheets}}."""
    if not shutil.which("ssconvert"):
        pytest.fail("Gnumeric (ssconvert) is not installed: .ci/run installs it (gnumeric)")
    shown = {}
    with tempfile.TemporaryDirectory(prefix="xlcpb-gnumeric-") as folder:
        for index, path in enumerate(paths):
            out = Path(folder) / f"{index}.xlsx"
            command = ["ssconvert", *(["--recalc"] if recalc else []), str(path), str(out)]
            result = subprocess.run(command, capture_output=True, text=True, timeout=300)
            assert result.returncode == 0 and out.exists(), result.stderr
            shown[Path(path)] = _read(out)
    return shown
