"""Running tests/libreoffice_calc.py (a real LibreOffice) from the tests."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("libreoffice_calc.py")
SYSTEM_PYTHON = "/usr/bin/python3"


def calc(paths, recalc=False, assignments=()):
    """What LibreOffice shows for each workbook: {path: {loaded, names, errors, sheets}}."""
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice (soffice) is not installed: .ci/run installs it "
                    "(libreoffice-calc-nogui, python3-uno)")
    command = [SYSTEM_PYTHON, str(SCRIPT), *(["--recalc"] if recalc else [])]
    for assignment in assignments:
        command += ["--set", assignment]
    result = subprocess.run(command + [str(p) for p in paths], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return {Path(k): v for k, v in json.loads(result.stdout).items()}
