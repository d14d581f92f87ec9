"""Fleet budgeting: the projection by hand, plans, scenarios, the workbook in LibreOffice,
and budget against actual spend."""

import csv
import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from xlcpb import CPBError
from xlcpb.cli import main
from xlcpb.data.plan import parse_plan_text
from xlcpb.engine import budget as engine
from xlcpb.estimators.budget import (BudgetSettings, prepare, project, scenario_totals,
                                     tornado, variance)
from xlcpb.estimators.llm import default_efficiency, estimate_llm
from xlcpb.workbook.build import build_all
from xlcpb.workbook.publish import publish
from libreoffice import calc

ROOT = Path(__file__).resolve().parent.parent
HEADER = "name,modality,model,flops_per_unit,hardware,precision,devices,batch,input_tokens," \
         "output_tokens,monthly_volume,monthly_growth,reasoning_multiplier,acceptance_rate," \
         "utilisation,price_on_demand,api_model,service\n"


def test_projection_by_hand():
    # 1,000 units/month growing 10%, half accepted, one device-hour each, 50% of 730 h,
    # $2.00 per device-hour falling 20% a year; the API charges $10 a unit, falling 50%.
    demand = engine.monthly_demand([1000.0], [0.10], 3)
    assert demand[0] == pytest.approx([1000.0, 1100.0, 1210.0], rel=1e-15)
    generated = engine.generated_units(demand, [0.5])
    hours = engine.device_hours(generated, [3600.0])
    assert hours[0] == pytest.approx([2000.0, 2200.0, 2420.0], rel=1e-15)
    devices = engine.replicas_needed(hours, 730, [0.5])  # replicas of one device
    assert devices[0].tolist() == [6.0, 7.0, 7.0]  # 5.48 -> 6, 6.03 -> 7, 6.63 -> 7
    # two-device replicas: 2.74 -> 3, 3.01 -> 4, 3.32 -> 4 replicas; 8-GPU instances
    replicas = engine.replicas_needed(hours, 730, [0.5], [2])
    assert replicas[0].tolist() == [3.0, 4.0, 4.0]
    assert engine.provisioned_devices(replicas, [2], [8])[0].tolist() == [8.0, 8.0, 8.0]
    factor = engine.decline_factor([0.2], 3)
    cost = engine.monthly_cost(devices, 730, [2.0], factor)
    assert cost[0] == pytest.approx([6 * 730 * 2.0, 7 * 730 * 2.0 * 0.8 ** (1 / 12),
                                     7 * 730 * 2.0 * 0.8 ** (2 / 12)], rel=1e-15)
    api = engine.api_monthly_cost(generated, [10.0], engine.decline_factor([0.5], 3))
    assert api[0, 0] == 20_000.0
    assert engine.break_even_month(engine.cumulative(cost), engine.cumulative(api))[0] == 0
    assert engine.break_even_month([[10.0, 20.0]], [[1.0, 2.0]])[0] == -1  # never
    labels, totals = engine.totals_by_period([[1.0] * 14], ["2027"] * 12 + ["2028"] * 2)
    assert labels == ["2027", "2028"] and totals.tolist() == [[12.0, 2.0]]


def _plan(rows):
    return parse_plan_text(HEADER + "\n".join(rows), "test plan")


def test_acceptance_and_reasoning_multiplier_through_the_estimator():
    plan = _plan(["chat,text,Llama-3.1-8B,,H100 SXM,bf16,1,8,1000,200,1000,0,4,0.5,0.6,3.0,"
                  "gpt-4.1-mini,"])
    prepared = prepare(plan)
    # reasoning x4: the estimator is asked for 800 output tokens per request
    # served in server mode at the default latency targets (2 s TTFT, 0.2 s TPOT), batch 8
    # the scheduler's cap
    e = estimate_llm("Llama-3.1-8B", "H100 SXM", "bf16", 1, None, 1000, 800,
                     tensor_parallel=1, mode="server", ttft_slo_s=2.0, tpot_slo_s=0.2,
                     max_batch=8)
    assert prepared.device_seconds_per_unit[0] == pytest.approx(
        800 / e.output_tokens_per_s_per_replica, rel=1e-12)
    assert prepared.api_cost_per_unit[0] == pytest.approx((1000 * 0.4 + 800 * 1.6) / 1e6)
    result = project(prepared, BudgetSettings(months=2))
    assert result.generated[0, 0] == 2000.0  # acceptance 0.5 doubles what is generated
    assert result.unit_cost_over_horizon[0] == pytest.approx(
        result.workload_cost[0] / (result.demand[0].sum() * 800) * 1e6, rel=1e-12)


def test_flops_workload_uses_calibrated_efficiency():
    plan = _plan(["narration,audio,,1.44e15,L4,fp16,1,,,,100,0,1,1,0.6,,,"])
    prepared = prepare(plan)
    assert prepared.device_seconds_per_unit[0] == 1.44e15 / (121e12 *
                                                            default_efficiency().compute)
    assert prepared.prices[0, 0] == 0.39  # the sheet's cheapest L4 on-demand (RunPod, forwardcompute 2026-04-11)


