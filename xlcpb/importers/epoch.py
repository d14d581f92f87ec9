"""Epoch AI's "Data on Machine Learning Hardware" CSV into hardware rows.

SI units already (FLOP/s, bytes, byte/s, W). A chip whose Epoch name is exactly a name of a
sheet row (:mod:`xlcpb.data.names`: "NVIDIA Tesla T4" is the T4) is a conflict, reported and
not imported. A name that only resembles sheet rows ("NVIDIA A100" fits four A100s) is never
taken for one of them - it used to be: "A40 PCIe" became the A100 40GB, "L40" the L40S - and
is skipped with the rows it resembles named, since it may be a second row for one chip; add
it with ``xlcpb sheet add hardware`` if it is another. Rows without memory or bandwidth -
which every estimate needs - are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..data.sheet import Sheet
from .protocol import Format
from .report import ImportReport
from .text import csv_records, parse_number, read_csv_text

COLUMNS = {"fp32_flops_per_s": "FP32 (single precision) performance (FLOP/s)",
           "tf32_flops_per_s": "TF32 (TensorFloat-32) performance (FLOP/s)",
           "fp16_flops_per_s": "Tensor-FP16/BF16 performance (FLOP/s)",
           "bf16_flops_per_s": "Tensor-FP16/BF16 performance (FLOP/s)",
           "fp8_flops_per_s": "FP8 performance (FLOP/s)",
           "int8_ops_per_s": "INT8 performance (OP/s)",
           "fp4_flops_per_s": "FP4 performance (FLOP/s)",
           "memory_bytes": "Memory (bytes)",
           "memory_bandwidth_bytes_per_s": "Memory bandwidth (byte/s)",
           "tdp_watts": "TDP (W)"}


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", name.lower()).strip("-.")


def import_epoch(path: Path, report: ImportReport, sheet: Sheet, progress=None,
                 encoding=None) -> None:
    text, _ = read_csv_text(path, encoding)
    for row in csv_records(text, str(path), dicts=True):
        report.rows_read += 1
        name = (row.get("Hardware name") or "").strip()
        matches = sheet.hardware_matches(name)
        if len(matches) > 1:
            report.skip("name is a name of several rows already in the sheet", name)
            continue
        existing = matches[0] if matches else None
        if existing is None and sheet.hardware_resembling(name):
            similar = ", ".join(row["id"] for row in sheet.hardware_resembling(name))
            report.skip("resembles sheet rows without being one of them: not imported "
                        "(add it with 'xlcpb sheet add hardware' if it is another chip)",
                        f"{name} ~ {similar}")
            continue
        if existing is None and any(row["id"] == slug(name) for row in sheet.tables["hardware"]):
            report.skip("its id is already used by another sheet row", name)
            continue
        if existing is not None:
            report.skip(f"already in the sheet (as {existing['id']}): not duplicated", name)
            report.conflicts.append({"kind": "hardware", "row": name, "existing": existing["id"],
                                     "resolution": "kept the sheet's row"})
            continue
        values = {column: parse_number(row.get(source) or "")
                  for column, source in COLUMNS.items()}
        if not values["memory_bytes"] or not values["memory_bandwidth_bytes_per_s"]:
            report.skip("no memory size or bandwidth given", name)
            continue
        released = (row.get("Release date") or "")[:4]
        report.accept("hardware", {
            "id": slug(name), "vendor": (row.get("Manufacturer") or "").strip() or "unknown",
            "name": name, "form_factor": (row.get("Type") or "").strip() or None,
            **values, "launch_year": int(released) if released.isdigit() else None,
            "aliases": (), "notes": "Imported from Epoch AI (CC BY 4.0); fp16 and bf16 are "
                                    "Epoch's tensor FP16/BF16 figure.",
            "source_url": (row.get("Link to datasheet") or "").split()[0]
            if (row.get("Link to datasheet") or "").strip() else f"Epoch AI ({path.name})",
            "checked_on": (row.get("Last modified") or "")[:10] or None},
            f"{name}: {values['memory_bytes']!r} B, {values['memory_bandwidth_bytes_per_s']!r} B/s")


FORMATS = (
    Format("epoch", "Epoch AI machine-learning hardware CSV",
           lambda head: {"Hardware name", "Manufacturer"} <= head.header,
           lambda path, report, options: import_epoch(path, report, options.sheet,
                                                      encoding=options.encoding)),
)
