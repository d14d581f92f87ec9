"""xlcpb import on the real vendor files in tests/data/pricelists, and on hostile inputs."""

import csv
import io
import json
import zipfile

import openpyxl
import pytest

from xlcpb import CPBError
from xlcpb.cli import main
from xlcpb.data.sheet import load_bundled, load_sheet
from xlcpb.data.store import SheetStore
from xlcpb.importers.azure import import_items, unit_block
from xlcpb.importers.report import ImportReport
from xlcpb.importers.run import detect, read_file


def read(path, **options):
    return read_file(path, "auto", load_bundled(), options)


@pytest.fixture
def pricelists(test_data):
    return test_data / "pricelists"


def rows(report, kind="prices"):
    return report.accepted.get(kind, [])


def test_every_file_is_detected(pricelists):
    expected = {"01": "aws-csv", "02": "aws-savings-plan", "03": "aws-json", "04": "gcp-json",
                "05": "azure-csv", "06": "focus", "08": "litellm", "09": "openrouter",
                "10": "epoch"}
    for path in sorted(pricelists.glob("[01]*")):
        prefix = path.name[:2]
        if prefix == "07":
            with pytest.raises(CPBError, match="units of measure, not prices"):
                detect(path)
        else:
            assert detect(path) == expected[prefix], path.name


def test_aws_bulk_csv_sample_has_no_buyable_gpu_row(pricelists):
    report = read(pricelists / "01_aws_ec2_offer_index_sample.csv")
    assert report.rows_read == 44 and rows(report) == []
    assert report.skipped["not an accelerator instance family (p, g, dl, trn, inf)"] == 43
    # the one GPU row is a Windows + SQL variant: refused for that reason, not silently
    assert report.skipped_examples["not Linux (only Linux prices are imported)"] == \
        ["g5.48xlarge ap-southeast-2"]


def test_aws_savings_plan_dialect(pricelists):
    report = read(pricelists / "02_aws_computesavingsplan_ap-east-2_sample.csv")
    assert report.rows_read == 44 and rows(report) == []
    assert sum(report.skipped.values()) == 44


def test_aws_offer_json_gives_the_per_gpu_on_demand_price_not_the_capacity_block(pricelists):
    report = read(pricelists / "03_aws_ec2_offer_p4d.24xlarge_excerpt.json")
    (row,) = rows(report)
    assert (row["hardware_id"], row["pricing_model"], row["devices_per_instance"]) == \
        ("a100-sxm4-40gb", "on-demand", 8)
    assert row["price_per_device_hour"] == 32.7726 / 8
    assert any("Capacity Block" in reason for reason in report.skipped)


def test_gcp_a100_sku_units_and_nanos(pricelists):
    report = read(pricelists / "04_gcp_billing_catalog_skus_a100.json")
    (row,) = rows(report)
    assert row["price_per_device_hour"] == 2.933908
    assert (row["hardware_id"], row["region"], row["effective_date"]) == \
        ("a100-sxm4-40gb", "americas", "2023-03-24")
    assert sum(report.skipped.values()) == 6


def test_azure_csv_sample_refuses_each_row_with_a_reason(pricelists):
    report = read(pricelists / "05_azure_retail_prices_westus_head.csv")
    assert report.rows_read == 57 and report.accepted_count == 0
    assert sum(report.skipped.values()) == 57
    assert report.skipped["token meter without its input price in the file "
                          "(API prices need both)"] == 1


def _azure_row(pricelists, **changes):
    """A real reservation row of the Azure sample, with the fields the API JSON carries."""
    with open(pricelists / "05_azure_retail_prices_westus_head.csv", newline="") as stream:
        row = next(r for r in csv.DictReader(stream) if r["type"] == "Reservation")
    return {**row, **changes}


def test_azure_reservation_term_becomes_an_hourly_figure(pricelists):
    # The CSV flattening dropped reservationTerm; the API JSON carries it. The same row as
    # a GPU VM with its term: the lump sum is spread over the term's hours and the GPUs.
    one_year = _azure_row(pricelists, armSkuName="Standard_ND96asr_v4",
                          reservationTerm="1 Year")
    no_term = _azure_row(pricelists, armSkuName="Standard_ND96asr_v4")
    report = ImportReport(source="test")
    import_items([one_year, no_term], report, "Azure")
    (row,) = rows(report)
    assert row["pricing_model"] == "reserved-1y"
    assert row["price_per_device_hour"] == pytest.approx(float(one_year["retailPrice"])
                                                         / 8760 / 8, rel=1e-15)
    assert any("without its term" in reason for reason in report.skipped)


