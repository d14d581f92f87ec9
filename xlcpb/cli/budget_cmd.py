"""``xlcpb budget`` and ``xlcpb actuals``: fleet budgets, and budget against actual spend."""

from __future__ import annotations

import datetime as dt
import sys

import numpy as np
from pathlib import Path

from ..data._toml import toml_reader
from ..data.bundled import bundled_templates
from ..data.exchange_rates import read_rates
from ..data.plan import budget_defaults, parse_plan_text, read_plan, read_service_map
from ..data.sheet import load_sheet
from ..data.store import SheetStore
from ..engine.budget import monthly_totals
from ..errors import CPBError
from ..estimators.budget import (UNIT_NAMES, BudgetSettings, horizon_figures, prepare, project,
                                 scenario_totals, tornado, variance)
from ..workbook.budget.book import render_budget
from ..workbook.files import refuse_to_replace
from .options import add_format, number
from .output import emit
from .commands import help_of

EXAMPLE_TEMPLATE = "fleet_budget.toml"  # a bundled template: its plan is the example


def _settings_options(parser) -> None:
    parser.add_argument("--start", default="2027-01", help="first month, yyyy-mm")
    parser.add_argument("--months", type=number, default=budget_defaults()["months"],
                        help="months to project (default 36)")
    parser.add_argument("--scenario", default="base",
                        choices=list(budget_defaults()["scenarios"]), help="default base")
    parser.add_argument("--hardware-decline", type=number,
                        help="hardware rent price decline per year (default "
                             f"{budget_defaults()['hardware_price_decline_per_year']})")
    parser.add_argument("--api-decline", type=number,
                        help="API price decline per year (default "
                             f"{budget_defaults()['api_price_decline_per_year']})")
    parser.add_argument("--fiscal-year-start", type=int, default=1, metavar="MONTH",
                        help="month a fiscal year starts, 1-12 (default 1: calendar years; "
                             "4: April, FY2028 = April 2027 - March 2028)")
    parser.add_argument("--currency", default="USD",
                        help="reporting currency, an ISO code (default USD); prices in other "
                             "currencies are converted with --rates")
    parser.add_argument("--rates", type=Path, metavar="RATES.csv",
                        help="exchange rates: currency,month,rate (rate = reporting units per "
                             "unit of currency, from that month until a later row)")
    parser.add_argument("--sheet", metavar="DIR", type=Path, help="folder of your own sheet")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "budget", help=help_of("budget"),
        description="Project a workload plan (CSV or XLSX: one row per workload) month by "
                    "month: devices, cost, unit costs, the API alternative and break-even, "
                    "scenarios and a sensitivity table; with -o, the budget workbook.",
        epilog="Start from the example: xlcpb budget --example --plan-out plan.csv")
    parser.add_argument("plan", type=Path, nargs="?", help="the plan: PLAN.csv or PLAN.xlsx")
    parser.add_argument("--example", action="store_true",
                        help="use the example plan (the fleet_budget template)")
    parser.add_argument("--plan-out", type=Path, help="with --example: write its plan CSV")
    parser.add_argument("-o", "--out", type=Path, help="write the budget workbook here")
    parser.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    _settings_options(parser)
    add_format(parser)
    parser.set_defaults(run=run)

    actuals = subparsers.add_parser(
        "actuals", help=help_of("actuals"),
        description="Compare a plan's budget with actual spend - imported FOCUS cost rows "
                    "in your sheet (xlcpb import FOCUS.csv), or a FOCUS file given here - "
                    "by month and by workload service.")
    actuals.add_argument("plan", type=Path, nargs="?", help="the plan (default: the example)")
    actuals.add_argument("--focus", type=Path,
                         help="a FOCUS CSV to read directly (default: your sheet's spend)")
    actuals.add_argument("--cost", choices=["effective", "billed", "list"],
                         default="effective",
                         help="which actual cost: effective (FOCUS EffectiveCost, after "
                              "discounts and amortised commitments; the FinOps comparison, "
                              "default), billed (BilledCost, the invoice) or list (ListCost)")
    actuals.add_argument("--services", type=Path, metavar="SERVICES.csv",
                         help="a mapping table, columns service,workload: spend of that "
                              "ServiceName (or tag:key=value) counts for that workload, beside "
                              "the plan's own service column")
    _settings_options(actuals)
    add_format(actuals)
    actuals.set_defaults(run=run_actuals)


def _example_path() -> Path:
    return bundled_templates().joinpath(EXAMPLE_TEMPLATE)


def _example_text() -> str:
    return toml_reader.loads(_example_path().read_text("utf-8"))["plan"]["csv"].strip()


