"""Serving under load: one forward step of a continuously batched engine, tensor-parallel
all-reduces, and the concurrency that a request rate or a latency target sets.

A serving engine (vLLM, SGLang, TensorRT-LLM's in-flight batching) runs forward steps that each
carry one decode token of every running sequence plus chunks of the prompts of arriving
requests ("chunked prefill", Agrawal et al., *Sarathi-Serve*, OSDI 2024, section 4). Each step
costs the roofline of its FLOPs and bytes (Williams, Waterman & Patterson, CACM 2009), plus the
tensor-parallel all-reduces of its activations (two per layer: Shoeybi et al., *Megatron-LM*,
2019, section 3, figure 3), plus a fixed per-step overhead (kernel launches, scheduling).

In steady state at a concurrency of ``C`` sequences per replica, each with ``L_in`` prompt and
``L_out`` output tokens, a request finishes every ``L_out / C`` steps on average, so every
step also prefills ``C L_in / L_out`` prompt tokens. Little's law (``C = lambda x latency``)
links concurrency and request rate.

Every function broadcasts over numpy arrays; units are in the argument names.
"""

from __future__ import annotations

import numpy as np

from ..errors import bad_argument
from ._inputs import (device_bytes_per_s, device_flops_per_s, non_negative, positive,
                      positive_or_unbounded, scalar_or_array, vectorised, whole_count)
from .cpb import cost_per_second
from .llm import (_efficiency, _plain, cost_per_million_tokens, kv_cache_bytes_per_token,
                  kv_room_bytes, max_batch, mean_of_max_linear, naive_tpot_seconds, per_device_scaled,
                  weights_read_bytes)

ALLREDUCES_PER_LAYER = 2   # after attention and after the MLP (Megatron-LM, figure 3)
GATED_MLP_MATRICES = 3     # gate, up and down projections of a SwiGLU expert (Shazeer, 2020)
DIRECTIONS = 2             # sheet interconnect figures count both directions (NVIDIA's usage)


@vectorised
def allreduce_seconds(message_bytes, devices, interconnect_bytes_per_s, link_efficiency,
                      latency_s):
    """Time of one ring all-reduce of ``message_bytes`` over ``devices`` [s].

    .. math:: t = \\alpha + 2\\,\\frac{p-1}{p}\\,\\frac{n}{\\beta}

    Each device sends and receives ``2 (p-1)/p`` of the message (Patarasuk & Yuan, *J.
    Parallel Distrib. Comput.* 69, 2009, eq. 1; Thakur, Rabenseifner & Gropp, IJHPCA 2005,
    section 4). beta is one direction of the device's interconnect (half the bidirectional
    figure the sheet holds) at ``link_efficiency``; alpha is the fixed latency of one
    all-reduce. Zero for one device.

    Examples
    --------
    8 x 8,192 bf16 values over 4 H100 (900 GB/s both ways, at 80%), 10 us latency:

    >>> round(allreduce_seconds(8 * 8192 * 2, 4, 900e9, 0.8, 10e-6) * 1e6, 3)
    10.546
    """
    size = non_negative("message_bytes", message_bytes, "bytes")
    count = positive("devices", devices, "devices")
    link = positive("interconnect_bytes_per_s", interconnect_bytes_per_s, "B/s")
    share = positive("link_efficiency", link_efficiency, "fraction")
    latency = non_negative("latency_s", latency_s, "s")
    one_way = link / DIRECTIONS * share
    seconds = latency + 2.0 * (count - 1.0) / count * size / one_way
    return scalar_or_array(np.where(count > 1, seconds, 0.0))