def test_azure_units_agree_with_microsofts_unit_table(pricelists):
    table = list(csv.DictReader(open(pricelists / "07_azure_finops_toolkit_PricingUnits.csv",
                                     newline="", encoding="utf-8")))
    hours = [row for row in table if row["DistinctUnits"] == "Hours"]
    assert len(hours) >= 5
    for row in hours:
        assert unit_block(row["UnitOfMeasure"]) == (float(row["PricingBlockSize"]), "hour"), row


def test_focus_keeps_every_cost_row_as_spend_and_finds_the_gpu_price(pricelists):
    path = pricelists / "06_focus_1.0_sample_1000rows.csv"
    report = read(path)
    spend = rows(report, "spend")
    with open(path, newline="", encoding="utf-8") as stream:
        source = list(csv.DictReader(stream))
    assert len(spend) == len(source) == 1000
    assert sum(r["billed_cost"] for r in spend) == pytest.approx(
        sum(float(r["BilledCost"]) for r in source), rel=1e-12)
    (price,) = rows(report)
    g5 = next(r for r in source if "g5.4xlarge" in r["ChargeDescription"]
              and r["PricingUnit"] == "Hours")
    assert (price["hardware_id"], price["instance_type"]) == ("a10g", "g5.4xlarge")
    assert price["price_per_device_hour"] == float(g5["ListUnitPrice"])
    assert any("collapsed" in note for note in report.notes)


def test_litellm_prices_per_million_and_absurd_rows_refused(pricelists):
    report = read(pricelists / "08_litellm_model_prices_and_context_window.json")
    prices = {row["model"]: row for row in rows(report, "api_prices")}
    assert prices["gpt-4o"]["input_price_per_mtok"] == pytest.approx(2.5)
    assert prices["gpt-4o"]["output_price_per_mtok"] == pytest.approx(10.0)
    assert prices["gpt-4o"]["effective_date"] == "2026-07-24"
    assert "wandb/openai/gpt-oss-120b" not in prices  # $15,000 per 1M tokens: refused
    assert any(reason.startswith("fails the sheet's checks") for reason in report.skipped)
    assert any(reason.startswith("mode 'embedding'") for reason in report.skipped)
    assert len(prices) > 2000


def test_openrouter_string_prices_and_variable_pricing(pricelists):
    report = read(pricelists / "09_openrouter_api_v1_models.json", effective_date="2026-08-01")
    prices = {row["model"]: row for row in rows(report, "api_prices")}
    first = prices["deepseek/deepseek-v4-flash-0731"]
    assert first["input_price_per_mtok"] == pytest.approx(0.14)
    assert first["output_price_per_mtok"] == pytest.approx(0.28)
    assert report.skipped["variable price (-1: set by the routed provider)"] == 5
    # 336 models: 5 variable, 17 free ($0/$0: 14 ':free' variants and 3 others) - a $0 price
    # would make every budget with them look free
    assert report.skipped["free variant ($0, rate-limited): not a price to budget with"] == 17
    assert not any(model.endswith(":free") for model in prices)
    assert len(prices) == 336 - 5 - 17


def test_epoch_hardware_new_rows_and_known_chips_as_conflicts(pricelists):
    report = read(pricelists / "10_epoch_ai_ml_hardware.csv")
    hardware = {row["name"]: row for row in rows(report, "hardware")}
    ironwood = hardware["Google TPU v7 Ironwood"]
    assert (ironwood["memory_bytes"], ironwood["memory_bandwidth_bytes_per_s"]) == \
        (192e9, 7.37e12)
    assert "Amazon Trainium3" not in hardware  # no memory figures
    # exact names only: the A40 is the sheet's A40 (was: the A100 40GB), the L40 its L40 (was:
    # the L40S); a name that only resembles rows ("NVIDIA A100") is skipped naming them
    existing = {c["row"]: c["existing"] for c in report.conflicts}
    assert existing["NVIDIA A40 PCIe"] == "a40" and existing["NVIDIA L40"] == "l40"
    resembling = next(examples for reason, examples in report.skipped_examples.items()
                      if reason.startswith("resembles sheet rows"))
    assert "NVIDIA A100 ~ a100-sxm4-40gb, a100-sxm4-80gb, a100-pcie-40gb, a100-pcie-80gb" \
        in resembling
    assert "NVIDIA A100" not in hardware and "NVIDIA V100" not in hardware
    assert any(c["existing"] == "h100-sxm5-80gb" for c in report.conflicts)
    assert report.rows_read == 170


