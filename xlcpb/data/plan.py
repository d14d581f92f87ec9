"""Fleet budget plans: a workload table from CSV or XLSX, validated against the schema."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .bundled import bundled_toml
from .csvfiles import header_delimiter, parse_csv_text, read_text_bounded
from .schema import parse_table, schema
from .xlsx import read_xlsx


@lru_cache(maxsize=1)
def budget_defaults() -> dict:
    return bundled_toml("budget_defaults.toml")


def read_plan(path: Path, locale: str | None = None) -> list[dict]:
    """The workloads of a plan file (CSV or XLSX with the plan's column names).

    ``locale`` says how the plan's text numbers are written (None: neutral; ``"de"`` for
    2.000.000 and 1,5; see :mod:`.number_text`). XLSX number cells are numbers already.
    """
    path = Path(path)
    kind = schema()["workloads"]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = read_xlsx(path)
        header = [str(cell).strip() for cell in rows[0]]
        body = [["" if cell is None else cell if isinstance(cell, (int, float))
                 and not isinstance(cell, bool) else str(cell) for cell in row]
                for row in rows[1:] if any(str(cell).strip() for cell in row if cell is not None)]
        return parse_table(kind, header, body, str(path), locale=locale)
    return parse_plan_text(read_text_bounded(path), str(path), locale)


def parse_plan_text(text: str, source: str, locale: str | None = None) -> list[dict]:
    """The workloads of a plan's CSV text, comma- or semicolon-separated."""
    return parse_csv_text(schema()["workloads"], text, source, locale=locale,
                          delimiter=header_delimiter(text))


def read_service_map(path: Path, locale: str | None = None) -> tuple:
    """(service, workload) pairs of a service-mapping file (CSV, , or ; separated): spend
    of that ServiceName (or carrying that tag:key=value) counts for that workload."""
    text = read_text_bounded(Path(path))
    rows = parse_csv_text(schema()["service_map"], text, str(path), locale=locale,
                          delimiter=header_delimiter(text))
    return tuple((row["service"].strip(), row["workload"].strip()) for row in rows)
