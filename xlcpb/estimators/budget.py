"""Fleet budgets: a plan of workloads, the sheet's prices and the realistic estimator,
projected month by month with the budget engine (:mod:`xlcpb.engine.budget`).

>>> from xlcpb.data.plan import parse_plan_text
>>> plan = parse_plan_text("name,modality,model,hardware,monthly_volume\\n"
...                        "chat,text,Llama-3.1-8B,H100 SXM,100000\\n", "doc")
>>> result = project(prepare(plan), BudgetSettings(months=12))
>>> result.devices.shape, bool(result.total_cost > 0)
((1, 12), True)
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace

import numpy as np

from ..data.exchange_rates import monthly_rates
from ..data.instance_types import instance_accelerator
from ..data.plan import budget_defaults
from ..data.sheet import Sheet, load_sheet
from ..engine import budget as arithmetic
from ..engine.calendar import month_labels, months_between, period_labels
from ..errors import CPBError
from .budget_media import media_device_seconds, refuse_media_columns
from .llm import estimate_llm

PRICING_MODELS = (("on_demand", "on-demand"), ("reserved", "reserved-1y"), ("spot", "spot"))
COMMITTED_PRICING_MODEL = "reserved-1y"   # the sheet's price for a commitment left blank
# cost by pricing model, W x M each: hourly rentals by share, the commitment, its upfront fee
COST_PARTS = ("on_demand", "reserved_hourly", "spot", "committed", "upfront", "depreciation",
              "power", "hosting")
# the cash view pays upfront fees and purchases when due instead of spreading them
CASH_PARTS = ("on_demand", "reserved_hourly", "spot", "committed", "upfront_paid", "capex",
              "power", "hosting")
OWNERSHIP_INPUTS = ("purchase_price_per_device", "depreciation_months", "pue",
                    "power_price_per_kwh", "hosting_per_kw_month")
UNIT_NAMES = {"text": "1M output tokens", "image": "image", "audio": "audio minute",
              "video": "video minute"}
# API units per plan unit, for APIs priced per unit: which units a modality can be compared
# with, and how many make one of the plan's units (None: from characters_per_unit)
API_UNITS = {"image": {"image": 1.0}, "video": {"second of video": 60.0},
             "audio": {"second of audio": 60.0, "1M characters": None}}


@dataclass(frozen=True)
class BudgetSettings:
    months: int = 36
    start: str = "2027-01"             # first month, yyyy-mm
    scenario: str = "base"
    currency: str = "USD"              # reporting currency
    fiscal_year_start: int = 1         # month a fiscal year starts (1: calendar years)
    exchange_rates: tuple = ()         # (currency, "yyyy-mm", rate in reporting units)
    hours_per_month: float | None = None
    hardware_price_decline_per_year: float | None = None
    api_price_decline_per_year: float | None = None

    def resolved(self) -> "BudgetSettings":
        defaults = budget_defaults()
        if self.scenario not in defaults["scenarios"]:
            raise CPBError(f"scenario = {self.scenario!r}: unknown.", argument="scenario",
                           value=self.scenario,
                           fix=f"Use one of {', '.join(defaults['scenarios'])}.")
        if self.fiscal_year_start not in range(1, 13):
            raise CPBError(f"fiscal_year_start = {self.fiscal_year_start!r}: not a month.",
                           argument="fiscal_year_start", value=self.fiscal_year_start,
                           fix="Give the month a fiscal year starts, 1 to 12 (4 for April).")
        try:
            dt.date.fromisoformat(self.start + "-01")
        except ValueError:
            raise CPBError(f"start = {self.start!r}: not a month.", argument="start",
                           value=self.start, fix="Write it as 2027-01.") from None
        pick = lambda value, key: defaults[key] if value is None else value  # noqa: E731
        return replace(self, hours_per_month=pick(self.hours_per_month, "hours_per_month"),
                       hardware_price_decline_per_year=pick(
                           self.hardware_price_decline_per_year,
                           "hardware_price_decline_per_year"),
                       api_price_decline_per_year=pick(self.api_price_decline_per_year,
                                                       "api_price_decline_per_year"))

    def month_labels(self) -> list[str]:
        return month_labels(self.start, self.months)


@dataclass
class Prepared:
    """Per workload, everything the projection needs, as arrays of length W."""

    workloads: list                    # the plan rows, defaults filled in
    device_seconds_per_unit: np.ndarray
    shares: np.ndarray                 # W x 3: on-demand, reserved, spot
    prices: np.ndarray                 # W x 3
    api_cost_per_unit: np.ndarray      # NaN where there is no API alternative
    tokens_per_unit: np.ndarray        # output tokens per request (text), else 1
    devices_per_replica: np.ndarray    # W: tensor-parallel size (1 for FLOPs-priced work)
    devices_per_instance: np.ndarray   # W: 1 unless an instance type is named
    committed_devices: np.ndarray      # W
    commitment_months: np.ndarray      # W
    price_committed: np.ndarray        # W [currency/(device h)]
    commitment_upfront: np.ndarray     # W [currency]
    owned_devices: np.ndarray          # W
    purchase: np.ndarray               # W [currency]: devices and servers
    depreciation_months: np.ndarray    # W
    tdp_watts: np.ndarray              # W [W]
    pue: np.ndarray                    # W
    power_price_per_kwh: np.ndarray    # W
    hosting_per_kw_month: np.ndarray   # W
    currencies: list                   # W: the currency of each row's prices
    api_currencies: list               # W: the API price's currency (None without one)
    sources: list = field(default_factory=list)  # how each figure was found
    assumptions: list = field(default_factory=list)  # device time, efficiency, utilisation


def _with_defaults(row: dict) -> dict:
    defaults = budget_defaults()["workload_defaults"]
    filled = dict(row)
    for key, value in defaults.items():
        if key in filled and filled[key] is None:
            filled[key] = value
    if row["modality"] != "text" and row.get("precision") is None and not row.get("model"):
        filled["precision"] = defaults["flops_precision"]  # a media model's: budget_media
    if row["modality"] != "text" and row.get("devices") is None:
        filled["devices"] = 1
    return filled


def replica_serving(row: dict, output_tokens: float, sheet: Sheet) -> tuple[int, float]:
    """(devices per replica, output tokens per second one replica sustains) for a text
    workload: the serving estimator in server mode (continuous batching) at the plan's
    latency targets, so a replica carries the most concurrent requests that meet them.

    The one place the budget asks the LLM estimator for throughput."""
    given = row.get("devices")
    common = dict(devices=given or 1, tensor_parallel=given or 0, replicas=1,
                  input_tokens=row["input_tokens"], output_tokens=output_tokens, sheet=sheet)
    try:
        single = estimate_llm(row["model"], row["hardware"], row["precision"], batch=1,
                              **common)
        if not np.all(single.fits):
            raise CPBError(f"{row['model']} does not fit in {single.tensor_parallel:g} x "
                           f"{row['hardware']} even at batch 1.", argument="devices",
                           value=given, fix="Give more devices per replica (devices) or a "
                                            "lower precision.", kind="num")
        estimate = estimate_llm(row["model"], row["hardware"], row["precision"],
                                mode="server", ttft_slo_s=row["ttft_slo_s"],
                                tpot_slo_s=row["tpot_slo_s"], max_batch=row.get("batch"),
                                **common)
    except CPBError as error:
        message = str(error).removesuffix(f" {error.fix}")
        raise CPBError(f"workload {row['name']!r}: {message}", argument=error.argument,
                       value=error.value, fix=error.fix, kind=error.kind) from None
    return int(estimate.tensor_parallel), float(estimate.output_tokens_per_s_per_replica)


def _instance(sheet: Sheet, row: dict) -> int:
    """Devices per instance of the workload's instance type (1 without one)."""
    if not row.get("instance_type"):
        return 1
    hardware_id, count = instance_accelerator(row["instance_type"])
    if sheet.hardware(row["hardware"])["id"] != hardware_id:
        raise CPBError(f"workload {row['name']!r}: instance_type {row['instance_type']!r} "
                       f"carries {hardware_id}, not {row['hardware']}.",
                       argument="instance_type", value=row["instance_type"],
                       fix="Name the instance's accelerator as hardware, or another instance.")
    return count


