"""Workbook templates: one declarative TOML spec per workbook in ``xlcpb/templates/``.

A spec lists inputs (name, label, value or values, unit, number format, an optional
dropdown list), calculations (one formula each, in order), outputs, an optional sensitivity
table (a dynamic array) and reference figures for the Checks sheet. :mod:`.build` renders it.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..data._toml import toml_reader
from ..errors import CPBError

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LISTS = ("hardware", "precisions", "pricing_models")


def load_template(path: Path) -> dict:
    """A validated spec: names well formed and unique, formulas present, lists known."""
    try:
        spec = toml_reader.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise CPBError(f"{path}: {error}.", argument="template", value=str(path),
                       fix="Fix the TOML.") from None
    spec.setdefault("calculations", [])
    spec.setdefault("outputs", [])
    spec.setdefault("references", [])
    seen = set()
    for section in ("inputs", "calculations", "references"):
        for entry in spec.get(section, []):
            name = entry.get("name", "")
            if not NAME.match(name) or name in seen:
                raise CPBError(f"{path}: {section} name {name!r} is malformed or repeated.",
                               argument="template", value=name,
                               fix="Use unique names of letters, digits and _.")
            seen.add(name)
            if section == "calculations" and not str(entry.get("formula", "")).startswith("="):
                raise CPBError(f"{path}: calculation {name} has no formula.",
                               argument="template", value=name, fix="Give formula = \"=...\".")
            if entry.get("list") and entry["list"] not in LISTS:
                raise CPBError(f"{path}: input {name}: unknown list {entry['list']!r}.",
                               argument="template", value=entry["list"],
                               fix=f"Lists: {', '.join(LISTS)}.")
    spec["path"] = str(path)
    return spec


def template_paths(folder: Path) -> list[Path]:
    paths = sorted(Path(folder).glob("*.toml"))
    if not paths:
        raise CPBError(f"{folder}: no templates (*.toml).", argument="templates",
                       value=str(folder), fix="Give a folder of template specs (*.toml).")
    return paths
