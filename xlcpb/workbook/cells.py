"""Writing values into openpyxl cells without ever creating a formula from data."""

from __future__ import annotations


def write_text(cell, text: str) -> None:
    """Put ``text`` in ``cell`` as a string, whatever it starts with.

    openpyxl turns any string that starts with "=" into a formula; forcing the data type back
    to string after assignment stores it as literal text, so "=cmd|..." from a vendor file is
    shown as those characters and never runs.
    """
    cell.value = text
    cell.data_type = "s"


def write_value(cell, value) -> None:
    """Numbers as numbers, tuples as "a|b", everything else as literal text."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        write_text(cell, "|".join(value) if isinstance(value, tuple) else str(value))
    else:
        cell.value = value