def _commitment_price(sheet: Sheet, row: dict, sources: list) -> float:
    if not row["committed_devices"]:
        return 0.0
    if row["share_reserved"]:
        raise CPBError(f"workload {row['name']!r}: share_reserved = "
                       f"{row['share_reserved']:g} and a commitment of "
                       f"{row['committed_devices']:g} devices.", argument="share_reserved",
                       value=row["share_reserved"],
                       fix="With committed_devices, reserved capacity is the commitment: set "
                           "share_reserved to 0 and share the overflow between on demand "
                           "and spot.")
    if row.get("price_committed") is not None:
        return float(row["price_committed"])
    return _sheet_price(sheet, row, COMMITTED_PRICING_MODEL, "price_committed", sources)


def _price(sheet: Sheet, row: dict, suffix: str, model: str, sources: list) -> float:
    given = row.get(f"price_{suffix}")
    if given is not None:
        return float(given)
    # an owned fleet's payback compares it with renting the same devices on demand
    wanted = row[f"share_{suffix}"] or (suffix == "on_demand" and row["owned_devices"])
    if not wanted:
        return 0.0
    return _sheet_price(sheet, row, model, f"price_{suffix}", sources)


def _sheet_price(sheet: Sheet, row: dict, model: str, argument: str, sources: list) -> float:
    """The sheet's price per device-hour for the row's hardware, in the row's currency."""
    try:
        found = sheet.price(row["hardware"], pricing_model=model)
    except CPBError as error:
        raise CPBError(f"workload {row['name']!r}: {error}", argument=argument,
                       value=None, fix=f"Give {argument} in the plan.",
                       kind=error.kind) from None
    if found["currency"] != row["currency"]:
        raise CPBError(f"workload {row['name']!r}: the sheet's {model} price for "
                       f"{row['hardware']} is in {found['currency']}, the row's prices in "
                       f"{row['currency']}.", argument="currency", value=row["currency"],
                       fix=f"Set currency = {found['currency']} for the row, or give "
                           f"{argument} in {row['currency']}.")
    sources.append(f"{row['name']}: {model} price {found['price_per_device_hour']} "
                   f"{found['currency']} ({found['provider']} {found['region']})")
    return found["price_per_device_hour"]


