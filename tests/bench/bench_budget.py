"""Benchmark: a fleet budget of 500 workloads over 60 months, built and recalculated.

Prints the time to prepare and project the plan (the engine), to write the budget workbook,
to publish it, and LibreOffice's load and full-recalculation times for the published copy
(the real spreadsheet engine, through tests/libreoffice_calc.py), beside the same figures
for the 5-workload example as the baseline.
Run: ``.venv/bin/python tests/bench/bench_budget.py [--workloads 500] [--months 60]``
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from xlcpb.data.plan import parse_plan_text
from xlcpb.estimators.budget import BudgetSettings, prepare, project
from xlcpb.workbook.budget.book import render_budget
from xlcpb.workbook.budget.layout import CALCULATION_COLUMNS, TIMELINE_BLOCKS
from xlcpb.workbook.publish import publish

ROOT = Path(__file__).resolve().parents[2]


def plan_text(workloads: int) -> str:
    spec = tomllib.loads((ROOT / "xlcpb" / "templates" / "fleet_budget.toml").read_text("utf-8"))
    header, *rows = spec["plan"]["csv"].strip().splitlines()
    lines = [header]
    for index in range(workloads):
        cells = rows[index % len(rows)].split(",")
        cells[0] = f"{cells[0]} {index + 1}"
        cells[10] = str(float(cells[10]) * (1 + index % 7) / 4)  # varied volumes
        lines.append(",".join(cells))
    return "\n".join(lines)


def measure(workloads: int, months: int, folder: Path) -> dict:
    figures = {}
    start = time.perf_counter()
    prepared = prepare(parse_plan_text(plan_text(workloads), "bench"))
    result = project(prepared, BudgetSettings(months=months))
    figures["engine_s"] = time.perf_counter() - start
    built = folder / f"budget_{workloads}.xlsx"
    start = time.perf_counter()
    render_budget(prepared, result, built, "bench", "2000-01-01")
    figures["build_s"] = time.perf_counter() - start
    published = folder / f"published_{workloads}.xlsx"
    start = time.perf_counter()
    publish(built, published)
    figures["publish_s"] = time.perf_counter() - start
    run = subprocess.run(["/usr/bin/python3", str(ROOT / "tests" / "libreoffice_calc.py"),
                          "--recalc", "--name", "TotalBudget", str(published)],
                         capture_output=True, text=True,
                         check=True)
    shown = json.loads(run.stdout)[str(published)]
    figures["lo_load_s"], figures["lo_recalc_s"] = shown["load_seconds"], shown["calc_seconds"]
    figures["errors"] = len(shown["errors"])
    with tempfile.TemporaryDirectory() as gnumeric_out:  # the second engine, same file
        start = time.perf_counter()
        subprocess.run(["ssconvert", "--recalc", str(published),
                        str(Path(gnumeric_out) / "recalculated.xlsx")], capture_output=True,
                       check=True)
        figures["gnumeric_s"] = time.perf_counter() - start
    figures["total_matches"] = abs(shown["names"]["TotalBudget"] - result.total_cost) <= \
        1e-9 * abs(result.total_cost)
    # every Timeline block's months and every Calculations column, per workload
    figures["formula_cells"] = workloads * (months * len(TIMELINE_BLOCKS)
                                            + len(CALCULATION_COLUMNS))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", type=int, default=500)
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = [("example (5 x 36)", measure(5, 36, Path(folder))),
                (f"{args.workloads} x {args.months}",
                 measure(args.workloads, args.months, Path(folder)))]
    print(f"{'plan':<18} {'cells':>9} {'engine s':>9} {'build s':>8} {'publish s':>10} "
          f"{'LO load s':>10} {'LO recalc s':>12} {'Gnumeric s':>11} {'errors':>7} "
          f"{'= engine':>9} {'ratio':>6}")
    for label, f in rows:
        # ratio: xlcpb's build + publish against LibreOffice's own load + recalculation
        ratio = (f["build_s"] + f["publish_s"]) / (f["lo_load_s"] + f["lo_recalc_s"])
        print(f"{label:<18} {f['formula_cells']:>9,} {f['engine_s']:>9.2f} {f['build_s']:>8.2f} "
              f"{f['publish_s']:>10.2f} {f['lo_load_s']:>10.2f} {f['lo_recalc_s']:>12.2f} "
              f"{f['gnumeric_s']:>11.2f} {f['errors']:>7} {str(f['total_matches']):>9} "
              f"{ratio:>6.2f}")
    print("ratio = (build + publish) / (LibreOffice load + recalc); below 1: xlcpb is faster")


if __name__ == "__main__":
    sys.exit(main())