@vectorised
def grouped_gemm_efficiency(tokens_per_expert, expert_width, tokens_half, width_half):
    """Share of the dense GEMM rate that a step's routed-expert (grouped) GEMMs reach.

    .. math:: \\eta = \\frac{m}{m + m_{1/2}}\\,\\frac{f}{f + f_{1/2}}

    A pipelined operation of length ``n`` runs at ``r = r_inf n / (n + n_1/2)``: the fixed
    start-up of each pass costs as much as ``n_1/2`` elements of work (Hockney's half-performance
    length: Hockney & Jesshope, *Parallel Computers 2*, 1988). An MoE layer runs one GEMM per
    expert, whose shape the step sets (Gale et al., *MegaBlocks*, MLSys 2023, section 2): its
    rows are the ``m = tokens x top_k / experts`` tokens routed to the expert, its inner width
    the expert's hidden width ``f``. Few tokens per expert leave a GEMM's tiles half empty and
    narrow experts leave each tile too few multiply-accumulate steps to hide loading its
    operands, route and permute the tokens (how fine-grained MoE models fare in serving: Yang
    et al., arXiv:2505.03531, 2025). ``m_1/2`` and ``f_1/2`` are fitted once on every MoE
    measurement; zero turns a factor off.

    Examples
    --------
    Qwen3-30B-A3B (128 experts of width 768, top-8) prefilling a chunk of 8,192 tokens, with
    ``m_1/2 = 64`` and ``f_1/2 = 1,024``: 512 tokens per expert, 0.889 x 0.429:

    >>> round(grouped_gemm_efficiency(8192 * 8 / 128, 768, 64, 1024), 3)
    0.381
    """
    rows = np.asarray(non_negative("tokens_per_expert", tokens_per_expert, "tokens"), float)
    width = np.asarray(positive("expert_width", expert_width, "features"), float)
    rows_half = np.asarray(non_negative("tokens_half", tokens_half, "tokens"), float)
    width_half = np.asarray(non_negative("width_half", width_half, "features"), float)
    # no tokens routed: nothing runs below the dense rate (and 0 / 0 is never formed)
    by_rows = np.where(rows > 0, rows / np.where(rows > 0, rows + rows_half, 1.0), 1.0)
    return scalar_or_array(by_rows * (width / (width + width_half)))


@vectorised
def admission_seconds(request_overhead_s, tensor_parallel, per_rank):
    """Host time to admit one request to a replica [s].

    .. math:: t_{admit} = t_{req}\\,(p \\text{ if per rank else } 1)

    Most stacks admit a request once and broadcast each step's batch to the ranks; LMDeploy's
    TurboMind (v0.1-v0.2) starts one forward thread per tensor-parallel rank for every
    request (``lmdeploy/turbomind/turbomind.py``, ``TurboMindInstance._forward_thread``,
    InternLM/lmdeploy@3e391df), so its admission work grows with the ranks. ``per_rank`` is
    the stack's documented behaviour (a profile's ``admission_per_rank``), not a fit.

    >>> admission_seconds(0.0005, 4, 1), admission_seconds(0.0005, 4, 0)
    (0.002, 0.0005)
    """
    overhead = non_negative("request_overhead_s", request_overhead_s, "s")
    ranks = positive("tensor_parallel", tensor_parallel, "devices")
    return scalar_or_array(overhead * np.where(np.asarray(per_rank) > 0, ranks, 1.0))


@vectorised
def windowed_context_tokens(context_tokens, window_tokens, windowed_layer_fraction):
    """Context an average layer attends to and caches when some layers use a sliding window.

    .. math:: n_{eff} = (1 - f)\\,n + f\\,\\min(n, W)

    Sliding-window layers keep only the last ``W`` tokens (Beltagy et al., *Longformer*, 2020;
    Jiang et al., *Mistral 7B*, 2023, section 2); a fraction ``f`` of the layers does so
    (Gemma 2 and 3 interleave local and global layers). ``f`` = 0: full attention.

    Examples
    --------
    Gemma-2-style half local layers of 4,096 tokens at a context of 8,192:

    >>> windowed_context_tokens(8192, 4096, 0.5)
    6144.0
    """
    context = non_negative("context_tokens", context_tokens, "tokens")
    window = positive_or_unbounded("window_tokens", window_tokens, "tokens")
    share = non_negative("windowed_layer_fraction", windowed_layer_fraction, "fraction")
    return scalar_or_array((1.0 - share) * context + share * np.minimum(context, window))


