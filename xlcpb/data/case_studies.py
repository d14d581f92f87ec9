"""The paper's case studies, as bundled data (``case_studies.toml``)."""

from __future__ import annotations

from .bundled import bundled_toml

CASE_STUDIES_FILE = "case_studies.toml"


def _read() -> dict:
    return bundled_toml(CASE_STUDIES_FILE)


def load_case_studies() -> list[dict]:
    """Every case of ``case_studies.toml``: its inputs and the paper's printed figures."""
    return _read()["case"]


def load_case_study_steps() -> list[dict]:
    """The steps each case reports, in order: key, symbol, unit and name."""
    return _read()["step"]
