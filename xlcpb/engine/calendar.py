"""Calendar months of a budget: labels, Excel serial dates, calendar or fiscal quarters and
years.

A budget runs month by month from a first month; months are counted from 0 (the first).
"""

from __future__ import annotations

import datetime as dt

MONTHS_PER_YEAR = 12
MONTHS_PER_QUARTER = 3
# Excel's day 0: serial 1 is 1900-01-01 in Excel's (Lotus-compatible) 1900 date system, which
# counts a 29 February 1900 that never was; from 1900-03-01 on, serial = days since 1899-12-30.
EXCEL_EPOCH = dt.date(1899, 12, 30)


def month_after(year: int, month: int, offset: int) -> tuple[int, int]:
    """(year, month) ``offset`` months after (``year``, ``month``).

    >>> month_after(2027, 11, 3)
    (2028, 2)
    """
    count = year * MONTHS_PER_YEAR + (month - 1) + offset
    return count // MONTHS_PER_YEAR, count % MONTHS_PER_YEAR + 1


def month_labels(start: str, months: int) -> list[str]:
    """"yyyy-mm" of each of ``months`` months from ``start`` ("yyyy-mm").

    >>> month_labels("2027-11", 3)
    ['2027-11', '2027-12', '2028-01']
    """
    year, month = (int(part) for part in start.split("-"))
    return [f"{y:04d}-{m:02d}" for y, m in (month_after(year, month, offset)
                                            for offset in range(months))]


def excel_serial_date(year: int, month: int, day: int = 1) -> int:
    """Excel's serial number of a date (1900 date system), valid from 1900-03-01.

    Source: Microsoft, "DATEVALUE function" / "Date systems in Excel": 1 is 1 January 1900,
    and Excel keeps Lotus 1-2-3's 29 February 1900.

    >>> excel_serial_date(2027, 1), excel_serial_date(1900, 3, 1)
    (46388, 61)
    """
    date = dt.date(year, month, day)
    if date < dt.date(1900, 3, 1):
        raise ValueError(f"{date}: before 1900-03-01, where Excel's serial dates are off by one")
    return (date - EXCEL_EPOCH).days


def fiscal_year(year: int, month: int, fiscal_start: int = 1) -> int:
    """The fiscal year of a month, named by the calendar year in which it ends (a year
    starting in October 2026 is FY2027); with ``fiscal_start`` 1, the calendar year.

    >>> fiscal_year(2026, 10, 10), fiscal_year(2026, 9, 10), fiscal_year(2026, 12, 1)
    (2027, 2026, 2026)
    """
    return year + (1 if fiscal_start > 1 and month >= fiscal_start else 0)


def quarter_label(year: int, month: int, fiscal_start: int = 1) -> str:
    """"2027 Q1" (calendar) or "FY2027 Q1" (a fiscal year from ``fiscal_start``).

    >>> quarter_label(2027, 5), quarter_label(2026, 10, 10), quarter_label(2027, 9, 10)
    ('2027 Q2', 'FY2027 Q1', 'FY2027 Q4')
    """
    quarter = (month - fiscal_start) % MONTHS_PER_YEAR // MONTHS_PER_QUARTER + 1
    return f"{year_label(year, month, fiscal_start)} Q{quarter}"


def year_label(year: int, month: int, fiscal_start: int = 1) -> str:
    """"2027" (calendar) or "FY2027" (fiscal): the year a month's totals count in.

    >>> year_label(2027, 5), year_label(2027, 7, 4)
    ('2027', 'FY2028')
    """
    prefix = "FY" if fiscal_start > 1 else ""
    return f"{prefix}{fiscal_year(year, month, fiscal_start)}"


def period_labels(start: str, months: int, fiscal_start: int = 1,
                  quarters: bool = True) -> list[str]:
    """Each month's quarter (or year) label, for ``months`` months from ``start``.

    >>> period_labels("2027-11", 4)
    ['2027 Q4', '2027 Q4', '2028 Q1', '2028 Q1']
    >>> period_labels("2027-11", 4, fiscal_start=4, quarters=False)
    ['FY2028', 'FY2028', 'FY2028', 'FY2028']
    """
    label = quarter_label if quarters else year_label
    return [label(int(text[:4]), int(text[5:]), fiscal_start)
            for text in month_labels(start, months)]


def months_between(start: str, month: str) -> int:
    """Months from ``start`` to ``month`` (both "yyyy-mm"); negative when ``month`` is earlier.

    >>> months_between("2027-01", "2027-04"), months_between("2027-11", "2028-02")
    (3, 3)
    """
    (y0, m0), (y1, m1) = ((int(part) for part in text.split("-")) for text in (start, month))
    return (y1 - y0) * MONTHS_PER_YEAR + (m1 - m0)
