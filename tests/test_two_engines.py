"""Two independent engines agree: every shipped workbook, and its published copy recalculated,
shows no error cell and the same results in LibreOffice and in Gnumeric - and those results
are the ones xlcpb computed (the shipped workbooks' stored values)."""

from pathlib import Path

import pytest

from xlcpb.workbook.publish import publish
from gnumeric import gnumeric, load_values, named_values, plain
from libreoffice import calc
from test_workbooks import _make_shared, _user_workbook, check_user_results

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "workbooks").glob("*.xlsx"))
# the results a reader signs: one per workbook kind, each must be a defined name
KEY_RESULTS = {"fleet_budget.xlsx": ["TotalBudget", "TotalApiAlternative", "AllChecksPass"]}
CASE_RESULTS = ["TotalBytes", "FlopsPerByte", "TByte", "CostPerSecond", "GenerationSeconds",
                "TotalCost", "AllChecksPass"]


def _stored(path: Path) -> dict:
    """The values xlcpb stored in the workbook when it built it, by defined name."""
    return named_values(load_values(path))


def _same(a, b, where):
    if isinstance(a, list) or isinstance(b, list):
        assert isinstance(a, list) and isinstance(b, list) and len(a) == len(b), where
        for index, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{index}]")
        return
    a, b = plain(a), plain(b)
    if isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12), where
    else:
        assert a == b, where


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("published-two-engines")
    paths = {}
    for path in SHIPPED:
        paths[path.name] = out / path.name
        publish(path, paths[path.name], date="2000-01-01")
    return paths


def test_every_workbook_is_tested():
    assert {p.name for p in SHIPPED} >= {"fleet_budget.xlsx", "text_case_study.xlsx",
                                         "audio_case_study.xlsx", "video_case_study.xlsx"}


def test_shipped_workbooks_read_the_same_in_both_engines():
    """As shipped (CPB_* cells need the add-in), both engines show the stored values."""
    office, gnome = calc(SHIPPED), gnumeric(SHIPPED, recalc=False)
    for path in SHIPPED:
        stored = _stored(path)
        for engine, shown in (("LibreOffice", office[path]), ("Gnumeric", gnome[path])):
            # LibreOffice recomputes dynamic arrays on opening: a CPB_* one needs the add-in
            errors = [e for e in shown["errors"] if "CPB_" not in e.get("formula", "").upper()]
            assert shown["loaded"] and errors == [], (engine, errors[:3])
            for name, value in stored.items():
                _same(shown["names"][name], value, f"{engine} {path.name} {name}")


def test_published_workbooks_recalculate_alike_in_both_engines(published):
    paths = list(published.values())
    office, gnome = calc(paths, recalc=True), gnumeric(paths, recalc=True)
    for name, path in published.items():
        stored = _stored(ROOT / "workbooks" / name)
        for engine, shown in (("LibreOffice", office[path]), ("Gnumeric", gnome[path])):
            assert shown["loaded"], engine
            assert shown["errors"] == [], (engine, name, shown["errors"][:3])
            for key in KEY_RESULTS.get(name, CASE_RESULTS):
                _same(shown["names"][key], stored[key], f"{engine} {name} {key}")
            assert shown["names"]["AllChecksPass"] == 1.0, (engine, name)
        # every defined name (inputs, timelines, totals), not only the key results
        for key in stored:
            _same(office[path]["names"][key], gnome[path]["names"][key], f"{name} {key}")


def test_break_even_months_agree(published):
    """The break-even column (an array formula) in both engines is xlcpb's."""
    path = published["fleet_budget.xlsx"]
    office, gnome = calc([path], recalc=True)[path], gnumeric([path])[path]
    stored = load_values(ROOT / "workbooks" / "fleet_budget.xlsx")["Outputs"]
    expected = [stored.cell(row, 6).value for row in range(4, 8)]
    assert "never" in expected and "no API" in expected and any(
        len(str(month)) == 7 and str(month)[4] == "-" for month in expected), expected
    assert [row[5] for row in office["sheets"]["Outputs"][3:7]] == expected
    assert [row[5] for row in gnome["sheets"]["Outputs"][3:7]] == expected


def test_a_published_users_workbook_recalculates_in_gnumeric(tmp_path):
    """A hand-made workbook (shared and array formulas, lookups, MINIFS) published: Gnumeric
    gives the hand-worked values LibreOffice gives."""
    source = _user_workbook(tmp_path / "mine.xlsx")
    _make_shared(source)
    out = tmp_path / "mine-published.xlsx"
    publish(source, out)
    check_user_results(gnumeric([out])[out])