@pytest.mark.parametrize("row, words", [
    ("chat,text,,,H100 SXM,,,,,,10,,,,,,,", "needs a model"),
    ("voice,audio,,,L4,,,,,,10,,,,,,,", "'voice': audio needs a media model or "
                                        "flops_per_unit"),
    ("voice,audio,F5-TTS,1.44e15,L4,,,,,,10,,,,,,,",
     r"'voice': flops_per_unit = 1440000000000000.0: and model = 'F5-TTS'"),
    ("pic,image,Wan2.1-14B,,L4,,,,,,10,,,,,,,", "'pic'.*makes video, not image"),
    ("chat,text,Llama-3.1-405B,,H100 SXM,bf16,1,8,,,10,,,,,,,", "'chat'.*fit"),
    ("v,video,,1e18,V100 SXM2 16GB,,,,,,10,,,,,,,", "no price with"),
])
def test_plan_errors_name_the_workload(row, words):
    with pytest.raises(CPBError, match=words):
        prepare(_plan([row]))


def test_bad_plan_values_are_refused_with_line_and_column():
    with pytest.raises(CPBError, match="line 2, column acceptance_rate"):
        _plan(["x,audio,,1e15,L4,,,,,,10,,,1.5,,,,"])


@pytest.fixture(scope="module")
def example():
    import tomllib
    spec = tomllib.loads((ROOT / "xlcpb" / "templates" / "fleet_budget.toml")
                         .read_text("utf-8"))
    return parse_plan_text(spec["plan"]["csv"].strip(), "example"), spec["settings"]


def test_scenarios_and_sensitivity(example):
    plan, settings = example
    prepared = prepare(plan)
    totals = scenario_totals(prepared, BudgetSettings(**settings))
    assert totals["low"] < totals["base"] < totals["high"]
    rows = tornado(prepared, BudgetSettings(**settings))
    swings = [row["swing"] for row in rows]
    assert swings == sorted(swings, reverse=True) and rows[0]["swing"] > 0


