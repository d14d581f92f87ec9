"""Azure Retail Prices: API JSON pages (``{"Items": [...]}``) and their CSV flattenings.

Virtual machines with accelerators (``instance_types.csv``) become prices per device-hour:
pay-as-you-go Linux rows as ``on-demand``, "Spot" rows as ``spot``, reservations (priced for
the whole term) spread over the term's hours. Units of measure such as "100 Hours" are
divided out. Token meters of Azure OpenAI and other Foundry models become API prices when
both the input and the output meter of a model are present. Everything else is skipped with
its reason.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..engine.units import HOURS_PER_YEAR, per_device, per_hour, per_million_tokens
from .instances import accelerator_or_skip
from .protocol import Format
from .report import ImportReport
from .text import csv_records, read_json, read_csv_text

_NUMBER = re.compile(r"^\s*(?P<count>\d+(?:\.\d+)?)(?P<scale>[KkMm](?![a-z]))?\s*")
_HOUR_WORDS = {"hour", "hours", "hr", "hrs", "小时", "時間", "stunde", "stunden", "heure",
               "heures", "hora", "horas", "ora", "ore", "uur", "час"}
_SCALE = {"k": 1e3, "m": 1e6}
_TERMS = {"1 year": 1, "3 years": 3, "1 years": 1, "3 year": 3, "5 years": 5}
_DIRECTION = re.compile(r"\b(?P<dir>inp|input|outp|output|out|in)\b", re.I)


def unit_block(unit: str) -> tuple[float, str]:
    """(how many of a unit one price covers, the unit): "100 Hours" -> (100, "hour").

    Follows Microsoft's own table of units (finops-toolkit PricingUnits.csv): leading numbers
    multiply ("1 1 Hour" is 1), K and M scale ("10K" is 10,000), and a unit whose last word
    is an hour in any of Azure's languages ("100 Core Hrs", "1 小时", "1 hora") is hours.
    """
    rest, count = (unit or "").strip(), 1.0
    while True:
        match = _NUMBER.match(rest)
        if not match:
            break
        count *= float(match["count"]) * _SCALE.get((match["scale"] or "").lower(), 1.0)
        rest = rest[match.end():]
    rest = rest.lstrip("/ ").strip().lower()
    words = rest.split()
    canonical = "hour" if words and words[-1] in _HOUR_WORDS else rest or "unit"
    return count, canonical


def import_items(items, report: ImportReport, source: str) -> None:
    tokens = {}
    for item in items:
        report.rows_read += 1
        service = item.get("serviceName", "")
        meter = item.get("meterName", "")
        if meter.lower().endswith("tokens"):
            _token_meter(item, tokens, report)
        elif service == "Virtual Machines":
            _vm(item, report, source)
        else:
            report.skip(f"not a VM or token meter ({service or 'no service'})", meter)
    for stem, entry in tokens.items():
        if "input" in entry and "output" in entry:
            report.accept("api_prices", {
                "provider": "azure", "model": stem,
                "input_price_per_mtok": entry["input"], "output_price_per_mtok": entry["output"],
                "cached_input_price_per_mtok": None, "currency": entry["currency"],
                "effective_date": entry["date"], "source_url": source},
                f"{stem}: per 1K tokens x 1000")
        else:
            missing = "output" if "input" in entry else "input"
            report.skip(f"token meter without its {missing} price in the file "
                        "(API prices need both)", stem)


def _token_meter(item, tokens, report) -> None:
    meter = item.get("meterName", "")[: -len("tokens")].strip()
    match = _DIRECTION.search(meter)
    if not match:
        report.skip("token meter that is neither input nor output", meter)
        return
    direction = "input" if match["dir"].lower() in ("inp", "input", "in") else "output"
    stem = re.sub(r"\s+", " ", _DIRECTION.sub("", meter, count=1)).strip()
    count, _ = unit_block(item.get("unitOfMeasure", "1"))
    entry = tokens.setdefault(stem, {"currency": item.get("currencyCode", "USD"),
                                     "date": (item.get("effectiveStartDate") or "")[:10]})
    entry[direction] = per_million_tokens(float(item.get("retailPrice") or 0), count)
    report.converted(f"per {count:g} tokens -> per 1M tokens")


def _vm(item, report, source) -> None:
    sku = item.get("armSkuName", "")
    label = f"{sku} {item.get('armRegionName', '')} {item.get('type', '')}"
    hardware = accelerator_or_skip("azure", sku, report, label,
                                   "VM size without an accelerator in instance_types.csv")
    if hardware is None:
        return
    kind = item.get("type", "")
    name = f"{item.get('skuName', '')} {item.get('meterName', '')}"
    if "Windows" in item.get("productName", ""):
        report.skip("Windows VM (only Linux prices are imported)", label)
        return
    if kind == "DevTestConsumption":
        report.skip("Dev/Test subscription price", label)
        return
    if "Low Priority" in name:
        report.skip("Low Priority (Batch) price", label)
        return
    count, unit = unit_block(item.get("unitOfMeasure", ""))
    if unit != "hour":
        report.skip(f"unit of measure {item.get('unitOfMeasure')!r} is not hours", label)
        return
    price = float(item.get("retailPrice") or 0)
    if kind == "Reservation":
        years = _TERMS.get((item.get("reservationTerm") or "").strip().lower())
        if years is None:
            report.skip("reservation without its term (1 or 3 years): the flattened CSV "
                        "dropped reservationTerm, so the rows cannot be told apart", label)
            return
        hourly = per_hour(price, years * HOURS_PER_YEAR)
        model = f"reserved-{years}y"
        report.converted(f"{years}-year reservation price / {years * HOURS_PER_YEAR:g} hours")
    else:
        hourly = per_hour(price, count)
        model = "spot" if "Spot" in name else "on-demand"
        if count != 1:
            report.converted(f"price per {count:g} hours -> per hour")
    if hourly <= 0:
        report.skip("zero price", label)
        return
    hardware_id, devices = hardware
    report.accept("prices", {
        "hardware_id": hardware_id, "provider": "azure", "region": item.get("armRegionName", ""),
        "instance_type": sku, "devices_per_instance": devices, "pricing_model": model,
        "purchase_option": None, "price_per_device_hour": per_device(hourly, devices),
        "currency": item.get("currencyCode", "USD"),
        "effective_date": (item.get("effectiveStartDate") or "")[:10], "source_url": source,
        "notes": f"Azure {item.get('productName', '')} {item.get('skuName', '')}"},
        f"{sku} {model}: {hourly!r}/instance-h / {devices}")


def _whole_rows(rows, report: ImportReport):
    """The CSV's rows that have every column (a truncated file's last row is skipped)."""
    for number, row in enumerate(rows, start=2):
        if None in row.values() or None in row:
            report.rows_read += 1
            report.skip("truncated row (not as many cells as the header)", f"line {number}")
            continue
        yield row


def import_csv(path: Path, report: ImportReport, progress=None, encoding=None) -> None:
    text, _ = read_csv_text(path, encoding)
    import_items(_whole_rows(csv_records(text, str(path), dicts=True), report), report,
                 f"Azure Retail Prices ({path.name})")


def import_json(path: Path, report: ImportReport, progress=None, encoding=None) -> None:
    page = read_json(path, encoding)
    pages = page if isinstance(page, list) else [page]
    for one in pages:
        import_items(one.get("Items", []), report, f"Azure Retail Prices API ({path.name})")


def _azure_json(document) -> bool:
    if isinstance(document, list):
        document = document[0] if document else None
    return isinstance(document, dict) and "Items" in document


FORMATS = (
    Format("azure-csv", "Azure Retail Prices, flattened to CSV",
           lambda head: {"retailPrice", "armSkuName"} <= head.header,
           lambda path, report, options: import_csv(path, report, encoding=options.encoding)),
    Format("azure-json", "Azure Retail Prices API JSON page(s)",
           lambda head: _azure_json(head.document),
           lambda path, report, options: import_json(path, report, encoding=options.encoding)),
)
