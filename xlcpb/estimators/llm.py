"""Realistic LLM inference estimates: the catalog and the sheet fed to the roofline engine.

The paper's T_byte divides FLOPs by peak FLOP/s. Serving a transformer is different: output
tokens come one step at a time and each step reads all weights and the KV cache (memory-
bound), prompts are processed in parallel (compute-bound), and batching shares the weight
reads among sequences (seeds 001, 002). :func:`estimate_llm` models that; its default
efficiencies are fitted on published measurements (``xlcpb calibrate``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from functools import lru_cache

import numpy as np

from ..data.bundled import bundled_toml
from ..data.models import model as find_model
from ..data.sheet import Sheet, load_sheet, precisions, resolve_precision
from ..engine import llm, serving
from ..engine._inputs import whole_count
from ..engine.accuracy import bisect_increasing
from ..errors import CPBError


@dataclass(frozen=True)
class Efficiency:
    """A serving profile: fractions of peak reached in practice, the fixed cost of a forward
    step, the tensor-parallel link model and the stack's scheduler defaults
    (``serving_profiles.toml``)."""

    compute: float                 # of peak FLOP/s
    memory: float                  # of peak memory bandwidth
    step_overhead_s: float         # per forward step [s]
    usable_memory_fraction: float  # of device memory for weights + KV cache
    sequence_overhead_s: float = 0.0   # host work per decoding sequence per step [s]
    request_overhead_s: float = 0.0    # host work to admit a request, before its first token [s]
    admission_per_rank: bool = False   # the stack admits each request once per TP rank
    moe_compute: float = 1.0       # routed-expert GEMMs, of the dense rate
    moe_tokens_half: float = 0.0   # tokens per expert at which grouped GEMMs reach half rate
    moe_width_half: float = 0.0    # expert width at which grouped GEMMs reach half rate
    kv_read: float = 1.0           # attention's KV-cache reads, of the weights' rate
    fp8_compute: float = 1.0       # share of compute efficiency reached at 8-bit peaks
    fp4_compute: float = 1.0       # ... and at 4-bit peaks
    allreduce_latency_s: float = 0.0   # per tensor-parallel all-reduce [s]
    link_efficiency: float = 1.0   # of one direction of the interconnect
    activation_bytes: float = 2.0  # per exchanged activation value [B]
    max_batch: float = float("inf")    # the scheduler's cap [sequences per replica]
    kv_memory_of_free: bool = False    # usable_memory_fraction of what weights leave free
    prefill_chunk_tokens: float = float("inf")  # prompt tokens per step [tokens]
    profile: str = "custom"


PROFILES_FILE = "serving_profiles.toml"
_PROFILE_FIELDS = {"compute_efficiency": "compute", "memory_efficiency": "memory",
                   "step_overhead_s": "step_overhead_s",
                   "sequence_overhead_s": "sequence_overhead_s",
                   "request_overhead_s": "request_overhead_s", "max_batch": "max_batch",
                   "prefill_chunk_tokens": "prefill_chunk_tokens",
                   "usable_memory_fraction": "usable_memory_fraction",
                   "kv_memory_of_free": "kv_memory_of_free",
                   "admission_per_rank": "admission_per_rank"}
_SHARED_FIELDS = {"moe_compute_efficiency": "moe_compute",
                  "moe_tokens_half": "moe_tokens_half", "moe_width_half": "moe_width_half",
                  "kv_read_efficiency": "kv_read",
                  "fp8_compute_factor": "fp8_compute", "fp4_compute_factor": "fp4_compute",
                  "allreduce_latency_s": "allreduce_latency_s",
                  "link_efficiency": "link_efficiency", "activation_bytes": "activation_bytes"}


def profile_names() -> list[str]:
    """The serving profiles of ``serving_profiles.toml``, "generic" first."""
    return list(bundled_toml(PROFILES_FILE)["profiles"])


@lru_cache(maxsize=64)
def profile_efficiency(profile: str = "generic", vendor: str | None = None) -> Efficiency:
    """The efficiency set of a serving profile, with its overrides for ``vendor`` if any."""
    table = bundled_toml(PROFILES_FILE)
    key = str(profile).strip().lower()
    names = {name.lower(): name for name in table["profiles"]}
    if key not in names:
        raise CPBError(f"profile = {profile!r}: not a serving profile.", argument="profile",
                       value=profile, fix=f"Use one of {', '.join(table['profiles'])}.",
                       kind="value")
    entry = table["profiles"][names[key]]
    values = {field: entry[name] for name, field in _PROFILE_FIELDS.items()}
    overrides = entry.get("vendors", {}).get(vendor or "", {})
    values.update({_PROFILE_FIELDS[name]: value for name, value in overrides.items()
                   if name in _PROFILE_FIELDS})
    values.update({field: table["shared"][name] for name, field in _SHARED_FIELDS.items()})
    return Efficiency(**values, profile=names[key])


def default_efficiency() -> Efficiency:
    """The calibrated generic profile."""
    return profile_efficiency("generic")


@dataclass(frozen=True)
class LLMEstimate:
    """Everything :func:`estimate_llm` works out; numbers are floats or arrays."""

    model: str
    hardware: str
    precision: str
    mode: str                        # "latency", "offline" or "server"
    profile: str                     # the serving profile whose efficiencies were used
    devices: object                  # every device: tensor_parallel x replicas
    tensor_parallel: object          # devices per replica
    replicas: object                 # independent copies of the model
    batch: object                    # concurrent sequences per replica
    input_tokens: object
    output_tokens: object
    ttft_s: object                   # time to first token [s]
    tpot_s: object                   # time per output token at this load [s]
    output_tokens_per_s: object      # whole system [tokens/s]
    output_tokens_per_s_per_replica: object  # one replica [tokens/s]
    throughput_output_tokens_per_s: object  # output over prefill + decode [tokens/s]
    requests_per_s: object           # completed requests, whole system [1/s]
    bound: dict                      # {"prefill": ..., "decode": ...}: "compute" | "memory"
    comm_share: object               # share of a decode step spent in all-reduces
    kv_cache_bytes: object           # the batch's KV cache per replica [B]
    weight_bytes: object             # [B]
    fits: object                     # weights + KV cache within usable memory
    max_batch: object                # largest batch: memory and scheduler cap [sequences]
    naive_tpot_s: object             # the paper's formula: 2N / peak FLOP/s [s]
    efficiency: Efficiency
    request_rate_per_s: object = None       # the arrival rate asked for [1/s]
    ttft_slo_s: object = None
    tpot_slo_s: object = None
    cost_per_s: object = None               # with a price [$/s]
    cost_per_mtok_input: object = None      # [$ per 1M input tokens]
    cost_per_mtok_output: object = None     # [$ per 1M output tokens]
    cost_per_mtok_blended: object = None    # [$ per 1M tokens, input and output]
    output_input_cost_ratio: object = None

    def as_dict(self) -> dict:
        return asdict(self)


def engine_inputs(model_row: dict, device: dict, precision: str, sheet: Sheet) -> dict:
    """The engine's keyword arguments that a model, a device and a precision fix."""
    spec = precisions()[precision]
    attention = sheet.model_attention(model_row["id"]) or {}
    mla = attention.get("attention") == "mla"
    window = attention.get("sliding_window_tokens")
    layers = model_row["n_layers"]
    return {
        "params": model_row["params"],
        "active_params": model_row["active_params"] or model_row["params"],
        "n_experts": model_row["n_experts"] or 1,
        "experts_per_token": model_row["experts_per_token"] or 1,
        "n_layers": layers, "n_heads": model_row["n_heads"],
        "n_kv_heads": model_row["n_kv_heads"], "head_dim": model_row["head_dim"],
        "d_model": model_row.get("d_model"),  # the engine falls back to heads x head dim
        "weight_bytes_per_param": spec["weight_bytes"], "kv_bytes_per_value": spec["kv_bytes"],
        "kv_bytes_per_token": (llm.mla_kv_cache_bytes_per_token(
            layers, attention["kv_lora_rank"], attention["qk_rope_head_dim"], spec["kv_bytes"])
            if mla else None),
        "window_tokens": window or np.inf,
        "windowed_layers": (attention.get("sliding_window_layers") or 0) if window else 0,
        "flops_per_s_per_device": sheet.flops_per_s(device["id"], precision),
        "memory_bandwidth_bytes_per_s_per_device": device["memory_bandwidth_bytes_per_s"],
        "memory_bytes_per_device": device["memory_bytes"],
        "interconnect_bytes_per_s": device.get("interconnect_bandwidth_bytes_per_s"),
    }


