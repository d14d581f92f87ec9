"""The files shipped inside the package, and the one place that reads them.

``xlcpb/data/`` holds the bundled sheet, catalogs and settings (CSV and TOML);
``xlcpb/templates/`` the workbook specs ``xlcpb build`` renders (the fleet budget's is also
``xlcpb budget --example``). Both are package data (``pyproject.toml``), so they are found
from any folder after ``pip install``, and inside xlwings Lite's zip.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from ._toml import toml_reader

DATA_PACKAGE = "xlcpb.data"
TEMPLATES_FOLDER = "templates"


def _resources():
    """``importlib.resources``, imported when a file is first read (it costs the command line
    about 8 ms of start-up, and ``xlcpb --help`` reads no file)."""
    return importlib.import_module("importlib.resources")


def bundled_text(name: str) -> str:
    """The text (UTF-8) of the bundled data file ``name``, e.g. ``"hardware.csv"``."""
    return _resources().files(DATA_PACKAGE).joinpath(name).read_text("utf-8")


def package_text(path: str) -> str:
    """The text of a file shipped elsewhere in the package, e.g. ``"excel/functions.toml"``
    (the Excel functions' declaration lives beside the code it drives)."""
    return _resources().files("xlcpb").joinpath(path).read_text("utf-8")


def bundled_toml(name: str) -> dict:
    """The bundled TOML file ``name``, parsed."""
    return toml_reader.loads(bundled_text(name))


def bundled_templates() -> Path:
    """The folder of the workbook templates shipped with the package."""
    return Path(str(_resources().files("xlcpb").joinpath(TEMPLATES_FOLDER)))
