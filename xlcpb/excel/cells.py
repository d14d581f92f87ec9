"""Turning what Excel sends into numbers and names, with a defined rule for every cell kind.

xlwings delivers an argument as a scalar (a single cell) or a 2-D list (a range). Each cell is
one of: a number; empty (``None``); a boolean; text; or an error value, which xlwings passes
as its code (``"#N/A"``) because xlcpb asks for ``err_to_str``. The rules:

==========================  ==============================================================
number                      used as it is
empty                       the argument's default where it has one, else ``#VALUE!``
TRUE / FALSE                ``#VALUE!``: a boolean is never a price, a size or a speed
text "2,000,000" / "$2.50"  the number, read by the one policy of
                            :mod:`xlcpb.data.number_text` (neutral locale: "1,5" and
                            "1,500" are ambiguous and refused, as everywhere in xlcpb)
other text                  ``#VALUE!`` naming the text and the fix
error value (``#N/A``...)   the same error in that cell of the result (errors propagate, as
                            in Excel's own arithmetic)
==========================  ==============================================================
"""

from __future__ import annotations

import itertools

import numpy as np

from ..data.number_text import parse_number
from ..errors import CPBError

EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!",
                "#BUSY!", "#UNKNOWN!")
# Text like "2,40" reaches a function only from a cell formatted as text; a typed number doesn't.
EXCEL_AMBIGUITY_FIX = ("Enter it as a number, not text (Excel reads 2,40 by your regional "
                       "settings), or as text without separators such as 2.4 or 2400.")
# Error code per CPBError kind.
ERROR_CODE = {"value": "#VALUE!", "num": "#NUM!", "na": "#N/A"}


class CellError:
    """An error for one cell of the result: its Excel code and the message."""

    __slots__ = ("code", "message")

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message

    @classmethod
    def from_exception(cls, error: CPBError) -> "CellError":
        return cls(ERROR_CODE.get(error.kind, "#VALUE!"), str(error))

    def __repr__(self) -> str:
        return f"CellError({self.code}, {self.message!r})"


def number_from_text(name: str, text: str):
    """(number, None) for a text cell that holds a number, or (nan, CellError) naming why not.

    One policy for every adapter (:func:`xlcpb.data.number_text.parse_number`); Excel does
    not tell xlwings its locale, so the neutral rules apply. A number typed into a cell reaches
    us as a number, read by Excel under the user's regional settings: only text is parsed.
    """
    try:
        return parse_number(text, None, name, ambiguity_fix=EXCEL_AMBIGUITY_FIX), None
    except CPBError as error:
        return np.nan, CellError("#VALUE!", str(error))


def is_error_value(value) -> bool:
    return isinstance(value, str) and value in EXCEL_ERRORS


def is_range(value) -> bool:
    return isinstance(value, (list, tuple))


def as_grid(value) -> list[list]:
    """A range as a 2-D list (xlwings may give a 1-D list for one row or column)."""
    if value and not is_range(value[0]):
        return [list(value)]
    return value


def single_cell(value):
    """The cell of a 1x1 range (Office.js sends every argument as a 2-D list), else value."""
    if type(value) is list and len(value) == 1:
        row = value[0]
        if type(row) is list and len(row) == 1:
            return row[0]
    return value


_PLAIN_NUMBER_TYPES = {float, int}


def cell_number(name: str, value, default):
    """(number, CellError or None) for one cell."""
    if value is None:
        if default is not None:
            return default, None
        return np.nan, CellError("#VALUE!", f"{name} is empty: give a number.")
    kind = type(value)
    if kind is float or kind is int:
        return value, None
    if kind is bool:
        return np.nan, CellError("#VALUE!", f"{name} = {value}: a TRUE/FALSE cannot be a "
                                            "number here; give a number.")
    if kind is str:
        if value in EXCEL_ERRORS:
            return np.nan, CellError(value, f"{name} is the error {value}")
        return number_from_text(name, value)
    return np.nan, CellError("#VALUE!", f"{name} = {value!r}: not a number.")


def numbers(name: str, value, default=None):
    """(float array, dict of flat index -> CellError) for a cell or range argument.

    A single cell gives a 0-d array. The fast path - a range of plain numbers, which is
    what finance sheets hold - costs one type check per cell and one array build.
    """
    if not is_range(value):
        number, error = cell_number(name, value, default)
        return np.asarray(number, dtype=np.float64), ({0: error} if error else {})
    grid = as_grid(value)
    width = len(grid[0]) if grid else 0
    if any(len(row) != width for row in grid):
        raise CPBError(f"{name}: a ragged range.", argument=name, value=None,
                       fix="Give a rectangular range.", kind="value")
    if set(map(type, itertools.chain.from_iterable(grid))) <= _PLAIN_NUMBER_TYPES:
        return np.array(grid, dtype=np.float64), {}
    out = np.empty((len(grid), width), dtype=np.float64)
    errors = {}
    for i, row in enumerate(grid):
        for j, cell in enumerate(row):
            out[i, j], error = cell_number(name, cell, default)
            if error:
                errors[i * width + j] = error
    return out, errors


def texts(name: str, value, default=None):
    """(object array of str or None, dict of flat index -> CellError) for name arguments."""
    def one(cell):
        if cell is None:
            return default, None
        if isinstance(cell, str) and cell in EXCEL_ERRORS:
            return None, CellError(cell, f"{name} is the error {cell}")
        if isinstance(cell, bool) or not isinstance(cell, (str, int, float)):
            return None, CellError("#VALUE!", f"{name} = {cell!r}: expected text.")
        return str(cell) if not isinstance(cell, float) else f"{cell:g}", None

    if not is_range(value):
        text, error = one(value)
        return np.array(text, dtype=object), ({0: error} if error else {})
    grid = as_grid(value)
    out = np.empty((len(grid), len(grid[0]) if grid else 0), dtype=object)
    errors = {}
    for i, row in enumerate(grid):
        for j, cell in enumerate(row):
            out[i, j], error = one(cell)
            if error:
                errors[i * out.shape[1] + j] = error
    return out, errors


def single_text(name: str, value, default: str):
    """(text, None) for an argument that must be one cell of text, or (None, CellError)."""
    if is_range(value):
        grid = as_grid(value)
        if len(grid) * len(grid[0]) != 1:
            return None, CellError("#VALUE!", f"{name} must be a single cell, not a range.")
        value = grid[0][0]
    if value is None:
        return default, None
    if is_error_value(value):
        return None, CellError(value, f"{name} is the error {value}")
    if not isinstance(value, str):
        return None, CellError("#VALUE!", f"{name} = {value!r}: expected text.")
    return value, None