def test_import_writes_a_version_and_dry_run_writes_nothing(pricelists, tmp_path, capsys):
    home = tmp_path / "home"
    path = str(pricelists / "04_gcp_billing_catalog_skus_a100.json")
    assert main(["import", path, "--dry-run", "--sheet", str(home)]) == 0
    assert "dry run: nothing written" in capsys.readouterr().out
    assert SheetStore(home).history() == []
    assert main(["import", path, "--sheet", str(home), "--report", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["version"] == "v0001" and report["accepted"][0]["price"] == 2.933908
    assert [v.id for v in SheetStore(home).history()] == ["v0001"]
    sheet = load_sheet(home)
    assert sheet.price("A100 SXM4 40GB", provider="gcp")["price_per_device_hour"] == 2.933908


def _csv(tmp_path, text, name="prices.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_generic_csv_common_columns_units_locale_and_signs(tmp_path):
    path = _csv(tmp_path, "Provider;GPU;GPUs;Price;Unit;Region;Date\n"
                          "acme;H100 SXM;8;€14.600,00;month;eu-1;2026-11-01\n"
                          "acme;L4;1;0,80;hour;eu-1;2026-11-01\n")
    report = read(path, locale="de", currency="EUR")  # row 2 has no sign: say which
    first, second = rows(report)
    assert first["currency"] == "EUR" and second["currency"] == "EUR"
    assert first["price_per_device_hour"] == pytest.approx(14600 / 730 / 8, rel=1e-15)
    assert second["price_per_device_hour"] == 0.8
    assert first["hardware_id"] == "h100-sxm5-80gb"


def test_generic_csv_with_a_mapping_file_and_cp1252(tmp_path):
    path = _csv(tmp_path, "Lieferant,Beschleuniger,Kosten je Stunde\nAcmé,T4,\u20ac0.35\n",
                encoding="cp1252")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\nprovider = "Lieferant"\nhardware = "Beschleuniger"\n'
                       'price_per_device = "Kosten je Stunde"\n[values]\nregion = "de"\n')
    report = read(path, mapping=mapping)
    (row,) = rows(report)
    assert (row["provider"], row["currency"], row["price_per_device_hour"], row["region"]) == \
        ("Acmé", "EUR", 0.35, "de")


def test_generic_bad_rows_refuse_the_whole_file(tmp_path):
    path = _csv(tmp_path, "provider,gpu,price\nacme,T4,0.5\nacme,T4 9000,0.5\nacme,L4,cheap\n")
    with pytest.raises(CPBError) as caught:
        read(path, currency="USD")
    message = str(caught.value)
    assert "2 row(s) could not be read; nothing was imported" in message
    assert "line 3: gpu = 'T4 9000'" in message and "line 4: price = 'cheap'" in message
    report = read(path, currency="USD", skip_invalid=True)
    assert len(rows(report)) == 1


def test_wrong_encoding_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"provider,gpu,price\nacme,T4,\x81\x8d\x90\n")
    with pytest.raises(CPBError, match="neither UTF-8 nor Windows-1252"):
        read(path)


def test_formula_text_in_every_field_never_becomes_a_formula(tmp_path, capsys):
    hostile = '=HYPERLINK("http://evil","click")'
    buffer = io.StringIO()
    csv.writer(buffer).writerows([
        ["provider", "gpu", "gpus", "price", "currency", "region", "instance", "source"],
        [hostile, "T4", "1", "0.5", "USD", "+1+1", "@SUM(A1)", "-2+3"]])
    path = _csv(tmp_path, buffer.getvalue())
    home = tmp_path / "home"
    assert main(["import", str(path), "--sheet", str(home)]) == 0
    stored = (home / "sheet" / "versions" / "v0001" / "prices.csv").read_text()
    for cell in next(csv.reader(io.StringIO(stored.splitlines()[1]))):
        assert not cell.startswith(("=", "+", "@")) and not cell.startswith("-2")
    row = load_sheet(home).price("T4", provider=hostile)
    assert (row["region"], row["instance_type"], row["source_url"]) == ("+1+1", "@SUM(A1)",
                                                                        "-2+3")
    out = tmp_path / "sheet.xlsx"
    assert main(["sheet", "export", str(out), "--sheet", str(home)]) == 0
    for worksheet in openpyxl.load_workbook(out):
        for cells in worksheet.iter_rows():
            for cell in cells:
                assert cell.data_type != "f"


def test_duplicates_collapse_and_conflicting_rows_are_reported(tmp_path):
    path = _csv(tmp_path, "provider,gpu,price,currency\nacme,T4,0.5,USD\nacme,T4,0.5,USD\n"
                          "acme,T4,0.7,USD\n")
    report = read(path)
    (row,) = rows(report)
    assert row["price_per_device_hour"] == 0.5
    assert report.conflicts and report.conflicts[0]["new"] == 0.7


def test_currency_conversion_only_with_an_explicit_rate_table(tmp_path, capsys):
    path = _csv(tmp_path, "provider,gpu,price\nacme,T4,€1.00\n")
    assert main(["import", str(path), "--to-currency", "USD", "--dry-run"]) == 2
    assert "--to-currency needs --rates" in capsys.readouterr().err
    rates = _csv(tmp_path, "currency,rate\nEUR,1.10\n", name="rates.csv")
    report = read(path, to_currency="USD", rates={"EUR": 1.10})
    assert rows(report)[0]["price_per_device_hour"] == pytest.approx(1.10)
    assert rows(report)[0]["currency"] == "USD"
    assert rates.exists()


def _xlsx(path, rows_):
    workbook = openpyxl.Workbook()
    for row in rows_:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_generic_xlsx_import(tmp_path):
    path = _xlsx(tmp_path / "p.xlsx", [["Provider", "GPU", "GPUs", "Price per hour", "Currency"],
                                       ["acme", "A100 SXM4 80GB", 8, 20.0, "USD"]])
    (row,) = rows(read(path))
    assert row["price_per_device_hour"] == 2.5


def test_zip_bomb_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    with pytest.raises(CPBError, match="zip bomb"):
        read(path)


def test_xml_entity_bomb_is_refused(tmp_path):
    path = _xlsx(tmp_path / "laughs.xlsx", [["provider", "gpu", "price"], ["a", "T4", 1]])
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
            '</sheetData></worksheet>')
    rebuilt = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rebuilt, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = bomb.encode()
            target.writestr(item, data)
    with pytest.raises(CPBError, match="refused while reading"):
        read(rebuilt)


