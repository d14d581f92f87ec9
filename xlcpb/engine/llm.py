"""A roofline model of transformer inference: prefill, decode, KV cache, batching.

Sources: the roofline model (Williams, Waterman & Patterson, CACM 2009): a phase takes
max(FLOPs / compute rate, bytes / memory bandwidth). FLOPs per token 2N + 2 n_layer n_ctx
d_attn (Kaplan et al. 2020, Table 1; seed 002). Decode reads every weight and the whole KV
cache once per step, which is why output tokens are memory-bound and cost more than input
tokens (seed 001); prefill processes all input tokens in one pass and is compute-bound.

Every function broadcasts over numpy arrays; units are in the argument names.
"""

from __future__ import annotations

import numpy as np

from ..errors import bad_argument
from ._inputs import (device_bytes_per_s, device_flops_per_s, fraction, non_negative, positive,
                      scalar_or_array, vectorised, whole, whole_count)

KV_TENSORS = 2  # a key and a value vector per layer, KV head and token


@vectorised
def kv_cache_bytes_per_token(n_layers, n_kv_heads, head_dim, kv_bytes_per_value):
    """KV-cache bytes one token occupies: 2 x layers x KV heads x head dim x bytes.

    Examples
    --------
    Llama-3.1-8B in bf16 (32 layers, 8 KV heads of 128):

    >>> kv_cache_bytes_per_token(32, 8, 128, 2)
    131072.0
    """
    layers = positive("n_layers", n_layers, "layers")
    heads = positive("n_kv_heads", n_kv_heads, "heads")
    width = positive("head_dim", head_dim, "features")
    size = positive("kv_bytes_per_value", kv_bytes_per_value, "bytes")
    return scalar_or_array(KV_TENSORS * layers * heads * width * size)


@vectorised
def mla_kv_cache_bytes_per_token(n_layers, kv_lora_rank, qk_rope_head_dim, kv_bytes_per_value):
    """KV-cache bytes one token occupies under multi-head latent attention (MLA).

    .. math:: B_{token} = l\\,(d_c + d_h^R)\\,b

    MLA caches one compressed latent of ``kv_lora_rank`` (d_c) values and one decoupled RoPE
    key of ``qk_rope_head_dim`` (d_h^R) per layer, shared by every head (DeepSeek-AI,
    *DeepSeek-V2*, 2024, section 2.1.4 and Table 1: "(d_c + d_h^R) l elements").

    Examples
    --------
    DeepSeek-V3 (61 layers, d_c 512, d_h^R 64) in bf16: 70 kB, where full multi-head
    attention over its 128 heads of 128 would hold 4 MB.

    >>> mla_kv_cache_bytes_per_token(61, 512, 64, 2)
    70272.0
    """
    layers = positive("n_layers", n_layers, "layers")
    rank = positive("kv_lora_rank", kv_lora_rank, "values")
    rope = positive("qk_rope_head_dim", qk_rope_head_dim, "values")
    size = positive("kv_bytes_per_value", kv_bytes_per_value, "bytes")
    return scalar_or_array(layers * (rank + rope) * size)


@vectorised
def weights_read_bytes(params, active_params, n_experts, experts_per_token, tokens_per_step,
                       weight_bytes_per_param):
    """Weight bytes one forward step reads, for dense and mixture-of-experts models.

    A dense model (``n_experts`` = 1) reads every weight. A mixture of experts reads its
    shared weights and each expert that at least one of the step's tokens is routed to: with
    routing spread evenly, an expert is untouched by all ``tokens_per_step`` tokens with
    probability (1 - k/E)^tokens.

    Parameters
    ----------
    params, active_params : array_like
        Total parameters, and parameters active per token [parameters].
    n_experts, experts_per_token : array_like
        E experts, k routed per token (1 and 1 for a dense model).
    tokens_per_step : array_like
        Tokens in the step: the batch in decode, batch x input tokens in prefill.
    weight_bytes_per_param : array_like
        [bytes/parameter].

    Examples
    --------
    Mixtral-8x7B at batch 1 reads about its 12.9B active parameters:

    >>> round(weights_read_bytes(46.7e9, 12.9e9, 8, 2, 1, 1) / 1e9, 1)
    12.9
    """
    total = positive("params", params, "parameters")
    active = positive("active_params", active_params, "parameters")
    experts = positive("n_experts", n_experts, "experts")
    routed = positive("experts_per_token", experts_per_token, "experts")
    tokens = positive("tokens_per_step", tokens_per_step, "tokens")
    size = positive("weight_bytes_per_param", weight_bytes_per_param, "bytes")
    dense = experts <= 1
    spare = np.where(dense, 1.0, experts - routed)
    per_expert = np.where(dense, 0.0, (total - active) / spare)
    shared = total - experts * per_expert
    touched = 1.0 - (1.0 - np.where(dense, 0.0, routed / np.where(dense, 1.0, experts))) ** tokens
    return scalar_or_array((shared + experts * per_expert * touched) * size)


