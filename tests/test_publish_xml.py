"""``publish`` reads workbooks as XML, not as text: prefixed elements, shared and array
formulas, files written by other tools (openpyxl, LibreOffice, Gnumeric) are all published
whole; the added sheets are hidden and listed in docProps/app.xml."""

import re
import subprocess
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from xlcpb import CPBError, udfs
from xlcpb.workbook.publish import publish
from libreoffice import calc
from test_workbooks import _make_shared, _user_workbook, check_user_results

CALL = re.compile(r"(?<![\w.])CPB_\w+\s*\(", re.I)  # a call, not a sheet named xlcpb_...
ROOT = Path(__file__).resolve().parent.parent
ORIGINAL_SHEETS = ["Summary", "Inputs", "Rates", "Workloads", "Calculations", "Timeline",
                   "Outputs", "Checks", "Hardware", "About"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PREFIXES = {"x": MAIN,
            "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
            "ct": "http://schemas.openxmlformats.org/package/2006/content-types"}


def _cpb_cells(path: Path) -> set:
    """(sheet, cell) of every formula that calls a CPB_* function, as openpyxl reads them
    (shared formulas expanded into each cell)."""
    found = set()
    for sheet in openpyxl.load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = cell.value.text if isinstance(cell.value, ArrayFormula) else cell.value
                if isinstance(text, str) and text.startswith("=") and CALL.search(text):
                    found.add((sheet.title, cell.coordinate))
    return found


def _with_prefixes(path: Path) -> Path:
    """The same workbook with every element of its main parts written with a prefix
    (``<x:c>``, ``<pr:Relationship>``, ...), as some tools write them: valid OOXML."""
    for prefix, namespace in PREFIXES.items():
        ET.register_namespace(prefix, namespace)
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    for name in list(parts):
        if name.startswith("xl/worksheets/sheet") or name in (
                "xl/workbook.xml", "xl/styles.xml", "xl/sharedStrings.xml",
                "[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
            root = ET.fromstring(parts[name])
            parts[name] = ET.tostring(root, xml_declaration=True, encoding="UTF-8")
            assert b"<x:" in parts[name] or b"<pr:" in parts[name] or b"<ct:" in parts[name]
    out = path.with_name(path.stem + "-prefixed.xlsx")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out


@pytest.fixture
def user_workbook(tmp_path):
    source = _user_workbook(tmp_path / "mine.xlsx")
    _make_shared(source)  # D10:D12: an Excel-style shared formula group
    return source


def _published_whole(source: Path, out: Path):
    """Publish ``source``: every CPB_* cell is reported, none is left in the copy."""
    cells = _cpb_cells(source)
    report = publish(source, out)
    done = {(s, c) for s, c, _ in report.translated} | {(s, c) for s, c, _, _ in report.valued}
    assert done == cells
    assert _cpb_cells(out) == set()
    return cells, report


def test_prefixed_xml_publishes_every_cpb_cell(user_workbook, tmp_path):
    source = _with_prefixes(user_workbook)
    sheet_xml = zipfile.ZipFile(source).read("xl/worksheets/sheet1.xml").decode()
    assert "<x:c " in sheet_xml and '<x:f t="shared"' in sheet_xml and 't="array"' in sheet_xml
    out = tmp_path / "prefixed-published.xlsx"
    cells, report = _published_whole(source, out)
    # 7 single cells, the array formula, 3 shared cells on 'My plan', 1 on 'Other sheet'
    assert len(cells) == 12
    shown = calc([out], recalc=True)[out]
    check_user_results(shown)
    assert shown["sheets"]["My plan"][5][2] == pytest.approx(
        udfs.cpb_llm_tpot("Llama-3.1-8B", "H100 SXM", "fp8", 8), rel=1e-12)  # frozen value
    written = zipfile.ZipFile(out).read("xl/workbook.xml").decode()
    assert "<x:sheet " in written and 'name="xlcpb_Hardware"' in written  # its own prefix


def _saved_by(tool: str, source: Path, folder: Path) -> Path:
    if tool == "LibreOffice":
        command = ["soffice", f"-env:UserInstallation=file://{folder / 'profile'}",
                   "--headless", "--convert-to", "xlsx", "--outdir", str(folder / "lo"),
                   str(source)]
        out = folder / "lo" / source.name
    else:
        out = folder / f"gnumeric-{source.name}"
        command = ["ssconvert", str(source), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert out.exists(), result.stderr
    return out


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")  # Gnumeric's
@pytest.mark.parametrize("tool, written_as", [
    ("LibreOffice", "cpb_bytes_text(B1)"),  # lower-case names, its own styles
    ("Gnumeric", "\n        <f>CPB_BYTES_TEXT(B1)</f>\n"),  # indented XML, whitespace text
])
def test_a_workbook_saved_by_another_tool(user_workbook, tmp_path, tool, written_as):
    source = _saved_by(tool, user_workbook, tmp_path)
    sheet_xml = zipfile.ZipFile(source).read("xl/worksheets/sheet1.xml").decode()
    assert written_as in sheet_xml and 't="e"' in sheet_xml  # cached #NAME? errors
    out = tmp_path / "other-tool-published.xlsx"
    cells, _ = _published_whole(source, out)
    assert len(cells) == 12
    check_user_results(calc([out], recalc=True)[out])


def test_added_sheets_hidden_and_listed_in_app_properties(tmp_path):
    out = tmp_path / "published.xlsx"
    publish(ROOT / "workbooks" / "fleet_budget.xlsx", out)
    book = openpyxl.load_workbook(out)
    states = {sheet.title: sheet.sheet_state for sheet in book.worksheets}
    added = {"xlcpb_guard": "hidden", "xlcpb_Hardware": "hidden", "xlcpb_Prices": "hidden",
             "xlcpb_About": "visible"}
    assert states == {**{name: "visible" for name in ORIGINAL_SHEETS}, **added}
    app = ET.fromstring(zipfile.ZipFile(out).read("docProps/app.xml"))
    vt = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"
    pairs, titles = [v for v in app.iter(f"{vt}vector")]
    labels = [variant[0].text for variant in pairs]
    assert labels[:2] == ["Worksheets", "14"]  # 10 sheets and the 4 added
    assert [t.text for t in titles][:14] == book.sheetnames
    assert int(titles.get("size")) == len(titles) == sum(int(n) for n in labels[1::2])


def test_malformed_or_hostile_sheet_xml_is_refused(user_workbook, tmp_path):
    with zipfile.ZipFile(user_workbook) as archive:
        parts = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>", b"<row></sheetData>")
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    with pytest.raises(CPBError, match="refused|not well-formed"):
        publish(bad, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_a_workbook_with_no_styles_part_gets_one(tmp_path):
    """A minimal package (no xl/styles.xml): marking a frozen value adds the part, related
    and typed once."""
    book = openpyxl.Workbook()
    book.active["A1"] = '=CPB_LLM_TPOT("Llama-3.1-8B","H100 SXM","fp8",8)'
    book.save(tmp_path / "full.xlsx")
    with zipfile.ZipFile(tmp_path / "full.xlsx") as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    del parts["xl/styles.xml"]
    rels = ET.fromstring(parts["xl/_rels/workbook.xml.rels"])
    for relation in [r for r in rels if r.get("Target") == "styles.xml"]:
        rels.remove(relation)
    parts["xl/_rels/workbook.xml.rels"] = ET.tostring(rels)
    source = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(source, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    out = tmp_path / "bare-published.xlsx"
    publish(source, out)
    with zipfile.ZipFile(out) as archive:
        types = archive.read("[Content_Types].xml").decode()
        relations = archive.read("xl/_rels/workbook.xml.rels").decode()
    assert types.count('PartName="/xl/styles.xml"') == 1 and 'Target="styles.xml"' in relations
    assert openpyxl.load_workbook(out).active["A1"].fill.fgColor.rgb == "FFFCE4D6"
