"""One vectorised engine call per Excel function call, with errors per cell.

An Excel function receives cells and ranges; :func:`call` turns them into arrays (see
:mod:`.cells`), broadcasts them like numpy (a column against a row gives a table; shapes that
cannot broadcast are an error), makes **one** engine call over every valid cell, and returns a
scalar for single cells or a 2-D list for ranges. When the engine refuses a value inside a
range, the call is split in halves until the offending cells are isolated, so a 100,000-row
range with one bad row costs about 2 x log2(100,000) = 34 extra engine calls, and only that
cell shows an error.

How an error shows depends on the runtime:

* Office.js (xlwings Lite, xlwings Server): a cell of a range shows its Excel error
  (``#NUM!``, ``#VALUE!``, ``#N/A``); a single-cell call raises ``xlwings.XlwingsError`` whose
  message Excel shows on the cell's error indicator (a ``#VALUE!``).
* Classic desktop xlwings writes any exception's text into the cell, so there xlcpb returns
  the text itself, starting with the Excel code: ``"#NUM! flops_per_s = 65.0: ..."``.
"""

from __future__ import annotations

import os
import sys

import numpy as np

from ..errors import CPBError
from .cells import (CellError, as_grid, cell_number, is_error_value, is_range, numbers,
                    single_cell, texts)

def office_js() -> bool:
    """True under xlwings Lite (Pyodide) and xlwings Server; False for classic desktop."""
    return sys.platform == "emscripten" or os.environ.get("XLWINGS_ON_SERVER") == "true"


def whole_call_error(error: CellError):
    """A single-cell result that is an error, as the runtime can show it."""
    if office_js():
        import xlwings  # only adapters import xlwings; the engine never does

        raise xlwings.XlwingsError(f"{error.code} {error.message}")
    return f"{error.code} {error.message}"


def cell_error(error: CellError):
    """One cell of a range result that is an error."""
    return error.code if office_js() else f"{error.code} {error.message}"


def _shape_text(shape) -> str:
    return "x".join(str(n) for n in shape) if shape else "1 cell"


def _broadcast_shape(named_shapes) -> tuple:
    try:
        return np.broadcast_shapes(*(shape for _, shape in named_shapes))
    except ValueError:
        listed = ", ".join(f"{name} {_shape_text(shape)}" for name, shape in named_shapes
                           if shape)
        raise CPBError(f"ranges of different shapes: {listed}.", argument="ranges",
                       value=None, fix="Give ranges of the same size, or one row against one "
                                       "column, or single cells.", kind="value") from None


def _error_grid(array: np.ndarray, errors: dict, shape: tuple) -> np.ndarray | None:
    """An object array of ``shape``: the CellError of each output cell from this argument."""
    if not errors:
        return None
    grid = np.full(array.shape, None, dtype=object)
    for index, error in errors.items():
        grid.flat[index] = error
    return np.broadcast_to(grid, shape).ravel()


def _is_array_item_error(error: CPBError) -> bool:
    """True when the engine refused one item of an array (not a single-cell argument)."""
    return bool(error.argument) and "(item " in error.argument


def _solve(function, inputs: list, out: np.ndarray, errors: dict, lo: int, hi: int) -> None:
    """Fill ``out[lo:hi]``, bisecting around the cells the engine refuses."""
    try:
        out[lo:hi] = function(*[x[lo:hi] if x.ndim else x for x in inputs])
    except CPBError as error:
        if hi - lo == 1:
            errors[lo] = CellError.from_exception(error)
            return
        middle = (lo + hi) // 2
        _solve(function, inputs, out, errors, lo, middle)
        _solve(function, inputs, out, errors, middle, hi)


def call(function, *arguments):
    """Apply an engine ``function`` to Excel arguments; return what Excel should show.

    ``arguments`` are ``(name, value, default)`` triples: ``value`` as xlwings delivers it,
    ``default`` the value an empty cell takes (None: empty is an error). Each may also be a
    ready ``(array, errors)`` pair from :mod:`.cells` (for looked-up names).
    """
    single = _all_single_cells(arguments)
    if single is not None:
        return single(function)
    try:
        parsed = [(name, value if isinstance(value, tuple) else numbers(name, value, default))
                  for name, value, default in arguments]
        # A 1x1 range is a single cell in Excel: treat it as one.
        parsed = [(name, (array.reshape(()), errors) if array.size == 1 else (array, errors))
                  for name, (array, errors) in parsed]
        shape = _broadcast_shape([(name, array.shape) for name, (array, _) in parsed])
    except CPBError as error:
        return whole_call_error(CellError.from_exception(error))
    size = int(np.prod(shape))
    first_error = None  # built only when some cell is wrong: the common case stays fast
    for _, (array, errors) in parsed:
        if errors and array.ndim == 0:
            return whole_call_error(errors[0])
        grid = _error_grid(array, errors, shape)
        if grid is not None:
            first_error = grid.copy() if first_error is None else np.where(
                first_error == None, grid, first_error)  # noqa: E711
    valid = (np.arange(size) if first_error is None
             else np.flatnonzero(first_error == None))  # noqa: E711
    inputs = [array if array.ndim == 0 else np.broadcast_to(array, shape).ravel()
              for _, (array, _) in parsed]
    if len(valid) < size:
        inputs = [x if x.ndim == 0 else x[valid] for x in inputs]
    result = np.full(len(valid), np.nan)
    engine_errors = {}
    try:
        if len(valid):
            result[:] = function(*inputs)
    except CPBError as error:
        if not _is_array_item_error(error):
            return whole_call_error(CellError.from_exception(error))
        _solve(function, inputs, result, engine_errors, 0, len(valid))
    if engine_errors and first_error is None:
        first_error = np.full(size, None, dtype=object)
    for position, error in engine_errors.items():
        first_error[valid[position]] = error
    if first_error is None:
        return _assemble(result.reshape(shape), None)
    full = np.full(size, np.nan)
    full[valid] = result
    return _assemble(full.reshape(shape), first_error)


