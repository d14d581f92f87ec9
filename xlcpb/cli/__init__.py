"""Layer 4 adapter: the ``xlcpb`` command line.

Each command lives in its own module with ``register(subparsers)``; :mod:`.commands` lists
them, so ``xlcpb --help`` imports none and ``xlcpb llm ...`` imports only ``llm_cmd``. Every
leaf command takes ``--locale`` (how its numbers are typed: :mod:`xlcpb.data.number_text`),
and every expected failure ends as one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import os
import signal
import sys

INTERRUPTED = "xlcpb: interrupted (files are written whole or not at all)."


def _interrupted_while_starting(signum, frame):  # pragma: no cover - timing dependent
    """Ctrl-C before main() runs (while modules load): one line and exit 130, no traceback."""
    sys.stderr.write(INTERRUPTED + "\n")
    os._exit(130)


if os.path.basename(sys.argv[0] or "").split(".")[0] in ("xlcpb", "xlcpb-script", "__main__") \
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
    signal.signal(signal.SIGINT, _interrupted_while_starting)  # only when run as the command

import argparse  # noqa: E402 (after the handler: Ctrl-C while loading is one line too)

from .. import __version__
from ..errors import CPBError
from .commands import COMMANDS, module
from .options import add_locale, resolve_numbers


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line (the usage itself is in ``--help``)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help').\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of command ``only`` with the others as summaries."""
    parser = _Parser(
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


def _one_line(text: str) -> str:
    """An error message as one line (problem lists are joined with '; ')."""
    pieces = []
    for part in filter(None, (part.strip() for part in str(text).splitlines())):
        if pieces:  # a list after "problems:" follows a space; items are joined with "; "
            pieces.append(" " if pieces[-1].endswith(":") else "; ")
        pieces.append(part)
    return "".join(pieces)


def main(argv: list[str] | None = None) -> int:
    """Run one command: its exit status, or 2 and one line on stderr; 130 on Ctrl-C."""
    if signal.getsignal(signal.SIGINT) is _interrupted_while_starting:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # now: KeyboardInterrupt
    try:
        return _dispatch(argv)
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    except (RecursionError, OverflowError, UnicodeError, MemoryError) as error:
        kind = {RecursionError: "input nested too deeply", OverflowError: "a number too large",
                MemoryError: "out of memory"}.get(type(error), "an encoding error")
        print(_one_line(f"xlcpb: error: {kind} ({type(error).__name__}: {error})."),
              file=sys.stderr)
        return 2


def _dispatch(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        parser = build_parser(only=_command_of(argv) or "")
        args = parser.parse_args(argv)
        if not getattr(args, "run", None):
            parser.print_help()
            return 0
        resolve_numbers(parser, args)
        return args.run(args) or 0
    except (CPBError, argparse.ArgumentTypeError) as error:
        print(_one_line(f"xlcpb: error: {error}"), file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head: stop quietly
        sys.stdout = open(os.devnull, "w")
        return 0
    except OSError as error:
        print(_one_line(f"xlcpb: error: {error.strerror or error}: {error.filename or ''}"
                        .rstrip(": ")), file=sys.stderr)
        return 2