LOW_PRECISION_PEAKS = {"fp8_flops_per_s": "fp8_compute", "int8_ops_per_s": "fp8_compute",
                       "fp4_flops_per_s": "fp4_compute"}  # the peak column's factor


def efficiency_inputs(chosen: Efficiency, precision: str | None = None) -> dict:
    """The engine's keyword arguments that an efficiency set (at a precision) fixes."""
    column = precisions()[precision]["column"] if precision else ""
    factor = getattr(chosen, LOW_PRECISION_PEAKS[column]) if column in LOW_PRECISION_PEAKS \
        else 1.0
    return {"compute_efficiency": chosen.compute, "memory_efficiency": chosen.memory,
            "precision_compute_factor": factor, "kv_read_efficiency": chosen.kv_read,
            "step_overhead_s": chosen.step_overhead_s,
            "sequence_overhead_s": chosen.sequence_overhead_s,
            "request_overhead_s": chosen.request_overhead_s,
            "usable_memory_fraction": chosen.usable_memory_fraction,
            "moe_compute_efficiency": chosen.moe_compute,
            "moe_tokens_half": chosen.moe_tokens_half,
            "moe_width_half": chosen.moe_width_half,
            "allreduce_latency_s": chosen.allreduce_latency_s,
            "link_efficiency": chosen.link_efficiency,
            "activation_bytes": chosen.activation_bytes,
            "prefill_chunk_tokens": chosen.prefill_chunk_tokens,
            "kv_memory_of_free": float(chosen.kv_memory_of_free),
            "admission_per_rank": float(chosen.admission_per_rank)}


