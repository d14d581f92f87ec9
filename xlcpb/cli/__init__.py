"""Layer 4 adapter: the ``xlcpb`` command line.

Each command lives in its own module with ``register(subparsers)``; this module wires them
and turns every expected failure into one line on stderr and exit status 2, never a
traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import __version__
from ..errors import CPBError
from . import (budget_cmd, build_cmd, calibrate_cmd, case_studies_cmd, estimate_cmd, import_cmd,
               lite_cmd, llm_cmd, publish_cmd, sheet_cmd)

COMMANDS = (case_studies_cmd, estimate_cmd, llm_cmd, budget_cmd, sheet_cmd, import_cmd,
            build_cmd, publish_cmd, calibrate_cmd, lite_cmd)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xlcpb",
        description="Price generated content (text, images, audio, video) by the "
                    "Cost-Per-Byte Principle: C = T_byte x I x S.",
        epilog="Run 'xlcpb COMMAND --help' for a command's options.")
    parser.add_argument("--version", action="version", version=f"xlcpb {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    try:
        return args.run(args) or 0
    except CPBError as error:
        print(f"xlcpb: error: {error}", file=sys.stderr)
        return 2
    except argparse.ArgumentTypeError as error:
        print(f"xlcpb: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head: stop quietly
        sys.stdout = open(os.devnull, "w")
        return 0
    except OSError as error:
        print(f"xlcpb: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("xlcpb: interrupted; nothing was written.", file=sys.stderr)
        return 130
