"""``xlcpb publish``: a copy of a workbook that computes without the add-in."""

from __future__ import annotations

from pathlib import Path

from ..workbook.publish import publish
from .commands import help_of


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "publish", help=help_of("publish"),
        description="Turn every CPB_* formula into its native Excel equivalent (lookups over "
                    "embedded, hidden xlcpb_Hardware and xlcpb_Prices sheets), or its value "
                    "where none exists (listed on xlcpb_About, and guarded: a Checks row "
                    "turns FALSE when an input it was computed from changes). Everything "
                    "else in the workbook is kept; the input is never changed.")
    parser.add_argument("source", type=Path, metavar="IN.xlsx", help="the workbook to publish")
    parser.add_argument("-o", "--out", type=Path, required=True, metavar="OUT.xlsx",
                        help="the published copy to write")
    parser.add_argument("--lock", action="store_true",
                        help="protect every sheet, with no password: formula cells locked, "
                             "cells marked unlocked (inputs) stay editable")
    parser.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    parser.set_defaults(run=run)


def run(args) -> int:
    report = publish(args.source, args.out, lock=args.lock, overwrite=args.overwrite)
    print(f"Wrote {args.out}: {len(report.translated)} cells made native, "
          f"{len(report.valued)} replaced by their value (listed on xlcpb_About).")
    for sheet, cell, function, value in report.valued:
        print(f"  {sheet}!{cell}: {function} = {value}")
    if any(frozen.inputs for frozen in report.guarded):
        print("Each value read from cells is guarded: a check (Checks sheet, or xlcpb_guard) "
              "turns FALSE if one of those cells changes.")
    return 0
