"""The budget workbook's Rates sheet: the reporting currency, the dated exchange-rate table
(inputs) and each workload's currencies; and the native formula of a month's rate - the
table's rate dated that month or the latest before (as ``xlcpb.data.exchange_rates``), #N/A
where there is none, never a stale or a made-up rate."""

from __future__ import annotations

import datetime as dt

from ...data.exchange_rates import monthly_rates
from ...engine.calendar import excel_serial_date
from ..columns import column_letter
from ..styles import HEADER_STYLE, INPUT_STYLE, TITLE_STYLE, print_wide
from . import styles as looks
from .layout import RATES_FIRST, TIMELINE_MONTH_ROW
from .sheets import BudgetBook


def rate_formula(currency: str, month: str) -> str:
    """A month's rate of ``currency`` (a cell) in the reporting currency, ``month`` a date
    cell: 1 for the reporting currency, else the rate of the latest table row of that
    currency dated at or before the month; #N/A without one, or with two rows for that
    currency and month (never their sum). An array formula (Excel 2016, LibreOffice and
    Gnumeric alike; no MAXIFS, which Excel 2016 lacks)."""
    latest = f"MAX(IF((RateCurrency={currency})*(RateMonth<={month}),RateMonth,0))"
    rows = f"RateCurrency,{currency},RateMonth,{latest}"
    return (f"{{=IF({currency}=ReportingCurrency,1,IF({latest}=0,NA(),IF(COUNTIFS({rows})>1,"
            f"NA(),SUMIFS(RateValue,{rows}))))}}")


def workload_rate_formula(currency: str, month: int) -> str:
    """A workload's rate in a month (0-based), read from the grid of each currency's rates
    by month: 1 where it names no currency (no API), #N/A for a currency the grid lacks."""
    return (f"=IF({currency}=\"\",1,INDEX(RateGrid,MATCH({currency},RateGridCurrencies,0),"
            f"{month + 1}))")


def _grid(b: BudgetBook, sheet, first: int) -> None:
    """Each currency of the plan (rows) by month (columns from B): its rate, looked up in
    the table once per currency and month, however many workloads use it."""
    layout, settings = b.layout, b.result.settings
    codes = sorted({settings.currency, *b.prepared.currencies,
                    *(code for code in b.prepared.api_currencies if code)})
    sheet.write(first, 0, "Each currency's rate by month (from the table above; #N/A: no rate "
                          "at or before the month)", b.style(bold=True))
    header = first + 1
    sheet.write(header, 0, "currency", b.style(**HEADER_STYLE))
    for m, label in enumerate(b.result.months):
        year, number = (int(part) for part in label.split("-"))
        sheet.write_formula(header, m + 1, f"=Timeline!{column_letter(m + 1)}"
                                           f"{TIMELINE_MONTH_ROW + 1}",
                            b.style(looks.MONTH, **HEADER_STYLE),
                            excel_serial_date(year, number))
    for offset, code in enumerate(codes):
        r = header + 1 + offset
        sheet.write_string(r, 0, code)
        rates = monthly_rates(settings.exchange_rates, code, settings.currency,
                              b.result.months)
        for m in range(layout.months):
            month = f"{column_letter(m + 1)}${header + 1}"
            sheet.write_array_formula(r, m + 1, r, m + 1, rate_formula(f"$A{r + 1}", month),
                                      b.style(looks.RATE), float(rates[m]))
    last = header + len(codes)
    b.name("RateGridCurrencies", "Rates", header + 1, 0, last, 0)
    b.name("RateGrid", "Rates", header + 1, 1, last, layout.months)


def rates(b: BudgetBook) -> None:
    sheet = b.book.add_worksheet("Rates")
    layout, settings = b.layout, b.result.settings
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, max(layout.months, 3), 12)   # notes run on to the right
    print_wide(sheet, RATES_FIRST - 1)
    sheet.write(0, 0, "Rates: exchange rates into the reporting currency (blue cells are "
                      "inputs)", b.style(**TITLE_STYLE))
    sheet.write(1, 0, "Reporting currency", b.style(bold=True))
    sheet.write_string(1, 1, settings.currency, b.style(bold=True))
    b.name("ReportingCurrency", "Rates", 1, 1)
    sheet.write(1, 3, "every money cell is in it; to change it, rebuild the workbook "
                      "(xlcpb budget --currency)")
    sheet.write_row(RATES_FIRST - 1, 0, ["currency", "from month", "rate",
                                         f"{settings.currency} per unit of the currency, "
                                         "from that month until a later row"],
                    b.style(**HEADER_STYLE))
    entry = b.style(**INPUT_STYLE)
    month_entry = b.style(looks.MONTH, **INPUT_STYLE)
    rate_entry = b.style(looks.RATE, **INPUT_STYLE)
    rows = sorted(settings.exchange_rates)
    for offset in range(layout.rate_rows):
        r = RATES_FIRST + offset
        if offset < len(rows):
            currency, month, rate = rows[offset]
            year, number = (int(part) for part in month.split("-"))
            sheet.write_string(r, 0, currency, entry)
            sheet.write_datetime(r, 1, dt.datetime(year, number, 1), month_entry)
            sheet.write_number(r, 2, float(rate), rate_entry)
        else:
            sheet.write_blank(r, 0, None, entry)
            sheet.write_blank(r, 1, None, month_entry)
            sheet.write_blank(r, 2, None, rate_entry)
    last = RATES_FIRST + layout.rate_rows - 1
    sheet.data_validation(RATES_FIRST, 1, last, 1, {
        "validate": "date", "criteria": ">=", "value": dt.date(1990, 1, 1),
        "input_title": "From month", "input_message": "A date: the first of the month.",
        "error_message": "Give the month as a date (the first of the month)."})
    for col, name in enumerate(("RateCurrency", "RateMonth", "RateValue")):
        b.name(name, "Rates", RATES_FIRST, col, last, col)
    title = layout.rates_workload_row(0) - 2
    sheet.write(title, 0, "Each workload's currencies: its prices' (Workloads) and its API "
                          "prices' (the sheet's)", b.style(bold=True))
    sheet.write_row(title + 1, 0, ["workload", "prices' currency", "API prices' currency"],
                    b.style(**HEADER_STYLE))
    for index, row in enumerate(b.prepared.workloads):
        r = layout.rates_workload_row(index)
        sheet.write_formula(r, 0, f"={layout.calculation_cell('workload', index)}", None,
                            row["name"])
        sheet.write_formula(r, 1, f"={layout.workload_cell('currency', index)}", None,
                            row["currency"])
        api_currency = b.prepared.api_currencies[index]
        if api_currency:
            sheet.write_string(r, 2, api_currency, entry)
        else:
            sheet.write_blank(r, 2, None, entry)
    _grid(b, sheet, layout.rates_workload_row(layout.workloads) + 1)
