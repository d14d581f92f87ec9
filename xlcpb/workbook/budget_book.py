"""The fleet budget workbook: the plan as inputs, the projection as native formulas.

Sheets: Inputs (scenario selector, start, declines, the scenario table), Workloads (the plan,
one row per workload, all inputs), Calculations (per workload: device-seconds per unit from
CPB_LLM_* or FLOPs, blended price, API cost per unit, scenario-adjusted volume and growth),
Timeline (months across: demand, devices, cost, API cost and their running totals, each a
native formula), Outputs (totals by quarter and year, unit costs, break-even, scenario totals
and the sensitivity table, charts), Checks, Hardware, About. Every formula cell stores the
value the budget engine computes, and after ``xlcpb publish`` a spreadsheet engine
recalculating the native formulas must arrive at the same numbers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from .. import __version__
from ..data.plan import budget_defaults, parse_plan_text
from ..data.sheet import load_bundled
from ..estimators.budget import (PRICING_MODELS, UNIT_NAMES, BudgetResult, BudgetSettings,
                                 Prepared, prepare, project, scenario_totals, tornado)
from ..engine.budget import monthly_totals, row_totals
from ..estimators.llm import default_efficiency
from .build import HEADER_STYLE, INPUT_STYLE, TITLE_STYLE, Renderer, _hardware
from .files import atomic_output

WORKLOAD_COLUMNS = ["name", "modality", "model", "flops_per_unit", "hardware", "precision",
                    "devices", "batch", "input_tokens", "output_tokens", "monthly_volume",
                    "monthly_growth", "reasoning_multiplier", "acceptance_rate", "utilisation",
                    "share_on_demand", "share_reserved", "share_spot", "price_on_demand",
                    "price_reserved", "price_spot", "api_input_price", "api_output_price",
                    "api_model", "service"]
FIRST = 4  # first data row (0-based) of the tables: rows above are title and headers
MONEY = '"$"#,##0'
CHART_WORKLOADS = 12


def _c(name: str) -> str:
    """Column letter of a Workloads column."""
    return xl_col_to_name(WORKLOAD_COLUMNS.index(name))


class BudgetBook:
    def __init__(self, path: str, spec_title: str, prepared: Prepared, result: BudgetResult):
        self.book = xlsxwriter.Workbook(path, {"strings_to_formulas": False,
                                               "strings_to_numbers": False})
        self.book.set_properties({"title": spec_title, "author": "xlcpb",
                                  "created": dt.datetime(2020, 1, 1)})
        self.spec = {"workbook": {"title": spec_title, "summary": ""}}
        self.r = Renderer(self.book, self.spec)
        self.prepared, self.result = prepared, result
        self.w = len(prepared.workloads)
        self.m = result.settings.months

    # -- helpers ---------------------------------------------------------------------------
    def name(self, name: str, sheet: str, row: int, col: int, last_row=None, last_col=None):
        reference = f"='{sheet}'!{xl_rowcol_to_cell(row, col, True, True)}"
        if last_row is not None:
            reference += f":{xl_rowcol_to_cell(last_row, last_col, True, True)}"
        self.book.define_name(name, reference)

    def rows(self) -> range:
        return range(FIRST, FIRST + self.w)

    # -- sheets ----------------------------------------------------------------------------
    def inputs(self):
        sheet = self.r.sheet("Inputs", ["Input", "Value", "Unit", "Note"], [44, 16, 18, 60])
        settings, defaults = self.result.settings, budget_defaults()
        efficiency = default_efficiency()
        year, month = (int(p) for p in settings.start.split("-"))
        entries = [
            ("Scenario", "Scenario", settings.scenario, "", None,
             "dropdown: low, base or high (the table below)"),
            ("StartMonth", "First month", dt.datetime(year, month, 1), "", "yyyy-mm", ""),
            ("HoursPerMonth", "Hours per month", settings.hours_per_month, "h", "0", ""),
            ("HardwareDecline", "Hardware rent price decline per year",
             settings.hardware_price_decline_per_year, "fraction/year", "0%",
             "seed 003: cheaper GPU cloud"),
            ("ApiDecline", "API price decline per year", settings.api_price_decline_per_year,
             "fraction/year", "0%", "seed 004: ~10x/year at constant capability"),
            ("DeclineCap", "Largest decline a scenario may reach", 0.99, "fraction/year", "0%",
             ""),
            ("ComputeEfficiency", "Compute efficiency for FLOPs-priced work", efficiency.compute,
             "fraction of peak", "0%", "calibrated on published measurements"),
            ("Tolerance", "Tolerance of the checks", 1e-9, "relative", "General", ""),
        ]
        row = FIRST - 1
        for name, label, value, unit, fmt, note in entries:
            sheet.write(row, 0, label)
            style = self.r.style(fmt, **INPUT_STYLE)
            if isinstance(value, dt.datetime):
                sheet.write_datetime(row, 1, value, style)
            else:
                sheet.write(row, 1, value, style)
            sheet.write(row, 2, unit)
            sheet.write(row, 3, note)
            self.name(name, "Inputs", row, 1)
            row += 1
        scenarios = defaults["scenarios"]
        row += 1
        sheet.write(row, 0, "Scenario table: multipliers of the uncertain inputs",
                    self.r.style(bold=True))
        row += 1
        columns = ["volume", "growth", "hardware_decline", "api_decline"]
        sheet.write_row(row, 0, ["scenario", *columns], self.r.style(**HEADER_STYLE))
        first = row + 1
        for offset, (name, values) in enumerate(scenarios.items()):
            sheet.write(first + offset, 0, name, self.r.style(**INPUT_STYLE))
            for col, key in enumerate(columns, start=1):
                sheet.write(first + offset, col, values[key], self.r.style("0.00", **INPUT_STYLE))
        last = first + len(scenarios) - 1
        self.name("ScenarioNames", "Inputs", first, 0, last, 0)
        for col, key in enumerate(columns, start=1):
            self.name(f"Scenario_{key}", "Inputs", first, col, last, col)
        sheet.data_validation(FIRST - 1, 1, FIRST - 1, 1, {"validate": "list",
                                                           "source": "=ScenarioNames"})

    def workloads(self):
        sheet = self.book.add_worksheet("Workloads")
        sheet.write(0, 0, "Workloads: the plan (one row per workload; blue cells are inputs)",
                    self.r.style(**TITLE_STYLE))
        header = self.r.style(**HEADER_STYLE)
        for col, name in enumerate(WORKLOAD_COLUMNS):
            sheet.write(FIRST - 1, col, name, header)
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, len(WORKLOAD_COLUMNS) - 1, 13)
        sheet.freeze_panes(FIRST, 1)
        for index, row in enumerate(self.prepared.workloads):
            values = dict(row)
            for col_index, (suffix, _) in enumerate(PRICING_MODELS):
                values[f"price_{suffix}"] = float(self.prepared.prices[index][col_index])
            api = self.prepared.api_cost_per_unit[index]
            values["api_input_price"], values["api_output_price"] = self._api_prices(row, api)
            for col, name in enumerate(WORKLOAD_COLUMNS):
                value = values.get(name)
                if value is None or (isinstance(value, float) and np.isnan(value)):
                    sheet.write_blank(FIRST + index, col, None, self.r.style(**INPUT_STYLE))
                else:
                    fmt = "0.00E+00" if name == "flops_per_unit" else None
                    sheet.write(FIRST + index, col, value, self.r.style(fmt, **INPUT_STYLE))

    @staticmethod
    def _api_prices(row, api_cost):
        if np.isnan(api_cost):
            return None, None
        api_row = load_bundled().api_price(row["api_model"])
        return api_row["input_price_per_mtok"], api_row["output_price_per_mtok"]

    def calculations(self):
        sheet = self.r.sheet("Calculations", ["Scenario input", "Value", "Unit", "Note"],
                             [34, 16, 16, 40])
        scalars = [("ScenarioVolume", "=INDEX(Scenario_volume,MATCH(Scenario,ScenarioNames,0))"),
                   ("ScenarioGrowth", "=INDEX(Scenario_growth,MATCH(Scenario,ScenarioNames,0))"),
                   ("HardwareDeclineEff",
                    "=MIN(HardwareDecline*INDEX(Scenario_hardware_decline,"
                    "MATCH(Scenario,ScenarioNames,0)),DeclineCap)"),
                   ("ApiDeclineEff", "=MIN(ApiDecline*INDEX(Scenario_api_decline,"
                                     "MATCH(Scenario,ScenarioNames,0)),DeclineCap)")]
        scenario = budget_defaults()["scenarios"][self.result.settings.scenario]
        values = [scenario["volume"], scenario["growth"], self.result.hardware_decline,
                  self.result.api_decline]
        for offset, ((name, formula), value) in enumerate(zip(scalars, values)):
            sheet.write(FIRST - 1 + offset, 0, name)
            sheet.write_formula(FIRST - 1 + offset, 1, formula, self.r.style("0.000"), value)
            self.name(name, "Calculations", FIRST - 1 + offset, 1)
        top = FIRST + len(scalars) + 1
        headers = ["workload", "output tokens per unit", "device-seconds per unit",
                   "blended price", "has API", "API cost per unit", "volume", "growth",
                   "share total"]
        sheet.write_row(top, 0, headers, self.r.style(**HEADER_STYLE))
        self.calc_first = top + 1
        for index, row in enumerate(self.prepared.workloads):
            r = self.calc_first + index
            w = FIRST + index + 1  # 1-based Workloads row
            ref = lambda name: f"Workloads!${_c(name)}{w}"  # noqa: E731
            text = row["modality"] == "text"
            sheet.write_formula(r, 0, f"={ref('name')}", None, row["name"])
            tokens = self.prepared.tokens_per_unit[index]
            sheet.write_formula(r, 1, f"={ref('output_tokens')}*{ref('reasoning_multiplier')}"
                                if text else "=1", None, tokens)
            if text:
                args = (f"{ref('model')},{ref('hardware')},{ref('precision')},{ref('batch')},"
                        f"{ref('input_tokens')},B{r + 1},{ref('devices')}")
                seconds = (f"={ref('devices')}*(CPB_LLM_TTFT({args})+B{r + 1}*"
                           f"CPB_LLM_TPOT({args}))/{ref('batch')}")
            else:
                seconds = (f"={ref('flops_per_unit')}/(CPB_HW({ref('hardware')},"
                           f"{ref('precision')})*ComputeEfficiency)")
            sheet.write_formula(r, 2, seconds, self.r.style("0.0000E+00"),
                                self.prepared.device_seconds_per_unit[index])
            sheet.write_formula(r, 3, f"={ref('share_on_demand')}*{ref('price_on_demand')}+"
                                      f"{ref('share_reserved')}*{ref('price_reserved')}+"
                                      f"{ref('share_spot')}*{ref('price_spot')}",
                                self.r.style("0.0000"), self.result.blended_price[index])
            has_api = not np.isnan(self.prepared.api_cost_per_unit[index])
            sheet.write_formula(r, 4, f"=AND(ISNUMBER({ref('api_input_price')}),"
                                      f"ISNUMBER({ref('api_output_price')}))", None, has_api)
            api_value = 0.0 if not has_api else self.prepared.api_cost_per_unit[index]
            sheet.write_formula(r, 5, f"=IF(E{r + 1},({ref('input_tokens')}*"
                                      f"{ref('api_input_price')}+B{r + 1}*"
                                      f"{ref('api_output_price')})/1000000,0)",
                                self.r.style("0.000000"), api_value)
            sheet.write_formula(r, 6, f"={ref('monthly_volume')}*ScenarioVolume",
                                self.r.style("#,##0"), float(self.result.volume[index]))
            sheet.write_formula(r, 7, f"={ref('monthly_growth')}*ScenarioGrowth",
                                self.r.style("0.00%"), float(self.result.growth[index]))
            sheet.write_formula(r, 8, f"={ref('share_on_demand')}+{ref('share_reserved')}+"
                                      f"{ref('share_spot')}", None,
                                float(row_totals(self.prepared.shares)[index]))

    def timeline(self):
        sheet = self.book.add_worksheet("Timeline")
        sheet.write(0, 0, "Timeline: every cell a native formula of the inputs",
                    self.r.style(**TITLE_STYLE))
        sheet.set_column(0, 0, 26)
        sheet.set_column(1, self.m, 11)
        header = self.r.style(**HEADER_STYLE)
        months = self.result.months
        sheet.write(1, 0, "month", header)
        sheet.write(2, 0, "month index", header)
        sheet.write(3, 0, "year / quarter", header)
        for m in range(self.m):
            col = m + 1
            year, month = (int(p) for p in months[m].split("-"))
            sheet.write_formula(1, col, f"=EDATE(StartMonth,{xl_rowcol_to_cell(2, col)})",
                                self.r.style("yyyy-mm", **HEADER_STYLE),
                                (dt.date(year, month, 1) - dt.date(1899, 12, 30)).days)
            sheet.write_number(2, col, m, header)
            sheet.write_formula(3, col, f"=\"Y\"&(INT({xl_rowcol_to_cell(2, col)}/12)+1)&"
                                        f"\"Q\"&(INT(MOD({xl_rowcol_to_cell(2, col)},12)/3)+1)",
                                header, f"Y{m // 12 + 1}Q{m % 12 // 3 + 1}")
        sheet.freeze_panes(4, 1)
        blocks = [("Accepted units (demand)", "demand", "#,##0"),
                  ("Devices (whole)", "devices", "#,##0"),
                  ("Self-hosting cost", "cost", MONEY),
                  ("API alternative cost", "api", MONEY),
                  ("Cumulative self-hosting cost", "cum_cost", MONEY),
                  ("Cumulative API cost", "cum_api", MONEY)]
        data = {"demand": self.result.demand, "devices": self.result.devices,
                "cost": self.result.cost, "api": self.result.api_cost,
                "cum_cost": self.result.cumulative_cost,
                "cum_api": self.result.cumulative_api_cost}
        # every block's first row, before any formula refers to one
        self.block_rows = {key: 6 + number * (self.w + 3) for number, (_, key, _) in
                           enumerate(blocks)}
        for title, key, fmt in blocks:
            first = self.block_rows[key]
            sheet.write(first - 1, 0, title, self.r.style(bold=True))
            for index in range(self.w):
                r = first + index
                calc = self.calc_first + index + 1
                sheet.write_formula(r, 0, f"=Calculations!$A${calc}", None,
                                    self.result.names[index])
                w = FIRST + index + 1
                for m in range(self.m):
                    col = m + 1
                    mi = xl_rowcol_to_cell(2, col, row_abs=True)
                    here = lambda block: xl_rowcol_to_cell(  # noqa: E731
                        self.block_rows[block] + index, col)
                    formula = {
                        "demand": f"=Calculations!$G${calc}*(1+Calculations!$H${calc})^{mi}",
                        "devices": (f"=ROUNDUP({here('demand')}/Workloads!${_c('acceptance_rate')}"
                                    f"${w}*Calculations!$C${calc}/3600/(HoursPerMonth*"
                                    f"Workloads!${_c('utilisation')}${w}),0)"),
                        "cost": (f"={here('devices')}*HoursPerMonth*Calculations!$D${calc}*"
                                 f"(1-HardwareDeclineEff)^({mi}/12)"),
                        "api": (f"={here('demand')}/Workloads!${_c('acceptance_rate')}${w}*"
                                f"Calculations!$F${calc}*(1-ApiDeclineEff)^({mi}/12)"),
                        "cum_cost": (f"={here('cost')}" if m == 0 else
                                     f"={xl_rowcol_to_cell(r, col - 1)}+{here('cost')}"),
                        "cum_api": (f"={here('api')}" if m == 0 else
                                    f"={xl_rowcol_to_cell(r, col - 1)}+{here('api')}"),
                    }[key]
                    sheet.write_formula(r, col, formula, self.r.style(fmt),
                                        float(data[key][index, m]))
            total_row = first + self.w
            sheet.write(total_row, 0, "Total", self.r.style(bold=True))
            for m in range(self.m):
                col = m + 1
                sheet.write_formula(total_row, col,
                                    f"=SUM({xl_rowcol_to_cell(first, col)}:"
                                    f"{xl_rowcol_to_cell(total_row - 1, col)})",
                                    self.r.style(fmt, bold=True),
                                    float(monthly_totals(data[key])[m]))
            self.name(f"Timeline_{key}", "Timeline", first, 1, total_row - 1, self.m)
            self.name(f"Timeline_{key}_total", "Timeline", total_row, 1, total_row, self.m)
        self.name("QuarterLabels", "Timeline", 3, 1, 3, self.m)
        self.name("MonthIndex", "Timeline", 2, 1, 2, self.m)

    def outputs(self):
        sheet = self.r.sheet("Outputs", ["Workload", "Total cost", "API alternative",
                                         "Cost per unit", "Unit", "Break-even"],
                             [26, 16, 16, 14, 18, 14])
        cost_first = self.block_rows["cost"]
        for index, name in enumerate(self.result.names):
            r = FIRST - 1 + index
            cost_row = cost_first + index + 1
            api_row = self.block_rows["api"] + index + 1
            demand_row = self.block_rows["demand"] + index + 1
            calc = self.calc_first + index + 1
            last = xl_col_to_name(self.m)
            sheet.write_formula(r, 0, f"=Calculations!$A${calc}", None, name)
            sheet.write_formula(r, 1, f"=SUM(Timeline!$B${cost_row}:${last}${cost_row})",
                                self.r.style(MONEY), float(self.result.workload_cost[index]))
            sheet.write_formula(r, 2, f"=SUM(Timeline!$B${api_row}:${last}${api_row})",
                                self.r.style(MONEY), float(self.result.workload_api_cost[index]))
            modality = self.prepared.workloads[index]["modality"]
            per = 1e6 if modality == "text" else 1
            sheet.write_formula(r, 3, f"=B{r + 1}/(SUM(Timeline!$B${demand_row}:${last}"
                                      f"${demand_row})*Calculations!$B${calc})*{per:g}",
                                self.r.style('"$"#,##0.0000'),
                                float(self.result.unit_cost_over_horizon[index]))
            sheet.write(r, 4, UNIT_NAMES[modality])
            cum_cost_row = self.block_rows["cum_cost"] + index + 1
            cum_api_row = self.block_rows["cum_api"] + index + 1
            month = self.result.break_even[index]
            shown = ("no API" if month == -2 else "never" if month == -1
                     else self.result.months[month])
            sheet.write_formula(
                r, 5, f"=IF(NOT(Calculations!$E${calc}),\"no API\",IFERROR(TEXT(INDEX("
                      f"Timeline!$B$2:${last}$2,MATCH(TRUE,INDEX(Timeline!$B${cum_cost_row}:"
                      f"${last}${cum_cost_row}<=Timeline!$B${cum_api_row}:${last}"
                      f"${cum_api_row},0),0)),\"yyyy-mm\"),\"never\"))", None, shown)
        total = FIRST - 1 + self.w
        sheet.write(total, 0, "Total", self.r.style(bold=True))
        sheet.write_formula(total, 1, "=SUM(Timeline_cost_total)",
                            self.r.style(MONEY, bold=True), self.result.total_cost)
        sheet.write_formula(total, 2, "=SUM(Timeline_api_total)",
                            self.r.style(MONEY, bold=True), self.result.total_api_cost)
        self.name("TotalBudget", "Outputs", total, 1)
        self.name("TotalApiAlternative", "Outputs", total, 2)
        row = total + 2
        row = self._periods(sheet, row, "Totals by quarter", 3)
        row = self._periods(sheet, row + 1, "Totals by year", 12)
        row = self._values_tables(sheet, row + 1)
        self._charts(sheet, row + 1)

    def _periods(self, sheet, row, title, length):
        sheet.write(row, 0, title, self.r.style(bold=True))
        totals = self.result.quarters if length == 3 else self.result.years
        row += 1
        labels = [f"Y{p // (12 // length) + 1}Q{p % (12 // length) + 1}" if length == 3
                  else f"Y{p + 1}" for p in range(totals.shape[1])]
        sheet.write_row(row, 0, ["workload", *labels], self.r.style(**HEADER_STYLE))
        for index, name in enumerate(self.result.names):
            r = row + 1 + index
            cost_row = self.block_rows["cost"] + index + 1
            last = xl_col_to_name(self.m)
            sheet.write(r, 0, name)
            for p, label in enumerate(labels):
                criterion = (f"\"{label}\"" if length == 3 else f"\"{label}Q*\"")
                sheet.write_formula(r, p + 1, f"=SUMIFS(Timeline!$B${cost_row}:${last}"
                                              f"${cost_row},QuarterLabels,{criterion})",
                                    self.r.style(MONEY), float(totals[index, p]))
        r = row + 1 + self.w
        sheet.write(r, 0, "Total", self.r.style(bold=True))
        for p in range(len(labels)):
            col = xl_col_to_name(p + 1)
            sheet.write_formula(r, p + 1, f"=SUM({col}{row + 2}:{col}{r})",
                                self.r.style(MONEY, bold=True),
                                float(monthly_totals(totals)[p]))
        return r + 1

    def _values_tables(self, sheet, row):
        sheet.write(row, 0, "Scenarios: total self-hosting cost (values computed by xlcpb; "
                            "rebuild to refresh)", self.r.style(bold=True))
        row += 1
        for name, value in scenario_totals(self.prepared, self.result.settings).items():
            sheet.write(row, 0, name)
            sheet.write_number(row, 1, value, self.r.style(MONEY))
            row += 1
        row += 1
        swing = budget_defaults()["sensitivity"]["swing"]
        sheet.write(row, 0, f"Sensitivity: total cost with each input {swing:.0%} lower / "
                            "higher (tornado; values)", self.r.style(bold=True))
        row += 1
        sheet.write_row(row, 0, ["input", "lower", "higher", "swing"],
                        self.r.style(**HEADER_STYLE))
        for entry in tornado(self.prepared, self.result.settings):
            row += 1
            sheet.write(row, 0, entry["input"])
            for col, key in enumerate(("low", "high", "swing"), start=1):
                sheet.write_number(row, col, entry[key], self.r.style(MONEY))
        return row + 1

    def _charts(self, sheet, row):
        cost_first = self.block_rows["cost"]
        by_workload = self.book.add_chart({"type": "column", "subtype": "stacked"})
        # a chart stays readable (and within Excel's 255 series) with the largest workloads
        largest = np.argsort(-self.result.workload_cost, kind="stable")[:CHART_WORKLOADS]
        for index in sorted(largest):
            r = cost_first + index
            by_workload.add_series({"name": ["Timeline", r, 0],
                                    "categories": ["Timeline", 1, 1, 1, self.m],
                                    "values": ["Timeline", r, 1, r, self.m]})
        shown = "" if self.w <= CHART_WORKLOADS else f" (largest {CHART_WORKLOADS})"
        by_workload.set_title({"name": f"Monthly self-hosting cost by workload{shown}"})
        by_workload.set_y_axis({"num_format": MONEY})
        sheet.insert_chart(row, 0, by_workload, {"x_scale": 1.6, "y_scale": 1.2})
        versus = self.book.add_chart({"type": "line"})
        for key, label in (("cost", "Self-hosting"), ("api", "API alternative")):
            r = self.block_rows[key] + self.w
            versus.add_series({"name": label, "categories": ["Timeline", 1, 1, 1, self.m],
                               "values": ["Timeline", r, 1, r, self.m]})
        versus.set_title({"name": "Self-hosting vs API, fleet total per month"})
        versus.set_y_axis({"num_format": MONEY})
        sheet.insert_chart(row, 6, versus, {"x_scale": 1.4, "y_scale": 1.2})

    def checks(self):
        sheet = self.r.sheet("Checks", ["Check", "Value", "Unit", "Note"], [60, 12, 10, 60])
        calc_first, calc_last = self.calc_first + 1, self.calc_first + self.w
        checks = [
            ("Workload totals add up to the fleet total",
             "=ABS(SUM(Outputs!B" + str(FIRST) + ":B" + str(FIRST - 1 + self.w)
             + ")-TotalBudget)<=Tolerance*ABS(TotalBudget)"),
            ("Every pricing mix adds up to 100%",
             f"=SUMPRODUCT(--(ABS(Calculations!$I${calc_first}:$I${calc_last}-1)>Tolerance))=0"),
            ("Monthly totals add up to the total",
             "=ABS(SUM(Timeline_cost_total)-SUM(Timeline_cost))<=Tolerance*ABS(TotalBudget)"),
            ("Devices are whole and never negative",
             "=SUMPRODUCT(--(Timeline_devices<>INT(Timeline_devices)))"
             "+SUMPRODUCT(--(Timeline_devices<0))=0"),
            ("Acceptance rates are within (0, 1]",
             f"=SUMPRODUCT(--(Workloads!${_c('acceptance_rate')}${FIRST + 1}:"
             f"${_c('acceptance_rate')}${FIRST + self.w}>1))=0"),
        ]
        row = FIRST - 1
        first = row
        good = self.r.style(bg_color="#C6EFCE", font_color="#006100")
        bad = self.r.style(bg_color="#FFC7CE", font_color="#9C0006")
        for label, formula in checks:
            sheet.write(row, 0, label)
            sheet.write_formula(row, 1, formula, None, True)
            row += 1
        sheet.conditional_format(first, 1, row - 1, 1, {"type": "cell", "criteria": "==",
                                                        "value": True, "format": good})
        sheet.conditional_format(first, 1, row - 1, 1, {"type": "cell", "criteria": "==",
                                                        "value": False, "format": bad})
        sheet.write(row + 1, 0, "All checks pass", self.r.style(bold=True))
        sheet.write_formula(row + 1, 1, f"=AND(B{first + 1}:B{row})", None, True)
        self.name("AllChecksPass", "Checks", row + 1, 1)

    def about(self, build_date: str, sources: list):
        sheet = self.book.add_worksheet("About")
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 1, 110)
        rows = [("Workbook", self.spec["workbook"]["title"]), ("xlcpb version", __version__),
                ("Sheet version", load_bundled().version), ("Build date", build_date),
                ("Method", "Per workload: device time per unit from the realistic LLM "
                           "estimator (text) or FLOPs at calibrated efficiency (image, audio, "
                           "video); whole devices at the target utilisation; blended prices "
                           "declining yearly; the API alternative at its own decline."),
                ("Functions", "CPB_* cells need the add-in; 'xlcpb publish' makes a copy that "
                              "computes without it.")]
        rows += [("Source", text) for text in sources]
        for offset, (label, value) in enumerate(rows):
            sheet.write(offset, 0, label, self.r.style(bold=True))
            sheet.write_string(offset, 1, str(value))


def render_budget(prepared: Prepared, result: BudgetResult, out: Path, title: str,
                  build_date: str) -> Path:
    with atomic_output(out) as temporary:
        book = BudgetBook(temporary, title, prepared, result)
        book.inputs()
        book.workloads()
        book.calculations()
        book.timeline()
        book.outputs()
        book.checks()
        _hardware(book.r)
        book.about(build_date, prepared.sources)
        book.book.close()
    return Path(out)


def build_budget_template(spec: dict, out: Path, build_date: str) -> Path:
    """A budget template spec (``templates/fleet_budget.toml``) rendered."""
    plan = parse_plan_text(spec["plan"]["csv"].strip(), spec["path"])
    prepared = prepare(plan)
    result = project(prepared, BudgetSettings(**spec.get("settings", {})))
    return render_budget(prepared, result, out, spec["workbook"]["title"], build_date)
