"""The fleet budget workbook: the plan as inputs, the projection as native formulas.

Sheets, in this order (``SHEETS``): Inputs (scenario selector, start, declines, the scenario
table), Workloads (the plan, one row per workload, all inputs), Calculations (per workload:
device-seconds per unit from CPB_LLM_* or FLOPs, blended price, API cost per unit,
scenario-adjusted volume and growth), Timeline (months across: demand, devices, cost, API
cost and their running totals, each a native formula), Outputs (totals by quarter and year,
unit costs, break-even, scenario totals and the sensitivity table, charts), Checks, Hardware,
About. Every formula cell stores the value the budget engine computes, and after ``xlcpb
publish`` a spreadsheet engine recalculating the native formulas must arrive at the same
numbers. Positions come from :mod:`.layout`, so the order is the tabs' order only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ...data.plan import parse_plan_text
from ...estimators.budget import BudgetResult, BudgetSettings, Prepared, prepare, project
from ..files import atomic_output
from ..hardware_sheet import write_hardware_sheet
from ..styles import Styles
from ..xlsx_writer import new_workbook
from . import sheets
from .layout import Layout
from .outputs import outputs
from .rates import rates
from .summary import summary
from .timeline import timeline

# The workbook's sheets, as its tabs read from left to right.
SHEETS = (summary, sheets.inputs, rates, sheets.workloads, sheets.calculations, timeline, outputs,
          sheets.checks, lambda book: write_hardware_sheet(book.styles), sheets.about)


def render_budget(prepared: Prepared, result: BudgetResult, out: Path, title: str,
                  build_date: str) -> Path:
    """Write the budget workbook of ``result`` to ``out`` (atomically)."""
    with atomic_output(out) as temporary:
        workbook = new_workbook(temporary)
        workbook.set_properties({"title": title, "author": "xlcpb",
                                 "created": dt.datetime(2020, 1, 1)})
        book = sheets.BudgetBook(Styles(workbook), Layout(len(prepared.workloads),
                                                          result.settings.months,
                                                          len(result.settings.exchange_rates)),
                                 prepared, result, title, build_date)
        for write in SHEETS:
            write(book)
        workbook.close()
    return Path(out)


def build_budget_template(spec: dict, out: Path, build_date: str) -> Path:
    """A budget template spec (``xlcpb/templates/fleet_budget.toml``) rendered."""
    plan = parse_plan_text(spec["plan"]["csv"].strip(), spec["path"])
    prepared = prepare(plan)
    result = project(prepared, BudgetSettings(**spec.get("settings", {})))
    return render_budget(prepared, result, out, spec["workbook"]["title"], build_date)
