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
# Timeline blocks: title and number format
TIMELINE_BLOCK_STYLES = {
    "demand": ("Accepted units (demand)", COUNT),
    "replicas": ("Replicas (whole, of devices per replica)", COUNT),
    "devices": ("Devices rented (whole replicas, whole instances)", COUNT),
    "owned": ("Devices owned (serve demand first)", COUNT),
    "committed": ("Devices under commitment (billed used or not)", COUNT),
    "hourly": ("Devices at hourly prices (on demand, spot, hourly reserved)", COUNT),
    "cost_hourly": ("Cost: hourly rentals", MONEY),
    "cost_committed": ("Cost: commitments (upfront spread over the term)", MONEY),
    "cost_owned": ("Cost: ownership (depreciation, power, hosting)", MONEY),
    "cost": ("Self-hosting cost (P&L view)", MONEY),
    "cash": ("Self-hosting cash out (upfront fees and purchases when paid)", MONEY),
    "api": ("API alternative cost", MONEY),
    "cum_cost": ("Cumulative self-hosting cost", MONEY),
    "cum_api": ("Cumulative API cost", MONEY),
}