@vectorised
def step_terms(*, params, active_params, n_experts, experts_per_token, n_layers,
               attention_width, d_model, kv_bytes_per_token, weight_bytes_per_param,
               flops_per_s, bytes_per_s, decode_sequences, attended_context_tokens,
               prefill_tokens, prefill_attended_tokens, compute_efficiency,
               memory_efficiency, moe_compute_efficiency, kv_read_efficiency, tensor_parallel,
               interconnect_bytes_per_s, link_efficiency, allreduce_latency_s,
               activation_bytes, sequence_overhead_s=0.0, moe_tokens_half=0.0,
               moe_width_half=0.0) -> dict:
    """The three costs of one forward step: compute, memory traffic, all-reduces [s].

    The step decodes one token for each of ``decode_sequences`` sequences whose (attended)
    context is ``attended_context_tokens``, and prefills ``prefill_tokens`` prompt tokens
    that attend on average to ``prefill_attended_tokens`` earlier tokens.

    - FLOPs: ``2 N_active`` per token (Kaplan et al. 2020, Table 1) plus attention
      ``2 n_layer n_ctx d_attn``; the routed experts' share of the FLOPs runs at
      ``moe_compute_efficiency`` of the dense rate times :func:`grouped_gemm_efficiency` of
      the step's tokens per expert and the expert width (``moe_tokens_half``,
      ``moe_width_half``). The width is a routed expert's parameters over
      ``3 d_model n_layer`` (a gated MLP in every layer; models that interleave dense and
      MoE layers, as Llama-4-Maverick does, come out at half their true width).
    - Bytes: the weights the step's tokens touch (:func:`xlcpb.engine.llm.weights_read_bytes`),
      the decoding sequences' KV cache, and the KV written for every new token. Attention
      kernels gather the KV cache from scattered pages at ``kv_read_efficiency`` of the rate
      the weight GEMMs stream at (Kwon et al., *PagedAttention*, SOSP 2023, section 7.1: its
      kernel is 20-26% slower than a contiguous one).
    - All-reduces: ``2 n_layer`` of the step's activations (tokens x d_model x
      ``activation_bytes``) over ``tensor_parallel`` devices (:func:`allreduce_seconds`).

    ``flops_per_s`` and ``bytes_per_s`` are a replica's (all its devices).

    - Host work per sequence: ``sequence_overhead_s`` for each decoding sequence (sampling,
      scheduling and bookkeeping the GPU waits for), which the roofline does not see and
      which grows with the batch.

    Returns ``compute_s``, ``memory_s``, ``comm_s`` and ``host_s``; a step takes
    ``max(compute_s, memory_s) + comm_s + host_s`` plus the per-step overhead.
    """
    active = positive("active_params", active_params, "parameters")
    total = positive("params", params, "parameters")
    experts = positive("n_experts", n_experts, "experts")
    routed = positive("experts_per_token", experts_per_token, "experts")
    layers = positive("n_layers", n_layers, "layers")
    width = positive("attention_width", attention_width, "features")
    decoding = non_negative("decode_sequences", decode_sequences, "sequences")
    prefilling = non_negative("prefill_tokens", prefill_tokens, "tokens")
    tokens = decoding + prefilling
    # routed experts' parameters per token: k x (total - shared) / E (zero for dense)
    per_expert = np.where(experts > 1, (total - active) / np.maximum(experts - routed, 1.0), 0.0)
    expert_share = np.where(experts > 1, routed * per_expert / active, 0.0)
    model_width = positive("d_model", d_model, "features")
    grouped = moe_compute_efficiency * grouped_gemm_efficiency(
        tokens * routed / experts,
        np.maximum(per_expert / (GATED_MLP_MATRICES * model_width * layers), 1.0),
        moe_tokens_half, moe_width_half)
    matmul = 2.0 * active * tokens
    attention = 2.0 * layers * width * (decoding * attended_context_tokens
                                        + prefilling * prefill_attended_tokens)
    compute_s = (matmul * (1.0 - expert_share + expert_share / grouped)
                 + attention) / (flops_per_s * compute_efficiency)
    weights = weights_read_bytes(params, active_params, n_experts, experts_per_token,
                                 np.maximum(tokens, 1.0), weight_bytes_per_param)
    kv = kv_bytes_per_token * (decoding * attended_context_tokens + tokens)
    memory_s = (weights + kv / kv_read_efficiency) / (bytes_per_s * memory_efficiency)
    message = tokens * d_model * activation_bytes
    comm_s = ALLREDUCES_PER_LAYER * layers * allreduce_seconds(
        message, tensor_parallel, interconnect_bytes_per_s, link_efficiency,
        allreduce_latency_s)
    host_s = non_negative("sequence_overhead_s", sequence_overhead_s, "s") * decoding
    return {"compute_s": compute_s, "memory_s": memory_s, "comm_s": comm_s, "host_s": host_s}


