"""The contract of every CPB_* Excel function, read from ``functions.toml`` beside this file.

One declaration per function - its arguments in Excel's order with help text, the callee
(an engine or estimator function, or a sheet lookup), and its native-formula form - drives
the xlwings wrappers (:mod:`xlcpb.udfs`), the CLI options that mirror a function
(:func:`add_cli_options`), ``xlcpb publish`` (:mod:`xlcpb.workbook.translate`) and the
README's function table (:func:`markdown_table`). Defaults are not written here: an
argument's default is its callee's parameter default (``text_bytes(tokens,
bytes_per_token=4)`` gives 4), so each default exists once, in the function that uses it.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..data._toml import toml_reader
from ..data.bundled import package_text

KINDS = ("engine", "llm", "sheet", "version")
TYPES = ("number", "text", "hardware_or_flops", "batch")
REQUIRED = inspect.Parameter.empty  # an argument with no default must be given


@dataclass(frozen=True)
class Argument:
    name: str           # as Excel's wizard shows it; the callee's parameter unless `param`
    help: str
    type: str = "number"
    default: object = REQUIRED
    choices: tuple = ()
    param: str = ""     # the callee's parameter it fills, where its name differs

    @property
    def parameter(self) -> str:
        return self.param or self.name

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def excel_default(self) -> str:
        """The default as an Excel literal (``4``, ``"fp16"``)."""
        if isinstance(self.default, str):
            return '"' + self.default.replace('"', '""') + '"'
        return repr(float(self.default)) if isinstance(self.default, float) else \
            str(self.default)


@dataclass(frozen=True)
class Function:
    name: str           # CPB_COST
    group: str
    summary: str
    kind: str
    calls: str          # "engine:cost", "data.sheet:Sheet.price"
    args: tuple = ()
    field: str = ""     # the result's attribute or key (llm, sheet)
    native: str = ""    # the native-formula template, "" where there is none

    @property
    def python_name(self) -> str:
        return self.name.lower()

    def argument(self, name: str) -> Argument:
        return self.arguments_by_name[name]

    @cached_property
    def text_arguments(self) -> tuple:
        """The arguments read as text (and batch, which may be the word "max"), in order."""
        return tuple(a for a in self.args if a.type in ("text", "batch"))

    @cached_property
    def number_arguments(self) -> tuple:
        """The arguments read as numbers (batch too, when it is one), in order."""
        return tuple(a for a in self.args if a.type != "text")

    @cached_property
    def arguments_by_name(self) -> dict:
        """The arguments by name (built once: Excel asks for them on every call)."""
        return {argument.name: argument for argument in self.args}

    def signature(self, defaults: bool = False) -> str:
        """``CPB_COST_PER_SECOND(price_per_hour, [devices])``, or ``[devices=1]``."""
        def shown(argument: Argument) -> str:
            if argument.required:
                return argument.name
            if defaults and argument.default is not None:
                return f"[{argument.name}={argument.excel_default}]"
            return f"[{argument.name}]"
        return f"{self.name}(" + ", ".join(shown(a) for a in self.args) + ")"


def callee(path: str):
    """The object ``"module:Qual.name"`` names under the xlcpb package."""
    module_name, _, qualname = path.partition(":")
    target = importlib.import_module(f"xlcpb.{module_name}")
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def _parameter_default(path: str, name: str):
    parameter = inspect.signature(callee(path)).parameters.get(name)
    if parameter is None:
        raise ValueError(f"functions.toml: {path} has no parameter {name!r}")
    return parameter.default


def _argument(spec: dict, function: dict, function_name: str) -> Argument:
    kind = spec.get("type", "number")
    if kind not in TYPES:
        raise ValueError(f"functions.toml: {function_name}.{spec['name']}: type {kind!r} "
                         f"is not one of {', '.join(TYPES)}")
    if spec.get("required"):
        default = REQUIRED
    elif "default" in spec:
        default = spec["default"]
    elif "default_from" in spec:
        default = _parameter_default(spec["default_from"], spec.get("param", spec["name"]))
    elif function["kind"] in ("engine", "llm", "sheet"):
        default = _parameter_default(function["calls"], spec.get("param", spec["name"]))
    else:
        default = REQUIRED
    return Argument(name=spec["name"], help=spec["help"], type=kind, default=default,
                    choices=tuple(spec.get("choices", ())), param=spec.get("param", ""))


@lru_cache(maxsize=1)
def functions() -> dict[str, Function]:
    """Every Excel function, by name, in the order of ``functions.toml``."""
    return load_functions(package_text("excel/functions.toml"))


def load_functions(text: str) -> dict[str, Function]:
    """The functions a ``functions.toml`` text declares (checked: kinds, types, callees)."""
    table = toml_reader.loads(text)
    shared = table.pop("shared_args")
    out = {}
    for name, spec in table.items():
        if spec["kind"] not in KINDS:
            raise ValueError(f"functions.toml: {name}: kind {spec['kind']!r} is not one of "
                             f"{', '.join(KINDS)}")
        specs = list(shared[spec["args"]]) if isinstance(spec["args"], str) else spec["args"]
        specs = [s for s in specs if s["name"] not in spec.get("omit", ())]
        position = spec.get("insert_at", len(specs))
        specs[position:position] = spec.get("insert", [])
        out[name] = Function(
            name=name, group=spec["group"], summary=spec["summary"], kind=spec["kind"],
            calls=spec.get("calls", ""), field=spec.get("field", ""),
            native=spec.get("native", ""),
            args=tuple(_argument(s, spec, name) for s in specs))
    return out


def markdown_table(declared: dict[str, Function] | None = None) -> str:
    """The README's function reference: one table per group."""
    lines, group = [], None
    for function in (declared or functions()).values():
        if function.group != group:
            group = function.group
            lines += ["", f"**{group}**", "", "| function | returns |", "|---|---|"]
        lines.append(f"| `{function.signature(defaults=True)}` | {function.summary} |")
    return "\n".join(lines[1:]) + "\n"


def add_cli_options(parser, function_name: str, names=None, number=float) -> None:
    """Add ``--input-tokens``-style options for arguments of an Excel function to ``parser``.

    ``names`` picks and orders the arguments (default: every optional one); ``number`` is the
    ``type=`` of number options (the CLI's locale-aware reader). Help and default are the
    contract's, so the CLI and Excel never disagree on either.
    """
    function = functions()[function_name]
    wanted = names or [a.name for a in function.args if not a.required]
    for name in wanted:
        argument = function.argument(name)
        default = None if argument.required else argument.default
        shown = "" if default in (None, REQUIRED) else f" (default {default:g})" \
            if isinstance(default, (int, float)) else f" (default {default})"
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name,
                            type=number if argument.type == "number" else str,
                            default=default, choices=argument.choices or None,
                            help=argument.help + shown)
