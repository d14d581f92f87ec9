"""The bundled price sheet: coverage, sourcing, freshness and quality checks (issue 17).

Expected figures are the sources' published values, transcribed by hand here from the files
named in each row's source_url; never the code's own output.
"""

import json
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from xlcpb import CPBError
from xlcpb.cli import main
from xlcpb.data.quality import (consistency_findings, currency_findings, duplicate_findings,
                                parse_age, plausibility_findings, price_age_days,
                                price_findings, sourcing_findings, stale_rows)
from xlcpb.data.sheet import load_bundled
from xlcpb.data.store import SheetStore

ROOT = Path(__file__).resolve().parent.parent
DONE_WHEN_CHIPS = ["h100-sxm5-80gb", "h200-sxm-141gb", "b200", "mi300x", "l40s", "l4",
                   "a100-sxm4-80gb"]
COMMITTED = ("reserved", "reserved-1y", "reserved-3y", "committed-1y", "committed-3y",
             "savings-plan-1y", "savings-plan-3y", "contract")


def _prices():
    return load_bundled().tables["prices"]


def _providers(model):
    found = defaultdict(set)
    for row in _prices():
        if row["pricing_model"] == model:
            # RunPod's community marketplace and secure cloud are one company
            found[row["hardware_id"]].add(row["provider"].removesuffix("-community"))
    return found


def test_every_bundled_price_row_is_dated_sourced_and_labelled():
    rows = _prices()
    assert sourcing_findings(rows) == []
    for row in rows:
        assert row["source_url"].startswith("http"), row
        assert row["effective_date"] and row["currency"] == "USD", row
        assert row["source_kind"] in ("vendor-price-file", "secondary"), row
        assert row["price_per_instance_hour"] == pytest.approx(
            row["price_per_device_hour"] * row["devices_per_instance"], rel=0.005), row
        if row["source_kind"] == "secondary":
            assert "Secondary" in row["notes"], row          # the row says it is one
        assert row["price_per_instance_hour"] is not None, row


def test_a_row_without_source_or_date_is_caught():
    row = dict(_prices()[0], source_url="  ", effective_date=None)
    assert [f["check"] for f in sourcing_findings([row])] == ["source", "date"]


def test_done_when_three_on_demand_providers_for_each_flagship_chip():
    on_demand = _providers("on-demand")
    short = {chip: sorted(on_demand[chip]) for chip in DONE_WHEN_CHIPS
             if len(on_demand[chip]) < 3}
    assert short == {}


def test_done_when_spot_and_reserved_for_three_chips_each():
    spot = {row["hardware_id"] for row in _prices() if row["pricing_model"] == "spot"}
    committed = {row["hardware_id"] for row in _prices() if row["pricing_model"] in COMMITTED}
    assert {"h100-sxm5-80gb", "h200-sxm-141gb", "l4", "l40s"} <= spot
    assert {"h100-sxm5-80gb", "h200-sxm-141gb", "b200", "a100-sxm4-80gb"} <= committed


@pytest.mark.parametrize("hardware, provider, instance, model, per_device, per_instance", [
    # datareceipts hyperscalers.json: "usd_per_hour": 55.04, "usd_per_gpu_hour": 6.88
    ("h100-sxm5-80gb", "aws", "p5.48xlarge", "on-demand", 6.88, 55.04),
    # same file: p4de.24xlarge 27.44705 / 3.4309
    ("a100-sxm4-80gb", "aws", "p4de.24xlarge", "on-demand", 3.4309, 27.44705),
    # Mithril page: "$12.03 instance/hr" for 8 GPUs, spot 7-day average
    ("h100-sxm5-80gb", "mithril", "H100 SXM5 (8 GPUs, 168 vCPUs)", "spot", 12.03 / 8, 12.03),
    # Hyperstack rate card: Reserved H200 SXM "price_per_hour_from: 2.79"
    ("h200-sxm-141gb", "hyperstack", "H200 SXM", "reserved", 2.79, 2.79),
    # same file: p4d.24xlarge 21.957642 / 2.7447
    ("a100-sxm4-40gb", "aws", "p4d.24xlarge", "on-demand", 2.7447, 21.957642),
    # Azure ND96isr_H100_v5: $12.29 per GPU-hour (datareceipts README); 8 GPUs
    ("h100-sxm5-80gb", "azure", "Standard_ND96isr_H100_v5", "on-demand", 12.29, 8 * 12.29),
    # tanod dataset, GCP a3-ultragpu-8g us-central1 2026-10-13: od 10.4365, spot 6.2607 per GPU
    ("h200-sxm-141gb", "gcp", "a3-ultragpu-8g", "spot", 6.2607, 8 * 6.2607),
])
def test_rows_carry_the_sources_published_figures(hardware, provider, instance, model,
                                                  per_device, per_instance):
    row, = [r for r in _prices() if (r["hardware_id"], r["provider"], r["instance_type"],
                                     r["pricing_model"]) == (hardware, provider, instance, model)]
    assert row["price_per_device_hour"] == pytest.approx(per_device, rel=1e-5)
    assert row["price_per_instance_hour"] == pytest.approx(per_instance, rel=1e-9)