TENSOR_PARALLEL_CHOICES = (1, 2, 4, 8)  # the sizes serving stacks split a model over


def estimate_llm(model: str, hardware: str, precision: str = "bf16", devices=1, batch=None,
                 input_tokens=1000, output_tokens=200, price_per_hour=None,
                 tensor_parallel=0, replicas=1, mode: str = "latency",
                 profile: str = "generic", request_rate_per_s=None, ttft_slo_s=None,
                 tpot_slo_s=None, max_batch=None,
                 efficiency: Efficiency | None = None, sheet: Sheet | None = None,
                 **efficiency_overrides) -> LLMEstimate:
    """Serve ``model`` on ``hardware``: latency, throughput, memory and cost.

    Parameters
    ----------
    model : str
        A catalog model, as people write it ("Llama-3.1-8B", "llama3.1-8b"), or one of the
        user's own (``xlcpb sheet add models --from-config config.json``).
    hardware : str
        A sheet hardware name ("H100 SXM").
    precision : str
        Weights and math: fp32, bf16, fp16, fp8, int8, fp4, or weight-only int4 / q4_0 /
        q4_k_m (fp16 math). A precision the chip has no published peak for is an error.
    devices : int or array_like
        Every device of the deployment: ``tensor_parallel`` x ``replicas``.
    batch : int, array_like or "max"
        Concurrent sequences per replica; "max" is the largest that fits in a replica's
        memory and the profile's scheduler cap (``max_batch``). Default: 1 in latency mode,
        "max" in offline and server mode.
    input_tokens, output_tokens : int or array_like
        Prompt and output length per sequence [tokens]. Default 1,000 and 200 (seed 001:
        prompts run 3-10x longer than outputs).
    price_per_hour : float or array_like, optional
        Price per device-hour; with it, costs per 1M tokens are filled in.
    tensor_parallel : int or array_like, optional
        Devices per replica, over which the model is split. 0 (default): ``devices /
        replicas`` where devices are given, else the smallest of 1, 2, 4, 8 whose memory
        holds the weights and the batch.
    replicas : int or array_like, optional
        Independent copies of the model (default 1): they multiply the system's tokens per
        second and its cost per second, not its latency.
    mode : str
        "latency" (default): a static batch, prefill then decode. "server": continuous
        batching in steady state at ``batch`` concurrent sequences, at
        ``request_rate_per_s``, or at the largest concurrency meeting ``ttft_slo_s`` /
        ``tpot_slo_s``. "offline": every request queued, at ``batch`` (default "max").
    profile : str
        The serving stack whose fitted efficiencies apply: generic (default),
        tensorrt-llm, vllm, sglang, llama.cpp... (``serving_profiles.toml``).
    request_rate_per_s, ttft_slo_s, tpot_slo_s : float, optional
        Server mode: the whole system's arrival rate [requests/s], or latency targets [s].
    max_batch : int, optional
        The scheduler's cap on sequences per replica (vLLM's max_num_seqs, TensorRT-LLM's
        max_batch_size); default the profile's.
    efficiency : Efficiency, optional
        Instead of the profile's; or override single fields with keyword arguments
        ``compute_efficiency``, ``memory_efficiency``, ``step_overhead_s``.

    Examples
    --------
    >>> e = estimate_llm("GPT-2 1.5B", "T4", precision="fp16", input_tokens=1,
    ...                  output_tokens=1000)
    >>> e.bound["decode"], e.tpot_s > 100 * e.naive_tpot_s
    ('memory', True)
    """
    sheet = sheet or load_sheet()
    row = find_model(model, sheet)
    device = sheet.hardware(hardware)
    canonical = resolve_precision(precision)
    chosen = _efficiency(efficiency or profile_efficiency(profile, device["vendor"]),
                         efficiency_overrides)
    if max_batch is not None:
        chosen = replace(chosen, max_batch=whole_count("max_batch", max_batch, "sequences"))
    inputs = engine_inputs(row, device, canonical, sheet)
    if batch is None:  # a static batch of one; under load, as many as fit
        batch = 1 if mode == "latency" else "max"
    wants_max = _wants_max(batch)
    if (mode != "server" and (request_rate_per_s is not None or ttft_slo_s is not None
                              or tpot_slo_s is not None)):
        raise CPBError(f"mode = {mode!r}: a request rate or latency target needs "
                       'mode "server".', argument="mode", value=mode,
                       fix='Give mode "server", or leave out the rate and targets.')
    if _auto_tensor_parallel(devices, tensor_parallel):
        tensor_parallel = _smallest_fitting(inputs, chosen, canonical, mode, batch, wants_max,
                                            input_tokens, output_tokens, row, device)
    per_replica, copies, every_device = llm.deployment(devices, tensor_parallel, replicas)
    if not np.all(llm.splits_evenly(row["n_heads"], per_replica)):
        raise CPBError(f"tensor_parallel = {tensor_parallel!r}: {row['id']}'s "
                       f"{row['n_heads']} attention heads do not split evenly over "
                       f"{np.max(per_replica):g} devices.", argument="tensor_parallel",
                       value=tensor_parallel, fix="Use a tensor-parallel size that divides "
                       "the heads (1, 2, 4, 8 for most models).", kind="value")
    if np.any(np.asarray(per_replica) > 1) and inputs["interconnect_bytes_per_s"] is None:
        raise CPBError(f"hardware = {hardware!r}: {device['name']} has no interconnect "
                       "bandwidth in the sheet, so tensor parallelism cannot be timed.",
                       argument="hardware", value=hardware,
                       fix="Add interconnect_bandwidth_bytes_per_s to its sheet row "
                           "(xlcpb sheet add hardware), or use one device per replica.",
                       kind="value")
    common = dict(**inputs, **efficiency_inputs(chosen, canonical), devices=per_replica,
                  replicas=copies,
                  input_tokens=input_tokens, output_tokens=output_tokens, mode=mode,
                  max_batch_cap=chosen.max_batch, price_per_device_hour=price_per_hour,
                  request_rate_per_s=request_rate_per_s, ttft_slo_s=ttft_slo_s,
                  tpot_slo_s=tpot_slo_s)
    if wants_max or request_rate_per_s is not None or ttft_slo_s is not None \
            or tpot_slo_s is not None:
        _refuse_unless_one_fits(inputs, chosen, common, model, device, per_replica)
    result = serving.llm_inference(**common, batch=None if wants_max else batch)
    _refuse_unmet(result, request_rate_per_s, ttft_slo_s, tpot_slo_s, model)
    return LLMEstimate(
        model=row["id"], hardware=device["id"], precision=canonical, mode=mode,
        profile=chosen.profile, devices=every_device, tensor_parallel=per_replica,
        replicas=copies, batch=result["concurrency"], input_tokens=input_tokens,
        output_tokens=output_tokens, ttft_s=result["ttft_s"], tpot_s=result["tpot_s"],
        output_tokens_per_s=result["output_tokens_per_s"],
        output_tokens_per_s_per_replica=result["output_tokens_per_s_per_replica"],
        throughput_output_tokens_per_s=result["throughput_output_tokens_per_s"],
        requests_per_s=result["requests_per_s"],
        bound={"prefill": result["prefill_bound"], "decode": result["decode_bound"]},
        comm_share=result["comm_share"],
        kv_cache_bytes=result["kv_cache_bytes"], weight_bytes=result["weight_bytes"],
        fits=result["fits"], max_batch=result["max_batch"],
        naive_tpot_s=result["naive_tpot_s"], efficiency=chosen,
        request_rate_per_s=request_rate_per_s, ttft_slo_s=ttft_slo_s, tpot_slo_s=tpot_slo_s,
        cost_per_s=result.get("cost_per_s"),
        cost_per_mtok_input=result.get("cost_per_mtok_input"),
        cost_per_mtok_output=result.get("cost_per_mtok_output"),
        cost_per_mtok_blended=result.get("cost_per_mtok_blended"),
        output_input_cost_ratio=result.get("output_input_cost_ratio"))