def token_prices(api_row: dict, row: dict) -> dict:
    """The per-token prices a request of the workload is billed at, as vendors bill them:
    batch-API prices for a workload sent through the batch API (``api_batch`` yes); the
    long-context prices for the whole prompt when it is longer than their threshold; the
    cached-input price for the share read from the cache."""
    name = f"{api_row['provider']}/{api_row['model']}"
    tier = "standard"
    prices = (api_row["input_price_per_mtok"], api_row["output_price_per_mtok"])
    threshold = api_row.get("long_context_threshold_tokens")
    if threshold is not None and row["input_tokens"] > threshold:
        long_prices = (api_row.get("long_context_input_price_per_mtok"),
                       api_row.get("long_context_output_price_per_mtok"))
        if None in long_prices:
            raise CPBError(f"workload {row['name']!r}: prompts of {row['input_tokens']:g} "
                           f"tokens exceed {name}'s long-context threshold of {threshold:g}, "
                           "and the sheet has no long-context price.",
                           argument="input_tokens", value=row["input_tokens"],
                           fix="Add the long-context prices to the API's sheet row.")
        prices, tier = long_prices, f"long context, prompts over {threshold:g} tokens"
    if row.get("api_batch") == "yes":
        batch_prices = (api_row.get("batch_input_price_per_mtok"),
                        api_row.get("batch_output_price_per_mtok"))
        if None in batch_prices:
            raise CPBError(f"workload {row['name']!r}: api_batch = yes, and the sheet has no "
                           f"batch-API price for {name}.", argument="api_batch", value="yes",
                           fix="Use api_batch = no, or add the batch prices to its row.")
        prices, tier = batch_prices, "batch API"
    cached = api_row.get("cached_input_price_per_mtok")
    if row["cached_input_share"] and cached is None:
        raise CPBError(f"workload {row['name']!r}: cached_input_share = "
                       f"{row['cached_input_share']:g}, and the sheet has no cached-input "
                       f"price for {name}.", argument="cached_input_share",
                       value=row["cached_input_share"],
                       fix="Set cached_input_share to 0, or add the cached-input price.")
    return {"api_input_price": prices[0], "api_output_price": prices[1],
            "api_cached_input_price": cached if row["cached_input_share"] else 0.0,
            "api_tier": tier}


def _unit_api(sheet: Sheet, row: dict, sources: list) -> tuple:
    """(API cost per image / audio minute / video minute, its currency), or (NaN, None)."""
    if not row.get("api_model"):
        return np.nan, None
    api_row = sheet.api_row(row["api_model"])
    units = API_UNITS[row["modality"]]
    if api_row.get("unit") not in units:
        raise CPBError(f"workload {row['name']!r}: API {api_row['provider']}/"
                       f"{api_row['model']} is sold per {api_row.get('unit') or 'token'}, not "
                       f"comparable with {UNIT_NAMES[row['modality']]}s.",
                       argument="api_model", value=row["api_model"],
                       fix=f"Name an API sold per {' or per '.join(units)}.")
    count = units[api_row["unit"]]
    if count is None:
        if row.get("characters_per_unit") is None:
            raise CPBError(f"workload {row['name']!r}: {api_row['model']} is sold per 1M "
                           "characters.", argument="characters_per_unit", value=None,
                           fix="Give characters_per_unit: the characters of text one audio "
                               "minute speaks.")
        count = arithmetic.api_units_of_characters(row["characters_per_unit"])
    sources.append(f"{row['name']}: API {api_row['provider']}/{api_row['model']} "
                   f"{api_row['price_per_unit']} {api_row['currency']} per {api_row['unit']}")
    row["api_units_per_unit"] = count
    row["api_price_per_unit"] = api_row["price_per_unit"]
    return arithmetic.api_cost_per_output(api_row["price_per_unit"], count), api_row["currency"]


def _ownership(sheet: Sheet, row: dict) -> list:
    """owned devices, purchase, life, TDP, PUE, power and hosting prices of a workload."""
    if not row["owned_devices"]:
        return [0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0]
    missing = [key for key in OWNERSHIP_INPUTS if row.get(key) is None]
    if missing:
        raise CPBError(f"workload {row['name']!r}: owns {row['owned_devices']:g} devices but "
                       f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} blank.",
                       argument=missing[0], value=None,
                       fix="Give the purchase price, depreciation life, PUE, power price and "
                           "hosting price per kW-month (0 in your own building).")
    tdp = sheet.hardware(row["hardware"]).get("tdp_watts")
    if not tdp:
        raise CPBError(f"workload {row['name']!r}: {row['hardware']} has no TDP in the sheet.",
                       argument="hardware", value=row["hardware"],
                       fix="Add tdp_watts to its hardware row (xlcpb sheet add hardware).")
    servers = arithmetic.servers_needed(row["owned_devices"], row["devices_per_server"])
    purchase = arithmetic.purchase_cost(row["owned_devices"], row["purchase_price_per_device"],
                                        servers, row["purchase_price_per_server"])
    return [row["owned_devices"], float(purchase), row["depreciation_months"], tdp, row["pue"],
            row["power_price_per_kwh"], row["hosting_per_kw_month"]]


