"""The budget workbook's Summary: one printed page a finance reader signs - the scenario,
horizon and currency, the key totals, totals by year and the largest workloads' figures,
every cell a formula of Outputs and Timeline (no arithmetic of its own)."""

from __future__ import annotations

import numpy as np

from ...engine.budget import horizon_total, monthly_totals
from ...estimators.budget import UNIT_NAMES
from ..columns import column_letter
from ..styles import HEADER_STYLE, MONEY, TITLE_STYLE
from . import styles as looks
from .layout import CHART_WORKLOADS
from .outputs import month_label
from .sheets import BudgetBook

KEY_FIGURES = (("Self-hosting cost (P&L view)", "TotalBudget", "total_cost"),
               ("Self-hosting cash out (cash view)", "TotalCash", None),
               ("API alternative (workloads that have one)", "TotalApiAlternative",
                "total_api_cost"),
               ("Self-hosting cost of the same workloads", "SelfHostedWithApi",
                "api_covered_cost"),
               ("Cost of unused commitment", "TotalUnusedCommitment", None))
# Outputs columns shown per workload: (header, Outputs column letter, money)
WORKLOAD_FIGURES = (("Total cost", "B", True), ("API alternative", "C", True),
                    ("Break-even", "F", False), ("Payback (owned)", "O", False),
                    ("Cost per unit", "D", False), ("Unit", "E", False))


def summary(b: BudgetBook) -> None:
    sheet = b.book.add_worksheet("Summary")
    result, layout = b.result, b.layout
    sheet.set_landscape()
    sheet.fit_to_pages(1, 1)
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, 7, 16)
    sheet.write(0, 0, f"Summary: {b.title}", b.style(**TITLE_STYLE))
    bold, money = b.style(bold=True), b.style(MONEY)
    last = f"EDATE(StartMonth,{layout.months - 1})"
    header = [("Scenario", "=Scenario", result.settings.scenario),
              ("Months", f"=TEXT(StartMonth,\"yyyy-mm\")&\" to \"&TEXT({last},\"yyyy-mm\")",
               f"{result.months[0]} to {result.months[-1]}"),
              ("Reporting currency", "=ReportingCurrency", result.settings.currency),
              ("All checks pass (Checks)", "=AllChecksPass", True)]
    row = 2
    for label, formula, value in header:
        sheet.write(row, 0, label, bold)
        sheet.write_formula(row, 1, formula, b.style(looks.TRUE_FALSE if value is True
                                                     else None, align="right"), value)
        row += 1
    row += 1
    sheet.write(row, 0, "Totals over the horizon", b.style(**HEADER_STYLE))
    sheet.write(row, 1, "", b.style(**HEADER_STYLE))
    for label, name, attribute in KEY_FIGURES:
        row += 1
        values = {"TotalCash": lambda: horizon_total(result.cash_cost),
                  "TotalUnusedCommitment": lambda: horizon_total(result.unused_commitment_cost)}
        value = getattr(result, attribute) if attribute else values[name]()
        sheet.write(row, 0, label)
        sheet.write_formula(row, 1, f"={name}", money, float(value))
    row += 2
    sheet.write(row, 0, "Self-hosting cost by year", b.style(**HEADER_STYLE))
    years = monthly_totals(result.years)
    for col, label in enumerate(result.year_labels, start=1):
        sheet.write_string(row, col, label, b.style(align="right", **HEADER_STYLE))
        heading = f"{column_letter(col)}{row + 1}"
        sheet.write_formula(row + 1, col, f"=SUMIFS(Timeline_cost_total,QuarterLabels,"
                                          f"{heading}&\" Q*\")", money, float(years[col - 1]))
    row += 3
    largest = sorted(np.argsort(-result.workload_cost, kind="stable")[:CHART_WORKLOADS])
    shown = "" if layout.workloads <= CHART_WORKLOADS else f" (largest {CHART_WORKLOADS})"
    sheet.write_row(row, 0, [f"Workload{shown}"] + [h for h, _, _ in WORKLOAD_FIGURES],
                    b.style(**HEADER_STYLE))
    for index in largest:
        row += 1
        source = layout.output_row(int(index)) + 1
        sheet.write_formula(row, 0, f"=Outputs!A{source}", None, result.names[index])
        for col, (_, letter, is_money) in enumerate(WORKLOAD_FIGURES, start=1):
            style = b.style(MONEY if is_money else looks.UNIT_COST if letter == "D" else None,
                            align="right")  # a figure or "n/a", kept in line
            sheet.write_formula(row, col, f"=Outputs!{letter}{source}", style,
                                _output_value(b, int(index), letter))
    sheet.print_area(0, 0, row, len(WORKLOAD_FIGURES))


def _output_value(b: BudgetBook, index: int, letter: str):
    """The value Outputs stores in column ``letter`` for workload ``index``."""
    result = b.result
    return {"B": lambda: float(result.workload_cost[index]),
            "C": lambda: float(result.workload_api_cost[index]) if result.has_api[index]
            else "n/a",
            "D": lambda: float(result.unit_cost_over_horizon[index]),
            "E": lambda: UNIT_NAMES[b.prepared.workloads[index]["modality"]],
            "F": lambda: month_label(result, int(result.break_even[index]), "no API"),
            "O": lambda: month_label(result, int(result.payback[index]), "n/a")}[letter]()
