"""Template workbooks: fresh, built like a financial model, right on opening, and published
copies that recalculate in a real LibreOffice to the engine's numbers."""

import zipfile
from pathlib import Path

import openpyxl
import pytest

from xlcpb import CPBError, estimate_content
from xlcpb.cli import main
from xlcpb.estimators.case_studies import case_studies
from xlcpb.workbook.build import build_all
from xlcpb.workbook.content import workbook_content
from xlcpb.workbook.publish import publish
from xlcpb.workbook.template import template_paths
from libreoffice import calc

ROOT = Path(__file__).resolve().parent.parent
CASES = {"text": "text_case_study.xlsx", "audio": "audio_case_study.xlsx",
         "video": "video_case_study.xlsx"}
KEY_NAMES = ["TotalBytes", "FlopsPerByte", "TByte", "CostPerSecond", "GenerationSeconds",
             "TotalCost"]
ENGINE_FIELDS = {"TotalBytes": "size_bytes", "FlopsPerByte": "flops_per_byte",
                 "TByte": "t_byte_s", "CostPerSecond": "cost_per_s",
                 "GenerationSeconds": "generation_s", "TotalCost": "cost"}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("built")
    build_all(template_paths(ROOT / "xlcpb" / "templates"), out, "2000-01-01")
    return out


def engine(case_id):
    return {case.id: case for case in case_studies()}[case_id].estimate.as_dict()


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "workbooks").glob("*.xlsx")))
def test_shipped_workbooks_are_what_the_templates_build(fresh, name):
    assert workbook_content(ROOT / "workbooks" / name) == workbook_content(fresh / name), \
        "workbooks/ is stale: run 'xlcpb build'"


@pytest.mark.parametrize("case_id", CASES)
def test_built_like_a_financial_model(fresh, case_id):
    book = openpyxl.load_workbook(fresh / CASES[case_id])
    assert book.sheetnames == ["Inputs", "Calculations", "Outputs", "Checks", "Hardware",
                               "About"]
    for name in KEY_NAMES + ["AllChecksPass"]:
        assert name in book.defined_names, name
    inputs = book["Inputs"]
    first_input = inputs["B4"]
    assert first_input.font.color.rgb.endswith("0000FF") and first_input.protection.locked is False
    assert first_input.fill.fgColor.rgb.endswith("FFF2CC")
    lists = {str(dv.sqref): dv.formula1 for dv in inputs.data_validations.dataValidation}
    assert any("Hardware" in source for source in lists.values())
    assert len(lists) == 3  # hardware, precision, pricing model
    calculations = book["Calculations"]
    formulas = [calculations.cell(row, 2).value for row in range(4, calculations.max_row + 1)]
    assert all(isinstance(f, str) and f.startswith("=CPB_") for f in formulas)
    for formula in formulas:  # one formula a row, no constants inside
        assert not any(ch.isdigit() for ch in formula.split("(", 1)[1].replace("Eq4", ""))
    assert inputs.freeze_panes == "B4" and inputs.page_setup.orientation == "landscape"
    assert "E+" in book["Calculations"]["B5"].number_format  # FLOPs in scientific


@pytest.mark.parametrize("case_id", CASES)
def test_cached_values_are_the_engines(fresh, case_id):
    book = openpyxl.load_workbook(fresh / CASES[case_id], data_only=True)
    expected = engine(case_id)
    for name, field in ENGINE_FIELDS.items():
        sheet, cell = next(iter(book.defined_names[name].destinations))
        assert book[sheet][cell.replace("$", "")].value == expected[field], name