def prepare(plan: list[dict], sheet: Sheet | None = None) -> Prepared:
    """Device-seconds per unit, prices and API costs for every workload of a plan."""
    sheet = sheet or load_sheet()
    if not plan:
        raise CPBError("the plan has no workloads.", argument="plan", value=None,
                       fix="Add one row per workload.")
    rows = [_with_defaults(row) for row in plan]
    sources, seconds, api, tokens, api_currencies, assumed = [], [], [], [], [], []
    shares, prices, sizes, instances, commitment, owned = [], [], [], [], [], []
    for row in rows:
        if row["modality"] == "text":
            refuse_media_columns(row)
            if not row.get("model"):
                raise CPBError(f"workload {row['name']!r}: a text workload needs a model.",
                               argument="model", value=None, fix="Name a catalog model.")
            output = arithmetic.reasoning_output_tokens(row["output_tokens"],
                                                        row["reasoning_multiplier"])
            size, speed = replica_serving(row, output, sheet)
            row["devices"] = size
            assumed.append(f"{row['name']}: {row['model']} on {size} x {row['hardware']} "
                           f"({row['precision']}): {speed:,.0f} output tokens/s per replica "
                           "(LLM serving estimator, server mode at the latency targets, "
                           f"generic profile), utilisation {row['utilisation']:.0%}")
            seconds.append(arithmetic.replica_device_seconds_per_request(size, output, speed))
            tokens.append(output)
            if row.get("api_model"):
                api_row = sheet.api_price(row["api_model"])
                api_currencies.append(api_row["currency"])
                billed = token_prices(api_row, row)
                row.update(billed)
                api.append(arithmetic.api_cost_per_request(
                    row["input_tokens"], output, billed["api_input_price"],
                    billed["api_output_price"], row["cached_input_share"],
                    billed["api_cached_input_price"]))
                sources.append(f"{row['name']}: API {api_row['provider']}/{api_row['model']} "
                               f"{billed['api_input_price']}/{billed['api_output_price']} "
                               f"per 1M tokens ({billed['api_tier']})")
            else:
                api.append(np.nan)
                api_currencies.append(None)
        else:
            seconds.append(media_device_seconds(row, sheet, assumed))
            tokens.append(1.0)
            cost, code = _unit_api(sheet, row, sources)
            api.append(cost)
            api_currencies.append(code)
        shares.append([row[f"share_{suffix}"] for suffix, _ in PRICING_MODELS])
        prices.append([_price(sheet, row, suffix, model, sources)
                       for suffix, model in PRICING_MODELS])
        sizes.append(row["devices"])
        instances.append(_instance(sheet, row))
        row["price_committed"] = _commitment_price(sheet, row, sources)
        commitment.append([row["committed_devices"], row["commitment_months"],
                           row["price_committed"], row["commitment_upfront"]])
        owned.append(_ownership(sheet, row))
    held = np.array(commitment, dtype=float).reshape(-1, 4)
    own = np.array(owned, dtype=float).reshape(-1, 7)
    return Prepared(workloads=rows, device_seconds_per_unit=np.array(seconds),
                    shares=np.array(shares), prices=np.array(prices),
                    api_cost_per_unit=np.array(api), tokens_per_unit=np.array(tokens),
                    devices_per_replica=np.array(sizes, dtype=float),
                    devices_per_instance=np.array(instances, dtype=float),
                    committed_devices=held[:, 0], commitment_months=held[:, 1],
                    price_committed=held[:, 2], commitment_upfront=held[:, 3],
                    owned_devices=own[:, 0], purchase=own[:, 1], depreciation_months=own[:, 2],
                    tdp_watts=own[:, 3], pue=own[:, 4], power_price_per_kwh=own[:, 5],
                    hosting_per_kw_month=own[:, 6],
                    currencies=[row["currency"] for row in rows],
                    api_currencies=api_currencies, sources=sources, assumptions=assumed)


