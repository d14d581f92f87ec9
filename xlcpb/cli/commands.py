"""The ``xlcpb`` commands: name, the module that implements it, and its one-line summary.

The table is what ``xlcpb --help`` lists without importing any command, so the command line
starts in the time Python takes; a command's module (and numpy, pandas or xlwings, where it
needs them) is imported only when that command runs. Each module's ``register`` takes its
summary from here: the text lives once.
"""

from __future__ import annotations

import importlib

COMMANDS = {  # name: (module in xlcpb.cli, summary)
    "case-studies": ("case_studies_cmd",
                     "reproduce the paper's text, audio and video case studies"),
    "estimate": ("estimate_cmd", "one estimate from FLOPs, hardware speed, price and content"),
    "llm": ("llm_cmd", "realistic LLM serving estimate: latency, throughput, memory, $/1M tokens"),
    "image": ("media_cmd", "realistic image generation estimate: time, images/s, $/image"),
    "video": ("media_cmd", "realistic video generation estimate: time, real-time factor, $/minute"),
    "speech": ("media_cmd", "realistic speech synthesis estimate: real-time factor, $/minute"),
    "budget": ("budget_cmd", "a multi-year inference budget from a workload table"),
    "actuals": ("budget_cmd", "budget against actual spend from a FOCUS billing export"),
    "sheet": ("sheet_cmd", "the hardware/price sheet: list, show, add, export, diff, history, "
                           "restore"),
    "import": ("import_cmd", "import a vendor price list into your sheet"),
    "build": ("build_cmd", "render the workbook templates into workbooks"),
    "publish": ("publish_cmd", "make a copy of a workbook that needs no add-in"),
    "calibrate": ("calibrate_cmd", "fit the realistic estimator's efficiencies on measurements"),
    "lite": ("lite_cmd", "write main.py and requirements.txt for xlwings Lite"),
}


def help_of(name: str) -> str:
    """The one-line help of command ``name``."""
    return COMMANDS[name][1]


def module(name: str):
    """The module implementing command ``name`` (imported now)."""
    return importlib.import_module(f"{__package__}.{COMMANDS[name][0]}")
