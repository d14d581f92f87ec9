"""Fleet budget arithmetic: workloads projected month by month (vectorised, W x M arrays).

Each workload is served by devices rented at a blend of pricing models. Each uncertain input
is first adjusted for the scenario (and, in the tornado, moved by the swing):

    x_s            = min(x x scenario multiplier x sensitivity multiplier, ceiling)

Per month m:

    demand_m       = volume x scenario volume x (1 + growth x scenario growth)^m    [units]
    generated_m    = demand_m / acceptance        (rejected outputs cost too, seed 003)
    device_hours_m = generated_m x device-seconds per unit / 3600
    replicas_m     = ceil(device_hours_m / (hours per month x utilisation x devices per replica))
    devices_m      = ceil(replicas_m x devices per replica / devices per instance)
                     x devices per instance                       [whole replicas, instances]
    committed_m    = committed devices while the commitment runs (start <= m < start + term)
    overflow_m     = max(devices_m - committed_m, 0)        (on demand / spot / hourly reserved)
    price_m        = sum(share_k x price_k) x (1 - decline)^(m / 12)
    cost_m         = overflow_m x hours per month x price_m
                     + committed_m x hours per month x committed price + upfront_m
    api_cost_m     = generated_m x API cost per unit x (1 - API decline)^(m / 12)

Owned devices (bought in a month, depreciated straight-line over their life) serve demand
first, then the commitment, then the hourly mix:

    owned_m        = owned devices from the purchase month on
    depreciation_m = (owned x price per device + servers x price per server) / life months
                     while m is within the life                         (P&L view)
    capex_m        = the same purchase, whole, in its month             (cash view)
    power_m        = owned x TDP [kW] x PUE x hours per month x price per kWh
    hosting_m      = owned x TDP [kW] x hosting per kW-month
    overflow_m     = max(devices_m - owned_m - committed_m, 0)

A commitment is billed whether used or not, at its own price (no decline over its term); its
upfront fee is spread evenly over the term (P&L view, upfront / term a month) or paid in its
first month (cash view). Break-even is the month from which cumulative self-hosting stays at
or below the API to the end of the horizon.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import bad_argument
from ._inputs import (fraction, non_negative, positive, scalar_or_array, vectorised,
                      whole_count)

SECONDS_PER_HOUR = 3600.0
MONTHS_PER_YEAR = 12.0


def _column(array):
    return np.asarray(array, dtype=np.float64).reshape(-1, 1)


@vectorised
def month_index(months):
    """0, 1, ..., months - 1 as a row, for broadcasting against workload columns.

    >>> month_index(3).tolist()
    [[0.0, 1.0, 2.0]]
    """
    count = positive("months", months, "months")
    return np.arange(int(count), dtype=np.float64).reshape(1, -1)


@vectorised
def monthly_demand(volume, growth, months):
    """Units demanded each month: volume x (1 + growth)^m, a W x M array.

    >>> monthly_demand([100.0], [0.1], 3).round(6).tolist()
    [[100.0, 110.0, 121.0]]
    """
    base = non_negative("volume", volume, "units/month")
    rate = np.asarray(growth, dtype=np.float64)
    if np.any(rate <= -1):
        raise bad_argument("growth", float(np.min(rate)), "is -100% or lower",
                           "Give monthly growth as a fraction above -1, e.g. 0.05 for 5%.")
    return _column(base) * (1.0 + _column(rate)) ** month_index(months)


@vectorised
def generated_units(demand, acceptance_rate):
    """Units generated to deliver the demand when only a share is accepted.

    >>> generated_units([[10.0]], [0.2]).tolist()
    [[50.0]]
    """
    share = fraction("acceptance_rate", acceptance_rate, "fraction",
                     "Give the accepted share of outputs between 0 and 1.")
    return np.asarray(demand, dtype=np.float64) / _column(share)


@vectorised
def replica_device_seconds_per_request(devices_per_replica, output_tokens,
                                       output_tokens_per_s_per_replica):
    """Device-seconds one request takes on a replica serving at its sustained rate.

    .. math:: devices_{replica} \\times tokens_{output} / (tokens/s)_{replica}

    Parameters: ``devices_per_replica`` [devices]; ``output_tokens`` [tokens/request];
    ``output_tokens_per_s_per_replica`` [tokens/s] from the serving estimator.
    Returns: [device s/request].

    >>> replica_device_seconds_per_request(2, 300, 1500.0)
    0.4
    """
    units = positive("devices_per_replica", devices_per_replica, "devices")
    tokens = positive("output_tokens", output_tokens, "tokens")
    speed = positive("output_tokens_per_s_per_replica", output_tokens_per_s_per_replica,
                     "tokens/s")
    return scalar_or_array(units * tokens / speed)


@vectorised
def flops_device_seconds_per_unit(flops_per_unit, flops_per_s, compute_efficiency):
    """Device-seconds per unit for work priced by FLOPs: F / (peak x efficiency).

    >>> flops_device_seconds_per_unit(1.44e15, 121e12, 0.5) == 1.44e15 / 60.5e12
    True
    """
    work = positive("flops_per_unit", flops_per_unit, "FLOP/unit")
    speed = positive("flops_per_s", flops_per_s, "FLOP/s")
    share = positive("compute_efficiency", compute_efficiency, "fraction")
    return scalar_or_array(work / (speed * share))


@vectorised
def replica_device_seconds_per_output(devices_per_replica, seconds_per_batch, batch):
    """Device-seconds one output (an image, a clip) takes on a replica generating ``batch``
    outputs together in ``seconds_per_batch`` (the media estimators' seconds_per_unit).

    .. math:: devices_{replica} \\times t_{batch} / b

    Parameters: ``devices_per_replica`` [devices]; ``seconds_per_batch`` [s];
    ``batch`` [outputs]. Returns: [device s/output].

    >>> replica_device_seconds_per_output(2, 12.0, 4)
    6.0
    """
    units = positive("devices_per_replica", devices_per_replica, "devices")
    seconds = positive("seconds_per_batch", seconds_per_batch, "s")
    outputs = whole_count("batch", batch, "outputs")
    return scalar_or_array(units * seconds / outputs)


@vectorised
def device_hours(units, device_seconds_per_unit):
    """Device-hours of a W x M array of units at each workload's device-seconds per unit."""
    seconds = non_negative("device_seconds_per_unit", device_seconds_per_unit, "s")
    return np.asarray(units, dtype=np.float64) * _column(seconds) / SECONDS_PER_HOUR


@vectorised
def replicas_needed(hours, hours_per_month, utilisation, devices_per_replica=1.0):
    """Whole replicas: ceil(device-hours / (hours per month x utilisation x devices per
    replica)); never below one while there is demand, none without.

    Parameters: ``hours`` [device h] W x M; ``hours_per_month`` [h]; ``utilisation``
    [fraction] the target share of provisioned time in use, W; ``devices_per_replica``
    [devices] the tensor-parallel size of one copy of the model, W.
    Returns: replicas [-] W x M.

    >>> replicas_needed([[700.0, 730.0, 1.0, 0.0]], 730, [0.5]).tolist()
    [[2.0, 2.0, 1.0, 0.0]]
    >>> replicas_needed([[1500.0]], 730, [0.5], [2]).tolist()  # 1500 / 730 = 2.05 devices
    [[3.0]]
    """
    month = positive("hours_per_month", hours_per_month, "hours")
    target = fraction("utilisation", utilisation, "fraction",
                      "Give the target utilisation between 0 and 1, e.g. 0.6.")
    size = whole_count("devices_per_replica", devices_per_replica, "devices")
    load = np.asarray(hours, dtype=np.float64)
    replicas = np.ceil(load / (month * _column(target) * _column(size)))
    # a load too small to register in the division still needs its one replica
    return np.where(load > 0, np.maximum(replicas, 1.0), replicas)


@vectorised
def provisioned_devices(replicas, devices_per_replica, devices_per_instance=1.0):
    """Devices rented for whole replicas, in whole instances: ceil(replicas x devices per
    replica / devices per instance) x devices per instance.

    >>> provisioned_devices([[1.0, 2.0, 5.0]], [2], [8]).tolist()  # 8-GPU instances
    [[8.0, 8.0, 16.0]]
    """
    size = whole_count("devices_per_replica", devices_per_replica, "devices")
    instance = whole_count("devices_per_instance", devices_per_instance, "devices")
    wanted = np.asarray(replicas, dtype=np.float64) * _column(size)
    return np.ceil(wanted / _column(instance)) * _column(instance)


@vectorised
def commitment_active(start_index, term_months, months):
    """1 in the months a commitment runs (start <= m < start + term), else 0; W x M.

    >>> commitment_active([1], [2], 4).tolist()
    [[0.0, 1.0, 1.0, 0.0]]
    """
    index = month_index(months)
    start = _column(start_index)
    return ((index >= start) & (index < start + _column(term_months))).astype(np.float64)


def committed_by_month(committed_devices, active):
    """Devices under commitment each month: committed devices x active, W x M."""
    return _column(committed_devices) * np.asarray(active, dtype=np.float64)


def overflow_devices(devices, committed):
    """Devices above the commitment, rented at the hourly mix: max(devices - committed, 0).

    >>> overflow_devices([[3.0, 10.0]], [[8.0, 8.0]]).tolist()
    [[0.0, 2.0]]
    """
    return np.maximum(np.asarray(devices, dtype=np.float64)
                      - np.asarray(committed, dtype=np.float64), 0.0)


def committed_cost(committed, hours_per_month, price):
    """A commitment's hourly charge, billed used or not: committed x hours x price, W x M.

    >>> committed_cost([[8.0]], 730, [2.0]).tolist()
    [[11680.0]]
    """
    return (np.asarray(committed, dtype=np.float64)
            * positive("hours_per_month", hours_per_month, "hours") * _column(price))


def upfront_amortised(upfront, term_months, active):
    """The upfront fee spread evenly over the term (P&L view): upfront / term while active.

    >>> upfront_amortised([1200.0], [12], [[1.0, 0.0]]).tolist()
    [[100.0, 0.0]]
    """
    term = np.where(_column(term_months) > 0, _column(term_months), 1.0)
    return _column(upfront) / term * np.asarray(active, dtype=np.float64)


@vectorised
def upfront_cash(upfront, start_index, months):
    """The upfront fee paid in the commitment's first month (cash view), W x M.

    >>> upfront_cash([1200.0], [1], 3).tolist()
    [[0.0, 1200.0, 0.0]]
    """
    return np.where(month_index(months) == _column(start_index), _column(upfront), 0.0)


@vectorised
def servers_needed(devices, devices_per_server):
    """Whole servers that hold the devices: ceil(devices / devices per server).

    >>> servers_needed([12.0], [8])
    array([2.])
    """
    size = whole_count("devices_per_server", devices_per_server, "devices")
    return np.ceil(np.asarray(devices, dtype=np.float64) / size)


def purchase_cost(devices, price_per_device, servers, price_per_server):
    """What buying a fleet costs: devices x price per device + servers x price per server.

    >>> purchase_cost([8.0], [25000.0], [1.0], [40000.0]).tolist()
    [240000.0]
    """
    return (np.asarray(devices, dtype=np.float64) * np.asarray(price_per_device, dtype=float)
            + np.asarray(servers, dtype=np.float64) * np.asarray(price_per_server, dtype=float))


@vectorised
def straight_line_depreciation(purchase, start_index, life_months, months):
    """A purchase written off evenly over its life: purchase / life in each month from the
    purchase month while the life lasts, W x M [currency/month] (P&L view).

    Source: straight-line depreciation (IAS 16 para. 62; ASC 360-10-35).

    >>> straight_line_depreciation([1200.0], [1], [3], 5).tolist()
    [[0.0, 400.0, 400.0, 400.0, 0.0]]
    """
    life = whole_count("life_months", life_months, "months")
    return commitment_active(start_index, life, months) * _column(purchase) / _column(life)


@vectorised
def power_cost(devices, tdp_watts, pue, hours_per_month, price_per_kwh):
    """Electricity of running devices: devices x TDP [kW] x PUE x hours x price per kWh.

    Parameters: ``devices`` W x M; ``tdp_watts`` [W] W; ``pue`` [-] power usage
    effectiveness (facility / IT power), W; ``hours_per_month`` [h]; ``price_per_kwh``
    [currency/kWh] W. Devices are taken at their TDP all month (an upper bound).
    Returns: [currency/month] W x M.

    >>> power_cost([[8.0]], [700.0], [1.5], 730, [0.10]).round(6).tolist()
    [[613.2]]
    """
    watts = positive("tdp_watts", tdp_watts, "W")
    ratio = positive("pue", pue, "facility/IT power")
    return (np.asarray(devices, dtype=np.float64) * _column(watts) / 1000.0 * _column(ratio)
            * positive("hours_per_month", hours_per_month, "hours") * _column(price_per_kwh))


@vectorised
def hosting_cost(devices, tdp_watts, price_per_kw_month):
    """Colocation of devices priced by power: devices x TDP [kW] x price per kW-month.

    >>> hosting_cost([[8.0]], [700.0], [150.0]).round(6).tolist()
    [[840.0]]
    """
    watts = positive("tdp_watts", tdp_watts, "W")
    return np.asarray(devices, dtype=np.float64) * _column(watts) / 1000.0 * _column(
        price_per_kw_month)


def cost_per_device_hour(monthly_cost, devices, hours_per_month):
    """Total cost of ownership per device-hour: monthly cost / (devices x hours); NaN
    without devices.

    >>> cost_per_device_hour([[5840.0, 0.0]], [[8.0, 0.0]], 730).tolist()
    [[1.0, nan]]
    """
    count = np.asarray(devices, dtype=np.float64) * hours_per_month
    return np.where(count > 0, np.asarray(monthly_cost, dtype=np.float64)
                    / np.where(count > 0, count, 1.0), np.nan)


def commitment_use(devices, committed):
    """Commitment utilisation: min(devices, committed) / committed; NaN without one.

    >>> commitment_use([[3.0, 10.0, 1.0]], [[8.0, 8.0, 0.0]]).tolist()
    [[0.375, 1.0, nan]]
    """
    held = np.asarray(committed, dtype=np.float64)
    used = np.minimum(np.asarray(devices, dtype=np.float64), held)
    return np.where(held > 0, used / np.where(held > 0, held, 1.0), np.nan)


def commitment_use_over_horizon(devices, committed):
    """Commitment utilisation over the horizon, per workload: used committed device-months
    / committed device-months, sum(min(devices, committed)) / sum(committed); NaN without
    a commitment.

    >>> commitment_use_over_horizon([[3.0, 10.0, 1.0], [1.0, 1.0, 1.0]],
    ...                             [[8.0, 8.0, 0.0], [0.0, 0.0, 0.0]]).tolist()
    [0.6875, nan]
    """
    held = np.asarray(committed, dtype=np.float64)
    used = row_totals(np.minimum(np.asarray(devices, dtype=np.float64), held))
    total = row_totals(held)
    return np.where(total > 0, used / np.where(total > 0, total, 1.0), np.nan)


def unused_commitment_cost(devices, committed, hours_per_month, price):
    """What the idle part of a commitment costs: (committed - used) x hours x price.

    >>> unused_commitment_cost([[3.0]], [[8.0]], 730, [2.0]).tolist()
    [[7300.0]]
    """
    held = np.asarray(committed, dtype=np.float64)
    idle = held - np.minimum(np.asarray(devices, dtype=np.float64), held)
    return committed_cost(idle, hours_per_month, price)


@vectorised
def blended_price(shares, prices):
    """Price per device-hour of a pricing mix: sum of share x price over the pricing models.

    >>> blended_price([[0.5, 0.5, 0.0]], [[4.0, 2.0, 1.0]]).tolist()
    [3.0]
    """
    weights = np.atleast_2d(non_negative("shares", shares, "fraction"))
    rates = np.atleast_2d(non_negative("prices", prices, "currency/(device h)"))
    totals = weights.sum(axis=1)
    if np.any(np.abs(totals - 1.0) > 1e-9):
        raise bad_argument("shares", float(totals[np.argmax(np.abs(totals - 1.0))]),
                           "do not add up to 1", "Make on-demand + reserved + spot = 1.")
    return (weights * rates).sum(axis=1)


def share_prices(shares, prices):
    """Each pricing model's part of the blended price, one array of W per model:
    share_k x price_k (their sum is :func:`blended_price`).

    >>> [part.tolist() for part in share_prices([[0.5, 0.5, 0.0]], [[4.0, 2.0, 1.0]])]
    [[2.0], [1.0], [0.0]]
    """
    parts = np.atleast_2d(np.asarray(shares, dtype=np.float64)) * np.atleast_2d(
        np.asarray(prices, dtype=np.float64))
    return list(parts.T)


@vectorised
def decline_factor(decline_per_year, months):
    """(1 - decline)^(m / 12): what a price is worth m months on.

    >>> float(decline_factor([0.5], 13)[0, 12])
    0.5
    """
    rate = fraction("decline_per_year", decline_per_year, "fraction per year",
                    "Give the yearly price decline as a fraction below 1.", strict_max=True,
                    allow_zero=True)
    return (1.0 - _column(rate)) ** (month_index(months) / MONTHS_PER_YEAR)


@vectorised
def monthly_cost(devices, hours_per_month, price, factor):
    """devices x hours per month x price x decline factor, W x M."""
    return (np.asarray(devices, dtype=np.float64) * positive("hours_per_month", hours_per_month,
                                                             "hours")
            * _column(price) * np.asarray(factor, dtype=np.float64))


@vectorised
def api_monthly_cost(generated, api_cost_per_unit, factor):
    """generated units x API cost per unit x API decline factor, W x M."""
    return (np.asarray(generated, dtype=np.float64) * _column(api_cost_per_unit)
            * np.asarray(factor, dtype=np.float64))


@vectorised
def api_cost_per_request(input_tokens, output_tokens, input_price_per_mtok,
                         output_price_per_mtok, cached_input_share=0.0,
                         cached_input_price_per_mtok=0.0):
    """What an API bills for one request [currency/request]:

    .. math:: (in (1 - c) p_{in} + in\\,c\\,p_{cached} + out\\,p_{out}) / 10^6

    Parameters: tokens per request [tokens]; prices [currency per 1M tokens] - the vendor's
    batch-API prices for batch traffic, its long-context prices where the prompt exceeds
    their threshold (the whole prompt at the tier); ``cached_input_share`` [fraction] of the
    input read from the prompt cache at ``cached_input_price_per_mtok``.

    >>> api_cost_per_request(1000, 200, 2.0, 8.0)
    0.0036
    >>> api_cost_per_request(1000, 200, 2.0, 8.0, 0.5, 0.5)  # half the prompt cached
    0.00285
    """
    tokens_in = non_negative("input_tokens", input_tokens, "tokens")
    tokens_out = non_negative("output_tokens", output_tokens, "tokens")
    price_in = non_negative("input_price_per_mtok", input_price_per_mtok, "$/1M")
    price_out = non_negative("output_price_per_mtok", output_price_per_mtok, "$/1M")
    cached = fraction("cached_input_share", cached_input_share, "fraction",
                      "Give the share of input tokens read from the cache, 0 to 1.",
                      allow_zero=True)
    price_cached = non_negative("cached_input_price_per_mtok", cached_input_price_per_mtok,
                                "$/1M")
    return scalar_or_array((tokens_in * (1.0 - cached) * price_in
                            + tokens_in * cached * price_cached + tokens_out * price_out) / 1e6)


@vectorised
def api_cost_per_output(price_per_unit, api_units_per_output):
    """An API priced per unit (an image, a second of video, 1M characters of speech) for one
    of the plan's outputs: price per API unit x API units in one output [currency/output].

    >>> api_cost_per_output(0.10, 60)  # a video minute at $0.10 per second of video
    6.0
    """
    price = non_negative("price_per_unit", price_per_unit, "currency/unit")
    units = positive("api_units_per_output", api_units_per_output, "units/output")
    return scalar_or_array(price * units)


@vectorised
def api_units_of_characters(characters_per_output):
    """How many "1M characters" units one output speaks: characters / 1e6.

    >>> api_units_of_characters(900)
    0.0009
    """
    return scalar_or_array(non_negative("characters_per_output", characters_per_output,
                                        "characters") / 1e6)


@vectorised
def scenario_adjusted(value, scenario_multiplier, sensitivity_multiplier=1.0,
                      maximum=np.inf):
    """An uncertain input as a scenario and a sensitivity see it, no more than its ceiling.

    .. math:: x_s = \\min(x \\times m_{scenario} \\times m_{sensitivity},\\; x_{max})

    Parameters: ``value`` the plan's input (volume [units/month], growth [fraction/month],
    utilisation, acceptance [fraction], price [currency/(device h)], decline [fraction/year],
    device-seconds [s]); ``scenario_multiplier`` [-] the scenario table's multiplier (low /
    base / high, ``budget_defaults.toml``); ``sensitivity_multiplier`` [-] ``1 -/+ swing`` in
    the tornado, else 1; ``maximum`` the input's ceiling in its unit (1 for a share, 0.99 for
    a yearly decline: a price cannot fall by 100%).
    Returns: the adjusted input, in the unit of ``value``.
    Source: the budget model of this module (scenario analysis, seed 003).

    >>> scenario_adjusted(1000.0, 1.5)
    1500.0
    >>> scenario_adjusted([0.8, 0.95], 1.0, 1.2, maximum=1.0).round(6).tolist()
    [0.96, 1.0]
    """
    base = np.asarray(value, dtype=np.float64)
    factor = (np.asarray(scenario_multiplier, dtype=np.float64)
              * np.asarray(sensitivity_multiplier, dtype=np.float64))
    return scalar_or_array(np.minimum(base * factor, maximum))


def sensitivity_multipliers(swing):
    """The multipliers that move an input down and up by ``swing``: (1 - swing, 1 + swing).

    Parameters: ``swing`` [fraction], e.g. 0.2 for +-20 %.
    Returns: (lower, higher) [-].

    >>> sensitivity_multipliers(0.25)
    (0.75, 1.25)
    """
    share = fraction("swing", swing, "fraction", "Give the swing as a fraction, e.g. 0.2.",
                     allow_zero=True)
    return 1.0 - share, 1.0 + share


def swing_width(low_total, high_total):
    """A tornado bar's length: |total with the input high - total with it low| [currency].

    >>> swing_width(90.0, 130.0), swing_width(130.0, 90.0)
    (40.0, 40.0)
    """
    return scalar_or_array(np.abs(np.asarray(high_total, dtype=np.float64)
                                  - np.asarray(low_total, dtype=np.float64)))


@vectorised
def reasoning_output_tokens(output_tokens, reasoning_multiplier):
    """Tokens generated per request when a reasoning model thinks before it answers.

    .. math:: tokens_{generated} = tokens_{output} \\times m_{reasoning}

    Parameters: ``output_tokens`` [tokens/request] the visible answer;
    ``reasoning_multiplier`` [-] generated / visible tokens (1 for a plain model).
    Returns: generated tokens per request [tokens/request], all of them billed and served.

    >>> reasoning_output_tokens(200, 5)
    1000.0
    """
    tokens = non_negative("output_tokens", output_tokens, "tokens")
    multiplier = positive("reasoning_multiplier", reasoning_multiplier, "generated/visible")
    return scalar_or_array(np.asarray(tokens, dtype=np.float64) * multiplier)


def cumulative(monthly):
    """Running totals along the months."""
    return np.cumsum(np.asarray(monthly, dtype=np.float64), axis=-1)


def break_even_month(cumulative_self, cumulative_api):
    """The month (0-based) from which cumulative self-hosting stays at or below the API to
    the end of the horizon; -1 when it does not end there (never).

    >>> break_even_month([[5.0, 7.0, 9.0]], [[4.0, 8.0, 12.0]]).tolist()
    [1]
    >>> break_even_month([[1.0, 5.0, 9.0]], [[2.0, 4.0, 6.0]]).tolist()  # cheaper in month 1 only
    [-1]
    """
    cheaper = np.asarray(cumulative_self) <= np.asarray(cumulative_api)
    stays = np.flip(np.logical_and.accumulate(np.flip(cheaper, axis=-1), axis=-1), axis=-1)
    return np.where(stays[..., -1], stays.argmax(axis=-1), -1)


def crossover_months(cumulative_self, cumulative_api) -> list:
    """Per workload, the months (0-based) where the cheaper side flips: from this month on,
    cumulative self-hosting is at or below the API when it was above the month before, or
    the other way round.

    >>> crossover_months([[1.0, 5.0, 5.5, 9.0]], [[2.0, 4.0, 6.0, 8.0]])
    [[1, 2, 3]]
    """
    cheaper = np.atleast_2d(np.asarray(cumulative_self) <= np.asarray(cumulative_api))
    flips = cheaper[:, 1:] != cheaper[:, :-1]
    return [[int(m) + 1 for m in np.flatnonzero(row)] for row in flips]


def totals_by_period(monthly, labels) -> tuple:
    """Sums of the months sharing a period label (a quarter, a fiscal year), in order.

    Returns: (the distinct labels in order, a W x P array of their totals).

    >>> labels, totals = totals_by_period([[1.0, 2.0, 3.0]], ["2027 Q4", "2027 Q4", "2028 Q1"])
    >>> labels, totals.tolist()
    (['2027 Q4', '2028 Q1'], [[3.0, 3.0]])
    """
    values = np.atleast_2d(np.asarray(monthly, dtype=np.float64))
    order = list(dict.fromkeys(labels))
    index = np.array([order.index(label) for label in labels])
    totals = np.zeros((values.shape[0], len(order)))
    np.add.at(totals, (slice(None), index), values)
    return order, totals


def unit_cost(cost, demand, tokens_per_unit, per):
    """Cost per delivered unit each month, W x M: cost / (demand x tokens per unit) x per.

    Parameters: ``cost`` [currency] W x M; ``demand`` [requests or units] W x M, accepted;
    ``tokens_per_unit`` [tokens/request] for text (W x 1), 1 otherwise; ``per`` how many of
    them a price is quoted for (1e6 for "per 1M tokens", 1 for "per image").
    Returns: [currency/per], NaN in a month with no demand.

    >>> unit_cost([[30.0, 0.0]], [[1000.0, 0.0]], [[10.0]], 1e6).tolist()
    [[3000.0, nan]]
    """
    amount = np.asarray(cost, dtype=np.float64)
    count = np.asarray(demand, dtype=np.float64) * np.asarray(tokens_per_unit, dtype=np.float64)
    return np.where(count > 0, amount / np.where(count > 0, count, 1.0) * per, np.nan)


def horizon_total(monthly) -> float:
    """The fleet's total over the horizon: the sum of every workload's every month [currency].

    >>> horizon_total([[1.0, 2.0], [3.0, 4.5]])
    10.5
    """
    return float(np.sum(np.asarray(monthly, dtype=np.float64)))


def totals_by(keys, amounts) -> dict:
    """The amounts added up per key (spend by month, by service), each an exact float sum.

    >>> totals_by(["2024-09", "2024-10", "2024-09"], [1.5, 2.0, 0.25])
    {'2024-09': 1.75, '2024-10': 2.0}
    """
    groups: dict = {}
    for key, amount in zip(keys, amounts):
        groups.setdefault(key, []).append(float(amount))
    return {key: math.fsum(values) for key, values in groups.items()}


def budget_variance(actual, budget):
    """Budget variance: actual - budget [currency]; positive means over budget.

    >>> budget_variance([120.0, 80.0], [100.0, 100.0]).tolist()
    [20.0, -20.0]
    """
    return scalar_or_array(np.asarray(actual, dtype=np.float64)
                           - np.asarray(budget, dtype=np.float64))


def sum_of(arrays):
    """Element-wise sum of same-shaped arrays (the cost of each pricing model, added up).

    >>> sum_of([[[1.0, 2.0]], [[0.5, 0.5]]]).tolist()
    [[1.5, 2.5]]
    """
    return np.sum([np.asarray(array, dtype=np.float64) for array in arrays], axis=0)


def in_reporting_currency(amounts, rates):
    """Amounts in a price's currency, in the reporting currency: amount x rate, month by
    month (rate: reporting units per unit of the price's currency, W x M).

    >>> in_reporting_currency([[100.0, 100.0]], [[0.9, 0.95]]).tolist()
    [[90.0, 95.0]]
    """
    return np.asarray(amounts, dtype=np.float64) * np.asarray(rates, dtype=np.float64)


def monthly_totals(monthly):
    """Column sums of a W x M array: the fleet's cost each month."""
    return np.asarray(monthly, dtype=np.float64).sum(axis=0)


def row_totals(monthly):
    """Row sums of a W x M array: each workload over the horizon."""
    return np.asarray(monthly, dtype=np.float64).sum(axis=-1)


def per_unit_over_horizon(cost, units, tokens_per_unit, per):
    """Total cost / total accepted units x per: the horizon's cost per unit."""
    count = row_totals(units) * np.asarray(tokens_per_unit, dtype=np.float64)
    return np.where(count > 0, row_totals(cost) / np.where(count > 0, count, 1.0), np.nan) \
        * np.asarray(per, dtype=np.float64)
