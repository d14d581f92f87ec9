"""Serving under load: steady state, request rates, latency targets, tensor-parallel
all-reduces, sliding windows and scheduler caps - each checked against arithmetic by hand."""

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from xlcpb import CPBError
from xlcpb.cli import main
from xlcpb.engine.serving import (admission_seconds, allreduce_seconds,
                                  grouped_gemm_efficiency, steady_state)
from xlcpb.estimators.llm import estimate_llm, profile_efficiency

H100 = "H100 SXM"


def test_allreduce_by_hand_and_free_on_one_device():
    # 4 devices, 64 kB message, 900 GB/s both ways -> 450 GB/s one way at 80% = 360 GB/s:
    # 10 us + 2 x 3/4 x 65,536 B / 360e9 B/s = 10 us + 0.27307 us
    assert allreduce_seconds(65536, 4, 900e9, 0.8, 10e-6) == pytest.approx(
        10e-6 + 1.5 * 65536 / 360e9, rel=1e-12)
    assert allreduce_seconds(65536, 1, 900e9, 0.8, 10e-6) == 0.0


def test_steady_state_at_one_sequence_is_plain_decode_and_prefill():
    # a toy step: 1 ms per decode sequence, 0.01 ms per prefill token, no overhead
    def step(decoding, prefilling, prompt):
        return {"compute_s": 1e-3 * decoding + 1e-5 * prefilling, "memory_s": 0.0,
                "comm_s": 0.0, "host_s": 0.0}
    state = steady_state(step, 1.0, 500.0, 100.0, 1e9, 0.0)
    # alone, no other prompt shares a step: TPOT = 1 ms, TTFT = 500 x 0.01 ms = 5 ms
    assert state["tpot_s"] == pytest.approx(1e-3)
    assert state["ttft_s"] == pytest.approx(5e-3)
    assert state["output_tokens_per_s"] == pytest.approx(100 / (5e-3 + 99 * 1e-3))
    # at 11 sequences each step also prefills the others' successors: 10 x 500 / 100 = 50
    # prompt tokens: TPOT = 11 ms + 0.5 ms; TTFT = 10 decodes + 50 + 500 prompt tokens
    busy = steady_state(step, 11.0, 500.0, 100.0, 1e9, 0.0)
    assert busy["tpot_s"] == pytest.approx(11e-3 + 50 * 1e-5)
    assert busy["ttft_s"] == pytest.approx(10e-3 + 550 * 1e-5)
    # a 4,096-token chunk: the 500-token prompt fits one; a 200-token chunk needs 3 steps
    chunked = steady_state(step, 11.0, 500.0, 100.0, 200.0, 0.0)
    assert chunked["ttft_s"] == pytest.approx(3 * (10e-3 + (50 + 500 / 3) * 1e-5))


def test_a_request_rate_is_served_at_the_concurrency_littles_law_gives():
    estimate = estimate_llm("Llama-3.1-8B", H100, "fp8", mode="server",
                            request_rate_per_s=12.0, replicas=3, devices=3)
    assert estimate.requests_per_s == pytest.approx(12.0, rel=1e-6)
    # Little's law: concurrency = rate x time in system, per replica
    per_request = estimate.ttft_s + (200 - 1) * estimate.tpot_s
    assert estimate.batch == pytest.approx(4.0 * per_request, rel=1e-6)


def test_latency_targets_choose_the_largest_batch_that_meets_them():
    estimate = estimate_llm("Llama-3.3-70B", H100, "fp8", tensor_parallel=2, replicas=4,
                            mode="server", tpot_slo_s=0.05)
    assert estimate.tpot_s <= 0.05
    one_more = estimate_llm("Llama-3.3-70B", H100, "fp8", tensor_parallel=2, replicas=4,
                            mode="server", batch=estimate.batch + 1)
    assert one_more.tpot_s > 0.05
    assert estimate.output_tokens_per_s == pytest.approx(
        4 * estimate.output_tokens_per_s_per_replica)
    with pytest.raises(CPBError, match="not met even by one sequence"):
        estimate_llm("Llama-3.3-70B", H100, "fp8", tensor_parallel=8, mode="server",
                     tpot_slo_s=0.001)
    with pytest.raises(CPBError, match="more than the replicas can serve"):
        estimate_llm("Llama-3.1-8B", H100, "fp8", mode="server", request_rate_per_s=1e6)