def test_bundled_prices_pass_every_quality_check():
    assert price_findings(_prices()) == []


def _row(price, **extra):
    return {"hardware_id": "h100-sxm5-80gb", "provider": "p", "region": "r",
            "instance_type": "i", "devices_per_instance": 1, "pricing_model": "on-demand",
            "purchase_option": None, "term_months": None, "price_per_device_hour": price,
            "price_per_instance_hour": None, "currency": "USD",
            "effective_date": "2026-10-01", "source_url": "https://example.org/" + str(price),
            **extra}


def test_a_per_instance_price_entered_per_device_is_flagged_as_implausible():
    # four honest per-GPU prices and one 8-GPU instance price typed into the per-GPU column
    rows = [_row(p, provider=f"p{p}") for p in (2.69, 3.49, 3.85, 4.29)]
    rows.append(_row(55.04, provider="slip"))
    flagged = plausibility_findings(rows)
    assert [f["row"].split(" / ")[1] for f in flagged] == ["slip"]
    assert "median 3.67" in flagged[0]["detail"]           # median of 2.69, 3.49, 3.85, 4.29


def test_instance_term_duplicate_and_currency_checks():
    bad_instance = _row(6.88, devices_per_instance=8, price_per_instance_hour=50.0)
    good_instance = _row(6.88, devices_per_instance=8, price_per_instance_hour=55.04)
    wrong_term = _row(2.0, pricing_model="reserved-1y", term_months=36)
    spot_with_term = _row(1.0, pricing_model="spot", term_months=12)
    found = consistency_findings([bad_instance, good_instance, wrong_term, spot_with_term])
    assert [f["check"] for f in found] == ["per-instance", "term", "term"]
    twice = [_row(3.0, region="eu"), _row(3.0, region="us")]
    assert [f["check"] for f in duplicate_findings(twice)] == ["duplicate"]
    mixed = [_row(3.0), _row(2.8, currency="EUR", provider="q")]
    assert currency_findings(mixed)[0]["detail"].startswith("prices in EUR and USD")


def test_price_age_in_days_and_ages_people_write():
    assert price_age_days({"effective_date": "2026-09-25"}, "2026-11-22") == 58  # 5 + 31 + 22
    assert price_age_days({"effective_date": "2024-05-28"}, "2026-11-22") == 908
    assert parse_age("180d") == 180 and parse_age("26w") == 182 and parse_age("2y") == 730
    with pytest.raises(CPBError, match="Write an age such as 180d"):
        parse_age("six months")


def test_stale_rows_oldest_first():
    rows = [_row(1.0, effective_date="2026-06-01"), _row(2.0, effective_date="2025-01-01"),
            _row(3.0, effective_date="2026-11-01")]
    stale = stale_rows(rows, 100, "2026-11-22")
    assert [(r["price_per_device_hour"], r["age_days"]) for r in stale] == [(2.0, 690),
                                                                            (1.0, 174)]


