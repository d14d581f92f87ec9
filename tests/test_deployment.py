"""Deployment shape (issue 12): replicas x tensor_parallel devices; results per replica and
for the system, the same in Python, the CLI and Excel."""

import json

import pytest
import xlwings

import xlcpb.udfs as udfs
from xlcpb.cli import main
from xlcpb.errors import CPBError
from xlcpb.estimators.llm import estimate_llm
from excel_calls import scalar

ARGS = dict(model="Llama-3.1-70B", hardware="H100 SXM", precision="fp8", batch=32,
            input_tokens=1000, output_tokens=200, price_per_hour=2.0)


def test_replicas_multiply_throughput_and_cost_not_latency():
    one = estimate_llm(**ARGS, devices=2)                   # one replica of 2 GPUs
    four = estimate_llm(**ARGS, devices=8, replicas=4)      # four of them
    assert (four.tensor_parallel, four.replicas, four.devices) == (2, 4, 8)
    assert four.ttft_s == one.ttft_s and four.tpot_s == one.tpot_s
    assert four.output_tokens_per_s == pytest.approx(4 * one.output_tokens_per_s, rel=1e-15)
    assert four.output_tokens_per_s_per_replica == one.output_tokens_per_s
    # 8 devices at $2.00 an hour: 8 x 2 / 3600 dollars a second
    assert four.cost_per_s == pytest.approx(8 * 2.0 / 3600, rel=1e-15)
    # four times the cost for four times the tokens: the same cost per token
    assert four.cost_per_mtok_output == pytest.approx(one.cost_per_mtok_output, rel=1e-12)


def test_tensor_parallel_and_replicas_or_devices_say_the_same():
    by_split = estimate_llm(**ARGS, tensor_parallel=2, replicas=4)
    by_total = estimate_llm(**ARGS, devices=8, replicas=4)
    both = estimate_llm(**ARGS, devices=8, tensor_parallel=2, replicas=4)
    assert by_split.as_dict() == by_total.as_dict() == both.as_dict()


@pytest.mark.parametrize("given,problem", [
    (dict(devices=8, replicas=3), "devices / replicas = 2.66"),
    (dict(devices=8, tensor_parallel=2, replicas=3), "not tensor_parallel x replicas"),
    (dict(devices=1, tensor_parallel=1.5), "tensor_parallel = 1.5: must be a whole number"),
])
def test_a_deployment_that_does_not_add_up_is_refused(given, problem):
    with pytest.raises(CPBError, match=problem):
        estimate_llm(**ARGS, **given)


def test_excel_and_the_cli_take_the_same_deployment(capsys):
    excel_args = ("Llama-3.1-70B", "H100 SXM", "fp8", 32, 1000, 200)
    system = scalar(udfs, "cpb_llm_tokens_per_s", *excel_args, 8, 0, 4)
    one = scalar(udfs, "cpb_llm_tokens_per_s", *excel_args, 2)
    assert system == pytest.approx(4 * one, rel=1e-15)
    with pytest.raises(xlwings.XlwingsError, match="devices / replicas"):
        scalar(udfs, "cpb_llm_tokens_per_s", *excel_args, 8, 0, 3)
    assert main(["llm", "Llama-3.1-70B", "H100 SXM", "--precision", "fp8", "--batch", "32",
                 "--devices", "8", "--replicas", "4", "--price-per-hour", "2",
                 "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["output_tokens_per_s"] == pytest.approx(system, rel=1e-12)
    assert (printed["tensor_parallel"], printed["replicas"]) == (2, 4)


def test_multi_head_latent_attention_caches_the_latent_not_every_head():
    """DeepSeek-V3 caches (d_c + d_h^R) = 512 + 64 values per layer and token (DeepSeek-V2
    paper, Table 1), not 2 x 128 heads x 128: 57x less KV memory."""
    from xlcpb.data.sheet import precisions
    estimate = estimate_llm("DeepSeek-V3", "H200", precision="fp8", devices=8, batch=16,
                            input_tokens=1000, output_tokens=200)
    kv_bytes = precisions()["fp8"]["kv_bytes"]
    assert estimate.kv_cache_bytes == 16 * (1000 + 200) * 61 * (512 + 64) * kv_bytes
    llama = estimate_llm("Llama-3.1-8B", "H100 SXM", batch=2, input_tokens=100,
                         output_tokens=28)  # grouped-query: 2 x 32 layers x 8 heads x 128
    assert llama.kv_cache_bytes == 2 * 128 * 2 * 32 * 8 * 128 * precisions()["bf16"]["kv_bytes"]