@dataclass
class BudgetResult:
    settings: BudgetSettings
    names: list
    workloads: list
    months: list
    demand: np.ndarray
    generated: np.ndarray
    device_hours: np.ndarray
    replicas: np.ndarray               # W x M whole replicas
    devices: np.ndarray                # W x M devices rented (whole replicas, instances)
    committed: np.ndarray              # W x M devices under commitment
    overflow: np.ndarray               # W x M devices above it, at the hourly mix
    cost: np.ndarray                   # W x M, P&L view (upfront fees spread over terms)
    cash_cost: np.ndarray              # W x M, cash view (upfront fees when paid)
    cost_by_model: dict                # COST_PARTS -> W x M (P&L view)
    cash_by_model: dict                # CASH_PARTS -> W x M (cash view)
    owned: np.ndarray                  # W x M devices owned
    ownership_cost_per_device_hour: np.ndarray  # W x M: depreciation + power + hosting
    payback: np.ndarray                # W: month owning beats renting for good; -1, -2 none
    commitment_utilisation: np.ndarray  # W x M, NaN without a commitment
    unused_commitment_cost: np.ndarray  # W x M
    api_cost: np.ndarray
    blended_price: np.ndarray
    break_even: np.ndarray             # per workload: month index, -1 never, -2 no API
    crossovers: list                   # per workload: months where the cheaper side flips
    total_cost: float
    total_api_cost: float               # of the workloads with an API alternative only
    has_api: np.ndarray                 # W: the workload has an API alternative
    api_covered_cost: float             # self-hosting cost of those same workloads
    quarters: np.ndarray               # W x Q: calendar or fiscal quarters
    years: np.ndarray                  # W x Y
    quarter_labels: list               # Q: "2027 Q1" or "FY2027 Q1"
    year_labels: list                  # Y: "2027" or "FY2027"
    unit_cost: np.ndarray              # W x M, cost per accepted unit (UNIT_NAMES)
    cumulative_cost: np.ndarray        # W x M
    cumulative_api_cost: np.ndarray    # W x M
    workload_cost: np.ndarray          # W: over the horizon
    workload_api_cost: np.ndarray      # W
    monthly_cost: np.ndarray           # M: the fleet
    monthly_api_cost: np.ndarray       # M
    unit_cost_over_horizon: np.ndarray  # W
    volume: np.ndarray                  # W: scenario-adjusted monthly volume
    growth: np.ndarray                  # W: scenario-adjusted monthly growth
    hardware_decline: float             # per year, scenario-adjusted
    api_decline: float
    owned_rental_cost: np.ndarray = None  # W x M: renting the owned devices on demand


