"""Fitting the estimator's efficiencies on published measurements, and measuring its error.

The measurements are the packaged ``xlcpb/data/llm_measurements.csv`` (each row sourced;
see ``llm_measurements.md``); by default those ``calibration_map.toml`` lists under
``[fit]``, of three kinds: offline maximum-throughput runs (output tokens/s over prefill and
decode at the largest batch), batch-1 time to first token, and single-stream decode speed.
:func:`fit` searches a grid of compute efficiency, memory efficiency and per-pass overhead
for the least squared log10 error over all of them; ``xlcpb calibrate --write PATH`` writes
the result where the user says (the packaged defaults, ``efficiency.toml``, are reproduced by
the tests).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data.bundled import bundled_text, bundled_toml
from ..data.csvfiles import read_text_bounded
from ..engine.accuracy import (log10_error, median_and_worst_factor, parameter_grid,
                               prefill_seconds, seconds_from_ms, seconds_per_token,
                               total_squared_log10_error, tokens_per_s)
from ..engine.significant_digits import round_significant
from ..errors import CPBError
from .llm import Efficiency, default_efficiency, estimate_llm



@dataclass(frozen=True)
class Measurement:
    id: str
    model: str          # catalog id
    hardware: str       # sheet id
    precision: str
    devices: int
    batch: object       # 1 or "max"
    input_tokens: int
    output_tokens: int
    metric: str         # "throughput" [tokens/s], "ttft" [s] or "tpot" [s]
    measured: float
    source_key: str = "unknown"  # the publication it comes from (llm_measurements.md)


def _mapping() -> dict:
    return bundled_toml("calibration_map.toml")


def _leading_number(text: str) -> float | None:
    match = re.match(r"\s*([\d.]+)", text or "")
    return float(match.group(1)) if match else None


PACKAGED_MEASUREMENTS = "llm_measurements.csv"


def load_measurements(path: Path | None = None) -> list[Measurement]:
    """Measurement rows mapped to catalog and sheet ids: a file of the same columns, or by
    default the packaged rows that ``calibration_map.toml`` lists under ``[fit]``."""
    mapping = _mapping()
    text = read_text_bounded(Path(path)) if path else bundled_text(PACKAGED_MEASUREMENTS)
    rows = list(csv.DictReader(io.StringIO(text)))
    if path is None:
        chosen = set(mapping["fit"]["measurements"])
        rows = [row for row in rows if row["id"] in chosen]
    measurements = []
    for row in rows:
        try:
            model = mapping["models"][row["model"]]
            hardware = mapping["hardware"][row["gpu"]]
            precision = mapping["precisions"][row["precision"]]
        except KeyError as missing:
            raise CPBError(f"{path}: row {row['id']}: {missing} is not in calibration_map.toml.",
                           argument=str(path), value=row["id"],
                           fix="Add the name to xlcpb/data/calibration_map.toml.") from None
        batch_text = row["batch_or_concurrency"].lower()
        if row["ttft_ms"].strip():
            metric, measured = "ttft", seconds_from_ms(float(row["ttft_ms"]))
        elif batch_text.startswith("max-throughput"):
            metric, measured = "throughput", float(row["output_throughput_tok_s"])
        else:
            metric, measured = "tpot", seconds_per_token(float(row["output_throughput_tok_s"]))
        input_tokens = _leading_number(row["input_tokens"]) or 1  # "prompt separately": none
        output_tokens = (_leading_number(row["output_tokens"])
                         or mapping["defaults"]["llama_bench_output_tokens"])
        measurements.append(Measurement(
            id=row["id"], model=model, hardware=hardware, precision=precision,
            devices=int(row["num_gpus"]), batch="max" if metric == "throughput" else 1,
            input_tokens=int(input_tokens), output_tokens=int(output_tokens), metric=metric,
            measured=measured, source_key=row.get("source_key") or "unknown"))
    return measurements


def predict(measurement: Measurement, compute=None, memory=None, overhead_s=None):
    """The estimator's value for a measurement (arrays when the efficiencies are arrays)."""
    estimate = estimate_llm(measurement.model, measurement.hardware, measurement.precision,
                            devices=measurement.devices, batch=measurement.batch,
                            input_tokens=measurement.input_tokens,
                            output_tokens=measurement.output_tokens,
                            compute_efficiency=compute, memory_efficiency=memory,
                            step_overhead_s=overhead_s)
    return {"throughput": estimate.throughput_output_tokens_per_s, "ttft": estimate.ttft_s,
            "tpot": estimate.tpot_s}[measurement.metric], estimate


