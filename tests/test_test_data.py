"""The tests' own data: inside the repository, byte-for-byte what its provenance says.

A clone with nothing beside it must pass the tests (the README's test command), so no test,
benchmark, tool or package file may read the project's shared material (``../shared``).
"""

import hashlib
import re

import pytest

from conftest import ROOT, TEST_DATA

FOLDERS = ["pricelists", "reference"]
TABLE_ROW = re.compile(r"^\| `(?P<name>[^`]+)` \| (?P<size>[\d,]+) \| `(?P<sha>[0-9a-f]{64})` \|$",
                       re.M)
# Files allowed to name the shared folder, each with the reason: none (calibrate reads the
# packaged xlcpb/data/llm_measurements.csv).
STILL_READ_FROM_SHARED: dict = {}
# a path into the shared folder: "../shared/...", ROOT.parent / "shared", "shared" / ...
SHARED_PATH = re.compile(r"""\.\./shared\b|["']shared["']\s*/|/\s*["']shared["']""")


def _listed(folder):
    text = (TEST_DATA / folder / "PROVENANCE.md").read_text("utf-8")
    return {match["name"]: (int(match["size"].replace(",", "")), match["sha"])
            for match in TABLE_ROW.finditer(text)}


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_file_is_listed_with_its_size_and_sha256(folder):
    listed = _listed(folder)
    present = {p.name for p in (TEST_DATA / folder).iterdir() if p.name != "PROVENANCE.md"}
    assert present == set(listed), "tests/data/%s: listed and present files differ" % folder
    for name, (size, sha) in listed.items():
        data = (TEST_DATA / folder / name).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (size, sha), name


def test_price_lists_match_the_hashes_their_sources_published():
    # The provenance text (verbatim from the shared README) gives each file's sha256 too: the
    # copies are the files it describes, not edited ones.
    text = (TEST_DATA / "pricelists" / "PROVENANCE.md").read_text("utf-8")
    published = dict(re.findall(r"^(\d\d_\S+)\s+\([\d,]+ B.*?\n.*?sha256:\s+([0-9a-f]{64})",
                                text, re.M | re.S))
    assert len(published) == 10
    assert {name: sha for name, (_, sha) in _listed("pricelists").items()} == published


def test_nothing_reads_the_shared_folder_beside_the_checkout():
    offenders = []
    for folder in ("tests", "xlcpb", ".ci", "tools"):
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT).as_posix()
            if (not path.is_file() or relative.startswith("tests/data/")
                    or path.suffix in {".pyc", ".xlsx"} or relative in STILL_READ_FROM_SHARED
                    or relative == "tests/test_test_data.py"):
                continue
            for number, line in enumerate(path.read_text("utf-8", "replace").splitlines(), 1):
                if SHARED_PATH.search(line):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "reads ../shared (copy the file into tests/data/ instead):\n" + \
        "\n".join(offenders)
