"""The model catalog (``models.csv``): transformer shapes, resolved by name."""

from __future__ import annotations

from functools import lru_cache

from .bundled import bundled_text
from .csvfiles import parse_csv_text
from .names import resolve
from .schema import schema


def _model_names(row: dict) -> list[str]:
    return [row["id"], row["name"], *row["aliases"]]


@lru_cache(maxsize=1)
def load_models() -> list[dict]:
    """Every model of the bundled catalog, validated."""
    kind = schema()["models"]
    return parse_csv_text(kind, bundled_text(kind.file), f"bundled {kind.file}")


def model(name: str) -> dict:
    """The catalog row ``name`` denotes ("Llama-3.1-8B", "llama3.1-8b", "gpt2-xl")."""
    return resolve(name, load_models(), "model", _model_names, "model")
