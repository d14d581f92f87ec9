"""Keeping untrusted text from becoming a formula in a spreadsheet or CSV file.

Spreadsheet programs read a cell whose text starts with ``= + - @``, a tab, CR or LF as a
formula (OWASP "CSV injection"), and some also take the same signs in their full-width or
small forms (``＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫``, which Unicode NFKC folds to ``= + - @``) or the minus
sign ``−``. Wherever text that came from a file (a vendor price list, a
user's sheet) is written into a CSV or workbook, it goes through :func:`neutralise`, which
prefixes a single quote; :func:`restore` undoes it when xlcpb reads its own files back. The
pair is a bijection: text that itself starts with a quote gets one more, so nothing a user
typed is ever changed on a round trip.
"""

from __future__ import annotations

import unicodedata

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
MINUS_SIGN = "\u2212"
QUOTE = "'"


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula.

    >>> looks_like_formula("\uff1d1+1"), looks_like_formula("H100")
    (True, False)
    """
    first = text[:1]
    return bool(first) and (unicodedata.normalize("NFKC", first).startswith(FORMULA_TRIGGERS)
                            or first == MINUS_SIGN)


def is_control(char: str) -> bool:
    """A control character that has no place in a cell (NUL, ESC, C1...; not tab or newline)."""
    return char not in "\t\n\r" and unicodedata.category(char) == "Cc"


def without_controls(text: str) -> str:
    """``text`` with every :func:`is_control` character removed.

    >>> without_controls("ac" + chr(0) + "me" + chr(27))
    'acme'
    """
    return "".join(char for char in text if not is_control(char))


def neutralise(text: str) -> str:
    """``text`` safe to write into a cell: a leading quote where it could start a formula.

    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise("H100 SXM")
    'H100 SXM'
    """
    if looks_like_formula(text) or text.startswith(QUOTE):
        return QUOTE + text
    return text


def restore(text: str) -> str:
    """The text :func:`neutralise` was given.

    >>> restore(neutralise("'quoted")) == "'quoted"
    True
    """
    return text[1:] if text.startswith(QUOTE) else text
