"""The README's quick start is what CI runs, and its worked example runs as written."""

import doctest
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quick_start_commands():
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)


def test_quick_start_is_exactly_two_commands_and_ci_runs_the_test_command():
    commands = quick_start_commands()
    assert len(commands) == 2
    install, test = commands
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert test in ci.splitlines()
    assert ".venv/bin/xlcpb case-studies" in ci.splitlines()
    assert install.startswith("python3 -m venv .venv")


def test_readme_python_examples_run():
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False,
                              optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0
