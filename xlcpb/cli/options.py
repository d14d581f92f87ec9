"""Command-line options shared by several commands."""

from __future__ import annotations

import argparse

from .output import FORMATS


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="table for people (default), csv or json at full precision")


def number(text: str) -> float:
    """A number as people type it on a command line: 65e12, 1,000, 0.50, $2.50."""
    cleaned = text.strip().replace(",", "").replace("_", "").lstrip("$")
    try:
        return float(cleaned)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number (write e.g. 65e12, 1,000 or 0.50)") from None