def test_text_sensitivity_is_a_dynamic_array_with_cached_values(fresh):
    with zipfile.ZipFile(fresh / CASES["text"]) as archive:
        outputs = archive.read("xl/worksheets/sheet3.xml").decode()
        assert 't="array"' in outputs and 'cm="1"' in outputs  # dynamic, not "@" implicit
        assert "xl/metadata.xml" in archive.namelist()
    values = openpyxl.load_workbook(fresh / CASES["text"], data_only=True)["Outputs"]
    spill = [values.cell(row, 2).value for row in range(10, 15)]
    expected = [estimate_content("text", tokens=n, params=1.5e9, flops_per_s_per_device=65e12,
                                 price_per_device_hour=0.5).cost
                for n in (1000, 2000, 5000, 10000, 100000)]
    assert spill == pytest.approx(expected, rel=1e-12)


@pytest.fixture(scope="module")
def published(fresh, tmp_path_factory):
    out = tmp_path_factory.mktemp("published")
    paths = {}
    for case_id, name in CASES.items():
        paths[case_id] = out / name
        publish(fresh / name, paths[case_id], date="2000-01-01")
    return paths


def test_libreoffice_shows_cached_numbers_in_unpublished_workbooks(fresh):
    shown = calc([fresh / name for name in CASES.values()])
    for case_id, name in CASES.items():
        result = shown[fresh / name]
        assert result["loaded"]
        expected = engine(case_id)
        for key, field in ENGINE_FIELDS.items():
            assert result["names"][key] == pytest.approx(expected[field], rel=1e-12), key


def test_published_workbooks_recalculate_to_the_paper_in_libreoffice(published):
    shown = calc(list(published.values()), recalc=True)
    for case_id, path in published.items():
        result = shown[path]
        assert result["loaded"] and result["errors"] == [], result["errors"][:3]
        expected = engine(case_id)
        for key, field in ENGINE_FIELDS.items():
            assert result["names"][key] == pytest.approx(expected[field], rel=1e-9), key
        assert result["names"]["AllChecksPass"] in (1.0, True)
    assert shown[published["text"]]["names"]["TotalCost"] == pytest.approx(6.41e-6, rel=1e-3)
    assert shown[published["video"]]["names"]["TotalCost"] == pytest.approx(10.0, rel=1e-9)


def test_published_inputs_stay_editable_and_drive_the_results(published):
    shown = calc([published["text"]], recalc=True,
                 assignments=["Inputs!B4=2500", "Inputs!B7=A100 SXM4 80GB"])
    result = shown[published["text"]]
    assert result["errors"] == []
    expected = estimate_content("text", tokens=2500, params=1.5e9,
                                flops_per_s_per_device=312e12, price_per_device_hour=0.5)
    assert result["names"]["TotalCost"] == pytest.approx(expected.cost, rel=1e-9)
    assert result["names"]["TotalBytes"] == 10000


