"""AWS Price List files: the bulk offer CSV, the Savings Plans CSV and the offer JSON.

What is imported: Linux, shared tenancy, no pre-installed software, capacity status "Used"
and market option OnDemand - the price a finance team can actually buy an instance at - for
instance types with accelerators (``instance_types.csv``), as prices per device-hour.
Standard reserved instances become ``reserved-1y/3y`` with their purchase option; their
"Upfront Fee" row is amortised over the term (8,760 or 26,280 hours) and added to the hourly
fee. Everything else is skipped with its reason, counted.

The bulk CSV is several GB: it is streamed line by line, and a line is parsed only when it
names an accelerator instance family (p, g, dl, trn, inf), so memory stays bounded and the
rest of the file costs one regular-expression scan.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..engine.units import HOURS_PER_YEAR, amortised_hourly, per_device
from ..errors import CPBError
from .instances import accelerator_or_skip
from .protocol import Format
from .report import ImportReport
from .text import bounded_lines, check_size, csv_records, read_csv_text, read_json

METADATA_LINES = 5
ACCELERATOR_LINE = re.compile(r'"(?:p\d[a-z0-9-]*|g\d[a-z0-9]*|dl\d[a-z0-9]*|trn\d[a-z0-9]*|'
                              r'inf\d[a-z0-9]*)\.[0-9a-z]+"')
TERM_YEARS = {"1yr": 1, "3yr": 3, "1 yr": 1, "3 yr": 3}
PURCHASE_OPTIONS = {"No Upfront": "no-upfront", "Partial Upfront": "partial-upfront",
                    "All Upfront": "all-upfront"}
PROGRESS_EVERY_BYTES = 8 * 1024 * 1024


def _metadata(lines: list[str]) -> dict:
    meta = {}
    for line in lines:
        cells = next(csv_records(line, "the metadata"), [])
        if len(cells) >= 2:
            meta[cells[0].strip()] = cells[1].strip()
    return meta


def _why_not_buyable(attributes: dict) -> str | None:
    """The reason a row is not the plain Linux, shared-tenancy price, or None."""
    checks = (("operating_system", "Linux", "not Linux (only Linux prices are imported)"),
              ("tenancy", "Shared", "dedicated or host tenancy"),
              ("pre_installed", "NA", "pre-installed software (SQL Server etc.)"),
              ("capacity_status", "Used", "capacity-reservation accounting row"),
              ("license_model", "No License required", "bring-your-own-licence row"))
    for key, wanted, reason in checks:
        value = attributes.get(key)
        if value is not None and value != wanted:
            return reason
    market = attributes.get("market_option")
    if market and market != "OnDemand":
        return f"{market} market option (a Capacity Block's $0.00 row is not a price)"
    return None


def _accept(report: ImportReport, hardware: tuple, instance_type: str, region: str,
            pricing_model: str, purchase_option, price_per_instance: float, currency: str,
            effective_date: str, source: str, how: str) -> None:
    hardware_id, devices = hardware
    price = per_device(price_per_instance, devices)
    report.converted("price per instance-hour / devices per instance -> per device-hour")
    report.accept("prices", {
        "hardware_id": hardware_id, "provider": "aws", "region": region,
        "instance_type": instance_type, "devices_per_instance": devices,
        "pricing_model": pricing_model, "purchase_option": purchase_option,
        "price_per_device_hour": price, "currency": currency,
        "effective_date": effective_date[:10], "source_url": source, "notes": how},
        f"{instance_type} {region} {pricing_model} {purchase_option or ''}: "
        f"{price_per_instance!r} {currency}/instance-h / {devices} = {price!r}")


def import_bulk_csv(path: Path, report: ImportReport, progress=None) -> None:
    """The EC2 offer CSV (``.../AmazonEC2/<version>/index.csv``), streamed."""
    size = check_size(path)
    with open(path, encoding="utf-8-sig", newline="") as stream:
        lines = bounded_lines(stream, str(path))
        meta = _metadata([next(lines, "") for _ in range(METADATA_LINES)])
        header = next(csv_records(next(lines, ""), str(path)), [])
        column = {name: index for index, name in enumerate(header)}
        missing = [name for name in ("Instance Type", "TermType", "PricePerUnit", "Unit")
                   if name not in column]
        if missing:
            raise CPBError(f"{path}: not an EC2 offer CSV (no {', '.join(missing)} column).",
                           argument="file", value=str(path), fix="Use --format generic.")
        source = f"AWS Price List {meta.get('OfferCode', '')} {meta.get('Version', '')}"
        reserved = {}
        done, reported = 0, 0
        for number, line in enumerate(lines, start=METADATA_LINES + 2):
            done += len(line)
            if progress and done - reported >= PROGRESS_EVERY_BYTES:
                progress(done, size)
                reported = done
            report.rows_read += 1
            if not ACCELERATOR_LINE.search(line):
                report.skip("not an accelerator instance family (p, g, dl, trn, inf)")
                continue
            row = next(csv_records(line, f"{path}: line {number}"), [])
            if len(row) != len(header):
                report.skip("malformed line (wrong number of cells)", line[:60])
                continue
            _bulk_row(row, column, report, reserved, source)
        _flush_reserved(reserved, report)
        if progress:
            progress(size, size)


def _get(row, column, name):
    index = column.get(name)
    return row[index] if index is not None and index < len(row) else None


def _bulk_row(row, column, report, reserved, source) -> None:
    instance_type = _get(row, column, "Instance Type")
    label = f"{instance_type} {_get(row, column, 'Region Code') or ''}"
    hardware = accelerator_or_skip("aws", instance_type or "", report, instance_type,
                                   "accelerator instance type not in instance_types.csv "
                                   "(add it there or use a mapping)")
    if hardware is None:
        return
    why = _why_not_buyable({
        "operating_system": _get(row, column, "Operating System"),
        "tenancy": _get(row, column, "Tenancy"),
        "pre_installed": _get(row, column, "Pre Installed S/W"),
        "capacity_status": _get(row, column, "CapacityStatus"),
        "license_model": _get(row, column, "License Model"),
        "market_option": _get(row, column, "MarketOption")})
    if why:
        report.skip(why, label)
        return
    price = float(_get(row, column, "PricePerUnit") or 0)
    term_type, unit = _get(row, column, "TermType"), _get(row, column, "Unit")
    region = _get(row, column, "Region Code") or _get(row, column, "Location") or ""
    currency = _get(row, column, "Currency") or "USD"
    date = _get(row, column, "EffectiveDate") or ""
    if term_type == "OnDemand":
        if unit != "Hrs" or price <= 0:
            report.skip("on-demand row that is not a positive hourly price", label)
            return
        _accept(report, hardware, instance_type, region, "on-demand", None, price, currency,
                date, source, "AWS on-demand")
    elif term_type == "Reserved":
        if (_get(row, column, "OfferingClass") or "standard") != "standard":
            report.skip("convertible reservation (only standard reservations are imported)",
                        label)
            return
        key = (_get(row, column, "SKU"), _get(row, column, "OfferTermCode"))
        entry = reserved.setdefault(key, {"hardware": hardware, "instance_type": instance_type,
                                          "region": region, "currency": currency, "date": date,
                                          "source": source, "hourly": 0.0, "upfront": 0.0,
                                          "term": _get(row, column, "LeaseContractLength"),
                                          "option": _get(row, column, "PurchaseOption")})
        entry["upfront" if unit == "Quantity" else "hourly"] += price
    else:
        report.skip(f"term type {term_type!r}", label)


def _flush_reserved(reserved: dict, report: ImportReport) -> None:
    for entry in reserved.values():
        years = TERM_YEARS.get((entry["term"] or "").strip())
        option = PURCHASE_OPTIONS.get(entry["option"])
        if years is None or option is None:
            report.skip("reservation with an unknown term or purchase option",
                        entry["instance_type"])
            continue
        hourly = amortised_hourly(entry["hourly"], entry["upfront"], years * HOURS_PER_YEAR)
        if hourly <= 0:
            report.skip("reservation with no price", entry["instance_type"])
            continue
        if entry["upfront"]:
            report.converted(f"upfront fee spread over {years:g} year(s) of hours")
        _accept(report, entry["hardware"], entry["instance_type"], entry["region"],
                f"reserved-{years}y", option, hourly, entry["currency"], entry["date"],
                entry["source"], f"AWS standard reservation, {entry['option']}: hourly "
                f"{entry['hourly']!r} + upfront {entry['upfront']!r} over {years} y")


def import_savings_plan_csv(path: Path, report: ImportReport, progress=None) -> None:
    """The Savings Plans rate CSV (unquoted dialect): EC2 Instance Savings Plans rates."""
    text, _ = read_csv_text(path)
    lines = text.splitlines()
    meta = _metadata(lines[:METADATA_LINES])
    rows = csv_records("\n".join(lines[METADATA_LINES:]), str(path), dicts=True)
    source = f"AWS Price List {meta.get('OfferCode', '')} {meta.get('Version', '')}"
    for row in rows:
        report.rows_read += 1
        instance_type = row.get("DiscountedInstanceType") or ""
        label = f"{instance_type} {row.get('DiscountedRegionCode', '')}"
        hardware = accelerator_or_skip("aws", instance_type, report, label,
                                       "not an accelerator instance type in instance_types.csv")
        if hardware is None:
            continue
        usage = row.get("DiscountedUsageType") or ""
        if "BoxUsage" not in usage:
            report.skip("dedicated or host tenancy rate", label)
            continue
        if row.get("DiscountedOperation") != "RunInstances":
            report.skip("not the Linux rate (operation is not RunInstances)", label)
            continue
        years = int(float(row.get("LeaseContractLength") or 0))
        option = PURCHASE_OPTIONS.get(row.get("PurchaseOption", ""))
        rate = float(row.get("DiscountedRate") or 0)
        if years not in (1, 3) or option is None or rate <= 0 or row.get("Unit") != "Hrs":
            report.skip("rate without a 1- or 3-year term, purchase option or hourly price",
                        label)
            continue
        _accept(report, hardware, instance_type, row.get("DiscountedRegionCode", ""),
                f"savings-plan-{years}y", option, rate, row.get("Currency") or "USD",
                row.get("EffectiveDate", ""), source, f"AWS {row.get('Product Family', '')}")


def import_offer_json(path: Path, report: ImportReport, progress=None) -> None:
    """The EC2 offer JSON (products + terms)."""
    offer = read_json(path)
    source = f"AWS Price List {offer.get('offerCode', '')} {offer.get('version', '')}"
    products = offer.get("products", {})
    for term_type, by_sku in offer.get("terms", {}).items():
        for sku, terms in by_sku.items():
            for term in terms.values():
                for dimension in term.get("priceDimensions", {}).values():
                    report.rows_read += 1
                    _json_dimension(products.get(sku, {}), term_type, term, dimension, report,
                                    source)


def _json_dimension(product, term_type, term, dimension, report, source) -> None:
    attributes = product.get("attributes", {})
    instance_type = attributes.get("instanceType", "")
    label = f"{instance_type} {attributes.get('regionCode', '')}"
    hardware = accelerator_or_skip("aws", instance_type, report, label,
                                   "not an accelerator instance type in instance_types.csv")
    if hardware is None:
        return
    why = _why_not_buyable({
        "operating_system": attributes.get("operatingSystem"),
        "tenancy": attributes.get("tenancy"), "pre_installed": attributes.get("preInstalledSw"),
        "capacity_status": attributes.get("capacitystatus"),
        "license_model": attributes.get("licenseModel"),
        "market_option": attributes.get("marketoption")})
    if why:
        report.skip(why, label)
        return
    prices = dimension.get("pricePerUnit", {})
    if term_type != "OnDemand" or dimension.get("unit") != "Hrs" or len(prices) != 1:
        report.skip("not an on-demand hourly price (reserved terms in JSON: use the CSV)", label)
        return
    (currency, price_text), = prices.items()
    price = float(price_text)
    if price <= 0:
        report.skip("zero price", label)
        return
    _accept(report, hardware, instance_type, attributes.get("regionCode", ""), "on-demand",
            None, price, currency, term.get("effectiveDate", ""), source,
            dimension.get("description", "AWS on-demand"))


def _aws_csv(head, savings_plan: bool) -> bool:
    if not head.first_line.replace('"', "").startswith("FormatVersion"):
        return False
    plans = "AmazonComputeSavingsPlan" in head.text or \
        "SavingsPlan" in head.text.split("\n", 5)[-1][:200]
    return plans == savings_plan


FORMATS = (
    Format("aws-csv", "AWS Price List bulk CSV (EC2 offer index.csv)",
           lambda head: _aws_csv(head, savings_plan=False),
           lambda path, report, options: import_bulk_csv(path, report, options.progress)),
    Format("aws-savings-plan", "AWS Savings Plans rate CSV",
           lambda head: _aws_csv(head, savings_plan=True),
           lambda path, report, options: import_savings_plan_csv(path, report)),
    Format("aws-json", "AWS Price List offer JSON",
           lambda head: isinstance(head.document, dict) and "products" in head.document
           and "terms" in head.document,
           lambda path, report, options: import_offer_json(path, report)),
)
