"""The fast formula path stores exactly what xlsxwriter's own preparation would."""

from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, strategies as st
from xlsxwriter.worksheet import Worksheet

from xlcpb.workbook.xlsx_writer import FormulaWorksheet, new_workbook

ROOT = Path(__file__).resolve().parents[1]


def shipped_formulas() -> list[str]:
    formulas = []
    for path in sorted((ROOT / "workbooks").glob("*.xlsx")):
        for sheet in openpyxl.load_workbook(path).worksheets:
            formulas += [cell.value for row in sheet.iter_rows() for cell in row
                         if isinstance(cell.value, str) and cell.value.startswith("=")]
    return formulas


# formulas that name functions xlsxwriter rewrites, in and out of string literals
REWRITTEN = ["=FILTER(A1:A3,B1:B3)", "=XLOOKUP(1,A:A,B:B)", '="SINGLE("&A1', "=SINGLE(A1)",
             "{=SUM(IF(A1:A3>0,1))}", "=STDEV.S(A1:A3)", "=_xlfn.STDEV.S(A1:A3)",
             "=IFERROR(FORECAST.ETS.STAT(A1:A3,B1:B3,1),0)", "=CONCAT(A1,B1)", "=sum(A1)"]


def prepared(worksheet_class, formula: str, future: bool) -> str:
    sheet = worksheet_class()
    sheet.use_future_functions = future
    return sheet._prepare_formula(formula)


@pytest.mark.parametrize("future", [False, True])
def test_same_text_as_xlsxwriter_for_every_shipped_and_rewritten_formula(future):
    formulas = shipped_formulas() + REWRITTEN
    assert len(formulas) > 1000  # the shipped budget alone holds thousands
    for formula in formulas:
        assert prepared(FormulaWorksheet, formula, future) == prepared(Worksheet, formula,
                                                                         future), formula


@given(st.text(alphabet="=ABCDEFILNOPRSTUXZ.()1:,\"{}_", max_size=40))
def test_same_text_as_xlsxwriter_for_any_formula_text(formula):
    assert prepared(FormulaWorksheet, formula, False) == prepared(Worksheet, formula, False)


def test_new_workbooks_keep_text_as_text(tmp_path):
    workbook = new_workbook(tmp_path / "t.xlsx")
    sheet = workbook.add_worksheet("S")
    assert isinstance(sheet, FormulaWorksheet)
    sheet.write(0, 0, "=1+1")
    sheet.write(1, 0, "1,5")
    workbook.close()
    cells = openpyxl.load_workbook(tmp_path / "t.xlsx")["S"]
    assert (cells["A1"].value, cells["A1"].data_type) == ("=1+1", "s")
    assert cells["A2"].value == "1,5"


@given(st.integers(0, 1_048_575), st.integers(0, 16_383), st.booleans())
def test_cell_references_spelled_as_xlsxwriter_spells_them(row, column, absolute):
    from xlsxwriter.utility import xl_rowcol_to_cell

    from xlcpb.workbook.columns import cell_reference
    assert cell_reference(row, column, absolute) == xl_rowcol_to_cell(row, column, absolute,
                                                                      absolute)
