"""``xlcpb lite``: write the files that put the CPB_* functions into xlwings Lite."""

from __future__ import annotations

from pathlib import Path

from ..lite.bundle import write_lite_files
from .commands import help_of


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "lite", help=help_of("lite"),
        description="Write a self-contained main.py (the xlcpb package and its price sheet "
                    "inside; no package index needed) and requirements.txt. Paste them into "
                    "the xlwings Lite editor's main.py and requirements.txt tabs.")
    parser.add_argument("--out", type=Path, default=Path("xlcpb-lite"),
                        help="folder to write into (default ./xlcpb-lite)")
    parser.add_argument("--overwrite", action="store_true", help="replace existing files")
    parser.set_defaults(run=run)


def run(args) -> int:
    paths = write_lite_files(args.out, overwrite=args.overwrite)
    for path in paths:
        print(f"Wrote {path} ({path.stat().st_size:,} bytes)")
    print("Next: in Excel, open xlwings Lite; paste main.py into the editor's main.py and "
          "requirements.txt into its requirements tab; =CPB_VERSION() in a cell checks it.")
    return 0
