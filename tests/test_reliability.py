"""Reliability under stress: concurrent writers, hostile names and files, broken sheets.

Each case is generated here (no fixture files), is bounded in time, and asserts either the
expected result or exit status 2 with exactly one line on stderr - and that the user's sheet
is intact afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xlcpb.cli import main
from xlcpb.data.sheet import load_bundled, load_sheet
from xlcpb.data.store import ANY, SheetMoved, SheetStore
from xlcpb.errors import CPBError

PRICE = ["--hardware-id", "t4", "--provider", "acme", "--region", "eu", "--devices-per-instance",
         "1", "--pricing-model", "contract", "--price-per-device-hour", "0.5", "--currency",
         "USD", "--effective-date", "2026-11-01", "--source-url", "contract 1"]


def run_cli(args, home: Path, timeout_s: float = 60) -> subprocess.CompletedProcess:
    """``xlcpb ARGS`` in a fresh interpreter (what a user runs), bounded in time."""
    return subprocess.run([sys.executable, "-m", "xlcpb", *args], capture_output=True,
                          text=True, timeout=timeout_s, env={**os.environ, "XLCPB_HOME": str(home)})


def assert_one_line_error(result: subprocess.CompletedProcess, *expected: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("xlcpb: error: "), result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in lines[0], lines[0]


def _acme_rows(home: Path) -> set[str]:
    return {row["instance_type"] for row in SheetStore(home).read()["prices"]
            if row["provider"] == "acme"}


# -- 1. writers that cannot lose each other's changes ---------------------------------------

WRITER = r"""
import sys
from xlcpb.cli import main
writer, rounds = sys.argv[1], int(sys.argv[2])
args = sys.argv[3:]
print("ready", flush=True)
sys.stdin.readline()  # start together
for n in range(rounds):
    assert main(["sheet", "add", "prices", *args, "--instance-type", f"w{writer}-{n}"]) == 0
"""


def test_three_concurrent_writers_lose_no_row(tmp_path):
    """3 processes x 20 rounds of ``xlcpb sheet add prices``: all 60 rows present."""
    writers, rounds = 3, 20
    env = {**os.environ, "XLCPB_HOME": str(tmp_path)}
    processes = [subprocess.Popen([sys.executable, "-c", WRITER, str(w), str(rounds), *PRICE],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env)
                 for w in range(writers)]
    for process in processes:
        assert process.stdout.readline().strip() == "ready"
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-2000:]
    expected = {f"w{w}-{n}" for w in range(writers) for n in range(rounds)}
    assert _acme_rows(tmp_path) == expected
    history = SheetStore(tmp_path).history()
    assert len(history) == writers * rounds
    assert [v.rows["prices"] for v in history] == list(range(1, writers * rounds + 1))


def _price_row(instance_type: str) -> dict:
    return {"hardware_id": "t4", "provider": "acme", "region": "eu",
            "instance_type": instance_type, "devices_per_instance": 1,
            "pricing_model": "contract", "purchase_option": None,
            "price_per_device_hour": 0.5, "currency": "USD", "effective_date": "2026-11-01",
            "source_url": "contract 1", "notes": None}


def test_a_write_based_on_an_old_version_is_refused(tmp_path):
    store, bundled = SheetStore(tmp_path), load_bundled().tables
    first = store.write({"prices": [_price_row("a")]}, "a", bundled=bundled, base=None)
    with pytest.raises(SheetMoved, match="moved from empty to v0001"):
        store.write({"prices": [_price_row("b")]}, "b", bundled=bundled, base=None)
    assert store.current_version() == first and _acme_rows(tmp_path) == {"a"}
    assert [v.id for v in store.history()] == ["v0001"]


def test_update_rebuilds_a_change_when_the_sheet_moved(tmp_path):
    """A writer the lock did not stop (here: a nested write) moves CURRENT mid-change."""
    store, bundled = SheetStore(tmp_path), load_bundled().tables
    calls = []

    def change(tables):
        calls.append(len(tables["prices"]))
        if len(calls) == 1:  # someone else saves while this change is being prepared
            store.write({"prices": [_price_row("other")]}, "other", bundled=bundled, base=ANY)
        tables["prices"].append(_price_row("mine"))
        return "mine"

    store.update(change, bundled=bundled)
    assert calls == [0, 1]
    assert _acme_rows(tmp_path) == {"other", "mine"}


HOLDER = r"""
import sys, time
from xlcpb.data.store import SheetStore
with SheetStore(sys.argv[1]).locked():
    print("locked", flush=True)
    time.sleep(60)