def step_seconds(terms: dict, step_overhead_s):
    """A step's wall time from :func:`step_terms`: max(compute, memory) + comm + host +
    overhead."""
    return (np.maximum(terms["compute_s"], terms["memory_s"]) + terms["comm_s"]
            + terms["host_s"] + step_overhead_s)


@vectorised
def steady_state(step, concurrency, input_tokens, output_tokens, prefill_chunk_tokens,
                 step_overhead_s, arrival_wait_steps=0.0, request_overhead_s=0.0) -> dict:
    """Latency and throughput of continuous batching at ``concurrency`` sequences [s, tokens/s].

    ``step(decode_sequences, prefill_tokens, prompt_tokens)`` gives :func:`step_terms` for a
    step; this function fixes what a steady state puts in it:

    - **TPOT**: a step decoding all ``C`` sequences while prefilling the prompts of the others'
      successors, ``(C - 1) L_in / L_out`` tokens (a sequence's own prompt is in its TTFT).
    - **TTFT**: the prompt's ``ceil(L_in / chunk)`` chunked-prefill steps, each beside the
      ``C - 1`` other sequences' decode tokens and prefills (Sarathi-Serve, section 4.2),
      after waiting ``arrival_wait_steps`` decode steps for the running one to end: half a
      step for requests arriving at random (the mean residual of a step), none for a client
      that sends its next request when the last one ends; plus ``request_overhead_s``, the
      host's work to admit a request (tokenising, scheduling, setting up its cache).
    - **Throughput**: Little's law, ``C L_out / (TTFT + (L_out - 1) TPOT)`` output tokens/s.

    Returns ``tpot_s``, ``ttft_s``, ``output_tokens_per_s`` (one replica),
    ``requests_per_s`` (one replica), ``bound`` ("compute" or "memory", of the decode step)
    and ``comm_share`` (all-reduce share of a decode step).
    """
    count = positive("concurrency", concurrency, "sequences")
    prompt = positive("input_tokens", input_tokens, "tokens")
    output = positive("output_tokens", output_tokens, "tokens")
    chunk = positive_or_unbounded("prefill_chunk_tokens", prefill_chunk_tokens, "tokens")
    overhead = non_negative("step_overhead_s", step_overhead_s, "s")
    others = np.maximum(count - 1.0, 0.0)
    background = others * prompt / output  # other requests' prompt tokens per step
    decode = step(count, background, prompt)
    tpot = step_seconds(decode, overhead)
    chunks = np.ceil(prompt / chunk)
    first = step(others, background + prompt / chunks, prompt)
    ttft = chunks * step_seconds(first, overhead) + non_negative(
        "arrival_wait_steps", arrival_wait_steps, "steps") * tpot + non_negative(
        "request_overhead_s", request_overhead_s, "s")
    latency = ttft + (output - 1.0) * tpot
    return {"tpot_s": tpot, "ttft_s": ttft,
            "output_tokens_per_s": count * output / latency,
            "requests_per_s": count / latency,
            "bound": np.where(decode["compute_s"] >= decode["memory_s"], "compute", "memory"),
            "comm_share": decode["comm_s"] / tpot}


def largest_meeting(predicate, upper, steps: int = 40):
    """Largest whole ``c`` in [1, upper] with ``predicate(c)`` true, for a predicate that
    holds up to some point and fails after (latency grows with concurrency); 0 where even
    1 fails. Vectorised bisection: ``predicate`` takes and returns arrays."""
    high = np.floor(np.asarray(upper, dtype=np.float64))
    low = np.where(predicate(np.ones_like(high)), 1.0, 0.0)
    top_ok = predicate(np.maximum(high, 1.0))
    low = np.where(top_ok & (high >= 1), high, low)
    high = np.where(top_ok | (low == 0), low, high)
    for _ in range(steps):
        if not np.any(high - low > 1):
            break
        middle = np.floor((low + high) / 2)
        ok = predicate(middle)
        low = np.where(ok & (high - low > 1), middle, low)
        high = np.where(~ok & (high - low > 1), middle, high)
    return low