def _wants_max(batch) -> bool:
    if not isinstance(batch, str):
        return False
    if batch.strip().lower() != "max":
        raise CPBError(f"batch = {batch!r}: not a batch size.", argument="batch",
                       value=batch, fix='Give a whole number of sequences, or "max".')
    return True


def _auto_tensor_parallel(devices, tensor_parallel) -> bool:
    return (np.ndim(devices) == 0 and np.ndim(tensor_parallel) == 0 and devices == 1
            and tensor_parallel == 0)


def _smallest_fitting(inputs, chosen, precision, mode, batch, wants_max, input_tokens,
                      output_tokens, row, device) -> int:
    """The smallest tensor-parallel size whose memory holds the weights and the batch: of
    every input combination where one size does, else of some (the others are then refused
    item by item as not fitting)."""
    some = None
    for size in TENSOR_PARALLEL_CHOICES:
        if size > 1 and inputs["interconnect_bytes_per_s"] is None:
            break
        if not llm.splits_evenly(row["n_heads"], size):
            continue
        probe = serving.llm_inference(**inputs, **efficiency_inputs(chosen, precision),
                                      devices=size,
                                      batch=None if wants_max else batch, mode=mode,
                                      input_tokens=input_tokens, output_tokens=output_tokens,
                                      max_batch_cap=chosen.max_batch)
        fits = (np.asarray(probe["max_batch"]) >= 1) & np.asarray(probe["fits"])
        if fits.all():
            return size
        if some is None and fits.any():
            some = size
    if some is not None:
        return some
    raise CPBError(f"model = {row['id']!r}: its weights and batch do not fit in "
                   f"{TENSOR_PARALLEL_CHOICES[-1]} x {device['name']} (or the device has no "
                   "interconnect to split it over).", argument="model", value=row["id"],
                   fix="Give tensor_parallel, a smaller precision, batch or context.",
                   kind="num")


