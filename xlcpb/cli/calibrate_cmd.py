"""``xlcpb calibrate``: fit the estimator's efficiencies on published measurements."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..data.csvfiles import write_atomic
from ..estimators.calibration import accuracy, efficiency_toml, fit, load_measurements, summary
from .options import add_format
from .output import emit
from .commands import help_of

DEFAULT_MEASUREMENTS = Path("../shared/reference/llm_measurements_calibration.csv")
COLUMNS = ["id", "metric", "measured", "paper", "ours", "paper_error_x", "ours_error_x"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "calibrate", help=help_of("calibrate"),
        description="Fit compute efficiency, memory efficiency and per-pass overhead on "
                    "published LLM inference measurements (least squared log10 error over "
                    "a grid), and print each measurement beside the paper's naive estimate "
                    "and ours.")
    parser.add_argument("--measurements", type=Path, default=DEFAULT_MEASUREMENTS,
                        help=f"the measurements CSV (default {DEFAULT_MEASUREMENTS})")
    parser.add_argument("--write", action="store_true",
                        help="store the fit as the package's defaults (efficiency.toml)")
    add_format(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    measurements = load_measurements(args.measurements)
    efficiency = fit(measurements)
    rows = accuracy(measurements, efficiency)
    for row in rows:
        row["paper_error_x"] = 10 ** row["paper_log10_error"]
        row["ours_error_x"] = 10 ** row["ours_log10_error"]
    totals = summary(rows)
    emit(args.format, rows, COLUMNS,
         {"efficiency": efficiency.__dict__, "summary": totals, "rows": rows},
         title=f"Fit: compute {efficiency.compute:.2f}, memory {efficiency.memory:.2f}, "
               f"overhead {efficiency.step_overhead_s * 1e3:.2f} ms per pass")
    if args.format == "table":
        print(f"\nmedian / worst error factor: paper {totals['paper']['median_factor']:.2f}x / "
              f"{totals['paper']['worst_factor']:.0f}x, ours {totals['ours']['median_factor']:.2f}x "
              f"/ {totals['ours']['worst_factor']:.2f}x")
    if args.write:
        target = Path(resources.files("xlcpb.data")) / "efficiency.toml"
        write_atomic(target, efficiency_toml(efficiency, args.measurements.name))
        print(f"Wrote {target}")
    return 0