"""


def test_lock_of_a_killed_writer_is_released(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    finally:
        holder.stdout.close()
    assert main(["sheet", "add", "prices", *PRICE, "--instance-type", "x",
                 "--sheet", str(tmp_path)]) == 0
    assert time.monotonic() - started < 30
    assert _acme_rows(tmp_path) == {"x"}


# -- 2. names resolve exactly or not at all ------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    (["llm", "=1+1", "H100 SXM"], "looks like a formula"),
    (["llm", "x", "H100 SXM"], "not a full model name; it fits 2 model rows: 'Mixtral-8x7B'"),
    (["llm", "1", "H100 SXM"], "is not a full model name"),
    (["sheet", "show", "t"], "fits 1 hardware row: 'T4' (id t4)"),
    (["sheet", "show", "=T4"], "looks like a formula"),
    (["sheet", "show", "--", "-T4"], "looks like a formula"),
    (["sheet", "show", "\uff1dT4"], "looks like a formula"),
    (["sheet", "show", "qq9"], "Closest: "),
])
def test_junk_names_are_errors_with_candidates(args, expected, tmp_path, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and expected in err


@pytest.mark.parametrize("written, expected", [
    ("h200", "h200-sxm-141gb"), ("NVIDIA H200", "h200-sxm-141gb"),
    ("nvidia h100_sxm", "h100-sxm5-80gb"),
    ("\uff28\uff11\uff10\uff10 SXM", "h100-sxm5-80gb"), ("tesla-t4", "t4"),
])
def test_documented_normalisation(written, expected):
    assert load_bundled().hardware(written)["id"] == expected


def test_hardware_id_given_by_name_is_stored_as_the_id(tmp_path, capsys):
    args = [a if a != "t4" else "h200" for a in PRICE]
    assert main(["sheet", "add", "prices", *args, "--instance-type", "x",
                 "--sheet", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "hardware_id 'h200' is 'h200-sxm-141gb'" in out and "None" not in out
    rows = SheetStore(tmp_path).read()["prices"]
    assert [row["hardware_id"] for row in rows] == ["h200-sxm-141gb"]


# -- 3 and 4. every input path ends in one line or a result; resources bounded ---------------

def _sheet_fingerprint(home: Path) -> tuple:
    store = SheetStore(home)
    return store.current_version(), store.read()


@pytest.fixture
def home_with_a_row(tmp_path) -> Path:
    home = tmp_path / "home"
    assert main(["sheet", "add", "prices", *PRICE, "--instance-type", "kept",
                 "--sheet", str(home)]) == 0
    return home


AZURE_HEADER = ("currencyCode,tierMinimumUnits,retailPrice,unitPrice,armRegionName,location,"
                "effectiveStartDate,meterId,meterName,productId,skuId,productName,skuName,"
                "serviceName,serviceId,serviceFamily,unitOfMeasure,type,isPrimaryMeterRegion,"
                "armSkuName\n")
AZURE_ROW = ("USD,0,27.2,27.2,eastus,US East,2024-01-01,m,NC96ads A100 v4,p,s,"
             "Virtual Machines NCads A100 v4 Series,NC96ads A100 v4,Virtual Machines,sid,"
             "Compute,1 Hour,Consumption,True,Standard_NC96ads_A100_v4\n")
GENERIC_HEADER = b"gpu,gpus,provider,region,price per hour\n"

HOSTILE_IMPORTS = {
    "truncated.json": (b'{"data": [{"id": "a", ', "not valid JSON"),
    "control.json": (b'{"data": [{"id": "a\x01b"}]}', "not valid JSON (Invalid control"),
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, "nested more than 64 levels"),
    "duplicate.json": (b'{"data": [{"id": "x", "pricing": {"prompt": "1", "prompt": "2"}}]}',
                       "the key 'prompt' appears twice"),
    "azure-truncated.csv": ((AZURE_HEADER + AZURE_ROW).encode()[:-60], None),
    "long-field.csv": (GENERIC_HEADER + b'T4,1,"' + b"a" * 200_000 + b'",eu,0.5\n',
                       "line 2: field larger than field limit"),
    "long-line.csv": (GENERIC_HEADER + b"T4,1,acme,eu," + b"9" * 2_000_000 + b"\n",
                      "line 2 is longer than 1,048,576 characters"),
    "overflow.csv": (GENERIC_HEADER + b"T4,1e400,acme,eu,0.5\n", "gpus = '1e400'"),
    "mixed-encoding.csv": (GENERIC_HEADER + "T4,1,acmé,eu,0.5\n".encode()
                           + "T4,1,acmé,us,0.5\n".encode("cp1252"),
                           "line 3 is not UTF-8 although the rest of the file is"),
    "not-a-zip.xlsx": (b"hello", "not an XLSX (zip) file"),
}


@pytest.mark.parametrize("name", HOSTILE_IMPORTS)
def test_hostile_imports_end_in_one_line(name, home_with_a_row, tmp_path):
    content, expected = HOSTILE_IMPORTS[name]
    path = tmp_path / name
    path.write_bytes(content)
    before = _sheet_fingerprint(home_with_a_row)
    result = run_cli(["import", str(path), "--currency", "USD"], home_with_a_row)
    if expected is None:  # a truncated last row: a result, the row skipped with a reason
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    else:
        assert_one_line_error(result, expected)
    assert _sheet_fingerprint(home_with_a_row) == before


def test_control_characters_are_removed_and_counted(home_with_a_row, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(GENERIC_HEADER + b"T4,1,ac\x00me\x1b,eu,0.5\n")
    result = run_cli(["import", str(path), "--currency", "USD"], home_with_a_row)
    assert result.returncode == 0, result.stderr
    assert "2 control character(s)" in result.stdout
    providers = {row["provider"] for row in SheetStore(home_with_a_row).read()["prices"]}
    assert providers == {"acme"}
    out = tmp_path / "sheet.xlsx"  # the export that failed on a stored NUL
    assert run_cli(["sheet", "export", str(out)], home_with_a_row).returncode == 0


def _workbook_parts(tmp_path) -> dict:
    import openpyxl
    import zipfile
    book = openpyxl.Workbook()
    book.active["A1"] = 1
    path = tmp_path / "plain.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(path: Path, parts: dict) -> Path:
    import zipfile
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;")
                                                  * 10) for i in range(1, 10))
          + b']><worksheet>&lol9;</worksheet>')


def _hostile_workbook(kind: str, tmp_path) -> Path:
    parts = _workbook_parts(tmp_path)
    path = tmp_path / f"{kind}.xlsx"
    sheet = "xl/worksheets/sheet1.xml"
    if kind == "not-a-zip":
        path.write_bytes(b"PK not really")
    elif kind == "truncated":
        _zip(path, parts)
        path.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 2])
    elif kind == "no-workbook-xml":
        _zip(path, {k: v for k, v in parts.items() if k != "xl/workbook.xml"})
    elif kind == "utf16-sheet":
        _zip(path, {**parts, sheet: parts[sheet].decode().encode("utf-16")})
    elif kind == "billion-laughs":
        _zip(path, {**parts, sheet: LAUGHS})
    elif kind == "zip-bomb":  # 100 MB of zeros: about 100 kB compressed
        _zip(path, {**parts, "xl/media/zeros.bin": bytes(100 * 1024 ** 2)})
    elif kind == "outside-target":
        rels = "xl/_rels/workbook.xml.rels"
        _zip(path, {**parts, rels: parts[rels].replace(b"worksheets/sheet1.xml",
                                                         b"../../../../etc/passwd")})
    return path


@pytest.mark.parametrize("kind, expected", [
    ("not-a-zip", "not an XLSX (zip) file"),
    ("truncated", "not an XLSX (zip) file, or a truncated one"),
    ("no-workbook-xml", "no xl/workbook.xml"),
    ("utf16-sheet", "is not UTF-8 XML"),
    ("billion-laughs", "declares XML entities"),
    ("zip-bomb", "(a zip bomb?)"),
    ("outside-target", "not in the file (or lie outside it)"),
])
def test_hostile_publish_inputs_end_in_one_line(kind, expected, tmp_path, capsys):
    source = _hostile_workbook(kind, tmp_path)
    out = tmp_path / "published.xlsx"
    started = time.monotonic()
    assert main(["publish", str(source), "-o", str(out)]) == 2
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and expected in err, err
    assert not out.exists()
    if kind == "zip-bomb":
        assert elapsed < 1.0, f"the zip bomb took {elapsed:.2f} s to refuse"


def test_import_refuses_the_same_zip_bomb(tmp_path, capsys):
    source = _hostile_workbook("zip-bomb", tmp_path)
    assert main(["import", str(source), "--sheet", str(tmp_path / "home")]) == 2
    assert "(a zip bomb?)" in capsys.readouterr().err


# -- the sheet's own files -------------------------------------------------------------------

def _break(home: Path, how: str) -> None:
    root = home / "sheet"
    if how == "binary CURRENT":
        (root / "CURRENT").write_bytes(b"\xff\xfe\x00v\x00")
    elif how == "invalid version.json":
        (root / "versions" / "v0001" / "version.json").write_text("{not json")
    elif how == "missing prices.csv":
        (root / "versions" / "v0001" / "prices.csv").unlink()


@pytest.mark.parametrize("how, expected", [
    ("binary CURRENT", "CURRENT: is not a version id"),
    ("invalid version.json", "version.json: not a valid version record"),
    ("missing prices.csv", "prices.csv: missing: version v0001 has no Prices table"),
])
def test_broken_sheet_files_are_named(how, expected, home_with_a_row):
    _break(home_with_a_row, how)
    for args in (["sheet", "list", "--kind", "prices"], ["sheet", "history"],
                 ["llm", "llama-2-7b", "T4", "--precision", "fp16"]):
        result = run_cli(args, home_with_a_row)
        if args[1] == "history" and how != "invalid version.json":
            continue  # history reads only version.json files
        assert_one_line_error(result, expected)


def test_sheet_option_naming_a_plain_file_is_an_error(tmp_path):
    plain = tmp_path / "notes.txt"
    plain.write_text("hello")
    result = run_cli(["sheet", "list", "--sheet", str(plain)], tmp_path)
    assert_one_line_error(result, "is a file, not the sheet's folder")


def test_interrupt_during_a_write_exits_130_and_keeps_the_sheet(home_with_a_row, monkeypatch,
                                                                 capsys):
    import xlcpb.data.store as store_module
    before = _sheet_fingerprint(home_with_a_row)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(store_module, "write_atomic", interrupted)
    assert main(["sheet", "add", "prices", *PRICE, "--instance-type", "new",
                 "--sheet", str(home_with_a_row)]) == 130
    assert capsys.readouterr().err.strip().splitlines() == [
        "xlcpb: interrupted (files are written whole or not at all)."]
    monkeypatch.undo()
    assert _sheet_fingerprint(home_with_a_row) == before


# -- 6. domain checks at the edges -----------------------------------------------------------

@pytest.mark.parametrize("batch", ["0.5", "5e-324", "1.5", "0", "-1"])
def test_batch_is_whole_and_positive(batch, capsys):
    assert main(["llm", "llama-2-7b", "H100 SXM", "--batch", batch]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "batch" in err


def test_a_price_of_zero_costs_zero():
    from xlcpb.estimators.llm import estimate_llm
    free = estimate_llm("Llama-2-7B", "H100 SXM", "bf16", batch=4, price_per_hour=0.0)
    paid = estimate_llm("Llama-2-7B", "H100 SXM", "bf16", batch=4, price_per_hour=2.0)
    assert free.cost_per_mtok_input == free.cost_per_mtok_output == 0.0
    assert free.cost_per_mtok_blended == 0.0
    # the output : input ratio is a ratio of times, whatever the price
    assert free.output_input_cost_ratio == pytest.approx(paid.output_input_cost_ratio)
    assert paid.output_input_cost_ratio == pytest.approx(
        paid.cost_per_mtok_output / paid.cost_per_mtok_input)


def test_price_per_hour_zero_on_the_command_line(capsys):
    assert main(["llm", "llama-2-7b", "H100 SXM", "--price-per-hour", "0", "--format",
                 "json"]) == 0
    assert json.loads(capsys.readouterr().out)["cost_per_mtok_output"] == 0.0


@pytest.mark.parametrize("flops_per_s", [1e308, 1e23])
def test_absurd_hardware_speeds_are_refused(flops_per_s):
    from xlcpb.engine.cpb import time_per_byte
    with pytest.raises(CPBError, match="implausibly large for FLOP/s"):
        time_per_byte(7.5e8, flops_per_s)


def test_a_large_cluster_is_still_plausible():
    from xlcpb.engine.cpb import hardware_flops_per_s, time_per_byte
    cluster = hardware_flops_per_s(2e15, 100_000)  # 100,000 devices at 2 PFLOP/s
    assert time_per_byte(7.5e8, cluster) == 7.5e8 / 2e20


@pytest.mark.parametrize("text", ["\uff1d1+1", "\uff0bA1", "\uff0d1", "\uff20SUM(A1)",
                                  "\ufe661+1", "\u22121", "=1+1"])
def test_unicode_formula_starters_are_neutralised(text):
    from xlcpb.data.cellsafe import neutralise, restore
    assert neutralise(text) == "'" + text and restore(neutralise(text)) == text


def test_full_width_formula_in_a_sheet_row_is_stored_inert(tmp_path, capsys):
    hostile = "\uff1dHYPERLINK(\"http://x\")"
    assert main(["sheet", "add", "prices", *PRICE, "--instance-type", "x", "--notes", hostile,
                 "--sheet", str(tmp_path)]) == 0
    prices = (tmp_path / "sheet" / "versions" / "v0001" / "prices.csv").read_text("utf-8")
    assert "\"'\uff1dHYPERLINK(" in prices  # the cell starts with the quote
    assert SheetStore(tmp_path).read()["prices"][0]["notes"] == hostile


def test_every_importer_module_declares_its_formats_with_one_protocol():
    import inspect
    import pkgutil
    import xlcpb.importers as package
    from xlcpb.importers.protocol import Format
    from xlcpb.importers.run import FORMATS, REGISTRY
    declared = []
    for info in pkgutil.iter_modules(package.__path__):
        module = __import__(f"xlcpb.importers.{info.name}", fromlist=["FORMATS"])
        if hasattr(module, "FORMATS") and info.name != "run":
            assert all(isinstance(fmt, Format) for fmt in module.FORMATS), info.name
            declared += [fmt.name for fmt in module.FORMATS]
    assert sorted(declared) == sorted(FORMATS) and len(set(declared)) == len(declared) == 12
    for fmt in REGISTRY:
        assert list(inspect.signature(fmt.read).parameters) == ["path", "report", "options"]
    assert REGISTRY[-1].name == "generic"  # the fallback is asked last


def test_control_characters_in_sheet_rows_are_refused(tmp_path, capsys):
    path = tmp_path / "rows.csv"
    path.write_text("hardware_id,provider,region,instance_type,devices_per_instance,"
                    "pricing_model,price_per_device_hour,currency,effective_date,source_url\n"
                    "t4,ac\x00me,eu,x,1,contract,0.5,USD,2026-01-01,s\n")
    assert main(["sheet", "add", "prices", "--from", str(path), "--sheet", str(tmp_path)]) == 2
    assert "holds a control character" in capsys.readouterr().err
    assert SheetStore(tmp_path).current_version() is None


def test_a_long_field_in_a_sheet_file_is_one_line(tmp_path, capsys):
    path = tmp_path / "rows.csv"
    path.write_text("hardware_id,provider,notes\nt4,acme,\"" + "a" * 200_000 + "\"\n")
    assert main(["sheet", "add", "prices", "--from", str(path), "--sheet", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "line 2: field larger than" in err


def _waits_on(pid: int, path: Path, timeout_s: float = 60) -> None:
    """Until process ``pid`` has ``path`` open (Linux /proc), i.e. it is inside xlcpb."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if any(os.path.realpath(f"/proc/{pid}/fd/{fd}") == str(path.resolve())
                   for fd in os.listdir(f"/proc/{pid}/fd")):
                return
        except FileNotFoundError:
            pass
        time.sleep(0.02)
    raise AssertionError(f"process {pid} never opened {path}")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")
