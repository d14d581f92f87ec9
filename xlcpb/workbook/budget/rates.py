"""The budget workbook's Rates sheet: the reporting currency, the dated exchange-rate table
(inputs) and each workload's currencies; and the native formula of a month's rate - the
table's rate dated that month or the latest before (as ``xlcpb.data.exchange_rates``), #N/A
where there is none, never a stale or a made-up rate."""

from __future__ import annotations

import datetime as dt

from ..styles import HEADER_STYLE, INPUT_STYLE, TITLE_STYLE, print_wide
from . import styles as looks
from .layout import RATES_FIRST
from .sheets import BudgetBook


def rate_formula(currency: str, month: str) -> str:
    """A month's rate of ``currency`` (a cell) in the reporting currency, ``month`` a date
    cell: 1 for the reporting currency (or none), else the rate of the latest table row of
    that currency dated at or before the month; #N/A without one. An array formula
    (Excel 2016, LibreOffice and Gnumeric alike; no MAXIFS, which Excel 2016 lacks)."""
    latest = f"MAX(IF((RateCurrency={currency})*(RateMonth<={month}),RateMonth,0))"
    return (f"{{=IF(OR({currency}=\"\",{currency}=ReportingCurrency),1,IF({latest}=0,NA(),"
            f"SUMIFS(RateValue,RateCurrency,{currency},RateMonth,{latest})))}}")


def rates(b: BudgetBook) -> None:
    sheet = b.book.add_worksheet("Rates")
    layout, settings = b.layout, b.result.settings
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 2, 18)
    sheet.set_column(3, 3, 70)
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
