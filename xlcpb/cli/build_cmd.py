"""``xlcpb build``: render the workbook templates."""

from __future__ import annotations

from pathlib import Path

from ..data.bundled import bundled_templates
from ..workbook.build import build_all
from ..workbook.template import template_paths
from .commands import help_of


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "build", help=help_of("build"),
        description="Render every template spec into a workbook: Inputs, Calculations, "
                    "Outputs, Checks, Hardware and About sheets, CPB_* formulas with their "
                    "values stored so the file reads right before any recalculation.")
    parser.add_argument("--templates", type=Path,
                        help="folder of template specs (default: the ones shipped with xlcpb)")
    parser.add_argument("--out", type=Path, default=Path("workbooks"),
                        help="folder to write workbooks into (default ./workbooks)")
    parser.add_argument("--date", help="build date written on About (default today)")
    parser.set_defaults(run=run)


def run(args) -> int:
    folder = args.templates or bundled_templates()
    for path in build_all(template_paths(folder), args.out, args.date):
        print(f"Wrote {path}")
    return 0
