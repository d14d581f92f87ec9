"""``xlcpb calibrate``: fit the serving profiles on published measurements, and show the error."""

from __future__ import annotations

from pathlib import Path

from ..data.csvfiles import write_atomic
from ..engine.accuracy import error_factor
from ..estimators.calibration import (PACKAGED_CONDITIONS, accuracy, by_regime, fit_profiles,
                                      load_measurements, profiles_toml, summary)
from .options import add_format
from .output import emit
from .progress import ProgressBar
from .commands import help_of

COLUMNS = ["id", "group", "metric", "measured", "paper", "ours", "paper_error_x",
           "ours_error_x"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "calibrate", help=help_of("calibrate"),
        description="Fit each serving profile's compute and memory efficiency and per-step "
                    "overhead, and the shared MoE and tensor-parallel terms, on published LLM "
                    "inference measurements (least squared log10 error, coordinate descent "
                    "over grids); print each measurement beside the paper's naive estimate "
                    "and ours, and the error per regime and per profile.")
    parser.add_argument("--conditions", type=Path, default=None,
                        help="a conditions CSV with the columns of the packaged "
                             f"{PACKAGED_CONDITIONS} (default: the packaged one)")
    parser.add_argument("--write", type=Path, metavar="PATH", default=None,
                        help="also write the fit as a serving_profiles.toml to PATH (the "
                             "packaged profiles are never changed)")
    parser.add_argument("--stored", action="store_true",
                        help="score the packaged profiles as they are, without refitting")
    add_format(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    measurements = load_measurements(conditions=args.conditions)
    fitted = generic = None
    if not args.stored:
        fitted, generic = fit_profiles(measurements,
                                       ProgressBar("Fitting", unit="steps", scale=1))
    rows = accuracy(measurements, fitted)
    for row in rows:
        row["paper_error_x"] = error_factor(row["paper_log10_error"])
        row["ours_error_x"] = error_factor(row["ours_log10_error"])
    totals, regimes = summary(rows), by_regime(rows)
    emit(args.format, rows, COLUMNS,
         {"fit": None if fitted is None else {"groups": fitted.groups,
                                              "shared": fitted.shared,
                                              "generic": generic.groups["generic"]},
          "summary": totals, "by_regime": regimes, "rows": rows},
         title=f"{len(rows)} measured values; "
               + ("the packaged profiles" if fitted is None else "refitted profiles"))
    if args.format == "table":
        print(f"\n{'regime or profile':<28} {'n':>4} {'ours median':>12} {'worst':>7} "
              f"{'paper median':>13}")
        for name, entry in {"all": totals, **regimes}.items():
            print(f"{name:<28} {entry['ours']['n']:>4} {entry['ours']['median_factor']:>11.2f}x "
                  f"{entry['ours']['worst_factor']:>6.2f}x "
                  f"{entry['paper']['median_factor']:>12.1f}x")
    if args.write and fitted is not None:
        write_atomic(args.write, profiles_toml(fitted, generic, measurements))
        print(f"Wrote {args.write}")
    return 0
