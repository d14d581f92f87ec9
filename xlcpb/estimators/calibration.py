"""Fitting the serving profiles on published measurements, and measuring the estimator's error.

The measurements are the packaged ``llm_measurements.csv`` (each row sourced; see
``llm_measurements.md``) with their conditions structured in
``llm_measurement_conditions.csv``: model, chip, precision, tensor-parallel size and replicas,
mode (latency / offline / server), the load (a static batch, a concurrency, a request rate or
every request queued), token counts, the serving stack, and up to three measured values
(system output tokens/s, TTFT, TPOT). Each measured value is one point.

:func:`fit` minimises the sum of squared log10 errors by coordinate descent over parameter
grids: each serving profile's compute and memory efficiency and per-step overhead (with
per-vendor overrides where a stack was measured on more than one vendor), and the shared
physics (MoE grouped-GEMM efficiency, all-reduce latency and link efficiency). Predictions
are vectorised over points and grid values together, so a whole fit takes seconds.
``xlcpb calibrate --write PATH`` writes the result as a ``serving_profiles.toml``.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..data.bundled import bundled_text, bundled_toml
from ..data.csvfiles import read_text_bounded
from ..data.models import model as find_model
from ..data.sheet import Sheet, load_sheet, precisions
from ..engine import serving
from ..engine.llm import kv_cache_bytes_per_token
from ..engine.accuracy import (huber_log10_loss, log10_error,
                               median_and_worst_factor, parameter_grid, prefill_seconds,
                               tokens_per_s)
from ..engine.llm import naive_tpot_seconds, per_device_scaled
from ..engine.serving import per_replica
from ..engine.significant_digits import round_significant
from ..errors import CPBError
from .llm import (PROFILES_FILE, Efficiency, efficiency_inputs, engine_inputs,
                  profile_efficiency)

PACKAGED_MEASUREMENTS = "llm_measurements.csv"
PACKAGED_CONDITIONS = "llm_measurement_conditions.csv"
METRICS = {"throughput_output_tokens_per_s": "throughput", "ttft_s": "ttft", "tpot_s": "tpot"}
PROFILE_PARAMETERS = ("compute_efficiency", "memory_efficiency", "step_overhead_s",
                      "sequence_overhead_s", "request_overhead_s")
SHARED_PARAMETERS = ("moe_compute_efficiency", "moe_tokens_half", "moe_width_half",
                     "kv_read_efficiency", "fp8_compute_factor",
                     "fp4_compute_factor", "allreduce_latency_s", "link_efficiency")
SHARED_FIELDS = {"moe_compute_efficiency": "moe_compute", "moe_tokens_half": "moe_tokens_half",
                 "moe_width_half": "moe_width_half", "kv_read_efficiency": "kv_read",
                 "fp8_compute_factor": "fp8_compute", "fp4_compute_factor": "fp4_compute",
                 "allreduce_latency_s": "allreduce_latency_s",
                 "link_efficiency": "link_efficiency"}


@dataclass(frozen=True)
class Measurement:
    """One measured value of one published run, with the run's conditions."""

    id: str
    source_key: str     # the publication (llm_measurements.md)
    model: str          # catalog id
    hardware: str       # sheet id
    vendor: str
    precision: str
    tensor_parallel: int
    replicas: int
    mode: str           # latency | offline | server
    batch: float | None              # static batch or fixed concurrency, per replica
    request_rate_per_s: float | None  # whole system
    max_batch: float | None           # the run's scheduler cap, per replica
    input_tokens: float
    output_tokens: float
    profile: str
    metric: str         # "throughput" [tokens/s, system], "ttft" [s] or "tpot" [s]
    measured: float
    moe: bool = False

    @property
    def group(self) -> str:
        """The efficiency set that serves it: the profile, per vendor where not NVIDIA."""
        return self.profile if self.vendor == "NVIDIA" else f"{self.profile}@{self.vendor}"

    @property
    def regimes(self) -> list[str]:
        """The regimes it belongs to, for per-regime error (a point may be in several)."""
        found = []
        if self.mode == "latency" and self.metric == "tpot" and self.batch == 1:
            found.append("batch-1 decode")
        if self.mode == "latency" and self.metric != "ttft" and (self.batch or 1) > 1:
            found.append("static batch")
        if self.metric == "ttft":
            found.append("TTFT")
        if self.mode == "offline" and self.metric == "throughput":
            found.append("offline throughput")
        if self.mode == "server" and self.metric == "throughput":
            found.append("server throughput")
        if self.mode == "server" and self.metric == "tpot":
            found.append("server TPOT")
        if self.tensor_parallel > 1 or self.replicas > 1:
            found.append("multi-GPU")
        if self.moe:
            found.append("MoE")
        if self.precision in ("fp8", "fp4"):
            found.append("FP4/FP8")
        if self.vendor == "AMD":
            found.append("AMD")
        return found


