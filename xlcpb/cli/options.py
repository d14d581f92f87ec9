"""Command-line options shared by several commands."""

from __future__ import annotations

import argparse

from ..data.number_text import check_locale, parse_number


FORMATS = ("table", "csv", "json")  # what every command's --format offers


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="table for people (default), csv or json at full precision")


class NumberText(str):
    """A number option's text, read once the command's ``--locale`` is known."""


def number(text: str) -> NumberText:
    """``type=`` of a number option: 65e12, 1000, 0.50, $2.50, 5% - or 1,5 with --locale de.

    The text is kept as typed and read by :func:`resolve_numbers` after parsing, so that
    ``--locale`` may stand anywhere on the line; the rules are :mod:`xlcpb.data.number_text`.
    """
    return NumberText(text)


def read_number(text: str, args: argparse.Namespace, option: str) -> float:
    """An option's text read as a number under the command's ``--locale`` (for options
    that also take a word, such as ``--batch max``)."""
    return parse_number(text, getattr(args, "locale", None), option)


def add_locale(parser: argparse.ArgumentParser) -> None:
    """Give every leaf command of ``parser`` a ``--locale`` option (if it has none)."""
    subcommands = [action for action in parser._actions
                   if isinstance(action, argparse._SubParsersAction)]
    for action in subcommands:
        for child in set(action.choices.values()):
            add_locale(child)
    if not subcommands and parser.add_help and "--locale" not in parser._option_string_actions:
        parser.add_argument("--locale", default=None, type=check_locale,
                            help="how numbers are typed: en for 1,000.5, de or fr for 1.000,5 "
                                 "(default: only what reads the same in both; 1,5 is refused)")


def _option_names(parser: argparse.ArgumentParser, names: dict) -> dict:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in set(action.choices.values()):
                _option_names(child, names)
        elif action.option_strings:
            names.setdefault(action.dest, max(action.option_strings, key=len))
    return names


def resolve_numbers(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Read every number option of ``args`` under its ``--locale`` (CPBError if unreadable)."""
    locale = getattr(args, "locale", None)
    names = None
    for dest, value in vars(args).items():
        pending = value if isinstance(value, list) else [value]
        if not any(isinstance(item, NumberText) for item in pending):
            continue
        names = names or _option_names(parser, {})
        label = names.get(dest, dest)
        read = [parse_number(str(item), locale, label) if isinstance(item, NumberText)
                else item for item in pending]
        setattr(args, dest, read if isinstance(value, list) else read[0])


def add_price_choice(group) -> None:
    """--provider, --pricing-model and --region: which of the sheet's prices to take."""
    group.add_argument("--provider", help="with --hardware: take this provider's price")
    group.add_argument("--pricing-model", help="with --hardware: e.g. on-demand, spot")
    group.add_argument("--region", help="with --hardware: the price's region")


def chosen_price(sheet, hardware: str, args) -> dict:
    """The sheet's price row for ``hardware`` that the price options pick."""
    criteria = {"provider": args.provider, "region": args.region}
    if args.pricing_model:
        criteria["pricing_model"] = args.pricing_model
    return sheet.price(hardware, **criteria)


def price_source(row: dict | None) -> str:
    """Where a looked-up price comes from, for a title."""
    if not row:
        return ""
    return (f"price: {row['provider']} {row['instance_type']} {row['region']} "
            f"{row['pricing_model']} {row['price_per_device_hour']:g} {row['currency']}"
            f"/device-h ({row['effective_date']})")
