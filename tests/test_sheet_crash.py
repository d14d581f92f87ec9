"""Killing the process in the middle of a write leaves the sheet loadable and whole."""

import os
import signal
import subprocess
import sys
import time

import pytest

from xlcpb.data.sheet import load_bundled, load_sheet
from xlcpb.data.store import SheetStore

WRITER = r"""
import sys
from xlcpb.data.sheet import load_bundled
from xlcpb.data.store import SheetStore
store = SheetStore(sys.argv[1])
bundled = load_bundled().tables
base = {"hardware_id": "h100-sxm5-80gb", "provider": "acme", "region": "eu",
        "devices_per_instance": 8, "pricing_model": "contract", "currency": "USD",
        "effective_date": "2026-11-01", "source_url": "contract", "notes": "x" * 2000}
n = 0
print("ready", flush=True)
while True:
    n += 1
    # every version holds n rows all priced n: a torn write would show a mix
    rows = [dict(base, instance_type=f"i{i}", price_per_device_hour=float(n))
            for i in range(200)]
    store.write({"prices": rows}, f"write {n}", bundled=bundled)
"""


def _check_whole(home):
    sheet = load_sheet(home)
    mine = [row for row in sheet.tables["prices"] if row["provider"] == "acme"]
    if sheet.user_version is None:
        assert mine == []
        return 0
    prices = {row["price_per_device_hour"] for row in mine}
    assert len(mine) == 200 and len(prices) == 1, "a torn version"
    return prices.pop()


@pytest.mark.parametrize("delay_s", [0.15, 0.4, 0.9, 1.7])
def test_kill_during_writes_leaves_a_complete_version(tmp_path, delay_s):
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "ready"
    time.sleep(delay_s)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    price = _check_whole(tmp_path)
    history = SheetStore(tmp_path).history()
    assert len(history) >= price  # every completed write is kept as a version
    # and the store goes on working after the crash
    store = SheetStore(tmp_path)
    store.write(store.read(), "after crash", bundled=load_bundled().tables)
    assert _check_whole(tmp_path) == price


def test_crash_between_version_and_pointer_keeps_previous(tmp_path, monkeypatch):
    store = SheetStore(tmp_path)
    row = {"hardware_id": "t4", "provider": "acme", "region": "eu", "instance_type": "x",
           "devices_per_instance": 1, "pricing_model": "spot", "price_per_device_hour": 0.2,
           "currency": "USD", "effective_date": "2026-01-01", "source_url": "s", "notes": None}
    store.write({"prices": [row]}, "first", bundled=load_bundled().tables)
    import xlcpb.data.store as store_module

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(store_module, "write_atomic",
                        lambda path, text, _real=store_module.write_atomic:
                        crash() if path.name == "CURRENT" else _real(path, text))
    with pytest.raises(KeyboardInterrupt):
        store.write({"prices": [dict(row, price_per_device_hour=9.0)]}, "second",
                    bundled=load_bundled().tables)
    monkeypatch.undo()
    assert load_sheet(tmp_path).price("T4", pricing_model="spot")["price_per_device_hour"] == 0.2