def _number(text: str) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def load_measurements(path: Path | None = None, conditions: Path | None = None,
                      sheet: Sheet | None = None) -> list[Measurement]:
    """Every usable measured value: the packaged files by default, or a conditions CSV of
    the same columns (whose ids need not be packaged ones: a user's own benchmarks)."""
    sheet = sheet or load_sheet()
    text = read_text_bounded(Path(conditions)) if conditions else bundled_text(PACKAGED_CONDITIONS)
    rows = list(csv.DictReader(io.StringIO(text)))
    sources = _source_keys(path)
    points = []
    for row in rows:
        if row["use"].strip().lower() != "yes":
            continue
        try:
            catalog = find_model(row["model"], sheet)
            device = sheet.hardware(row["hardware"])
            sheet.flops_per_s(device["id"], row["precision"])
        except CPBError as error:
            raise CPBError(f"measurement {row['id']}: {error}", argument="conditions",
                           value=row["id"], fix="Fix the model, hardware or precision in "
                           "the conditions file (or the sheet).") from None
        if int(row["tensor_parallel"]) > 1 and \
                device.get("interconnect_bandwidth_bytes_per_s") is None:
            continue  # tensor parallelism over an interconnect the sheet lacks: not timed
        base = dict(
            id=row["id"], source_key=sources.get(row["id"], row.get("source_key") or "own"),
            model=catalog["id"], hardware=device["id"], vendor=device["vendor"],
            precision=row["precision"].strip().lower(),
            tensor_parallel=int(row["tensor_parallel"]), replicas=int(row["replicas"]),
            mode=row["mode"].strip(),
            batch=_number(row["batch"]) or _number(row["concurrency"]),
            request_rate_per_s=_number(row["request_rate_per_s"]),
            max_batch=_number(row["max_batch"]), input_tokens=float(row["input_tokens"]),
            output_tokens=float(row["output_tokens"]), profile=row["profile"].strip(),
            moe=(catalog["n_experts"] or 1) > 1)
        if base["mode"] == "server" and base["batch"] is not None and \
                row["concurrency"].strip():
            base["batch"] = per_replica(base["batch"], base["replicas"])  # stated per system
        for column, metric in METRICS.items():
            value = _number(row[column])
            if base["mode"] == "offline" and metric != "throughput":
                # every request queued at once: TTFT is the queue draining and TPOT the
                # batch the run was configured with - a transient no steady state describes;
                # an offline run is judged by its throughput
                continue
            if value is not None:
                points.append(Measurement(**base, metric=metric, measured=value))
    return points


def _source_keys(path: Path | None) -> dict:
    text = read_text_bounded(Path(path)) if path else bundled_text(PACKAGED_MEASUREMENTS)
    return {row["id"]: row.get("source_key") or "unknown"
            for row in csv.DictReader(io.StringIO(text))}


# ---------------------------------------------------------------------------------------------
# vectorised prediction


