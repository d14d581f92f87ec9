"""Open workbooks in a real LibreOffice Calc, optionally recalculate, report what it shows.

Run with the Python that has LibreOffice's UNO bridge (Debian: /usr/bin/python3 with
python3-uno), not the project's virtual environment:

    /usr/bin/python3 tests/libreoffice_calc.py [--recalc] [--set Sheet!B4=2000 ...]
        [--name TotalBudget ...] FILE [...]

Prints JSON: per file, whether it loaded, the value of every defined name (single cells;
ranges as lists; only the --name ones if given: a large workbook's names take minutes to
read cell by cell) and every cell whose result is an error value.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

ERROR_RESULT = 4  # com.sun.star.sheet.FormulaResult.ERROR


def _property(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def start():
    profile = tempfile.mkdtemp(prefix="xlcpb-lo-profile-")
    pipe = f"xlcpb_{os.getpid()}"
    process = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            time.sleep(0.25)
    else:
        process.kill()
        raise SystemExit("LibreOffice did not start")
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop",
                                                               context)
    return process, desktop


def _cell_value(cell):
    formula_type = cell.getType().value  # EMPTY, VALUE, TEXT, FORMULA
    if cell.getError():
        return {"error": cell.getError()}
    if formula_type == "TEXT" or (formula_type == "FORMULA" and cell.FormulaResultType2 == 2):
        return cell.getString()
    if formula_type == "EMPTY":
        return None
    return cell.getValue()


def _set(document, assignment):
    target, value = assignment.split("=", 1)
    sheet, cell = target.split("!")
    cell = document.Sheets.getByName(sheet).getCellRangeByName(cell)
    try:
        cell.setValue(float(value))
    except ValueError:
        cell.setString(value)


def inspect(desktop, path, recalc, assignments=(), only=()):
    url = uno.systemPathToFileUrl(os.path.abspath(path))
    started = time.perf_counter()
    document = desktop.loadComponentFromURL(url, "_blank", 0, (_property("Hidden", True),))
    if document is None:
        return {"loaded": False}
    loaded = time.perf_counter()
    try:
        for assignment in assignments:
            _set(document, assignment)
        if recalc:
            document.calculateAll()
        calculated = time.perf_counter()
        names = {}
        for name in document.NamedRanges.ElementNames:
            if only and name not in only:
                continue
            cells = document.NamedRanges.getByName(name).getReferredCells()
            if cells is None:
                continue
            columns = cells.getColumns().getCount()
            rows = cells.getRows().getCount()
            values = [[_cell_value(cells.getCellByPosition(c, r)) for c in range(columns)]
                      for r in range(rows)]
            names[name] = values[0][0] if rows == 1 and columns == 1 else values
        errors = []
        for sheet in document.Sheets:
            found = sheet.queryFormulaCells(ERROR_RESULT)
            for address in found.getRangeAddresses():
                for row in range(address.StartRow, address.EndRow + 1):
                    for column in range(address.StartColumn, address.EndColumn + 1):
                        cell = sheet.getCellByPosition(column, row)
                        errors.append({"sheet": sheet.Name, "row": row + 1,
                                       "column": column + 1, "formula": cell.getFormula(),
                                       "error": cell.getError()})
        sheets = {sheet.Name: sheet.getCellRangeByName("A1:H60").getDataArray()
                  for sheet in document.Sheets}
        return {"loaded": True, "names": names, "errors": errors, "sheets": sheets,
                "load_seconds": loaded - started, "calc_seconds": calculated - loaded}
    finally:
        document.close(True)


def main(argv):
    recalc = "--recalc" in argv
    assignments = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--set"]
    only = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--name"]  # default: all
    paths = [arg for i, arg in enumerate(argv)
             if not arg.startswith("--") and (i == 0 or argv[i - 1] not in ("--set", "--name"))]
    process, desktop = start()
    try:
        print(json.dumps({path: inspect(desktop, path, recalc, assignments, only)
                          for path in paths},
                         default=str))
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        process.wait(timeout=60)


if __name__ == "__main__":
    main(sys.argv[1:])
