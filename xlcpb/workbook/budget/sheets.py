"""The budget workbook's sheets, one function each, writing into a :class:`BudgetBook`.

Every position comes from the :class:`.layout.Layout`, every look from :mod:`.styles`; each
formula cell stores the value the budget engine computed, so the file shows the right
numbers on opening, and a spreadsheet recalculating the native formulas arrives at them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ... import __version__
from ...data.plan import budget_defaults
from ...data.sheet import load_bundled
from ...engine.budget import row_totals
from ...estimators.budget import PRICING_MODELS, BudgetResult, Prepared, month_starts
from ...estimators.llm import default_efficiency
from ..columns import cell_reference
from ..styles import (HEADER_STYLE, INPUT_STYLE, PROTECTION_NOTE, TITLE_STYLE, Styles,
                      print_wide)
from . import styles as looks
from .layout import (CALCULATION_COLUMNS, FIRST, SCENARIO_COLUMNS, SCENARIO_SCALARS,
                     WORKLOAD_COLUMNS, Layout)
from .media_cells import media_seconds_formula


@dataclass
class BudgetBook:
    """A budget workbook being written: where things go, how they look, what they hold."""

    styles: Styles
    layout: Layout
    prepared: Prepared
    result: BudgetResult
    title: str
    build_date: str

    @property
    def book(self):
        return self.styles.book

    def name(self, name: str, sheet: str, row: int, col: int, last_row=None, last_col=None):
        reference = f"='{sheet}'!{cell_reference(row, col, absolute=True)}"
        if last_row is not None and (last_row, last_col) != (row, col):  # 1 x 1: a cell
            reference += f":{cell_reference(last_row, last_col, absolute=True)}"
        self.book.define_name(name, reference)

    def sheet(self, name: str, headers: list[str], widths: list[int]):
        return self.styles.titled_sheet(self.title, "", name, headers, widths)

    def number_format(self, number_format: str | None) -> str | None:
        """A format in the budget's reporting currency: "$" becomes "EUR " for a EUR budget."""
        currency = self.result.settings.currency
        if number_format is None or currency == "USD":
            return number_format
        return number_format.replace('"$"', f'"{currency} "')

    def style(self, number_format: str | None = None, **extra):
        return self.styles.style(self.number_format(number_format), **extra)


def inputs(b: BudgetBook) -> None:
    sheet = b.sheet("Inputs", ["Input", "Value", "Unit", "Note"], [44, 16, 18, 60])
    settings = b.result.settings
    year, month = (int(p) for p in settings.start.split("-"))
    entries = [
        ("Scenario", "Scenario", settings.scenario, "", None,
         "dropdown: low, base or high (the table below)"),
        ("StartMonth", "First month", dt.datetime(year, month, 1), "", looks.MONTH, ""),
        ("FiscalStart", "First month of the fiscal year", settings.fiscal_year_start,
         "month (1-12)", "0", "1: calendar years; 4: April (FY2028 = April 2027 - March 2028)"),
        ("HoursPerMonth", "Hours per month", settings.hours_per_month, "h", "0", ""),
        ("HardwareDecline", "Hardware rent price decline per year",
         settings.hardware_price_decline_per_year, "fraction/year", "0%",
         "seed 003: cheaper GPU cloud"),
        ("ApiDecline", "API price decline per year", settings.api_price_decline_per_year,
         "fraction/year", "0%", "seed 004: ~10x/year at constant capability"),
        ("DeclineCap", "Largest decline a scenario may reach",
         budget_defaults()["decline_cap"], "fraction/year", "0%", ""),
        ("ComputeEfficiency", "Compute efficiency for FLOPs-priced work",
         default_efficiency().compute, "fraction of peak", "0%",
         "calibrated on published measurements"),
        ("Tolerance", "Tolerance of the checks", 1e-9, "relative", "General", ""),
    ]
    row = FIRST - 1
    for name, label, value, unit, fmt, note in entries:
        sheet.write(row, 0, label)
        style = b.style(fmt, **INPUT_STYLE)
        if isinstance(value, dt.datetime):
            sheet.write_datetime(row, 1, value, style)
        else:
            sheet.write(row, 1, value, style)
        sheet.write(row, 2, unit)
        sheet.write(row, 3, note)
        b.name(name, "Inputs", row, 1)
        row += 1
    scenarios = budget_defaults()["scenarios"]
    row += 1
    sheet.write(row, 0, "Scenario table: multipliers of the uncertain inputs", b.style(bold=True))
    row += 1
    sheet.write_row(row, 0, ["scenario", *SCENARIO_COLUMNS], b.style(**HEADER_STYLE))
    first = row + 1
    for offset, (name, values) in enumerate(scenarios.items()):
        sheet.write(first + offset, 0, name, b.style(**INPUT_STYLE))
        for col, key in enumerate(SCENARIO_COLUMNS, start=1):
            sheet.write(first + offset, col, values[key], b.style(looks.MULTIPLIER, **INPUT_STYLE))
    last = first + len(scenarios) - 1
    b.name("ScenarioNames", "Inputs", first, 0, last, 0)
    for col, key in enumerate(SCENARIO_COLUMNS, start=1):
        b.name(f"Scenario_{key}", "Inputs", first, col, last, col)
    sheet.data_validation(FIRST - 1, 1, FIRST - 1, 1, {"validate": "list",
                                                       "source": "=ScenarioNames"})