class Frame:
    """The fixed engine inputs of a list of measurements, as arrays (built once per fit)."""

    LOADS = ("batch", "rate", "max")

    def __init__(self, measurements: list[Measurement], sheet: Sheet | None = None):
        sheet = sheet or load_sheet()
        self.measurements = measurements
        inputs = {}
        for m in measurements:
            key = (m.model, m.hardware, m.precision)
            if key not in inputs:
                inputs[key] = engine_inputs(find_model(m.model, sheet), sheet.hardware(m.hardware),
                                            m.precision, sheet)
        fixed = [self._fixed(m, inputs[(m.model, m.hardware, m.precision)])
                 for m in measurements]
        keys = fixed[0].keys() if fixed else []
        self.arrays = {key: np.array([f[key] for f in fixed], dtype=float) for key in keys}
        self.mode = np.array([m.mode for m in measurements])
        self.load = np.array([_load(m) for m in measurements])
        self.metric = np.array([m.metric for m in measurements])
        self.precision = np.array([m.precision for m in measurements])
        columns = {p: precisions()[p]["column"] for p in set(self.precision)}
        self.peak_column = np.array([columns[p] for p in self.precision])
        self.measured = np.array([m.measured for m in measurements], dtype=float)
        self.batch = np.array([m.batch or 0.0 for m in measurements], dtype=float)
        self.rate = np.array([m.request_rate_per_s or 0.0 for m in measurements], dtype=float)
        self.cap = np.array([m.max_batch or np.inf for m in measurements], dtype=float)
        self.groups = sorted({m.group for m in measurements})
        self.group = np.array([self.groups.index(m.group) for m in measurements])

    @staticmethod
    def _fixed(m: Measurement, inputs: dict) -> dict:
        return {**{k: (np.nan if v is None else v) for k, v in inputs.items()},
                "devices": m.tensor_parallel, "replicas": m.replicas,
                "input_tokens": m.input_tokens, "output_tokens": m.output_tokens}

    def predict(self, index: np.ndarray, parameters: dict) -> np.ndarray:
        """Predictions for the points ``index`` (repeats allowed) under ``parameters``: a
        dict of arrays aligned with ``index`` (compute_efficiency, ..., max_batch)."""
        out = np.full(index.shape, np.nan)
        for mode in ("latency", "offline", "server"):
            for load in self.LOADS:
                chosen = (self.mode[index] == mode) & (self.load[index] == load)
                if not chosen.any():
                    continue
                at = index[chosen]
                kwargs = {key: values[at] for key, values in self.arrays.items()}
                kwargs["kv_bytes_per_token"] = np.where(np.isnan(kwargs["kv_bytes_per_token"]),
                                                        -1.0, kwargs["kv_bytes_per_token"])
                kwargs["interconnect_bytes_per_s"] = np.nan_to_num(
                    kwargs["interconnect_bytes_per_s"], nan=1.0)
                kwargs.update({key: values[chosen] for key, values in parameters.items()
                               if key != "max_batch"})
                # a run's own scheduler cap is what it was configured with
                cap = np.where(np.isfinite(self.cap[at]), self.cap[at],
                               parameters["max_batch"][chosen])
                result = _inference(kwargs, mode, load, self.batch[at], self.rate[at], cap)
                metric = self.metric[at]
                out[chosen] = np.select(
                    [metric == "throughput", metric == "ttft"],
                    [result["output_tokens_per_s"] if mode != "latency" else
                     result["throughput_output_tokens_per_s"], result["ttft_s"]],
                    result["tpot_s"])
        return out


def _load(m: Measurement) -> str:
    if m.mode == "server" and m.request_rate_per_s is not None:
        return "rate"
    return "batch" if m.batch is not None else "max"


def _inference(kwargs, mode, load, batch, rate, cap) -> dict:
    mla = kwargs.pop("kv_bytes_per_token")
    kwargs["kv_bytes_per_token"] = np.where(mla > 0, mla, kv_cache_bytes_per_token(
        kwargs["n_layers"], kwargs["n_kv_heads"], kwargs["head_dim"],
        kwargs["kv_bytes_per_value"]))
    return serving.llm_inference(
        **kwargs, mode=mode, max_batch_cap=cap,
        batch=batch if load == "batch" else None,
        request_rate_per_s=rate if load == "rate" else None)


# ---------------------------------------------------------------------------------------------
# fitting


@dataclass(frozen=True)
class Fit:
    """Fitted efficiency sets: one per group ("vllm", "vllm@AMD", ...) and the shared ones."""

    groups: dict      # group -> {compute_efficiency, memory_efficiency, step_overhead_s}
    shared: dict      # moe_compute_efficiency, allreduce_latency_s, link_efficiency

    def efficiency(self, group: str) -> Efficiency:
        profile = group.split("@")[0]
        base = profile_efficiency(profile if profile in _profile_table() else "generic")
        values = self.groups.get(group) or self.groups.get("generic") or {}
        return replace(base, compute=values.get("compute_efficiency", base.compute),
                       memory=values.get("memory_efficiency", base.memory),
                       step_overhead_s=values.get("step_overhead_s", base.step_overhead_s),
                       sequence_overhead_s=values.get("sequence_overhead_s",
                                                      base.sequence_overhead_s),
                       request_overhead_s=values.get("request_overhead_s",
                                                     base.request_overhead_s),
                       **{field: self.shared[name] for name, field in SHARED_FIELDS.items()})


