"""Realistic inference estimates: roofline regimes, memory, costs, calibration, functions."""

import json

import numpy as np
import pytest
import xlwings

import xlcpb.udfs as udfs
from xlcpb import CPBError
from xlcpb.cli import main
from xlcpb.data.models import model
from xlcpb.estimators.calibration import accuracy, fit, load_measurements, summary
from xlcpb.estimators.llm import default_efficiency, estimate_llm, implied_efficiency
from excel_calls import NUM_ERROR, excel, scalar

CATALOG = ["GPT-2", "GPT-2 medium", "GPT-2 large", "GPT-2 XL", "GPT-J-6B", "Llama-2-7B",
           "Llama-2-13B", "Llama-2-70B", "Llama-3-8B", "Llama-3-70B", "Llama-3.1-8B",
           "Llama-3.1-70B", "Llama-3.1-405B", "Llama-3.3-70B", "Mistral-7B", "Mixtral-8x7B",
           "Qwen2.5-7B", "Qwen2.5-72B", "Gemma-2-9B", "Gemma-2-27B"]


@pytest.mark.parametrize("name", CATALOG + ["llama3.1-8b", "llama-3.1-8b", "Llama 3.1 8B"])
def test_catalog_names_resolve(name):
    row = model(name)
    assert row["source_url"].startswith("https://") and row["n_kv_heads"] <= row["n_heads"]


def test_llama_name_ambiguity_is_an_error():
    with pytest.raises(CPBError, match="fits 2 model rows"):
        model("Llama 8B")


def test_batch1_decode_is_memory_bound_and_long_prefill_compute_bound():
    estimate = estimate_llm("Llama-3.1-8B", "H100 SXM", "bf16", batch=1, input_tokens=8192,
                            output_tokens=256)
    assert estimate.bound == {"prefill": "compute", "decode": "memory"}
    # the paper's formula (2N FLOPs at peak) is hundreds of times too optimistic here
    assert estimate.tpot_s / estimate.naive_tpot_s > 100


def _crossover_batch(hardware, precision):
    batches = np.arange(1, 4000, dtype=float)
    estimate = estimate_llm("Llama-3.1-8B", hardware, precision, batch=batches,
                            input_tokens=1, output_tokens=1)
    return batches[np.argmax(estimate.bound["decode"] == "compute")]


def test_crossover_batch_moves_as_the_arithmetic_says():
    e = default_efficiency()
    # compute time B x 2N / (P e_c) meets weight-read time N w / (W e_m) at
    # B* = w P e_c / (2 W e_m): KV and attention are negligible at a 1-token context.
    def hand(peak, bandwidth, weight_bytes):
        return weight_bytes * peak * e.compute / (2 * bandwidth * e.memory)

    h100_bf16 = _crossover_batch("H100 SXM", "bf16")
    assert h100_bf16 == pytest.approx(hand(989.5e12, 3.35e12, 2), abs=1.5)
    # fp8 doubles the peak and halves the bytes: the crossover stays put
    assert _crossover_batch("H100 SXM", "fp8") == pytest.approx(h100_bf16, abs=1.5)
    # weight-only int4 reads a quarter of the bytes at fp16 speed: a quarter of the batch
    assert _crossover_batch("H100 SXM", "int4") == pytest.approx(hand(989.5e12, 3.35e12, 0.5),
                                                                  abs=1.5)
    # the A100 has a lower FLOP/s to bandwidth ratio: it turns compute-bound sooner
    assert _crossover_batch("A100 SXM4 80GB", "bf16") == pytest.approx(
        hand(312e12, 2.039e12, 2), abs=1.5)


def test_kv_cache_and_max_batch_by_hand():
    estimate = estimate_llm("Llama-3.1-8B", "H100 SXM", "bf16", batch=4, input_tokens=1000,
                            output_tokens=200)
    per_token = 2 * 32 * 8 * 128 * 2  # K and V, layers, KV heads, head dim, bf16 bytes
    assert estimate.kv_cache_bytes == 4 * 1200 * per_token
    assert estimate.max_batch == (80e9 * 0.9 - 8030261248 * 2) // (1200 * per_token)
    assert estimate.fits
    largest = estimate_llm("Llama-3.1-8B", "H100 SXM", "bf16", batch="max",
                           input_tokens=1000, output_tokens=200)
    assert largest.batch == estimate.max_batch and largest.fits


def test_mixture_of_experts_reads_active_weights_at_batch_one():
    small = estimate_llm("Mixtral-8x7B", "H100 SXM", "fp8", batch=1, input_tokens=10,
                         output_tokens=10, devices=1)
    dense_70b = estimate_llm("Llama-2-70B", "H100 SXM", "fp8", batch=1, input_tokens=10,
                             output_tokens=10)
    # 12.9B active of 46.7B: decode about as fast as a 13B dense model, much faster than 70B
    assert small.tpot_s < dense_70b.tpot_s / 3


def test_output_tokens_cost_more_than_input_tokens_at_small_batch():
    estimate = estimate_llm("Llama-3.1-70B", "H100 SXM", "fp8", devices=2, batch=16,
                            price_per_hour=3.78)
    assert estimate.output_input_cost_ratio > 2  # seed 001: APIs charge 2-5x more
    assert estimate.cost_per_mtok_blended == pytest.approx(
        (estimate.cost_per_s * (estimate.ttft_s + 200 * estimate.tpot_s))
        / (16 * 1200) * 1e6, rel=1e-12)


def test_a_precision_the_chip_lacks_is_an_error():
    with pytest.raises(CPBError, match="A100 SXM4 80GB has no published fp8 peak"):
        estimate_llm("Llama-3.1-8B", "A100 SXM4 80GB", "fp8")


