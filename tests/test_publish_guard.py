"""Values publish had to freeze are guarded: edit an input they were computed from and the
published workbook says so (a FALSE check, "All checks pass" FALSE, a red banner)."""

import zipfile
from pathlib import Path

import openpyxl
import pytest

from xlcpb.workbook.publish import publish
from libreoffice import calc

ROOT = Path(__file__).resolve().parent.parent
BUDGET = ROOT / "workbooks" / "fleet_budget.xlsx"
# one replica's tokens/s per text workload (the budget's replica_serving, at the plan's
# latency targets), then the time of an image, a speech clip and a video clip (budget_media)
FROZEN = ["Calculations!C11 (CPB_LLM_TOKENS_PER_S)", "Calculations!C12 (CPB_LLM_TOKENS_PER_S)",
          "Calculations!C13 (CPB_IMAGE_SECONDS)", "Calculations!C14 (CPB_SPEECH_SECONDS)",
          "Calculations!C15 (CPB_VIDEO_SECONDS)"]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("guarded") / "fleet.xlsx"
    report = publish(BUDGET, out, date="2000-01-01")
    return out, report


def _guards(shown) -> dict:
    """Check label -> (value, note) of the frozen-value rows of the Checks sheet."""
    rows = shown["sheets"]["Checks"]
    return {row[0].replace(" still matches its inputs", ""): (row[1], row[3]) for row in rows
            if str(row[0]).endswith("still matches its inputs")}


def test_every_frozen_value_carries_its_inputs(published):
    out, report = published
    assert [f"{f.sheet}!{f.cell} ({f.function})" for f in report.guarded] == FROZEN
    support = report.guarded[0]  # workload 1 (row 5 of Workloads): what its tokens/s reads
    assert dict(support.inputs) == {
        "Workloads!$C5": "Llama-3.1-70B", "Workloads!$E5": "H100 SXM",
        "Workloads!$F5": "fp8", "Workloads!$G5": 2, "Workloads!$H5": 32,
        "Workloads!$I5": 1500, "'Calculations'!B11": 300,
        "Workloads!$Z5": 2, "Workloads!$AA5": 0.2}  # ttft_slo_s, tpot_slo_s
    book = openpyxl.load_workbook(out)
    assert book["xlcpb_guard"].sheet_state == "hidden"
    (sheet, cell), = book.defined_names["AllChecksPass"].destinations
    assert "xlcpb_guard!$B$1" in book[sheet][cell.replace("$", "")].value  # includes guards


def test_guards_hold_until_an_input_changes(published):
    out, _ = published
    shown = calc([out], recalc=True)[out]
    assert shown["errors"] == [] and shown["names"]["AllChecksPass"] == 1.0
    assert _guards(shown) == {label: (1.0, "") for label in FROZEN}
    assert shown["sheets"]["Outputs"][1][0] == ""  # no banner

    # batch cap 32 -> 64
    edited = calc([out], recalc=True, assignments=["Workloads!H5=64"])[out]
    assert edited["errors"] == []
    guards = _guards(edited)
    value, note = guards[FROZEN[0]]  # workload 1's frozen throughput: stale
    assert value == 0.0 and "Workloads!$H5" in note and "xlcpb publish" in note
    assert guards[FROZEN[1]] == (1.0, "")  # workload 2
    assert edited["names"]["AllChecksPass"] == 0.0
    assert edited["sheets"]["Outputs"][1][0].startswith("STALE")


def test_a_changed_model_name_fails_the_guard(published):
    out, _ = published
    edited = calc([out], recalc=True, assignments=["Workloads!C6=Llama-3.1-70B"])[out]
    guards = _guards(edited)
    assert guards[FROZEN[1]][0] == 0.0 and guards[FROZEN[0]][0] == 1.0
    assert edited["names"]["AllChecksPass"] == 0.0


def test_the_banner_is_red_while_a_guard_fails(published):
    out, _ = published
    with zipfile.ZipFile(out) as archive:
        sheets = {name: archive.read(name).decode() for name in archive.namelist()}
    outputs = openpyxl.load_workbook(out)["Outputs"]
    rules = [rule for cf in outputs.conditional_formatting for rule in cf.rules
             if "A2" in str(cf.sqref)]
    assert rules and rules[0].formula == ["LEN($A$2)>0"]
    assert 'rgb="FFC00000"' in sheets["xl/styles.xml"]


def test_without_a_checks_sheet_the_guard_sheet_shows(tmp_path):
    """A hand-made workbook: the guard sheet is where a stale value shows, so it is visible."""
    book = openpyxl.Workbook()
    plan = book.active
    plan.title = "Plan"
    plan["A1"], plan["A2"] = "Llama-3.1-8B", 8
    plan["B1"] = '=CPB_LLM_TPOT(A1,"H100 SXM","fp8",A2)'
    source = tmp_path / "plan.xlsx"
    book.save(source)
    out = tmp_path / "plan-published.xlsx"
    report = publish(source, out)
    assert dict(report.guarded[0].inputs) == {"'Plan'!A1": "Llama-3.1-8B", "'Plan'!A2": 8}
    assert openpyxl.load_workbook(out)["xlcpb_guard"].sheet_state == "visible"
    shown = calc([out], recalc=True, assignments=["Plan!A2=16"])[out]
    guard = shown["sheets"]["xlcpb_guard"]
    assert guard[0][1] == 0.0 and [row[6] for row in guard[3:5]] == [1.0, 0.0]


def test_a_value_publish_cannot_work_out_keeps_its_stored_number(tmp_path):
    """An argument that is an expression: the add-in's stored result is kept - as a number,
    not as text - and guarded by the cells the expression reads."""
    import xlsxwriter

    source = tmp_path / "stored.xlsx"
    book = xlsxwriter.Workbook(source)
    sheet = book.add_worksheet("Plan")
    sheet.write("A1", "Llama-3.1-8B")
    sheet.write_formula("B1", '=CPB_LLM_TPOT(A1&"","H100 SXM","fp8",8)', None, 0.0125)
    sheet.write_formula("B2", "=B1*2", None, 0.025)
    book.close()
    out = tmp_path / "stored-published.xlsx"
    report = publish(source, out)
    assert report.valued == [("Plan", "B1", "CPB_LLM_TPOT", 0.0125)]
    assert dict(report.guarded[0].inputs) == {"'Plan'!A1": "Llama-3.1-8B"}
    shown = calc([out], recalc=True)[out]["sheets"]["Plan"]
    assert shown[0][1] == 0.0125 and shown[1][1] == 0.025


def test_the_banner_never_covers_a_cell(tmp_path):
    book = openpyxl.Workbook()
    plan = book.active
    plan.title = "Outputs"
    plan["A1"], plan["A2"], plan["C2"] = "Llama-3.1-8B", "kept", "kept too"
    plan["A3"] = '=CPB_LLM_TPOT(A1,"H100 SXM","fp8",8)'
    source = tmp_path / "outputs.xlsx"
    book.save(source)
    out = tmp_path / "outputs-published.xlsx"
    publish(source, out)
    shown = calc([out], recalc=True, assignments=["Outputs!A1=Llama-3.1-70B"])[out]
    row = shown["sheets"]["Outputs"][1]
    assert row[0] == "kept" and row[2] == "kept too" and row[1].startswith("STALE")
