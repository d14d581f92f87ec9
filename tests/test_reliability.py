"""Reliability under stress: concurrent writers, hostile names and files, broken sheets.

Each case is generated here (no fixture files), is bounded in time, and asserts either the
expected result or exit status 2 with exactly one line on stderr - and that the user's sheet
is intact afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xlcpb.cli import main
from xlcpb.data.sheet import load_bundled, load_sheet
from xlcpb.data.store import ANY, SheetMoved, SheetStore
from xlcpb.errors import CPBError

PRICE = ["--hardware-id", "t4", "--provider", "acme", "--region", "eu", "--devices-per-instance",
         "1", "--pricing-model", "contract", "--price-per-device-hour", "0.5", "--currency",
         "USD", "--effective-date", "2026-11-01", "--source-url", "contract 1"]


def run_cli(args, home: Path, timeout_s: float = 60) -> subprocess.CompletedProcess:
    """``xlcpb ARGS`` in a fresh interpreter (what a user runs), bounded in time."""
    return subprocess.run([sys.executable, "-m", "xlcpb", *args], capture_output=True,
                          text=True, timeout=timeout_s, env={**os.environ, "XLCPB_HOME": str(home)})


def assert_one_line_error(result: subprocess.CompletedProcess, *expected: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("xlcpb: error: "), result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in lines[0], lines[0]


def _acme_rows(home: Path) -> set[str]:
    return {row["instance_type"] for row in SheetStore(home).read()["prices"]
            if row["provider"] == "acme"}


# -- 1. writers that cannot lose each other's changes ---------------------------------------

WRITER = r"""
import sys
from xlcpb.cli import main
writer, rounds = sys.argv[1], int(sys.argv[2])
args = sys.argv[3:]
print("ready", flush=True)
sys.stdin.readline()  # start together
for n in range(rounds):
    assert main(["sheet", "add", "prices", *args, "--instance-type", f"w{writer}-{n}"]) == 0
"""


def test_three_concurrent_writers_lose_no_row(tmp_path):
    """3 processes x 20 rounds of ``xlcpb sheet add prices``: all 60 rows present."""
    writers, rounds = 3, 20
    env = {**os.environ, "XLCPB_HOME": str(tmp_path)}
    processes = [subprocess.Popen([sys.executable, "-c", WRITER, str(w), str(rounds), *PRICE],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env)
                 for w in range(writers)]
    for process in processes:
        assert process.stdout.readline().strip() == "ready"
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-2000:]
    expected = {f"w{w}-{n}" for w in range(writers) for n in range(rounds)}
    assert _acme_rows(tmp_path) == expected
    history = SheetStore(tmp_path).history()
    assert len(history) == writers * rounds
    assert [v.rows["prices"] for v in history] == list(range(1, writers * rounds + 1))


def _price_row(instance_type: str) -> dict:
    return {"hardware_id": "t4", "provider": "acme", "region": "eu",
            "instance_type": instance_type, "devices_per_instance": 1,
            "pricing_model": "contract", "purchase_option": None,
            "price_per_device_hour": 0.5, "currency": "USD", "effective_date": "2026-11-01",
            "source_url": "contract 1", "notes": None}


def test_a_write_based_on_an_old_version_is_refused(tmp_path):
    store, bundled = SheetStore(tmp_path), load_bundled().tables
    first = store.write({"prices": [_price_row("a")]}, "a", bundled=bundled, base=None)
    with pytest.raises(SheetMoved, match="moved from empty to v0001"):
        store.write({"prices": [_price_row("b")]}, "b", bundled=bundled, base=None)
    assert store.current_version() == first and _acme_rows(tmp_path) == {"a"}
    assert [v.id for v in store.history()] == ["v0001"]


def test_update_rebuilds_a_change_when_the_sheet_moved(tmp_path):
    """A writer the lock did not stop (here: a nested write) moves CURRENT mid-change."""
    store, bundled = SheetStore(tmp_path), load_bundled().tables
    calls = []

    def change(tables):
        calls.append(len(tables["prices"]))
        if len(calls) == 1:  # someone else saves while this change is being prepared
            store.write({"prices": [_price_row("other")]}, "other", bundled=bundled, base=ANY)
        tables["prices"].append(_price_row("mine"))
        return "mine"

    store.update(change, bundled=bundled)
    assert calls == [0, 1]
    assert _acme_rows(tmp_path) == {"other", "mine"}


HOLDER = r"""
import sys, time
from xlcpb.data.store import SheetStore
with SheetStore(sys.argv[1]).locked():
    print("locked", flush=True)
    time.sleep(60)
"""


def test_lock_of_a_killed_writer_is_released(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    finally:
        holder.stdout.close()
    assert main(["sheet", "add", "prices", *PRICE, "--instance-type", "x",
                 "--sheet", str(tmp_path)]) == 0
    assert time.monotonic() - started < 30
    assert _acme_rows(tmp_path) == {"x"}


# -- 2. names resolve exactly or not at all ------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    (["llm", "=1+1", "H100 SXM"], "looks like a formula"),
    (["llm", "x", "H100 SXM"], "fits 1 model row: 'Mixtral-8x7B'"),
    (["llm", "1", "H100 SXM"], "is not a full model name"),
    (["sheet", "show", "t"], "fits 1 hardware row: 'T4' (id t4)"),
    (["sheet", "show", "=T4"], "looks like a formula"),
    (["sheet", "show", "--", "-T4"], "looks like a formula"),
    (["sheet", "show", "\uff1dT4"], "looks like a formula"),
    (["sheet", "show", "qq9"], "Closest: "),
])
def test_junk_names_are_errors_with_candidates(args, expected, tmp_path, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and expected in err


@pytest.mark.parametrize("written, expected", [
    ("h200", "h200-sxm-141gb"), ("NVIDIA H200", "h200-sxm-141gb"), ("nvidia h100_sxm", "h100-sxm5-80gb"),
    ("\uff28\uff11\uff10\uff10 SXM", "h100-sxm5-80gb"), ("tesla-t4", "t4"),
])
def test_documented_normalisation(written, expected):
    assert load_bundled().hardware(written)["id"] == expected


def test_hardware_id_given_by_name_is_stored_as_the_id(tmp_path, capsys):
    args = [a if a != "t4" else "h200" for a in PRICE]
    assert main(["sheet", "add", "prices", *args, "--instance-type", "x",
                 "--sheet", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "hardware_id 'h200' is 'h200-sxm-141gb'" in out and "None" not in out
    rows = SheetStore(tmp_path).read()["prices"]
    assert [row["hardware_id"] for row in rows] == ["h200-sxm-141gb"]
