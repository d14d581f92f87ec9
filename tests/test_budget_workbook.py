"""The budget workbook shows everything ``xlcpb budget --format json`` reports, and its
published copy recalculates - in a real LibreOffice and in Gnumeric - to those numbers.

Done as a finance user would: ``xlcpb budget PLAN -o`` builds the workbook, ``xlcpb publish``
makes the copy that needs no add-in, LibreOffice recalculates it; every per-workload and
per-month figure of the JSON (the engine's own computation path) is compared with the
recalculated cells, to 1e-6 relative. The plans: the example, and one of our own with a
commitment of 8 devices for 12 months while demand needs 3, an owned fleet that pays back,
an API comparison that crosses over, and EUR reporting from USD and EUR prices with a dated
rate table. Then an edit in LibreOffice (a price and an exchange rate) against the CLI on
the plan edited the same way.
"""

import json
import math

import pytest

from xlcpb.cli import main
from xlcpb.data.plan import parse_plan_text
from xlcpb.estimators.budget import prepare
from xlcpb.workbook.budget.layout import RATES_FIRST, workload_column
from gnumeric import gnumeric
from libreoffice import calc

REL = 1e-6
HEADER = ("name,modality,model,flops_per_unit,hardware,precision,devices,input_tokens,"
          "output_tokens,monthly_volume,monthly_growth,utilisation,share_on_demand,share_spot,"
          "price_on_demand,price_spot,api_model,characters_per_unit,committed_devices,"
          "commitment_start,commitment_months,price_committed,commitment_upfront,"
          "owned_devices,owned_from,purchase_price_per_device,purchase_price_per_server,"
          "devices_per_server,depreciation_months,pue,power_price_per_kwh,"
          "hosting_per_kw_month,currency\n")
# one unit of USD in EUR from each month on (the latest at or before a month holds)
RATES = "currency,month,rate\nUSD,2027-01,0.92\nUSD,2027-04,0.95\nUSD,2027-11,0.9\n"
MONTHS = 24
# the JSON's cost parts and the Timeline blocks that show them
PARTS = {"committed": "committed_hours"}


def _device_seconds(flops: str, hardware: str, precision: str) -> float:
    probe = parse_plan_text(HEADER + f"x,audio,,{flops},{hardware},{precision},1,,,1,,0.6,1,0,"
                            "3.0" + "," * 18 + "\n", "probe")
    return float(prepare(probe).device_seconds_per_unit[0])


def _own_plan() -> str:
    """Four workloads. Narration needs 2.5 devices' hours at 60%: 3 L4, under a commitment
    of 8 for 12 months (5 idle). Rendering needs 9.5-12 H100s; 8 are owned from the first
    month ($25,000 each and a $40,000 server, 48 months, PUE 1.5, $0.10/kWh, $150/kW-month)
    and the rest rented. A shrinking chat (cheaper than its API at first, dearer later) and
    a growing agent priced in EUR (dearer at first, cheaper for good later)."""
    narration = 730 * 0.6 * 2.5 * 3600 / _device_seconds("1.44e15", "L4", "fp16")
    rendering = 730 * 0.6 * 9.5 * 3600 / _device_seconds("1.8e18", "H100 SXM", "bf16")
    rows = [f"Committed narration,audio,,1.44e15,L4,fp16,1,,,{narration!r},0,0.6,0.5,0.5,0.80,"
            "0.30,tts-1,900,8,2027-01,12,0.50,1200,,,,,,,,,,",
            f"Owned rendering,video,,1.8e18,H100 SXM,bf16,1,,,{rendering!r},0.01,0.6,1,0,3.0,,"
            ",,,,,,,8,2027-01,25000,40000,8,48,1.5,0.10,150,",
            "Shrinking chat,text,Llama-3.1-8B,,H100 SXM,bf16,1,1000,200,4000000,-0.4,0.6,1,0,"
            "3.0,,gpt-4.1-mini,,,,,,,,,,,,,,,,",
            "Growing agent,text,Llama-3.1-8B,,H100 SXM,bf16,1,1000,200,600000,0.3,0.6,1,0,2.8,,"
            "o4-mini,,,,,,,,,,,,,,,,EUR"]
    return HEADER + "\n".join(rows) + "\n"


