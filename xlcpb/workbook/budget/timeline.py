"""The budget workbook's Timeline: months across, one block of rows per quantity
(:data:`.layout.TIMELINE_BLOCKS`), every cell a native formula of the inputs storing the
value the budget engine computed for it."""

from __future__ import annotations

import numpy as np

from ...data.exchange_rates import monthly_rates
from ...engine.budget import cumulative, monthly_totals, sum_of
from ...engine.calendar import excel_serial_date, quarter_label
from ...estimators.budget import cost_groups
from ..columns import cell_reference
from ..styles import HEADER_STYLE, TITLE_STYLE, print_wide
from . import styles as looks
from .layout import (TIMELINE_BLOCKS, TIMELINE_INDEX_ROW, TIMELINE_MONTH_ROW,
                     TIMELINE_QUARTER_ROW)
from .rates import workload_rate_formula
from .sheets import BudgetBook

# blocks that add up others of the same workload and month
SUMS = {"cost_hourly": ("on_demand", "reserved_hourly", "spot"),
        "cost_committed": ("committed_hours", "upfront"),
        "cost_owned": ("depreciation", "power", "hosting"),
        "cost": ("cost_hourly", "cost_committed", "cost_owned"),
        "cash": ("cost_hourly", "committed_hours", "upfront_paid", "capex", "power",
                 "hosting")}
# running totals: block -> the block it adds up month by month (the first: its own terms)
RUNNING = {"cum_cost": ("cost",), "cum_api": ("api",), "cum_owning": ("capex", "power",
                                                                        "hosting")}
# hourly pricing models: block -> the Workloads columns of its share and its price
HOURLY = {"on_demand": "on_demand", "reserved_hourly": "reserved", "spot": "spot"}
TEXT_WHERE_NONE = ("utilisation", "ownership")


def _timeline_formula(b: BudgetBook, block: str, index: int, month: int) -> str:
    """The native formula of one workload's month in a Timeline block."""
    layout, col = b.layout, b.layout.month_column(month)
    here = lambda other: cell_reference(layout.block_row(other, index), col)  # noqa: E731
    before = lambda other: cell_reference(layout.block_row(other, index), col - 1)  # noqa: E731
    if block in SUMS:
        return "=" + "+".join(here(part) for part in SUMS[block])
    if block in RUNNING:
        terms = "+".join(here(part) for part in RUNNING[block])
        return f"={terms}" if month == 0 else f"={before(block)}+{terms}"
    calc = lambda header: layout.calculation_cell(header, index)  # noqa: E731
    rate = lambda name: layout.workload_cell(name, index, absolute_row=True)  # noqa: E731
    mi = layout.month_index_cell(month)
    decline = f"(1-HardwareDeclineEff)^({mi}/12)"
    if block in ("rate", "api_rate"):
        return workload_rate_formula(layout.currency_cell(index, api=block == "api_rate"),
                                     month)
    if block == "demand":
        return f"={calc('volume')}*(1+{calc('growth')})^{mi}"
    if block == "replicas":
        return (f"=ROUNDUP({here('demand')}/{rate('acceptance_rate')}*"
                f"{calc('device-seconds per unit')}/3600/(HoursPerMonth*"
                f"{rate('utilisation')}*{rate('devices')}),0)")
    if block == "devices":
        per_instance = calc("devices per instance")
        return (f"=ROUNDUP({here('replicas')}*{rate('devices')}/{per_instance},0)*"
                f"{per_instance}")
    if block == "crossover":  # 1 where cumulative self-hosting <= API flips, else 0
        if month == 0:
            return "=0"
        cheaper = lambda at: f"({at('cum_cost')}<={at('cum_api')})"  # noqa: E731
        return (f"=IF(AND({calc('has API')},{cheaper(here)}<>{cheaper(before)}),1,0)")
    start, term = calc("commitment start index"), rate("commitment_months")
    bought, life = calc("purchase month index"), rate("depreciation_months")
    active = f"AND({mi}>={start},{mi}<{start}+{term})"
    rated = f"*{here('rate')}"  # in the reporting currency
    kw = f"{here('owned')}*{calc('TDP kW')}"
    used = f"MIN(MAX({here('devices')}-{here('owned')},0),{here('committed')})"
    idle = f"({here('committed')}-{used})"
    # each made only when asked for: a large plan has a million formulas
    formulas = {
        "committed": lambda: f"=IF({active},{rate('committed_devices')},0)",
        "owned": lambda: f"=IF({mi}>={bought},{rate('owned_devices')},0)",
        "hourly": lambda: f"=MAX({here('devices')}-{here('owned')}-{here('committed')},0)",
        "committed_hours": lambda: (f"={here('committed')}*HoursPerMonth*"
                                    f"{rate('price_committed')}{rated}"),
        "upfront": lambda: f"=IF({active},{rate('commitment_upfront')}/{term},0){rated}",
        "depreciation": lambda: (f"=IF(AND({mi}>={bought},{mi}<{bought}+{life}),"
                                 f"{calc('purchase')}/{life},0){rated}"),
        "power": lambda: (f"={kw}*{rate('pue')}*HoursPerMonth*{rate('power_price_per_kwh')}"
                          f"{rated}"),
        "hosting": lambda: f"={kw}*{rate('hosting_per_kw_month')}{rated}",
        "upfront_paid": lambda: f"=IF({mi}={start},{rate('commitment_upfront')},0){rated}",
        "capex": lambda: f"=IF({mi}={bought},{calc('purchase')},0){rated}",
        "api": lambda: (f"={here('demand')}/{rate('acceptance_rate')}*"
                        f"{calc('API cost per unit')}*(1-ApiDeclineEff)^({mi}/12)*"
                        f"{here('api_rate')}"),
        "utilisation": lambda: (f"=IF({here('committed')}>0,{used}/{here('committed')},"
                                "\"n/a\")"),
        "unused": lambda: f"={idle}*HoursPerMonth*{rate('price_committed')}{rated}",
        "ownership": lambda: (f"=IF({here('owned')}>0,{here('cost_owned')}/({here('owned')}*"
                              "HoursPerMonth),\"n/a\")"),
        "cum_renting": lambda: (f"={'' if month == 0 else before(block) + '+'}"
                                f"{here('owned')}*HoursPerMonth*{rate('price_on_demand')}*"
                                f"{decline}{rated}"),
    }
    if block in formulas:
        return formulas[block]()
    share = HOURLY[block]
    return (f"={here('hourly')}*HoursPerMonth*{rate(f'share_{share}')}*"
            f"{rate(f'price_{share}')}*{decline}{rated}")


