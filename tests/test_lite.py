"""``xlcpb lite``: the self-contained main.py works without the package installed."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import xlcpb
from xlcpb.cli import main

CHECK = r"""
import asyncio, json, os, sys
# hide the installed xlcpb (an editable install's finder, or a folder holding it)
sys.meta_path = [f for f in sys.meta_path if "editable" not in type(f).__module__.lower()
                 and "editable" not in getattr(f, "__name__", "").lower()]
sys.path = [p for p in sys.path if not os.path.isdir(os.path.join(p or ".", "xlcpb"))]
sys.path.insert(0, os.getcwd())
import main as lite                     # the generated file, as xlwings Lite loads it
import xlcpb, xlwings as xw
from xlwings.server import custom_functions_call, custom_functions_meta
data = {"func_name": "cpb_cost", "args": [[[7.5e8 / 65e12]], [[0.5 / 3600]], [[4000]]],
        "version": xw.__version__, "client": "Office.js", "runtime": "1.4"}
print(json.dumps({"origin": xlcpb.__file__,
                  "cost": asyncio.run(custom_functions_call(data, lite)),
                  "functions": [f["name"] for f in custom_functions_meta(lite)["functions"]]}))
"""


def test_lite_main_py_is_self_contained(tmp_path, capsys):
    assert main(["lite", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "requirements.txt").read_text() == "numpy\n"
    # run it where the installed xlcpb cannot be imported: only the zip inside main.py
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert ".zip" in report["origin"]  # imported from the bundle, not an installed package
    assert report["cost"] == [[xlcpb.cost(7.5e8 / 65e12, 0.5 / 3600, 4000)]]
    assert {"CPB_COST", "CPB_PRICE", "CPB_HW", "CPB_VERSION"} <= set(report["functions"])


def test_lite_refuses_to_overwrite(tmp_path, capsys):
    assert main(["lite", "--out", str(tmp_path)]) == 0
    assert main(["lite", "--out", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_lite_files_are_readable_like_any_file_one_writes(tmp_path, capsys):
    umask = os.umask(0)
    os.umask(umask)
    assert main(["lite", "--out", str(tmp_path)]) == 0
    for name in ("main.py", "requirements.txt"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask, name


def test_lite_bundle_leaves_out_what_the_functions_do_not_import(tmp_path, capsys):
    import io
    import zipfile

    from xlcpb.lite.bundle import package_zip

    names = zipfile.ZipFile(io.BytesIO(package_zip())).namelist()
    assert "xlcpb/udfs.py" in names and "xlcpb/data/hardware.csv" in names
    assert not [name for name in names if name.split("/")[1] in
                ("cli", "workbook", "importers", "lite")], names
    assert "xlcpb/estimators/budget.py" not in names


def test_readme_states_the_lite_file_size(tmp_path, capsys):
    assert main(["lite", "--out", str(tmp_path)]) == 0
    measured_kb = (tmp_path / "main.py").stat().st_size / 1000
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    stated_kb = float(re.search(r"price\s+sheet included \(under (\d+) kB", readme).group(1))
    assert measured_kb <= stated_kb, f"main.py is {measured_kb:.0f} kB: correct the README"