def test_rates_and_targets_need_server_mode():
    with pytest.raises(CPBError, match='needs mode "server"'):
        estimate_llm("Llama-3.1-8B", H100, "fp8", tpot_slo_s=0.05)


def test_tensor_parallel_all_reduces_by_hand_over_pcie():
    # Llama-3.1-8B fp16 on 2 x A100 PCIe, batch 1: every decode step all-reduces one token's
    # 4,096 16-bit activations twice per layer over PCIe 4.0 x16 (64 GB/s both ways, 32 GB/s
    # one way)
    one = estimate_llm("Llama-3.1-8B", "A100 PCIe 80GB", "fp16", tensor_parallel=2, batch=1,
                       input_tokens=100, output_tokens=100)
    e = profile_efficiency("generic")
    per_allreduce = e.allreduce_latency_s + 2 * (1 / 2) * 4096 * 2 / (32e9 * e.link_efficiency)
    comm = 2 * 32 * per_allreduce
    assert one.comm_share * one.tpot_s == pytest.approx(comm, rel=1e-9)
    # and the same split over NVLink (900 GB/s) costs less
    nvlink = estimate_llm("Llama-3.1-8B", "A100 SXM4 80GB", "fp16", tensor_parallel=2, batch=1,
                          input_tokens=100, output_tokens=100)
    assert nvlink.comm_share * nvlink.tpot_s < comm


def test_sliding_window_bounds_the_kv_cache():
    # Mistral-7B attends to the last 4,096 tokens in every layer: 8 KV heads x 128 x 32
    # layers x 2 x 2 B = 131,072 B a token, and never more than 4,096 tokens of it
    long = estimate_llm("Mistral-7B", H100, "bf16", batch=2, input_tokens=16000,
                        output_tokens=1000)
    assert long.kv_cache_bytes == 2 * 4096 * 131072
    short = estimate_llm("Mistral-7B", H100, "bf16", batch=2, input_tokens=1000,
                         output_tokens=1000)
    assert short.kv_cache_bytes == 2 * 2000 * 131072


def test_the_scheduler_cap_bounds_max():
    capped = estimate_llm("Llama-3.1-8B", H100, "fp8", mode="offline", profile="vllm")
    assert capped.batch == 256  # vLLM's max_num_seqs
    own = estimate_llm("Llama-3.1-8B", H100, "fp8", mode="offline", max_batch=64)
    assert own.batch == 64 and own.output_tokens_per_s < capped.output_tokens_per_s
    # Mixtral no longer fills 80 GB with tens of thousands of sequences
    mixtral = estimate_llm("Mixtral-8x7B", H100, "fp8", tensor_parallel=2, batch="max")
    assert mixtral.batch <= 256


