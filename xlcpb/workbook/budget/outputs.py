"""The budget workbook's Outputs sheet: totals, unit costs and break-even per workload as
native formulas of the Timeline, totals by quarter and year, the scenario and sensitivity
tables (values), and the charts."""

from __future__ import annotations

import numpy as np

from ...data.plan import budget_defaults
from ...engine.budget import horizon_total, monthly_totals, row_totals
from ...estimators.budget import (UNIT_NAMES, cost_groups, horizon_figures, scenario_totals,
                                 tornado)
from ..columns import cell_reference, column_letter
from ..styles import HEADER_STYLE, MONEY
from . import styles as looks
from .layout import CHART_WORKLOADS, TIMELINE_MONTH_ROW
from .sheets import BudgetBook
from .timeline import stored


def _periods(b: BudgetBook, sheet, row: int, title: str, length: int) -> int:
    sheet.write(row, 0, title, b.style(bold=True))
    totals = b.result.quarters if length == 3 else b.result.years
    row += 1
    labels = b.result.quarter_labels if length == 3 else b.result.year_labels
    sheet.write_row(row, 0, ["workload", *labels], b.style(**HEADER_STYLE))
    for index, name in enumerate(b.result.names):
        r = row + 1 + index
        sheet.write(r, 0, name)
        for p, label in enumerate(labels):
            heading = cell_reference(row, p + 1, absolute=True)
            criterion = heading if length == 3 else f"{heading}&\" Q*\""
            sheet.write_formula(r, p + 1, f"=SUMIFS({b.layout.timeline_row_range('cost', index)}"
                                          f",QuarterLabels,{criterion})",
                                b.style(MONEY), float(totals[index, p]))
    r = row + 1 + b.layout.workloads
    sheet.write(r, 0, "Total", b.style(bold=True))
    period_sums = monthly_totals(totals)
    for p in range(len(labels)):
        col = column_letter(p + 1)
        sheet.write_formula(r, p + 1, f"=SUM({col}{row + 2}:{col}{r})",
                            b.style(MONEY, bold=True), float(period_sums[p]))
    return r + 1


def _values_tables(b: BudgetBook, sheet, row: int) -> int:
    sheet.write(row, 0, "Scenarios: total self-hosting cost (values computed by xlcpb; "
                        "rebuild to refresh)", b.style(bold=True))
    row += 1
    for name, value in scenario_totals(b.prepared, b.result.settings).items():
        sheet.write(row, 0, name)
        sheet.write_number(row, 1, value, b.style(MONEY))
        row += 1
    row += 1
    swing = budget_defaults()["sensitivity"]["swing"]
    sheet.write(row, 0, f"Sensitivity: total cost with each input {swing:.0%} lower / "
                        "higher (tornado; values)", b.style(bold=True))
    row += 1
    sheet.write_row(row, 0, ["input", "lower", "higher", "swing"], b.style(**HEADER_STYLE))
    for entry in tornado(b.prepared, b.result.settings):
        row += 1
        sheet.write(row, 0, entry["input"])
        for col, key in enumerate(("low", "high", "swing"), start=1):
            sheet.write_number(row, col, entry[key], b.style(MONEY))
    return row + 1


# months on a chart's axis as months, not date serial numbers
MONTH_AXIS = {"date_axis": True, "num_format": "mmm yyyy", "base_unit": "months",
              "major_unit": 3, "major_unit_type": "months"}


def _charts(b: BudgetBook, sheet, row: int) -> None:
    months, workloads = b.layout.months, b.layout.workloads
    categories = ["Timeline", TIMELINE_MONTH_ROW, 1, TIMELINE_MONTH_ROW, months]
    by_workload = b.book.add_chart({"type": "column", "subtype": "stacked"})
    # a chart stays readable (and within Excel's 255 series) with the largest workloads
    largest = np.argsort(-b.result.workload_cost, kind="stable")[:CHART_WORKLOADS]
    for index in sorted(largest):
        r = b.layout.block_row("cost", index)
        by_workload.add_series({"name": ["Timeline", r, 0], "categories": categories,
                                "values": ["Timeline", r, 1, r, months]})
    shown = "" if workloads <= CHART_WORKLOADS else f" (largest {CHART_WORKLOADS})"
    by_workload.set_title({"name": f"Monthly self-hosting cost by workload{shown}"})
    by_workload.set_y_axis({"num_format": b.number_format(MONEY)})
    by_workload.set_x_axis(MONTH_AXIS)
    sheet.insert_chart(row, 0, by_workload, {"x_scale": 1.6, "y_scale": 1.2})
    versus = b.book.add_chart({"type": "line"})
    for r, label in ((b.layout.block_total_row("api") + 1, "Self-hosting"),
                     (b.layout.block_total_row("api"), "API alternative")):
        versus.add_series({"name": label, "categories": categories,
                           "values": ["Timeline", r, 1, r, months]})
    versus.set_title({"name": "Self-hosting vs API, workloads with an API alternative"})
    versus.set_y_axis({"num_format": b.number_format(MONEY)})
    versus.set_x_axis(MONTH_AXIS)
    sheet.insert_chart(row, 6, versus, {"x_scale": 1.4, "y_scale": 1.2})