def project(prepared: Prepared, settings: BudgetSettings, **overrides) -> BudgetResult:
    """The monthly projection; ``overrides`` scale inputs for sensitivities (see tornado)."""
    settings = settings.resolved()
    scenario = budget_defaults()["scenarios"][settings.scenario]
    rows = prepared.workloads
    column = lambda key: np.array([row[key] for row in rows], dtype=float)  # noqa: E731
    sensitivity = lambda key: overrides.get(key, 1.0)  # noqa: E731
    adjusted = arithmetic.scenario_adjusted
    volume = adjusted(column("monthly_volume"), scenario["volume"], sensitivity("volume"))
    growth = adjusted(column("monthly_growth"), scenario["growth"], sensitivity("growth"))
    acceptance = adjusted(column("acceptance_rate"), 1.0, sensitivity("acceptance"),
                          maximum=1.0)
    utilisation = adjusted(column("utilisation"), 1.0, sensitivity("utilisation"), maximum=1.0)
    seconds = adjusted(prepared.device_seconds_per_unit, 1.0, sensitivity("device_seconds"))
    price = adjusted(arithmetic.blended_price(prepared.shares, prepared.prices), 1.0,
                     sensitivity("price"))
    cap = budget_defaults()["decline_cap"]
    hardware_decline = adjusted(settings.hardware_price_decline_per_year,
                                scenario["hardware_decline"], sensitivity("hardware_decline"),
                                maximum=cap)
    api_decline = adjusted(settings.api_price_decline_per_year, scenario["api_decline"],
                           sensitivity("api_decline"), maximum=cap)
    demand = arithmetic.monthly_demand(volume, growth, settings.months)
    generated = arithmetic.generated_units(demand, acceptance)
    hours = arithmetic.device_hours(generated, seconds)
    replicas = arithmetic.replicas_needed(hours, settings.hours_per_month, utilisation,
                                          prepared.devices_per_replica)
    devices = arithmetic.provisioned_devices(replicas, prepared.devices_per_replica,
                                             prepared.devices_per_instance)
    hardware_factor = arithmetic.decline_factor(np.full(len(rows), hardware_decline),
                                                settings.months)
    starts = month_starts(rows, settings, "commitment_start")
    active = arithmetic.commitment_active(starts, prepared.commitment_months, settings.months)
    committed = arithmetic.committed_by_month(prepared.committed_devices, active)
    bought = month_starts(rows, settings, "owned_from")
    owned = arithmetic.committed_by_month(prepared.owned_devices, arithmetic.commitment_active(
        bought, np.full(len(rows), settings.months), settings.months))
    beyond_owned = arithmetic.overflow_devices(devices, owned)  # the rest, served as below
    overflow = arithmetic.overflow_devices(beyond_owned, committed)
    committed_price = adjusted(prepared.price_committed, 1.0, sensitivity("price"))
    parts = {suffix if suffix != "reserved" else "reserved_hourly": arithmetic.monthly_cost(
        overflow, settings.hours_per_month,
        adjusted(shared, 1.0, sensitivity("price")), hardware_factor)
        for (suffix, _), shared in zip(PRICING_MODELS, arithmetic.share_prices(
            prepared.shares, prepared.prices))}
    parts["committed"] = arithmetic.committed_cost(committed, settings.hours_per_month,
                                                   committed_price)
    parts["upfront"] = arithmetic.upfront_amortised(prepared.commitment_upfront,
                                                    prepared.commitment_months, active)
    parts["depreciation"] = arithmetic.straight_line_depreciation(
        prepared.purchase, bought, prepared.depreciation_months, settings.months)
    parts["power"] = arithmetic.power_cost(owned, prepared.tdp_watts, prepared.pue,
                                           settings.hours_per_month,
                                           prepared.power_price_per_kwh)
    parts["hosting"] = arithmetic.hosting_cost(owned, prepared.tdp_watts,
                                               prepared.hosting_per_kw_month)
    rates = np.array([monthly_rates(settings.exchange_rates, code, settings.currency,
                                    settings.month_labels()) for code in prepared.currencies])
    parts = {name: arithmetic.in_reporting_currency(part, rates)
             for name, part in parts.items()}
    purchase_paid = arithmetic.in_reporting_currency(arithmetic.upfront_cash(
        prepared.purchase, bought, settings.months), rates)
    upfront_paid = arithmetic.in_reporting_currency(arithmetic.upfront_cash(
        prepared.commitment_upfront, starts, settings.months), rates)
    cost = arithmetic.sum_of(parts[name] for name in COST_PARTS)
    cash = {**parts, "upfront_paid": upfront_paid, "capex": purchase_paid}
    cash = {name: cash[name] for name in CASH_PARTS}
    cash_cost = arithmetic.sum_of(cash.values())
    owning = arithmetic.sum_of([parts["depreciation"], parts["power"], parts["hosting"]])
    renting_owned = arithmetic.in_reporting_currency(arithmetic.monthly_cost(
        owned, settings.hours_per_month, prepared.prices[:, 0], hardware_factor), rates)
    payback = np.where(prepared.owned_devices > 0, arithmetic.break_even_month(
        arithmetic.cumulative(arithmetic.sum_of([cash["capex"], cash["power"],
                                                 cash["hosting"]])),
        arithmetic.cumulative(renting_owned)), -2)
    api_factor = arithmetic.decline_factor(np.full(len(rows), api_decline), settings.months)
    api_rates = np.array([monthly_rates(settings.exchange_rates, code or settings.currency,
                                        settings.currency, settings.month_labels())
                          for code in prepared.api_currencies])
    api_cost = arithmetic.in_reporting_currency(arithmetic.api_monthly_cost(
        generated, np.nan_to_num(prepared.api_cost_per_unit), api_factor), api_rates)
    has_api = ~np.isnan(prepared.api_cost_per_unit)
    break_even = np.where(has_api, arithmetic.break_even_month(
        arithmetic.cumulative(cost), arithmetic.cumulative(api_cost)), -2)
    crossovers = [months if known else [] for months, known in zip(
        arithmetic.crossover_months(arithmetic.cumulative(cost),
                                    arithmetic.cumulative(api_cost)), has_api)]
    per = np.where(np.array([row["modality"] == "text" for row in rows]), 1e6, 1.0)
    unit = arithmetic.unit_cost(cost, demand, prepared.tokens_per_unit.reshape(-1, 1),
                                per.reshape(-1, 1))
    api_cost = np.where(has_api.reshape(-1, 1), api_cost, 0.0)
    quarter_labels, quarters = arithmetic.totals_by_period(cost, period_labels(
        settings.start, settings.months, settings.fiscal_year_start))
    year_labels, years = arithmetic.totals_by_period(cost, period_labels(
        settings.start, settings.months, settings.fiscal_year_start, quarters=False))
    return BudgetResult(
        settings=settings, names=[row["name"] for row in rows], workloads=rows,
        months=settings.month_labels(), demand=demand, generated=generated,
        device_hours=hours, replicas=replicas, devices=devices, committed=committed,
        overflow=overflow, cost=cost, cash_cost=cash_cost, cost_by_model=parts,
        cash_by_model=cash, owned=owned, payback=payback,
        ownership_cost_per_device_hour=arithmetic.cost_per_device_hour(
            owning, owned, settings.hours_per_month),
        commitment_utilisation=arithmetic.commitment_use(beyond_owned, committed),
        unused_commitment_cost=arithmetic.in_reporting_currency(
            arithmetic.unused_commitment_cost(beyond_owned, committed,
                                              settings.hours_per_month, committed_price),
            rates),
        api_cost=api_cost, blended_price=price, break_even=break_even, crossovers=crossovers,
        total_cost=arithmetic.horizon_total(cost),
        total_api_cost=arithmetic.horizon_total(api_cost), has_api=has_api,
        api_covered_cost=arithmetic.horizon_total(cost[has_api]),
        quarters=quarters, years=years, quarter_labels=quarter_labels, year_labels=year_labels,
        unit_cost=unit, cumulative_cost=arithmetic.cumulative(cost),
        cumulative_api_cost=arithmetic.cumulative(api_cost),
        workload_cost=arithmetic.row_totals(cost),
        workload_api_cost=arithmetic.row_totals(api_cost),
        monthly_cost=arithmetic.monthly_totals(cost),
        monthly_api_cost=arithmetic.monthly_totals(api_cost),
        unit_cost_over_horizon=arithmetic.per_unit_over_horizon(
            cost, demand, prepared.tokens_per_unit, per),
        volume=volume, growth=growth, hardware_decline=float(hardware_decline),
        api_decline=float(api_decline), owned_rental_cost=renting_owned)


