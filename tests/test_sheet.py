"""The bundled hardware/price sheet, lookups, and the user's versioned sheet."""

import csv
import json
import re
from pathlib import Path

import pytest

from xlcpb import CPBError
from xlcpb.data.schema import KINDS, schema
from xlcpb.data.sheet import layer, load_bundled, load_sheet
from xlcpb.data.store import SheetStore

ROOT = Path(__file__).resolve().parent.parent

ISSUE_HARDWARE = ["T4", "V100 SXM2 16GB", "V100 PCIe 32GB", "A10G", "L4", "L40S",
                  "A100 SXM4 40GB", "A100 SXM4 80GB", "A100 PCIe 40GB", "A100 PCIe 80GB",
                  "H100 SXM", "H100 PCIe", "H200", "B200", "MI300X", "TPU v5e", "RTX 4090"]


def test_bundled_sheet_validates_and_every_row_is_sourced():
    sheet = load_bundled()
    for kind in (schema()[name] for name in KINDS):
        rows = sheet.tables[kind.name]
        assert rows, kind.name
        for row in rows:
            assert row["source_url"].startswith("http"), row
    for row in sheet.tables["hardware"]:
        assert row["checked_on"]
    for row in sheet.tables["prices"]:
        assert row["effective_date"] and row["currency"] == "USD"


@pytest.mark.parametrize("name", ISSUE_HARDWARE)
def test_issue_hardware_resolves(name):
    assert load_bundled().hardware(name)["id"]


@pytest.mark.parametrize("written, expected", [
    ("H100 SXM", "h100-sxm5-80gb"), ("h100-sxm5-80gb", "h100-sxm5-80gb"),
    ("NVIDIA H100 SXM", "h100-sxm5-80gb"), ("nvidia h100 sxm5 80gb", "h100-sxm5-80gb"),
    ("L4", "l4"), ("L40S", "l40s"), ("Tesla T4", "t4"), ("AMD Instinct MI300X", "mi300x"),
    ("GeForce RTX 4090", "rtx-4090"), ("A100-SXM4-80GB", "a100-sxm4-80gb"),
])
def test_names_as_people_write_them(written, expected):
    assert load_bundled().hardware(written)["id"] == expected


@pytest.mark.parametrize("ambiguous, candidates", [
    ("A100", {"a100-sxm4-40gb", "a100-sxm4-80gb", "a100-pcie-40gb", "a100-pcie-80gb"}),
    ("A100 80GB", {"a100-sxm4-80gb", "a100-pcie-80gb"}),
    ("V100", {"v100-sxm2-16gb", "v100-sxm2-32gb", "v100-pcie-16gb", "v100-pcie-32gb"}),
    ("H100", {"h100-sxm5-80gb", "h100-pcie-80gb", "h100-nvl-94gb"}),
])
def test_ambiguous_names_fail_with_candidates(ambiguous, candidates):
    with pytest.raises(CPBError) as caught:
        load_bundled().hardware(ambiguous)
    listed = set(re.findall(r"\(id ([a-z0-9.-]+)\)", str(caught.value)))
    assert listed == candidates
    assert caught.value.kind == "na"


def test_unknown_name_lists_closest():
    with pytest.raises(CPBError, match="no hardware of that name. Closest: .*H100"):
        load_bundled().hardware("H1OO SXM")


