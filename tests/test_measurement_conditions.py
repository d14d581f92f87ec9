"""The structured conditions of every published LLM measurement (llm_measurement_conditions.csv).

The estimator fits and scores on these values, so each row must name catalog entries that
exist, a deployment shape that adds up to the GPUs the source used, and load fields that fit
its mode. The hand-checked rows at the bottom were read off the free-text columns of
llm_measurements.csv by a person, not produced by the script that builds the file.
"""

from __future__ import annotations

import csv
import io

import pytest

from xlcpb.data.bundled import bundled_text
from xlcpb.data.sheet import load_bundled, precisions

COLUMNS = ["id", "use", "why_not", "model", "hardware", "precision", "tensor_parallel",
           "replicas", "mode", "batch", "concurrency", "request_rate_per_s", "max_batch",
           "input_tokens", "output_tokens", "profile", "throughput_output_tokens_per_s",
           "ttft_s", "tpot_s", "notes"]
PROFILES = {"tensorrt-llm", "vllm", "sglang", "llama.cpp", "lmdeploy", "gpt-fast", "generic"}
MEASURED = ("throughput_output_tokens_per_s", "ttft_s", "tpot_s")


def _rows(name):
    return list(csv.DictReader(io.StringIO(bundled_text(name))))


MEASUREMENTS = {row["id"]: row for row in _rows("llm_measurements.csv")}
CONDITIONS = _rows("llm_measurement_conditions.csv")
BY_ID = {row["id"]: row for row in CONDITIONS}
USED = [row for row in CONDITIONS if row["use"] == "yes"]


def _ids(rows):
    return [row["id"] for row in rows]


def test_one_row_per_measurement_in_the_same_order_with_the_agreed_columns():
    text = bundled_text("llm_measurement_conditions.csv")
    assert text.splitlines()[0].split(",") == COLUMNS
    assert _ids(CONDITIONS) == list(MEASUREMENTS)


@pytest.mark.parametrize("row", CONDITIONS, ids=_ids(CONDITIONS))
def test_catalog_names_resolve_and_the_shape_adds_up(row):
    sheet = load_bundled()
    models = {m["id"] for m in sheet.tables["models"]}
    hardware = {h["id"] for h in sheet.tables["hardware"]}
    assert row["use"] in ("yes", "no")
    assert bool(row["why_not"]) == (row["use"] == "no"), "why_not is given exactly for use=no"
    assert row["mode"] in ("offline", "server", "latency")
    assert row["profile"] in PROFILES
    # a blank catalog cell is allowed only on a row that is not used (and says why)
    for column, known in (("model", models), ("hardware", hardware),
                          ("precision", set(precisions()))):
        assert row[column] in known or (row[column] == "" and row["use"] == "no"), column
    if row["tensor_parallel"] or row["replicas"]:
        gpus = int(row["tensor_parallel"]) * int(row["replicas"])
        assert gpus == int(MEASUREMENTS[row["id"]]["num_gpus"])
    for column in ("batch", "concurrency", "max_batch", "tensor_parallel", "replicas"):
        if row[column]:
            assert int(row[column]) >= 1, column
    for column in ("request_rate_per_s", "input_tokens", "output_tokens", *MEASURED):
        if row[column]:
            assert float(row[column]) > 0, column


@pytest.mark.parametrize("row", USED, ids=_ids(USED))
def test_a_used_row_is_complete_for_its_mode(row):
    assert row["model"] and row["hardware"] and row["precision"]
    assert row["tensor_parallel"] and row["replicas"]
    assert float(row["input_tokens"]) >= 1 and float(row["output_tokens"]) >= 1
    assert any(row[column] for column in MEASURED)
    load = {column for column in ("batch", "concurrency", "request_rate_per_s") if row[column]}
    expected = {"offline": set(), "latency": {"batch"}}.get(row["mode"])
    if expected is None:  # server: at a concurrency or at a request rate, not both
        assert load in ({"concurrency"}, {"request_rate_per_s"})
    else:
        assert load == expected
    # a per-token time is never longer than a whole request at the reported throughput
    if row["tpot_s"] and row["mode"] == "latency" and row["batch"] == "1":
        assert float(row["tpot_s"]) < 1.0