def test_unknown_json_and_missing_file(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(CPBError, match="JSON file of no format xlcpb knows"):
        read(path)
    with pytest.raises(CPBError, match="no such file"):
        read(tmp_path / "missing.csv")


def test_a_refused_import_leaves_the_sheet_untouched(tmp_path, capsys):
    home = tmp_path / "home"
    good = _csv(tmp_path, "provider,gpu,price,currency\nacme,T4,0.5,USD\n", name="good.csv")
    bad = _csv(tmp_path, "provider,gpu,price,currency\nacme,T4,0.4,USD\nacme,T4,=1+1,USD\n",
               name="bad.csv")
    assert main(["import", str(good), "--sheet", str(home)]) == 0
    before = (home / "sheet" / "versions" / "v0001" / "prices.csv").read_bytes()
    assert main(["import", str(bad), "--sheet", str(home)]) == 2
    error = capsys.readouterr().err
    assert "line 3: price = '=1+1'" in error and "nothing was imported" in error
    assert [v.id for v in SheetStore(home).history()] == ["v0001"]
    assert (home / "sheet" / "versions" / "v0001" / "prices.csv").read_bytes() == before
    assert load_sheet(home).price("T4", provider="acme")["price_per_device_hour"] == 0.5


def test_rates_file_with_and_without_header(tmp_path):
    from xlcpb.importers.run import read_rates
    assert read_rates(_csv(tmp_path, "currency,rate\nEUR,1.1\n", "a.csv")) == {"EUR": 1.1}
    assert read_rates(_csv(tmp_path, "eur,1.1\ngbp,1.3\n", "b.csv")) == {"EUR": 1.1, "GBP": 1.3}
    with pytest.raises(CPBError, match="line 2: rate 'x' is not a number"):
        read_rates(_csv(tmp_path, "currency,rate\nEUR,x\n", "c.csv"))
