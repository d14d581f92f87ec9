"""Resolving names as people write them ("H100 SXM", "h100-sxm5-80gb", "NVIDIA H100 SXM").

A name matches a row when every token of the name is one of the row's tokens, where tokens
come from its id, vendor, name and aliases, split at punctuation and at letter/digit
boundaries ("h100-sxm5-80gb" -> h, 100, sxm, 5, 80, gb), case ignored. An exact match of the
whole normalised name wins outright ("L4" is the L4, not also the L40S). Several matches are
an error listing them; no match is an error listing the closest names. Never a silent pick.
"""

from __future__ import annotations

import difflib
import re

from ..errors import CPBError

_TOKEN = re.compile(r"[a-z]+|\d+(?:\.\d+)?")


def normalise(text: str) -> str:
    """Lower case, letters and digits only: ``"H100-SXM5 80GB"`` -> ``"h100sxm580gb"``."""
    return re.sub(r"[^a-z0-9]", "", str(text).casefold())


def tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(str(text).casefold()))


def _similarity(wanted: str, name: str) -> float:
    """How alike two normalised names are; a name's start counts as much as all of it."""
    return max(difflib.SequenceMatcher(None, wanted, name).ratio(),
               difflib.SequenceMatcher(None, wanted, name[:len(wanted)]).ratio())


def _closest(wanted: str, rows: list[dict], names, limit: int = 5) -> list[str]:
    scored = sorted(((max(_similarity(wanted, normalise(n)) for n in names(row)), names(row)[1])
                     for row in rows), reverse=True)
    return [name for score, name in scored if score >= 0.5][:limit]


def resolve(query, rows: list[dict], label: str, names: callable, argument: str) -> dict:
    """The one row of ``rows`` that ``query`` names.

    ``names(row)`` lists the strings a row answers to (id, name, aliases...).
    """
    if not isinstance(query, str) or not query.strip():
        raise CPBError(f"{argument} = {query!r}: expected a {label} name.", argument=argument,
                       value=query, fix=f"Give a {label} name, such as "
                                        f"{names(rows[0])[0]!r}." if rows else "", kind="value")
    wanted = normalise(query)
    exact = [row for row in rows if any(normalise(n) == wanted for n in names(row))]
    if len(exact) == 1:
        return exact[0]
    query_tokens = tokens(query)
    matches = exact or [row for row in rows
                        if query_tokens <= set().union(*(tokens(n) for n in names(row)))]
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = "; ".join(f"{names(row)[1]!r} (id {names(row)[0]})" for row in matches)
        raise CPBError(f"{argument} = {query!r} fits {len(matches)} {label} rows: {listed}.",
                       argument=argument, value=query,
                       fix="Name one of them exactly (its id always works).", kind="na")
    suggestions = _closest(wanted, rows, names)
    raise CPBError(f"{argument} = {query!r}: no {label} of that name.", argument=argument,
                   value=query,
                   fix=(f"Closest: {', '.join(repr(s) for s in suggestions)}."
                        if suggestions else f"See 'xlcpb sheet list' for every {label}."),
                   kind="na")
