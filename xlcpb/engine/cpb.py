"""The Cost-Per-Byte Principle: equations (1)-(4) of the paper, and I and t.

Source: Xiaoyi Li, *Cost-Per-Byte Principle in Generative AI*, section 4 (eqs. 1-3) and
section 5.1 (eq. 4); eqs. (10)-(12) of section 6.1 for generation time and per-second cost.

Every function broadcasts over numpy arrays (scalar in, float out; arrays in, array out) and
refuses inputs that would make a silent inf, NaN or zero cost.
"""

from __future__ import annotations

from ._inputs import (FLOPS_UNIT_HINT, MAX_PLAUSIBLE_FLOPS_PER_S, MIN_PLAUSIBLE_FLOPS_PER_S,
                      at_least, device_flops_per_s, fraction, non_negative, positive,
                      scalar_or_array, vectorised, whole)

SECONDS_PER_HOUR = 3600.0

# The plausible ranges of hardware figures live with the other input checks (_inputs.py).


@vectorised
def flops_per_byte(total_flops, size_bytes):
    """FLOPs per byte of generated content, eq. (3).

    .. math:: F_{byte} = F_{total} / S

    Parameters
    ----------
    total_flops : array_like
        F_total, FLOPs needed to generate the content [FLOP].
    size_bytes : array_like
        S, size of the generated content [B]. Must be > 0.

    Returns
    -------
    float or ndarray
        F_byte [FLOP/B].

    Examples
    --------
    GPT-2 1.5B writing 1,000 tokens of 4 bytes (paper eq. 6):

    >>> flops_per_byte(3e9 * 1000, 4000)
    750000000.0
    """
    total = non_negative("total_flops", total_flops, "FLOP")
    size = positive("size_bytes", size_bytes, "bytes")
    return scalar_or_array(total / size)


@vectorised
def time_per_byte(flops_per_byte, flops_per_s):
    """Per-byte generation time T_byte, eq. (2).

    .. math:: T_{byte} = F_{byte} / P_{hardware}

    Parameters
    ----------
    flops_per_byte : array_like
        F_byte [FLOP/B], from :func:`flops_per_byte`.
    flops_per_s : array_like
        P_hardware, the hardware's speed [FLOP/s]. Must be at least 1e9; smaller values are
        taken for a unit slip (TFLOP/s typed as FLOP/s).

    Returns
    -------
    float or ndarray
        T_byte [s/B].

    Examples
    --------
    The paper's text case, eq. (8): a T4 at 65 TFLOP/s.

    >>> round(time_per_byte(7.5e8, 65e12), 10)
    1.15385e-05
    """
    f_byte = non_negative("flops_per_byte", flops_per_byte, "FLOP/B")
    speed = at_least("flops_per_s", flops_per_s, MIN_PLAUSIBLE_FLOPS_PER_S, "FLOP/s",
                     FLOPS_UNIT_HINT, ceiling=MAX_PLAUSIBLE_FLOPS_PER_S)
    return scalar_or_array(f_byte / speed)


@vectorised
def cost(t_byte_s, cost_per_s, size_bytes):
    """Total cost of generating content, eq. (1): the Cost-Per-Byte Principle.

    .. math:: C = T_{byte} \\times I \\times S

    Parameters
    ----------
    t_byte_s : array_like
        T_byte, per-byte generation time [s/B].
    cost_per_s : array_like
        I, per-second inference cost [currency/s], from :func:`cost_per_second`.
    size_bytes : array_like
        S, size of the generated content [B]. Must be > 0.

    Returns
    -------
    float or ndarray
        C [currency].

    Examples
    --------
    The paper's audio case, eq. (20): 60 s of 24 kHz 16-bit audio on a V100 at $2.50/h.

    >>> round(cost(4e-6, 2.5 / 3600, 2_880_000), 6)
    0.008
    """
    t_byte = non_negative("t_byte_s", t_byte_s, "s/B")
    rate = non_negative("cost_per_s", cost_per_s, "currency/s")
    size = positive("size_bytes", size_bytes, "bytes")
    return scalar_or_array(t_byte * rate * size)


@vectorised
def cost_from_flops(total_flops, flops_per_s, cost_per_s):
    """Total cost straight from FLOPs, eq. (4); equal to eq. (1) after (2) and (3).

    .. math:: C = \\frac{F_{total}}{P_{hardware}} \\times I

    Parameters
    ----------
    total_flops : array_like
        F_total [FLOP].
    flops_per_s : array_like
        P_hardware [FLOP/s], at least 1e9.
    cost_per_s : array_like
        I [currency/s].

    Returns
    -------
    float or ndarray
        C [currency].

    Examples
    --------
    The paper's video case: 1.8e18 FLOPs on 10 V100s at $2.50/h each (eq. 28).

    >>> round(cost_from_flops(1.8e18, 10 * 125e12, 10 * 2.5 / 3600), 9)
    10.0
    """
    total = non_negative("total_flops", total_flops, "FLOP")
    speed = at_least("flops_per_s", flops_per_s, MIN_PLAUSIBLE_FLOPS_PER_S, "FLOP/s",
                     FLOPS_UNIT_HINT, ceiling=MAX_PLAUSIBLE_FLOPS_PER_S)
    rate = non_negative("cost_per_s", cost_per_s, "currency/s")
    return scalar_or_array(total / speed * rate)


