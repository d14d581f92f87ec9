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
from ..engine import llm
from ..engine.accuracy import bisect_increasing
from ..errors import CPBError


@dataclass(frozen=True)
class Efficiency:
    """Fractions of peak reached in practice, and the fixed cost of a forward pass."""

    compute: float                 # of peak FLOP/s
    memory: float                  # of peak memory bandwidth
    step_overhead_s: float         # per forward pass [s]
    usable_memory_fraction: float  # of device memory for weights + KV cache


@lru_cache(maxsize=1)
def default_efficiency() -> Efficiency:
    """The calibrated defaults of ``efficiency.toml``."""
    values = bundled_toml("efficiency.toml")
    return Efficiency(compute=values["compute_efficiency"], memory=values["memory_efficiency"],
                      step_overhead_s=values["step_overhead_s"],
                      usable_memory_fraction=values["usable_memory_fraction"])


@dataclass(frozen=True)
class LLMEstimate:
    """Everything :func:`estimate_llm` works out; numbers are floats or arrays."""

    model: str
    hardware: str
    precision: str
    devices: object                  # every device: tensor_parallel x replicas
    tensor_parallel: object          # devices per replica
    replicas: object                 # independent copies of the model
    batch: object                    # per replica
    input_tokens: object
    output_tokens: object
    ttft_s: object                   # time to first token: prefill of the batch [s]
    tpot_s: object                   # time per output token at this batch [s]
    output_tokens_per_s: object      # whole system, decode [tokens/s]
    output_tokens_per_s_per_replica: object  # one replica, decode [tokens/s]
    throughput_output_tokens_per_s: object  # output over prefill + decode [tokens/s]
    bound: dict                      # {"prefill": ..., "decode": ...}: "compute" | "memory"
    kv_cache_bytes: object           # the batch's KV cache at the end of the output [B]
    weight_bytes: object             # [B]
    fits: object                     # weights + KV cache within usable memory
    max_batch: object                # largest batch that fits [sequences]
    naive_tpot_s: object             # the paper's formula: 2N / peak FLOP/s [s]
    efficiency: Efficiency
    cost_per_s: object = None               # with a price [$/s]
    cost_per_mtok_input: object = None      # [$ per 1M input tokens]
    cost_per_mtok_output: object = None     # [$ per 1M output tokens]
    cost_per_mtok_blended: object = None    # [$ per 1M tokens, input and output]
    output_input_cost_ratio: object = None

    def as_dict(self) -> dict:
        return asdict(self)


def _model_numbers(row: dict) -> dict:
    return {"params": row["params"], "active_params": row["active_params"] or row["params"],
            "n_experts": row["n_experts"] or 1, "experts_per_token": row["experts_per_token"] or 1,
            "n_layers": row["n_layers"], "n_heads": row["n_heads"],
            "n_kv_heads": row["n_kv_heads"], "head_dim": row["head_dim"]}