@vectorised
def naive_tpot_seconds(active_params, flops_per_s):
    """The paper's time per token: 2N FLOPs (seed 002) at peak FLOP/s, eq. (2) [s].

    >>> round(naive_tpot_seconds(8e9, 989.5e12) * 1e6, 2)
    16.17
    """
    active = positive("active_params", active_params, "parameters")
    speed = positive("flops_per_s", flops_per_s, "FLOP/s")
    return scalar_or_array(2.0 * active / speed)


@vectorised
def roofline_seconds(flops, bytes_moved, flops_per_s, bytes_per_s, compute_efficiency,
                     memory_efficiency):
    """Time of a phase on the roofline: max(FLOPs / (P e_c), bytes / (W e_m)) [s].

    Examples
    --------
    >>> roofline_seconds(1e12, 1e9, 1e14, 1e12, 0.5, 0.8)
    0.02
    """
    work = non_negative("flops", flops, "FLOP")
    traffic = non_negative("bytes_moved", bytes_moved, "bytes")
    speed = positive("flops_per_s", flops_per_s, "FLOP/s")
    bandwidth = positive("bytes_per_s", bytes_per_s, "B/s")
    e_c = _efficiency("compute_efficiency", compute_efficiency)
    e_m = _efficiency("memory_efficiency", memory_efficiency)
    return scalar_or_array(np.maximum(work / (speed * e_c), traffic / (bandwidth * e_m)))


def _efficiency(name, value):
    return fraction(name, value, "fraction of peak",
                    "Give an efficiency between 0 and 1, e.g. 0.6 for 60%.")


@vectorised
def mean_of_max_linear(a0, a1, b0, b1):
    """Mean over [0, 1] of max(a(x), b(x)) for straight lines a: a0->a1 and b: b0->b1.

    Decode step times grow linearly with the context (KV reads, attention FLOPs), so the
    mean step time over an output is this integral; it is exact where the bound changes
    (compute to memory) half-way through the output.

    Examples
    --------
    >>> mean_of_max_linear(1.0, 1.0, 0.0, 2.0)   # b crosses a at x = 0.5
    1.25
    """
    a0, a1, b0, b1 = (np.asarray(v, dtype=np.float64) for v in (a0, a1, b0, b1))
    d0, d1 = a0 - b0, a1 - b1
    crosses = (d0 * d1) < 0
    x = np.where(crosses, d0 / np.where(crosses, d0 - d1, 1.0), 0.0)
    at_cross = a0 + (a1 - a0) * x
    piecewise = (x * (np.maximum(a0, b0) + at_cross) / 2
                 + (1 - x) * (at_cross + np.maximum(a1, b1)) / 2)
    straight = (np.maximum(a0, b0) + np.maximum(a1, b1)) / 2
    return scalar_or_array(np.where(crosses, piecewise, straight))


@vectorised
def kv_room_bytes(memory_bytes, usable_fraction, weight_bytes, of_free=0):
    """Memory left for the KV cache [B]: ``M u - W``, or ``u (M - W)`` where the engine sizes
    its cache as a share of what the weights leave free (``of_free`` true: TensorRT-LLM's
    ``kv_cache_free_gpu_memory_fraction``; vLLM's ``gpu_memory_utilization`` and SGLang's
    ``mem_fraction_static`` are shares of the whole memory). Negative when the weights do
    not fit.

    >>> kv_room_bytes(80e9, 0.9, 16e9), kv_room_bytes(80e9, 0.9, 16e9, of_free=1)
    (56000000000.0, 57600000000.0)
    """
    memory = positive("memory_bytes", memory_bytes, "bytes")
    usable = positive("usable_fraction", usable_fraction, "fraction")
    weights = positive("weight_bytes", weight_bytes, "bytes")
    free = np.asarray(of_free, dtype=bool)
    return scalar_or_array(np.where(free, usable * (memory - weights), memory * usable - weights))


