"""Printing and protection, read back from the files' XML: wide sheets print one page wide
in landscape with their header rows repeated; ``publish --lock`` protects every sheet and
every formula cell while input cells stay editable; the About sheets say how to unlock."""

import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest

from xlcpb.cli import main
from xlcpb.workbook.publish import publish

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "workbooks").glob("*.xlsx"))
X = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _sheet_xml(path: Path) -> dict:
    """Sheet name -> (its <sheet> entry in workbook.xml, its parsed part)."""
    with zipfile.ZipFile(path) as archive:
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        relations = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in relations}
        return {s.get("name"): (s, ET.fromstring(archive.read(
                    "xl/" + targets[s.get(f"{R}id")].lstrip("/").removeprefix("xl/"))))
                for s in workbook.iter(f"{X}sheet")}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_sheet_prints_one_page_wide_in_landscape(path):
    book = openpyxl.load_workbook(path)
    for name, (_, sheet) in _sheet_xml(path).items():
        fit = sheet.find(f"{X}sheetPr/{X}pageSetUpPr")
        setup = sheet.find(f"{X}pageSetup")
        assert fit is not None and fit.get("fitToPage") == "1", name
        assert setup.get("orientation") == "landscape", name
        pages_tall = "1" if name == "Summary" else "0"  # a budget's Summary: one page
        assert setup.get("fitToWidth", "1") == "1" and setup.get("fitToHeight", "1") == pages_tall, \
            name
        if name not in ("About", "Summary"):  # tables repeat their header rows on each page
            assert book[name].print_title_rows, name


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_about_says_how_to_unlock(path):
    about = openpyxl.load_workbook(path)["About"]
    notes = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
    assert "NO password" in notes["Protection"] and "Unprotect Sheet" in notes["Protection"]


@pytest.fixture(scope="module")
def locked(tmp_path_factory):
    out = tmp_path_factory.mktemp("locked") / "fleet-locked.xlsx"
    assert main(["publish", str(ROOT / "workbooks" / "fleet_budget.xlsx"), "-o", str(out),
                 "--lock"]) == 0
    return out


def test_lock_protects_every_sheet_without_a_password(locked):
    sheets = _sheet_xml(locked)
    for name, (entry, sheet) in sheets.items():
        protection = sheet.find(f"{X}sheetProtection")
        assert protection is not None and protection.get("sheet") == "1", name
        assert protection.get("password") is None and protection.get("hashValue") is None
    hidden = {name for name, (entry, _) in sheets.items() if entry.get("state") == "hidden"}
    assert hidden == {"xlcpb_Hardware", "xlcpb_Prices", "xlcpb_guard"}  # never printed
    about = openpyxl.load_workbook(locked)["xlcpb_About"]
    notes = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
    assert "without a password" in notes["Protection"]


def test_lock_locks_formulas_and_leaves_inputs_editable(locked):
    book = openpyxl.load_workbook(locked)
    formulas = unlocked = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = getattr(cell.value, "text", cell.value)
                if isinstance(text, str) and text.startswith("="):
                    formulas += 1
                    assert cell.protection.locked, f"{sheet.title}!{cell.coordinate}"
                elif not cell.protection.locked:
                    unlocked += 1
    inputs = book["Inputs"]
    assert formulas > 1000 and unlocked > 20
    assert inputs["B4"].protection.locked is False           # the scenario
    assert book["Workloads"]["H5"].protection.locked is False  # a workload's batch


def test_without_lock_nothing_is_protected(tmp_path):
    out = tmp_path / "open.xlsx"
    publish(ROOT / "workbooks" / "text_case_study.xlsx", out)
    assert all(sheet.find(f"{X}sheetProtection") is None
               for _, sheet in _sheet_xml(out).values())