def naive(measurement: Measurement) -> float:
    """The paper's formula for the same quantity: 2N FLOPs per token at peak FLOP/s."""
    _, estimate = predict(measurement)
    per_token = estimate.naive_tpot_s
    if measurement.metric == "throughput":
        return tokens_per_s(per_token)
    if measurement.metric == "ttft":  # every prompt token at the decode rate
        return prefill_seconds(per_token, measurement.input_tokens)
    return float(per_token)


def fit(measurements: list[Measurement]) -> Efficiency:
    """The grid point with the least sum of squared log10 errors."""
    grids = _mapping()["fit"]["grid"]  # [start, stop, step] of each parameter
    compute, memory, overhead = np.meshgrid(
        *(parameter_grid(*grids[name]) for name in ("compute_efficiency",
                                                     "memory_efficiency", "step_overhead_s")),
        indexing="ij")
    total = total_squared_log10_error(
        [predict(measurement, compute, memory, overhead)[0] for measurement in measurements],
        [measurement.measured for measurement in measurements])
    best = np.unravel_index(np.argmin(total), total.shape)
    return Efficiency(compute=float(compute[best]), memory=float(memory[best]),
                      step_overhead_s=float(overhead[best]),
                      usable_memory_fraction=default_efficiency().usable_memory_fraction)


def accuracy(measurements: list[Measurement], efficiency: Efficiency | None = None) -> list[dict]:
    """Per measurement: the paper's naive figure, ours and the measurement, with errors."""
    chosen = efficiency or default_efficiency()
    rows = []
    for m in measurements:
        ours, _ = predict(m, chosen.compute, chosen.memory, chosen.step_overhead_s)
        paper = naive(m)
        rows.append({"id": m.id, "metric": m.metric, "measured": m.measured,
                     "paper": paper, "ours": float(ours),
                     "paper_log10_error": log10_error(paper, m.measured),
                     "ours_log10_error": log10_error(float(ours), m.measured)})
    return rows


def leave_one_source_out(measurements: list[Measurement]) -> list[dict]:
    """For each publication: fit on every other one, and score on it.

    The honest estimate of accuracy on measurements the fit has not seen: a source's rows
    share a benchmark tool, a software version and a way of counting, so holding out single
    rows would flatter the fit. Returns one accuracy row per held-out measurement, with the
    fit it was scored against under ``"held_out_fit"``.
    """
    rows = []
    for source in sorted({m.source_key for m in measurements}):
        rest = [m for m in measurements if m.source_key != source]
        held = [m for m in measurements if m.source_key == source]
        if not rest:
            continue
        fitted = fit(rest)
        for row in accuracy(held, fitted):
            rows.append({**row, "source_key": source, "held_out_fit": fitted})
    return rows


def summary(rows: list[dict]) -> dict:
    """Median and worst |log10(predicted / measured)|, as factors, for paper and ours."""
    out = {}
    for who in ("paper", "ours"):
        median, worst = median_and_worst_factor([row[f"{who}_log10_error"] for row in rows])
        out[who] = {"median_factor": median, "worst_factor": worst}
    return out


def efficiency_toml(efficiency: Efficiency, source: str) -> str:
    """The text of ``efficiency.toml`` for a fitted efficiency."""
    return (
        "# Default efficiencies of the realistic inference estimator (xlcpb.estimate_llm).\n"
        f"# GENERATED by `xlcpb calibrate --write` from {source};\n"
        "# re-run it to refit. tests/test_llm.py checks that the fit reproduces these values.\n"
        f"compute_efficiency = {efficiency.compute}\n"
        f"memory_efficiency = {efficiency.memory}\n"
        f"step_overhead_s = {round_significant(efficiency.step_overhead_s, 6)}\n"
        "# Not fitted: share of device memory left for weights and KV cache after the runtime,\n"
        "# activations and fragmentation (vLLM's default gpu_memory_utilization is 0.9).\n"
        f"usable_memory_fraction = {efficiency.usable_memory_fraction}\n")
