"""Reading vendor files safely: bounded sizes, encodings, numbers as people write them."""

from __future__ import annotations

import csv
import io
import json
import re
from functools import lru_cache
from pathlib import Path

from ..data.bundled import bundled_toml
from ..data.number_text import parse_number_or_none
from ..errors import CPBError

MAX_IMPORT_BYTES = 64 * 1024 ** 3       # a full AWS offer file is a few GB; refuse absurd
MAX_IN_MEMORY_BYTES = 512 * 1024 ** 2   # files read whole (JSON, small CSV) must stay small
MAX_LINE_CHARS = 1024 ** 2              # one CSV line; real price lists stay under 10 kB
MAX_JSON_DEPTH = 64                     # real price JSON nests under 10 levels
# A valid multi-byte UTF-8 sequence: a file that has one was written as UTF-8.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|"
                             rb"[\xf0-\xf4][\x80-\xbf]{3}")


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
    """(text, encoding used): a given encoding, else UTF-8 (BOM or not), else Windows-1252.

    The encoding is decided once for the whole file. A file that is UTF-8 except for some
    bytes (one line pasted from a Windows-1252 file, say) is an error naming the first such
    line: decoding all of it as Windows-1252 would turn every valid accented row into
    mojibake, and decoding line by line would store one name spelt two ways.
    """
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as error:
            raise CPBError(f"{source}: not readable as {encoding}: {error}.", argument="file",
                           value=source, fix="Give the file's real --encoding.") from None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as error:
            _mixed(data, error.start + 3, source)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if _UTF8_MULTIBYTE.search(data):
            _mixed(data, error.start, source)
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise CPBError(f"{source}: neither UTF-8 nor Windows-1252 text.", argument="file",
                       value=source, fix="Save it as CSV UTF-8, or pass --encoding.") from None


def _mixed(data: bytes, position: int, source: str):
    line = data.count(b"\n", 0, position) + 1
    raise CPBError(f"{source}: line {line} is not UTF-8 although the rest of the file is: the "
                   "file mixes encodings.", argument="file", value=source,
                   fix="Re-save the whole file as CSV UTF-8 (or pass --encoding to read all of "
                       "it in one encoding).")


def read_text(path: Path, encoding: str | None = None) -> tuple[str, str]:
    check_size(path, MAX_IN_MEMORY_BYTES)
    return decode(path.read_bytes(), str(path), encoding)


def read_csv_text(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """A CSV file's text, as :func:`read_text`, after a streamed pass that refuses a line
    over :data:`MAX_LINE_CHARS` bytes before the file is loaded (a 1 GB one-line file
    costs one line buffer, not gigabytes)."""
    check_size(path, MAX_IN_MEMORY_BYTES)
    with open(path, "rb") as stream:
        for _ in bounded_lines(stream, str(path)):
            pass
    return read_text(path, encoding)


def bounded_lines(stream, source: str, first_line: int = 1):
    """The lines of a stream (text or bytes), none longer than :data:`MAX_LINE_CHARS` (memory
    stays bounded whatever the file: a longer line is refused with its number)."""
    number = first_line
    while True:
        line = stream.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        if len(line) > MAX_LINE_CHARS:
            raise CPBError(f"{source}: line {number} is longer than {MAX_LINE_CHARS:,} "
                           "characters.", argument="file", value=source,
                           fix="This is not a plausible price list line; check the file.")
        yield line
        number += 1


def csv_records(text_or_stream, source: str, dicts: bool = False, dialect=csv.excel):
    """CSV records (lists, or dicts by header) from text or a text stream, with bounded
    lines; a malformed record (a field over the csv module's 131,072-character limit, say)
    is a CPBError naming its line."""
    stream = (io.StringIO(text_or_stream, newline="") if isinstance(text_or_stream, str)
              else text_or_stream)
    reader = (csv.DictReader if dicts else csv.reader)(bounded_lines(stream, source),
                                                       dialect=dialect)
    try:
        yield from reader
    except csv.Error as error:
        raise CPBError(f"{source}: line {reader.line_num}: {error}.", argument="file",
                       value=source, fix="Check the file: a price list has no such "
                                         "field.") from None


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list) -> dict:
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _depth(text: str) -> int:
    """How deep ``[`` and ``{`` nest outside strings (stops counting past the limit)."""
    depth = deepest = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    break
        elif token in "]}":
            depth -= 1
    return deepest


def parse_json(text: str, source: str):
    """A JSON document; duplicate keys, deep nesting and malformed text are errors by name."""
    if _depth(text) > MAX_JSON_DEPTH:
        raise CPBError(f"{source}: JSON nested more than {MAX_JSON_DEPTH} levels deep.",
                       argument="file", value=source,
                       fix="This is not a plausible price list; check the file.")
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except _DuplicateKey as error:
        raise CPBError(f"{source}: the key {error.args[0]!r} appears twice in one JSON object, "
                       "so which value is meant cannot be known.", argument="file",
                       value=source, fix="Remove the repeated key from the file.") from None
    except json.JSONDecodeError as error:
        raise CPBError(f"{source}: not valid JSON ({error.msg.rstrip(' at')}, line "
                       f"{error.lineno}, column {error.colno}).", argument="file", value=source,
                       fix="The file may be truncated or damaged; download it again.") from None
    except RecursionError:
        raise CPBError(f"{source}: JSON nested too deeply to read.", argument="file",
                       value=source, fix="Check the file.") from None


def read_json(path: Path, encoding: str | None = None):
    """The JSON document in ``path`` (bounded size; encoding decided as :func:`decode`)."""
    text, _ = read_text(path, encoding)
    return parse_json(text, str(path))


def parse_number(text, locale: str | None = "en") -> float | None:
    """A number as written in a price list, or None (the row is skipped with a reason).

    The one policy of :mod:`xlcpb.data.number_text`: vendor files (AWS, Azure, FOCUS...)
    write English numbers, so their importers use ``"en"``; a user's own file is read in the
    locale the user gives (``--locale``, a mapping's ``locale``), None being neutral.
    """
    return parse_number_or_none(text, locale)