def concurrency_at_rate(requests_per_s_at, request_rate_per_s, upper, steps: int = 60):
    """Mean concurrency at which a replica completes ``request_rate_per_s`` [sequences].

    ``requests_per_s_at(c)`` is the completion rate at concurrency ``c`` (from
    :func:`steady_state`), increasing in ``c``; the answer solves
    ``requests_per_s_at(c) = rate`` by Little's law on [a small c, ``upper``]. Where the
    rate exceeds what ``upper`` sustains, the result is ``upper`` and ``saturated`` is true.

    Returns (concurrency, saturated).
    """
    rate = positive("request_rate_per_s", request_rate_per_s, "requests/s")
    high = np.asarray(upper, dtype=np.float64) * np.ones_like(rate)
    saturated = requests_per_s_at(high) < rate
    low = np.full_like(high, 1e-6)
    for _ in range(steps):
        middle = np.sqrt(low * high)  # geometric: concurrencies span decades
        short = requests_per_s_at(middle) < rate
        low = np.where(short, middle, low)
        high = np.where(short, high, middle)
    concurrency = np.where(saturated, np.asarray(upper, dtype=np.float64), high)
    return scalar_or_array(concurrency), scalar_or_array(saturated)


MODES = ("latency", "offline", "server")
RESIDUAL_STEP_SHARE = 0.5  # mean wait for a running step, arriving at a random time


@vectorised
def per_replica(system_value, replicas):
    """A whole system's load (concurrency, request rate) shared evenly by its replicas.

    >>> per_replica(64, 4)
    16.0
    """
    value = non_negative("system_value", system_value, "per system")
    return scalar_or_array(value / positive("replicas", replicas, "replicas"))


