import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """The project's shared material (seeds, vendor price lists, reference data)."""
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing: tests need ../shared beside the checkout")
    return SHARED


@pytest.fixture(autouse=True)
def _isolated_user_sheet(tmp_path, monkeypatch):
    """Every test gets its own empty user-sheet folder: no test reads the developer's."""
    monkeypatch.setenv("XLCPB_HOME", str(tmp_path / "xlcpb-home"))
    yield