COST_GROUPS = {"cost_hourly": ("on_demand", "reserved_hourly", "spot"),
               "cost_committed": ("committed", "upfront"),
               "cost_owned": ("depreciation", "power", "hosting")}


def cost_groups(result: BudgetResult) -> dict:
    """W x M cost of hourly rentals, of commitments, of ownership (P&L view) and the cash
    view: what the workbook's Timeline shows block by block."""
    groups = {name: arithmetic.sum_of(result.cost_by_model[part] for part in parts)
              for name, parts in COST_GROUPS.items()}
    return {**groups, "cash": result.cash_cost}


def horizon_figures(result: BudgetResult) -> dict:
    """Per workload over the horizon (W each, NaN where there is none): commitment
    utilisation (used / committed device-months), the cost of unused commitment, and the
    owned devices' cost of ownership and rental price (on demand) per device-hour."""
    beyond_owned = arithmetic.overflow_devices(result.devices, result.owned)
    owned = arithmetic.row_totals(result.owned)
    hours = result.settings.hours_per_month
    return {"commitment_utilisation": arithmetic.commitment_use_over_horizon(
                beyond_owned, result.committed),
            "unused_commitment_cost": arithmetic.row_totals(result.unused_commitment_cost),
            "ownership_cost_per_device_hour": arithmetic.cost_per_device_hour(
                arithmetic.row_totals(cost_groups(result)["cost_owned"]), owned, hours),
            "rental_price_per_device_hour": arithmetic.cost_per_device_hour(
                arithmetic.row_totals(result.owned_rental_cost), owned, hours)}


def month_starts(rows: list, settings: BudgetSettings, key: str) -> np.ndarray:
    """Each workload's month ``key`` ("yyyy-mm": a commitment's start, a purchase) as a month
    index of the budget; blank: 0, its first month."""
    starts = []
    for row in rows:
        text = row.get(key)
        if not text:
            starts.append(0)
            continue
        try:
            dt.date.fromisoformat(str(text).strip() + "-01")
        except ValueError:
            raise CPBError(f"workload {row['name']!r}: {key} = {text!r}: not a "
                           "month.", argument=key, value=text,
                           fix="Write it as 2027-04.") from None
        starts.append(months_between(settings.start, str(text).strip()))
    return np.array(starts, dtype=float)


def scenario_totals(prepared: Prepared, settings: BudgetSettings) -> dict:
    return {name: project(prepared, replace(settings, scenario=name)).total_cost
            for name in budget_defaults()["scenarios"]}


SENSITIVITY_INPUTS = (("volume", "monthly volume"), ("growth", "monthly growth"),
                      ("price", "price per device-hour"), ("utilisation", "target utilisation"),
                      ("acceptance", "acceptance rate"),
                      ("device_seconds", "device time per unit (efficiency, batch)"),
                      ("hardware_decline", "hardware price decline"))


def tornado(prepared: Prepared, settings: BudgetSettings) -> list[dict]:
    """Each uncertain input moved down and up by the swing: the total cost each way."""
    lower, higher = arithmetic.sensitivity_multipliers(
        budget_defaults()["sensitivity"]["swing"])
    base = project(prepared, settings).total_cost
    rows = []
    for key, label in SENSITIVITY_INPUTS:
        low = project(prepared, settings, **{key: lower}).total_cost
        high = project(prepared, settings, **{key: higher}).total_cost
        rows.append({"input": label, "low": low, "high": high, "base": base,
                     "swing": arithmetic.swing_width(low, high)})
    return sorted(rows, key=lambda row: row["swing"], reverse=True)


COST_COLUMNS = {"effective": "effective_cost", "billed": "billed_cost", "list": "list_cost"}
TAG_PREFIX = "tag:"


def _spend_costs(spend_rows: list[dict], cost: str) -> list:
    if cost not in COST_COLUMNS:
        raise CPBError(f"cost = {cost!r}: unknown.", argument="cost", value=cost,
                       fix="Use effective (FOCUS EffectiveCost, the default), billed or list.")
    key = COST_COLUMNS[cost]
    missing = [row for row in spend_rows if row.get(key) is None]
    if missing:
        first = missing[0]
        raise CPBError(f"{len(missing):,} spend rows have no {key} (first: "
                       f"{first.get('source_file')} row {first.get('row')}).", argument="cost",
                       value=cost, fix="Use --cost billed, or import an export with "
                                       f"{key.replace('_', ' ')}.")
    return [row[key] for row in spend_rows]


