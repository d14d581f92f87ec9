"""Benchmark: how far the paper's formula and xlcpb's estimator are from published measurements.

Every usable measured value of the packaged ``llm_measurements.csv`` (conditions in
``llm_measurement_conditions.csv``), or of a conditions CSV given: the paper's naive estimate
(2N FLOPs per token at peak FLOP/s), ours (the serving-aware roofline with the packaged
profiles), the measured value and each one's error factor; then the median and worst
|log10(predicted/measured)| as factors, per regime and per serving profile; then
leave-one-source-out: each publication scored by a fit that never saw it (the honest estimate
of accuracy on new data). Goal (issue 12): median <= 1.25x, worst <= 2.5x, in both.
Run: ``.venv/bin/python tests/bench/bench_accuracy.py [CONDITIONS.csv]``
"""

import sys
import time
from pathlib import Path

from xlcpb.estimators.calibration import (accuracy, by_regime, leave_one_source_out,
                                          load_measurements, summary)


def table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(f"{'':<30} {'n':>4} {'ours median':>12} {'ours worst':>11} {'paper median':>13} "
          f"{'paper worst':>12}")
    for name, entry in {"all": summary(rows), **by_regime(rows)}.items():
        ours, paper = entry["ours"], entry["paper"]
        print(f"{name:<30} {ours['n']:>4} {ours['median_factor']:>11.2f}x "
              f"{ours['worst_factor']:>10.2f}x {paper['median_factor']:>12.1f}x "
              f"{paper['worst_factor']:>11.0f}x")


def main(path: Path | None) -> None:
    measurements = load_measurements(conditions=path)
    rows = accuracy(measurements)
    print(f"{'measurement':<58} {'metric':<10} {'measured':>10} {'paper':>10} {'ours':>10} "
          f"{'ours x':>7}")
    for row in rows:
        print(f"{row['id'][:58]:<58} {row['metric']:<10} {row['measured']:>10.4g} "
              f"{row['paper']:>10.4g} {row['ours']:>10.4g} "
              f"{10 ** row['ours_log10_error']:>7.2f}")
    table(f"In sample ({len(rows)} measured values, the packaged profiles):", rows)

    start = time.perf_counter()
    held = leave_one_source_out(measurements)
    table(f"Leave one source out ({len(held)} values, each scored by a fit without its "
          f"publication; {time.perf_counter() - start:.0f} s):", held)
    print(f"\n{'held-out source':<30} {'n':>4} {'median':>8} {'worst':>8}")
    for source in sorted({row["held_out"] for row in held}):
        entry = summary([row for row in held if row["held_out"] == source])["ours"]
        print(f"{source:<30} {entry['n']:>4} {entry['median_factor']:>7.2f}x "
              f"{entry['worst_factor']:>7.2f}x")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
