"""Turning engine arguments into float arrays, and refusing the ones that cannot be right.

The engine's functions broadcast like numpy-financial's: scalars in give a scalar out, arrays
in give an array out. Every check is vectorised (one pass of numpy comparisons), so a
100,000-element call costs microseconds, and the first offending element is named in the
error together with its position.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..errors import CPBError, bad_argument


def as_float_array(name: str, value) -> np.ndarray:
    """``value`` as a float64 array, or a CPBError naming ``name`` for text and None."""
    if isinstance(value, (str, bytes)) or value is None:
        raise CPBError(f"{name} = {value!r}: expected a number, got "
                       f"{'nothing' if value is None else 'text'}.", argument=name,
                       value=value, fix=f"Give {name} as a number.", kind="value")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CPBError(f"{name} = {value!r}: expected numbers only.", argument=name,
                       value=value, fix=f"Give {name} as a number or an array of numbers.",
                       kind="value") from None
    return array


def _first_bad(name: str, array: np.ndarray, bad: np.ndarray, problem: str, fix: str):
    index = np.flatnonzero(bad)[0]
    value = array.flat[index]
    # 1-based, as a spreadsheet user counts cells.
    where = "" if array.ndim == 0 else f" (item {index + 1} of {array.size})"
    raise bad_argument(name + where, float(value), problem, fix)


def check_finite(name: str, array: np.ndarray, unit: str) -> None:
    """Refuse NaN and infinities: they would propagate silently into a cost."""
    bad = ~np.isfinite(array)
    if bad.any():
        _first_bad(name, array, bad, "not a finite number",
                   f"Give {name} as a finite number in {unit}.")


def _plain_number(value) -> bool:
    """A Python int or float (not bool): the scalar fast path, with no numpy overhead."""
    kind = type(value)
    return kind is float or kind is int


def positive(name: str, value, unit: str) -> np.ndarray:
    """A finite, strictly positive quantity (a divisor, a size, a speed)."""
    if _plain_number(value) and value > 0 and math.isfinite(value):
        return float(value)
    array = as_float_array(name, value)
    check_finite(name, array, unit)
    bad = array <= 0
    if bad.any():
        _first_bad(name, array, bad, "must be greater than zero",
                   f"Give {name} as a positive number in {unit}.")
    return array


def positive_or_unbounded(name: str, value, unit: str) -> np.ndarray:
    """A strictly positive limit where +infinity means "no limit" (a window, a cap)."""
    array = as_float_array(name, value)
    bad = np.isnan(array) | (array <= 0)
    if bad.any():
        _first_bad(name, array, bad, "must be greater than zero",
                   f"Give {name} as a positive number in {unit} (or leave it out: no limit).")
    return array


def non_negative(name: str, value, unit: str) -> np.ndarray:
    """A finite quantity that may be zero (a count of optional terms, a price)."""
    if _plain_number(value) and value >= 0 and math.isfinite(value):
        return float(value)
    array = as_float_array(name, value)
    check_finite(name, array, unit)
    bad = array < 0
    if bad.any():
        _first_bad(name, array, bad, "must not be negative",
                   f"Give {name} as zero or a positive number in {unit}.")
    return array


def at_least(name: str, value, floor: float, unit: str, hint: str,
             ceiling: float = math.inf) -> np.ndarray:
    """A positive quantity that is implausible below ``floor`` (a unit slip, usually) or
    above ``ceiling`` (1e308 FLOP/s is no hardware: a wrong cell, a unit slip the other way).
    """
    array = positive(name, value, unit)
    if type(array) is float and floor <= array <= ceiling:
        return array
    array = np.asarray(array)
    bad = array < floor
    if bad.any():
        _first_bad(name, array, bad, f"implausibly small for {unit} (below {floor:g})", hint)
    bad = array > ceiling
    if bad.any():
        _first_bad(name, array, bad, f"implausibly large for {unit} (above {ceiling:g})",
                   f"Check {name}: no real hardware comes near it.")
    return array


# Plausible hardware figures. Below the floor is a unit slip (65 typed for 65e12 FLOP/s, i.e.
# TFLOP/s as FLOP/s; GB/s as B/s); above the ceiling no hardware comes near - a wrong cell.
# Per device, the ceilings are the sheet's own (schema.toml: 1e17 FLOP/s, 1e14 B/s; the
# fastest devices are below 1e16 FLOP/s dense and 1e13 B/s); a cluster of 100,000 devices
# stays below 1e22 FLOP/s.
MIN_PLAUSIBLE_FLOPS_PER_S = 1e9
MAX_PLAUSIBLE_FLOPS_PER_S_PER_DEVICE = 1e17
MAX_PLAUSIBLE_FLOPS_PER_S = 1e22
MIN_PLAUSIBLE_BYTES_PER_S = 1e9
MAX_PLAUSIBLE_BYTES_PER_S_PER_DEVICE = 1e14
FLOPS_UNIT_HINT = ("Give the hardware speed in FLOP/s, not TFLOP/s: "
                   "65 TFLOP/s is 65e12 (=65*10^12).")
BYTES_UNIT_HINT = ("Give the memory bandwidth in bytes per second, not GB/s: "
                   "3.35 TB/s is 3.35e12.")


def device_flops_per_s(name: str, value) -> np.ndarray:
    """One device's peak [FLOP/s], refused outside the plausible range."""
    return at_least(name, value, MIN_PLAUSIBLE_FLOPS_PER_S, "FLOP/s", FLOPS_UNIT_HINT,
                    ceiling=MAX_PLAUSIBLE_FLOPS_PER_S_PER_DEVICE)


