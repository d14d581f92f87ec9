"""``xlcpb calibrate``: fit the estimator's efficiencies on published measurements."""

from __future__ import annotations

from pathlib import Path

from ..data.csvfiles import write_atomic
from ..engine.accuracy import error_factor, ms_from_seconds
from ..estimators.calibration import (PACKAGED_MEASUREMENTS, accuracy, efficiency_toml, fit,
                                      load_measurements, summary)
from .options import add_format
from .output import emit
from .commands import help_of

COLUMNS = ["id", "metric", "measured", "paper", "ours", "paper_error_x", "ours_error_x"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "calibrate", help=help_of("calibrate"),
        description="Fit compute efficiency, memory efficiency and per-pass overhead on "
                    "published LLM inference measurements (least squared log10 error over "
                    "a grid), and print each measurement beside the paper's naive estimate "
                    "and ours.")
    parser.add_argument("--measurements", type=Path, default=None,
                        help="a measurements CSV with the columns of the packaged "
                             f"{PACKAGED_MEASUREMENTS} (default: its rows that "
                             "calibration_map.toml lists under [fit])")
    parser.add_argument("--write", type=Path, metavar="PATH", default=None,
                        help="also write the fit as an efficiency.toml to PATH (the packaged "
                             "defaults are never changed)")
    add_format(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    measurements = load_measurements(args.measurements)
    efficiency = fit(measurements)
    rows = accuracy(measurements, efficiency)
    for row in rows:
        row["paper_error_x"] = error_factor(row["paper_log10_error"])
        row["ours_error_x"] = error_factor(row["ours_log10_error"])
    totals = summary(rows)
    emit(args.format, rows, COLUMNS,
         {"efficiency": efficiency.__dict__, "summary": totals, "rows": rows},
         title=f"Fit: compute {efficiency.compute:.2f}, memory {efficiency.memory:.2f}, "
               f"overhead {ms_from_seconds(efficiency.step_overhead_s):.2f} ms per pass")
    if args.format == "table":
        print(f"\nmedian / worst error factor: paper {totals['paper']['median_factor']:.2f}x / "
              f"{totals['paper']['worst_factor']:.0f}x, ours {totals['ours']['median_factor']:.2f}x "
              f"/ {totals['ours']['worst_factor']:.2f}x")
    if args.write:
        source = args.measurements.name if args.measurements else PACKAGED_MEASUREMENTS
        write_atomic(args.write, efficiency_toml(efficiency, source))
        print(f"Wrote {args.write}")
    return 0
