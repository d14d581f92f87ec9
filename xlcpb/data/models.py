"""The model catalog (``models.csv``, and the user's own models): shapes, resolved by name.

The catalog is a kind of the sheet (:mod:`.sheet`): bundled rows, with the user's rows from
``xlcpb sheet add models`` layered over them, so a model added from a Hugging Face
``config.json`` works wherever a model name does.
"""

from __future__ import annotations

from .sheet import Sheet, load_sheet


def load_models(sheet: Sheet | None = None) -> list[dict]:
    """Every model of the sheet in force (bundled and the user's), validated."""
    return (sheet or load_sheet()).tables["models"]


def model(name: str, sheet: Sheet | None = None) -> dict:
    """The catalog row ``name`` denotes ("Llama-3.1-8B", "llama3.1-8b", "gpt2-xl")."""
    return (sheet or load_sheet()).model(name)