def estimate_llm(model: str, hardware: str, precision: str = "bf16", devices=1, batch=1,
                 input_tokens=1000, output_tokens=200, price_per_hour=None,
                 tensor_parallel=0, replicas=1,
                 efficiency: Efficiency | None = None, sheet: Sheet | None = None,
                 **efficiency_overrides) -> LLMEstimate:
    """Serve ``model`` on ``hardware``: latency, throughput, memory and cost.

    Parameters
    ----------
    model : str
        A catalog model, as people write it ("Llama-3.1-8B", "llama3.1-8b").
    hardware : str
        A sheet hardware name ("H100 SXM").
    precision : str
        Weights and math: fp32, bf16, fp16, fp8, int8, fp4, or weight-only int4 / q4_0 /
        q4_k_m (fp16 math). A precision the chip has no published peak for is an error.
    devices : int or array_like
        Every device of the deployment: ``tensor_parallel`` x ``replicas``.
    batch : int, array_like or "max"
        Concurrent sequences per replica; "max" is the largest batch whose weights and KV
        cache fit in a replica's devices.
    input_tokens, output_tokens : int or array_like
        Prompt and output length per sequence [tokens]. Default 1,000 and 200 (seed 001:
        prompts run 3-10x longer than outputs).
    price_per_hour : float or array_like, optional
        Price per device-hour; with it, costs per 1M tokens are filled in. Use
        ``sheet.price(hardware)["price_per_device_hour"]`` for the sheet's.
    tensor_parallel : int or array_like, optional
        Devices per replica, over which the model is split; 0 (default): devices / replicas.
    replicas : int or array_like, optional
        Independent copies of the model (default 1): they multiply the system's tokens per
        second and its cost per second, not its latency. The tensor-parallel all-reduces
        are not yet timed (an optimistic bound for tensor_parallel > 1 over PCIe).
    efficiency : Efficiency, optional
        Defaults to the calibrated one; or override single fields with keyword arguments
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
    per_replica, copies, every_device = llm.deployment(devices, tensor_parallel, replicas)
    device = sheet.hardware(hardware)
    canonical = resolve_precision(precision)
    peak = sheet.flops_per_s(device["id"], canonical)
    spec = precisions()[canonical]
    chosen = _efficiency(efficiency, efficiency_overrides)
    attention = sheet.model_attention(row["id"]) or {}
    kv_token = (llm.mla_kv_cache_bytes_per_token(row["n_layers"], attention["kv_lora_rank"],
                                                 attention["qk_rope_head_dim"], spec["kv_bytes"])
                if attention.get("attention") == "mla" else None)
    common = dict(**_model_numbers(row), weight_bytes_per_param=spec["weight_bytes"],
                  kv_bytes_per_token=kv_token,
                  kv_bytes_per_value=spec["kv_bytes"], flops_per_s_per_device=peak,
                  memory_bandwidth_bytes_per_s_per_device=device["memory_bandwidth_bytes_per_s"],
                  memory_bytes_per_device=device["memory_bytes"], devices=per_replica,
                  replicas=copies,
                  input_tokens=input_tokens, output_tokens=output_tokens,
                  compute_efficiency=chosen.compute, memory_efficiency=chosen.memory,
                  step_overhead_s=chosen.step_overhead_s,
                  usable_memory_fraction=chosen.usable_memory_fraction,
                  price_per_device_hour=price_per_hour)
    if isinstance(batch, str):
        if batch.strip().lower() != "max":
            raise CPBError(f"batch = {batch!r}: not a batch size.", argument="batch",
                           value=batch, fix='Give a whole number of sequences, or "max".')
        batch = llm.llm_inference(**common, batch=1)["max_batch"]
        if (batch < 1) if not hasattr(batch, "shape") else (batch < 1).any():
            raise CPBError(f"model = {model!r}: its weights and one sequence's KV cache do "
                           f"not fit in {device['name']} x {per_replica}.", argument="model",
                           value=model, fix="Use more devices, a smaller precision or a "
                                            "shorter context.", kind="num")
    result = llm.llm_inference(**common, batch=batch)
    return LLMEstimate(
        model=row["id"], hardware=device["id"], precision=canonical,
        devices=every_device, tensor_parallel=per_replica,
        replicas=copies, batch=batch, input_tokens=input_tokens, output_tokens=output_tokens,
        ttft_s=result["ttft_s"], tpot_s=result["tpot_s"],
        output_tokens_per_s=result["output_tokens_per_s"],
        output_tokens_per_s_per_replica=result["output_tokens_per_s_per_replica"],
        throughput_output_tokens_per_s=result["throughput_output_tokens_per_s"],
        bound={"prefill": result["prefill_bound"], "decode": result["decode_bound"]},
        kv_cache_bytes=result["kv_cache_bytes"], weight_bytes=result["weight_bytes"],
        fits=result["fits"], max_batch=result["max_batch"],
        naive_tpot_s=result["naive_tpot_s"], efficiency=chosen,
        cost_per_s=result.get("cost_per_s"),
        cost_per_mtok_input=result.get("cost_per_mtok_input"),
        cost_per_mtok_output=result.get("cost_per_mtok_output"),
        cost_per_mtok_blended=result.get("cost_per_mtok_blended"),
        output_input_cost_ratio=result.get("output_input_cost_ratio"))


_OVERRIDES = {"compute_efficiency": "compute", "memory_efficiency": "memory",
              "step_overhead_s": "step_overhead_s",
              "usable_memory_fraction": "usable_memory_fraction"}


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