def test_every_regime_the_estimator_needs_has_used_rows():
    used = {(row["mode"], row["profile"]) for row in USED}
    for mode in ("offline", "server", "latency"):
        assert any(m == mode for m, _ in used), mode
    for profile in ("tensorrt-llm", "vllm", "sglang", "llama.cpp"):
        assert any(p == profile for _, p in used), profile


# Read by hand from the free-text columns of llm_measurements.csv (id -> expected values).
HAND_CHECKED = {
    # parallelism "TP2 x 4 replicas", "Server scenario, Poisson arrivals, 74.42 completed
    # samples/s; gpu_batch_size 896 offline / 1024 server per TP2 engine", TTFT 275.9 ms,
    # TPOT 155.0 ms; input lengths of the OpenOrca set not stated -> not used
    "mlperf41-nvidia-dgx-h100_h100-sxm-80gbx8_trt-llama2-server": dict(
        use="no", model="llama-2-70b", hardware="h100-sxm5-80gb", precision="fp8",
        tensor_parallel="2", replicas="4", mode="server", request_rate_per_s="74.42",
        max_batch="1024", output_tokens="290.3", ttft_s="0.2759", tpot_s="0.155"),
    # "TP4 x 2 replicas" on 8 L40S, offline gpu_batch_size 1024
    "mlperf41-fujitsu-cdi_l40sx8_trt-llama2-offline": dict(
        tensor_parallel="4", replicas="2", hardware="l40s", mode="offline", max_batch="1024"),
    # AMD MI300X "TP1 x 8 replicas (DP=8)", FP8 weights+activations, FP8 KV cache
    "mlperf41-amd-8xmi300x_2xepyc-9374f-llama2-offline": dict(
        tensor_parallel="1", replicas="8", hardware="mi300x", precision="fp8", profile="vllm"),
    # gpt-fast Llama-2-70B 8-bit on 8 A100 at 80.44 tok/s: weight-only int8, TPOT 1/80.44 s
    # (one measurement, one point: throughput blank), prompt "Hello, my name is" (5 tokens),
    # generate.py default 200 new tokens
    "gptfast-l270b-int8-tp8": dict(
        use="yes", model="llama-2-70b", hardware="a100-sxm4-80gb", precision="w8a16",
        tensor_parallel="8", replicas="1", mode="latency", batch="1", input_tokens="5",
        output_tokens="200", profile="gpt-fast", throughput_output_tokens_per_s="",
        tpot_s=f"{1 / 80.44:.6g}"),
    # NIM: 2 x H100, TP2, concurrency 25, 5000/500 tokens, 623.4 tok/s, TTFT 688.69 ms, ITL
    # 38.75 ms
    "nim180-llama33-70b-h100x2-tp2-5000-500-c25": dict(
        use="yes", model="llama-3.3-70b", hardware="h100-sxm5-80gb", precision="fp8",
        tensor_parallel="2", replicas="1", mode="server", concurrency="25",
        input_tokens="5000", output_tokens="500", profile="tensorrt-llm",
        throughput_output_tokens_per_s="623.4", ttft_s="0.68869", tpot_s="0.03875"),
    # TRT-LLM serving: Poisson QPS=8 ("achieved 7 req/s": 500 requests over a run with a
    # tail), 467/256, mean TTFT 92 ms, ITL 32 ms
    "trt014srv-llama-31-70b-h100-tp4-467-256-qps8": dict(
        use="yes", model="llama-3.1-70b", precision="bf16", tensor_parallel="4",
        mode="server", request_rate_per_s="8", input_tokens="467", output_tokens="256",
        throughput_output_tokens_per_s="1860", ttft_s="0.092", tpot_s="0.032"),
    # QPS=32 "achieved 16 req/s" = the QPS=INF run's 16: overloaded, i.e. saturated
    "trt014srv-llama-31-70b-h100-tp4-467-256-qps32": dict(
        mode="offline", request_rate_per_s="", throughput_output_tokens_per_s="4083"),
    # offered 8 req/s but 2400 prompts took 669.5 s (3.6 req/s): overloaded
    "dcsglang-llama31-405b-h200-tp8-random-8-1024-1024": dict(
        mode="offline", request_rate_per_s=""),
    # QPS=INF: all requests at once -> offline
    "trt014srv-llama-31-8b-h200-tp1-202-214-qpsinf": dict(
        mode="offline", request_rate_per_s="", hardware="h200-sxm-141gb"),
    # LMDeploy static batch 64 on 4 x A100-80G: a static batch, not continuous batching
    "lmdeploy010-llama2-70b-a100-tp4-b64-128-2048": dict(
        use="yes", mode="latency", batch="64", tensor_parallel="4", profile="lmdeploy",
        ttft_s="1.173", tpot_s="0.043", throughput_output_tokens_per_s="1391.8"),
    # AMD ROCm table: 'Throughput (tokens/s)' does not say output or total -> not used, blank
    "amdperf-0901-llama31-70b-mi300x-tp8-128-2048": dict(
        use="no", max_batch="3200", throughput_output_tokens_per_s="", tensor_parallel="8"),
    # pipeline parallel TP1,PP8 cannot be written as TP x replicas
    "trt10-l33-70b-rtx6000pro-tp1pp8-128-2048": dict(
        use="no", tensor_parallel="", replicas="", hardware=""),
    # llama.cpp splits layers across 4 GPUs: not tensor parallel
    "xdai-llama3-70b-f16-h100-pcie-80gb-x4": dict(
        use="no", tensor_parallel="", hardware="h100-pcie-80gb", precision="fp16"),
    # Q4_K_M on one RTX 4090 via llama-bench tg512: 130.58 tok/s -> TPOT 1/130.58 s
    "llamacpp-llama3-8b-q4km-4090": dict(
        use="yes", model="llama-3-8b", hardware="rtx-4090", precision="q4_k_m",
        output_tokens="512", tpot_s=f"{1 / 130.58:.6g}", profile="llama.cpp"),
    # GH200 FP8 run: the sheet has no fp8 peak for the GH200, so it cannot be estimated
    "trt017-llama-31-70b-tp1-gh200-128-2048": dict(use="no", hardware="gh200", precision="fp8"),
    # SGLang on 4 x H200, Poisson 4 req/s, means 513.2 in / 506.6 out, median TTFT 106.06 ms
    "dcsglang-llama33-70b-h200-tp4-random-4-1024-1024": dict(
        use="yes", mode="server", request_rate_per_s="4", input_tokens="513.2",
        output_tokens="506.6", ttft_s="0.10606", tpot_s="0.01942", profile="sglang"),
    # gpt-oss-120b MXFP4 on 8 x B200 at concurrency 1: TPOT 2.41 ms (its 397 tok/s is the
    # same single stream: one point)
    "gist-sglang058-gpt-oss-120b-b200x8-tp8-c1": dict(
        use="yes", model="gpt-oss-120b", hardware="b200", precision="fp4", tensor_parallel="8",
        mode="latency", batch="1", tpot_s="0.00241", throughput_output_tokens_per_s=""),
    # TTFT at batch 1 on "A100" (form factor not stated): 2048 tokens in, 133 ms
    "trt05-ttft-7b-a100-2048": dict(
        use="yes", model="llama-7b", hardware="a100-sxm4-80gb", precision="fp16",
        mode="latency", batch="1", input_tokens="2048", output_tokens="1", ttft_s="0.133"),
    # ShareGPT lengths not stated -> not used
    "sgvllm-vllm-llama31-8b-tp1-rps4": dict(use="no", request_rate_per_s="4", profile="vllm"),
    # MLPerf v5.1 B200: precision not stated in the cited file
    "mlperf51-nvidia-b200x8-llama2-70b-offline": dict(use="no", precision=""),
}


@pytest.mark.parametrize("ident", sorted(HAND_CHECKED))
def test_hand_checked_rows(ident):
    row = BY_ID[ident]
    for column, expected in HAND_CHECKED[ident].items():
        assert row[column] == expected, (ident, column, row[column], expected)
