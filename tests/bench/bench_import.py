"""Benchmark: importing a multi-GB AWS Price List CSV, against pandas.read_csv.

Builds a file in the AWS bulk-CSV format from the real metadata lines, header and rows of
``tests/data/pricelists/01_aws_ec2_offer_index_sample.csv`` (repeated to the size asked; it
includes a GPU instance row, so the parsing path runs too), then times in separate processes
``xlcpb``'s streaming import (no writing) and a plain ``pandas.read_csv`` of the same file,
printing throughput (MB/s) and peak memory (max RSS) of each.
Goal: peak memory under 1 GB whatever the size; throughput at least pandas'.
Run: ``.venv/bin/python tests/bench/bench_import.py [--gb 2]``
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "pricelists" / \
    "01_aws_ec2_offer_index_sample.csv"

OURS = r"""
import json, resource, sys, time
from pathlib import Path
from xlcpb.importers.report import ImportReport
from xlcpb.importers.aws import import_bulk_csv
start = time.perf_counter()
report = ImportReport(source=sys.argv[1])
import_bulk_csv(Path(sys.argv[1]), report)
print(json.dumps({"seconds": time.perf_counter() - start, "rows": report.rows_read,
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""
PANDAS = r"""
import json, resource, sys, time
import pandas as pd
start = time.perf_counter()
frame = pd.read_csv(sys.argv[1], skiprows=5, low_memory=False)
print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(frame),
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def build(path: Path, gigabytes: float) -> int:
    lines = SAMPLE.read_text("utf-8").splitlines(keepends=True)
    head, body = lines[:6], "".join(lines[6:])
    target = int(gigabytes * 1024 ** 3)
    with open(path, "w", encoding="utf-8") as stream:
        stream.writelines(head)
        written = sum(len(line) for line in head)
        chunk = body * max(1, (8 * 1024 * 1024) // len(body))
        while written < target:
            stream.write(chunk)
            written += len(chunk)
    return path.stat().st_size


def measure(script: str, path: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=2.0, help="file size in GiB (default 2)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "index.csv"
        start = time.perf_counter()
        size = build(path, args.gb)
        print(f"built {size / 1e9:.2f} GB AWS-format CSV in {time.perf_counter() - start:.1f} s")
        rows = []
        for label, script in (("xlcpb import (streaming)", OURS), ("pandas.read_csv", PANDAS)):
            figures = measure(script, path)
            rows.append((label, figures["seconds"], size / 1e6 / figures["seconds"],
                         figures["peak_kb"] / 1024, figures["rows"]))
        print(f"{'reader':<26} {'seconds':>8} {'MB/s':>8} {'peak MB':>9} {'rows':>12}")
        for label, seconds, rate, peak, count in rows:
            print(f"{label:<26} {seconds:>8.1f} {rate:>8.0f} {peak:>9.0f} {count:>12,}")
        print(f"throughput ratio xlcpb / pandas: {rows[0][2] / rows[1][2]:.2f}x; "
              f"xlcpb peak memory {rows[0][3]:.0f} MB (goal < 1,024 MB)")


if __name__ == "__main__":
    main()
