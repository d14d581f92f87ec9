"""Exchange rates of a budget's reporting currency: a dated table, read like a plan (CSV or
XLSX, any locale), and the rate that holds in a month - the table's row for that month, or
the latest before it."""

from __future__ import annotations

from pathlib import Path

from ..errors import CPBError
from .csvfiles import header_delimiter, parse_csv_text, read_text_bounded
from .schema import schema


def read_rates(path: Path, locale: str | None = None) -> tuple:
    """The rows of an exchange-rate file (currency, month, rate), validated."""
    return parse_rates(read_text_bounded(Path(path)), str(path), locale)


def parse_rates(text: str, source: str, locale: str | None = None) -> tuple:
    """(currency, month, rate) of each row of rate-table CSV text (, or ; separated)."""
    rows = parse_csv_text(schema()["exchange_rates"], text, source, locale=locale,
                          delimiter=header_delimiter(text))
    return tuple((row["currency"], row["month"], row["rate"]) for row in rows)


def monthly_rates(rates: tuple, currency: str, reporting: str, months: list[str]) -> list:
    """The rate of ``currency`` in ``reporting`` units for each month ("yyyy-mm"): 1 for the
    reporting currency itself, else the table's rate dated that month or the latest before.

    >>> table = (("USD", "2027-01", 0.9), ("USD", "2027-03", 0.95))
    >>> monthly_rates(table, "USD", "EUR", ["2027-01", "2027-02", "2027-03"])
    [0.9, 0.9, 0.95]
    """
    if currency == reporting:
        return [1.0] * len(months)
    dated = sorted((month, rate) for code, month, rate in rates if code == currency)
    found = []
    for month in months:
        before = [rate for when, rate in dated if when <= month]
        if not before:
            raise CPBError(f"no exchange rate for {currency} in {month} (reporting in "
                           f"{reporting}).", argument="rates", value=currency,
                           fix=f"Add a row 'currency,month,rate' = {currency},{month},<{reporting}"
                               f" per {currency}> (or earlier) to the rate table (--rates).")
        found.append(before[-1])
    return found
