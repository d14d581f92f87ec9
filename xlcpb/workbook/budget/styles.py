"""How the budget workbook looks: the number format of each quantity (shared cell styles:
:mod:`xlcpb.workbook.styles`)."""

from __future__ import annotations

from ..styles import MONEY

UNIT_COST = '"$"#,##0.0000'
FLOPS = "0.00E+00"
MULTIPLIER = "0.00"
SCENARIO_SCALAR = "0.000"
DEVICE_SECONDS = "0.0000E+00"
PRICE = "0.0000"
API_COST = "0.000000"
COUNT = "#,##0"
GROWTH = "0.00%"
MONTH = "yyyy-mm"
RATE = "0.000000"
SHARE = "0.0%"
PER_DEVICE_HOUR = '"$"#,##0.0000'
TRUE_FALSE = '"TRUE";"TRUE";"FALSE"'   # a check's result, whichever way an engine stores it
FLIP = '"flip";"flip";""'   # a crossover month shows "flip", the others nothing
# Timeline blocks: title and number format
TIMELINE_BLOCK_STYLES = {
    "demand": ("Accepted units (demand)", COUNT),
    "replicas": ("Replicas (whole, of devices per replica)", COUNT),
    "devices": ("Devices rented (whole replicas, whole instances)", COUNT),
    "owned": ("Devices owned (serve demand first)", COUNT),
    "committed": ("Devices under commitment (billed used or not)", COUNT),
    "hourly": ("Devices at hourly prices (on demand, spot, hourly reserved)", COUNT),
    "rate": ("Exchange rate: the workload's prices to the reporting currency (Rates)", RATE),
    "api_rate": ("Exchange rate: the API's prices to the reporting currency (Rates)", RATE),
    "on_demand": ("Cost: on demand", MONEY),
    "reserved_hourly": ("Cost: reserved, billed hourly (no commitment)", MONEY),
    "spot": ("Cost: spot", MONEY),
    "cost_hourly": ("Cost: hourly rentals", MONEY),
    "committed_hours": ("Cost: committed devices' hours", MONEY),
    "upfront": ("Cost: commitment upfront fee, spread over the term", MONEY),
    "cost_committed": ("Cost: commitments (upfront spread over the term)", MONEY),
    "depreciation": ("Cost: depreciation of owned devices (straight line)", MONEY),
    "power": ("Cost: power of owned devices", MONEY),
    "hosting": ("Cost: hosting of owned devices", MONEY),
    "cost_owned": ("Cost: ownership (depreciation, power, hosting)", MONEY),
    "cost": ("Self-hosting cost (P&L view)", MONEY),
    "upfront_paid": ("Cash: commitment upfront fees when paid", MONEY),
    "capex": ("Cash: purchases of owned devices when paid (capex)", MONEY),
    "cash": ("Self-hosting cash out (upfront fees and purchases when paid)", MONEY),
    "api": ("API alternative cost", MONEY),
    "cum_cost": ("Cumulative self-hosting cost", MONEY),
    "cum_api": ("Cumulative API cost", MONEY),
    "crossover": ("Crossovers: months where the cheaper of self-hosting and API flips "
                  "(cumulative)", FLIP),
    "utilisation": ("Commitment utilisation: committed devices in use / committed (n/a: no "
                    "commitment)", SHARE),
    "unused": ("Cost of unused commitment (idle committed devices' hours)", MONEY),
    "ownership": ("Total cost of ownership per owned device-hour (n/a: none owned)",
                  PER_DEVICE_HOUR),
    "cum_owning": ("Cumulative cash of owning (purchase, power, hosting)", MONEY),
    "cum_renting": ("Cumulative cost of renting the owned devices on demand instead", MONEY),
}
