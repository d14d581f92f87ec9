"""The one way xlcpb opens an XLSX for writing: xlsxwriter, set up for generated formulas.

Untrusted text is never turned into a formula or a number (``strings_to_formulas`` and
``strings_to_numbers`` off). Formulas skip xlsxwriter's preparation when it has nothing to
do: before storing each formula it runs some thirty regular-expression substitutions (one
per newer Excel function it prefixes with ``_xlfn.``), which took 5 of the 9 s of building a
100-workload x 60-month budget. A formula that names none of those functions is stored as
the same text those substitutions would have left.
"""

import inspect
import re

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

# Every function name xlsxwriter's preparation rewrites, read from that code itself so a newer
# xlsxwriter's additions are covered: ``"_xlfn.NAME("`` and ``"_xlfn._xlws.NAME("``.
_REWRITTEN_NAMES = sorted(set(re.findall(r'"_xlfn\.(?:_xlws\.)?([A-Z0-9.]+)\(',
                                         inspect.getsource(Worksheet._prepare_formula))),
                          key=len, reverse=True)
# A superset of xlsxwriter's own patterns (no word boundary): a match only means "prepare".
_NEEDS_PREPARATION = re.compile("|".join(re.escape(name) + r"\(" for name in _REWRITTEN_NAMES)
                                if _REWRITTEN_NAMES else r"(?s).")


class FormulaWorksheet(Worksheet):
    """xlsxwriter's worksheet, storing formulas that need no rewriting without the regexes."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        if (self.use_future_functions or expand_future_functions
                or _NEEDS_PREPARATION.search(formula)):
            return super()._prepare_formula(formula, expand_future_functions)
        # what the base method strips before its substitutions
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula


class FormulaWorkbook(xlsxwriter.Workbook):
    worksheet_class = FormulaWorksheet


def new_workbook(path) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook at ``path`` that writes text as text, never as formula or number."""
    return FormulaWorkbook(path, {"strings_to_formulas": False, "strings_to_numbers": False})