def _refuse_unless_one_fits(inputs, chosen, common, model, device, per_replica):
    probe = serving.llm_inference(**{**common, "request_rate_per_s": None, "ttft_slo_s": None,
                                     "tpot_slo_s": None, "mode": common["mode"]}, batch=None)
    if np.any(np.asarray(probe["max_batch"]) < 1):
        raise CPBError(f"model = {model!r}: its weights and one sequence's KV cache do "
                       f"not fit in {device['name']} x {np.max(per_replica):g}.",
                       argument="model", value=model,
                       fix="Use more devices, a smaller precision or a shorter context.",
                       kind="num")


def _refuse_unmet(result, rate, ttft_slo_s, tpot_slo_s, model):
    if np.any(result["saturated"]):
        raise CPBError(f"request_rate_per_s = {rate!r}: more than the replicas can serve "
                       f"(at its largest batch {model} completes at most "
                       f"{np.min(result['requests_per_s']):.4g} requests/s).",
                       argument="request_rate_per_s", value=rate,
                       fix="Add replicas, lower the rate, or use a faster precision/device.",
                       kind="num")
    if not np.all(result["slo_met"]):
        raise CPBError(f"tpot_slo_s = {tpot_slo_s!r}, ttft_slo_s = {ttft_slo_s!r}: not met "
                       f"even by one sequence per replica (TTFT {np.min(result['ttft_s']):.4g}"
                       f" s, TPOT {np.min(result['tpot_s']):.4g} s).", argument="tpot_slo_s",
                       value=tpot_slo_s, fix="Relax the targets, split the model over more "
                                             "devices (tensor_parallel) or use faster ones.",
                       kind="num")


