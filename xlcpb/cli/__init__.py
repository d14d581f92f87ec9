"""Layer 4 adapter: the ``xlcpb`` command line.

Each command lives in its own module with ``register(subparsers)``; :mod:`.commands` lists
them, so ``xlcpb --help`` imports none and ``xlcpb llm ...`` imports only ``llm_cmd``. Every
leaf command takes ``--locale`` (how its numbers are typed: :mod:`xlcpb.data.number_text`),
and every expected failure ends as one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import __version__
from ..errors import CPBError
from .commands import COMMANDS, module
from .options import add_locale, resolve_numbers


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of command ``only`` with the others as summaries."""
    parser = argparse.ArgumentParser(
        prog="xlcpb",
        description="Price generated content (text, images, audio, video) by the "
                    "Cost-Per-Byte Principle: C = T_byte x I x S.",
        epilog="Run 'xlcpb COMMAND --help' for a command's options.")
    parser.add_argument("--version", action="version", version=f"xlcpb {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = {module_name for name, (module_name, _) in COMMANDS.items() if only in (None, name)}
    for module_name in dict.fromkeys(module_name for module_name, _ in COMMANDS.values()):
        if module_name in wanted:  # a module may register several commands (budget, actuals)
            module(next(n for n, (m, _) in COMMANDS.items() if m == module_name)).register(
                subparsers)
    for name, (_, summary) in COMMANDS.items():
        if name not in subparsers.choices:
            subparsers.add_parser(name, help=summary, add_help=False)
    add_locale(parser)
    return parser


def _command_of(argv: list[str]) -> str | None:
    """The command word of ``argv`` when it names a known command (top-level flags first)."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        parser = build_parser(only=_command_of(argv) or "")
        args = parser.parse_args(argv)
        if not getattr(args, "run", None):
            parser.print_help()
            return 0
        resolve_numbers(parser, args)
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