def _profile_table() -> dict:
    return bundled_toml(PROFILES_FILE)["profiles"]


def _grids() -> dict:
    return {name: parameter_grid(*bounds)
            for name, bounds in bundled_toml("calibration_map.toml")["fit"]["grid"].items()}


def stored_fit() -> Fit:
    """The fit ``serving_profiles.toml`` holds (what the estimator uses)."""
    table = bundled_toml(PROFILES_FILE)
    groups = {}
    for name, entry in table["profiles"].items():
        groups[name] = {key: entry[key] for key in PROFILE_PARAMETERS}
        for vendor, override in entry.get("vendors", {}).items():
            groups[f"{name}@{vendor}"] = {**groups[name], **override}
    return Fit(groups=groups, shared={key: table["shared"][key] for key in SHARED_PARAMETERS})


def _parameters(frame: Frame, index: np.ndarray, fitted: Fit, groups=None) -> dict:
    """Per-point parameter arrays for ``index`` under ``fitted`` (groups: override names)."""
    names = groups if groups is not None else [frame.groups[g] for g in frame.group[index]]
    keys = list(zip(names, frame.precision[index]))
    sets = {name: fitted.efficiency(name) for name in set(names)}
    rows = {(n, p): {**efficiency_inputs(sets[n], p), "max_batch": sets[n].max_batch}
            for n, p in set(keys)}
    return {key: np.array([rows[k][key] for k in keys], dtype=float)
            for key in next(iter(rows.values()))}