_OVERRIDES = {"compute_efficiency": "compute", "memory_efficiency": "memory",
              "step_overhead_s": "step_overhead_s",
              "usable_memory_fraction": "usable_memory_fraction",
              "moe_compute_efficiency": "moe_compute",
              "kv_read_efficiency": "kv_read",
              "allreduce_latency_s": "allreduce_latency_s",
              "link_efficiency": "link_efficiency"}


def _efficiency(efficiency, overrides) -> Efficiency:
    unknown = set(overrides) - set(_OVERRIDES)
    if unknown:
        raise CPBError(f"{sorted(unknown)[0]}: not an estimate_llm argument.",
                       argument=sorted(unknown)[0], value=None,
                       fix=f"Efficiency overrides are {', '.join(_OVERRIDES)}.", kind="value")
    chosen = efficiency or default_efficiency()
    return replace(chosen, **{_OVERRIDES[k]: v for k, v in overrides.items() if v is not None})


def implied_efficiency(model: str, hardware: str, measured_output_tokens_per_s: float,
                       precision: str = "bf16", devices=1, batch=1, input_tokens=1000,
                       output_tokens=200, sheet: Sheet | None = None) -> dict:
    """The efficiency that reproduces a measured decode speed, from a user's own benchmark.

    Returns ``{"bound": "memory"|"compute", "memory_efficiency" or "compute_efficiency":
    value}``: the bound the default model predicts for that decode, and the efficiency of
    that bound (the other held at its default) that makes the model give the measured
    tokens/s. Solved by bisection on the model itself, so it agrees with
    :func:`estimate_llm` exactly.
    """
    base = estimate_llm(model, hardware, precision, devices, batch, input_tokens,
                        output_tokens, sheet=sheet)
    bound = str(base.bound["decode"])
    name = "memory_efficiency" if bound == "memory" else "compute_efficiency"

    def speed(value):
        return estimate_llm(model, hardware, precision, devices, batch, input_tokens,
                            output_tokens, sheet=sheet, **{name: value}).output_tokens_per_s

    low, high = 1e-4, 1.0
    if not speed(low) <= measured_output_tokens_per_s <= speed(high):
        raise CPBError(f"measured_output_tokens_per_s = {measured_output_tokens_per_s!r}: "
                       f"outside what any {name.replace('_', ' ')} from 0 to 100% gives "
                       f"({speed(low):.4g} to {speed(high):.4g} tokens/s).",
                       argument="measured_output_tokens_per_s",
                       value=measured_output_tokens_per_s,
                       fix="Check the measurement's batch, precision and device count.",
                       kind="num")
    return {"bound": bound,
            name: bisect_increasing(speed, measured_output_tokens_per_s, low, high)}


def refuse_unless_fits(estimate: LLMEstimate, value):
    """``value``, or a CPBError naming the first configuration whose memory does not fit."""
    fits = np.asarray(estimate.fits)
    if fits.all():
        return value
    index = int(np.flatnonzero(~fits.ravel())[0])
    where = "" if fits.ndim == 0 else f" (item {index + 1} of {fits.size})"
    raise CPBError(f"batch{where}: {estimate.model} with this batch and context does not fit "
                   f"in {estimate.hardware} memory.", argument="batch" + where, value=None,
                   fix="Lower the batch or context, use more devices, or a smaller precision "
                       '(CPB_LLM_MAX_BATCH gives the largest batch; "max" uses it).', kind="num")
