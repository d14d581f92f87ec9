"""The user's own sheet: rows layered over the bundled sheet, every change a kept version.

Layout under the sheet folder (``$XLCPB_HOME/sheet``; see :func:`default_home`)::

    versions/v0001/hardware.csv, prices.csv, api_prices.csv, version.json
    versions/v0002/...
    CURRENT                      the id of the version in force, e.g. "v0002"

A change writes a complete new version into a temporary folder, renames it into
``versions/`` and only then switches ``CURRENT`` (itself replaced atomically). A crash at any
moment therefore leaves ``CURRENT`` naming a complete version: the old one or the new one.
Versions are never modified or deleted; ``restore`` writes a new version equal to an old one,
so a restore can be undone too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import CPBError
from .csvfiles import fsync_directory, read_table, read_text_bounded, table_to_csv, write_atomic
from .schema import KINDS, USER_ONLY_KINDS, check_references, schema

STORED_KINDS = KINDS + USER_ONLY_KINDS

HOME_ENV = "XLCPB_HOME"
VERSION_PATTERN = re.compile(r"^v(\d{4,})$")


def default_home() -> Path:
    """Where xlcpb keeps the user's sheet: ``$XLCPB_HOME``, else the platform's data folder."""
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "xlcpb"


@dataclass(frozen=True)
class Version:
    id: str
    created: str     # UTC, ISO 8601
    message: str
    rows: dict       # kind -> number of user rows


class SheetStore:
    """The versioned store of the user's own rows (not the bundled ones)."""

    def __init__(self, home: Path | str | None = None) -> None:
        self.home = Path(home).expanduser() if home else default_home()
        self.root = self.home / "sheet"
        self.versions_dir = self.root / "versions"
        self.pointer = self.root / "CURRENT"

    # -- reading -------------------------------------------------------------------------
    def current_version(self) -> str | None:
        if not self.pointer.exists():
            return None
        version = self.pointer.read_text("utf-8").strip()
        if not VERSION_PATTERN.match(version) or not (self.versions_dir / version).is_dir():
            raise CPBError(f"{self.pointer}: names version {version!r}, which does not exist.",
                           argument=str(self.pointer), value=version,
                           fix=f"Run 'xlcpb sheet history' and 'xlcpb sheet restore VERSION' "
                               f"(or remove {self.pointer} to start again).", kind="value")
        return version

    def read(self, version: str | None = None) -> dict[str, list[dict]]:
        """The user's rows of each kind at ``version`` (default: current), validated."""
        version = self.resolve(version) if version else self.current_version()
        if version is None:
            return {kind: [] for kind in STORED_KINDS}
        folder = self.versions_dir / version
        tables = {}
        for name in STORED_KINDS:
            kind = schema()[name]
            path = folder / kind.file
            tables[name] = read_table(kind, path) if path.exists() else []
        return tables

    def resolve(self, version: str | int) -> str:
        """``"v0003"``, ``"3"`` or ``3`` to the id of an existing version."""
        text = str(version).strip()
        if text.isdigit():
            text = f"v{int(text):04d}"
        if not VERSION_PATTERN.match(text) or not (self.versions_dir / text).is_dir():
            known = [v.id for v in self.history()]
            raise CPBError(f"version = {version!r}: no such version of the sheet.",
                           argument="version", value=version,
                           fix=f"Known versions: {', '.join(known) or 'none yet'}.", kind="na")
        return text

    def history(self) -> list[Version]:
        """Every version, oldest first."""
        if not self.versions_dir.is_dir():
            return []
        versions = []
        for folder in sorted(self.versions_dir.iterdir()):
            if not VERSION_PATTERN.match(folder.name):
                continue  # a temporary folder left by a crash: never a version
            meta = json.loads(read_text_bounded(folder / "version.json"))
            versions.append(Version(id=folder.name, created=meta["created"],
                                    message=meta["message"], rows=meta["rows"]))
        return versions

    # -- writing -------------------------------------------------------------------------
    def write(self, tables: dict[str, list[dict]], message: str,
              bundled: dict[str, list[dict]] | None = None) -> str:
        """Save ``tables`` (all user rows of every kind) as a new version; return its id.

        ``bundled`` lets references (a price's hardware id) resolve to bundled hardware.
        """
        merged = {kind: (bundled or {}).get(kind, []) + tables.get(kind, []) for kind in KINDS}
        check_references(merged, "the new sheet")
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.versions_dir))
        try:
            for name in STORED_KINDS:
                kind = schema()[name]
                write_atomic(staging / kind.file, table_to_csv(kind, tables.get(name, [])))
            meta = {"created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "message": message, "parent": self.current_version(),
                    "rows": {name: len(tables.get(name, [])) for name in STORED_KINDS}}
            write_atomic(staging / "version.json", json.dumps(meta, indent=2) + "\n")
            version = self._publish(staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        write_atomic(self.pointer, version + "\n")
        return version

    def _publish(self, staging: Path) -> str:
        """Rename the staged folder to the next free version id (retrying on a race)."""
        existing = [int(m.group(1)) for m in (VERSION_PATTERN.match(p.name)
                                              for p in self.versions_dir.iterdir()) if m]
        number = max(existing, default=0) + 1
        while True:
            target = self.versions_dir / f"v{number:04d}"
            try:
                os.rename(staging, target)  # fails if another writer took the id
            except OSError:
                if not target.exists():
                    raise
                number += 1
                continue
            fsync_directory(self.versions_dir)
            return target.name

    def restore(self, version: str | int, bundled=None) -> str:
        """Make an earlier version current again, as a new version; return the new id."""
        source = self.resolve(version)
        return self.write(self.read(source), f"restore {source}", bundled=bundled)
