"""The xlcpb command line: help everywhere, formats, errors without tracebacks."""

import argparse
import csv
import io
import json
import subprocess
import sys

import pytest

from xlcpb.cli import build_parser, main


def run(*argv):
    return subprocess.run([sys.executable, "-m", "xlcpb", *argv], capture_output=True,
                          text=True, timeout=120)


def _command_paths(parser, prefix=()):
    """Every command and subcommand, as argv prefixes."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                yield prefix + (name,)
                yield from _command_paths(subparser, prefix + (name,))


def test_every_command_has_help(capsys):
    paths = list(_command_paths(build_parser()))
    assert {("case-studies",), ("estimate",), ("sheet", "history"),
            ("sheet", "add", "prices")} <= set(paths)
    for path in paths:
        with pytest.raises(SystemExit) as exit_:
            main([*path, "--help"])
        assert exit_.value.code == 0
        assert "usage: xlcpb " + " ".join(path) in capsys.readouterr().out


def test_estimate_text_json_equals_paper_case(capsys):
    assert main(["estimate", "--locale", "en", "--tokens", "1,000", "--params", "1.5e9",
                 "--flops-per-s", "65e12", "--price-per-hour", "$0.50", "--format",
                 "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["modality"] == "text"
    assert result["cost"] == pytest.approx(3e12 / 65e12 * 0.5 / 3600, rel=1e-15)


def test_estimate_video_with_devices_csv_full_precision(capsys):
    assert main(["estimate", "--seconds", "60", "--fps", "30", "--width", "256",
                 "--height", "256", "--flops-per-unit", "1e15", "--flops-per-s", "125e12",
                 "--price-per-hour", "2.5", "--devices", "10", "--format", "csv"]) == 0
    rows = {row["symbol"]: row for row in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert float(rows["S"]["value"]) == 353_894_400
    assert float(rows["C"]["value"]) == pytest.approx(10.0, rel=1e-12)


def test_estimate_audio_table(capsys):
    assert main(["estimate", "--seconds", "60", "--sample-rate", "24000",
                 "--flops-per-unit", "1e9", "--flops-per-s", "125e12",
                 "--price-per-hour", "2.5"]) == 0
    out = capsys.readouterr().out
    assert "estimate (audio)" in out and "2,880,000" in out and "11.52" in out


@pytest.mark.parametrize("argv, words", [
    (["estimate", "--tokens", "10", "--params", "1e9", "--flops-per-s", "65",
      "--price-per-hour", "1"], "TFLOP/s"),
    (["estimate", "--params", "1e9", "--flops-per-s", "65e12", "--price-per-hour", "1"],
     "no content given"),
    (["estimate", "--tokens", "10", "--flops-per-s", "65e12", "--price-per-hour", "1"],
     "exactly one of flops_per_unit, params or total_flops"),
    (["estimate", "--tokens", "10", "--fps", "30", "--params", "1e9", "--flops-per-s",
      "65e12", "--price-per-hour", "1"], "--fps does not apply to text"),
])
def test_errors_are_one_line_without_traceback(argv, words):
    result = run(*argv)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_non_number_flag_is_refused_by_argparse():
    result = run("estimate", "--tokens", "lots", "--params", "1e9", "--flops-per-s", "65e12",
                 "--price-per-hour", "1")
    assert result.returncode == 2 and "--tokens = 'lots': not a number" in result.stderr


def test_estimate_with_hardware_name_uses_sheet_figures(capsys):
    assert main(["estimate", "--tokens", "1000", "--params", "1.5e9", "--hardware", "T4",
                 "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["flops_per_s"] == 65e12  # the sheet's T4 fp16 tensor peak, as in the paper
    assert result["price_row"]["provider"] == "modal"
    assert result["cost_per_s"] == pytest.approx(result["price_row"]["price_per_device_hour"]
                                                 / 3600)


def test_estimate_without_speed_says_what_is_missing():
    result = run("estimate", "--tokens", "10", "--params", "1e9")
    assert result.returncode == 2
    assert "--flops-per-s and --price-per-hour missing" in result.stderr


def test_estimate_states_and_applies_efficiency_and_utilisation(capsys):
    base = ["estimate", "--tokens", "1000", "--params", "1.5e9", "--flops-per-s", "65e12",
            "--price-per-hour", "0.5", "--format", "json"]
    assert main(base) == 0
    paper = json.loads(capsys.readouterr().out)
    assert paper["cost"] == pytest.approx(6.41025641e-06)  # the paper's eq. (12)
    # half the peak doubles the time; half of the paid time idle doubles its cost again
    assert main(base + ["--compute-efficiency", "0.5", "--utilisation", "0.5"]) == 0
    real = json.loads(capsys.readouterr().out)
    assert real["generation_s"] == pytest.approx(2 * paper["generation_s"], rel=1e-12)
    assert real["cost"] == pytest.approx(4 * paper["cost"], rel=1e-12)
    assert main(base[:-2] + ["--compute-efficiency", "48%"]) == 0
    assert "at 48% of peak FLOP/s and 100% utilisation" in capsys.readouterr().out
    assert main(base + ["--utilisation", "1.5"]) == 2
    assert "utilisation" in capsys.readouterr().err
