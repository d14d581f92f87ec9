"""Reading vendor files safely: bounded sizes, encodings, numbers as people write them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..data.bundled import bundled_toml
from ..data.number_text import parse_number_or_none
from ..errors import CPBError

MAX_IMPORT_BYTES = 64 * 1024 ** 3       # a full AWS offer file is a few GB; refuse absurd
MAX_IN_MEMORY_BYTES = 512 * 1024 ** 2   # files read whole (JSON, small CSV) must stay small


@lru_cache(maxsize=1)
def header_vocabulary() -> dict:
    return bundled_toml("import_headers.toml")


def check_size(path: Path, limit: int = MAX_IMPORT_BYTES) -> int:
    size = path.stat().st_size
    if size > limit:
        raise CPBError(f"{path}: {size:,} bytes is over the {limit:,}-byte limit for this "
                       "format.", argument="file", value=str(path),
                       fix="Split the file, or check it is the file you meant.")
    return size


def decode(data: bytes, source: str, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used): a given encoding, else UTF-8 (BOM or not), else Windows-1252."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as error:
            raise CPBError(f"{source}: not readable as {encoding}: {error}.", argument="file",
                           value=source, fix="Give the file's real --encoding.") from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise CPBError(f"{source}: neither UTF-8 nor Windows-1252 text.", argument="file",
                       value=source, fix="Save it as CSV UTF-8, or pass --encoding.") from None


def read_text(path: Path, encoding: str | None = None) -> tuple[str, str]:
    check_size(path, MAX_IN_MEMORY_BYTES)
    return decode(path.read_bytes(), str(path), encoding)


def parse_number(text, locale: str | None = "en") -> float | None:
    """A number as written in a price list, or None (the row is skipped with a reason).

    The one policy of :mod:`xlcpb.data.number_text`: vendor files (AWS, Azure, FOCUS...)
    write English numbers, so their importers use ``"en"``; a user's own file is read in the
    locale the user gives (``--locale``, a mapping's ``locale``), None being neutral.
    """
    return parse_number_or_none(text, locale)
