import os
from pathlib import Path

# The Excel functions are tested through xlwings' Office.js call path (the one xlwings Lite
# and xlwings Server use). xlwings picks its decorators when first imported, so this must be
# set before anything imports it. The licence key is for tests only (noncommercial use).
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pytest  # noqa: E402

# Not test modules: the LibreOffice script runs under Debian's Python (it imports uno), and
# the benchmarks are run by hand (they print figures).
collect_ignore = ["libreoffice_calc.py"]
collect_ignore_glob = ["bench/*"]

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "tests" / "data"


@pytest.fixture
def test_data() -> Path:
    """The files the tests read, inside the repository (tests/data/, provenance beside each).

    ``pricelists/``: real vendor price-list and billing files; ``reference/``: sourced GPU
    specifications. Nothing outside the checkout is needed.
    """
    return TEST_DATA


@pytest.fixture(autouse=True)
def _isolated_user_sheet(tmp_path, monkeypatch):
    """Every test gets its own empty user-sheet folder: no test reads the developer's."""
    monkeypatch.setenv("XLCPB_HOME", str(tmp_path / "xlcpb-home"))
    yield
