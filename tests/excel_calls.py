"""Calling Excel functions the way Excel does, through xlwings' Office.js call path."""

import asyncio

import xlwings as xw
from xlwings.server import custom_functions_call


def payload(func_name, *args):
    """The request Office.js sends: every argument a 2-D list (a single cell is [[x]])."""
    return {"func_name": func_name, "args": [cell(arg) for arg in args],
            "version": xw.__version__, "client": "Office.js", "runtime": "1.4",
            "culture_info_name": "en-US", "date_format": "M/d/yyyy"}


def cell(arg):
    """A scalar as a 1x1 range; a 1-D list as a column; 2-D lists as they are."""
    if isinstance(arg, list):
        return arg if not arg or isinstance(arg[0], list) else [[item] for item in arg]
    return [[arg]]


def excel(module, func_name, *args):
    """The function's result as Excel receives it (a 2-D list)."""
    return asyncio.run(custom_functions_call(payload(func_name, *args), module))


def scalar(module, func_name, *args):
    result = excel(module, func_name, *args)
    assert len(result) == 1 and len(result[0]) == 1, result
    return result[0][0]


NA = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
VALUE_ERROR = {"type": "Error", "errorType": "Value"}
NUM_ERROR = {"type": "Error", "errorType": "Num"}
NA_ERROR = {"type": "Error", "errorType": "NotAvailable"}
