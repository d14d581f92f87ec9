"""The user's own sheet: rows layered over the bundled sheet, every change a kept version.

Layout under the sheet folder (``$XLCPB_HOME/sheet``; see :func:`default_home`)::

    versions/v0001/hardware.csv, prices.csv, api_prices.csv, version.json
    versions/v0002/...
    CURRENT                      the id of the version in force, e.g. "v0002"

    LOCK                         held (OS file lock) by the process writing a version

A change writes a complete new version into a temporary folder, renames it into
``versions/`` and only then switches ``CURRENT`` (itself replaced atomically). A crash at any
moment therefore leaves ``CURRENT`` naming a complete version: the old one or the new one.
Versions are never modified or deleted; ``restore`` writes a new version equal to an old one,
so a restore can be undone too.

Writers never lose each other's changes. A change is read-modify-write: :meth:`SheetStore.update`
holds the sheet's lock (:mod:`.lock`; released by the OS if the process dies) while it reads
the current version, applies the change and writes. Every write also names the version it was
based on and is refused if ``CURRENT`` moved meanwhile (optimistic concurrency: the guard
where the lock does not reach, such as a synchronised folder); ``update`` then rebuilds the
change on the new version.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import CPBError
from .atomic import fsync_directory, write_atomic
from .cellsafe import is_control
from .csvfiles import read_table, read_text_bounded, table_to_csv
from .lock import exclusive
from .schema import KINDS, USER_ONLY_KINDS, check_references, schema

STORED_KINDS = KINDS + USER_ONLY_KINDS

HOME_ENV = "XLCPB_HOME"
VERSION_PATTERN = re.compile(r"^v(\d{4,})$")
LOCK_TIMEOUT_S = 120.0   # a write takes milliseconds; a big import a few seconds
MAX_REBUILDS = 5
ANY = object()           # write(base=ANY): no optimistic check (callers that hold the lock)
_THREAD_LOCKS = threading.local()


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

    def _broken(self, path: Path, problem: str, fix: str | None = None):
        raise CPBError(f"{path}: {problem}.", argument=str(path), value=None,
                       fix=fix or "Run 'xlcpb sheet history' and 'xlcpb sheet restore VERSION' "
                                  f"(or move {self.root} away to start again).", kind="value")

    def _check_home(self) -> None:
        for folder in (self.home, self.root, self.versions_dir):
            if folder.exists() and not folder.is_dir():
                self._broken(folder, "is a file, not the sheet's folder",
                             "Give --sheet (or $XLCPB_HOME) as a folder.")

    # -- reading -------------------------------------------------------------------------
    def current_version(self) -> str | None:
        self._check_home()
        if not self.pointer.exists():
            return None
        try:
            data = self.pointer.read_bytes()[:64]
            version = data.decode("ascii").strip()
        except (UnicodeDecodeError, OSError):
            self._broken(self.pointer, "is not a version id (binary or unreadable)")
        if not VERSION_PATTERN.match(version) or not (self.versions_dir / version).is_dir():
            raise CPBError(f"{self.pointer}: names version {version!r}, which does not exist.",
                           argument=str(self.pointer), value=version,
                           fix=f"Run 'xlcpb sheet history' and 'xlcpb sheet restore VERSION' "
                               f"(or remove {self.pointer} to start again).", kind="value")
        return version

    def read(self, version: str | None = None) -> dict[str, list[dict]]:
        """The user's rows of each kind at ``version`` (default: current), validated.

        Every table the version recorded (``version.json``'s row counts) must be there: a
        missing one is an error, never an empty table. A kind added to xlcpb after the version
        was written reads as empty.
        """
        version = self.resolve(version) if version else self.current_version()
        if version is None:
            return {kind: [] for kind in STORED_KINDS}
        folder = self.versions_dir / version
        recorded = self._meta(folder)["rows"]
        tables = {}
        for name in STORED_KINDS:
            kind = schema()[name]
            path = folder / kind.file
            if not path.is_file():
                if name not in recorded:
                    tables[name] = []
                    continue
                self._broken(path, f"missing: version {version} has no {kind.title} table")
            try:
                tables[name] = read_table(kind, path)
            except CPBError as error:
                self._broken(path, f"damaged ({error})")
        return tables

    def _meta(self, folder: Path) -> dict:
        path = folder / "version.json"
        try:
            meta = json.loads(read_text_bounded(path))
            if not isinstance(meta, dict) or not isinstance(meta.get("rows"), dict):
                raise ValueError("not a version record")
            return {"created": str(meta["created"]), "message": str(meta["message"]),
                    "rows": meta["rows"]}
        except FileNotFoundError:
            self._broken(path, "missing")
        except (ValueError, KeyError, CPBError, RecursionError) as error:
            self._broken(path, f"not a valid version record ({type(error).__name__})")

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
            meta = self._meta(folder)
            versions.append(Version(id=folder.name, created=meta["created"],
                                    message=meta["message"], rows=meta["rows"]))
        return versions

    # -- writing -------------------------------------------------------------------------
    @contextmanager
    def locked(self):
        """Hold the sheet's lock (re-entrant within one thread of this process)."""
        held = getattr(_THREAD_LOCKS, "held", None)
        if held is None:
            held = _THREAD_LOCKS.held = {}
        key = str(self.root.resolve())
        if held.get(key):
            held[key] += 1
            try:
                yield
            finally:
                held[key] -= 1
            return
        self._check_home()
        with exclusive(self.root / "LOCK", LOCK_TIMEOUT_S, f"the sheet {self.root}"):
            held[key] = 1
            try:
                yield
            finally:
                held[key] = 0

    def update(self, change, bundled: dict[str, list[dict]] | None = None) -> str | None:
        """Read-modify-write under the lock: ``change(tables)`` edits the current user rows
        in place and returns the version message (or None: nothing to write).

        If ``CURRENT`` moved between the read and the write (a writer the lock did not reach),
        the change is rebuilt on the new version, up to :data:`MAX_REBUILDS` times.
        """
        with self.locked():
            for _ in range(MAX_REBUILDS):
                base = self.current_version()
                tables = self.read(base)
                message = change(tables)
                if message is None:
                    return None
                try:
                    return self.write(tables, message, bundled=bundled, base=base)
                except SheetMoved:
                    continue
        raise CPBError(f"the sheet {self.root} kept changing while this change was saved.",
                       argument=str(self.root), value=None,
                       fix="Run the command again when the other writers have finished.")

    def write(self, tables: dict[str, list[dict]], message: str,
              bundled: dict[str, list[dict]] | None = None, base=ANY) -> str:
        """Save ``tables`` (all user rows of every kind) as a new version; return its id.

        ``base`` is the version ``tables`` was built from (None: the empty sheet); if
        ``CURRENT`` names another version the write is refused with :class:`SheetMoved`.
        ``bundled`` lets references (a price's hardware id) resolve to bundled hardware.
        """
        merged = {kind: (bundled or {}).get(kind, []) + tables.get(kind, []) for kind in KINDS}
        check_references(merged, "the new sheet")
        _refuse_controls(tables)
        with self.locked():
            parent = self._check_base(base)
            self.versions_dir.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.versions_dir))
            try:
                for name in STORED_KINDS:
                    kind = schema()[name]
                    write_atomic(staging / kind.file, table_to_csv(kind, tables.get(name, [])))
                meta = {"created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                        "message": message, "parent": parent,
                        "rows": {name: len(tables.get(name, [])) for name in STORED_KINDS}}
                write_atomic(staging / "version.json", json.dumps(meta, indent=2) + "\n")
                version = self._publish(staging)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            try:
                self._check_base(parent)  # moved while staging (a lock that did not reach)?
            except SheetMoved:
                shutil.rmtree(self.versions_dir / version, ignore_errors=True)
                raise
            write_atomic(self.pointer, version + "\n")
        return version

    def _check_base(self, base) -> str | None:
        current = self.current_version()
        if base is not ANY and base != current:
            raise SheetMoved(f"the sheet {self.root} moved from {base or 'empty'} to "
                             f"{current or 'empty'} while this change was prepared; nothing "
                             "was saved.", argument=str(self.pointer), value=current,
                             fix="Run the command again: it starts from the new version.")
        return current

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


def _refuse_controls(tables: dict[str, list[dict]]) -> None:
    """No control character is ever stored: it breaks every workbook made from the sheet."""
    for kind, rows in tables.items():
        for number, row in enumerate(rows, start=1):
            for column, value in row.items():
                for text in value if isinstance(value, tuple) else (value,):
                    if isinstance(text, str) and any(map(is_control, text)):
                        raise CPBError(f"{kind} row {number}, column {column}: {text!r} holds a "
                                       "control character.", argument=column, value=text,
                                       fix="Remove it (xlcpb import removes them itself).")


class SheetMoved(CPBError):
    """A write based on a version that is no longer current (see :meth:`SheetStore.write`)."""
