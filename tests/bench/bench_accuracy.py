"""Benchmark: how far the paper's formula and xlcpb's estimator are from measurements.

For every measurement of the calibration set (the rows of the packaged
``xlcpb/data/llm_measurements.csv`` that ``calibration_map.toml`` lists under ``[fit]``), or
of a CSV given: the
paper's naive estimate (2N FLOPs per token at peak FLOP/s), ours (the calibrated roofline),
the measured value, and each one's error factor; then the median and worst
|log10(predicted/measured)| as factors. Goal: ours within 1.3x at the median and 3x at worst.
Run: ``.venv/bin/python tests/bench/bench_accuracy.py [CSV]``
"""

import sys
from pathlib import Path

from xlcpb.engine.accuracy import ms_from_seconds
from xlcpb.estimators.calibration import (accuracy, leave_one_source_out, load_measurements,
                                          summary)

UNITS = {"throughput": "tok/s", "ttft": "s", "tpot": "s/token"}


def main(path: Path | None) -> None:
    rows = accuracy(load_measurements(path))
    print(f"{'measurement':<36} {'metric':<10} {'measured':>10} {'paper':>10} {'ours':>10} "
          f"{'paper x':>8} {'ours x':>7}")
    for row in rows:
        print(f"{row['id']:<36} {row['metric']:<10} {row['measured']:>10.4g} "
              f"{row['paper']:>10.4g} {row['ours']:>10.4g} "
              f"{10 ** row['paper_log10_error']:>8.1f} {10 ** row['ours_log10_error']:>7.2f}")
    totals = summary(rows)
    print(f"\n{len(rows)} measurements; error factor (median / worst): "
          f"paper {totals['paper']['median_factor']:.2f}x / {totals['paper']['worst_factor']:.0f}x"
          f", ours {totals['ours']['median_factor']:.2f}x / {totals['ours']['worst_factor']:.2f}x"
          " (goal 1.3x / 3x)")

    # leave one source out: fit without a publication, score on it
    held = leave_one_source_out(load_measurements(path))
    print(f"\nleave-one-source-out ({len(held)} measurements, each scored by a fit that did "
          "not see its source):")
    print(f"{'held-out source':<26} {'n':>3} {'fit (compute/memory/overhead ms)':>34} "
          f"{'median x':>9} {'worst x':>8}")
    for source in sorted({row["source_key"] for row in held}):
        rows_of = [row for row in held if row["source_key"] == source]
        fitted = rows_of[0]["held_out_fit"]
        factors = summary(rows_of)["ours"]
        print(f"{source:<26} {len(rows_of):>3} "
              f"{fitted.compute:>12.2f} / {fitted.memory:.2f} / "
              f"{ms_from_seconds(fitted.step_overhead_s):<8.2f} "
              f"{factors['median_factor']:>9.2f} {factors['worst_factor']:>8.2f}")
    overall = summary(held)
    print(f"all held-out: median {overall['ours']['median_factor']:.2f}x, worst "
          f"{overall['ours']['worst_factor']:.2f}x (paper "
          f"{overall['paper']['median_factor']:.2f}x / {overall['paper']['worst_factor']:.0f}x)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
