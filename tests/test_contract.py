"""The function contract (xlcpb/excel/functions.toml) is the one place a function is declared:
the xlwings functions, their metadata, the CLI options, publish and the README follow it."""

import argparse
import inspect
import re
from pathlib import Path

import pytest
from xlwings.server import custom_functions_meta

import xlcpb.udfs as udfs
from xlcpb.excel import contract
from xlcpb.workbook.translate import Argument, Lookup, native

README = Path(__file__).resolve().parent.parent / "README.md"
TOML = Path(contract.__file__).with_name("functions.toml")


def test_the_readme_table_is_generated_from_the_contract():
    text = README.read_text(encoding="utf-8")
    table = re.search(r"<!-- functions:[^\n]*-->\n(.*?)<!-- /functions -->", text, re.S)
    assert table, "README lost its generated function table"
    assert table[1] == contract.markdown_table(), \
        "README's function table is stale: regenerate it from functions.toml (README, " \
        "Developer notes)"


def test_every_declared_function_is_an_xlwings_function_with_its_help():
    meta = {f["name"]: f for f in custom_functions_meta(udfs)["functions"]}
    declared = contract.functions()
    assert set(meta) == set(declared) == {name.upper() for name in udfs.__all__}
    for name, function in declared.items():
        parameters = meta[name]["parameters"]
        assert [p["name"] for p in parameters] == [a.name for a in function.args]
        for parameter, argument in zip(parameters, function.args):
            assert parameter["description"] == argument.help
            assert parameter.get("optional", False) == (not argument.required)


def test_defaults_are_the_callees_own():
    # the engine's text_bytes(tokens, bytes_per_token=4) is where 4 is written
    image = contract.functions()["CPB_BYTES_IMAGE"]
    engine_defaults = {name: p.default for name, p in
                       inspect.signature(contract.callee(image.calls)).parameters.items()}
    for argument in image.args:
        if not argument.required:
            assert argument.default == engine_defaults[argument.parameter]
    assert contract.functions()["CPB_BYTES_TEXT"].argument("bytes_per_token").default == 4


def test_an_optional_argument_is_one_line_of_the_contract():
    """Removing the `images` line removes the argument everywhere it shows."""
    text = TOML.read_text(encoding="utf-8")
    line = '    { name = "images", help = "how many images" },\n'
    assert line in text
    without = contract.load_functions(text.replace(line, "").replace("*{images}", ""))
    with_it = contract.functions()
    assert [a.name for a in without["CPB_BYTES_IMAGE"].args][-1] == "bits_per_channel"
    assert [a.name for a in with_it["CPB_BYTES_IMAGE"].args][-1] == "images"
    assert "[images=1]" not in contract.markdown_table(without)
    assert "[images=1]" in contract.markdown_table(with_it)
    # the xlwings function, its native form and a CLI option all carry it
    assert list(inspect.signature(udfs.cpb_bytes_image).parameters)[-1] == "images"
    assert udfs.cpb_bytes_image(2, 2, None, None, 5) == 2 * 2 * 3 * 8 / 8 * 5
    lookup = Lookup(hardware_last_row=2, hardware_last_column="B", prices_last_row=2)
    formula = native("CPB_BYTES_IMAGE", [Argument("2", False, 2.0), Argument("2", False, 2.0),
                                         Argument("", False), Argument("", False),
                                         Argument("5", False, 5.0)], lookup)
    assert eval(formula) == 60.0  # noqa: S307 - plain arithmetic of literals
    parser = argparse.ArgumentParser()
    contract.add_cli_options(parser, "CPB_BYTES_IMAGE")
    assert parser.parse_args([]).images == 1 and parser.parse_args(["--images", "3"]).images == 3


def test_a_bad_declaration_is_refused_with_its_place():
    text = TOML.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="CPB_COST.*kind 'magic'"):
        contract.load_functions(text.replace('kind = "engine"\ncalls = "engine:cost"',
                                             'kind = "magic"\ncalls = "engine:cost"'))
    with pytest.raises(ValueError, match="has no parameter 'bytes_per_tokn'"):
        contract.load_functions(text.replace('name = "bytes_per_token"',
                                             'name = "bytes_per_tokn"'))