@vectorised
def max_batch(memory_bytes, usable_fraction, weight_bytes, kv_bytes_per_sequence, of_free=0):
    """Largest batch whose weights and KV cache fit: floor(KV room / KV per sequence), the
    room from :func:`kv_room_bytes`. Zero when the weights alone do not fit.

    Examples
    --------
    >>> max_batch(80e9, 0.9, 16e9, 1e9)
    56.0
    """
    per_sequence = positive("kv_bytes_per_sequence", kv_bytes_per_sequence, "bytes")
    room = kv_room_bytes(memory_bytes, usable_fraction, weight_bytes, of_free)
    return scalar_or_array(np.maximum(np.floor(room / per_sequence), 0.0))


@vectorised
def cost_per_million_tokens(cost_per_s, tokens_per_s):
    """Cost of a million tokens at a throughput: I / tokens per second x 1e6 [$/1M tokens].

    Examples
    --------
    >>> round(cost_per_million_tokens(2.0 / 3600, 1000.0), 6)
    0.555556
    """
    rate = non_negative("cost_per_s", cost_per_s, "$/s")
    speed = positive("tokens_per_s", tokens_per_s, "tokens/s")
    return scalar_or_array(rate / speed * 1e6)


@vectorised
def per_device_scaled(value_per_device, devices):
    """A per-device rate times the devices working in tensor parallel.

    >>> per_device_scaled(3.35e12, 2)
    6700000000000.0
    """
    value = positive("value_per_device", value_per_device, "per device")
    count = whole("devices", positive("devices", devices, "devices"), "devices")
    return scalar_or_array(value * count)


@vectorised
def splits_evenly(count, parts):
    """Whether ``count`` items (attention heads) divide into ``parts`` equal shares: tensor
    parallelism gives each device whole heads (Megatron-LM, section 3).

    >>> bool(splits_evenly(32, 4)), bool(splits_evenly(32, 3))
    (True, False)
    """
    whole_count("count", count, "items")
    whole_count("parts", parts, "parts")
    return scalar_or_array(np.mod(np.asarray(count, dtype=float), parts) == 0)


@vectorised
def deployment(devices=1, tensor_parallel=0, replicas=1):
    """(devices per replica, replicas, devices) of a deployment, checked.

    A deployment runs ``replicas`` independent copies of a model, each over
    ``tensor_parallel`` devices (8 GPUs as 4 replicas x 2, or 8 x 1, or 1 x 8). With
    ``tensor_parallel`` 0 (the default) each replica gets ``devices / replicas``; given, it
    must agree with ``devices`` unless ``devices`` is left at 1.

    Examples
    --------
    >>> deployment(8, 0, 4), deployment(1, 2, 4), deployment(8, 2, 4)
    ((2.0, 4.0, 8.0), (2.0, 4.0, 8.0), (2.0, 4.0, 8.0))
    """
    total = whole_count("devices", devices, "devices")
    copies = whole_count("replicas", replicas, "replicas")
    given = non_negative("tensor_parallel", tensor_parallel, "devices")
    whole("tensor_parallel", given, "devices")
    per_replica = np.where(given > 0, given, total / copies)
    whole("devices / replicas", per_replica, "devices per replica")
    if np.any((given > 0) & (total != 1) & (total != given * copies)):
        raise bad_argument("devices", float(np.ravel(total)[0]),
                           "not tensor_parallel x replicas",
                           "Give devices = tensor_parallel x replicas, or leave devices out.",
                           kind="value")
    return (scalar_or_array(per_replica), scalar_or_array(copies),
            scalar_or_array(per_replica * copies))


@vectorised
def generation_seconds(ttft_s, tpot_s, output_tokens):
    """Wall time to produce an output: time to first token + tokens x time per token [s].

    >>> generation_seconds(0.02, 0.01, 100)
    1.02
    """
    first = non_negative("ttft_s", ttft_s, "s")
    per_token = non_negative("tpot_s", tpot_s, "s")
    count = positive("output_tokens", output_tokens, "tokens")
    return scalar_or_array(first + per_token * count)


def _plain(value):
    """0-d arrays to Python scalars (float, bool or str), arrays as they are."""
    array = np.asarray(value)
    return array.item() if array.ndim == 0 else array
