"""Printing results as an aligned table, CSV or JSON (``--format table|csv|json``)."""

from __future__ import annotations

import csv
import io
import json
import math
import sys

import numpy as np

from ..data.cellsafe import neutralise

from .options import FORMATS  # noqa: F401 - re-exported for commands


def _plain(value):
    """JSON-ready Python value: numpy scalars to float/int, arrays to lists."""
    if hasattr(value, "__dataclass_fields__"):
        return _plain(vars(value))
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def format_number(value) -> str:
    """Human figure: whole numbers with thousands separators, others to 6 significant digits."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else ("yes" if value else "NO")
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if not math.isfinite(number):
            return str(number)
        if number == int(number) and abs(number) < 1e9:
            return f"{int(number):,}"
        return f"{number:.6g}"
    return str(value)


_NOT_APPLICABLE = (None, "n/a", "")


def render_table(rows: list[dict], columns: list[str]) -> str:
    """Columns left-aligned for text, right-aligned for numbers."""
    cells = [[format_number(row.get(column)) for column in columns] for row in rows]
    widths = [max([len(column)] + [len(line[i]) for line in cells])
              for i, column in enumerate(columns)]
    def is_number(value):
        return isinstance(value, (int, float, np.number)) and not isinstance(value, bool)

    # a figure column stays right-aligned where some rows say it does not apply
    numeric = [all(is_number(row.get(column)) or row.get(column) in _NOT_APPLICABLE
                   for row in rows) and any(is_number(row.get(column)) for row in rows)
               for column in columns]

    def line(values):
        return "  ".join(value.rjust(width) if is_number else value.ljust(width)
                         for value, width, is_number in zip(values, widths, numeric)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(columns), rule] + [line(values) for values in cells])


def render_csv(rows: list[dict], columns: list[str]) -> str:
    """CSV at full precision; text cells neutralised so none can run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(value) if isinstance(value, str) else
                         ("" if value is None else repr(_plain(value)))
                         for value in (row.get(column) for column in columns)])
    return buffer.getvalue()


def render_json(document) -> str:
    return json.dumps(_plain(document), indent=2, ensure_ascii=False, allow_nan=False)


def emit(fmt: str, rows: list[dict], columns: list[str], document=None, title: str = "",
         stream=None) -> None:
    """Print ``rows`` in ``fmt``; JSON prints ``document`` (default: the rows)."""
    stream = stream or sys.stdout
    if fmt == "json":
        stream.write(render_json(rows if document is None else document) + "\n")
    elif fmt == "csv":
        stream.write(render_csv(rows, columns))
    else:
        if title:
            stream.write(title + "\n\n")
        stream.write(render_table(rows, columns) + "\n")