HORIZON_WIDTHS = [22, 18, 25, 22, 16, 14, 15, 15]   # Outputs columns K to R


def _dates(b: BudgetBook) -> str:
    """The Timeline's months (dates), e.g. Timeline!$B$2:$AK$2."""
    row = TIMELINE_MONTH_ROW + 1
    return f"Timeline!$B${row}:${b.layout.last_month_letter}${row}"


def _stays_at_or_below(b: BudgetBook, index: int, mine: str, theirs: str, missing: str,
                       label: str = "n/a") -> str:
    """The month from which the cumulative ``mine`` block stays at or below ``theirs``: the
    month after the last one where it is above (the first month if never above; "never" if
    the last month is above; ``label`` where ``missing`` holds) - the engine's break_even_month,
    as an array formula."""
    months = _dates(b)
    cost = b.layout.timeline_row_range(mine, index)
    api = b.layout.timeline_row_range(theirs, index)
    dearer = f"({cost}>{api})"
    count = b.layout.months
    return (f"{{=IF({missing},\"{label}\","
            f"IF(INDEX({cost},1,{count})>INDEX({api},1,{count}),\"never\","
            f"TEXT(INDEX({months},1,IF(SUM(--{dearer})=0,1,MAX({dearer}*MonthIndex)+2)),"
            f"\"yyyy-mm\")))}}")


def _break_even_formula(b: BudgetBook, index: int) -> str:
    """Break-even: from when cumulative self-hosting stays at or below the API."""
    no_api = f"NOT({b.layout.calculation_cell('has API', index)})"
    return _stays_at_or_below(b, index, "cum_cost", "cum_api", no_api, "no API")


def month_label(result, month: int, missing: str) -> str:
    """The engine's month index as the workbook shows it: yyyy-mm, "never" or ``missing``."""
    return missing if month == -2 else "never" if month == -1 else result.months[month]


def _horizon_columns(b: BudgetBook, sheet, r: int, index: int, figures: dict) -> None:
    """Commitment utilisation and unused cost, ownership against rental per device-hour,
    payback and crossovers of one workload, from column K."""
    layout, result = b.layout, b.result
    row = lambda block: layout.timeline_row_range(block, index)  # noqa: E731
    committed, owned = f"SUM({row('committed')})", f"SUM({row('owned')})"
    sheet.write_array_formula(
        r, 10, r, 10, f"{{=IF({committed}=0,\"n/a\",SUM(IF(ISNUMBER({row('utilisation')}),"
                      f"{row('utilisation')}*{row('committed')},0))/{committed})}}",
        b.style(looks.SHARE, align="right"), stored(figures["commitment_utilisation"][index]))
    sheet.write_formula(r, 11, f"=SUM({row('unused')})", b.style(MONEY),
                        float(figures["unused_commitment_cost"][index]))
    device_hours = f"({owned}*HoursPerMonth)"
    renting = f"INDEX({row('cum_renting')},1,{layout.months})"
    for col, (amount, key) in enumerate(((f"SUM({row('cost_owned')})",
                                          "ownership_cost_per_device_hour"),
                                         (renting, "rental_price_per_device_hour")), start=12):
        sheet.write_formula(r, col, f"=IF({owned}=0,\"n/a\",{amount}/{device_hours})",
                            b.style(looks.PER_DEVICE_HOUR, align="right"),
                            stored(figures[key][index]))
    no_fleet = f"NOT({layout.workload_cell('owned_devices', index)}>0)"
    sheet.write_array_formula(r, 14, r, 14, _stays_at_or_below(b, index, "cum_owning",
                                                               "cum_renting", no_fleet),
                              b.style(align="right"),
                              month_label(result, int(result.payback[index]), "n/a"))
    flips, has_api = row("crossover"), layout.calculation_cell("has API", index)
    months = result.crossovers[index]
    sheet.write_formula(r, 15, f"=IF({has_api},SUM({flips}),\"n/a\")",
                        b.style(looks.COUNT, align="right"),
                        float(len(months)) if result.has_api[index] else "n/a")
    dates = _dates(b)
    for col, position, at in ((16, f"MATCH(1,{flips},0)", 0),
                              (17, f"MAX({flips}*MonthIndex)+1", -1)):
        shown = (result.months[months[at]] if months else "none") if result.has_api[index] \
            else "n/a"
        sheet.write_array_formula(
            r, col, r, col, f"{{=IF(NOT({has_api}),\"n/a\",IF(SUM({flips})=0,\"none\","
                            f"TEXT(INDEX({dates},1,{position}),\"yyyy-mm\")))}}",
            b.style(align="right"), shown)