def _tags(row: dict) -> dict:
    try:
        found = json.loads(row.get("tags") or "{}")
    except ValueError:
        return {}
    return {str(key): str(value) for key, value in found.items()} if isinstance(found,
                                                                                 dict) else {}


def spend_owner(row: dict, services) -> str:
    """Which workload (or service) a spend row counts for: a workload whose ``service`` is
    "tag:key=value" and the row carries that tag, else one whose service is the row's
    ServiceName, else the ServiceName itself. ``services``: workload -> service, or
    (workload, service) pairs (a workload may have several: its plan row's and a mapping
    table's)."""
    pairs = list(services.items() if isinstance(services, dict) else services)
    tags = _tags(row)
    for workload, service in pairs:
        if service and service.startswith(TAG_PREFIX):
            key, _, value = service[len(TAG_PREFIX):].partition("=")
            if tags.get(key.strip()) == value.strip():
                return workload
    name = row.get("service_name") or "(no service)"
    for workload, service in pairs:
        if service and service == name:
            return workload
    return name


def actual_spend(spend_rows: list[dict], cost: str = "effective", services=None) -> dict:
    """Actual spend by month (yyyy-mm of the charge period) and by owner (workload or
    service, :func:`spend_owner`), in the export's one currency; ``cost``: effective
    (FinOps FOCUS EffectiveCost: after discounts and amortised commitments), billed or list."""
    currencies = {row["currency"] for row in spend_rows}
    if len(currencies) > 1:
        raise CPBError(f"actual spend is in {' and '.join(sorted(currencies))}.",
                       argument="spend", value=None,
                       fix="Import one currency's billing export at a time.")
    months = [row["charge_period_start"][:7] for row in spend_rows]
    costs = _spend_costs(spend_rows, cost)
    by_month = arithmetic.totals_by(months, costs)
    by_owner = arithmetic.totals_by(
        [(month, spend_owner(row, services or {})) for month, row in zip(months, spend_rows)],
        costs)
    return {"currency": currencies.pop() if currencies else None, "cost": cost,
            "by_month": dict(sorted(by_month.items())),
            "by_service": dict(sorted(by_owner.items()))}


def _compared(budget, actual) -> dict:
    """A month's (or a workload's month's) budget and actual: a variance only where there
    are actuals; months without any are "budget only", never a negative variance."""
    if actual is None:
        return {"budget": budget, "actual": None, "variance": None, "status": "budget only"}
    if budget is None:  # a month outside the budget's horizon
        return {"budget": None, "actual": actual, "variance": None, "status": "actual only"}
    return {"budget": budget, "actual": actual,
            "variance": float(arithmetic.budget_variance(actual, budget)),
            "status": "compared"}


def _matchers(result: BudgetResult, mapping: tuple) -> list:
    """(workload, service) pairs: each plan row's service, then the mapping table's rows."""
    unknown = [(service, workload) for service, workload in mapping
               if workload not in result.names]
    if unknown:
        service, workload = unknown[0]
        raise CPBError(f"the service mapping sends {service!r} to workload {workload!r}, "
                       "which the plan does not have.", argument="services", value=workload,
                       fix=f"Use one of the plan's workloads: {', '.join(result.names)}.")
    return ([(row["name"], row.get("service")) for row in result.workloads]
            + [(workload, service) for service, workload in mapping])


def variance(result: BudgetResult, spend_rows: list[dict], cost: str = "effective",
             mapping: tuple = ()) -> dict:
    """Budget against actual, by month and by workload (spend matched to workloads by tag,
    by service name - the plan's ``service`` column and the ``mapping`` table's (service,
    workload) rows; what matches none stays under its own service name)."""
    services = _matchers(result, mapping)
    actual = actual_spend(spend_rows, cost, services)
    budget_by_month = dict(zip(result.months, arithmetic.monthly_totals(result.cost)))
    months = sorted(set(budget_by_month) | set(actual["by_month"]))
    by_month = [{"month": month, **_compared(
        float(budget_by_month[month]) if month in budget_by_month else None,
        actual["by_month"].get(month))} for month in months]
    budget_by_owner = arithmetic.totals_by(
        [(month, name) for name in result.names for month in result.months],
        result.cost.ravel())
    actual_months = set(actual["by_month"])
    keys = sorted(set(budget_by_owner) | set(actual["by_service"]))
    by_service = [{"month": month, "workload_or_service": who, **_compared(
        budget_by_owner.get((month, who), 0.0 if month in budget_by_month else None),
        actual["by_service"].get((month, who), 0.0 if month in actual_months else None))}
        for month, who in keys]
    compared = [row for row in by_month if row["actual"] is not None]
    return {"currency": actual["currency"], "cost": cost,
            "cost_column": {"effective": "EffectiveCost", "billed": "BilledCost",
                            "list": "ListCost"}[cost],
            "months_compared": len(compared),
            "months_budget_only": len([row for row in by_month
                                       if row["status"] == "budget only"]),
            "by_month": by_month, "by_service": by_service}


def result_workloads(result: BudgetResult) -> list:
    return getattr(result, "_workloads", [])
