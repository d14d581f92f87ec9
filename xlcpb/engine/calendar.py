"""Calendar months of a budget: labels, Excel serial dates, quarter and year labels.

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


def quarter_label(month_index: int) -> str:
    """"Y<year>Q<quarter>" of a 0-based month of the budget: 0 -> Y1Q1, 14 -> Y2Q1.

    >>> quarter_label(0), quarter_label(11), quarter_label(14)
    ('Y1Q1', 'Y1Q4', 'Y2Q1')
    """
    year, month = divmod(month_index, MONTHS_PER_YEAR)
    return f"Y{year + 1}Q{month // MONTHS_PER_QUARTER + 1}"


def period_labels(months: int, months_per_period: int) -> list[str]:
    """Labels of the periods covering ``months`` months: quarters (3) "Y1Q1", ..., or years
    (12) "Y1", ...; the last period may be partial.

    >>> period_labels(14, 3), period_labels(14, 12)
    (['Y1Q1', 'Y1Q2', 'Y1Q3', 'Y1Q4', 'Y2Q1'], ['Y1', 'Y2'])
    """
    starts = range(0, months, months_per_period)
    if months_per_period == MONTHS_PER_YEAR:
        return [f"Y{start // MONTHS_PER_YEAR + 1}" for start in starts]
    return [quarter_label(start) for start in starts]


def months_between(start: str, month: str) -> int:
    """Months from ``start`` to ``month`` (both "yyyy-mm"); negative when ``month`` is earlier.

    >>> months_between("2027-01", "2027-04"), months_between("2027-11", "2028-02")
    (3, 3)
    """
    (y0, m0), (y1, m1) = ((int(part) for part in text.split("-")) for text in (start, month))
    return (y1 - y0) * MONTHS_PER_YEAR + (m1 - m0)