def test_sheet_stale_cli_lists_the_rows_to_refresh(capsys):
    assert main(["sheet", "stale", "--kind", "prices", "--older-than", "1y",
                 "--today", "2026-11-22", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    # the only bundled price read before 2025-11-22: GCP's 2023 Billing Catalog row
    assert [(r["provider"], r["effective_date"], r["age_days"]) for r in rows] == [
        ("gcp", "2023-03-24", 1339)]


def test_sheet_list_shows_each_price_age(capsys):
    assert main(["sheet", "list", "--kind", "prices", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert all(isinstance(row["age_days"], int) for row in rows)


def test_sheet_check_strict_fails_on_a_users_unit_slip(tmp_path, monkeypatch, capsys):
    assert main(["sheet", "check", "--strict"]) == 0
    slip = {**_row(55.04, provider="acme", instance_type="p5.48xlarge"),
            "devices_per_instance": 8, "notes": None, "source_kind": None}
    SheetStore(tmp_path).write({"prices": [slip]}, "slip", bundled=load_bundled().tables)
    capsys.readouterr()
    assert main(["sheet", "check", "--strict", "--sheet", str(tmp_path), "--format",
                 "json"]) == 1
    checks = {f["check"] for f in json.loads(capsys.readouterr().out)}
    assert checks == {"plausibility"}


def test_example_budget_mixes_on_demand_reserved_and_spot_from_the_sheet():
    spec = tomllib.loads((ROOT / "xlcpb" / "templates" / "fleet_budget.toml").read_text("utf-8"))
    from xlcpb.data.plan import parse_plan_text
    plan = parse_plan_text(spec["plan"]["csv"].strip(), "example")
    assert sum(row["share_reserved"] for row in plan) > 0
    assert sum(row["share_spot"] for row in plan) > 0
    assert sum(row["share_on_demand"] for row in plan) > 0
    in_sheet = {(r["hardware_id"], r["pricing_model"], r["price_per_device_hour"])
                for r in _prices()}
    models = {"on_demand": ("on-demand",), "reserved": COMMITTED, "spot": ("spot",)}
    given = 0
    for row in plan:
        chip = load_bundled().hardware(row["hardware"])["id"]
        for suffix, names in models.items():
            price = row.get(f"price_{suffix}")
            if price is not None:
                assert any((chip, name, price) in in_sheet for name in names), row["name"]
                given += 1
    assert given >= 4


def _refresh_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location("refresh_prices",
                                                  ROOT / "tools" / "refresh_prices.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bundled_api_prices_are_what_the_refresh_script_builds(test_data):
    refresh = _refresh_module()
    litellm = test_data / "pricelists" / "08_litellm_model_prices_and_context_window.json"
    fresh = refresh.api_rows(litellm, refresh.LITELLM_URL)
    bundled = [{k: v for k, v in row.items() if k != "origin"}
               for row in load_bundled().tables["api_prices"]]
    assert fresh == bundled
    assert refresh.main(["--litellm", str(litellm), "--check"]) == 0


@pytest.mark.parametrize("model, column, published", [
    # LiteLLM 2026-07-24: claude-sonnet-4-5 input_cost_per_token_above_200k_tokens 6e-06,
    # output ..._above_200k_tokens 2.25e-05, cache_creation_input_token_cost 3.75e-06
    ("claude-sonnet-4-5", "long_context_threshold_tokens", 200_000),
    ("claude-sonnet-4-5", "long_context_input_price_per_mtok", 6.0),
    ("claude-sonnet-4-5", "long_context_output_price_per_mtok", 22.5),
    ("claude-sonnet-4-5", "cache_write_price_per_mtok", 3.75),
    # gpt-4.1 input_cost_per_token_batches 1e-06, output_cost_per_token_batches 4e-06
    ("gpt-4.1", "batch_input_price_per_mtok", 1.0),
    ("gpt-4.1", "batch_output_price_per_mtok", 4.0),
    # xai/grok-4-fast-reasoning: above 128k tokens input 4e-07, output 1e-06
    ("grok-4-fast-reasoning", "long_context_threshold_tokens", 128_000),
    ("grok-4-fast-reasoning", "long_context_output_price_per_mtok", 1.0),
    # tts-1 input_cost_per_character 1.5e-05 -> $15 per 1M characters
    # gpt-5.5: input_cost_per_token_above_272k_tokens 1e-05; input_cost_per_token_batches 2.5e-06
    ("gpt-5.5", "long_context_threshold_tokens", 272_000),
    ("gpt-5.5", "long_context_input_price_per_mtok", 10.0),
    ("gpt-5.5", "batch_input_price_per_mtok", 2.5),
    ("claude-opus-5", "cache_write_price_per_mtok", 6.25),   # cache_creation 6.25e-06
    ("tts-1", "price_per_unit", 15.0),
    ("dall-e-3", "price_per_unit", 0.04),       # input_cost_per_image 0.04
    ("sora-2", "price_per_unit", 0.1),          # output_cost_per_video_per_second 0.1
])
def test_api_rows_carry_the_published_prices(model, column, published):
    row, = [r for r in load_bundled().tables["api_prices"] if r["model"] == model]
    assert row[column] == pytest.approx(published, rel=1e-12)


def test_api_coverage_vendors_and_media_units():
    rows = load_bundled().tables["api_prices"]
    providers = {row["provider"] for row in rows}
    assert {"openai", "anthropic", "gemini", "mistral", "deepseek", "xai"} <= providers
    assert {"together_ai", "fireworks_ai", "groq"} <= providers      # hosted open models
    assert {row["unit"] for row in rows if row["unit"]} == {
        "image", "1M characters", "second of audio", "second of video"}


def test_a_media_model_is_refused_as_a_text_api_model():
    with pytest.raises(CPBError, match="sold per second of video, not a text model"):
        load_bundled().api_price("sora-2")
    assert load_bundled().api_price("gpt-4.1-mini")["output_price_per_mtok"] == pytest.approx(1.6)


def test_refresh_merges_a_vendor_file_through_the_importers(test_data):
    refresh = _refresh_module()
    offer = test_data / "pricelists" / "03_aws_ec2_offer_p4d.24xlarge_excerpt.json"
    url = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/20240528203522/"
    rows = refresh.vendor_rows([f"{offer}={url}"])
    merged = refresh.merged("prices", [dict(r) for r in _prices()], rows)
    assert len(merged) == len(_prices())            # replaces the p4d row, keeps the rest
    p4d, = [r for r in merged if r["instance_type"] == "p4d.24xlarge"]
    assert p4d["price_per_device_hour"] == pytest.approx(32.7726 / 8)
    assert p4d["price_per_instance_hour"] == pytest.approx(32.7726)
    assert p4d["source_kind"] == "vendor-price-file" and p4d["source_url"] == url
    assert price_findings(merged) == []                 # the merged sheet still passes


def test_refresh_replaces_the_gcp_row_it_came_from(test_data):
    refresh = _refresh_module()
    rows = refresh.vendor_rows([test_data / "pricelists" / "04_gcp_billing_catalog_skus_a100.json"])
    merged = refresh.merged("prices", [dict(r) for r in _prices()], rows)
    assert len(merged) == len(_prices())            # same key as the bundled GCP row


@pytest.mark.parametrize("chip, column, published", [
    ("h100-sxm5-80gb", "interconnect_bandwidth_bytes_per_s", 900e9),   # NVLink 4, 900 GB/s
    ("b200", "interconnect_bandwidth_bytes_per_s", 1.8e12),            # NVLink 5, 1,800 GB/s
    ("mi300x", "interconnect_bandwidth_bytes_per_s", 896e9),  # AMD CDNA 3 white paper, Table 2
    ("mi325x", "fp8_flops_per_s", 2614.9e12),                # same table: FP8 2,614.9 TF dense
    ("t4", "interconnect_bandwidth_bytes_per_s", 32e9),      # PCIe 3.0 x16, both directions
    ("trainium2", "bf16_flops_per_s", 667e12),               # Epoch AI: 667 TFLOPS BF16
    ("tpu-v6e", "interconnect_bandwidth_bytes_per_s", 800e9),  # Google: ICI 800 GBps, bidir.
    ("tpu-v5p", "interconnect_bandwidth_bytes_per_s", 1200e9),  # Google: ICI 1,200 GBps
])
def test_hardware_rows_carry_the_published_figures(chip, column, published):
    assert load_bundled().hardware(chip)[column] == pytest.approx(published, rel=1e-9)


def test_a10g_fp32_is_derived_from_the_ga102_figures_in_its_notes():
    # 288 tensor cores / 4 per SM = 72 SMs; 128 FP32 lanes x 2 FLOP (FMA) x 1,710 MHz boost
    derived = 288 / 4 * 128 * 2 * 1710e6
    a10g = load_bundled().hardware("A10G")
    assert a10g["fp32_flops_per_s"] == pytest.approx(derived, rel=0.001)   # 31.5 vs 31.52
    assert "DERIVED" in a10g["notes"] and a10g["fp16_flops_per_s"] is None


def test_every_chip_states_its_interconnect_kind_or_says_why_not():
    for row in load_bundled().tables["hardware"]:
        assert row["interconnect_kind"] or "Interconnect:" in row["notes"], row["id"]
        if row["interconnect_bandwidth_bytes_per_s"] is None:
            assert "Interconnect" in row["notes"], row["id"]
