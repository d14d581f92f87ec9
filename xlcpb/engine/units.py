"""Normalising vendor prices: per hour, per device, per million tokens, amortised terms.

Conventions: a month is 730 hours and a year 8,760 (AWS and Azure price lists both use
730 h/month); a 1-year term is 8,760 hours and a 3-year term 26,280.
"""

from __future__ import annotations

import numpy as np

from ._inputs import non_negative, positive, scalar_or_array, vectorised

HOURS_PER_MONTH = 730.0
HOURS_PER_YEAR = 8760.0
TOKENS_PER_MILLION = 1e6


@vectorised
def per_hour(price, hours_per_unit):
    """A price per block of hours (a month = 730, "100 Hours" = 100) as a price per hour.

    >>> per_hour(730.0, 730)
    1.0
    """
    amount = non_negative("price", price, "currency")
    hours = positive("hours_per_unit", hours_per_unit, "hours")
    return scalar_or_array(amount / hours)


@vectorised
def per_device(price_per_instance, devices_per_instance):
    """An instance price shared by its accelerators, e.g. $32.7726 / 8 GPUs.

    >>> per_device(32.7726, 8)
    4.096575
    """
    amount = non_negative("price_per_instance", price_per_instance, "currency")
    count = positive("devices_per_instance", devices_per_instance, "devices")
    return scalar_or_array(amount / count)


@vectorised
def amortised_hourly(hourly, upfront, term_hours):
    """Effective hourly price of a reservation: hourly fee + upfront fee spread over the term.

    >>> amortised_hourly(0.5, 4380.0, 8760)
    1.0
    """
    fee = non_negative("hourly", hourly, "currency/h")
    once = non_negative("upfront", upfront, "currency")
    hours = positive("term_hours", term_hours, "hours")
    return scalar_or_array(fee + once / hours)


@vectorised
def per_million_tokens(price, tokens_per_unit):
    """A price per token, per 1K tokens... as a price per 1M tokens.

    >>> round(per_million_tokens(0.00000014, 1), 10)
    0.14
    >>> per_million_tokens(0.002, 1000)
    2.0
    """
    amount = non_negative("price", price, "currency")
    tokens = positive("tokens_per_unit", tokens_per_unit, "tokens")
    return scalar_or_array(amount / tokens * TOKENS_PER_MILLION)


@vectorised
def units_and_nanos(units, nanos):
    """Google's money: whole units plus billionths (units "2", nanos 933908000 = 2.933908).

    >>> units_and_nanos(2, 933908000)
    2.933908
    """
    whole = non_negative("units", units, "currency")
    fraction = non_negative("nanos", nanos, "1e-9 currency")
    # one division of the exact total in nanos rounds correctly: 2933908000 / 1e9 = 2.933908
    return scalar_or_array((whole * 1e9 + fraction) / 1e9)


@vectorised
def convert_currency(price, rate):
    """A price in another currency at an explicit rate (target units per source unit).

    >>> convert_currency(10.0, 0.9)
    9.0
    """
    amount = non_negative("price", price, "currency")
    factor = positive("rate", rate, "target currency per source currency")
    return scalar_or_array(amount * factor)


def factor_from_median(price, others) -> tuple[float, float]:
    """(the median of ``others``, how many times ``price`` is above or below it (>= 1)):
    the factor is max(price / median, median / price). A price sheet flags a price whose
    factor exceeds a threshold as implausible beside the other prices for the same chip.

    >>> factor_from_median(8.0, [2.0, 2.0, 3.0]), factor_from_median(1.0, [2.0, 2.0, 3.0])
    ((2.0, 4.0), (2.0, 2.0))
    """
    median = float(np.median(np.asarray(others, dtype=float)))
    value = float(positive("price", price, "currency/(device h)"))
    return median, max(value / median, median / value)
