"""Keeping untrusted text from becoming a formula in a spreadsheet or CSV file.

Spreadsheet programs read a cell whose text starts with ``= + - @``, a tab, CR or LF as a
formula (OWASP "CSV injection"). Wherever text that came from a file (a vendor price list, a
user's sheet) is written into a CSV or workbook, it goes through :func:`neutralise`, which
prefixes a single quote; :func:`restore` undoes it when xlcpb reads its own files back. The
pair is a bijection: text that itself starts with a quote gets one more, so nothing a user
typed is ever changed on a round trip.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
QUOTE = "'"


def neutralise(text: str) -> str:
    """``text`` safe to write into a cell: a leading quote where it could start a formula.

    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise("H100 SXM")
    'H100 SXM'
    """
    if text.startswith(FORMULA_TRIGGERS) or text.startswith(QUOTE):
        return QUOTE + text
    return text


def restore(text: str) -> str:
    """The text :func:`neutralise` was given.

    >>> restore(neutralise("'quoted")) == "'quoted"
    True
    """
    return text[1:] if text.startswith(QUOTE) else text
