"""Rounding as a spreadsheet rounds: halves away from zero, on the decimal figure shown.

Python's ``round`` rounds halves to even (``round(2.5) == 2``) and works on the binary
value (``round(2.675, 2) == 2.67``); Excel's and LibreOffice's ROUND give 3 and 2.68. A
workbook's stored value must be the one the spreadsheet will show, so xlcpb rounds their way.
"""

from __future__ import annotations

import decimal

import numpy as np

from ._inputs import as_float_array, check_finite, scalar_or_array


# A float's shortest decimal has at most 17 significant digits between 1e-324 and 1.8e308:
# rounding to more than 400 places either way changes nothing (or gives 0), so digits are
# clamped there and the arithmetic is exact within the context's precision.
_MOST_DIGITS = 400
_CONTEXT = decimal.Context(prec=2 * _MOST_DIGITS + 20, Emax=decimal.MAX_EMAX,
                           Emin=decimal.MIN_EMIN)


def _round_one(value: float, digits: int) -> float:
    # repr gives the shortest decimal that reads back as the same float: the figure shown
    exact = decimal.Decimal(repr(float(value)))
    step = decimal.Decimal(1).scaleb(-min(max(int(digits), -_MOST_DIGITS), _MOST_DIGITS))
    return float(exact.quantize(step, rounding=decimal.ROUND_HALF_UP, context=_CONTEXT))


def round_half_away_from_zero(value, digits=0):
    """``value`` rounded to ``digits`` decimal places, halves away from zero (Excel's ROUND).

    .. math:: \\mathrm{ROUND}(x, d) = \\mathrm{sign}(x)\\,\\lfloor |x| \\cdot 10^d + 1/2
              \\rfloor / 10^d   \\quad (x \\text{ as its shortest decimal})

    Parameters: ``value`` [any unit], ``digits`` [decimal places; negative rounds to tens,
    hundreds, ...; a fraction is truncated toward zero, as Excel does].
    Returns: the rounded value, in the unit of ``value``.
    Source: Microsoft, "ROUND function" (support.microsoft.com, Excel functions reference):
    "If num_digits is greater than 0, number is rounded to the specified number of decimal
    places"; halves round away from zero (ROUND(2.5, 0) = 3, ROUND(-2.5, 0) = -3).

    >>> round_half_away_from_zero(2.5), round_half_away_from_zero(-2.5)
    (3.0, -3.0)
    >>> round_half_away_from_zero(2.675, 2), round_half_away_from_zero(1250, -2)
    (2.68, 1300.0)
    """
    values = as_float_array("value", value)
    check_finite("value", values, "its unit")
    places = as_float_array("digits", digits)
    check_finite("digits", places, "decimal places")
    rounded = np.vectorize(_round_one, otypes=[np.float64])(values, np.trunc(places).astype(int))
    return scalar_or_array(rounded)
