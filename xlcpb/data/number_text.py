"""Numbers written as text: the one policy behind the CLI, Excel, plans and imports.

Finance users type numbers the way their Excel shows them: ``1,000``, ``2.000.000``,
``1,5``, ``5%``, ``$1,200.50``, ``1 234,56 €``, ``(3.5)``. The same text must give the same
number - or the same refusal - wherever it is typed, so every adapter calls
:func:`parse_number` and nothing else.

The rules
---------
* **Locale** decides the decimal mark. ``None`` (the default everywhere) is *neutral*: a
  point is the decimal mark, and a comma is accepted only where it cannot be a decimal
  comma. ``"en"`` (or any decimal-point language) reads commas as thousands separators;
  ``"de"``, ``"fr"`` ... (``number_locales.toml``) read ``1.234,56`` and ``1 234,56``. The
  command line takes it as ``--locale`` (a budget plan's and an import's numbers too).
* **Ambiguous text is refused, never guessed.** Without a locale, ``"1,5"`` and
  ``"1.234,56"`` need a decimal-comma locale, and ``"1,500"`` is 1500 in English but 1.5 in
  German: each is an error naming the two readings and the fix (``--locale``). A price typed
  1000x too high is worse than an error.
* Thousands separators must group by three (``1,00,000`` is refused); spaces, no-break
  spaces and apostrophes group too (``1 234``, ``1'234``).
* A currency sign or ISO code before or after (``$``, ``€``, ``EUR``) is dropped - the
  currency is a column of its own wherever it matters; ``%`` divides by 100; ``(3.5)`` and
  ``-3.5`` are negative; an exponent (``65e12``, ``6,5e12`` in German) is kept.
* ``nan``, ``inf``, empty text and anything else is refused.

>>> parse_number("65e12")
65000000000000.0
>>> parse_number("2,000,000")
2000000.0
>>> parse_number("1,5", "de"), parse_number("2.000.000", "de"), parse_number("5%")
(1.5, 2000000.0, 0.05)
>>> parse_number("1,5")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
xlcpb.errors.CPBError: number = '1,5': ambiguous: 1.5 with a decimal comma, which needs a ...
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from ..errors import CPBError
from .bundled import bundled_toml

# Characters that group thousands besides the locale's own separator: space, no-break
# space (Excel's French export), narrow no-break space (CLDR fr), apostrophe (Swiss).
_SPACES = " \u00a0\u202f\u2009'\u2019"
_MINUS = "-\u2212\u2013"  # ASCII hyphen, Unicode minus, en dash (pasted from documents)
_DIGITS = re.compile(r"[+-]?[0-9]+(?:[eE][+-]?[0-9]+)?")
_PLAIN = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_EXPONENT = re.compile(r"^(?P<mantissa>.*?)(?:[eE](?P<exponent>[+-]?[0-9]+))?$", re.DOTALL)


def _digits(text: str) -> bool:
    """True for ASCII digits only (str.isdigit also takes '²' and other scripts' digits)."""
    return text.isascii() and text.isdigit()


@lru_cache(maxsize=1)
def _locales() -> dict:
    return bundled_toml("number_locales.toml")


def decimal_comma(locale: str | None) -> bool:
    """True for a locale that writes 1.234,56 (de, fr_FR, pt-BR ...); False for en or None.

    >>> decimal_comma("de_DE"), decimal_comma("fr-CA"), decimal_comma("en"), decimal_comma(None)
    (True, True, False, False)
    """
    if not locale:
        return False
    language = re.split(r"[-_.]", str(locale).strip().lower())[0]
    return language in _locales()["decimal_comma_languages"]


def check_locale(locale: str | None) -> str | None:
    """``locale`` if it names a language (``de``, ``en_US``, ``fr-CA``), else CPBError."""
    if locale is None or re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*(?:\.[\w-]+)?",
                                      str(locale).strip()):
        return locale
    raise CPBError(f"locale = {locale!r}: not a language code.", argument="locale",
                   value=locale, fix="Use e.g. en, de, fr or de_CH.")


def _refuse(argument: str, text, problem: str, fix: str) -> CPBError:
    return CPBError(f"{argument} = {text!r}: {problem}.", argument=argument, value=text,
                    fix=fix, kind="value")


def _finite(value: float, argument: str, text) -> float:
    if not math.isfinite(value):
        raise _refuse(argument, text, "not a finite number", "Give a number below 1e308.")
    return value


def _strip_currency(text: str) -> str:
    table = _locales()
    for sign in table["currency_signs"]:
        if text.startswith(sign):
            text = text[len(sign):]
        if text.endswith(sign):
            text = text[:-len(sign)]
    upper = text.upper()
    for code in table["currency_codes"]:
        if upper.startswith(code):
            text, upper = text[len(code):], upper[len(code):]
        if upper.endswith(code):
            text, upper = text[:-len(code)], upper[:-len(code)]
    return text.strip(_SPACES)


def _ungroup(whole: str, separator: str) -> str | None:
    """``whole`` without its thousands ``separator``; None unless it groups by three."""
    if separator not in whole:
        return whole if _digits(whole) else None
    groups = whole.split(separator)
    if not (1 <= len(groups[0]) <= 3 and _digits(groups[0]) and groups[0][0] != "0"
            and all(len(g) == 3 and _digits(g) for g in groups[1:])):
        return None
    return "".join(groups)