def test_the_issue_commands_answer(capsys):
    assert main(["llm", "Llama-3.3-70B", H100, "--precision", "fp8", "--replicas", "4",
                 "--tensor-parallel", "2", "--mode", "server", "--tpot-slo", "0.05",
                 "--format", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["mode"] == "server" and answer["tensor_parallel"] == 2
    assert answer["tpot_s"] <= 0.05 and answer["batch"] >= 1
    assert answer["cost_per_mtok_output"] > 0 and answer["ttft_s"] > 0
    assert main(["llm", "Llama-3.1-70B", "MI300X", "--precision", "fp8", "--devices", "8",
                 "--replicas", "8", "--mode", "server", "--profile", "vllm",
                 "--format", "json"]) == 0
    amd = json.loads(capsys.readouterr().out)
    assert amd["efficiency"]["profile"] == "vllm" and amd["replicas"] == 8
    assert main(["llm", "Mixtral-8x7B", H100, "--precision", "fp8", "--tensor-parallel", "2",
                 "--mode", "server", "--request-rate", "5", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["requests_per_s"] == pytest.approx(5.0)


def test_a_configuration_that_does_not_fit_is_never_priced(capsys):
    assert main(["llm", "Llama-3.1-405B", H100, "--precision", "bf16",
                 "--tensor-parallel", "1"]) == 2
    assert "does not fit" in capsys.readouterr().err


@settings(max_examples=40, deadline=None)
@given(concurrency=st.integers(1, 200), prompt=st.integers(1, 8000),
       output=st.integers(2, 2000))
def test_more_concurrency_never_lowers_tpot_nor_throughput(concurrency, prompt, output):
    rows = estimate_llm("Llama-3.1-8B", H100, "fp8", mode="server",
                        batch=np.array([concurrency, concurrency + 1.0]),
                        input_tokens=prompt, output_tokens=output, max_batch=100_000)
    assert rows.tpot_s[1] >= rows.tpot_s[0] * (1 - 1e-12)
    assert rows.output_tokens_per_s[1] >= rows.output_tokens_per_s[0] * (1 - 1e-9)


def test_excel_takes_the_serving_arguments_after_the_old_ones():
    import xlcpb.udfs as udfs
    from excel_calls import scalar
    python = estimate_llm("Llama-3.3-70B", H100, "fp8", tensor_parallel=2, replicas=4,
                          mode="server", profile="tensorrt-llm", tpot_slo_s=0.05)
    # model, hardware, precision, batch, input, output, devices, tensor_parallel, replicas,
    # mode, profile, request_rate_per_s, ttft_slo_s, tpot_slo_s, max_batch
    args = ("Llama-3.3-70B", H100, "fp8", None, None, None, None, 2, 4, "server",
            "tensorrt-llm", None, None, 0.05, None)
    assert scalar(udfs, "cpb_llm_tpot", *args) == python.tpot_s
    assert scalar(udfs, "cpb_llm_tokens_per_s", *args) == python.output_tokens_per_s
    # a rate through Excel is the same Little's-law state as through Python
    rate = ("Llama-3.1-8B", H100, "fp8", None, None, None, None, None, None, "server", None,
            7.5, None, None, None)
    assert scalar(udfs, "cpb_llm_ttft", *rate) == estimate_llm(
        "Llama-3.1-8B", H100, "fp8", mode="server", request_rate_per_s=7.5).ttft_s


def test_impossible_deployments_are_refused_with_the_reason(capsys):
    with pytest.raises(CPBError, match="32 attention heads do not split evenly over 3"):
        estimate_llm("Llama-3.1-8B", H100, "fp8", tensor_parallel=3)
    with pytest.raises(CPBError, match="completes at most"):
        estimate_llm("Llama-3.1-8B", H100, "fp8", mode="server", request_rate_per_s=1e9)
    # more concurrent requests than fit wait in the queue: Little's law gives their TTFT
    queued = estimate_llm("Llama-3.1-8B", H100, "fp8", mode="server", batch=5000)
    capacity = estimate_llm("Llama-3.1-8B", H100, "fp8", mode="server", batch="max")
    assert queued.output_tokens_per_s == pytest.approx(capacity.output_tokens_per_s)
    assert queued.ttft_s == pytest.approx(
        5000 / capacity.requests_per_s - 199 * capacity.tpot_s, rel=1e-9)


def test_llm_takes_the_price_the_options_choose(capsys):
    from xlcpb.data.sheet import load_sheet
    spot = load_sheet().price(H100, pricing_model="spot")
    assert main(["llm", "Llama-3.1-8B", H100, "--precision", "fp8", "--pricing-model", "spot",
                 "--format", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["cost_per_s"] == pytest.approx(spot["price_per_device_hour"] / 3600)
    assert main(["llm", "Llama-3.1-8B", H100, "--precision", "fp8", "--pricing-model",
                 "spot"]) == 0
    assert f"price: {spot['provider']}" in capsys.readouterr().out


def test_grouped_gemm_efficiency_by_hand():
    # Qwen3-30B-A3B prefilling 8,192 tokens: 8,192 x 8 / 128 = 512 tokens per expert of
    # width 768; half rates at 64 tokens and 1,024 features: 512/576 x 768/1,792
    assert grouped_gemm_efficiency(512, 768, 64, 1024) == pytest.approx(
        512 / 576 * 768 / 1792, rel=1e-12)
    # zero half-lengths turn a factor off; a step with no tokens has nothing to slow down
    assert grouped_gemm_efficiency(512, 768, 0, 0) == 1.0
    assert grouped_gemm_efficiency(0, 768, 64, 0) == 1.0
    # wider experts and more tokens per expert only ever get closer to the dense rate
    widths = grouped_gemm_efficiency(512, np.array([256.0, 768, 2048, 14336]), 64, 1024)
    assert np.all(np.diff(widths) > 0) and widths[-1] < 1


def test_narrow_experts_make_an_moe_prefill_slower_and_leave_dense_models_alone():
    base = profile_efficiency("tensorrt-llm")
    plain = replace(base, moe_compute=1.0, moe_tokens_half=0.0, moe_width_half=0.0)
    # Qwen3-30B-A3B's expert width, from its parameters: (30,532,122,624 - 3,353,032,704) /
    # (128 - 8) experts over 3 x 2,048 x 48 = 768 features; at f_1/2 = 768 its routed experts
    # run at half the dense rate
    halved = replace(plain, moe_width_half=768.0)
    moe = [estimate_llm("Qwen3-30B-A3B", H100, "fp8", batch=1, input_tokens=8192,
                        output_tokens=1, efficiency=e) for e in (plain, halved)]
    assert moe[0].bound["prefill"] == "compute"
    # routed share of the active parameters: 8 x 226,492,416 / 3,353,032,704 = 0.5404; at
    # half rate the matmul FLOPs cost 1 + 0.5404 times as much (attention unchanged)
    ratio = moe[1].ttft_s / moe[0].ttft_s
    assert 1.3 < ratio < 1.5404
    dense = [estimate_llm("Llama-3.1-8B", H100, "fp8", batch=1, input_tokens=8192,
                          output_tokens=1, efficiency=e).ttft_s for e in (plain, halved)]
    assert dense[0] == dense[1]


def test_admission_once_per_rank_and_half_the_batch_on_average():
    assert admission_seconds(0.001, 4, 1) == pytest.approx(0.004)
    assert admission_seconds(0.001, 4, 0) == pytest.approx(0.001)
    # a static batch of 64: the mean request waits for (64 + 1) / 2 admissions; LMDeploy
    # admits each once per tensor-parallel rank, so at TP4 each costs four times as much
    lmdeploy = profile_efficiency("lmdeploy")
    assert lmdeploy.admission_per_rank and not profile_efficiency("vllm").admission_per_rank

    def ttft(overhead, per_rank):
        chosen = replace(lmdeploy, request_overhead_s=overhead, admission_per_rank=per_rank)
        return estimate_llm("Llama-2-70B", "A100 SXM4 80GB", "fp16", tensor_parallel=4,
                            batch=64, input_tokens=1, output_tokens=128,
                            efficiency=chosen).ttft_s
    assert ttft(0.002, False) - ttft(0.0, False) == pytest.approx(32.5 * 0.002, rel=1e-9)
    assert ttft(0.002, True) - ttft(0.0, True) == pytest.approx(32.5 * 0.002 * 4, rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(tokens=st.floats(0, 1e6, allow_subnormal=False), width=st.floats(1, 1e5),
       tokens_half=st.floats(0, 1e4),
       width_half=st.floats(0, 1e5), more=st.floats(1, 100))
def test_grouped_gemm_efficiency_is_a_share_that_grows_with_the_gemm(tokens, width,
                                                                     tokens_half, width_half,
                                                                     more):
    share = grouped_gemm_efficiency(tokens, width, tokens_half, width_half)
    assert 0 < share <= 1
    # more tokens per expert or a wider expert never lowers it (to rounding)
    floor = share * (1 - 1e-12)
    assert grouped_gemm_efficiency(tokens * more, width, tokens_half, width_half) >= floor
    assert grouped_gemm_efficiency(tokens, width * more, tokens_half, width_half) >= floor