def test_budget_cli_example_and_workbook(tmp_path, capsys):
    plan_csv = tmp_path / "plan.csv"
    assert main(["budget", "--example", "--plan-out", str(plan_csv), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["total"] > 0 and len(document["workloads"]) == 5
    out = tmp_path / "budget.xlsx"
    assert main(["budget", str(plan_csv), "--months", "24", "-o", str(out)]) == 0
    assert f"Wrote {out}" in capsys.readouterr().out
    book = openpyxl.load_workbook(out)
    assert {"Inputs", "Workloads", "Calculations", "Timeline", "Outputs", "Checks",
            "Hardware", "About"} <= set(book.sheetnames)
    assert book["Outputs"]._charts and len(book["Outputs"]._charts) == 2
    xlsx_plan = tmp_path / "plan.xlsx"
    workbook = openpyxl.Workbook()
    for row in csv.reader(plan_csv.read_text().splitlines()):
        workbook.active.append(row)
    workbook.save(xlsx_plan)
    assert main(["budget", str(xlsx_plan), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == document["total"]


def test_fleet_budget_recalculates_in_libreoffice_after_publish(example, tmp_path):
    plan, settings = example
    result = project(prepare(plan), BudgetSettings(**settings))
    built = build_all([ROOT / "xlcpb" / "templates" / "fleet_budget.toml"], tmp_path,
                      "2000-01-01")[0]
    published = tmp_path / "published.xlsx"
    publish(built, published)
    shown = calc([published], recalc=True)[published]
    assert shown["loaded"] and shown["errors"] == [], shown["errors"][:3]
    assert shown["names"]["TotalBudget"] == pytest.approx(result.total_cost, rel=1e-9)
    assert shown["names"]["TotalApiAlternative"] == pytest.approx(result.total_api_cost,
                                                                  rel=1e-9)
    assert shown["names"]["AllChecksPass"] in (1.0, True)
    outputs = shown["sheets"]["Outputs"]
    for index, name in enumerate(result.names):
        row = outputs[3 + index]
        assert row[0] == name
        assert row[1] == pytest.approx(result.workload_cost[index], rel=1e-9)
        expected = {-2: "no API", -1: "never"}.get(int(result.break_even[index]))
        assert row[5] == (expected or result.months[result.break_even[index]])
        assert row[2] == (pytest.approx(result.workload_api_cost[index], rel=1e-9)
                          if result.has_api[index] else "n/a")  # n/a, never $0
    # the API total is compared with the self-hosting cost of the same workloads
    covered = sum(result.workload_cost[i] for i in range(5) if result.has_api[i])
    assert shown["names"]["SelfHostedWithApi"] == pytest.approx(covered, rel=1e-9)
    assert result.api_covered_cost == pytest.approx(covered, rel=1e-12)
    # a changed input flows through the native timeline: the low scenario
    low = project(prepare(plan), BudgetSettings(**{**settings, "scenario": "low"}))
    shown = calc([published], recalc=True, assignments=["Inputs!B4=low"])[published]
    assert shown["names"]["TotalBudget"] == pytest.approx(low.total_cost, rel=1e-9)


def _focus_totals(focus, column, keep=lambda row: True):
    expected = defaultdict(float)
    with open(focus, newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            if keep(row):
                expected[row["ChargePeriodStart"][:7]] += float(row[column])
    return expected


def test_budget_vs_actual_on_the_focus_sample(test_data, capsys):
    """EffectiveCost by default (FinOps compares cost after discounts and amortisation),
    BilledCost or ListCost on request; months without actuals are "budget only"."""
    focus = test_data / "pricelists" / "06_focus_1.0_sample_1000rows.csv"
    for option, column in ((None, "EffectiveCost"), ("billed", "BilledCost"),
                           ("list", "ListCost")):
        extra = ["--cost", option] if option else []
        assert main(["actuals", "--focus", str(focus), "--start", "2024-09", "--months", "3",
                     "--format", "json", *extra]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["cost_column"] == column
        by_month = {row["month"]: row for row in report["by_month"]}
        for month, total in _focus_totals(focus, column).items():
            assert by_month[month]["actual"] == pytest.approx(total, rel=1e-9)
    assert _focus_totals(focus, "EffectiveCost") != _focus_totals(focus, "BilledCost")
    assert by_month["2024-09"]["budget"] > 0 and report["currency"] == "USD"
    assert math.isclose(by_month["2024-09"]["variance"],
                        by_month["2024-09"]["actual"] - by_month["2024-09"]["budget"])
    # the export holds September only: October and November are budget only, no variance
    for month in ("2024-10", "2024-11"):
        assert by_month[month]["actual"] is None and by_month[month]["variance"] is None
        assert by_month[month]["status"] == "budget only"
    assert report["months_compared"] == 1 and report["months_budget_only"] == 2


def test_spend_matched_to_workloads_by_tag_and_by_service(test_data, tmp_path, capsys):
    focus = test_data / "pricelists" / "06_focus_1.0_sample_1000rows.csv"
    plan = tmp_path / "plan.csv"
    plan.write_text(HEADER + "lens,audio,,1e15,L4,fp16,,,,,100,,,,,,,"
                    "tag:application=BrightLensMatrix\n"
                    "queues,audio,,1e15,L4,fp16,,,,,100,,,,,,,Amazon Simple Queue Service\n",
                    "utf-8")
    assert main(["actuals", str(plan), "--focus", str(focus), "--start", "2024-09",
                 "--months", "1", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    rows = {row["workload_or_service"]: row for row in report["by_service"]}
    tagged = _focus_totals(focus, "EffectiveCost",
                           lambda row: '"application": "BrightLensMatrix"' in row["Tags"])
    queue = _focus_totals(focus, "EffectiveCost", lambda row: row["ServiceName"] ==
                          "Amazon Simple Queue Service" and "BrightLensMatrix" not in row["Tags"])
    assert rows["lens"]["actual"] == pytest.approx(tagged["2024-09"], rel=1e-9)
    assert rows["queues"]["actual"] == pytest.approx(queue["2024-09"], rel=1e-9)
    assert "Amazon Simple Queue Service" not in rows
    # every row counted once: the owners add up to the month
    assert sum(row["actual"] for row in report["by_service"]) == pytest.approx(
        report["by_month"][0]["actual"], rel=1e-9)


def test_spend_matched_to_workloads_by_a_mapping_table(test_data, tmp_path, capsys):
    """The same matching from a mapping table (service,workload; semicolons as a German
    Excel saves it) instead of the plan's service column; a workload may take several
    services; a mapping to a workload the plan lacks is an error naming it."""
    focus = test_data / "pricelists" / "06_focus_1.0_sample_1000rows.csv"
    plan, services = tmp_path / "plan.csv", tmp_path / "services.csv"
    plan.write_text(HEADER + "lens,audio,,1e15,L4,fp16,,,,,100,,,,,,,\n"
                    "queues,audio,,1e15,L4,fp16,,,,,100,,,,,,,\n", "utf-8")
    services.write_text("service;workload\ntag:application=BrightLensMatrix;lens\n"
                        "Amazon Simple Queue Service;queues\nAWS Lambda;queues\n", "utf-8")
    assert main(["actuals", str(plan), "--focus", str(focus), "--services", str(services),
                 "--start", "2024-09", "--months", "1", "--format", "json"]) == 0
    rows = {row["workload_or_service"]: row for row in json.loads(
        capsys.readouterr().out)["by_service"]}
    tagged = _focus_totals(focus, "EffectiveCost",
                           lambda row: '"application": "BrightLensMatrix"' in row["Tags"])
    queue = _focus_totals(focus, "EffectiveCost", lambda row: row["ServiceName"] in (
        "Amazon Simple Queue Service", "AWS Lambda") and "BrightLensMatrix" not in row["Tags"])
    assert rows["lens"]["actual"] == pytest.approx(tagged["2024-09"], rel=1e-9)
    assert rows["queues"]["actual"] == pytest.approx(queue["2024-09"], rel=1e-9)
    assert "Amazon Simple Queue Service" not in rows and "AWS Lambda" not in rows
    services.write_text("service,workload\nAWS Lambda,lambdas\n", "utf-8")
    assert main(["actuals", str(plan), "--focus", str(focus), "--services", str(services),
                 "--start", "2024-09", "--months", "1"]) == 2
    assert "'lambdas', which the plan does not have" in capsys.readouterr().err


def test_variance_without_spend_is_an_error(example, tmp_path, capsys):
    assert main(["actuals", "--sheet", str(tmp_path / "empty"), "--months", "3"]) == 2
    assert "no actual spend" in capsys.readouterr().err
    plan, settings = example
    result = project(prepare(plan), BudgetSettings(**settings))
    assert variance(result, [])["by_month"][0]["status"] == "budget only"
    assert np.isfinite(result.total_cost)


def _recalculated(tmp_path, plan_csv, *options):
    """The plan's budget workbook (xlcpb budget -o), published and recalculated in
    LibreOffice, with no error value."""
    out = tmp_path / "b.xlsx"
    assert main(["budget", str(plan_csv), *options, "-o", str(out), "--format", "json"]) == 0
    published = tmp_path / "published.xlsx"
    publish(out, published)
    shown = calc([published], recalc=True)[published]
    assert shown["loaded"] and shown["errors"] == [], shown["errors"][:3]
    return shown


COMMIT_HEADER = ("name,modality,model,flops_per_unit,hardware,precision,devices,monthly_volume,"
                 "utilisation,price_on_demand,committed_devices,commitment_start,"
                 "commitment_months,price_committed,commitment_upfront,instance_type,"
                 "api_model\n")


def _one_device_hour_plan(volume_hours, extra=",,,,,,", hardware="L4", flops="1.44e15",
                          precision="fp16", devices=1):
    """A plan whose single audio workload needs ``volume_hours`` device-hours a month."""
    probe = parse_plan_text(COMMIT_HEADER + f"a,audio,,{flops},{hardware},{precision},"
                            f"{devices},1,0.6,3.0{extra},", "probe")
    seconds = prepare(probe).device_seconds_per_unit[0]
    volume = float(volume_hours * 3600 / seconds)
    return parse_plan_text(COMMIT_HEADER + f"a,audio,,{flops},{hardware},{precision},"
                           f"{devices},{volume!r},0.6,3.0{extra},", "plan")


def test_whole_replicas_never_below_one_while_there_is_demand():
    """A 70B fp8 workload on 2-GPU replicas is provisioned in steps of 2 devices: one
    replica serves 730 h x 0.6 x 3600 s / (device-seconds per request / 2) requests a
    month; 1%, 150% and 250% of that need 1, 2 and 3 replicas: 2, 4 and 6 devices."""
    row = "chat,text,Llama-3.1-70B,,H100 SXM,fp8,2,32,1500,300,{},0,1,1,0.6,3.99,,"
    probe = prepare(_plan([row.format(1000)]))
    per_replica = 730 * 0.6 * 3600 / (probe.device_seconds_per_unit[0] / 2)
    assert probe.devices_per_replica[0] == 2
    plan = _plan([row.format(share * per_replica).replace("chat", f"c{k}")
                  for k, share in enumerate((0.01, 1.5, 2.5, 0.0))])
    result = project(prepare(plan), BudgetSettings(months=3))
    assert result.replicas[:, 0].tolist() == [1.0, 2.0, 3.0, 0.0]
    assert result.devices[:, 0].tolist() == [2.0, 4.0, 6.0, 0.0]
    # the same on whole 8-GPU instances (p5.48xlarge carries H100 SXM)
    on_p5 = prepare(_plan([row.format(2.5 * per_replica)]))
    on_p5.devices_per_instance[:] = 8
    assert project(on_p5, BudgetSettings(months=1)).devices[0, 0] == 8.0


def test_an_instance_type_rents_whole_instances():
    plan = _one_device_hour_plan(730 * 0.6 * 2.5, ",,,,,,p5.48xlarge", hardware="H100 SXM",
                                 flops="1.8e18", precision="bf16")
    result = project(prepare(plan), BudgetSettings(months=1))
    assert result.replicas[0, 0] == 3.0 and result.devices[0, 0] == 8.0  # one p5.48xlarge
    with pytest.raises(CPBError, match="carries a100"):
        prepare(_one_device_hour_plan(10.0, ",,,,,,p4d.24xlarge", hardware="H100 SXM",
                                      flops="1.8e18", precision="bf16"))


def test_commitment_is_billed_in_full_whatever_the_demand():
    """8 devices committed for 12 months at $2.00/h with $1,200 upfront; demand needs 3
    devices (2.5 devices' hours at 60%). Months 1-12 bill 8 x 730 h x $2 = $11,680 plus
    $100 of upfront (P&L); the cash view pays the $1,200 in month 1. Month 13 on, the 3
    devices run on demand: 3 x 730 x $3 = $6,570 (no price decline)."""
    plan = _one_device_hour_plan(730 * 0.6 * 2.5, ",8,2027-01,12,2.0,1200,")
    result = project(prepare(plan), BudgetSettings(months=14, start="2027-01",
                                                   hardware_price_decline_per_year=0.0))
    assert result.devices[0].tolist() == [3.0] * 14
    assert result.committed[0].tolist() == [8.0] * 12 + [0.0, 0.0]
    assert result.cost[0, :12] == pytest.approx([11_780.0] * 12, rel=1e-12)
    assert result.cost[0, 12:] == pytest.approx([6_570.0] * 2, rel=1e-12)
    assert result.cash_cost[0, 0] == pytest.approx(11_680.0 + 1_200.0, rel=1e-12)
    assert result.cash_cost[0, 1] == pytest.approx(11_680.0, rel=1e-12)
    assert result.cost.sum() == pytest.approx(result.cash_cost.sum(), rel=1e-12)
    assert result.commitment_utilisation[0, 0] == 0.375  # 3 of 8
    assert result.unused_commitment_cost[0, 0] == pytest.approx(5 * 730 * 2.0)
    assert result.cost_by_model["committed"][0, 0] == pytest.approx(11_680.0)
    assert result.cost_by_model["on_demand"][0, :12].tolist() == [0.0] * 12
    # a commitment starting in the third month
    later = _one_device_hour_plan(730 * 0.6 * 2.5, ",8,2027-03,12,2.0,0,")
    shifted = project(prepare(later), BudgetSettings(months=4, start="2027-01",
                                                     hardware_price_decline_per_year=0.0))
    assert shifted.committed[0].tolist() == [0.0, 0.0, 8.0, 8.0]
    assert shifted.cost[0].tolist() == pytest.approx([6_570.0, 6_570.0, 11_680.0, 11_680.0])


def test_commitment_and_a_reserved_share_are_refused_together():
    plan = _plan(["a,audio,,1e15,L4,,,,,,10,,,,,,,"])
    plan[0].update(committed_devices=2, share_reserved=0.5, share_on_demand=0.5,
                   price_reserved=1.0)
    with pytest.raises(CPBError, match="share_reserved"):
        prepare(plan)


def test_break_even_is_where_self_hosting_stays_cheaper():
    # cheaper in month 1 only: never (the first-cheaper rule said month 1)
    self_cost, api = [[10.0, 100.0, 100.0]], [[20.0, 20.0, 20.0]]
    cum_self, cum_api = engine.cumulative(self_cost), engine.cumulative(api)
    assert cum_self.tolist() == [[10.0, 110.0, 210.0]] and cum_api.tolist() == [[20.0, 40.0,
                                                                                 60.0]]
    assert engine.break_even_month(cum_self, cum_api).tolist() == [-1]
    assert engine.crossover_months(cum_self, cum_api) == [[1]]
    # dearer at first, cheaper from month 3 on: cumulative 50, 55, 60, 65 vs 20, 40, 60, 80
    cum_self = engine.cumulative([[50.0, 5.0, 5.0, 5.0]])
    cum_api = engine.cumulative([[20.0, 20.0, 20.0, 20.0]])
    assert engine.break_even_month(cum_self, cum_api).tolist() == [2]
    assert engine.crossover_months(cum_self, cum_api) == [[2]]


def test_budget_json_reports_every_workload_and_month(capsys):
    assert main(["budget", "--example", "--months", "6", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    entries = document["timeline"]
    assert len(entries) == 5 * 6
    first = entries[0]
    assert {"replicas", "devices", "committed_devices", "on_demand_devices", "cost",
            "cash_cost", "cost_by_pricing_model", "api_cost", "break_even",
            "unused_commitment_cost"} <= set(first)
    for entry in entries:
        parts = entry["cost_by_pricing_model"]
        assert math.isclose(sum(parts.values()), entry["cost"], rel_tol=1e-12)
        assert math.isclose(sum(entry["cash_by_pricing_model"].values()), entry["cash_cost"],
                            rel_tol=1e-12)
        assert entry["devices"] == entry["committed_devices"] + entry["on_demand_devices"] \
            or entry["committed_devices"] >= entry["devices"]
    videos = [e for e in entries if e["workload"] == "Product videos"]
    assert all(e["api_cost"] is None and e["break_even"] == "no API" for e in videos)
    support = [e for e in entries if e["workload"] == "Support assistant"]
    assert all(e["devices"] % 2 == 0 and e["devices"] >= 2 for e in support)


OWNED = (",,,,,,,,,8,2027-02,25000,40000,8,48,1.5,0.10,150")  # after api_model


def _owned_plan(volume_hours, owned=OWNED):
    header = COMMIT_HEADER.strip() + (",service,owned_devices,owned_from,"
                                      "purchase_price_per_device,purchase_price_per_server,"
                                      "devices_per_server,depreciation_months,pue,"
                                      "power_price_per_kwh,hosting_per_kw_month\n")
    probe = _one_device_hour_plan(1.0, hardware="H100 SXM", flops="1.8e18", precision="bf16")
    seconds = prepare(probe).device_seconds_per_unit[0]
    volume = float(volume_hours * 3600 / seconds)
    return parse_plan_text(header + f"a,audio,,1.8e18,H100 SXM,bf16,1,{volume!r},0.6,3.0"
                           + owned, "owned plan")


def test_owned_fleet_depreciation_power_and_hosting_by_hand():
    """8 H100 SXM (TDP 700 W, the sheet) bought in month 2 at $25,000 each plus one
    $40,000 server, written off over 48 months: $240,000 / 48 = $5,000 a month. Power:
    8 x 0.7 kW x PUE 1.5 x 730 h x $0.10 = $613.20; hosting 8 x 0.7 kW x $150 = $840.
    Demand needs 10 devices (9.5 devices' hours at 60%): 2 on demand at $3.00 beside them."""
    plan = _owned_plan(730 * 0.6 * 9.5)
    result = project(prepare(plan), BudgetSettings(months=3, start="2027-01",
                                                   hardware_price_decline_per_year=0.0))
    assert result.devices[0].tolist() == [10.0, 10.0, 10.0]
    assert result.owned[0].tolist() == [0.0, 8.0, 8.0]
    parts = result.cost_by_model
    assert parts["depreciation"][0].tolist() == [0.0, 5_000.0, 5_000.0]
    assert parts["power"][0] == pytest.approx([0.0, 613.2, 613.2], rel=1e-12)
    assert parts["hosting"][0] == pytest.approx([0.0, 840.0, 840.0], rel=1e-12)
    assert parts["on_demand"][0] == pytest.approx([10 * 730 * 3.0, 2 * 730 * 3.0,
                                                   2 * 730 * 3.0], rel=1e-12)
    assert result.cost[0, 1] == pytest.approx(5_000.0 + 613.2 + 840.0 + 4_380.0, rel=1e-12)
    # cash: the purchase when paid, no depreciation
    assert result.cash_by_model["capex"][0].tolist() == [0.0, 240_000.0, 0.0]
    assert result.cash_cost[0, 1] == pytest.approx(240_000.0 + 613.2 + 840.0 + 4_380.0)
    # total cost of ownership per device-hour beside the $3.00 rental
    assert result.ownership_cost_per_device_hour[0, 1] == pytest.approx(
        (5_000.0 + 613.2 + 840.0) / (8 * 730), rel=1e-12)
    # renting the 8 costs 8 x 730 x $3 = $17,520 a month; the purchase is never repaid in 3
    assert result.payback[0] == -1


def test_owned_fleet_payback_month():
    """Owning 8 devices costs $240,000 + $1,453.20 a month in cash; renting them $17,520 a
    month. Cumulative: renting overtakes after 240,000 / (17,520 - 1,453.20) = 14.94
    months, so from the 15th month (index 14) owning stays cheaper."""
    owned = OWNED.replace("2027-02", "2027-01")
    result = project(prepare(_owned_plan(730 * 0.6 * 8, owned)),
                     BudgetSettings(months=24, start="2027-01",
                                    hardware_price_decline_per_year=0.0))
    assert result.payback[0] == 14


def test_ownership_needs_its_inputs():
    with pytest.raises(CPBError, match="pue"):
        prepare(_owned_plan(10.0, OWNED.replace(",1.5,", ",,")))


def test_a_plan_with_everything_recalculates_in_libreoffice(tmp_path):
    """Commitments, ownership and instances in the workbook's native formulas."""
    plan_csv = tmp_path / "plan.csv"
    header = COMMIT_HEADER.strip() + (",service,owned_devices,owned_from,"
                                      "purchase_price_per_device,purchase_price_per_server,"
                                      "devices_per_server,depreciation_months,pue,"
                                      "power_price_per_kwh,hosting_per_kw_month\n")
    plan_csv.write_text(
        header
        + "own,audio,,1.8e18,H100 SXM,bf16,1,4000,0.6,3.0" + OWNED + "\n"
        + "commit,audio,,1.44e15,L4,fp16,1,90000,0.6,0.5,3,2027-03,6,0.3,600,,,,,,,,,,,,\n"
        + "p5,video,,1.8e18,H100 SXM,bf16,1,300,0.6,3.99,,,,,,p5.48xlarge" + "," * 11 + "\n",
        "utf-8")
    out = tmp_path / "b.xlsx"
    assert main(["budget", str(plan_csv), "--months", "14", "--fiscal-year-start", "4",
                 "-o", str(out)]) == 0
    result = project(prepare(parse_plan_text(plan_csv.read_text("utf-8"), "p")),
                     BudgetSettings(months=14, fiscal_year_start=4))
    # January 2027 - February 2028 in fiscal years from April: FY2027 Q4, FY2028 Q1-Q4
    assert result.quarter_labels == ["FY2027 Q4", "FY2028 Q1", "FY2028 Q2", "FY2028 Q3",
                                     "FY2028 Q4"]
    assert result.year_labels == ["FY2027", "FY2028"]
    assert np.allclose(result.years[:, 0], result.cost[:, :3].sum(axis=1), rtol=1e-12)
    assert result.owned.sum() > 0 and result.committed.sum() > 0
    assert result.devices[2, 0] % 8 == 0
    published = tmp_path / "published.xlsx"
    publish(out, published)
    shown = calc([published], recalc=True)[published]
    assert shown["loaded"] and shown["errors"] == [], shown["errors"][:3]
    assert shown["names"]["TotalBudget"] == pytest.approx(result.total_cost, rel=1e-9)
    assert shown["names"]["AllChecksPass"] in (1.0, True)
    assert shown["names"]["TotalCash"] == pytest.approx(result.cash_cost.sum(), rel=1e-9)
    outputs = shown["sheets"]["Outputs"]
    parts = result.cost_by_model
    for index in range(3):
        row = outputs[3 + index]
        assert row[1] == pytest.approx(result.workload_cost[index], rel=1e-9)
        # hourly rentals, commitments, ownership, cash
        expected = [sum(parts[k][index].sum() for k in keys) for keys in (
            ("on_demand", "reserved_hourly", "spot"), ("committed", "upfront"),
            ("depreciation", "power", "hosting"))] + [result.cash_cost[index].sum()]
        assert shown["names"]["CostByModel"][index] == pytest.approx(expected, rel=1e-9,
                                                                     abs=1e-9)
    assert result.cost_by_model["depreciation"].sum() > 0
    assert result.cost_by_model["upfront"].sum() > 0
    titles = [row[0] for row in outputs]
    for title, labels, totals in (("Totals by quarter", result.quarter_labels, result.quarters),
                                  ("Totals by year", result.year_labels, result.years)):
        header = titles.index(title) + 1
        assert outputs[header][1:1 + len(labels)] == labels
        for index in range(3):
            assert outputs[header + 1 + index][1:1 + len(labels)] == pytest.approx(
                totals[index].tolist(), rel=1e-9)
    assert shown["names"]["QuarterLabels"] == [
        ["FY2027 Q4"] * 3 + ["FY2028 Q1"] * 3 + ["FY2028 Q2"] * 3 + ["FY2028 Q3"] * 3
        + ["FY2028 Q4"] * 2]


def test_eur_reporting_with_a_dated_rate_table(tmp_path, capsys):
    """Prices in USD ($3.00 per device-hour, 2 devices), reported in EUR: 0.90 EUR per USD
    from January 2027, 0.95 from March; February takes January's rate (the latest before).
    2 x 730 h x $3 = $4,380 a month: EUR 3,942, 3,942, 4,161."""
    plan = _one_device_hour_plan(730 * 0.6 * 1.5)
    rates = (("USD", "2027-01", 0.9), ("USD", "2027-03", 0.95))
    settings = BudgetSettings(months=3, start="2027-01", currency="EUR", exchange_rates=rates,
                              hardware_price_decline_per_year=0.0)
    result = project(prepare(plan), settings)
    assert result.devices[0].tolist() == [2.0, 2.0, 2.0]
    assert result.cost[0] == pytest.approx([3_942.0, 3_942.0, 4_161.0], rel=1e-12)
    # a month before the first rate is an error naming currency and month
    with pytest.raises(CPBError, match="no exchange rate for USD in 2026-12"):
        project(prepare(plan), BudgetSettings(months=3, start="2026-12", currency="EUR",
                                              exchange_rates=rates))
    # the same from the command line, the rate table as a German Excel saves it
    plan_csv, rates_csv = tmp_path / "plan.csv", tmp_path / "rates.csv"
    german = lambda value: "" if value is None else str(value).replace(".", ",")  # noqa: E731
    plan_csv.write_text(COMMIT_HEADER.replace(",", ";") + ";".join(
        german(plan[0][key]) for key in COMMIT_HEADER.strip().split(",")) + "\n", "utf-8")
    rates_csv.write_text("currency;month;rate\nUSD;2027-01;0,9\nUSD;2027-03;0,95\n", "utf-8")
    assert main(["budget", str(plan_csv), "--months", "3", "--currency", "EUR", "--rates",
                 str(rates_csv), "--locale", "de", "--hardware-decline", "0",
                 "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [entry["cost"] for entry in document["timeline"]] == pytest.approx(
        [3_942.0, 3_942.0, 4_161.0], rel=1e-12)
    # the workbook carries the rate table and converts natively
    # (tests/test_budget_workbook.py recalculates it)
    assert main(["budget", str(plan_csv), "--months", "3", "--currency", "EUR", "--rates",
                 str(rates_csv), "--locale", "de", "-o", str(tmp_path / "b.xlsx")]) == 0
    rates = openpyxl.load_workbook(tmp_path / "b.xlsx")["Rates"]
    assert [rates.cell(row, 3).value for row in (5, 6)] == [0.9, 0.95]


def test_a_plan_as_german_excel_saves_it(tmp_path, capsys):
    """The example plan as Excel in a German locale saves 'CSV (Trennzeichen-getrennt)':
    semicolons between fields, decimal commas, thousands points, growth as percentages,
    prices with the euro sign's position (3,99 €) - it budgets exactly as the original."""
    plan = tmp_path / "plan.csv"
    assert main(["budget", "--example", "--plan-out", str(plan), "--format", "json"]) == 0
    english = json.loads(capsys.readouterr().out)
    rows = list(csv.DictReader(plan.read_text("utf-8").splitlines()))

    def german(key, cell):
        if cell == "" or key in ("commitment_start",):
            return cell
        try:
            value = float(cell)
        except ValueError:
            return cell
        if key == "monthly_growth":
            return f"{value * 100:g}%".replace(".", ",")
        if key.startswith("price_"):
            return f"{value:.2f} €".replace(".", ",")
        if value.is_integer():
            return f"{int(value):,}".replace(",", ".")
        return repr(value).replace(".", ",")
    lines = [";".join(rows[0])] + [";".join(german(k, v) for k, v in row.items())
                                   for row in rows]
    german_plan = tmp_path / "plan_de.csv"
    german_plan.write_text("\n".join(lines) + "\n", "utf-8")
    text = german_plan.read_text("utf-8")
    assert "2.000.000" in text and "3,99 €" in text and ";5%;" in text
    assert main(["budget", str(german_plan), "--locale", "de", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == english["total"]
    # without the locale, the cell is named: row, column and value
    assert main(["budget", str(german_plan), "--format", "json"]) == 2
    error = capsys.readouterr().err
    assert "line 2, column" in error and "'2.000.000'" in error


def test_api_alternatives_for_images_video_and_speech(tmp_path):
    """Per image: $0.04 (dall-e-3, the sheet); a video minute at $0.10 per second of video
    (sora-2): $6.00; an audio minute of 900 characters at $15 per 1M characters (tts-1):
    $0.0135. The workbook recalculates to the same API totals in LibreOffice."""
    header = HEADER.strip() + ",characters_per_unit\n"
    plan_csv = tmp_path / "plan.csv"
    plan_csv.write_text(header
                        + "pics,image,,1e13,L4,fp16,,,,,1000,,,,,,dall-e-3,,\n"
                        + "clips,video,,1.8e18,H100 SXM,bf16,,,,,10,,,,,,sora-2,,\n"
                        + "voice,audio,,1.44e15,L4,fp16,,,,,100,,,,,,tts-1,,900\n", "utf-8")
    prepared = prepare(parse_plan_text(plan_csv.read_text("utf-8"), "p"))
    assert prepared.api_cost_per_unit.tolist() == pytest.approx([0.04, 6.0, 0.0135],
                                                                rel=1e-12)
    result = project(prepared, BudgetSettings(months=2, api_price_decline_per_year=0.0))
    assert result.api_cost[:, 0].tolist() == pytest.approx([40.0, 60.0, 1.35], rel=1e-12)
    with pytest.raises(CPBError, match="sold per second of video"):
        prepare(parse_plan_text(header + "pics,image,,1e13,L4,fp16,,,,,1000,,,,,,sora-2,,\n",
                                "p"))
    with pytest.raises(CPBError, match="characters_per_unit"):
        prepare(parse_plan_text(header + "v,audio,,1e15,L4,fp16,,,,,100,,,,,,tts-1,,\n", "p"))
    shown = _recalculated(tmp_path, plan_csv, "--months", "2", "--api-decline", "0")
    assert shown["names"]["TotalApiAlternative"] == pytest.approx(result.total_api_cost,
                                                                  rel=1e-9)


def test_a_plan_error_names_row_column_value_and_no_sheet_command(tmp_path, capsys):
    plan = tmp_path / "plan.csv"
    plan.write_text(HEADER + "chat,text,Llama-3.1-8B,,H100 SXM,bf16,1,8,1000,200,lots,,,,,,,\n",
                    "utf-8")
    assert main(["budget", str(plan)]) == 2
    error = capsys.readouterr().err
    assert "line 2, column monthly_volume: 'lots'" in error
    assert "sheet restore" not in error


def test_a_euro_budget_workbook_shows_euros(tmp_path):
    """Prices given in EUR, reported in EUR: no conversion, and every money cell says EUR."""
    plan = tmp_path / "plan.csv"
    plan.write_text("name,modality,flops_per_unit,hardware,precision,monthly_volume,"
                    "price_on_demand,currency\n"
                    "v,audio,1.44e15,L4,fp16,20000,0.45,EUR\n", "utf-8")
    out = tmp_path / "b.xlsx"
    assert main(["budget", str(plan), "--months", "3", "--currency", "EUR", "-o", str(out),
                 "--format", "json"]) == 0
    outputs = openpyxl.load_workbook(out)["Outputs"]
    assert outputs["B4"].number_format.startswith('"EUR "')
    assert "$" not in outputs["B4"].number_format
    # the same plan reported in USD without a rate for EUR: an error naming both
    assert main(["budget", str(plan), "--months", "3", "--format", "json"]) == 2


def test_the_workbook_break_even_stays_as_the_engines(tmp_path):
    """A shrinking workload cheaper than its API at first and dearer later (its replica
    idles): the first-cheaper rule would say month 1; the engine and the recalculated
    workbook both say never. A growing one dearer at first, cheaper for good later: both
    name the same month."""
    plan_csv = tmp_path / "plan.csv"
    rows = ["early,text,Llama-3.1-8B,,H100 SXM,bf16,1,,1000,200,{},-0.4,1,1,0.6,3.0,"
            "gpt-4.1-mini,", "late,text,Llama-3.1-8B,,H100 SXM,bf16,1,,1000,200,{},0.3,1,1,"
            "0.6,3.0,o4-mini,"]
    volumes = {"early": 4_000_000, "late": 600_000}
    plan_csv.write_text(HEADER + "\n".join(row.format(volumes[row.split(",")[0]])
                                           for row in rows) + "\n", "utf-8")
    result = project(prepare(parse_plan_text(plan_csv.read_text("utf-8"), "p")),
                     BudgetSettings(months=12))
    cheaper = result.cumulative_cost <= result.cumulative_api_cost
    labels = []
    for index in range(2):
        month = int(result.break_even[index])
        if month == -1:
            assert not cheaper[index, -1]
        else:
            assert cheaper[index, month:].all() and (month == 0 or not cheaper[index, month - 1])
        labels.append("never" if month == -1 else result.months[month])
    assert labels[0] == "never" and cheaper[0, 0] and result.crossovers[0]
    assert labels[1] != "never" and not cheaper[1, 0]
    shown = _recalculated(tmp_path, plan_csv, "--months", "12")
    assert [shown["sheets"]["Outputs"][3 + i][5] for i in range(2)] == labels


def test_api_bills_cached_input_batch_and_long_context_as_vendors_do(tmp_path):
    """gpt-4.1-mini (the sheet, from LiteLLM): $0.40 in, $1.60 out, $0.10 cached input, batch
    $0.20 / $0.80 per 1M tokens. 1,000 tokens in and 200 out: standard $0.00072; half the
    prompt cached $0.00057; through the batch API $0.00036. gemini-2.5-pro's long-context
    tier (prompts over 200,000 tokens: $2.50 / $15.00 instead of $1.25 / $10.00) bills the
    whole 250,000-token prompt at it: $0.628; a 150,000-token one stays standard, $0.1895."""
    from xlcpb.data.sheet import load_sheet
    from xlcpb.estimators.budget import token_prices
    header = HEADER.strip() + ",cached_input_share,api_batch\n"
    rows = {"plain": ",", "cached": "0.5,", "batch": ",yes"}
    text = header + "\n".join(
        f"{name},text,Llama-3.1-8B,,H100 SXM,bf16,1,,1000,200,1000,,,,,3.0,gpt-4.1-mini,,{extra}"
        for name, extra in rows.items()) + "\n"
    prepared = prepare(parse_plan_text(text, "p"))
    assert prepared.api_cost_per_unit.tolist() == pytest.approx([0.00072, 0.00057, 0.00036],
                                                                rel=1e-12)
    gemini = load_sheet().api_price("gemini-2.5-pro")
    for prompt, expected in ((250_000, 0.628), (150_000, 0.1895)):
        billed = token_prices(gemini, {"name": "x", "input_tokens": prompt,
                                       "cached_input_share": 0.0, "api_batch": "no"})
        assert engine.api_cost_per_request(prompt, 200, billed["api_input_price"],
                                           billed["api_output_price"]) == pytest.approx(
            expected, rel=1e-12)
    # the workbook bills the same (its API cost per unit, recalculated in LibreOffice)
    plan_csv = tmp_path / "plan.csv"
    plan_csv.write_text(text, "utf-8")
    shown = _recalculated(tmp_path, plan_csv, "--months", "2")
    result = project(prepared, BudgetSettings(months=2))
    assert shown["names"]["TotalApiAlternative"] == pytest.approx(result.total_api_cost,
                                                                  rel=1e-9)
