"""The importer protocol: what every importer module declares, and what it is given.

Each importer module ends with ``FORMATS``, a tuple of :class:`Format`: the format's name
(``--format``), a one-line description, ``sniff(head)`` - does a file look like this
format? - and ``read(path, report, options)``, one signature for every format, filling an
:class:`~.report.ImportReport` and writing nothing. :mod:`.run` detects a file's format by
asking each format's ``sniff`` in turn, reads it inside one error handling, then validates
every row against the sheet's schema and applies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


@dataclass(frozen=True)
class Head:
    """What format detection sees of a file."""

    path: Path
    first_line: str = ""                        # the first line of text ("" for a workbook)
    header: frozenset = frozenset()             # the first line's CSV cells, stripped
    text: str = ""                              # the first 64 kB, decoded leniently
    document: object = None                     # the parsed JSON document, or None


@dataclass(frozen=True)
class Options:
    """Everything a reader may need besides the file (each reader uses what applies)."""

    sheet: object = None                        # the sheet in force (hardware names)
    encoding: str | None = None
    effective_date: str | None = None
    mapping: Path | None = None
    locale: str | None = None
    sheet_name: str | None = None
    currency: str | None = None
    skip_invalid: bool = False
    progress: Callable | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    sniff: Callable[[Head], bool]
    read: Callable[[Path, object, Options], None]   # (path, ImportReport, Options)