def _covered_cost_row(b: BudgetBook, sheet, row: int) -> None:
    """Under the API block: each month's self-hosting cost of the workloads that have an API
    alternative, so the comparison is between the same workloads."""
    layout = b.layout
    sheet.write(row, 0, "Self-hosting, same workloads", b.style(bold=True))
    covered = monthly_totals(b.result.cost[b.result.has_api])
    for m in range(layout.months):
        col = layout.month_column(m)
        costs = (f"{cell_reference(layout.block_row('cost'), col)}:"
                 f"{cell_reference(layout.block_row('cost', layout.workloads - 1), col)}")
        sheet.write_formula(row, col, f"=SUMPRODUCT(--({layout.calculation_range('has API')})"
                                      f",{costs})", b.style(looks.TIMELINE_BLOCK_STYLES[
                                          "cost"][1], bold=True),
                            float(covered[m]) if np.size(covered) else 0.0)
    b.name("Timeline_covered_cost", "Timeline", row, 1, row, layout.months)


def _block_values(b: BudgetBook) -> dict:
    """What the engine computed for each block, W x M (NaN: "n/a")."""
    result = b.result
    flips = np.zeros_like(result.cost)
    for index, months in enumerate(result.crossovers):
        flips[index, months] = 1.0
    parts = {("committed_hours" if key == "committed" else key): value
             for key, value in {**result.cost_by_model, **result.cash_by_model}.items()}
    settings = result.settings
    rates = lambda codes: np.array([monthly_rates(  # noqa: E731
        settings.exchange_rates, code or settings.currency, settings.currency, result.months)
        for code in codes])
    owning_cash = sum_of([result.cash_by_model[key] for key in RUNNING["cum_owning"]])
    return {"demand": result.demand, "replicas": result.replicas, "devices": result.devices,
            "owned": result.owned, "committed": result.committed, "hourly": result.overflow,
            "rate": rates(b.prepared.currencies), "api_rate": rates(b.prepared.api_currencies),
            **parts, **cost_groups(result),
            "cost": result.cost, "api": result.api_cost, "cum_cost": result.cumulative_cost,
            "cum_api": result.cumulative_api_cost, "crossover": flips,
            "utilisation": result.commitment_utilisation,
            "unused": result.unused_commitment_cost,
            "ownership": result.ownership_cost_per_device_hour,
            "cum_owning": cumulative(owning_cash),
            "cum_renting": cumulative(result.owned_rental_cost)}