def _budget(capsys, options) -> dict:
    assert main(["budget", *options, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _published(tmp_path, capsys, name, options) -> tuple:
    """(the JSON of ``xlcpb budget OPTIONS``, the published copy of its workbook)."""
    built, published = tmp_path / f"{name}.xlsx", tmp_path / f"{name}-published.xlsx"
    document = _budget(capsys, [*options, "-o", str(built)])
    assert main(["publish", str(built), "-o", str(published)]) == 0
    capsys.readouterr()
    return document, published


def _near(shown, expected, where):
    """A recalculated cell against the engine: "n/a" where the JSON has null."""
    if expected is None:
        assert shown == "n/a", where
    elif isinstance(expected, str):
        assert shown == expected, where
    else:
        assert isinstance(shown, float), (where, shown)
        assert math.isclose(shown, expected, rel_tol=REL, abs_tol=1e-9), (where, shown,
                                                                         expected)


def check_against_json(shown: dict, document: dict) -> int:
    """Every per-workload and per-month figure of ``document`` (xlcpb budget's JSON) in the
    recalculated workbook ``shown`` (its defined names); returns how many were compared."""
    names, compared = shown["names"], 0
    workloads = [row["workload"] for row in document["workloads"]]
    months = document["months"]
    block = lambda key, i, m: names[f"Timeline_{key}"][i][m]  # noqa: E731
    for entry in document["timeline"]:
        i, m = workloads.index(entry["workload"]), months.index(entry["month"])
        where = f"{entry['workload']} {entry['month']}"
        for key, shown_key in (("replicas", "replicas"), ("devices", "devices"),
                               ("owned_devices", "owned"), ("committed_devices", "committed"),
                               ("on_demand_devices", "hourly"), ("cost", "cost"),
                               ("cash_cost", "cash"), ("unused_commitment_cost", "unused"),
                               ("commitment_utilisation", "utilisation"),
                               ("ownership_cost_per_device_hour", "ownership")):
            _near(block(shown_key, i, m), entry[key], f"{where} {key}")
            compared += 1
        for group in ("cost_by_pricing_model", "cash_by_pricing_model"):
            for part, value in entry[group].items():
                _near(block(PARTS.get(part, part), i, m), value, f"{where} {group} {part}")
                compared += 1
        if entry["api_cost"] is None:  # no API alternative: n/a, never $0
            assert names["WorkloadOutputs"][i][2] == "n/a", where
        else:
            _near(block("api", i, m), entry["api_cost"], f"{where} api_cost")
        flips = 1.0 if entry["month"] in entry["crossovers"] else 0.0
        assert block("crossover", i, m) == flips, where
        compared += 2
    for i, row in enumerate(document["workloads"]):
        shown_row = names["WorkloadOutputs"][i]
        assert shown_row[0] == row["workload"]
        payback = row["payback"] or "n/a"
        crossovers = row["crossovers"] if row["API alternative"] is not None else None
        expected = {1: row["total cost"], 2: row["API alternative"], 3: row["cost per unit"],
                    4: row["unit"], 5: row["break-even"],
                    10: row["commitment_utilisation"], 11: row["unused_commitment_cost"],
                    12: row["ownership_cost_per_device_hour"],
                    13: row["rental_price_per_device_hour"], 14: payback,
                    15: None if crossovers is None else float(len(crossovers)),
                    16: None if crossovers is None else (crossovers or ["none"])[0],
                    17: None if crossovers is None else (crossovers or ["none"])[-1]}
        for col, value in expected.items():
            _near(shown_row[col], value, f"{row['workload']} column {col}")
            compared += 1
    for name, value in (("TotalBudget", document["total"]), ("TotalCash", document["cash_total"]),
                        ("TotalApiAlternative", document["api_total"]),
                        ("SelfHostedWithApi", document["api_comparison"]["self_hosted_total"]),
                        ("TotalUnusedCommitment", sum(
                            e["unused_commitment_cost"] for e in document["timeline"]))):
        _near(names[name], value, name)
    for m, value in enumerate(document["monthly_total"]):
        _near(names["Timeline_cost_total"][0][m], value, f"monthly total {m}")
    assert names["AllChecksPass"] in (1.0, True)
    return compared


def check_summary(shown: dict, document: dict) -> None:
    """The one-page Summary: scenario, horizon, currency, key totals, totals by year and
    each workload's total, API alternative, break-even and payback, as the JSON says."""
    rows = {row[0]: row[1:] for row in shown["sheets"]["Summary"] if row[0]}
    assert rows["Scenario"][0] == document["settings"]["scenario"]
    assert rows["Months"][0] == f"{document['months'][0]} to {document['months'][-1]}"
    assert rows["Reporting currency"][0] == document["currency"]
    assert rows["All checks pass (Checks)"][0] in (1.0, True)
    for label, value in (("Self-hosting cost (P&L view)", document["total"]),
                         ("Self-hosting cash out (cash view)", document["cash_total"]),
                         ("API alternative (workloads that have one)", document["api_total"]),
                         ("Self-hosting cost of the same workloads",
                          document["api_comparison"]["self_hosted_total"])):
        _near(rows[label][0], value, label)
    years = rows["Self-hosting cost by year"]
    for col, (label, value) in enumerate(document["years"].items()):
        assert years[col] == label
    totals = [row for row in shown["sheets"]["Summary"] if row[0] == "" and
              isinstance(row[1], float)]
    assert totals[0][1:1 + len(document["years"])] == pytest.approx(
        list(document["years"].values()), rel=REL)
    for row in document["workloads"]:
        figures = rows[row["workload"]]
        _near(figures[0], row["total cost"], row["workload"])
        _near(figures[1], row["API alternative"], row["workload"])
        assert list(figures[2:4]) == [row["break-even"], row["payback"] or "n/a"]


def test_the_example_workbook_recalculates_to_every_json_figure(tmp_path, capsys):
    document, published = _published(tmp_path, capsys, "example", ["--example"])
    shown = calc([published], recalc=True)[published]
    assert shown["loaded"] and shown["errors"] == [], shown["errors"][:3]
    compared = check_against_json(shown, document)
    assert compared > 4 * 36 * 25
    gnome = gnumeric([published])[published]   # a second engine: the same figures
    assert gnome["errors"] == [], gnome["errors"][:3]
    check_against_json(gnome, document)
    check_summary(shown, document)
    # what the example shows beyond the totals: a commitment used in part, crossovers
    rows = shown["names"]["WorkloadOutputs"]
    assert rows[0][10] != "n/a" and rows[2][10] == "n/a"   # the support assistant commits
    assert rows[3][15] == "n/a"                            # narration has no API


def test_own_plan_in_euros_recalculates_to_every_json_figure(tmp_path, capsys):
    """Commitment 8 x 12 months for 3 devices' demand: 37.5% used, 5 idle devices x 730 h x
    $0.50 x the month's rate each month; owned fleet paying back; crossovers; EUR."""
    plan, rates = tmp_path / "plan.csv", tmp_path / "rates.csv"
    plan.write_text(_own_plan(), "utf-8")
    rates.write_text(RATES, "utf-8")
    options = [str(plan), "--months", str(MONTHS), "--currency", "EUR", "--rates", str(rates)]
    document, published = _published(tmp_path, capsys, "own", options)
    # by hand, from the plan and the rate table (not from the workbook)
    narration = [e for e in document["timeline"] if e["workload"] == "Committed narration"]
    by_month = {"2027-01": 0.92, "2027-02": 0.92, "2027-03": 0.92, "2027-04": 0.95,
                "2027-11": 0.9, "2027-12": 0.9}
    for entry in narration[:12]:
        assert entry["devices"] == 3.0 and entry["committed_devices"] == 8.0
        assert entry["commitment_utilisation"] == 0.375
        if entry["month"] in by_month:
            assert entry["unused_commitment_cost"] == pytest.approx(
                5 * 730 * 0.50 * by_month[entry["month"]], rel=1e-12)
    assert all(e["commitment_utilisation"] is None for e in narration[12:])
    rows = {row["workload"]: row for row in document["workloads"]}
    assert rows["Committed narration"]["commitment_utilisation"] == pytest.approx(0.375)
    assert rows["Owned rendering"]["payback"] not in ("", "never")
    assert rows["Shrinking chat"]["crossovers"] and rows["Growing agent"]["crossovers"]
    assert rows["Shrinking chat"]["break-even"] == "never"
    assert rows["Growing agent"]["break-even"] not in ("never", "no API")
    # owned: depreciation $240,000 / 48 + power 8 x 0.7 kW x 1.5 x 730 h x $0.10 + hosting
    # 8 x 0.7 x $150, per owned device-hour, in January's EUR
    owned = [e for e in document["timeline"] if e["workload"] == "Owned rendering"][0]
    assert owned["ownership_cost_per_device_hour"] == pytest.approx(
        (5_000 + 613.2 + 840) * 0.92 / (8 * 730), rel=1e-12)
    shown = calc([published], recalc=True)[published]
    assert shown["loaded"] and shown["errors"] == [], shown["errors"][:3]
    assert check_against_json(shown, document) > 4 * MONTHS * 25
    check_summary(shown, document)
    # the rate table is a visible input block; each month's rate is looked up natively
    assert shown["names"]["RateValue"][:3] == [[0.92], [0.95], [0.9]]
    assert shown["names"]["Timeline_rate"][0][:4] == [0.92, 0.92, 0.92, 0.95]
    assert shown["names"]["Timeline_rate"][3][:4] == [1.0] * 4   # priced in EUR
    # Gnumeric, a second engine: no error cell, the same figures
    gnome = gnumeric([published])[published]
    assert gnome["errors"] == [], gnome["errors"][:3]
    check_against_json(gnome, document)

    # an edit in LibreOffice: the agent's EUR price and April's rate, against the CLI on
    # the plan and rate table edited the same way
    price_cell = f"Workloads!{workload_column('price_on_demand')}8"
    rate_cell = f"Rates!C{RATES_FIRST + 2}"
    edited = calc([published], recalc=True,
                  assignments=[f"{price_cell}=2.2", f"{rate_cell}=1.05"])[published]
    assert edited["errors"] == [], edited["errors"][:3]
    plan.write_text(_own_plan().replace(",2.8,,o4-mini", ",2.2,,o4-mini"), "utf-8")
    rates.write_text(RATES.replace("2027-04,0.95", "2027-04,1.05"), "utf-8")
    changed = _budget(capsys, options)
    assert changed["total"] != document["total"]
    check_against_json(edited, changed)


def test_a_missing_rate_shows_as_an_error_never_a_stale_number(tmp_path, capsys):
    """Move the first month before the rate table's first row in the published copy: the
    USD rows' rates and costs show #N/A in LibreOffice, not January's rate."""
    plan, rates = tmp_path / "plan.csv", tmp_path / "rates.csv"
    plan.write_text(_own_plan(), "utf-8")
    rates.write_text(RATES, "utf-8")
    options = [str(plan), "--months", "3", "--currency", "EUR", "--rates", str(rates)]
    _, published = _published(tmp_path, capsys, "early", options)
    shown = calc([published], recalc=True, assignments=["Inputs!B5=46327"])[published]
    # 46327 is 2026-11-01: no USD rate before 2027-01
    rate_errors = [e for e in shown["errors"] if e["sheet"] == "Timeline"]
    assert rate_errors and shown["names"]["TotalBudget"] is not None
    assert isinstance(shown["names"]["TotalBudget"], dict)   # an error value, not a number
    assert shown["names"]["Timeline_rate"][3] == [1.0, 1.0, 1.0]  # EUR prices need none
    checks = {row[0]: row[1] for row in shown["sheets"]["Checks"] if row[0]}
    assert checks["Every currency has an exchange rate in every month (Rates)"] in (0.0, False)
    assert shown["names"]["AllChecksPass"] not in (1.0, True)   # FALSE or the error itself
    # a second USD row for January in the published copy: January's rate is #N/A, not the
    # sum of the two, and so are February's and March's, which take January's row
    twice = calc([published], recalc=True, assignments=[
        f"Rates!A{RATES_FIRST + 4}=USD", f"Rates!B{RATES_FIRST + 4}=46388",
        f"Rates!C{RATES_FIRST + 4}=0.5"])[published]
    assert [isinstance(rate, dict) for rate in twice["names"]["Timeline_rate"][0]] == [True] * 3
    assert twice["names"]["Timeline_rate"][3] == [1.0, 1.0, 1.0]
    # and the engine refuses the same plan from that month, naming currency and month
    assert main(["budget", *options, "--start", "2026-11", "--format", "json"]) == 2
    assert "no exchange rate for USD in 2026-11" in capsys.readouterr().err
