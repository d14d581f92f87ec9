"""Any other price table, CSV or XLSX: common column names, or a mapping file.

Columns are recognised by the names in ``xlcpb/data/import_headers.toml`` (provider, gpu,
gpus, price per hour, currency, region...). A mapping file (TOML) names other columns and
fixes constant values::

    [columns]
    hardware = "Accelerator Model"
    price = "Monthly Fee"
    [values]
    provider = "acme"
    unit = "month"
    currency = "EUR"

Prices may carry currency signs and thousands separators ("$1,234.50"); decimal commas with
``--locale de`` (or fr, es, ...); per-month prices are divided by 730 hours; a price per
instance is divided by its GPUs. A row this importer cannot read fully is an error naming
its line (nothing is written) unless ``--skip-invalid``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from ..data._toml import toml_reader
from ..data.names import normalise
from ..data.sheet import Sheet
from ..engine.units import HOURS_PER_MONTH, per_device, per_hour
from ..errors import CPBError
from .protocol import Format
from .report import ImportReport
from ..data.number_text import check_locale
from ..data.number_text import parse_number as read_number
from .text import csv_records, header_vocabulary, parse_number, read_csv_text
from ..data.xlsx import read_xlsx

CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
MAX_PROBLEMS_SHOWN = 20


def load_mapping(path: Path | None) -> dict:
    if path is None:
        return {"columns": {}, "values": {}}
    try:
        mapping = toml_reader.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise CPBError(f"mapping = {str(path)!r}: {error}.", argument="mapping",
                       value=str(path), fix="Give a TOML file with [columns] and [values].") from None
    fields = set(header_vocabulary()["fields"])
    unknown = (set(mapping.get("columns", {})) | set(mapping.get("values", {}))) - fields
    if unknown:
        raise CPBError(f"mapping = {str(path)!r}: unknown field(s) {sorted(unknown)}.",
                       argument="mapping", value=str(path),
                       fix=f"Fields are {', '.join(sorted(fields))}.")
    return {"columns": mapping.get("columns", {}), "values": mapping.get("values", {})}


def read_table(path: Path, encoding=None, sheet_name=None) -> list[list]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet_name)
    text, used = read_csv_text(path, encoding)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv_records(text, str(path), dialect=dialect)
            if any(str(cell).strip() for cell in row)]


def _header_index(header: list, mapping: dict) -> dict:
    """field -> column index, from the mapping first, else the known names."""
    normal = [normalise(str(cell)) for cell in header]
    found = {}
    for field, column in mapping["columns"].items():
        if normalise(column) not in normal:
            raise CPBError(f"mapping: column {column!r} (for {field}) is not in the file.",
                           argument="mapping", value=column,
                           fix=f"The file's columns are: {', '.join(map(str, header))}.")
        found[field] = normal.index(normalise(column))
    for field, names in header_vocabulary()["fields"].items():
        if field in found:
            continue
        for name in names:
            if normalise(name) in normal:
                found[field] = normal.index(normalise(name))
                break
    return found


def _word_lookup(table: dict, text: str) -> str | None:
    wanted = normalise(text)
    for canonical, words in table.items():
        if wanted in {normalise(word) for word in words}:
            return canonical
    return None


def import_generic(path: Path, report: ImportReport, sheet: Sheet, mapping_path=None,
                   locale=None, encoding=None, sheet_name=None, currency=None,
                   skip_invalid=False, effective_date=None, progress=None) -> None:
    mapping = load_mapping(mapping_path)
    rows = read_table(path, encoding, sheet_name)
    if not rows:
        raise CPBError(f"{path}: no rows.", argument="file", value=str(path),
                       fix="Give a table with a header row.")
    header, body = rows[0], rows[1:]
    columns = _header_index(header, mapping)
    needed = [field for field in ("hardware",) if field not in columns
              and field not in mapping["values"]]
    if "price" not in columns and "price_per_device" not in columns:
        needed.append("price")
    if needed:
        raise CPBError(f"{path}: no column recognised as {' or '.join(needed)} "
                       f"(columns: {', '.join(map(str, header))}).", argument="file",
                       value=str(path), fix="Rename the columns, or map them with --mapping "
                                            "FILE.toml (see README: Importing price lists).")
    locale = check_locale(locale)
    vocabulary = header_vocabulary()
    problems = []
    for number, cells in enumerate(body, start=2):
        report.rows_read += 1

        def get(field, cells=cells):
            if field in columns and columns[field] < len(cells):
                value = cells[columns[field]]
                if str(value).strip():
                    return value
            return mapping["values"].get(field)

        try:
            row, detail = _row(get, sheet, locale, vocabulary, currency, effective_date, path)
        except CPBError as error:
            problems.append(f"line {number}: {error}")
            if skip_invalid:
                report.skip(f"invalid row: {error}", f"line {number}")
            continue
        report.accept("prices", row, f"line {number}: {detail}")
    if problems and not skip_invalid:
        shown = "\n  ".join(problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        raise CPBError(f"{path}: {len(problems)} row(s) could not be read; nothing was "
                       f"imported:\n  {shown}" + (f"\n  ... and {more} more" if more > 0 else ""),
                       argument="file", value=str(path),
                       fix="\nFix them, map the columns with --mapping, or pass --skip-invalid.")


def _row(get, sheet, locale, vocabulary, default_currency, effective_date, path):
    hardware_name = get("hardware")
    hardware = sheet.hardware(str(hardware_name), argument="gpu")
    devices_text = get("devices")
    devices = parse_number(devices_text, locale) if devices_text is not None else 1.0
    if not devices or devices < 1 or devices != int(devices):
        raise CPBError(f"gpus = {devices_text!r}: not a whole number of devices.",
                       argument="gpus", value=devices_text, fix="Give 1, 2, 4, 8...")
    per_device_text = get("price_per_device")
    price_text = per_device_text if per_device_text is not None else get("price")
    price = read_number("" if price_text is None else price_text, locale, "price")
    if price < 0:
        raise CPBError(f"price = {price_text!r}: negative.", argument="price",
                       value=price_text, fix="Give the price as a positive amount.")
    sign = next((code for sign, code in CURRENCY_SIGNS.items() if sign in str(price_text)), None)
    currency = str(get("currency") or sign or default_currency or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise CPBError(f"currency = {currency!r}: unknown.", argument="currency", value=currency,
                       fix="Add a currency column, a sign on the price, or --currency USD.")
    unit_text = get("unit")
    unit = _word_lookup(vocabulary["units"], str(unit_text)) if unit_text else "hour"
    if unit is None:
        raise CPBError(f"unit = {unit_text!r}: neither per hour nor per month.", argument="unit",
                       value=unit_text, fix="Use hour or month.")
    hourly = per_hour(price, HOURS_PER_MONTH) if unit == "month" else price
    device_price = hourly if per_device_text is not None else per_device(hourly, devices)
    model_text = get("pricing_model")
    model = _word_lookup(vocabulary["pricing_models"], str(model_text or ""))
    if model is None:
        raise CPBError(f"pricing model = {model_text!r}: unknown.", argument="pricing_model",
                       value=model_text, fix="Use on-demand, spot, reserved 1y/3y, "
                                             "committed 1y/3y or contract.")
    date_text = get("effective_date")
    date = _date(date_text) if date_text else (effective_date or dt.date.today().isoformat())
    row = {"hardware_id": hardware["id"], "provider": str(get("provider") or "unknown").strip(),
           "region": str(get("region") or "any").strip(),
           "instance_type": str(get("instance_type") or hardware["name"]).strip(),
           "devices_per_instance": int(devices), "pricing_model": model,
           "purchase_option": None, "price_per_device_hour": device_price,
           "currency": currency, "effective_date": date,
           "source_url": str(get("source_url") or path.name).strip(), "notes": None}
    detail = (f"{hardware['id']} {price_text!r} per {unit}"
              f"{'' if per_device_text is not None else f' per instance / {devices:g}'}"
              f" = {device_price!r} {currency}/device-h")
    return row, detail


def _date(text) -> str:
    if isinstance(text, (dt.date, dt.datetime)):
        return text.date().isoformat() if isinstance(text, dt.datetime) else text.isoformat()
    value = str(text).strip()
    day_first = _try_date(value, "%d/%m/%Y")
    month_first = _try_date(value, "%m/%d/%Y")
    if day_first and month_first and day_first != month_first:
        raise CPBError(f"date = {value!r}: ambiguous (day/month or month/day).",
                       argument="effective_date", value=value, fix="Write dates as 2026-11-01.")
    for form in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(value[:19], form).date().isoformat()
        except ValueError:
            continue
    raise CPBError(f"date = {value!r}: not a date.", argument="effective_date", value=value,
                   fix="Write dates as 2026-11-01.")


def _try_date(value: str, form: str) -> str | None:
    try:
        return dt.datetime.strptime(value, form).date().isoformat()
    except ValueError:
        return None


FORMATS = (
    Format("generic", "any other CSV or XLSX price table (common columns, or --mapping)",
           lambda head: head.document is None,  # any table that no other format claims
           lambda path, report, options: import_generic(
               path, report, options.sheet, mapping_path=options.mapping,
               locale=options.locale, encoding=options.encoding,
               sheet_name=options.sheet_name, currency=options.currency,
               skip_invalid=options.skip_invalid, effective_date=options.effective_date)),
)
