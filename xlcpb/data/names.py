"""Resolving names as people write them: exactly, or not at all.

A name resolves to a row when, after normalisation, it **equals** one of the names the row
answers to (its id, its name, its aliases; hardware also "<vendor> <name>"). Normalisation:

* Unicode compatibility forms folded (NFKC: full-width ``Ｈ１００`` is ``H100``) and case
  ignored (``casefold``);
* spaces, hyphens and underscores ignored (``"H100 SXM"`` = ``"h100-sxm"`` = ``"H100_SXM"``);
  every other character counts (``"3.1"`` is not ``"31"``);
* a leading vendor prefix ignored when the caller names the vendors (``"NVIDIA H200"`` is
  ``"H200"``; :meth:`xlcpb.data.sheet.Sheet.hardware` passes the sheet's vendors).

Nothing else resolves: not a part of a name, not the closest name. Text that looks like a
formula (starts with ``= + - @`` or their full-width forms) is never a name. A name that
matches no row is an error listing the candidates - the rows whose names contain all of its
words and numbers ("A100" fits the four A100s), else the closest names by spelling - and one
that matches several rows is an error listing them. Never a silent pick.

>>> rows = [{"id": "t4", "name": "T4", "aliases": ("Tesla T4",)},
...         {"id": "l40s", "name": "L40S", "aliases": ()}]
>>> names = lambda row: [row["id"], row["name"], *row["aliases"]]
>>> resolve("tesla-t4", rows, "hardware", names, "hardware")["id"]
't4'
>>> resolve("t", rows, "hardware", names, "hardware")
Traceback (most recent call last):
...
xlcpb.errors.CPBError: hardware = 't' is not a full hardware name; it fits 1 hardware row: 'T4' (id t4). Name one of them exactly (its id always works).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

from ..errors import CPBError
from .cellsafe import looks_like_formula

_IGNORED = re.compile(r"[\s\-_]+")
_TOKEN = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
MAX_CANDIDATES = 5


@lru_cache(maxsize=8192)  # Excel asks for the same few names in every cell
def normalise(text: str) -> str:
    """The form names are compared in: ``"NVIDIA  H100-SXM_5"`` -> ``"nvidiah100sxm5"``."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", str(text)).casefold())


_INDEXES: dict = {}  # (id of a table, names) -> (the table, {normalised name: [rows]})
MAX_INDEXES = 64     # tables of the sheets loaded in this process: a handful


def _index(rows: list[dict], names) -> dict[str, list[dict]]:
    """Every normalised name of ``rows`` -> the rows answering to it, built once per table.

    Sheet tables are never changed after loading (a new sheet version is a new table), so
    the table's identity is its key; the table is kept with its index so that the id can
    not be reused while the entry lives.
    """
    key = (id(rows), names)
    cached = _INDEXES.get(key)
    if cached is not None and cached[0] is rows:
        return cached[1]
    index: dict[str, list[dict]] = {}
    for row in rows:
        for name in {normalise(n) for n in names(row)}:
            index.setdefault(name, []).append(row)
    if len(_INDEXES) >= MAX_INDEXES:
        _INDEXES.clear()
    _INDEXES[key] = (rows, index)
    return index


def _without_prefix(wanted: str, prefixes) -> set[str]:
    """``wanted`` and ``wanted`` minus each vendor prefix it starts with."""
    forms = {wanted}
    for prefix in prefixes:
        prefix = normalise(prefix)
        if prefix and wanted.startswith(prefix) and len(wanted) > len(prefix):
            forms.add(wanted[len(prefix):])
    return forms


def _tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(unicodedata.normalize("NFKC", str(text)).casefold()))


def _label(row: dict, names) -> str:
    listed = names(row)
    return f"{listed[1]!r} (id {listed[0]})" if len(listed) > 1 else repr(listed[0])


def closest(wanted: str, rows: list[dict], names, limit: int = MAX_CANDIDATES) -> list[str]:
    """Labels of the rows whose names are most like ``wanted`` (best first, never empty)."""
    wanted = normalise(wanted)

    def score(row):
        return max(max(difflib.SequenceMatcher(None, wanted, name).ratio(),
                       difflib.SequenceMatcher(None, wanted, name[:len(wanted)]).ratio())
                   for name in map(normalise, names(row)))

    scored = sorted(rows, key=score, reverse=True)
    return [_label(row, names) for row in scored[:limit]]


def exact_matches(query: str, rows: list[dict], names, prefixes=()) -> list[dict]:
    """Every row ``query`` names exactly (after normalisation); formula-looking text none."""
    if not isinstance(query, str) or not query.strip() or looks_like_formula(query):
        return []
    index = _index(rows, names)
    found = []
    for form in _without_prefix(normalise(query), prefixes):
        found += [row for row in index.get(form, ()) if not any(row is f for f in found)]
    return found


def partial_matches(query: str, rows: list[dict], names) -> list[dict]:
    """The rows whose names hold every word and number of ``query`` ("A100" fits the four
    A100s): candidates to list in an error, never a match."""
    wanted = _tokens(query)
    return [row for row in rows
            if wanted and wanted <= set().union(*(_tokens(n) for n in names(row)))]


def resolve(query, rows: list[dict], label: str, names: callable, argument: str,
            prefixes=()) -> dict:
    """The one row of ``rows`` that ``query`` names exactly (see the module docstring).

    ``names(row)`` lists the strings a row answers to (id first, then its display name);
    ``prefixes`` are vendor names a query may start with.
    """
    if not isinstance(query, str) or not query.strip():
        raise CPBError(f"{argument} = {query!r}: expected a {label} name.", argument=argument,
                       value=query, fix=f"Give a {label} name, such as "
                                        f"{names(rows[0])[0]!r}." if rows else "", kind="value")
    matches = exact_matches(query, rows, names, prefixes)  # none for formula-looking text
    if len(matches) == 1:
        return matches[0]
    candidates = ", ".join(closest(query, rows, names)) if rows else ""
    if looks_like_formula(query):
        raise CPBError(f"{argument} = {query!r}: looks like a formula, not a {label} name.",
                       argument=argument, value=query,
                       fix=f"Give a {label} name, such as {candidates}.", kind="value")
    if matches:
        listed = "; ".join(_label(row, names) for row in matches)
        raise CPBError(f"{argument} = {query!r} names {len(matches)} {label} rows: {listed}.",
                       argument=argument, value=query,
                       fix="Name one of them by its id.", kind="na")
    partial = partial_matches(query, rows, names)
    if partial:
        listed = ", ".join(_label(row, names) for row in partial[:2 * MAX_CANDIDATES])
        raise CPBError(f"{argument} = {query!r} is not a full {label} name; it fits "
                       f"{len(partial)} {label} row{'s' * (len(partial) != 1)}: {listed}.",
                       argument=argument,
                       value=query, fix="Name one of them exactly (its id always works).",
                       kind="na")
    raise CPBError(f"{argument} = {query!r}: no {label} of that name.", argument=argument,
                   value=query, fix=f"Closest: {candidates}." if candidates else
                   f"See 'xlcpb sheet list' for every {label}.", kind="na")