def workloads(b: BudgetBook) -> None:
    sheet = b.book.add_worksheet("Workloads")
    sheet.write(0, 0, "Workloads: the plan (one row per workload; blue cells are inputs)",
                b.style(**TITLE_STYLE))
    header = b.style(**HEADER_STYLE)
    for col, name in enumerate(WORKLOAD_COLUMNS):
        sheet.write(FIRST - 1, col, name, header)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, len(WORKLOAD_COLUMNS) - 1, 13)
    sheet.freeze_panes(FIRST, 1)
    print_wide(sheet, FIRST - 1)
    for index, row in enumerate(b.prepared.workloads):
        values = dict(row)
        for col_index, (suffix, _) in enumerate(PRICING_MODELS):
            values[f"price_{suffix}"] = float(b.prepared.prices[index][col_index])
        for col, name in enumerate(WORKLOAD_COLUMNS):
            value = values.get(name)
            r = b.layout.workload_row(index)
            if value is None or (isinstance(value, float) and np.isnan(value)):
                sheet.write_blank(r, col, None, b.style(**INPUT_STYLE))
            else:
                fmt = looks.FLOPS if name == "flops_per_unit" else None
                sheet.write(r, col, value, b.style(fmt, **INPUT_STYLE))


def calculations(b: BudgetBook) -> None:
    sheet = b.sheet("Calculations", ["Scenario input", "Value", "Unit", "Note"], [34, 16, 16, 40])
    sheet.set_column(4, len(CALCULATION_COLUMNS) - 1, 16)  # a purchase in full, never ####
    scenario = budget_defaults()["scenarios"][b.result.settings.scenario]
    values = [scenario["volume"], scenario["growth"], b.result.hardware_decline,
              b.result.api_decline]
    for offset, ((name, formula), value) in enumerate(zip(SCENARIO_SCALARS, values)):
        row = b.layout.scalar_row(offset)
        sheet.write(row, 0, name)
        sheet.write_formula(row, 1, formula, b.style(looks.SCENARIO_SCALAR), value)
        b.name(name, "Calculations", row, 1)
    sheet.write_row(b.layout.calculation_header_row, 0, list(CALCULATION_COLUMNS),
                    b.style(**HEADER_STYLE))
    for index, row in enumerate(b.prepared.workloads):
        r = b.layout.calculation_row(index)
        ref = lambda name: b.layout.workload_cell(name, index)  # noqa: E731
        tokens_cell = f"B{r + 1}"
        text = row["modality"] == "text"
        sheet.write_formula(r, 0, f"={ref('name')}", None, row["name"])
        sheet.write_formula(r, 1, f"={ref('output_tokens')}*{ref('reasoning_multiplier')}"
                            if text else "=1", None, b.prepared.tokens_per_unit[index])
        if text:  # one replica in server mode at the latency targets (replica_serving)
            args = (f"{ref('model')},{ref('hardware')},{ref('precision')},\"max\","
                    f"{ref('input_tokens')},{tokens_cell},{ref('devices')},{ref('devices')},1,"
                    f"\"server\",\"generic\",,{ref('ttft_slo_s')},{ref('tpot_slo_s')},"
                    f"{ref('batch')}")
            seconds = f"={ref('devices')}*{tokens_cell}/CPB_LLM_TOKENS_PER_S({args})"
        elif row.get("model"):  # a media catalog model: its estimator's function
            seconds = media_seconds_formula(row["modality"], ref)
        else:
            seconds = (f"={ref('flops_per_unit')}/(CPB_HW({ref('hardware')},"
                       f"{ref('precision')})*ComputeEfficiency)")
        sheet.write_formula(r, 2, seconds, b.style(looks.DEVICE_SECONDS),
                            b.prepared.device_seconds_per_unit[index])
        sheet.write_formula(r, 3, f"={ref('share_on_demand')}*{ref('price_on_demand')}+"
                                  f"{ref('share_reserved')}*{ref('price_reserved')}+"
                                  f"{ref('share_spot')}*{ref('price_spot')}",
                            b.style(looks.PRICE), b.result.blended_price[index])
        has_api = not np.isnan(b.prepared.api_cost_per_unit[index])
        sheet.write_formula(r, 4, f"=OR(AND(ISNUMBER({ref('api_input_price')}),"
                                  f"ISNUMBER({ref('api_output_price')})),"
                                  f"ISNUMBER({ref('api_price_per_unit')}))", None, has_api)
        api_value = b.prepared.api_cost_per_unit[index] if has_api else 0.0
        sheet.write_formula(r, 5, f"=IF(E{r + 1},IF(ISNUMBER({ref('api_price_per_unit')}),"
                                  f"{ref('api_price_per_unit')}*{ref('api_units_per_unit')},"
                                  f"({ref('input_tokens')}*(1-{ref('cached_input_share')})*"
                                  f"{ref('api_input_price')}+{ref('input_tokens')}*"
                                  f"{ref('cached_input_share')}*"
                                  f"{ref('api_cached_input_price')}+"
                                  f"{tokens_cell}*{ref('api_output_price')})/1000000),0)",
                            b.style(looks.API_COST), api_value)
        sheet.write_formula(r, 6, f"={ref('monthly_volume')}*ScenarioVolume",
                            b.style(looks.COUNT), float(b.result.volume[index]))
        sheet.write_formula(r, 7, f"={ref('monthly_growth')}*ScenarioGrowth",
                            b.style(looks.GROWTH), float(b.result.growth[index]))
        sheet.write_formula(r, 8, f"={ref('share_on_demand')}+{ref('share_reserved')}+"
                                  f"{ref('share_spot')}", None,
                            float(row_totals(b.prepared.shares)[index]))
        # from instance_types.csv: no spreadsheet function looks instance types up
        sheet.write_number(r, 9, float(b.prepared.devices_per_instance[index]))
        for col, key in ((10, "commitment_start"), (11, "owned_from")):
            start = ref(key)
            sheet.write_formula(r, col, f"=IF({start}=\"\",0,(VALUE(LEFT({start},4))-"
                                        f"YEAR(StartMonth))*12+VALUE(MID({start},6,2))-"
                                        "MONTH(StartMonth))", None,
                                float(month_starts([row], b.result.settings, key)[0]))
        owned = ref("owned_devices")
        sheet.write_formula(r, 12, f"={owned}*{ref('purchase_price_per_device')}+ROUNDUP("
                                   f"{owned}/{ref('devices_per_server')},0)*"
                                   f"{ref('purchase_price_per_server')}", b.style(looks.PRICE),
                            float(b.prepared.purchase[index]))
        sheet.write_formula(r, 13, f"=IF({owned}>0,CPB_HW({ref('hardware')},\"tdp_watts\")"
                                   "/1000,0)", None,
                            float(b.prepared.tdp_watts[index] / 1000 if
                                  b.prepared.owned_devices[index] else 0.0))


