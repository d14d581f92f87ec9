"""Printed significant digits: comparing a computed figure with one printed in a paper."""

from __future__ import annotations

import math
import re

_NUMBER = re.compile(r"^\s*[-+]?(?P<int>[\d,]*)(?:\.(?P<frac>\d*))?(?:[eE][-+]?\d+)?\s*$")


def printed_significant_digits(printed: str) -> int:
    """Significant digits of a number as printed: ``"0.00000641"`` -> 3, ``"4,000"`` -> 4.

    Leading zeros do not count; trailing zeros of a whole number do (the paper prints exact
    counts such as 2,880,000 bytes).
    """
    match = _NUMBER.match(printed)
    if not match:
        raise ValueError(f"not a printed number: {printed!r}")
    digits = (match["int"] or "").replace(",", "") + (match["frac"] or "")
    stripped = digits.lstrip("0")
    return max(len(stripped), 1)


def printed_value(printed: str) -> float:
    """The value of a printed number, thousands separators removed."""
    return float(printed.replace(",", ""))


def round_significant(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits (0 stays 0)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def agrees_to_printed(value: float, printed: str) -> bool:
    """True when ``value`` rounds to the printed figure at its printed precision.

    >>> agrees_to_printed(6.41026e-6, "0.00000641")
    True
    >>> agrees_to_printed(353_894_400, "354,418,688")
    False
    """
    digits = printed_significant_digits(printed)
    return math.isclose(round_significant(value, digits),
                        round_significant(printed_value(printed), digits), rel_tol=1e-12)


def ratio(numerator, denominator):
    """``numerator / denominator``, for "how many times" comparisons (realistic / paper).

    >>> ratio(3.0, 1.5)
    2.0
    """
    return numerator / denominator
