"""CPB_* calls as native Excel formulas, for workbooks that must compute without the add-in.

The paper's equations are arithmetic, so most functions become their formula; sheet lookups
become INDEX/MATCH (and MINIFS for prices) over lookup sheets that ``publish`` embeds. A
function with no native form (the realistic LLM estimates, CPB_VERSION) is replaced by its
value, computed by xlcpb from the arguments' values; the caller lists those cells.

Optional arguments follow the functions' defaults: omitted, or a reference to an empty cell,
gives the default (``IF(x="",default,x)``), as the add-in does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.formula import Tokenizer

from ..excel.contract import functions

from ..errors import CPBError

HARDWARE_SHEET = "xlcpb_Hardware"
PRICES_SHEET = "xlcpb_Prices"


@dataclass
class Argument:
    text: str
    reference: bool  # a lone cell reference or name: may be an empty cell at run time
    literal: object = None  # its value, when a number or text literal


@dataclass
class Lookup:
    """Where the embedded lookup tables are: the last row and column letters."""

    hardware_last_row: int
    hardware_last_column: str
    prices_last_row: int

    def hardware_row(self, name: str) -> str:
        return (f"MATCH({name},{HARDWARE_SHEET}!$A$2:$A${self.hardware_last_row},0)")

    def hardware_field(self, name: str, field: str) -> str:
        return (f"INDEX({HARDWARE_SHEET}!$A$2:${self.hardware_last_column}"
                f"${self.hardware_last_row},{self.hardware_row(name)},"
                f"MATCH({field},{HARDWARE_SHEET}!$A$1:${self.hardware_last_column}$1,0))")

    def price_column(self, letter: str) -> str:
        return f"{PRICES_SHEET}!${letter}$2:${letter}${self.prices_last_row}"


def _optional(args: list[Argument], index: int, default: str) -> str:
    if index >= len(args) or args[index].text.strip() == "":
        return default
    argument = args[index]
    if argument.reference:
        return f"IF(({argument.text})=\"\",{default},({argument.text}))"
    return f"({argument.text})"


def _required(args: list[Argument], index: int, function: str) -> str:
    if index >= len(args) or args[index].text.strip() == "":
        raise CPBError(f"{function}: argument {index + 1} is missing.", argument=function,
                       value=None, fix="Give every required argument.")
    return f"({args[index].text})"


_PLACEHOLDER = re.compile(r"\{(@?)(\w+)(?:\(([^)]*)\))?\}")


def _hardware_field(lookup: Lookup, expression, hardware: str, field: str) -> str:
    return lookup.hardware_field(expression(hardware), expression(field))


def _price(lookup: Lookup, expression, hardware: str, provider: str, pricing_model: str,
           region: str) -> str:
    """MINIFS over the embedded price sheet; a provider or region left out matches any."""
    any_text = '"<>"'
    hardware_id = lookup.hardware_field(expression(hardware), '"id"')
    criteria = (f"{lookup.price_column('A')},{hardware_id},"
                f"{lookup.price_column('D')},{expression(pricing_model)},"
                f"{lookup.price_column('B')},{expression(provider, any_text)},"
                f"{lookup.price_column('C')},{expression(region, any_text)}")
    # MINIFS (Excel 2019) is stored with the _xlfn. prefix, as Excel itself writes it
    return (f"IF(COUNTIFS({criteria})=0,NA(),"
            f"_xlfn.MINIFS({lookup.price_column('E')},{criteria}))")


LOOKUPS = {"hardware_field": _hardware_field, "price": _price}


def native(function: str, args: list[Argument], lookup: Lookup) -> str | None:
    """The native formula text for ``function(args)``, or None when it has none.

    The form is the contract's (``xlcpb/excel/functions.toml``): ``{name}`` is the argument
    as written, or its default when it is omitted or a reference to an empty cell.
    """
    spec = functions().get(function)
    if spec is None or not spec.native:
        return None
    position = {argument.name: index for index, argument in enumerate(spec.args)}

    def expression(name: str, when_omitted: str | None = None) -> str:
        index = position[name]
        argument = spec.args[index]
        if argument.required:
            return _required(args, index, function)
        default = when_omitted or (argument.excel_default if argument.default is not None
                                   else None)
        if default is None:
            raise CPBError(f"{function}: {name} has no native default.", argument=function,
                           value=None, fix="Give the argument.")
        return _optional(args, index, default)

    def fill(match) -> str:
        if match[1]:
            names = [name.strip() for name in match[3].split(",")]
            return LOOKUPS[match[2]](lookup, expression, *names)
        return expression(match[2])
    return "(" + _PLACEHOLDER.sub(fill, spec.native) + ")"


@dataclass
class Translation:
    formula: str
    translated: list   # CPB functions turned native
    valued: list       # CPB functions replaced by their value


def translate(formula: str, lookup: Lookup, value_of) -> Translation:
    """``formula`` with every CPB_* call made native or replaced by its value.

    ``value_of(function, args)`` returns the value of a call with no native form (or raises
    CPBError); it receives :class:`Argument` lists.
    """
    tokens = [token for token in Tokenizer(formula).items]
    translation = Translation(formula="", translated=[], valued=[])
    position = 0

    def expression(stop_at_separator: bool) -> str:
        nonlocal position
        parts = []
        while position < len(tokens):
            token = tokens[position]
            if token.type == "FUNC" and token.subtype == "CLOSE":
                return "".join(parts)
            if token.type == "SEP" and token.subtype == "ARG" and stop_at_separator:
                return "".join(parts)
            if token.type == "FUNC" and token.subtype == "OPEN":
                parts.append(call())
                continue
            parts.append(token.value)
            position += 1
        return "".join(parts)

    def call() -> str:
        nonlocal position
        name = tokens[position].value[:-1]
        position += 1
        args = []
        while True:
            start = position
            text = expression(stop_at_separator=True)
            span = tokens[start:position]
            lone = len(span) == 1 and span[0].type == "OPERAND"
            args.append(Argument(
                text=text, reference=lone and span[0].subtype == "RANGE",
                literal=(float(span[0].value) if lone and span[0].subtype == "NUMBER" else
                         span[0].value[1:-1].replace('""', '"')
                         if lone and span[0].subtype == "TEXT" else None)))
            token = tokens[position] if position < len(tokens) else None
            position += 1
            if token is None or token.type == "FUNC":
                break
        if len(args) == 1 and args[0].text == "":
            args = []
        upper = name.upper()
        if not upper.startswith("CPB_"):
            return f"{name}(" + ",".join(a.text for a in args) + ")"
        made = native(upper, args, lookup)
        if made is not None:
            translation.translated.append(upper)
            return made
        value = value_of(upper, args)
        translation.valued.append((upper, value))
        if isinstance(value, str):
            return '"' + value.replace('"', '""') + '"'
        return repr(float(value))

    body = expression(stop_at_separator=False)
    translation.formula = "=" + body if formula.startswith("=") else body
    return translation