def test_ctrl_c_while_waiting_for_the_lock_exits_130_with_one_line(home_with_a_row):
    before = _sheet_fingerprint(home_with_a_row)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(home_with_a_row)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        writer = subprocess.Popen(
            [sys.executable, "-m", "xlcpb", "sheet", "add", "prices", *PRICE,
             "--instance-type", "new"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
            text=True, env={**os.environ, "XLCPB_HOME": str(home_with_a_row)})
        _waits_on(writer.pid, home_with_a_row / "sheet" / "LOCK")
        writer.send_signal(signal.SIGINT)
        _, err = writer.communicate(timeout=30)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert writer.returncode == 130
    assert err.strip().splitlines() == [
        "xlcpb: interrupted (files are written whole or not at all)."]
    assert _sheet_fingerprint(home_with_a_row) == before


# -- hypothesis: the name rule as invariants -------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from xlcpb.data.names import normalise  # noqa: E402

_HARDWARE = load_bundled().tables["hardware"]
_VENDORS = {row["vendor"] for row in _HARDWARE}


def _names_of(row):
    return [row["id"], row["name"], f"{row['vendor']} {row['name']}", *row["aliases"]]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
def test_any_text_resolves_only_to_a_row_it_names_exactly(text):
    try:
        row = load_bundled().hardware(text)
    except CPBError:
        return
    forms = {normalise(text)} | {normalise(text)[len(normalise(v)):] for v in _VENDORS
                                 if normalise(text).startswith(normalise(v))}
    assert forms & {normalise(name) for name in _names_of(row)}


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_name_written_any_documented_way_resolves_to_its_row(data):
    row = data.draw(st.sampled_from(_HARDWARE))
    name = data.draw(st.sampled_from(_names_of(row)))
    written = "".join(data.draw(st.sampled_from([c.upper(), c.lower()]))
                      + data.draw(st.sampled_from(["", "", " ", "-", "_"])) for c in name)
    assert load_bundled().hardware(written)["id"] == row["id"]


@pytest.mark.parametrize("catalog", ["hardware", "models"])
def test_no_two_rows_share_a_normalised_name(catalog):
    from xlcpb.data.models import load_models
    rows, names = ((_HARDWARE, _names_of) if catalog == "hardware" else
                   (load_models(), lambda row: [row["id"], row["name"], *row["aliases"]]))
    owner = {}
    for row in rows:
        for name in names(row):
            assert owner.setdefault(normalise(name), row["id"]) == row["id"], name


@pytest.mark.parametrize("column, value, expected", [
    ("flops_per_s_per_device", 65.0, "implausibly small for FLOP/s"),
    ("flops_per_s_per_device", 1e308, "implausibly large for FLOP/s"),
    ("memory_bandwidth_bytes_per_s_per_device", 3.35, "implausibly small for B/s"),
    ("memory_bandwidth_bytes_per_s_per_device", 1e300, "implausibly large for B/s"),
])
def test_llm_hardware_figures_are_plausible_at_both_ends(column, value, expected):
    from xlcpb.engine.serving import llm_inference
    arguments = dict(params=1.56e9, active_params=1.56e9, n_experts=1, experts_per_token=1,
                     n_layers=48, n_heads=25, n_kv_heads=25, head_dim=64,
                     weight_bytes_per_param=2, kv_bytes_per_value=2,
                     flops_per_s_per_device=65e12, memory_bandwidth_bytes_per_s_per_device=320e9,
                     memory_bytes_per_device=16e9, devices=1, batch=1, input_tokens=1,
                     output_tokens=1000, compute_efficiency=0.5, memory_efficiency=0.8,
                     step_overhead_s=0.0, usable_memory_fraction=0.9)
    with pytest.raises(CPBError, match=expected):
        llm_inference(**{**arguments, column: value})


@pytest.mark.parametrize("kind", ["not-a-zip", "truncated", "no-workbook-xml", "utf16-sheet",
                                  "billion-laughs", "zip-bomb", "outside-target"])
def test_hostile_workbooks_are_refused_by_import_in_one_line(kind, home_with_a_row, tmp_path):
    source = _hostile_workbook(kind, tmp_path)
    before = _sheet_fingerprint(home_with_a_row)
    assert_one_line_error(run_cli(["import", str(source)], home_with_a_row), str(source))
    assert _sheet_fingerprint(home_with_a_row) == before