def test_does_not_fit_is_reported():
    estimate = estimate_llm("Llama-3.1-405B", "H100 SXM", "bf16")
    assert not estimate.fits and estimate.max_batch == 0
    with pytest.raises(CPBError, match="do not fit"):
        estimate_llm("Llama-3.1-405B", "H100 SXM", "bf16", batch="max")


def test_overrides_and_implied_efficiency_round_trip():
    measured = estimate_llm("Llama-2-7B", "A100 SXM4 80GB", "fp16", input_tokens=1,
                            output_tokens=128, memory_efficiency=0.6).output_tokens_per_s
    implied = implied_efficiency("Llama-2-7B", "A100 SXM4 80GB", measured, precision="fp16",
                                 input_tokens=1, output_tokens=128)
    assert implied["bound"] == "memory"
    assert implied["memory_efficiency"] == pytest.approx(0.6, rel=1e-6)
    with pytest.raises(CPBError, match="outside what any memory efficiency"):
        implied_efficiency("Llama-2-7B", "A100 SXM4 80GB", 1e6, precision="fp16")


@pytest.fixture
def measurements():
    return load_measurements()  # the packaged rows calibration_map.toml lists under [fit]


def test_calibration_reproduces_the_stored_defaults(measurements):
    fitted = fit(measurements)
    assert fitted == default_efficiency()


def test_accuracy_goals_on_the_calibration_file(measurements):
    totals = summary(accuracy(measurements))
    assert totals["ours"]["median_factor"] <= 1.3
    assert totals["ours"]["worst_factor"] <= 3.0
    assert totals["paper"]["median_factor"] > 3  # the naive formula is far off


def test_case_studies_realistic(capsys):
    assert main(["case-studies", "--realistic", "--format", "json"]) == 0
    realistic = json.loads(capsys.readouterr().out)["realistic_text"]
    per_token = realistic["realistic"]["seconds_per_token"]
    assert realistic["realistic"]["decode_bound"] == "memory"
    assert 0.005 < per_token < 0.03  # roughly 10 ms per token, not 0.05 ms
    assert realistic["paper"]["seconds_per_token"] < 1e-4


def test_llm_cli(capsys):
    assert main(["llm", "Llama-3.1-8B", "H100 SXM", "--precision", "fp8", "--batch", "max",
                 "--format", "json"]) == 0
    values = json.loads(capsys.readouterr().out)
    assert values["batch"] == values["max_batch"] and values["cost_per_mtok_output"] > 0


def test_excel_functions_agree_with_the_estimator():
    python = estimate_llm("Llama-3.1-8B", "H100 SXM", "fp8", batch=8, input_tokens=512,
                          output_tokens=128, price_per_hour=3.78)
    args = ("Llama-3.1-8B", "H100 SXM", "fp8", 8, 512, 128, None)
    assert scalar(udfs, "cpb_llm_ttft", *args) == python.ttft_s
    assert scalar(udfs, "cpb_llm_tpot", *args) == python.tpot_s
    assert scalar(udfs, "cpb_llm_tokens_per_s", *args) == python.output_tokens_per_s
    assert scalar(udfs, "cpb_llm_max_batch", "Llama-3.1-8B", "H100 SXM", "fp8", 512, 128,
                  None) == python.max_batch
    for direction, field in (("input", "cost_per_mtok_input"),
                             ("output", "cost_per_mtok_output"), (None, "cost_per_mtok_blended")):
        assert scalar(udfs, "cpb_llm_cost_per_mtok", "Llama-3.1-8B", "H100 SXM", 3.78,
                      direction, "fp8", 8, 512, 128, None) == getattr(python, field)


def test_excel_functions_ranges_max_and_errors():
    column = excel(udfs, "cpb_llm_tpot", "Llama-3.1-8B", "H100 SXM", "fp8",
                   [[1], [64], [100000]], None, None, None)
    assert column[0][0] < column[1][0] and column[2][0] == NUM_ERROR  # does not fit
    largest = scalar(udfs, "cpb_llm_max_batch", "Llama-3.1-8B", "H100 SXM", "fp8", None, None,
                     None)
    assert scalar(udfs, "cpb_llm_tokens_per_s", "Llama-3.1-8B", "H100 SXM", "fp8", "max",
                  None, None, None) == estimate_llm("Llama-3.1-8B", "H100 SXM", "fp8",
                                                    batch=largest).output_tokens_per_s
    with pytest.raises(xlwings.XlwingsError, match="#N/A precision = 'bf16': A10G"):
        excel(udfs, "cpb_llm_ttft", "Llama-3.1-8B", "A10G", None, None, None, None, None)
    with pytest.raises(xlwings.XlwingsError, match="direction = 'sideways'"):
        excel(udfs, "cpb_llm_cost_per_mtok", "Llama-3.1-8B", "H100 SXM", 3.78, "sideways",
              None, None, None, None, None)


def test_leave_one_source_out_scores_each_source_with_a_fit_that_never_saw_it(measurements):
    from xlcpb.estimators.calibration import leave_one_source_out
    held = leave_one_source_out(measurements)
    assert sorted(row["id"] for row in held) == sorted(m.id for m in measurements)
    source = "xiongjiedai-gpu-bench"  # llama.cpp single-stream decode tables
    rest = [m for m in measurements if m.source_key != source]
    rows = [row for row in held if row["source_key"] == source]
    assert {row["held_out_fit"] for row in rows} == {fit(rest)}
    assert fit(rest) != fit(measurements)  # the held-out source did move the fit
