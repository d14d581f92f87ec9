"""Fitting the media profile on published timings, and scoring it honestly.

The measurements are the packaged ``media_measurements.csv``: each row a model, hardware,
size, steps, batch and the end-to-end seconds a publication measured, with its source and
full conditions. :func:`fit` picks the compute efficiency and per-step overhead that minimise
the squared log10 error over a grid; :func:`leave_one_source_out` scores each publication
with a fit that never saw it. The paper's naive estimate (all FLOPs at peak) is scored beside.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import numpy as np

from ..data.bundled import bundled_text
from ..data.sheet import Sheet, load_sheet
from ..engine import accuracy
from .media import estimate_image, estimate_speech, estimate_video, media_efficiency

MEASUREMENTS = "media_measurements.csv"
# Publications kept aside: never fitted on, scored to check that the fit generalises (other
# sources, a multi-GPU sequence-parallel engine, MMDiT image models, compiled pipelines).
HOLDOUT = "media_holdout.csv"
NUMBER_COLUMNS = ("width_px", "height_px", "seconds", "fps", "steps", "batch", "devices",
                  "measured_seconds")
# The grid: compute efficiency 0.05 .. 0.95 by 0.01, step overhead 0 .. 50 ms by 1 ms.
EFFICIENCY_GRID = (0.05, 0.95, 0.01)
OVERHEAD_GRID = (0.0, 0.05, 0.001)


def load_media_measurements(name: str = MEASUREMENTS) -> list[dict]:
    """The packaged measurements (or the kept-aside ones, ``HOLDOUT``), numbers as floats
    and blanks as None."""
    rows = list(csv.DictReader(io.StringIO(bundled_text(name))))
    for row in rows:
        for column in NUMBER_COLUMNS:
            row[column] = float(row[column]) if row[column].strip() else None
    return rows


def predict(row: dict, efficiency=None, profile: str = "diffusers",
            sheet: Sheet | None = None):
    """(ours, the paper's) seconds for one measurement's conditions."""
    sheet = sheet or load_sheet()
    modality = sheet.media_model(row["model"])["modality"]
    common = dict(steps=row["steps"], precision=row["precision"], devices=row["devices"],
                  batch=row["batch"], profile=profile, efficiency=efficiency, sheet=sheet)
    if modality == "image":
        estimate = estimate_image(row["model"], row["hardware"], row["width_px"],
                                  row["height_px"], **common)
    elif modality == "video":
        estimate = estimate_video(row["model"], row["hardware"], row["seconds"],
                                  row["width_px"], row["height_px"], row["fps"], **common)
    else:
        estimate = estimate_speech(row["model"], row["hardware"], row["seconds"], **common)
    return estimate.seconds_per_unit, estimate.naive_seconds, modality


def _efficiency(compute: float, overhead: float, vendor: str | None = None):
    return replace(media_efficiency("diffusers", vendor), compute=compute,
                   step_overhead_s=overhead)


def fit(rows: list[dict], sheet: Sheet | None = None) -> dict:
    """The grid point (compute efficiency, step overhead) of least squared log10 error; the
    whole grid is estimated at once (the estimators broadcast over arrays)."""
    sheet = sheet or load_sheet()
    compute = accuracy.parameter_grid(*EFFICIENCY_GRID)[:, np.newaxis]
    overhead = accuracy.parameter_grid(*OVERHEAD_GRID)[np.newaxis, :]
    chosen = _efficiency(compute, overhead)
    predicted = [predict(row, chosen, sheet=sheet)[0] for row in rows]
    loss = accuracy.total_squared_log10_error(
        predicted, [row["measured_seconds"] for row in rows])
    best = np.unravel_index(np.argmin(loss), np.shape(loss))
    return {"compute_efficiency": float(compute[best[0], 0]),
            "step_overhead_s": float(overhead[0, best[1]])}


def score(rows: list[dict], fitted: dict | None = None, sheet: Sheet | None = None) -> list:
    """Each measurement with ours (at ``fitted``, else the packaged profile) and the paper's
    estimate and their log10 errors."""
    sheet = sheet or load_sheet()
    chosen = None if fitted is None else _efficiency(fitted["compute_efficiency"],
                                                     fitted["step_overhead_s"])
    out = []
    for row in rows:
        ours, paper, modality = predict(row, chosen, sheet=sheet)
        out.append({**row, "modality": modality, "ours": ours, "paper": paper,
                    "ours_log10_error": accuracy.log10_error(ours, row["measured_seconds"]),
                    "paper_log10_error": accuracy.log10_error(paper, row["measured_seconds"])})
    return out


def leave_one_source_out(rows: list[dict], sheet: Sheet | None = None) -> list:
    """Each publication scored by a fit on all the others."""
    sheet = sheet or load_sheet()
    out = []
    for source in dict.fromkeys(row["source_key"] for row in rows):
        held = [row for row in rows if row["source_key"] == source]
        rest = [row for row in rows if row["source_key"] != source]
        out.extend(score(held, fit(rest, sheet), sheet))
    return out


def summary(scored: list[dict]) -> dict:
    """Median and worst error factors, ours and the paper's, per modality and overall."""
    groups = {"all": scored}
    for row in scored:
        groups.setdefault(row["modality"], []).append(row)
    return {name: {"n": len(group),
                   "ours": accuracy.median_and_worst_factor(
                       [row["ours_log10_error"] for row in group]),
                   "paper": accuracy.median_and_worst_factor(
                       [row["paper_log10_error"] for row in group])}
            for name, group in groups.items()}
