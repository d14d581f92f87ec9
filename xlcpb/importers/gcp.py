"""Google Cloud Billing Catalog SKUs (``services/<id>/skus`` JSON): GPU SKUs per hour."""

from __future__ import annotations

import re
from pathlib import Path

from ..engine.units import units_and_nanos
from .instances import accelerator_or_skip
from .protocol import Format
from .report import ImportReport
from .text import read_json

USAGE_TYPES = {"OnDemand": "on-demand", "Preemptible": "spot", "Commit1Yr": "committed-1y",
               "Commit3Yr": "committed-3y"}


def import_skus(path: Path, report: ImportReport, progress=None, encoding=None) -> None:
    catalog = read_json(path, encoding)
    for sku in catalog.get("skus", []):
        report.rows_read += 1
        _sku(sku, report, f"Google Cloud Billing Catalog ({path.name})")


def _sku(sku, report, source) -> None:
    description = sku.get("description", "")
    category = sku.get("category", {})
    if category.get("resourceGroup") != "GPU":
        report.skip(f"not a GPU SKU (resource group {category.get('resourceGroup')})",
                    description)
        return
    hardware = accelerator_or_skip("gcp", description, report, description,
                                   "GPU SKU not in instance_types.csv")
    if hardware is None:
        return
    model = USAGE_TYPES.get(category.get("usageType"))
    if model is None:
        report.skip(f"usage type {category.get('usageType')!r}", description)
        return
    info = (sku.get("pricingInfo") or [{}])[0]
    expression = info.get("pricingExpression", {})
    tiers = expression.get("tieredRates", [])
    if expression.get("usageUnit") != "h" or not tiers:
        report.skip("not priced per hour", description)
        return
    money = tiers[0]["unitPrice"]
    price = units_and_nanos(float(money.get("units") or 0), float(money.get("nanos") or 0))
    report.converted("units + nanos -> price")
    match = re.search(r"running in (.+)$", description)
    region = (match.group(1) if match else ",".join(sku.get("serviceRegions", []))).lower()
    hardware_id, devices = hardware
    report.accept("prices", {
        "hardware_id": hardware_id, "provider": "gcp", "region": region,
        "instance_type": f"GPU SKU {sku.get('skuId', '')}", "devices_per_instance": devices,
        "pricing_model": model, "purchase_option": None, "price_per_device_hour": price,
        "currency": money.get("currencyCode", "USD"),
        "effective_date": (info.get("effectiveTime") or "")[:10], "source_url": source,
        "notes": f"{description}; GPU only, vCPU and memory are separate SKUs"},
        f"{description}: units {money.get('units')} + nanos {money.get('nanos')} = {price!r}")


FORMATS = (
    Format("gcp-json", "Google Cloud Billing Catalog SKUs JSON",
           lambda head: isinstance(head.document, dict) and "skus" in head.document,
           lambda path, report, options: import_skus(path, report, encoding=options.encoding)),
)
