"""How far an estimate is from a measurement, and the conversions measurements need.

Errors are symmetric factors: an estimate twice the measurement and one half of it are both
2.0x off, the form in which the README and ``xlcpb calibrate`` report accuracy (median and
worst over a set of measurements). Fits minimise the squared log10 error, which treats
over- and under-estimates alike.
"""

from __future__ import annotations

import numpy as np

from ._inputs import positive, scalar_or_array, vectorised


@vectorised
def log10_error(predicted, measured):
    """|log10(predicted / measured)| [decades].

    >>> round(float(log10_error(200.0, 100.0)), 5), round(float(log10_error(50.0, 100.0)), 5)
    (0.30103, 0.30103)
    """
    p = positive("predicted", predicted, "the measured quantity's unit")
    m = positive("measured", measured, "the measured quantity's unit")
    return scalar_or_array(np.abs(np.log10(p / m)))


@vectorised
def squared_log10_error(predicted, measured):
    """log10(predicted / measured)^2, the term a least-squares fit sums [decades^2].

    >>> round(squared_log10_error(1000.0, 100.0), 12)
    1.0
    """
    p = positive("predicted", predicted, "the measured quantity's unit")
    m = positive("measured", measured, "the measured quantity's unit")
    return scalar_or_array(np.log10(p / m) ** 2)


@vectorised
def bounded_squared_log10_error(predicted, measured, worst_decades=3.0):
    """:func:`squared_log10_error`, where a prediction that is not a positive finite number
    (a configuration the model cannot serve) counts as ``worst_decades`` off, so a fit is
    pushed away from it rather than stopped by it [decades^2].

    >>> bounded_squared_log10_error(np.array([1000.0, np.nan]), 100.0).tolist()
    [1.0, 9.0]
    """
    p = np.asarray(predicted, dtype=float)
    m = positive("measured", measured, "the measured quantity's unit")
    usable = np.isfinite(p) & (p > 0)
    error = np.log10(np.where(usable, p, 1.0) / m)
    return scalar_or_array(np.where(usable, error, worst_decades) ** 2)


@vectorised
def huber_log10_loss(predicted, measured, delta_decades=0.1, worst_decades=3.0):
    """Huber's loss of the log10 error: quadratic up to ``delta_decades``, linear beyond
    (Huber, *Ann. Math. Statist.* 35, 1964, eq. 7), so a few measurements the model cannot
    represent (an early, slow implementation; a misreported unit) do not drag a fit that
    the rest agree on. A prediction that is not a positive finite number counts as
    ``worst_decades`` off [decades^2].

    >>> huber_log10_loss(np.array([100.0, 1000.0]), 100.0, 0.1).tolist()
    [0.0, 0.19]
    """
    p = np.asarray(predicted, dtype=float)
    m = positive("measured", measured, "the measured quantity's unit")
    usable = np.isfinite(p) & (p > 0)
    error = np.where(usable, np.abs(np.log10(np.where(usable, p, 1.0) / m)), worst_decades)
    return scalar_or_array(np.where(error <= delta_decades, error ** 2,
                                    2.0 * delta_decades * error - delta_decades ** 2))


def total_squared_log10_error(predictions, measurements):
    """Sum over measurements of log10(predicted / measured)^2; each prediction may be an
    array (a grid of candidate parameters), giving the sum for every candidate at once.

    >>> total_squared_log10_error([1000.0, 10.0], [100.0, 100.0])
    2.0
    """
    total = 0.0
    for predicted, measured in zip(predictions, measurements):
        total = total + squared_log10_error(predicted, measured)
    return total


@vectorised
def error_factor(log10_errors):
    """An error in decades as a factor: 10^|e| (0.30103 -> 2.0x).

    >>> round(error_factor(0.30102999566398114), 12)
    2.0
    """
    return scalar_or_array(10.0 ** np.abs(np.asarray(log10_errors, dtype=float)))


def median_and_worst_factor(log10_errors) -> tuple[float, float]:
    """(median, worst) error factor of a set of |log10| errors.

    >>> [round(f, 12) for f in median_and_worst_factor([0.0, 0.30102999566398114, 1.0])]
    [2.0, 10.0]
    """
    errors = np.abs(np.asarray(log10_errors, dtype=float))
    return float(10.0 ** np.median(errors)), float(10.0 ** errors.max())


@vectorised
def seconds_from_ms(milliseconds):
    """Milliseconds as seconds [s].

    >>> seconds_from_ms(250.0)
    0.25
    """
    return scalar_or_array(positive("milliseconds", milliseconds, "ms") / 1e3)


@vectorised
def ms_from_seconds(seconds):
    """Seconds as milliseconds [ms], for people reading small times.

    >>> ms_from_seconds(0.00475)
    4.75
    """
    return scalar_or_array(np.asarray(seconds, dtype=float) * 1e3)


@vectorised
def seconds_per_token(tokens_per_s):
    """Time per token of a steady stream of ``tokens_per_s`` [s/token].

    >>> seconds_per_token(40.0)
    0.025
    """
    return scalar_or_array(1.0 / positive("tokens_per_s", tokens_per_s, "tokens/s"))


@vectorised
def tokens_per_s(seconds_per_token_value):
    """Tokens per second of a stream taking ``seconds_per_token_value`` each [tokens/s].

    >>> tokens_per_s(0.025)
    40.0
    """
    return scalar_or_array(1.0 / positive("seconds_per_token", seconds_per_token_value,
                                          "s/token"))


@vectorised
def prefill_seconds(seconds_per_token_value, tokens):
    """Time to process ``tokens`` at ``seconds_per_token_value`` each [s].

    >>> prefill_seconds(0.001, 2048)
    2.048
    """
    per_token = positive("seconds_per_token", seconds_per_token_value, "s/token")
    return scalar_or_array(per_token * positive("tokens", tokens, "tokens"))


def parameter_grid(start: float, stop: float, step: float) -> np.ndarray:
    """Candidate values from ``start`` to ``stop`` inclusive in steps of ``step``, each
    rounded to the step's decimals (so 0.07 is 0.07, not 0.07000000000000001).

    >>> parameter_grid(0.2, 0.25, 0.01).tolist()
    [0.2, 0.21, 0.22, 0.23, 0.24, 0.25]
    """
    decimals = max(0, -int(np.floor(np.log10(step))) + 2)
    return np.round(np.arange(start, stop + step / 2, step), decimals)


def bisect_increasing(function, target: float, low: float, high: float,
                      steps: int = 60) -> float:
    """The x in [low, high] where an increasing ``function(x)`` reaches ``target``.

    Halves the bracket ``steps`` times (60 halvings of [0, 1] leave less than 1e-18), so
    the answer agrees with ``function`` itself; the caller checks that ``target`` lies
    between ``function(low)`` and ``function(high)``.

    >>> round(bisect_increasing(lambda x: x ** 2, 2.0, 0.0, 2.0), 12)
    1.414213562373
    """
    for _ in range(steps):
        middle = (low + high) / 2
        low, high = (middle, high) if function(middle) < target else (low, middle)
    return (low + high) / 2