def _reference_rows(test_data):
    with open(test_data / "reference" / "gpu_specs.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _leading_number(text):
    match = re.match(r"\s*([\d.]+)", text)
    return float(match.group(1)) if match else None


# Our id for each (gpu, variant) row of the reference file.
REFERENCE_IDS = {
    ("NVIDIA T4", "PCIe 70W"): "t4", ("NVIDIA V100", "SXM2"): "v100-sxm2-16gb",
    ("NVIDIA V100", "PCIe"): "v100-pcie-16gb", ("NVIDIA L4", "PCIe 72W"): "l4",
    ("NVIDIA L40S", "PCIe 350W"): "l40s", ("NVIDIA A100", "SXM4 40GB"): "a100-sxm4-40gb",
    ("NVIDIA A100", "SXM4 80GB"): "a100-sxm4-80gb", ("NVIDIA H100", "SXM5"): "h100-sxm5-80gb",
    ("NVIDIA H100", "PCIe"): "h100-pcie-80gb", ("NVIDIA H200", "SXM"): "h200-sxm-141gb",
    ("NVIDIA B200", "HGX/DGX 1000W"): "b200", ("AMD Instinct MI300X", "OAM 750W"): "mi300x",
    ("Google TPU v5e", "per chip"): "tpu-v5e", ("NVIDIA A10G", "AWS G5 variant"): "a10g",
}
# reference column -> (our column, scale to our unit)
REFERENCE_COLUMNS = {"fp32_tflops": ("fp32_flops_per_s", 1e12),
                     "fp16_bf16_tensor_tflops_dense": ("fp16_flops_per_s", 1e12),
                     "fp8_tensor_tflops_dense": ("fp8_flops_per_s", 1e12),
                     "memory_gb": ("memory_bytes", 1e9),
                     "mem_bw_GBps": ("memory_bandwidth_bytes_per_s", 1e9)}


def test_figures_agree_with_reference_gpu_specs(test_data):
    sheet = load_bundled()
    checked = 0
    for ref in _reference_rows(test_data):
        ours = sheet.hardware(REFERENCE_IDS[(ref["gpu"], ref["variant"])])
        for ref_column, (column, scale) in REFERENCE_COLUMNS.items():
            text = ref[ref_column]
            figure = _leading_number(text)
            if figure is None or "UNCERTAIN" in text or "not published" in text:
                # no figure, or an uncertain one: ours must be blank or explained in notes
                if column != "memory_bytes" and "not published" in text:
                    assert ours[column] is None, (ours["id"], column)
                continue
            if ours["id"] == "tpu-v5e" and column == "fp16_flops_per_s":
                assert ours["bf16_flops_per_s"] == pytest.approx(figure * scale, rel=0.01)
                continue
            assert ours[column] == pytest.approx(figure * scale, rel=0.01), (ours["id"], column)
            checked += 1
    assert checked >= 55


def test_pitfalls_are_kept_in_notes():
    sheet = load_bundled()
    assert "PITFALL" in sheet.hardware("T4")["notes"]
    assert "tensor-core" in sheet.hardware("V100 SXM2 16GB")["notes"]
    assert sheet.hardware("A10G")["bf16_flops_per_s"] is None  # never guessed


def test_api_prices_match_the_litellm_file(test_data):
    import tomllib
    litellm = json.loads((test_data / "pricelists" /
                          "08_litellm_model_prices_and_context_window.json").read_text("utf-8"))
    selection = tomllib.loads((ROOT / "tools" / "api_price_selection.toml").read_text("utf-8"))
    keys = {(item["provider"], item["model"]): item["key"] for item in selection["model"]}
    checked = 0
    for row in load_bundled().tables["api_prices"]:
        entry = litellm[keys[row["provider"], row["model"]]]
        if row["input_price_per_mtok"] is None:
            continue
        assert row["input_price_per_mtok"] == pytest.approx(entry["input_cost_per_token"] * 1e6)
        assert row["output_price_per_mtok"] == pytest.approx(entry["output_cost_per_token"] * 1e6)
        checked += 1
    assert checked >= 25


def test_field_and_precision_lookups():
    sheet = load_bundled()
    assert sheet.field("H100 SXM", "memory_bandwidth_bytes_per_s") == 3.35e12
    assert sheet.field("H100 SXM", "Memory Bandwidth Bytes Per S") == 3.35e12
    assert sheet.field("H100 SXM", "fp8") == 1979e12
    assert sheet.flops_per_s("TPU v5e", "bfloat16") == 197e12
    with pytest.raises(CPBError, match="no published fp16 peak. Use a precision it has: bf16"):
        sheet.flops_per_s("TPU v5e", "fp16")
    with pytest.raises(CPBError, match="not a hardware field"):
        sheet.field("T4", "colour")


def test_price_lowest_on_demand_and_named():
    sheet = load_bundled()
    a100 = sheet.price("A100 SXM4 40GB")
    # the cheapest on-demand row: Lambda's $1.99 (silybench-data transcription, 2026-09-25)
    assert (a100["provider"], a100["price_per_device_hour"]) == ("lambda", 1.99)
    assert sheet.price("A100 SXM4 40GB", provider="gcp")["price_per_device_hour"] == 2.933908
    # datareceipts hyperscalers.json, 2026-11-09: p4d.24xlarge usd_per_gpu_hour 2.7447
    assert sheet.price("A100 SXM4 40GB", provider="AWS")["price_per_device_hour"] == 2.7447
    with pytest.raises(CPBError, match="no price with .*spot.*Prices in the sheet for it"):
        sheet.price("A100 SXM4 40GB", pricing_model="spot")


def _price_row(price, currency="USD", **extra):
    return {"hardware_id": "h100-sxm5-80gb", "provider": "acme", "region": "eu",
            "instance_type": "8xH100", "devices_per_instance": 8, "pricing_model": "on-demand",
            "price_per_device_hour": price, "currency": currency,
            "effective_date": "2026-11-01", "source_url": "contract 42", "notes": None, **extra}


def test_user_rows_override_and_add(tmp_path):
    store = SheetStore(tmp_path)
    bundled = load_bundled()
    cheap = _price_row(1.5)
    store.write({"prices": [cheap]}, "contract", bundled=bundled.tables)
    sheet = load_sheet(tmp_path)
    assert sheet.price("H100 SXM")["price_per_device_hour"] == 1.5
    assert sheet.version.endswith("+user-v0001")
    override = {**bundled.price("H100 SXM"), "price_per_device_hour": 3.0}
    override.pop("origin")
    store.write({"prices": [override]}, "override", bundled=bundled.tables)
    kind = schema()["prices"]
    rows = [r for r in load_sheet(tmp_path).price_rows("H100 SXM")
            if kind.key_of(r) == kind.key_of(override)]
    assert [(r["price_per_device_hour"], r["origin"]) for r in rows] == [(3.0, "user")]


def test_currencies_are_never_compared(tmp_path):
    SheetStore(tmp_path).write({"prices": [_price_row(1.0, "EUR")]}, "eur",
                               bundled=load_bundled().tables)
    with pytest.raises(CPBError, match="EUR and USD"):
        load_sheet(tmp_path).price("H100 SXM")
    assert load_sheet(tmp_path).price("H100 SXM", provider="acme")["currency"] == "EUR"


def test_history_and_restore_bring_back_every_version(tmp_path):
    store = SheetStore(tmp_path)
    for price in (1.0, 2.0, 3.0):
        store.write({"prices": [_price_row(price)]}, f"price {price}",
                    bundled=load_bundled().tables)
    assert [v.id for v in store.history()] == ["v0001", "v0002", "v0003"]
    for version, price in (("v0001", 1.0), ("2", 2.0)):
        new = store.restore(version, bundled=load_bundled().tables)
        assert load_sheet(tmp_path).user_version == new
        assert load_sheet(tmp_path).price("H100 SXM", provider="acme")[
            "price_per_device_hour"] == price
    assert len(store.history()) == 5  # restores are versions too: nothing is lost


def test_broken_user_sheet_names_file_line_and_column_and_bundled_still_works(tmp_path):
    store = SheetStore(tmp_path)
    store.write({"prices": [_price_row(1.0)]}, "ok", bundled=load_bundled().tables)
    path = store.versions_dir / "v0001" / "prices.csv"
    text = path.read_text("utf-8").replace(",1.0,", ",1.0e6,")  # a unit slip
    path.write_text(text, "utf-8")
    with pytest.raises(CPBError) as caught:
        load_sheet(tmp_path)
    message = str(caught.value)
    assert str(path) in message and "line 2, column price_per_device_hour" in message
    assert "implausibly large" in message
    # the bundled cheapest H100 SXM on-demand: Vast.ai marketplace median $2.4024 (2026-10-19)
    assert load_bundled().price("H100 SXM")["price_per_device_hour"] == 2.4024


def test_unknown_hardware_reference_is_refused(tmp_path):
    with pytest.raises(CPBError, match="'h999' is not a hardware id"):
        SheetStore(tmp_path).write({"prices": [_price_row(1.0, hardware_id="h999")]}, "bad",
                                   bundled=load_bundled().tables)
    assert SheetStore(tmp_path).history() == []  # nothing written


def test_formula_text_is_stored_neutralised_and_round_trips(tmp_path):
    hostile = "=HYPERLINK(\"http://evil\",\"click\")"
    store = SheetStore(tmp_path)
    store.write({"prices": [_price_row(1.0, notes=hostile, provider="@acme")]}, "hostile",
                bundled=load_bundled().tables)
    raw = (store.versions_dir / "v0001" / "prices.csv").read_text("utf-8")
    for line in raw.splitlines()[1:]:
        for cell in next(csv.reader([line])):
            assert not cell.startswith(("=", "+", "@")) or cell.replace(".", "").isdigit()
    row = store.read()["prices"][0]
    assert row["notes"] == hostile and row["provider"] == "@acme"


def test_layer_key_is_case_insensitive():
    bundled = load_bundled()
    row = {**bundled.tables["hardware"][0]}
    row.pop("origin")
    row["id"] = row["id"].upper().lower()
    sheet = layer(bundled, {"hardware": [row]}, "v0001")
    assert len(sheet.tables["hardware"]) == len(bundled.tables["hardware"])