def stored(value: float):
    """A cell's stored value: the engine's number, "n/a" where it has none (NaN)."""
    return float(value) if np.isfinite(value) else "n/a"


def timeline(b: BudgetBook) -> None:
    sheet = b.book.add_worksheet("Timeline")
    sheet.write(0, 0, "Timeline: every cell a native formula of the inputs",
                b.style(**TITLE_STYLE))
    months = b.layout.months
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, months, 11)
    print_wide(sheet, TIMELINE_MONTH_ROW, TIMELINE_QUARTER_ROW)
    header = b.style(**HEADER_STYLE)
    sheet.write(TIMELINE_MONTH_ROW, 0, "month", header)
    sheet.write(TIMELINE_INDEX_ROW, 0, "month index", header)
    sheet.write(TIMELINE_QUARTER_ROW, 0, "year / quarter", header)
    for m, label in enumerate(b.result.months):
        col = b.layout.month_column(m)
        index_cell = cell_reference(TIMELINE_INDEX_ROW, col)
        year, month = (int(p) for p in label.split("-"))
        sheet.write_formula(TIMELINE_MONTH_ROW, col, f"=EDATE(StartMonth,{index_cell})",
                            b.style(looks.MONTH, **HEADER_STYLE), excel_serial_date(year, month))
        sheet.write_number(TIMELINE_INDEX_ROW, col, m, header)
        date = cell_reference(TIMELINE_MONTH_ROW, col)
        sheet.write_formula(TIMELINE_QUARTER_ROW, col,
                            f"=IF(FiscalStart>1,\"FY\",\"\")&(YEAR({date})+IF(AND("
                            f"FiscalStart>1,MONTH({date})>=FiscalStart),1,0))&\" Q\"&"
                            f"(INT(MOD(MONTH({date})-FiscalStart,12)/3)+1)",
                            header, quarter_label(year, month,
                                                  b.result.settings.fiscal_year_start))
    sheet.freeze_panes(4, 1)
    data = _block_values(b)
    for block in TIMELINE_BLOCKS:
        title, fmt = looks.TIMELINE_BLOCK_STYLES[block]
        # a share or a price per device-hour says "n/a" where there is none: kept in line
        style = b.style(fmt, align="right") if block in TEXT_WHERE_NONE else b.style(fmt)
        first, total_row = b.layout.block_row(block), b.layout.block_total_row(block)
        sheet.write(first - 1, 0, title, b.style(bold=True))
        for index in range(b.layout.workloads):
            r = b.layout.block_row(block, index)
            sheet.write_formula(r, 0, f"={b.layout.calculation_cell('workload', index)}", None,
                                b.result.names[index])
            for m in range(months):
                col, formula = b.layout.month_column(m), _timeline_formula(b, block, index, m)
                value = stored(data[block][index, m])
                sheet.write_formula(r, col, formula, style, value)
        b.name(f"Timeline_{block}", "Timeline", first, 1, total_row - 1, months)
        if block in ("rate", "api_rate", "utilisation", "ownership", "crossover"):
            continue  # a rate or a share: no total
        sheet.write(total_row, 0, "Total", b.style(bold=True))
        totals = monthly_totals(data[block])
        for m in range(months):
            col = b.layout.month_column(m)
            sheet.write_formula(total_row, col, f"=SUM({cell_reference(first, col)}:"
                                                f"{cell_reference(total_row - 1, col)})",
                                b.style(fmt, bold=True), float(totals[m]))
        b.name(f"Timeline_{block}_total", "Timeline", total_row, 1, total_row, months)
        if block == "api":  # what the API total compares with: the same workloads
            _covered_cost_row(b, sheet, total_row + 1)
    b.name("QuarterLabels", "Timeline", TIMELINE_QUARTER_ROW, 1, TIMELINE_QUARTER_ROW, months)
    b.name("MonthIndex", "Timeline", TIMELINE_INDEX_ROW, 1, TIMELINE_INDEX_ROW, months)