def _user_workbook(path: Path) -> Path:
    """A workbook a finance user made by hand: CPB_* anywhere, mixed with native functions."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.worksheet.formula import ArrayFormula

    book = openpyxl.Workbook()
    plan = book.active
    plan.title = "My plan"
    plan["A1"], plan["B1"] = "tokens", 1000
    plan["A2"], plan["B2"] = "price", 2.5
    plan["C1"] = "=CPB_BYTES_TEXT(B1)"
    plan["C2"] = "=ROUND(CPB_COST_PER_SECOND(B2,8)*3600,4)+SUM(B1:B2)"
    plan["C3"] = '=IF(CPB_HW("H100 SXM","memory_bytes")>1E10,"big","small")'
    plan["C4"] = '=CPB_PRICE("A100 SXM4 40GB","aws")'
    plan["C5"] = '=CPB_COST(CPB_TBYTE(7.5E8,"T4"),CPB_COST_PER_SECOND(0.5),C1)'
    plan["C6"] = '=CPB_LLM_TPOT("Llama-3.1-8B","H100 SXM","fp8",8)'
    plan["C7"] = "=CPB_VERSION()"
    plan["C8"] = "=Budget*2"
    for row, tokens in enumerate((100, 200, 300), start=10):
        plan.cell(row, 1, tokens)
    plan["B10"] = ArrayFormula("B10:B12", "=CPB_BYTES_TEXT(A10:A12)")
    other = book.create_sheet("Other sheet")
    other["A1"] = "='My plan'!C1*3"
    other["B1"] = "=CPB_BYTES_VIDEO('My plan'!B1/100,30,256,256)"
    book.defined_names["Budget"] = openpyxl.workbook.defined_name.DefinedName(
        "Budget", attr_text="'My plan'!$B$2")
    chart = BarChart()
    chart.add_data(Reference(plan, min_col=1, min_row=10, max_row=12))
    plan.add_chart(chart, "E2")
    book.save(path)
    return path


def _make_shared(path: Path) -> None:
    """Turn B10:B12 of the first sheet into an Excel-style shared formula group."""
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    import re
    xml = re.sub(r'<c r="D(\d+)"[^>]*?(/>|>.*?</c>)', "", xml)
    for row in (10, 11, 12):
        body = ('<f t="shared" ref="D10:D12" si="0">CPB_BYTES_TEXT(A10,2)</f>' if row == 10
                else '<f t="shared" si="0"/>')
        xml = re.sub(rf'(<row r="{row}"[^>]*>)(.*?)(</row>)',
                     lambda m: m.group(1) + m.group(2) + f'<c r="D{row}">{body}</c>' + m.group(3),
                     xml, count=1, flags=re.S)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def test_publish_a_users_own_workbook(tmp_path):
    source = _user_workbook(tmp_path / "mine.xlsx")
    _make_shared(source)
    before = source.read_bytes()
    out = tmp_path / "mine-published.xlsx"
    report = publish(source, out)
    assert source.read_bytes() == before  # nothing of the input changed
    assert {function for _, _, function, _ in report.valued} == {"CPB_LLM_TPOT", "CPB_VERSION"}
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(out) as b:
        kept = [n for n in a.namelist() if "chart" in n or "drawing" in n]
        assert kept and all(a.read(n) == b.read(n) for n in kept)  # the chart is untouched
    check_user_results(calc([out], recalc=True)[out])
    marked = openpyxl.load_workbook(out)["My plan"]
    for cell in ("C6", "C7"):  # replaced by values: marked in place
        assert marked[cell].fill.fgColor.rgb == "FFFCE4D6", cell
    assert marked["C1"].fill.fgColor.rgb != "FFFCE4D6"  # made native: not marked


def check_user_results(shown):
    """What LibreOffice shows for the published :func:`_user_workbook` (by hand, sourced)."""
    assert shown["loaded"] and shown["errors"] == [], shown["errors"]
    sheet = shown["sheets"]["My plan"]
    assert sheet[0][2] == 4000.0                                    # C1
    assert sheet[1][2] == pytest.approx(2.5 * 8 + 1002.5)           # C2
    assert sheet[2][2] == "big"                                     # C3
    assert sheet[3][2] == pytest.approx(2.7447, rel=1e-12)  # C4: AWS p4d per GPU, 2026-11-09
    assert sheet[4][2] == pytest.approx(3e12 / 65e12 * 0.5 / 3600, rel=1e-9)
    assert sheet[7][2] == 5.0                                       # C8: names kept
    assert [row[1] for row in sheet[9:12]] == [400.0, 800.0, 1200.0]  # array formula
    assert [row[3] for row in sheet[9:12]] == [200.0, 400.0, 600.0]   # shared, expanded
    assert shown["sheets"]["Other sheet"][0][0] == 12000.0
    assert shown["sheets"]["Other sheet"][0][1] == 10 * 30 * 256 * 256 * 3
    about = shown["sheets"]["xlcpb_About"]
    assert any("CPB_LLM_TPOT" in str(cell) for row in about for cell in row)


def test_publish_refuses_in_place_existing_and_republishing(published, tmp_path, capsys):
    path = published["text"]
    with pytest.raises(CPBError, match="the output is the input"):
        publish(path, path)
    assert main(["publish", str(ROOT / "workbooks" / CASES["text"]), "-o", str(path)]) == 2
    assert "already exists" in capsys.readouterr().err
    with pytest.raises(CPBError, match="looks published"):
        publish(path, tmp_path / "again.xlsx")


def test_publish_lock_protects_sheets(fresh, tmp_path):
    out = tmp_path / "locked.xlsx"
    publish(fresh / CASES["audio"], out, lock=True)
    book = openpyxl.load_workbook(out)
    assert book["Calculations"].protection.sheet and book["Inputs"].protection.sheet
    assert book["Inputs"]["B4"].protection.locked is False  # inputs stay editable


# Microsoft's ROUND examples (support.microsoft.com, "ROUND function"), and Excel's halves.
@pytest.mark.parametrize("formula, expected", [
    ("=ROUND(2.5,0)", 3.0), ("=ROUND(-2.5,0)", -3.0), ("=ROUND(0.5,0)", 1.0),
    ("=ROUND(2.15,1)", 2.2), ("=ROUND(2.149,1)", 2.1), ("=ROUND(-1.475,2)", -1.48),
    ("=ROUND(21.5,-1)", 20.0), ("=ROUND(626.3,-3)", 1000.0), ("=ROUND(1.98,-1)", 0.0),
    ("=ROUND(-50.55,-2)", -100.0), ("=ROUND(Half,0)", 3.0)])
def test_template_round_is_excels_halves_away_from_zero(formula, expected):
    from xlcpb.workbook.evaluate import evaluate

    assert evaluate(formula, {"Half": 2.5}) == expected


def test_defined_names_past_column_z(tmp_path):
    import xlsxwriter

    from xlcpb.workbook.build import Renderer
    from xlcpb.workbook.columns import column_letter

    assert [column_letter(c) for c in (0, 25, 26, 27, 51, 52, 701, 702)] == \
        ["A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
    book = xlsxwriter.Workbook(tmp_path / "names.xlsx")
    book.add_worksheet("Inputs")
    Renderer(book, {}).define("Wide", "Inputs", 3, 27, last_row=5)
    book.close()
    names = {name: ref for name, ref in
             ((n.name, n.attr_text) for n in openpyxl.load_workbook(tmp_path / "names.xlsx")
              .defined_names.values())}
    assert names["Wide"] == "'Inputs'!$AB$4:$AB$6"


def test_template_round_agrees_with_libreoffice(tmp_path):
    """ROUND of halves at every scale and of random figures, as a real spreadsheet rounds."""
    import random

    from xlcpb.engine.rounding import round_half_away_from_zero

    generator = random.Random(11)
    cases = []
    for digits in range(-3, 5):          # halves: 0.5, 2.5, -2.5, 0.125 at 2 places, ...
        for whole in (0, 1, 2, 7, 12, 1234):
            for sign in (1, -1):
                cases.append((sign * float(f"{whole * 10 + 5}e{-digits - 1}"), digits))
    while len(cases) < 480:              # figures as people type them
        places = generator.randint(0, 6)
        value = round(generator.uniform(-1e5, 1e5), places)
        cases.append((value, generator.randint(-2, places)))
    book = openpyxl.Workbook()
    sheet = book.active
    for index, (value, digits) in enumerate(cases):
        sheet.cell(row=index // 8 + 1, column=index % 8 + 1, value=f"=ROUND({value!r},{digits})")
    path = tmp_path / "round.xlsx"
    book.save(path)
    shown = calc([path], recalc=True)[path]["sheets"]["Sheet"]
    disagree = [(value, digits, shown[i // 8][i % 8], round_half_away_from_zero(value, digits))
                for i, (value, digits) in enumerate(cases)
                if shown[i // 8][i % 8] != round_half_away_from_zero(value, digits)]
    assert not disagree
