"""The measurements the realistic estimator's defaults were fitted on, as a CSV file.

They are the first 32 rows of the bundled measurements, "the original calibration set"
(xlcpb/data/llm_measurements.md); efficiency.toml was fitted on them.
"""

import csv
import io
from pathlib import Path

from xlcpb.data.bundled import bundled_text

CALIBRATION_ROWS = 32


def write_calibration_set(folder: Path) -> Path:
    """Write the calibration set (header and its rows) to ``folder``; return the file."""
    records = list(csv.reader(io.StringIO(bundled_text("llm_measurements.csv"), newline="")))
    path = Path(folder) / "calibration_set.csv"
    with open(path, "w", newline="", encoding="utf-8") as stream:
        csv.writer(stream, lineterminator="\n").writerows(records[:1 + CALIBRATION_ROWS])
    return path
