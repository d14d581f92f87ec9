"""Evaluating the formulas of xlcpb's templates, to store each cell's value in the file.

A built workbook must show the right numbers when opened - in Excel, in a previewer, before
any recalculation - so every formula cell is written with its value. The value comes from
the very functions Excel calls (:mod:`xlcpb.udfs`), so a workbook cell and an Excel call
cannot disagree. Template formulas use defined names, numbers, text, CPB_* functions, a few
native functions and the usual operators; anything else is refused.
"""

from __future__ import annotations

import math

from openpyxl.formula import Tokenizer

from .. import udfs
from ..engine.rounding import round_half_away_from_zero
from ..errors import CPBError

_OPERATORS = {"+": "+", "-": "-", "*": "*", "/": "/", "^": "**", "=": "==", "<>": "!=",
              "<": "<", ">": ">", "<=": "<=", ">=": ">="}


def _native():
    return {
        "ABS": abs, "MIN": lambda *xs: min(_flatten(xs)), "MAX": lambda *xs: max(_flatten(xs)),
        "SUM": lambda *xs: math.fsum(_flatten(xs)), "AND": lambda *xs: all(_flatten(xs)),
        "OR": lambda *xs: any(_flatten(xs)), "IF": lambda c, a=True, b=False: a if c else b,
        "ISNUMBER": lambda x: isinstance(x, (int, float)) and not isinstance(x, bool),
        "ROUND": round_half_away_from_zero,
    }


def _flatten(values):
    for value in values:
        if isinstance(value, list):
            yield from _flatten(value)
        else:
            yield value


def _function(name: str):
    native = _native()
    if name in native:
        return native[name]
    function = getattr(udfs, name.lower(), None)
    if name.startswith("CPB_") and function is not None:
        def call(*args):
            try:
                result = function(*args)
            except Exception as error:  # xlwings' error under Office.js semantics
                raise CPBError(f"{name}: {error}", argument=name, value=args) from None
            if isinstance(result, str) and result.startswith("#"):
                raise CPBError(f"{name}: {result}", argument=name, value=args, kind="value")
            return result
        return call
    raise CPBError(f"function {name} is not supported in templates.", argument="formula",
                   value=name, fix=f"Use CPB_* functions and {', '.join(native)}.")


def evaluate(formula: str, names: dict):
    """The value of ``formula`` (text starting with "=") given ``names`` -> values."""
    source = []
    for token in Tokenizer(formula).items:
        kind, value = token.type, token.value
        if kind == "FUNC" and token.subtype == "OPEN":
            source.append(f"_f({value[:-1].upper()!r})(")
        elif kind == "FUNC" or kind == "PAREN":
            source.append(value)
        elif kind == "SEP":
            source.append(",")
        elif kind == "OPERAND" and token.subtype == "RANGE":
            if value not in names:
                raise CPBError(f"formula {formula!r}: {value!r} is not a defined name of the "
                               "template.", argument="formula", value=value,
                               fix="Define it as an input or an earlier calculation.")
            source.append(f"_n({value!r})")
        elif kind == "OPERAND" and token.subtype == "NUMBER":
            source.append(repr(float(value)))
        elif kind == "OPERAND" and token.subtype == "TEXT":
            source.append(repr(value[1:-1].replace('""', '"')))
        elif kind == "OPERAND" and token.subtype == "LOGICAL":
            source.append("True" if value.upper() == "TRUE" else "False")
        elif kind.startswith("OPERATOR") and value in _OPERATORS:
            source.append(_OPERATORS[value])
        elif kind == "WHITE-SPACE":
            continue
        else:
            raise CPBError(f"formula {formula!r}: {value!r} is not supported in templates.",
                           argument="formula", value=value, fix="Keep template formulas simple.")
    code = compile("".join(source), "<template formula>", "eval")
    return eval(code, {"__builtins__": {}}, {"_f": _function, "_n": names.__getitem__})
