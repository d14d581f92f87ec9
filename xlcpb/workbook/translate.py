"""CPB_* calls as native Excel formulas, for workbooks that must compute without the add-in.

The paper's equations are arithmetic, so most functions become their formula; sheet lookups
become INDEX/MATCH (and MINIFS for prices) over lookup sheets that ``publish`` embeds. A
function with no native form (the realistic LLM estimates, CPB_VERSION) is replaced by its
value, computed by xlcpb from the arguments' values; the caller lists those cells.

Optional arguments follow the functions' defaults: omitted, or a reference to an empty cell,
gives the default (``IF(x="",default,x)``), as the add-in does.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.formula import Tokenizer

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


def native(function: str, args: list[Argument], lookup: Lookup) -> str | None:
    """The native formula text for ``function(args)``, or None when it has none."""
    r = lambda i: _required(args, i, function)  # noqa: E731 - local shorthand
    o = lambda i, default: _optional(args, i, default)  # noqa: E731
    formulas = {
        "CPB_FLOPS_PER_BYTE": lambda: f"{r(0)}/{r(1)}",
        "CPB_COST": lambda: f"{r(0)}*{r(1)}*{r(2)}",
        "CPB_COST_PER_SECOND": lambda: f"{r(0)}*{o(1, '1')}/3600",
        "CPB_TIME": lambda: f"{r(0)}*{r(1)}",
        "CPB_HARDWARE_FLOPS": lambda: f"{r(0)}*{o(1, '1')}",
        "CPB_COST_FROM_FLOPS": lambda: f"{r(0)}/{r(1)}*{r(2)}",
        "CPB_TOTAL_FLOPS": lambda: f"{r(0)}*{r(1)}",
        "CPB_SAMPLES": lambda: f"{r(0)}*{r(1)}",
        "CPB_FRAMES": lambda: f"{r(0)}*{r(1)}",
        "CPB_BYTES_TEXT": lambda: f"{r(0)}*{o(1, '4')}",
        "CPB_BYTES_IMAGE": lambda: f"{r(0)}*{r(1)}*{o(2, '3')}*{o(3, '8')}/8",
        "CPB_BYTES_AUDIO": lambda: f"{r(0)}*{r(1)}*{o(3, '1')}*{o(2, '16')}/8",
        "CPB_BYTES_VIDEO": lambda: f"{r(0)}*{r(1)}*{r(2)}*{r(3)}*{o(4, '3')}*{o(5, '8')}/8",
        "CPB_FLOPS_PER_TOKEN": lambda: f"(2*{r(0)}+2*{o(1, '0')}*{o(2, '0')}*{o(3, '0')})",
        "CPB_HW": lambda: lookup.hardware_field(r(0), r(1)),
        "CPB_TBYTE": lambda: (f"{r(0)}/IF(ISNUMBER({r(1)}),{r(1)},"
                              f"{lookup.hardware_field(r(1), o(2, chr(34) + 'fp16' + chr(34)))})"),
        "CPB_PRICE": lambda: _price(args, lookup, r, o),
    }
    make = formulas.get(function)
    return f"({make()})" if make else None


def _price(args, lookup: Lookup, r, o) -> str:
    hardware_id = lookup.hardware_field(r(0), '"id"')
    criteria = (f"{lookup.price_column('A')},{hardware_id},"
                f"{lookup.price_column('D')},{o(2, chr(34) + 'on-demand' + chr(34))},"
                f"{lookup.price_column('B')},{o(1, chr(34) + '<>' + chr(34))},"
                f"{lookup.price_column('C')},{o(3, chr(34) + '<>' + chr(34))}")
    # MINIFS (Excel 2019) is stored with the _xlfn. prefix, as Excel itself writes it
    return (f"IF(COUNTIFS({criteria})=0,NA(),"
            f"_xlfn.MINIFS({lookup.price_column('E')},{criteria}))")


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
