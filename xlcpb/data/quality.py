"""Freshness and quality of the price sheet: each price's age, the rows due for a refresh, and
the checks a maintainer runs before shipping the bundled data (or a user before trusting theirs).

Dates only, no money arithmetic: a price's age is whole days between the date it was observed
(``effective_date``) and today. The plausibility check compares each price with the median of
the others for the same chip, pricing model and currency, and flags a ratio beyond
:data:`PLAUSIBLE_RATIO` either way: a unit slip (per instance vs per GPU, per month vs per
hour) shows up as a factor of 8 or 730, while the real spread between a marketplace and a
hyperscaler for the same chip reaches about 3.2 in the bundled sheet (Azure vs the median).

>>> price_age_days({"effective_date": "2026-09-25"}, today="2026-11-22")
58
>>> parse_age("180d"), parse_age("26w"), parse_age("1y"), parse_age("90")
(180, 182, 365, 90)
"""

from __future__ import annotations

import datetime as dt
import re

from ..engine.units import factor_from_median
from ..errors import CPBError

STALE_AFTER_DAYS = 180          # default of 'xlcpb sheet stale'
PLAUSIBLE_RATIO = 4.0           # a price beyond 4x (or below 1/4 of) its peers' median is flagged
INSTANCE_TOLERANCE = 0.005      # per-instance vs devices x per-device: 0.5 % (rounding of quotes)
TERM_MONTHS = {"reserved-1y": 12, "committed-1y": 12, "savings-plan-1y": 12,
               "reserved-3y": 36, "committed-3y": 36, "savings-plan-3y": 36}
NO_TERM = ("on-demand", "spot")
_AGE_UNITS = {"d": 1, "w": 7, "y": 365}


def _date(value, argument: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CPBError(f"{argument} = {value!r}: not a date.", argument=argument, value=value,
                       fix="Write dates as 2026-11-22.", kind="value") from None


def today_or(today=None) -> dt.date:
    """``today`` as a date (ISO text accepted), or the current date."""
    return dt.date.today() if today is None else _date(today, "--today")


def price_age_days(row: dict, today=None) -> int:
    """Whole days since a row's price was observed (its ``effective_date``); negative if the
    date is in the future. ``row`` is any sheet row with an ``effective_date``."""
    observed = _date(row.get("effective_date"), "effective_date")
    return (today_or(today) - observed).days


def parse_age(text) -> int:
    """A maximum age as people write it: ``180d``, ``26w``, ``1y`` or a bare number of days."""
    match = re.fullmatch(r"\s*(\d+)\s*([dwy]?)\s*", str(text).lower())
    if not match:
        raise CPBError(f"--older-than = {text!r}: not an age.", argument="--older-than",
                       value=text, fix="Write an age such as 180d, 26w or 1y.", kind="value")
    return int(match.group(1)) * _AGE_UNITS[match.group(2) or "d"]


def with_age(rows: list[dict], today=None) -> list[dict]:
    """The rows, each with ``age_days`` (rows without a date get ``None``)."""
    day = today_or(today)
    return [{**row, "age_days": price_age_days(row, day) if row.get("effective_date") else None}
            for row in rows]


def stale_rows(rows: list[dict], older_than_days: int = STALE_AFTER_DAYS,
               today=None) -> list[dict]:
    """Rows observed more than ``older_than_days`` ago, oldest first, each with ``age_days``."""
    aged = [row for row in with_age(rows, today)
            if row["age_days"] is None or row["age_days"] > older_than_days]
    return sorted(aged, key=lambda row: -(row["age_days"] or 10**9))


def _label(row: dict) -> str:
    return " / ".join(str(row.get(name) or "") for name in
                      ("hardware_id", "provider", "region", "instance_type", "pricing_model"))


def _finding(check: str, row: dict, detail: str) -> dict:
    return {"check": check, "row": _label(row), "detail": detail}


def sourcing_findings(rows: list[dict]) -> list[dict]:
    """Rows without a source or without the date the price was observed."""
    findings = []
    for row in rows:
        if not (row.get("source_url") or "").strip():
            findings.append(_finding("source", row, "no source_url"))
        if not row.get("effective_date"):
            findings.append(_finding("date", row, "no effective_date (date observed)"))
    return findings


def consistency_findings(rows: list[dict]) -> list[dict]:
    """Per-instance price vs devices x per-device price, and term vs pricing model."""
    findings = []
    for row in rows:
        instance, device = row.get("price_per_instance_hour"), row["price_per_device_hour"]
        devices = row["devices_per_instance"]
        if instance is not None and (abs(instance - device * devices)
                                     > INSTANCE_TOLERANCE * instance):
            findings.append(_finding(
                "per-instance", row, f"price_per_instance_hour {instance:g} is not "
                f"{devices:g} x price_per_device_hour {device:g}"))
        term, model = row.get("term_months"), row["pricing_model"]
        if model in TERM_MONTHS and term is not None and term != TERM_MONTHS[model]:
            findings.append(_finding("term", row, f"term_months {term:g} contradicts {model}"))
        if model in NO_TERM and term is not None:
            findings.append(_finding("term", row, f"{model} has no term, but term_months {term:g}"))
        if model in NO_TERM and row.get("purchase_option"):
            findings.append(_finding("term", row, f"{model} has no purchase option, but "
                                                  f"{row['purchase_option']!r}"))
    return findings


def plausibility_findings(rows: list[dict], ratio: float = PLAUSIBLE_RATIO) -> list[dict]:
    """Prices far from the median of the other prices for the same chip, pricing model and
    currency (at least three others are needed to judge)."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["hardware_id"], row["pricing_model"], row["currency"]),
                          []).append(row)
    findings = []
    for (hardware, model, currency), group in groups.items():
        for row in group:
            others = [r["price_per_device_hour"] for r in group if r is not row]
            if len(others) < 3:
                continue
            price = row["price_per_device_hour"]
            median, factor = factor_from_median(price, others)
            if factor > ratio:
                findings.append(_finding(
                    "plausibility", row, f"{price:g} {currency}/device-h vs median {median:g} "
                    f"of the {len(others)} other {model} prices for {hardware} "
                    f"({factor:.1f}x)"))
    return findings


def duplicate_findings(rows: list[dict]) -> list[dict]:
    """Rows that repeat another's chip, provider, pricing model, price, date and source under a
    different region or instance name: probably one observation entered twice."""
    seen: dict[tuple, dict] = {}
    findings = []
    for row in rows:
        key = tuple(str(row.get(name)).casefold() for name in
                    ("hardware_id", "provider", "pricing_model", "purchase_option",
                     "devices_per_instance", "price_per_device_hour", "effective_date",
                     "source_url"))
        if key in seen:
            findings.append(_finding("duplicate", row, f"same price, date and source as "
                                                       f"{_label(seen[key])}"))
        else:
            seen[key] = row
    return findings


def currency_findings(rows: list[dict]) -> list[dict]:
    """Chips priced in more than one currency (xlcpb never converts or compares them)."""
    by_chip: dict[str, set] = {}
    for row in rows:
        by_chip.setdefault(row["hardware_id"], set()).add(row["currency"])
    return [{"check": "currency", "row": chip,
             "detail": f"prices in {' and '.join(sorted(codes))}: name a provider to pick one"}
            for chip, codes in sorted(by_chip.items()) if len(codes) > 1]


def price_findings(rows: list[dict]) -> list[dict]:
    """Every check on price rows, in the order a maintainer fixes them."""
    return (sourcing_findings(rows) + consistency_findings(rows) + duplicate_findings(rows)
            + currency_findings(rows) + plausibility_findings(rows))
