"""Where everything sits in the budget workbook: sheets, rows and columns, as pure geometry.

Every position is computed here from the plan's size (workloads W, months M) before any
sheet is written, so a sheet that refers to another's cells never depends on the order in
which the sheets are written. Rows and columns count from 0, as XlsxWriter's do.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..columns import column_letter

FIRST = 4  # first data row (0-based) of the tables: rows above are title and headers
WORKLOAD_COLUMNS = ["name", "modality", "model", "flops_per_unit", "hardware", "precision",
                    "devices", "batch", "input_tokens", "output_tokens", "monthly_volume",
                    "monthly_growth", "reasoning_multiplier", "acceptance_rate", "utilisation",
                    "share_on_demand", "share_reserved", "share_spot", "price_on_demand",
                    "price_reserved", "price_spot", "api_input_price", "api_output_price",
                    "api_model", "service", "ttft_slo_s", "tpot_slo_s", "instance_type",
                    "committed_devices", "commitment_start", "commitment_months",
                    "price_committed", "commitment_upfront", "owned_devices", "owned_from",
                    "purchase_price_per_device", "purchase_price_per_server",
                    "devices_per_server", "depreciation_months", "pue", "power_price_per_kwh",
                    "hosting_per_kw_month", "api_price_per_unit", "api_units_per_unit",
                    "characters_per_unit", "currency", "cached_input_share",
                    "api_cached_input_price", "api_batch",
                    # image, audio, video workloads naming a media model (budget_media.py)
                    "width_px", "height_px", "clip_seconds", "fps", "steps"]
# Calculations: the scenario's scalars at the top (name, formula), then one row a workload.
SCENARIO_SCALARS = (
    ("ScenarioVolume", "=INDEX(Scenario_volume,MATCH(Scenario,ScenarioNames,0))"),
    ("ScenarioGrowth", "=INDEX(Scenario_growth,MATCH(Scenario,ScenarioNames,0))"),
    ("HardwareDeclineEff", "=MIN(HardwareDecline*INDEX(Scenario_hardware_decline,"
                           "MATCH(Scenario,ScenarioNames,0)),DeclineCap)"),
    ("ApiDeclineEff", "=MIN(ApiDecline*INDEX(Scenario_api_decline,"
                      "MATCH(Scenario,ScenarioNames,0)),DeclineCap)"))
SCENARIO_COLUMNS = ("volume", "growth", "hardware_decline", "api_decline")
CALCULATION_COLUMNS = ("workload", "output tokens per unit", "device-seconds per unit",
                       "blended price", "has API", "API cost per unit", "volume", "growth",
                       "share total", "devices per instance", "commitment start index",
                       "purchase month index", "purchase", "TDP kW")
# Timeline: one block of W rows (and a total row) per quantity, months across.
TIMELINE_BLOCKS = ("demand", "replicas", "devices", "owned", "committed", "hourly",
                   "rate", "api_rate", "on_demand", "reserved_hourly", "spot", "cost_hourly",
                   "committed_hours", "upfront", "cost_committed", "depreciation", "power",
                   "hosting", "cost_owned", "cost", "upfront_paid", "capex", "cash", "api",
                   "cum_cost", "cum_api", "crossover", "utilisation", "unused", "ownership",
                   "cum_owning", "cum_renting")
TIMELINE_FIRST_BLOCK = 6   # row of the first block's first workload
TIMELINE_MONTH_ROW = 1     # the month (a date), the month index, "Y1Q1"
TIMELINE_INDEX_ROW = 2
TIMELINE_QUARTER_ROW = 3
RATES_FIRST = 4           # Rates sheet: first row of the rate table (0-based)
RATES_SPARE = 24          # empty rows under the plan's rates, for the user to add some
CHART_WORKLOADS = 12       # a chart stays readable (and within Excel's 255 series)


@lru_cache(maxsize=None)
def workload_column(name: str) -> str:
    """Column letter of a Workloads column."""
    return column_letter(WORKLOAD_COLUMNS.index(name))


@lru_cache(maxsize=None)
def calculation_column(header: str) -> str:
    """Column letter of a Calculations column, by its header."""
    return column_letter(CALCULATION_COLUMNS.index(header))


@dataclass(frozen=True)
class Layout:
    workloads: int   # W
    months: int      # M
    rates: int = 0   # rows of the plan's exchange-rate table

    # -- Workloads: one row a workload -----------------------------------------------------
    def workload_row(self, index: int) -> int:
        return FIRST + index

    def workload_cell(self, name: str, index: int, absolute_row: bool = False) -> str:
        """Reference to a workload's input: Workloads!$K5 (or Workloads!$K$5)."""
        row = "$" if absolute_row else ""
        return f"Workloads!${workload_column(name)}{row}{self.workload_row(index) + 1}"

    def workload_range(self, name: str) -> str:
        column = workload_column(name)
        return f"Workloads!${column}${FIRST + 1}:${column}${FIRST + self.workloads}"

    # -- Calculations ----------------------------------------------------------------------
    def scalar_row(self, offset: int) -> int:
        return FIRST - 1 + offset

    @property
    def calculation_header_row(self) -> int:
        return FIRST + len(SCENARIO_SCALARS) + 1

    def calculation_row(self, index: int) -> int:
        return self.calculation_header_row + 1 + index

    def calculation_cell(self, header: str, index: int) -> str:
        """Absolute reference to a workload's calculation, e.g. Calculations!$C11."""
        return (f"Calculations!${calculation_column(header)}$"
                f"{self.calculation_row(index) + 1}")

    def calculation_range(self, header: str) -> str:
        column = calculation_column(header)
        return (f"Calculations!${column}${self.calculation_row(0) + 1}:"
                f"${column}${self.calculation_row(self.workloads - 1) + 1}")

    # -- Timeline: months across, from column B --------------------------------------------
    def month_column(self, month: int) -> int:
        return month + 1

    @property
    def last_month_letter(self) -> str:
        return column_letter(self.month_column(self.months - 1))

    def block_row(self, block: str, index: int = 0) -> int:
        """Row of workload ``index`` in a Timeline block; ``index`` W is the block's total."""
        return (TIMELINE_FIRST_BLOCK + TIMELINE_BLOCKS.index(block) * (self.workloads + 3)
                + index)

    def block_total_row(self, block: str) -> int:
        return self.block_row(block, self.workloads)

    def timeline_row_range(self, block: str, index: int) -> str:
        """A workload's months in a block, e.g. Timeline!$B$12:$AK$12."""
        row = self.block_row(block, index) + 1
        return f"Timeline!$B${row}:${self.last_month_letter}${row}"

    def month_index_cell(self, month: int) -> str:
        """The month's index, row fixed (B$3): what a month's formulas raise rates to."""
        return f"{column_letter(self.month_column(month))}${TIMELINE_INDEX_ROW + 1}"

    # -- Outputs ---------------------------------------------------------------------------
    def output_row(self, index: int) -> int:
        return FIRST - 1 + index

    @property
    def output_total_row(self) -> int:
        return self.output_row(self.workloads)

    # -- Rates: the rate table, then each workload's currencies ----------------------------
    @property
    def rate_rows(self) -> int:
        return self.rates + RATES_SPARE

    def rates_workload_row(self, index: int) -> int:
        return RATES_FIRST + self.rate_rows + 3 + index

    def currency_cell(self, index: int, api: bool = False) -> str:
        """A workload's prices' (or API's) currency on the Rates sheet, e.g. Rates!$B31."""
        return f"Rates!${'C' if api else 'B'}${self.rates_workload_row(index) + 1}"