@vectorised
def hardware_flops_per_s(flops_per_s_per_device, devices=1):
    """Speed of a cluster of identical devices, eq. (24).

    .. math:: P_{hardware} = devices \\times P_{device}

    Parameters
    ----------
    flops_per_s_per_device : array_like
        One device's speed [FLOP/s], at least 1e9.
    devices : array_like, optional
        Devices working on the content [devices], a whole number >= 1. Default 1.

    Returns
    -------
    float or ndarray
        P_hardware [FLOP/s].

    Examples
    --------
    Ten V100s at 125 TFLOP/s (paper eq. 24):

    >>> hardware_flops_per_s(125e12, 10) == 1.25e15
    True
    """
    speed = device_flops_per_s("flops_per_s_per_device", flops_per_s_per_device)
    count = whole("devices", positive("devices", devices, "devices"), "devices")
    return scalar_or_array(speed * count)


@vectorised
def sustained_flops_per_s(flops_per_s, compute_efficiency=1.0):
    """The speed a workload sustains: peak x compute efficiency [FLOP/s].

    .. math:: P_{sustained} = e_c \\, P_{hardware}

    The paper divides by the peak (e_c = 1, eq. 2); kernels reach a fraction of it
    (seed 002; ``xlcpb calibrate`` fits it on published measurements).

    >>> sustained_flops_per_s(1.25e15, 0.4)
    500000000000000.0
    """
    speed = positive("flops_per_s", flops_per_s, "FLOP/s")
    share = fraction("compute_efficiency", compute_efficiency, "fraction of peak",
                     "Give a compute efficiency between 0 and 1, e.g. 0.45 for 45%.")
    return scalar_or_array(speed * share)


@vectorised
def cost_per_busy_second(cost_per_s, utilisation=1.0):
    """What a second of work costs when devices are busy ``utilisation`` of the time they
    are paid for: I / u [currency/s].

    Rented devices bill idle time too; at 60% utilisation every working second carries
    0.67 s of idle time.

    >>> round(cost_per_busy_second(0.006, 0.6), 6)
    0.01
    """
    rate = non_negative("cost_per_s", cost_per_s, "currency/s")
    share = fraction("utilisation", utilisation, "fraction of paid time",
                     "Give a utilisation between 0 and 1, e.g. 0.6 for 60%.")
    return scalar_or_array(rate / share)


@vectorised
def cost_per_second(price_per_hour, devices=1):
    """Per-second inference cost I from an hourly price per device, eqs. (11), (19), (27).

    .. math:: I = \\frac{price \\times devices}{3600}

    Parameters
    ----------
    price_per_hour : array_like
        Price of one device for one hour [currency/(device h)].
    devices : array_like, optional
        Number of devices rented [devices], a whole number >= 1. Default 1.

    Returns
    -------
    float or ndarray
        I [currency/s].

    Examples
    --------
    Ten V100s at $2.50 per GPU-hour (paper eq. 27):

    >>> round(cost_per_second(2.5, 10), 9)
    0.006944444
    """
    price = non_negative("price_per_hour", price_per_hour, "currency per device-hour")
    count = whole("devices", positive("devices", devices, "devices"), "devices")
    return scalar_or_array(price * count / SECONDS_PER_HOUR)


@vectorised
def cost_of_seconds(seconds, cost_per_s):
    """Cost of running for a time, eq. (12): C = t x I [currency].

    >>> round(cost_of_seconds(11.52, 2.5 / 3600), 6)
    0.008
    """
    duration = non_negative("seconds", seconds, "s")
    rate = non_negative("cost_per_s", cost_per_s, "currency/s")
    return scalar_or_array(duration * rate)


@vectorised
def generation_time(t_byte_s, size_bytes):
    """Generation time t = T_byte x S, eqs. (10), (18), (26).

    Parameters
    ----------
    t_byte_s : array_like
        T_byte [s/B].
    size_bytes : array_like
        S [B], > 0.

    Returns
    -------
    float or ndarray
        t [s].

    Examples
    --------
    >>> round(generation_time(4e-6, 2_880_000), 9)
    11.52
    """
    t_byte = non_negative("t_byte_s", t_byte_s, "s/B")
    size = positive("size_bytes", size_bytes, "bytes")
    return scalar_or_array(t_byte * size)