@vectorised
def llm_inference(*, params, active_params, n_experts, experts_per_token, n_layers, n_heads,
                  n_kv_heads, head_dim, weight_bytes_per_param, kv_bytes_per_value,
                  flops_per_s_per_device, memory_bandwidth_bytes_per_s_per_device,
                  memory_bytes_per_device, devices, batch, input_tokens, output_tokens,
                  compute_efficiency, memory_efficiency, step_overhead_s,
                  usable_memory_fraction, sequence_overhead_s=0.0, request_overhead_s=0.0,
                  admission_per_rank=0, price_per_device_hour=None, replicas=1,
                  kv_bytes_per_token=None, mode="latency", d_model=None,
                  moe_compute_efficiency=1.0, moe_tokens_half=0.0, moe_width_half=0.0,
                  kv_read_efficiency=1.0,
                  precision_compute_factor=1.0, interconnect_bytes_per_s=None,
                  link_efficiency=1.0, allreduce_latency_s=0.0, activation_bytes=2.0,
                  window_tokens=np.inf, windowed_layers=0,
                  prefill_chunk_tokens=np.inf, max_batch_cap=np.inf, kv_memory_of_free=0,
                  request_rate_per_s=None, ttft_slo_s=None, tpot_slo_s=None) -> dict:
    """Latency, throughput, memory and cost of serving a transformer on the roofline.

    Three modes (``mode``):

    - ``"latency"``: a static batch. Prefill (time to first token) processes ``batch``
      prompts of ``input_tokens`` in one pass; decode generates ``output_tokens`` one step
      at a time, each step reading the weights and the batch's whole KV cache; the context
      grows from ``input_tokens``, so the mean step time is integrated exactly over the
      output (:func:`xlcpb.engine.llm.mean_of_max_linear`).
    - ``"server"``: continuous batching in steady state at ``batch`` concurrent sequences per
      replica (:func:`steady_state`), or at the concurrency that ``request_rate_per_s``
      (whole system) implies, or at the largest concurrency meeting ``ttft_slo_s`` and
      ``tpot_slo_s``.
    - ``"offline"``: the same steady state with every request queued: the concurrency is
      ``batch`` (``None``: the largest that memory and ``max_batch_cap`` allow).

    ``batch`` ``None`` means that largest batch in every mode. Tensor parallelism over
    ``devices`` (the devices of one replica) multiplies compute, bandwidth and memory and
    adds two all-reduces per layer over ``interconnect_bytes_per_s`` (both directions, as the
    sheet holds it; ``None`` on one device). ``replicas`` independent copies multiply the
    system's rates and cost per second, not its latency. MLA models give
    ``kv_bytes_per_token``; sliding-window layers (``windowed_layers`` of the ``n_layers``,
    window ``window_tokens``) cache and attend to at most the window. Routed experts run at
    ``moe_compute_efficiency`` times :func:`grouped_gemm_efficiency` (``moe_tokens_half``,
    ``moe_width_half``); each request costs ``request_overhead_s`` of host time to admit,
    once per tensor-parallel rank where ``admission_per_rank`` (:func:`admission_seconds`),
    and a static batch's mean request waits for half its batch's admissions.

    Returns a dict of arrays (floats for scalar inputs): ``ttft_s``, ``tpot_s``,
    ``output_tokens_per_s`` (whole system; per replica in ``..._per_replica``),
    ``throughput_output_tokens_per_s`` (output tokens over prefill plus decode),
    ``requests_per_s`` (whole system), ``concurrency`` (per replica), ``prefill_bound`` /
    ``decode_bound``, ``comm_share`` (all-reduce share of a decode step), ``kv_cache_bytes``,
    ``weight_bytes``, ``fits``, ``max_batch`` (largest batch: memory and scheduler cap),
    ``saturated`` (the request rate exceeds what the replicas sustain), ``slo_met`` (False
    where even one sequence misses an SLO), ``naive_tpot_s`` (the paper's F / P at peak),
    and with a price ``cost_per_s`` and costs per 1M ``input``, ``output`` and ``blended``
    tokens and the output:input cost ratio.

    Examples
    --------
    GPT-2 1.5B on one T4 (fp16), one stream: decode is memory-bound. By hand: 3.12 GB of
    weights at 80% of 320 GB/s is 12.19 ms, plus a mean KV cache of 500.5 tokens x 307,200 B
    and the new token's 307,200 B at the same rate, 0.60 ms: 12.8 ms a token.

    >>> r = llm_inference(params=1.56e9, active_params=1.56e9, n_experts=1,
    ...     experts_per_token=1, n_layers=48, n_heads=25, n_kv_heads=25, head_dim=64,
    ...     weight_bytes_per_param=2, kv_bytes_per_value=2, flops_per_s_per_device=65e12,
    ...     memory_bandwidth_bytes_per_s_per_device=320e9, memory_bytes_per_device=16e9,
    ...     devices=1, batch=1, input_tokens=1, output_tokens=1000, compute_efficiency=0.5,
    ...     memory_efficiency=0.8, step_overhead_s=0.0, usable_memory_fraction=0.9)
    >>> str(r["decode_bound"]), round(r["tpot_s"] * 1e3, 1)
    ('memory', 12.8)
    """
    if mode not in MODES:
        raise bad_argument("mode", mode, "not a serving mode",
                           'Give mode as "latency", "offline" or "server".', kind="value")
    tp = whole_count("devices", devices, "devices")
    speed = per_device_scaled(device_flops_per_s("flops_per_s_per_device",
                                                 flops_per_s_per_device), tp)
    bandwidth = per_device_scaled(device_bytes_per_s("memory_bandwidth_bytes_per_s_per_device",
                                                     memory_bandwidth_bytes_per_s_per_device),
                                  tp)
    memory = per_device_scaled(memory_bytes_per_device, tp)
    copies = whole_count("replicas", replicas, "replicas")
    prompt = positive("input_tokens", input_tokens, "tokens")
    output = positive("output_tokens", output_tokens, "tokens")
    overhead = non_negative("step_overhead_s", step_overhead_s, "s")
    admission = admission_seconds(request_overhead_s, tp, admission_per_rank)
    # 8- and 4-bit peaks are harder to approach than 16-bit ones: a share of the efficiency
    e_c = _efficiency("compute_efficiency", compute_efficiency) * _efficiency(
        "precision_compute_factor", precision_compute_factor)
    e_m = _efficiency("memory_efficiency", memory_efficiency)
    e_moe = _efficiency("moe_compute_efficiency", moe_compute_efficiency)
    e_kv = _efficiency("kv_read_efficiency", kv_read_efficiency)
    width = positive("n_heads", n_heads, "heads") * positive("head_dim", head_dim, "features")
    model_width = width if d_model is None else positive("d_model", d_model, "features")
    kv_token = (kv_cache_bytes_per_token(n_layers, n_kv_heads, head_dim, kv_bytes_per_value)
                if kv_bytes_per_token is None else  # MLA: mla_kv_cache_bytes_per_token
                positive("kv_bytes_per_token", kv_bytes_per_token, "bytes"))
    weight_bytes = positive("params", params, "parameters") * positive(
        "weight_bytes_per_param", weight_bytes_per_param, "bytes")
    multi = np.any(np.asarray(tp) > 1)
    if interconnect_bytes_per_s is None and multi:
        raise bad_argument("interconnect_bytes_per_s", None, "missing for tensor parallelism",
                           "Give the devices' interconnect bandwidth, or one device per "
                           "replica.", kind="value")
    link = 1.0 if interconnect_bytes_per_s is None else interconnect_bytes_per_s

    windowed_share = non_negative("windowed_layers", windowed_layers, "layers") / positive(
        "n_layers", n_layers, "layers")

    def attended(context):
        return windowed_context_tokens(context, window_tokens, windowed_share)

    def step(decoding, prefilling, prompt_tokens, context):
        return step_terms(
            params=params, active_params=active_params, n_experts=n_experts,
            experts_per_token=experts_per_token, n_layers=n_layers, attention_width=width,
            d_model=model_width, kv_bytes_per_token=kv_token,
            weight_bytes_per_param=weight_bytes_per_param, flops_per_s=speed,
            bytes_per_s=bandwidth, decode_sequences=decoding,
            attended_context_tokens=attended(context), prefill_tokens=prefilling,
            prefill_attended_tokens=attended((prompt_tokens + 1.0) / 2.0),
            compute_efficiency=e_c, memory_efficiency=e_m, moe_compute_efficiency=e_moe,
            moe_tokens_half=moe_tokens_half, moe_width_half=moe_width_half,
            kv_read_efficiency=e_kv,
            tensor_parallel=tp, interconnect_bytes_per_s=link, link_efficiency=link_efficiency,
            allreduce_latency_s=allreduce_latency_s, activation_bytes=activation_bytes,
            sequence_overhead_s=sequence_overhead_s)

    static = mode == "latency"
    # a static batch holds every sequence at its full length; in steady state sequences are
    # spread evenly over their lives, holding half the output on average
    held = prompt + (output if static else output / 2.0)
    largest = np.minimum(max_batch(memory, usable_memory_fraction, weight_bytes,
                                   kv_token * attended(held), kv_memory_of_free),
                         positive_or_unbounded("max_batch_cap", max_batch_cap, "sequences"))
    mean_context = prompt + (output - 1.0) / 2.0

    # requests at a rate (or sized for latency targets) arrive at random: they wait for the
    # running step; a fixed concurrency is a closed loop that refills at step boundaries
    random_arrivals = (request_rate_per_s is not None or ttft_slo_s is not None
                       or tpot_slo_s is not None)

    def steady(concurrency):
        return steady_state(lambda c, p, _: step(c, p, prompt, mean_context), concurrency,
                            prompt, output, prefill_chunk_tokens, overhead,
                            RESIDUAL_STEP_SHARE if random_arrivals else 0.0,
                            admission)

    saturated, slo_met = np.zeros_like(largest, dtype=bool), np.ones_like(largest, dtype=bool)
    if request_rate_per_s is not None:
        rate = per_replica(positive("request_rate_per_s", request_rate_per_s, "requests/s"),
                           copies)
        count, saturated = concurrency_at_rate(lambda c: steady(c)["requests_per_s"],
                                               rate, np.maximum(largest, 1.0))
    elif ttft_slo_s is not None or tpot_slo_s is not None:
        ttft_limit = np.inf if ttft_slo_s is None else positive("ttft_slo_s", ttft_slo_s, "s")
        tpot_limit = np.inf if tpot_slo_s is None else positive("tpot_slo_s", tpot_slo_s, "s")

        def meets(c):
            state = steady(c)
            return (state["ttft_s"] <= ttft_limit) & (state["tpot_s"] <= tpot_limit)
        count = largest_meeting(meets, largest)
        slo_met = count >= 1
        count = np.maximum(count, 1.0)
    elif batch is None:
        count = largest
    else:
        count = (whole_count("batch", batch, "sequences") if static
                 else positive("batch", batch, "sequences"))
    kv_total = count * kv_token * attended(held)

    if static:
        prefill = step(0.0, count * prompt, prompt, 0.0)
        # a static batch's requests are admitted one after another and the engine starts on
        # each as it arrives: the mean request waits for half the admissions (LMDeploy's
        # table shows the spread: first tokens from one step to the whole batch's admissions)
        ttft = step_seconds(prefill, overhead) + (count + 1.0) / 2.0 * admission
        first, last = prompt, prompt + output - 1.0
        start, end = step(count, 0.0, prompt, first), step(count, 0.0, prompt, last)
        middle = step(count, 0.0, prompt, mean_context)
        tpot = mean_of_max_linear(start["compute_s"], end["compute_s"], start["memory_s"],
                                  end["memory_s"]) + middle["comm_s"] + middle["host_s"] + overhead
        decode_rate = count / tpot
        throughput = count * output / (ttft + output * tpot)
        requests = count / (ttft + output * tpot)
        decode_bound = np.where(middle["compute_s"] >= middle["memory_s"], "compute", "memory")
        comm_share = middle["comm_s"] / tpot
        with np.errstate(divide="ignore"):  # a batch that does not fit: refused upstream
            input_seconds = ttft / (count * prompt)
    else:
        # more sequences than fit wait in the queue: the engine runs the largest batch, and
        # each request spends count / completion rate in the system (Little's law)
        running = np.minimum(count, np.maximum(largest, 1.0))
        state = steady(running)
        tpot = state["tpot_s"]
        decode_rate = throughput = state["output_tokens_per_s"]
        requests = state["requests_per_s"]
        queued = count > running
        ttft = np.where(queued, count / np.where(queued, requests, 1.0) - (output - 1.0) * tpot,
                        state["ttft_s"])
        kv_total = running * kv_token * attended(held)
        decode_bound, comm_share = state["bound"], state["comm_share"]
        prefill = step(0.0, prompt, prompt, 0.0)
        input_seconds = step_seconds(prefill, overhead) / prompt
    result = {
        "ttft_s": ttft, "tpot_s": tpot, "concurrency": count,
        "output_tokens_per_s": copies * decode_rate,
        "output_tokens_per_s_per_replica": decode_rate,
        "throughput_output_tokens_per_s": copies * throughput,
        "requests_per_s": copies * requests,
        "prefill_bound": np.where(prefill["compute_s"] >= prefill["memory_s"], "compute",
                                  "memory"),
        "decode_bound": decode_bound, "comm_share": comm_share,
        "kv_cache_bytes": kv_total, "weight_bytes": weight_bytes,
        "fits": kv_total <= kv_room_bytes(memory, usable_memory_fraction, weight_bytes,
                                          kv_memory_of_free),
        "max_batch": largest, "saturated": saturated, "slo_met": slo_met,
        "naive_tpot_s": naive_tpot_seconds(active_params, speed),
    }
    if price_per_device_hour is not None:
        rate = cost_per_second(price_per_device_hour, tp)  # one replica's devices
        result["cost_per_s"] = copies * rate
        result["cost_per_mtok_input"] = cost_per_million_tokens(rate, 1.0 / input_seconds)
        result["cost_per_mtok_output"] = cost_per_million_tokens(rate, throughput)
        result["cost_per_mtok_blended"] = cost_per_million_tokens(
            rate, throughput * (prompt + output) / output)
        # cost per output / per input token = their times: defined at a price of 0 too
        result["output_input_cost_ratio"] = 1.0 / (throughput * input_seconds)
    return {key: value if isinstance(value, str) else _plain(value)
            for key, value in result.items()}
