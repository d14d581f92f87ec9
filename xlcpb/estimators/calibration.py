"""Fitting the estimator's efficiencies on published measurements, and measuring its error.

The measurements (``shared/reference/llm_measurements_calibration.csv``) are of three kinds:
offline maximum-throughput runs (output tokens/s over prefill and decode at the largest
batch), batch-1 time to first token, and single-stream decode speed. :func:`fit` searches a
grid of compute efficiency, memory efficiency and per-pass overhead for the least squared
log10 error over all of them; the result is stored in ``xlcpb/data/efficiency.toml`` by
``xlcpb calibrate --write`` and reproduced by the tests.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data.bundled import bundled_toml
from ..data.csvfiles import read_text_bounded
from ..engine.significant_digits import round_significant
from ..errors import CPBError
from .llm import Efficiency, default_efficiency, estimate_llm

# The search grid: steps of 0.01 in efficiency and 0.25 ms in overhead.
COMPUTE_GRID = np.round(np.arange(0.20, 1.0001, 0.01), 2)
MEMORY_GRID = np.round(np.arange(0.30, 1.0001, 0.01), 2)
OVERHEAD_GRID_S = np.round(np.arange(0.0, 0.010001, 0.00025), 5)


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


def _mapping() -> dict:
    return bundled_toml("calibration_map.toml")


def _leading_number(text: str) -> float | None:
    match = re.match(r"\s*([\d.]+)", text or "")
    return float(match.group(1)) if match else None


def load_measurements(path: Path) -> list[Measurement]:
    """The calibration file's rows, mapped to catalog and sheet ids."""
    mapping = _mapping()
    rows = list(csv.DictReader(io.StringIO(read_text_bounded(Path(path)))))
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
            metric, measured = "ttft", float(row["ttft_ms"]) / 1e3
        elif batch_text.startswith("max-throughput"):
            metric, measured = "throughput", float(row["output_throughput_tok_s"])
        else:
            metric, measured = "tpot", 1.0 / float(row["output_throughput_tok_s"])
        input_tokens = _leading_number(row["input_tokens"]) or 1  # "prompt separately": none
        output_tokens = (_leading_number(row["output_tokens"])
                         or mapping["defaults"]["llama_bench_output_tokens"])
        measurements.append(Measurement(
            id=row["id"], model=model, hardware=hardware, precision=precision,
            devices=int(row["num_gpus"]), batch="max" if metric == "throughput" else 1,
            input_tokens=int(input_tokens), output_tokens=int(output_tokens), metric=metric,
            measured=measured))
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
    return {"throughput": 1.0 / per_token, "ttft": per_token * measurement.input_tokens,
            "tpot": per_token}[measurement.metric]


def fit(measurements: list[Measurement]) -> Efficiency:
    """The grid point with the least sum of squared log10 errors."""
    compute, memory, overhead = np.meshgrid(COMPUTE_GRID, MEMORY_GRID, OVERHEAD_GRID_S,
                                            indexing="ij")
    total = np.zeros(compute.shape)
    for measurement in measurements:
        predicted, _ = predict(measurement, compute, memory, overhead)
        total += np.log10(predicted / measurement.measured) ** 2
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
                     "paper_log10_error": abs(math.log10(paper / m.measured)),
                     "ours_log10_error": abs(math.log10(float(ours) / m.measured))})
    return rows


def summary(rows: list[dict]) -> dict:
    """Median and worst |log10(predicted / measured)|, as factors, for paper and ours."""
    out = {}
    for who in ("paper", "ours"):
        errors = np.array([row[f"{who}_log10_error"] for row in rows])
        out[who] = {"median_factor": float(10 ** np.median(errors)),
                    "worst_factor": float(10 ** errors.max())}
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