def device_bytes_per_s(name: str, value) -> np.ndarray:
    """One device's memory bandwidth [B/s], refused outside the plausible range."""
    return at_least(name, value, MIN_PLAUSIBLE_BYTES_PER_S, "B/s", BYTES_UNIT_HINT,
                    ceiling=MAX_PLAUSIBLE_BYTES_PER_S_PER_DEVICE)


def whole_count(name: str, value, unit: str) -> np.ndarray:
    """A whole number of at least 1 (a batch of sequences, a number of devices)."""
    return whole(name, positive(name, value, unit), unit)


def fraction(name: str, value, unit: str, fix: str, strict_max: bool = False,
             allow_zero: bool = False) -> np.ndarray:
    """A share of a whole: above 0 (or 0 with ``allow_zero``) and at most 1 (below 1 with
    ``strict_max``)."""
    array = non_negative(name, value, unit) if allow_zero else positive(name, value, unit)
    values = np.asarray(array)
    bad = values >= 1 if strict_max else values > 1
    if bad.any():
        _first_bad(name, values, bad, "is 100% or more" if strict_max else "exceeds 1 (100%)",
                   fix)
    return array


def whole(name: str, array: np.ndarray, unit: str) -> np.ndarray:
    """Refuse fractions where only whole numbers make sense (channels, devices)."""
    if type(array) is float and array == math.floor(array):
        return array
    array = np.asarray(array)
    bad = array != np.floor(array)
    if bad.any():
        _first_bad(name, array, bad, "must be a whole number",
                   f"Give {name} as a whole number of {unit}.")
    return array


def scalar_or_array(result: np.ndarray):
    """Follow the ufunc convention: a 0-d result comes back as a Python float.

    A result too large for a float (inputs near 1e308) is refused, never returned as inf.
    """
    if type(result) is float and math.isfinite(result):
        return result
    overflow = ~np.isfinite(result)
    if np.any(overflow):
        index = int(np.flatnonzero(overflow)[0]) if np.ndim(result) else 0
        where = "" if np.ndim(result) == 0 else f" (item {index + 1} of {np.size(result)})"
        raise CPBError(f"result{where}: too large to represent (above 1.8e308).",
                       argument="result" + where, value=None,
                       fix="Check the inputs' units: one of them is far too large.",
                       kind="num")
    if np.ndim(result) == 0:
        return float(result)
    return result


def vectorised(function):
    """Mark an engine function: numpy's overflow warnings are silenced because the result
    check in :func:`scalar_or_array` turns an overflow into a CPBError instead."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if all(map(_plain_number, args)) and all(map(_plain_number, kwargs.values())):
            return function(*args, **kwargs)  # plain floats: no numpy warnings to silence
        with np.errstate(over="ignore", invalid="ignore"):
            return function(*args, **kwargs)
    return wrapper