def _plan(args):
    if args.example:
        return parse_plan_text(_example_text(), str(_example_path()))
    if args.plan is None:
        raise CPBError("no plan given.", argument="plan", value=None,
                       fix="Give PLAN.csv or PLAN.xlsx, or --example.")
    return read_plan(args.plan, args.locale)


def _settings(args) -> BudgetSettings:
    rates = read_rates(args.rates, args.locale) if args.rates else ()
    return BudgetSettings(months=int(args.months), start=args.start, scenario=args.scenario,
                          currency=args.currency.strip().upper(), exchange_rates=rates,
                          fiscal_year_start=args.fiscal_year_start,
                          hardware_price_decline_per_year=args.hardware_decline,
                          api_price_decline_per_year=args.api_decline)


def run(args) -> int:
    if args.example and args.plan_out:
        refuse_to_replace(args.plan_out, args.overwrite)
        args.plan_out.write_text(_example_text() + "\n", "utf-8")
        print(f"Wrote {args.plan_out}", file=sys.stdout if args.format == "table" else sys.stderr)
    plan = _plan(args)
    prepared = prepare(plan, load_sheet(args.sheet))
    settings = _settings(args)
    result = project(prepared, settings)
    rows = [{"workload": name, "total cost": float(result.workload_cost[i]),
             "API alternative": float(result.workload_api_cost[i])
             if result.has_api[i] else None,
             "devices, first month": float(result.devices[i, 0]),
             "devices, last month": float(result.devices[i, -1]),
             "cost per unit": float(result.unit_cost_over_horizon[i]),
             "unit": UNIT_NAMES[prepared.workloads[i]["modality"]],
             "break-even": break_even_label(result, i),
             "payback": _payback_label(result, i)}
            for i, name in enumerate(result.names)]
    figures = horizon_figures(result)
    # json also carries, per workload over the horizon, what the table leaves out
    described = [{**row, **{key: _finite(values[i]) for key, values in figures.items()},
                  "crossovers": [result.months[k] for k in result.crossovers[i]]}
                 for i, row in enumerate(rows)]
    scenarios = scenario_totals(prepared, settings)
    sensitivity = tornado(prepared, settings)
    currency = result.settings.currency
    covered = [name for name, known in zip(result.names, result.has_api) if known]
    emit(args.format, _for_people(rows, args.format), list(rows[0]),
         {"settings": result.settings.__dict__, "currency": currency, "workloads": described,
          "total": result.total_cost, "cash_total": float(result.cash_cost.sum()),
          "api_total": result.total_api_cost,
          "api_comparison": {"workloads": covered,
                             "self_hosted_total": result.api_covered_cost,
                             "api_total": result.total_api_cost},
          "months": result.months, "monthly_total": result.monthly_cost,
          "quarters": _period_totals(result.quarter_labels, result.quarters),
          "years": _period_totals(result.year_labels, result.years),
          "timeline": timeline(result), "scenarios": scenarios,
          "sensitivity": sensitivity, "device_time": prepared.assumptions,
          "sources": prepared.sources},
         title=f"Fleet budget, {result.months[0]} to {result.months[-1]} "
               f"({result.settings.scenario} scenario, {currency})")
    if args.format == "table":
        print(f"\nTotal: {currency} {result.total_cost:,.0f} self-hosted (P&L view; cash "
              f"view {currency} {float(result.cash_cost.sum()):,.0f}); scenarios: "
              + ", ".join(f"{k} {currency} {v:,.0f}" for k, v in scenarios.items()))
        if covered:
            print(f"API comparison, {len(covered)} of {len(rows)} workloads with an API "
                  f"alternative ({', '.join(covered)}): self-hosted {currency} "
                  f"{result.api_covered_cost:,.0f} vs API {currency} "
                  f"{result.total_api_cost:,.0f}")
        print("\nDevice time per unit, and the efficiency and utilisation it assumes:")
        for line in prepared.assumptions:
            print(f"  {line}")
        print()
        emit("table", _for_people(sensitivity, "table"), ["input", "low", "high", "swing"],
             title="What moves the total most (each input 20% lower / higher)")
    if args.out:
        refuse_to_replace(args.out, args.overwrite)
        title = f"Fleet budget: {len(plan)} workloads, {result.settings.months} months"
        render_budget(prepared, result, args.out, title, dt.date.today().isoformat())
        print(f"\nWrote {args.out}", file=sys.stderr if args.format != "table" else sys.stdout)
    return 0


