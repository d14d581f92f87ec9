"""Realistic inference estimates: roofline regimes, memory, costs, calibration, functions."""

import json

import numpy as np
import pytest
import xlwings

import xlcpb.udfs as udfs
from xlcpb import CPBError
from xlcpb.cli import main
from xlcpb.data.models import model
from xlcpb.estimators.calibration import (Fit, accuracy, by_regime, fit, leave_one_source_out,
                                         load_measurements, stored_fit, summary)
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
    def hand(peak, bandwidth, weight_bytes, factor=1.0):
        return weight_bytes * peak * e.compute * factor / (2 * bandwidth * e.memory)

    h100_bf16 = _crossover_batch("H100 SXM", "bf16")
    assert h100_bf16 == pytest.approx(hand(989.5e12, 3.35e12, 2), rel=0.01)
    # fp8 doubles the peak and halves the bytes: the crossover would stay put, but kernels
    # reach a smaller share of the 8-bit peak (the fitted fp8 factor) and it moves by that
    assert _crossover_batch("H100 SXM", "fp8") == pytest.approx(
        hand(1979e12, 3.35e12, 1, e.fp8_compute), rel=0.01)
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
    memory_bound = (80e9 * 0.9 - 8030261248 * 2) // (1200 * per_token)  # 355 sequences
    uncapped = estimate_llm("Llama-3.1-8B", "H100 SXM", "bf16", batch=4, input_tokens=1000,
                            output_tokens=200, max_batch=100_000)
    assert uncapped.max_batch == memory_bound and estimate.fits
    # the generic profile's scheduler caps the batch as vLLM's max_num_seqs does (256)
    assert estimate.max_batch == min(memory_bound, 256)
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
    estimate = estimate_llm("Llama-3.1-405B", "H100 SXM", "bf16", tensor_parallel=1)
    assert not estimate.fits and estimate.max_batch == 0
    with pytest.raises(CPBError, match="do not fit"):
        estimate_llm("Llama-3.1-405B", "H100 SXM", "bf16", batch="max", tensor_parallel=1)
    # 810 GB of weights exceed even 8 x 80 GB x 90%: no tensor-parallel size is chosen
    with pytest.raises(CPBError, match="do not fit in 8 x H100 SXM"):
        estimate_llm("Llama-3.1-405B", "H100 SXM", "bf16")


def test_tensor_parallel_defaults_to_the_smallest_that_fits():
    # 70.6 GB of fp8 weights + KV fit one H100 (72 GB usable) at batch 1; bf16 needs
    # 141 GB: two H100 hold 144 GB, so 2; at batch 64 x 1,200 tokens x 320 kB the KV
    # (24.6 GB) pushes it to 4
    assert estimate_llm("Llama-3.3-70B", "H100 SXM", "fp8").tensor_parallel == 1
    assert estimate_llm("Llama-3.3-70B", "H100 SXM", "bf16").tensor_parallel == 2
    assert estimate_llm("Llama-3.3-70B", "H100 SXM", "bf16", batch=64).tensor_parallel == 4


def test_overrides_and_implied_efficiency_round_trip():
    measured = estimate_llm("Llama-2-7B", "A100 SXM4 80GB", "fp16", input_tokens=1,
                            output_tokens=128, memory_efficiency=0.6).output_tokens_per_s
    implied = implied_efficiency("Llama-2-7B", "A100 SXM4 80GB", measured, precision="fp16",
                                 input_tokens=1, output_tokens=128)
    assert implied["bound"] == "memory"
    assert implied["memory_efficiency"] == pytest.approx(0.6, rel=1e-6)
    with pytest.raises(CPBError, match="outside what any memory efficiency"):
        implied_efficiency("Llama-2-7B", "A100 SXM4 80GB", 1e6, precision="fp16")


@pytest.fixture(scope="module")
def measurements():
    return load_measurements()  # every usable row of llm_measurement_conditions.csv


def test_calibration_reproduces_the_stored_profiles(measurements):
    stored = stored_fit()
    fitted = fit(measurements)
    generic = fit(measurements, single_group=True)
    assert fitted.shared == stored.shared
    assert generic.groups["generic"] == stored.groups["generic"]
    for group, values in fitted.groups.items():
        assert values == stored.groups[group], group


def test_accuracy_goals_on_the_calibration_file(measurements):
    rows = accuracy(measurements)
    totals = summary(rows)
    assert totals["ours"]["median_factor"] <= 1.25  # issue 12's goal
    # 95% of the published values within 2x (the few beyond: README, Accuracy)
    factors = [10 ** row["ours_log10_error"] for row in rows]
    assert np.percentile(factors, 95) <= 2.0
    assert totals["paper"]["median_factor"] > 3  # the naive formula is far off
    for regime, entry in by_regime(rows).items():
        assert entry["ours"]["median_factor"] <= 1.5, regime


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
    # three publications keep the test quick; tests/bench/bench_accuracy.py runs them all
    chosen = {"xiongjiedai-gpu-bench", "trtllm-perf-v0.5", "trtllm-perf-v1.0"}
    measurements = [m for m in measurements if m.source_key in chosen]
    held = leave_one_source_out(measurements)
    assert sorted(row["id"] + row["metric"] for row in held) == sorted(
        m.id + m.metric for m in measurements)
    assert all(row["held_out"] == row["source_key"] for row in held)
    # llama.cpp has one source: held out, its rows are scored by the generic fit of the rest,
    # which never saw a llama.cpp row, so they differ from the in-sample predictions
    source = "xiongjiedai-gpu-bench"
    in_sample = {row["id"]: row["ours"] for row in accuracy(measurements, fit(measurements))
                 if row["source_key"] == source}
    out_of_sample = {row["id"]: row["ours"] for row in held if row["source_key"] == source}
    assert in_sample.keys() == out_of_sample.keys()
    assert in_sample != out_of_sample


def test_request_overhead_is_fitted_on_first_token_latencies_only(measurements):
    # LMDeploy v0.2.0's closed-loop rows give throughput and TPOT, not TTFT: what a request
    # costs to admit is not seen there, so the fit keeps the value it starts from, whatever
    # the throughputs would gain from it; the efficiencies they do show move
    rows = [m for m in measurements if m.source_key == "lmdeploy-a100-v020-throughput"]
    assert rows and {m.metric for m in rows} == {"throughput", "tpot"}
    stored = stored_fit()
    start = Fit(groups={"lmdeploy": {**stored.groups["lmdeploy"], "request_overhead_s": 0.0123,
                                     "memory_efficiency": 0.4}},
                shared=stored.shared)
    fitted = fit(rows, rounds=1, start=start).groups["lmdeploy"]
    assert fitted["request_overhead_s"] == 0.0123
    assert fitted["memory_efficiency"] != 0.4
