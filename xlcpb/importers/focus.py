"""FinOps FOCUS 1.0-1.2 billing exports: actual spend, and accelerator unit prices.

Every cost row is kept as actual spend (the ``spend`` table of the user's store) for budget
vs actual. Rows priced per hour for an accelerator instance (its type named in the charge
description or resource type) also give a list price per device-hour. ``NULL`` literals are
empty values.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..engine.units import per_device
from .instances import accelerator
from .protocol import Format
from .report import ImportReport
from .text import csv_records, parse_number, read_csv_text

REQUIRED = ("BilledCost", "BillingCurrency", "BillingPeriodStart", "ChargePeriodStart",
            "ProviderName")
INSTANCE = re.compile(r"\b([a-z][a-z0-9-]*\d[a-z0-9-]*\.(?:\d*x?large|metal|medium|small|"
                      r"micro|nano))\b")
PROVIDERS = {"aws": "aws", "amazon web services": "aws", "microsoft": "azure",
             "azure": "azure", "google cloud": "gcp", "google": "gcp", "oracle": "oracle"}


def _value(row, name):
    value = (row.get(name) or "").strip()
    return None if value in ("", "NULL", "null") else value


def import_focus(path: Path, report: ImportReport, progress=None, encoding=None) -> None:
    """Every cost row as spend (or skipped with its reason: rows read = spend + skipped);
    hourly accelerator rows also give a price. Hourly rows of instances without an
    accelerator are spend only: a note, not a skip."""
    text, _ = read_csv_text(path, encoding)
    reader = csv_records(text, str(path), dicts=True)
    spend_only = []
    for number, row in enumerate(reader, start=2):
        report.rows_read += 1
        cost = parse_number(_value(row, "BilledCost") or "")
        if cost is None:
            report.skip("no BilledCost", f"line {number}")
            continue
        provider_name = _value(row, "ProviderName") or ""
        provider = PROVIDERS.get(provider_name.lower(), provider_name.lower())
        report.accept("spend", {
            "source_file": path.name, "row": number, "provider": provider,
            "billing_period_start": (_value(row, "BillingPeriodStart") or "")[:10],
            "charge_period_start": (_value(row, "ChargePeriodStart") or "")[:10],
            "charge_category": _value(row, "ChargeCategory"),
            "service_name": _value(row, "ServiceName"),
            "resource_id": _value(row, "ResourceId"), "sku_id": _value(row, "SkuId"),
            "billed_cost": cost, "effective_cost": parse_number(_value(row, "EffectiveCost") or ""),
            "list_cost": parse_number(_value(row, "ListCost") or ""),
            "currency": _value(row, "BillingCurrency"), "tags": _value(row, "Tags")},
            f"line {number}: {provider} {_value(row, 'ServiceName')} {cost!r}")
        _unit_price(row, number, provider, report, path.name, spend_only)
    if spend_only:
        report.notes.append(f"{len(spend_only):,} hourly rows of instances without an "
                            "accelerator are kept as spend only, with no price (e.g. "
                            f"{', '.join(spend_only[:3])})")


def _unit_price(row, number, provider, report, source, spend_only: list) -> None:
    unit = (_value(row, "PricingUnit") or "").lower()
    if unit not in ("hours", "hour", "hrs"):
        return
    described = f"{_value(row, 'ChargeDescription') or ''} {_value(row, 'ResourceType') or ''}"
    match = INSTANCE.search(described)
    hardware = accelerator(provider, match.group(1)) if match else None
    if hardware is None:
        spend_only.append(f"line {number}")
        return
    price = parse_number(_value(row, "ListUnitPrice") or "")
    if not price:
        report.skip("accelerator usage without a list unit price", f"line {number}")
        return
    hardware_id, devices = hardware
    report.accept("prices", {
        "hardware_id": hardware_id, "provider": provider,
        "region": _value(row, "RegionId") or "", "instance_type": match.group(1),
        "devices_per_instance": devices, "pricing_model": "on-demand", "purchase_option": None,
        "price_per_device_hour": per_device(price, devices),
        "currency": _value(row, "BillingCurrency"),
        "effective_date": (_value(row, "ChargePeriodStart") or "")[:10],
        "source_url": f"FOCUS export {source}", "notes": "ListUnitPrice from billing"},
        f"line {number}: {match.group(1)} list {price!r}/instance-h / {devices}")


FORMATS = (
    Format("focus", "FinOps FOCUS 1.0-1.2 billing export CSV",
           lambda head: {"BilledCost", "ChargePeriodStart"} <= head.header,
           lambda path, report, options: import_focus(path, report, encoding=options.encoding)),
)