MONEY_COLUMNS = ("total cost", "API alternative", "low", "high", "swing", "budget", "actual",
                 "variance")


def _for_people(rows: list, fmt: str) -> list:
    """Rows for a table: money to whole currency units (thousands separators follow), an
    absent API alternative "n/a", unit costs to 4 significant digits; csv and json keep
    every figure at full precision."""
    if fmt != "table":
        return rows
    shown = []
    for row in rows:
        row = dict(row)
        for key in MONEY_COLUMNS:
            if key == "API alternative" and key in row and row[key] is None:
                row[key] = "n/a"
            elif row.get(key) is not None:
                row[key] = float(f"{row[key]:.0f}")
        if "cost per unit" in row:
            row["cost per unit"] = float(f"{row['cost per unit']:.4g}")
        shown.append(row)
    return shown


def _period_totals(labels: list, totals) -> dict:
    """{"2027 Q1" or "FY2027": fleet total}, from W x P totals."""
    return dict(zip(labels, (float(value) for value in monthly_totals(totals))))


def _payback_label(result, index: int) -> str:
    """The month from which an owned fleet stays cheaper than renting it; "never"; ""."""
    month = int(result.payback[index])
    if month < 0:
        return "never" if month == -1 else ""
    return result.months[month]


def break_even_label(result, index: int) -> str:
    """"no API", "never", or the month from which self-hosting stays cheaper."""
    month = int(result.break_even[index])
    if month < 0:
        return "never" if month == -1 else "no API"
    return result.months[month]


def _finite(value):
    """A float, or None where there is none (no commitment, no owned device)."""
    return float(value) if np.isfinite(value) else None


def timeline(result) -> list:
    """Per workload and month: replicas, devices, committed and on-demand devices, cost by
    pricing model, the API's cost (None without an API alternative)."""
    number = lambda array, i, m: float(array[i, m])  # noqa: E731
    entries = []
    for i, name in enumerate(result.names):
        has_api = result.break_even[i] != -2
        for m, month in enumerate(result.months):
            entries.append({
                "workload": name, "month": month,
                "replicas": number(result.replicas, i, m),
                "devices": number(result.devices, i, m),
                "owned_devices": number(result.owned, i, m),
                "committed_devices": number(result.committed, i, m),
                # above owned and committed ones: on demand, spot or hourly reserved
                "on_demand_devices": number(result.overflow, i, m),
                "commitment_utilisation": _finite(result.commitment_utilisation[i, m]),
                "ownership_cost_per_device_hour": _finite(
                    result.ownership_cost_per_device_hour[i, m]),
                "cost": number(result.cost, i, m), "cash_cost": number(result.cash_cost, i, m),
                "cost_by_pricing_model": {key: number(value, i, m) for key, value
                                          in result.cost_by_model.items()},
                "cash_by_pricing_model": {key: number(value, i, m) for key, value
                                          in result.cash_by_model.items()},
                "unused_commitment_cost": number(result.unused_commitment_cost, i, m),
                "api_cost": number(result.api_cost, i, m) if has_api else None,
                "break_even": break_even_label(result, i),
                "crossovers": [result.months[k] for k in result.crossovers[i]]})
    return entries


def run_actuals(args) -> int:
    args.example = args.plan is None
    plan = _plan(args)
    result = project(prepare(plan, load_sheet(args.sheet)), _settings(args))
    if args.focus:
        from ..importers.focus import import_focus
        from ..importers.report import ImportReport
        report = ImportReport(source=str(args.focus))
        import_focus(args.focus, report)
        spend = report.accepted.get("spend", [])
    else:
        spend = SheetStore(args.sheet).read().get("spend", [])
    if not spend:
        raise CPBError("no actual spend.", argument="spend", value=None,
                       fix="Import a FOCUS billing export (xlcpb import FILE.csv) or pass "
                           "--focus FILE.csv.")
    mapping = read_service_map(args.services, args.locale) if args.services else ()
    report = variance(result, spend, args.cost, mapping)
    emit(args.format, _for_people(report["by_month"], args.format),
         ["month", "budget", "actual", "variance", "status"], report,
         title=f"Budget vs actual by month ({report['currency']}, actual = "
               f"{report['cost_column']}); positive variance = over budget")
    if args.format == "table":
        print(f"\n{report['months_compared']} months compared, {report['months_budget_only']} "
              "budget only (no actuals yet).\n")
        emit("table", _for_people(report["by_service"], "table"),
             ["month", "workload_or_service", "budget", "actual", "variance", "status"],
             title="By workload (spend matched by tag or service name, --services) and "
                   "other services")
    return 0