def outputs(b: BudgetBook) -> None:
    sheet = b.sheet("Outputs", ["Workload", "Total cost", "API alternative", "Cost per unit",
                                "Unit", "Break-even", "Hourly rentals", "Commitments",
                                "Ownership", "Cash view", "Commitment utilisation",
                                "Unused commitment", "Ownership per device-hour",
                                "Rental per device-hour", "Payback (owned)", "Crossovers",
                                "First crossover", "Last crossover"],
                    [26, 16, 16, 14, 18, 14, 16, 16, 16, 16] + HORIZON_WIDTHS)
    layout, result = b.layout, b.result
    timeline_values = cost_groups(result)
    figures = horizon_figures(result)
    # period totals run across from column B: wide enough for millions, never "####"
    sheet.set_column(6, max(6, len(result.quarter_labels)), 14)
    for col, width in enumerate(HORIZON_WIDTHS, start=10):  # their headers in full
        sheet.set_column(col, col, width)
    for index, name in enumerate(result.names):
        r = layout.output_row(index)
        sheet.write_formula(r, 0, f"={layout.calculation_cell('workload', index)}", None, name)
        sheet.write_formula(r, 1, f"=SUM({layout.timeline_row_range('cost', index)})",
                            b.style(MONEY), float(result.workload_cost[index]))
        sheet.write_formula(r, 2, f"=IF({layout.calculation_cell('has API', index)},"
                                  f"SUM({layout.timeline_row_range('api', index)}),\"n/a\")",
                            b.style(MONEY, align="right"),
                            float(result.workload_api_cost[index]) if result.has_api[index]
                            else "n/a")
        modality = b.prepared.workloads[index]["modality"]
        per = 1e6 if modality == "text" else 1
        sheet.write_formula(r, 3, f"=B{r + 1}/(SUM({layout.timeline_row_range('demand', index)})"
                                  f"*{layout.calculation_cell('output tokens per unit', index)})"
                                  f"*{per:g}",
                            b.style(looks.UNIT_COST), float(result.unit_cost_over_horizon[index]))
        sheet.write(r, 4, UNIT_NAMES[modality])
        shown = month_label(result, int(result.break_even[index]), "no API")
        sheet.write_array_formula(r, 5, r, 5, _break_even_formula(b, index), None, shown)
        _horizon_columns(b, sheet, r, index, figures)
        for col, block in enumerate(("cost_hourly", "cost_committed", "cost_owned", "cash"),
                                    start=6):
            sheet.write_formula(r, col, f"=SUM({layout.timeline_row_range(block, index)})",
                                b.style(MONEY), float(row_totals(timeline_values[block])[index]))
    total = layout.output_total_row
    sheet.write(total, 0, "Total", b.style(bold=True))
    sheet.write_formula(total, 1, "=SUM(Timeline_cost_total)", b.style(MONEY, bold=True),
                        result.total_cost)
    sheet.write_formula(total, 2, "=SUM(Timeline_api_total)", b.style(MONEY, bold=True),
                        result.total_api_cost)
    for col, block in enumerate(("cost_hourly", "cost_committed", "cost_owned", "cash"),
                                start=6):
        sheet.write_formula(total, col, f"=SUM(Timeline_{block}_total)",
                            b.style(MONEY, bold=True), horizon_total(timeline_values[block]))
    sheet.write_formula(total, 11, "=SUM(Timeline_unused_total)", b.style(MONEY, bold=True),
                        horizon_total(result.unused_commitment_cost))
    b.name("WorkloadOutputs", "Outputs", layout.output_row(0), 0, total - 1, 17)
    b.name("TotalUnusedCommitment", "Outputs", total, 11)
    b.name("TotalCash", "Outputs", total, 9)
    b.name("CostByModel", "Outputs", layout.output_row(0), 6, total - 1, 9)
    b.name("TotalBudget", "Outputs", total, 1)
    b.name("TotalApiAlternative", "Outputs", total, 2)
    covered = total + 1
    sheet.write(covered, 0, "Same workloads as the API total", b.style(bold=True))
    sheet.write_formula(covered, 1, "=SUM(Timeline_covered_cost)", b.style(MONEY, bold=True),
                        result.api_covered_cost)
    sheet.write_formula(covered, 2, "=TotalApiAlternative", b.style(MONEY, bold=True),
                        result.total_api_cost)
    sheet.write(covered, 3, "the API total covers only workloads with an API alternative; "
                            "compare it with this self-hosting total")
    b.name("SelfHostedWithApi", "Outputs", covered, 1)
    row = _periods(b, sheet, total + 3, "Totals by quarter", 3)
    row = _periods(b, sheet, row + 1, "Totals by year", 12)
    row = _values_tables(b, sheet, row + 1)
    _charts(b, sheet, row + 1)

