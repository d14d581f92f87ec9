"""Excel column letters and cell references: the one place xlcpb spells them.

Columns and rows are counted from 0, as the workbook writers count them; past column Z the
letters go on AA, AB, ... as Excel's do (XlsxWriter's tested conversion).
"""

from __future__ import annotations

from functools import lru_cache

from xlsxwriter.utility import xl_col_to_name


@lru_cache(maxsize=None)  # a budget's formulas spell the same few hundred columns millions of times
def column_letter(column: int) -> str:
    """Excel's letters for 0-based ``column``.

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(16383)
    ('A', 'Z', 'AA', 'XFD')
    """
    if column < 0:
        raise ValueError(f"column {column} is before column A")
    return xl_col_to_name(column)


def cell_reference(row: int, column: int, absolute: bool = False) -> str:
    """A1-style reference of the 0-based (``row``, ``column``); ``absolute``: $A$1.

    >>> cell_reference(0, 27), cell_reference(9, 2, absolute=True)
    ('AB1', '$C$10')
    """
    dollar = "$" if absolute else ""
    if row < 0:
        raise ValueError(f"row {row} is before row 1")
    return f"{dollar}{column_letter(column)}{dollar}{row + 1}"