def _all_single_cells(arguments):
    """A scalar fast path when every argument is one cell: no numpy at all.

    Returns a function of the engine function giving the result, or None when some
    argument is a range.
    """
    cells = []
    for name, value, default in arguments:
        if isinstance(value, tuple):
            array, errors = value
            if array.size != 1:
                return None
            if errors:
                return lambda function, error=errors[0]: whole_call_error(error)
            cells.append(float(array.reshape(())))
            continue
        value = single_cell(value)
        if is_range(value):
            return None
        number, error = cell_number(name, value, default)
        if error:
            return lambda function, error=error: whole_call_error(error)
        cells.append(number)

    def apply(function):
        try:
            return function(*cells)
        except CPBError as error:
            return whole_call_error(CellError.from_exception(error))
    return apply


def _assemble(result: np.ndarray, errors: np.ndarray | None):
    """A 2-D list of numbers with error cells in place (at most 2-D, as Excel ranges are).

    The engine never returns a non-finite number (it refuses overflow), so the only
    non-number cells are those in ``errors``.
    """
    grid = result.reshape(result.shape if result.ndim == 2 else (1, -1))
    rows = grid.tolist()
    if errors is None:
        return rows
    width = grid.shape[1]
    for index in np.flatnonzero(errors != None):  # noqa: E711
        rows[index // width][index % width] = cell_error(errors[index])
    return rows


def _memoised(resolve):
    cache = {}

    def one(*key):
        if key not in cache:
            try:
                cache[key] = (resolve(*key), None)
            except CPBError as error:
                cache[key] = (None, CellError.from_exception(error))
        return cache[key]
    return one


def _single_lookup(resolve, arguments):
    """``lookup`` for single cells: the same rules as :func:`.cells.texts`, no numpy."""
    chosen = []
    for name, value, default in arguments:
        array, errors = texts(name, single_cell(value), default)
        if errors:
            return whole_call_error(errors[0])
        chosen.append(array.item())
    try:
        return resolve(*chosen)
    except CPBError as error:
        return whole_call_error(CellError.from_exception(error))


def lookup(resolve, *arguments):
    """Apply ``resolve`` (text arguments -> a value) over cells and ranges of text.

    ``arguments`` are ``(name, value, default)`` triples; each distinct combination of
    texts is resolved once. Returns what Excel should show: a value, or a 2-D list.
    """
    if all(not is_range(single_cell(value)) for _, value, _ in arguments):
        return _single_lookup(resolve, arguments)  # one cell each: no arrays at all
    try:
        parsed = [(name, texts(name, value, default)) for name, value, default in arguments]
        parsed = [(name, (array.reshape(()), errors) if array.size == 1 else (array, errors))
                  for name, (array, errors) in parsed]
        shape = _broadcast_shape([(name, array.shape) for name, (array, _) in parsed])
    except CPBError as error:
        return whole_call_error(CellError.from_exception(error))
    one = _memoised(resolve)
    size = int(np.prod(shape)) if shape else 1
    grids = [np.broadcast_to(array, shape).ravel() if shape else array.reshape(1)
             for _, (array, _) in parsed]
    error_grids = [_error_grid(array, errors, shape) if shape else
                   (np.array([errors.get(0)], dtype=object) if errors else None)
                   for _, (array, errors) in parsed]
    values = []
    for index in range(size):
        error = next((grid[index] for grid in error_grids
                      if grid is not None and grid[index] is not None), None)
        value = None
        if error is None:
            value, error = one(*(grid[index] for grid in grids))
        values.append((value, error))
    if not shape:
        value, error = values[0]
        return whole_call_error(error) if error else value
    width = shape[1] if len(shape) == 2 else size
    return [[cell_error(error) if error else value
             for value, error in values[row * width:(row + 1) * width]]
            for row in range(size // width)]


def _names_something(text: str) -> bool:
    """True for text that is a name ("T4", "H100 SXM"), False for a number ("1,000")."""
    return any(character.isalpha() for character in text.replace("e", "").replace("E", ""))


def numbers_or_lookup(name, value, resolve):
    """(float array, errors) for an argument whose cells are numbers or names to resolve.

    ``resolve(text)`` gives the number a name stands for (a hardware's FLOP/s, say).
    """
    one = _memoised(resolve)
    if not is_range(value):
        cells = [[value]]
    else:
        cells = as_grid(value)
    out = np.empty((len(cells), len(cells[0]) if cells else 0), dtype=np.float64)
    errors = {}
    for i, row in enumerate(cells):
        for j, cell in enumerate(row):
            if isinstance(cell, str) and not is_error_value(cell) and _names_something(cell):
                number, error = one(cell)
            else:
                number, errors_one = numbers(name, cell)
                number, error = float(number), errors_one.get(0)
            out[i, j] = np.nan if error else number
            if error:
                errors[i * out.shape[1] + j] = error
    return (out.reshape(()) if not is_range(value) else out), errors
