"""Fitting the media profiles on published timings, and scoring them honestly.

The measurements are the packaged ``media_measurements.csv``: each row a model, hardware,
size, steps, batch and the end-to-end seconds a publication measured, with its source and
full conditions. Each row is timed with its model's default profile
(:func:`xlcpb.estimators.media.default_profile`: "diffusers" for image, video and flow TTS,
"speech" for mel-frame TTS pipelines with a vocoder). :func:`fit` picks, for each profile,
the compute efficiency and per-step overhead that minimise the squared log10 error of that
profile's rows over a grid; :func:`leave_one_source_out` scores each publication with a fit
that never saw it. The paper's naive estimate (all FLOPs at peak) is scored beside.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import numpy as np

from ..data.bundled import bundled_text
from ..data.sheet import Sheet, load_sheet
from ..engine import accuracy
from .media import (default_profile, estimate_image, estimate_speech, estimate_video,
                    media_efficiency)

MEASUREMENTS = "media_measurements.csv"
# Publications kept aside: never fitted on, scored to check that the fit generalises (other
# sources, a multi-GPU sequence-parallel engine, MMDiT image models, compiled pipelines).
HOLDOUT = "media_holdout.csv"
NUMBER_COLUMNS = ("width_px", "height_px", "seconds", "fps", "steps", "batch", "devices",
                  "measured_seconds")
# The grid per profile: compute efficiency 0.05 .. 0.95 by 0.01; the step overhead 0 .. 50 ms
# by 1 ms for a denoising step, 0 .. 10 ms by 0.1 ms for a speech decoder step (one mel frame).
EFFICIENCY_GRID = (0.05, 0.95, 0.01)
OVERHEAD_GRIDS = {"diffusers": (0.0, 0.05, 0.001), "speech": (0.0, 0.01, 0.0001)}


def load_media_measurements(name: str = MEASUREMENTS) -> list[dict]:
    """The packaged measurements (or the kept-aside ones, ``HOLDOUT``), numbers as floats
    and blanks as None."""
    rows = list(csv.DictReader(io.StringIO(bundled_text(name))))
    for row in rows:
        for column in NUMBER_COLUMNS:
            row[column] = float(row[column]) if row[column].strip() else None
    return rows


def profile_of(row: dict, sheet: Sheet | None = None) -> str:
    """The profile a measurement's model is timed with (and fitted into)."""
    return default_profile((sheet or load_sheet()).media_model(row["model"]))


def predict(row: dict, efficiency=None, profile: str | None = None,
            sheet: Sheet | None = None):
    """(ours, the paper's) seconds for one measurement's conditions; ``profile`` defaults to
    the model's own (:func:`profile_of`)."""
    sheet = sheet or load_sheet()
    modality = sheet.media_model(row["model"])["modality"]
    profile = profile or profile_of(row, sheet)
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


def _efficiency(compute: float, overhead: float, profile: str = "diffusers",
                vendor: str | None = None):
    return replace(media_efficiency(profile, vendor), compute=compute,
                   step_overhead_s=overhead)


def _fit_profile(profile: str, rows: list[dict], sheet: Sheet) -> dict:
    compute = accuracy.parameter_grid(*EFFICIENCY_GRID)[:, np.newaxis]
    overhead = accuracy.parameter_grid(*OVERHEAD_GRIDS[profile])[np.newaxis, :]
    chosen = _efficiency(compute, overhead, profile)
    predicted = [predict(row, chosen, profile, sheet)[0] for row in rows]
    loss = accuracy.total_squared_log10_error(
        predicted, [row["measured_seconds"] for row in rows])
    best = np.unravel_index(np.argmin(loss), np.shape(loss))
    return {"compute_efficiency": float(compute[best[0], 0]),
            "step_overhead_s": float(overhead[0, best[1]])}


def fit(rows: list[dict], sheet: Sheet | None = None) -> dict:
    """For each profile the rows use, the grid point (compute efficiency, step overhead) of
    least squared log10 error over that profile's rows: ``{profile: {...}}``. The whole grid
    is estimated at once (the estimators broadcast over arrays)."""
    sheet = sheet or load_sheet()
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(profile_of(row, sheet), []).append(row)
    return {name: _fit_profile(name, group, sheet) for name, group in groups.items()}


def score(rows: list[dict], fitted: dict | None = None, sheet: Sheet | None = None) -> list:
    """Each measurement with ours (at ``fitted[profile]``, else the packaged profile) and the
    paper's estimate and their log10 errors."""
    sheet = sheet or load_sheet()
    out = []
    for row in rows:
        profile = profile_of(row, sheet)
        values = (fitted or {}).get(profile)
        chosen = None if values is None else _efficiency(values["compute_efficiency"],
                                                         values["step_overhead_s"], profile)
        ours, paper, modality = predict(row, chosen, profile, sheet)
        out.append({**row, "modality": modality, "ours": ours, "paper": paper,
                    "ours_log10_error": accuracy.log10_error(ours, row["measured_seconds"]),
                    "paper_log10_error": accuracy.log10_error(paper, row["measured_seconds"])})
    return out


def leave_one_source_out(rows: list[dict], sheet: Sheet | None = None) -> list:
    """Each publication scored by a fit on all the others (those of its own profile)."""
    sheet = sheet or load_sheet()
    out = []
    for source in dict.fromkeys(row["source_key"] for row in rows):
        held = [row for row in rows if row["source_key"] == source]
        profiles = {profile_of(row, sheet) for row in held}
        rest = [row for row in rows if row["source_key"] != source
                and profile_of(row, sheet) in profiles]
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
