"""The one exception type of xlcpb.

Every bad input anywhere in the package (engine, sheet, importers, Excel functions) raises
:class:`CPBError`. Its message names the argument, the value it got and what to do instead,
so the CLI and the Excel functions can show it to a finance user as it is.
"""

from __future__ import annotations


class CPBError(ValueError):
    """A bad input or a failed lookup, with a message a user can act on.

    Attributes
    ----------
    argument : str or None
        The name of the offending argument (``"flops_per_s"``), or None when the error is
        not about one argument (a broken file, say).
    value : object
        The offending value as received.
    fix : str
        What to do instead, in one sentence.
    kind : str
        ``"value"`` (wrong type or text: Excel's #VALUE!), ``"num"`` (a number out of
        range: #NUM!) or ``"na"`` (a name not found: #N/A).
    """

    def __init__(self, message: str, *, argument: str | None = None, value: object = None,
                 fix: str = "", kind: str = "value") -> None:
        self.argument = argument
        self.value = value
        self.fix = fix
        self.kind = kind
        full = message if not fix else f"{message} {fix}"
        super().__init__(full)


def bad_argument(argument: str, value: object, problem: str, fix: str,
                 kind: str = "num") -> CPBError:
    """Build the standard error: ``<argument> = <value>: <problem>. <fix>``."""
    return CPBError(f"{argument} = {value!r}: {problem}.", argument=argument, value=value,
                    fix=fix, kind=kind)
