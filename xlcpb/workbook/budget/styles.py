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
    "cost": ("Self-hosting cost", MONEY),
    "api": ("API alternative cost", MONEY),
    "cum_cost": ("Cumulative self-hosting cost", MONEY),
    "cum_api": ("Cumulative API cost", MONEY),
}
