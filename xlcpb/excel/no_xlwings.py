"""Stand-ins for xlwings' decorators where xlwings is not installed.

The CPB_* functions are plain Python functions; only Excel needs them registered. Without
xlwings (building workbooks, the CLI), ``xlcpb.udfs`` still imports and its functions run.
"""


def func(function=None, **options):
    if function is None:
        return lambda inner: inner
    return function


def arg(name, convert=None, **options):
    return lambda function: function


class XlwingsError(Exception):
    """Raised where xlwings would raise its own error (never under classic semantics)."""