def checks(b: BudgetBook) -> None:
    sheet = b.sheet("Checks", ["Check", "Value", "Unit", "Note"], [60, 12, 10, 60])
    layout = b.layout
    first_output = layout.output_row(0) + 1
    last_output = layout.output_row(layout.workloads - 1) + 1
    entries = [
        ("Workload totals add up to the fleet total",
         f"=ABS(SUM(Outputs!B{first_output}:B{last_output})-TotalBudget)"
         "<=Tolerance*ABS(TotalBudget)"),
        ("Every pricing mix adds up to 100%",
         f"{{=SUM(--(ABS({layout.calculation_range('share total')}-1)"
         ">Tolerance))=0}"),
        ("Monthly totals add up to the total",
         "=ABS(SUM(Timeline_cost_total)-SUM(Timeline_cost))<=Tolerance*ABS(TotalBudget)"),
        ("Devices are whole and never negative",
         "{=SUM(--(Timeline_devices<>INT(Timeline_devices)))"
         "+SUM(--(Timeline_devices<0))=0}"),
        ("Acceptance rates are within (0, 1]",
         f"=SUMPRODUCT(--({layout.workload_range('acceptance_rate')}>1))=0"),
        ("Every currency has an exchange rate in every month (Rates)",
         "{=SUM(--ISNA(Timeline_rate))+SUM(--ISNA(Timeline_api_rate))=0}"),
    ]
    first = row = FIRST - 1
    for label, formula in entries:
        sheet.write(row, 0, label)
        if formula.startswith("{"):  # array formulas: Gnumeric, LibreOffice, Excel agree
            # xlsxwriter stores an array formula's cached value as a number: 1, shown TRUE
            sheet.write_array_formula(row, 1, row, 1, formula,
                                      b.style('"TRUE";"TRUE";"FALSE"'), 1)
        else:
            sheet.write_formula(row, 1, formula, None, True)
        row += 1
    b.styles.check_colours(sheet, first, row - 1, 1)
    sheet.write(row + 1, 0, "All checks pass", b.style(bold=True))
    sheet.write_formula(row + 1, 1, f"=AND(B{first + 1}:B{row})", None, True)
    b.name("AllChecksPass", "Checks", row + 1, 1)


def about(b: BudgetBook) -> None:
    sheet = b.book.add_worksheet("About")
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 110)
    print_wide(sheet)
    rows = [("Workbook", b.title), ("xlcpb version", __version__),
            ("Sheet version", load_bundled().version), ("Build date", b.build_date),
            ("Method", "Per workload: device time per unit from the realistic LLM "
                       "estimator (text), the media estimators (image, audio, video naming "
                       "a media model) or FLOPs at calibrated efficiency (the others); "
                       "whole devices at the target utilisation; blended prices "
                       "declining yearly; the API alternative at its own decline; prices "
                       "in another currency at the month's rate on Rates."),
            ("Functions", "CPB_* cells need the add-in; 'xlcpb publish' makes a copy that "
                          "computes without it."),
            ("Protection", PROTECTION_NOTE)]
    rows += [("Device time", text) for text in b.prepared.assumptions]
    rows += [("Source", text) for text in b.prepared.sources]
    for offset, (label, value) in enumerate(rows):
        sheet.write(offset, 0, label, b.style(bold=True))
        sheet.write_string(offset, 1, str(value))