def _read(body: str, comma_decimal: bool) -> float | None:
    """The value of unsigned ``body`` with a decimal comma or point, or None if unreadable."""
    if any(space in body for space in _SPACES):  # 1 234,56 / 1'234.5: spaces only group
        groups = re.split(f"[{_SPACES}]", body)
        if not (1 <= len(groups[0]) <= 3 and _digits(groups[0]) and groups[0][0] != "0"
                and all(len(g) == 3 and _digits(g) for g in groups[1:-1])
                and re.fullmatch(r"[0-9]{3}(?:[.,][0-9]*)?(?:[eE][+-]?[0-9]+)?", groups[-1])):
            return None
        body = "".join(groups)
    match = _EXPONENT.match(body)
    decimal_mark, group_mark = (",", ".") if comma_decimal else (".", ",")
    whole, _, fraction = match["mantissa"].partition(decimal_mark)
    if (decimal_mark in fraction or (fraction and not _digits(fraction))
            or not (whole or fraction)):
        return None
    digits = _ungroup(whole, group_mark) if whole else "0"
    if digits is None:
        return None
    return float(f"{digits}.{fraction or 0}" + (f"e{match['exponent']}" if match["exponent"]
                                                else ""))


# How to settle "1,5" or "2.400" where no locale was given: the command line takes --locale.
LOCALE_FIX = ("Give the locale (--locale en for 1,234.5; --locale de, fr ... for 1.234,5), or "
              "write it without separators.")


def parse_number(text, locale: str | None = None, argument: str = "number", *,
                 ambiguity_fix: str = LOCALE_FIX) -> float:
    """The number ``text`` holds under ``locale``; CPBError naming ``argument`` otherwise.

    Parameters
    ----------
    text : str or number
        What the user typed or a file holds. Numbers (not bools) pass through.
    locale : str, optional
        ``None`` (neutral), ``"en"``, ``"de"``, ``"fr_FR"`` ...: see the module's rules.
        ``"C"``: machine-written files (the sheet's own CSVs), plain numbers only.
    argument : str
        The input's name, for the error message (``"--price-per-hour"``, ``"price"``).
    ambiguity_fix : str
        What the error says to do when the text reads two ways and no locale is given: the
        adapter's own way of settling it (the CLI's ``--locale``; in Excel, a number cell).

    Returns
    -------
    float
        A finite number.

    >>> parse_number("$1,200.50"), parse_number("1 234,56 €", "fr"), parse_number("(3.5)")
    (1200.5, 1234.56, -3.5)
    >>> parse_number("1,500", "en"), parse_number("1,500", "de"), parse_number("1.500", "de")
    (1500.0, 1.5, 1500.0)
    """
    if isinstance(text, bool):
        raise _refuse(argument, text, "TRUE/FALSE is not a number", "Give a number.")
    if isinstance(text, (int, float)):
        return _finite(float(text), argument, text)
    if not isinstance(text, str):
        raise _refuse(argument, text, "not a number", "Give a number.")
    cleaned = text.strip()
    if _DIGITS.fullmatch(cleaned):  # the common case, the same in every locale: 65e12, 1000
        return _finite(float(cleaned), argument, text)
    if locale == "C":
        if _PLAIN.fullmatch(cleaned):
            return _finite(float(cleaned), argument, text)
        raise _refuse(argument, text, "not a plain number", "Write it as 1234.5 or 65e12.")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    body = cleaned[1:-1] if negative else cleaned
    body = body.strip(_SPACES)
    percent = body.endswith("%")
    body = _strip_currency(body.rstrip("%").strip(_SPACES))
    if body and (body[0] in _MINUS or body[0] == "+"):
        negative ^= body[0] in _MINUS
        body = _strip_currency(body[1:].strip(_SPACES))
    if locale is not None:
        comma_decimal = decimal_comma(check_locale(locale))
        value = _read(body, comma_decimal)
        if value is None:
            raise _refuse(argument, text, f"not a number in locale {locale}",
                          f"Write it as {'1.234,5' if comma_decimal else '1,234.5'} or "
                          "1234.5.")
    else:
        point, comma = _read(body, False), _read(body, True)
        if point is None and comma is None:
            raise _refuse(argument, text, "not a number",
                          "Write a number such as 1234.5, 1,234.5 or 65e12.")
        if point is None or (comma is not None and comma != point):
            readings = (f"{point:,.10g} with a decimal point or {comma:,.10g} with a decimal "
                        "comma" if point is not None else
                        f"{comma:,.10g} with a decimal comma, which needs a locale")
            raise _refuse(argument, text, f"ambiguous: {readings}", ambiguity_fix)
        value = point
    value = _finite(-value if negative else value, argument, text)
    return value / 100 if percent else value


def parse_number_or_none(text, locale: str | None = None) -> float | None:
    """:func:`parse_number`, with None for text that is not a number (importers skip it)."""
    try:
        return parse_number(text, locale)
    except CPBError:
        return None
