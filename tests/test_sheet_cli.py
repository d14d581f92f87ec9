"""``xlcpb sheet ...`` end to end, and the exported workbook."""

import json

import openpyxl

from xlcpb.cli import main

HOSTILE = "=cmd|' /C calc'!A0"
ADD_CONTRACT = ["sheet", "add", "prices", "--hardware-id", "h100-sxm5-80gb", "--provider",
                "acme", "--region", "eu-west", "--instance-type", "8xH100",
                "--devices-per-instance", "8", "--pricing-model", "contract",
                "--price-per-device-hour", "2.10", "--currency", "USD", "--effective-date",
                "2026-11-01", "--source-url", "contract 123", "--notes", HOSTILE]


def test_add_history_diff_restore_round_trip(capsys):
    assert main(ADD_CONTRACT + ["--message", "our contract"]) == 0
    assert main([*ADD_CONTRACT[:-2], "--notes", "renewed", "--price-per-device-hour", "1.95"]
                ) == 0
    capsys.readouterr()
    assert main(["sheet", "history", "--format", "json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [v["version"] for v in history] == ["v0001", "v0002"]
    assert history[1]["current"] and history[0]["message"] == "our contract"
    assert main(["sheet", "diff", "--format", "json"]) == 0
    changes = {c["column"]: c for c in json.loads(capsys.readouterr().out)}
    assert changes["price_per_device_hour"]["old"] == 2.1
    assert changes["price_per_device_hour"]["new"] == 1.95
    assert main(["sheet", "restore", "v0001"]) == 0
    assert main(["sheet", "list", "--kind", "prices", "--format", "json"]) == 0
    rows = [r for r in json.loads(capsys.readouterr().out.split("\n", 1)[1])
            if r["provider"] == "acme"]
    assert rows[0]["price_per_device_hour"] == 2.1 and rows[0]["notes"] == HOSTILE


def test_add_refuses_bad_value_and_writes_nothing(capsys):
    bad = [arg if arg != "2.10" else "2,10" for arg in ADD_CONTRACT]  # a decimal comma,
    assert main(bad) == 2                                             # with no --locale
    assert ("column price_per_device_hour: '2,10' ambiguous" in capsys.readouterr().err)
    assert main(["sheet", "history", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_export_writes_tables_with_units_and_text_never_a_formula(tmp_path, capsys):
    assert main(ADD_CONTRACT) == 0
    out = tmp_path / "sheet.xlsx"
    assert main(["sheet", "export", str(out)]) == 0
    workbook = openpyxl.load_workbook(out)
    assert {"Hardware", "Prices", "API prices", "About"} <= set(workbook.sheetnames)
    hardware = workbook["Hardware"]
    headers = [cell.value for cell in hardware[1]]
    assert "memory_bytes [B]" in headers and "fp16_flops_per_s [FLOP/s]" in headers
    assert set(hardware.tables) == {"Hardware"}
    prices = workbook["Prices"]
    headers = [cell.value for cell in prices[1]]
    notes = [row[headers.index("notes")] for row in prices.iter_rows(values_only=True)]
    assert HOSTILE in notes
    for worksheet in workbook:
        for row in worksheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (worksheet.title, cell.coordinate, cell.value)
    # an existing file is never replaced without --overwrite
    assert main(["sheet", "export", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_show_and_unknown_name(capsys):
    assert main(["sheet", "show", "H100 SXM"]) == 0
    assert "3.35e+12" in capsys.readouterr().out
    assert main(["sheet", "show", "A100"]) == 2
    assert "fits 4 hardware rows" in capsys.readouterr().err


def test_sheet_flag_overrides_environment(tmp_path, capsys):
    assert main(ADD_CONTRACT + ["--sheet", str(tmp_path / "elsewhere")]) == 0
    assert (tmp_path / "elsewhere" / "sheet" / "CURRENT").read_text().strip() == "v0001"