def _squared_error(frame: Frame, index: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    return huber_log10_loss(predicted, frame.measured[index], LOSS_DELTA_DECADES)


# Errors up to this many decades (1.26x) count squared, larger ones linearly (Huber): the
# fit follows the bulk of the measurements, not the few it cannot represent.
LOSS_DELTA_DECADES = 0.1
ROUNDS = 3  # of coordinate descent: the fit moves less than a grid step in a fourth


# A per-request admission cost is seen directly only in the time to first token; fitted on
# throughputs too it would absorb what finite benchmark runs (their start-up burst and the
# drain of their last requests) cost, and multiply it by the batch in static runs.
OBSERVED_IN = {"request_overhead_s": ["ttft"]}


def fit(measurements: list[Measurement], rounds: int = ROUNDS, single_group: bool = False,
        start: Fit | None = None, progress=None) -> Fit:
    """Coordinate descent on the grids of ``calibration_map.toml`` [fit.grid].

    ``single_group`` fits one efficiency set for all points (the generic profile).
    """
    frame = Frame(measurements)
    if single_group:
        frame.groups, frame.group = ["generic"], np.zeros(len(measurements), dtype=int)
    grids = _grids()
    current = start or stored_fit()
    current = Fit(groups={g: dict(current.groups.get(g) or current.groups["generic"])
                          for g in frame.groups}, shared=dict(current.shared))
    everything = np.arange(len(measurements))
    for group, name in fit_plan(frame.groups, rounds):
        if group is None:
            index = _relevant(frame, everything, name)
            if index.size:
                current = _best_on_grid(frame, index, current, grids[name],
                                        lambda fit_, v, n=name: _with_shared(fit_, n, v))
        else:
            shown = np.isin(frame.metric, OBSERVED_IN.get(name, list(METRICS.values())))
            index = everything[(frame.group == frame.groups.index(group)) & shown]
            if index.size:  # else nothing of the group shows it: it keeps its start value
                current = _best_on_grid(
                    frame, index, current, grids[name],
                    lambda fit_, v, n=name, g=group: _with_group(fit_, g, n, v))
        if progress:
            progress()
    return current


def fit_plan(groups: list[str], rounds: int) -> list[tuple]:
    """The coordinate-descent steps of :func:`fit`: (group or None for shared, parameter)."""
    return [(group, name) for _ in range(rounds)
            for group, names in [*((g, PROFILE_PARAMETERS) for g in groups),
                                 (None, SHARED_PARAMETERS)]
            for name in names]


def fit_profiles(measurements: list[Measurement], progress=None) -> tuple[Fit, Fit]:
    """The per-profile fit and the generic (single-set) fit, as ``serving_profiles.toml``
    holds them; ``progress(done, total)`` after each step."""
    total = len(fit_plan(sorted({m.group for m in measurements}), ROUNDS)) + len(
        fit_plan(["generic"], ROUNDS))
    steps = itertools.count(1)

    def tick():
        if progress:
            progress(next(steps), total)
    return (fit(measurements, progress=tick),
            fit(measurements, single_group=True, progress=tick))


def _relevant(frame: Frame, index: np.ndarray, name: str) -> np.ndarray:
    """The points a shared parameter acts on (MoE models; tensor-parallel runs)."""
    column = frame.peak_column[index]
    moe = frame.arrays["n_experts"][index] > 1
    keep = {"moe_compute_efficiency": moe, "moe_tokens_half": moe, "moe_width_half": moe,
            "kv_read_efficiency": np.ones(index.size, dtype=bool),
            "fp8_compute_factor": (column == "fp8_flops_per_s") | (column == "int8_ops_per_s"),
            "fp4_compute_factor": column == "fp4_flops_per_s",
            }.get(name, frame.arrays["devices"][index] > 1)
    return index[keep]


def _with_group(fitted: Fit, group: str, name: str, value: float) -> Fit:
    return Fit(groups={**fitted.groups, group: {**fitted.groups[group], name: float(value)}},
               shared=fitted.shared)


def _with_shared(fitted: Fit, name: str, value: float) -> Fit:
    return Fit(groups=fitted.groups, shared={**fitted.shared, name: float(value)})


def _best_on_grid(frame: Frame, index: np.ndarray, fitted: Fit, grid: np.ndarray,
                  change) -> Fit:
    """The grid value of one parameter with the least error on ``index``, or the current
    value where no grid value does better (a parameter these points do not constrain keeps
    its value). One engine call over every (candidate, point) pair."""
    candidates = [fitted] + [change(fitted, value) for value in grid]
    tiled = np.tile(index, len(candidates))
    parameters = {}
    for candidate in candidates:
        for key, values in _parameters(frame, index, candidate).items():
            parameters.setdefault(key, []).append(values)
    parameters = {key: np.concatenate(values) for key, values in parameters.items()}
    errors = _squared_error(frame, tiled, frame.predict(tiled, parameters))
    totals = errors.reshape(len(candidates), index.size).sum(axis=1)
    best = int(np.argmin(totals))
    improved = totals[best] < totals[0] and not np.isclose(totals[best], totals[0],
                                                           rtol=1e-12, atol=0.0)
    return candidates[best] if improved else fitted


# ---------------------------------------------------------------------------------------------
# scoring


def accuracy(measurements: list[Measurement], fitted: Fit | None = None) -> list[dict]:
    """Per point: the paper's naive figure, ours and the measurement, with errors."""
    if not measurements:
        return []
    frame = Frame(measurements)
    fitted = fitted or stored_fit()
    index = np.arange(len(measurements))
    ours = frame.predict(index, _parameters(frame, index, fitted))
    rows = []
    for m, value, naive_value in zip(measurements, ours, _naive(frame)):
        rows.append({"id": m.id, "source_key": m.source_key, "metric": m.metric,
                     "group": m.group, "regimes": m.regimes, "measured": m.measured,
                     "paper": float(naive_value), "ours": float(value),
                     "paper_log10_error": log10_error(naive_value, m.measured),
                     "ours_log10_error": _finite_error(value, m.measured)})
    return rows


def _finite_error(value, measured) -> float:
    error = log10_error(max(float(value), 1e-300), measured) if np.isfinite(value) else 3.0
    return float(error)


def _naive(frame: Frame) -> np.ndarray:
    """The paper's formula for each point: 2N FLOPs per token at peak FLOP/s, every token."""
    a = frame.arrays
    per_token = naive_tpot_seconds(a["active_params"],
                                   per_device_scaled(a["flops_per_s_per_device"], a["devices"]))
    output = per_device_scaled(tokens_per_s(per_token), a["replicas"])
    return np.select([frame.metric == "throughput", frame.metric == "ttft"],
                     [output, prefill_seconds(per_token, a["input_tokens"])], per_token)


def leave_one_source_out(measurements: list[Measurement], progress=None) -> list[dict]:
    """For each publication: fit on every other one, and score on it.

    The honest estimate of accuracy on measurements the fit has not seen: a source's rows
    share a benchmark tool, a software version and a way of counting, so holding out single
    rows would flatter the fit. A held-out source whose stack has no other source is scored
    with the generic fit of the rest, and every group's fit starts from that generic fit.
    Returns one accuracy row per held-out point.
    """
    rows = []
    for source in sorted({m.source_key for m in measurements}):
        rest = [m for m in measurements if m.source_key != source]
        held = [m for m in measurements if m.source_key == source]
        if not rest:
            continue
        generic = fit(rest, rounds=2, single_group=True)
        # every group starts from the generic fit of the rest, not from the packaged profiles
        # (fitted on the held-out source too): a value the rest does not constrain must not
        # carry what the held-out source taught it
        fitted = fit(rest, rounds=2, start=Fit(groups=generic.groups,
                                               shared=stored_fit().shared))
        fitted = Fit(groups={**fitted.groups, "generic": generic.groups["generic"]},
                     shared=fitted.shared)
        for row in accuracy(held, fitted):
            rows.append({**row, "held_out": source})
        if progress:
            progress(source)
    return rows


def summary(rows: list[dict]) -> dict:
    """Median and worst |log10(predicted / measured)|, as factors, for paper and ours."""
    out = {}
    for who in ("paper", "ours"):
        median, worst = median_and_worst_factor([row[f"{who}_log10_error"] for row in rows])
        out[who] = {"median_factor": median, "worst_factor": worst, "n": len(rows)}
    return out


def by_regime(rows: list[dict]) -> dict:
    """:func:`summary` per regime and per group (serving profile and vendor)."""
    out = {}
    for regime in sorted({r for row in rows for r in row["regimes"]}):
        out[regime] = summary([row for row in rows if regime in row["regimes"]])
    for group in sorted({row["group"] for row in rows}):
        out[f"profile {group}"] = summary([row for row in rows if row["group"] == group])
    return out


def profiles_toml(fitted: Fit, generic: Fit, measurements: list[Measurement]) -> str:
    """The text of ``serving_profiles.toml`` with ``fitted``'s values (and the sources each
    group was fitted on), keeping every unfitted line of the packaged file."""
    table = bundled_toml(PROFILES_FILE)
    sources = {}
    for m in measurements:
        sources.setdefault(m.group, set()).add(m.source_key)
    sources["generic"] = {m.source_key for m in measurements}
    lines = bundled_text(PROFILES_FILE).splitlines()
    out, section = [], None
    values = {**{name: generic.groups["generic"] for name in table["profiles"]},
              **fitted.groups, "generic": generic.groups["generic"]}
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped.strip("[]")
            if section.startswith("profiles.") and ".vendors." in section:
                continue
        if section and ".vendors." in section:
            continue  # rewritten below from the fit
        key = stripped.split("=")[0].strip() if "=" in stripped else None
        name = _section_group(section)
        if section == "shared" and key in SHARED_PARAMETERS:
            line = f"{key} = {_number_text(fitted.shared[key])}" + _comment(line)
        elif name in values and key in PROFILE_PARAMETERS:
            line = f"{key} = {_number_text(values[name][key])}"
        elif name in table["profiles"] and key == "fitted_on":
            line = f"fitted_on = {sorted(sources.get(name, []))!r}".replace("'", '"')
        out.append(line)
    while out and not out[-1].strip():
        out.pop()  # the vendor sections are written afresh below
    for group, entry in sorted(values.items()):
        if "@" in group:
            profile, vendor = group.split("@")
            out += ["", f'[profiles."{profile}".vendors.{vendor}]' if "." in profile
                    else f"[profiles.{profile}.vendors.{vendor}]"]
            out += [f"{key} = {_number_text(entry[key])}" for key in PROFILE_PARAMETERS]
            out.append(f"fitted_on = {sorted(sources.get(group, []))!r}".replace("'", '"'))
    return "\n".join(out).rstrip() + "\n"


def _section_group(section: str | None) -> str | None:
    if not section or not section.startswith("profiles."):
        return None
    return section[len("profiles."):].strip('"')


def _comment(line: str) -> str:
    return "   #" + line.split("#", 1)[1] if "#" in line else ""


def _number_text(value: float) -> str:
    return repr(float(round_significant(value, 4)))
