"""The CPB_* Excel functions: one module for classic xlwings and for xlwings Lite / Server.

Classic desktop: ``UDF_MODULES = "xlcpb.udfs"`` and *Import Functions*. xlwings Lite: paste
the output of ``xlcpb lite`` into the Lite editor.

Every function is declared once, in ``xlcpb/excel/functions.toml`` (its arguments, help
text, callee and native form; defaults are the callee's). This module turns each declaration
into a Python function with that signature and registers it with xlwings. How the arguments
reach the callee is one handler per *kind* below: every function takes single cells or
ranges, broadcasts ranges, returns one array for a range in one vectorised call, and shows
errors as Excel errors (see :mod:`xlcpb.excel.calls`). No arithmetic lives here.
"""

from __future__ import annotations

import inspect
from functools import lru_cache

try:
    import xlwings as xw
except ImportError:  # building workbooks needs the functions, not Excel: no-op decorators
    from .excel import no_xlwings as xw

from . import __version__
from .data.sheet import load_sheet, resolve_precision
from .errors import CPBError
from .estimators.llm import refuse_unless_fits
from .excel.calls import call, lookup, numbers_or_lookup, whole_call_error
from .excel.cells import CellError, single_cell, single_text
from .excel.contract import Function, callee, functions

CATEGORY = "xlcpb"


def _texts(function: Function, values: dict):
    """({name: text} for the function's text arguments, or None), CellError or None."""
    chosen = {}
    for argument in function.text_arguments:
        if argument.type == "batch":  # a number (or range of them), or the word "max"
            cell = single_cell(values[argument.name])
            if isinstance(cell, str) and cell.strip().lower() == "max":
                chosen[argument.name] = "max"
            continue
        text, problem = single_text(argument.name, values[argument.name],
                                    None if argument.required else argument.default)
        if problem:
            return None, problem
        if argument.required and text is None:
            return None, CellError("#VALUE!", f"{argument.name} is empty: "
                                              f"give {argument.help}.")
        if argument.choices and text is not None:
            text = text.strip().lower()
            if text not in argument.choices:
                return None, CellError("#VALUE!", f"{argument.name} = {text!r}: use "
                                                  f"{', '.join(argument.choices)}.")
        chosen[argument.name] = text
    return chosen, None


def _numbers(function: Function, values: dict, texts: dict) -> list:
    """``call``'s (name, value, default) triples for the number arguments not given as text."""
    triples = []
    for argument in function.number_arguments:
        if argument.name in texts:
            continue
        value = values[argument.name]
        if argument.default is None and single_cell(value) is None:
            continue  # an optional input left empty: the callee's own "not given"
        if argument.type == "hardware_or_flops":  # a FLOP/s number, or a name to look up
            precision = texts.get("precision")
            value = numbers_or_lookup(argument.name, value,
                                      lambda name: load_sheet().flops_per_s(name, precision))
        triples.append((argument.parameter, value,
                        None if argument.required else argument.default))
    return triples


def _engine(function: Function):
    """Numeric arguments broadcast into one vectorised engine call, keyword by keyword."""
    target = callee(function.calls)

    def run(values):
        texts, problem = _texts(function, values)
        if problem:
            return whole_call_error(problem)
        if "precision" in texts:  # checked even when the hardware is given as FLOP/s
            try:
                resolve_precision(texts["precision"])
            except CPBError as error:
                return whole_call_error(CellError.from_exception(error))
        triples = _numbers(function, values, texts)
        names = [name for name, _, _ in triples]
        return call(lambda *numbers: target(**dict(zip(names, numbers))), *triples)
    return run


def _llm(function: Function):
    """A serving estimate: text arguments as they are, numbers broadcast; one result field."""
    estimate = callee(function.calls)
    accepted = set(inspect.signature(estimate).parameters)
    parameters = {argument.name: argument.parameter for argument in function.args}

    @lru_cache(maxsize=4096)
    def one_cell(field, fixed, names, numbers, sheet_version):
        """A single cell's estimate, kept: Excel recalculates the same cells again and again.
        ``sheet_version`` is in the key, so a new version of the user's sheet is never
        answered from before it."""
        return one_range(field, dict(fixed), names, numbers)

    def one_range(field, fixed, names, numbers):
        result = estimate(**fixed, **dict(zip(names, numbers)))
        return refuse_unless_fits(result, getattr(result, field))

    def run(values):
        texts, problem = _texts(function, values)
        if problem:
            return whole_call_error(problem)
        field = function.field.format(**texts)
        fixed = {parameters[name]: text for name, text in texts.items()
                 if parameters[name] in accepted}
        triples = _numbers(function, values, texts)
        names = tuple(name for name, _, _ in triples)

        def one_call(*numbers):
            if all(type(n) is float or type(n) is int for n in numbers):
                return one_cell(field, tuple(sorted(fixed.items())), names, numbers,
                                load_sheet().version)
            return one_range(field, fixed, names, numbers)
        return call(one_call, *triples)
    return run


def _sheet(function: Function):
    """A lookup in the hardware/price sheet, once per distinct combination of names."""
    method = function.calls.rpartition(".")[2]

    def resolve(*texts):
        found = getattr(load_sheet(), method)(*texts)
        return found[function.field] if function.field else found

    def run(values):
        return lookup(resolve, *[(a.name, values[a.name], None if a.required else a.default)
                                 for a in function.args])
    return run


def _version(function: Function):
    def run(values):
        return f"xlcpb {__version__}; sheet {load_sheet().version}"
    return run


KIND_HANDLERS = {"engine": _engine, "llm": _llm, "sheet": _sheet, "version": _version}


def _register(function: Function):
    """The xlwings function for ``function``: its signature, help texts and handler."""
    run = KIND_HANDLERS[function.kind](function)
    names = [argument.name for argument in function.args]

    def udf(*values):
        given = dict.fromkeys(names)  # arguments Excel left out stay None: their default
        given.update(zip(names, values))
        return run(given)

    udf.__name__ = udf.__qualname__ = function.python_name
    udf.__module__ = __name__
    udf.__doc__ = function.summary
    udf.__signature__ = inspect.Signature([
        inspect.Parameter(argument.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                          default=inspect.Parameter.empty if argument.required else None)
        for argument in function.args])
    registered = xw.func(category=CATEGORY)(udf)  # category: classic's wizard only
    for argument in function.args:
        # every argument as a 2-D range with error cells kept as their codes, so that
        # xlcpb.excel.cells can apply one rule per kind of cell
        registered = xw.arg(argument.name, ndim=2, err_to_str=True,
                            doc=argument.help)(registered)
    return registered


for _function in functions().values():
    globals()[_function.python_name] = _register(_function)

# what `from xlcpb.udfs import *` (xlwings Lite's main.py) registers
__all__ = [function.python_name for function in functions().values()]
