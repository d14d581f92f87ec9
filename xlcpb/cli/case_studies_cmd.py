"""``xlcpb case-studies``: the paper's three worked examples, each step beside the paper's."""

from __future__ import annotations

from dataclasses import asdict

from ..estimators.case_studies import case_studies
from .options import add_format
from .output import emit

COLUMNS = ["case", "symbol", "name", "ours", "paper", "eq", "matches", "unit"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "case-studies", help="reproduce the paper's text, audio and video case studies",
        description="Recompute the paper's section 6 step by step (S, F_byte, T_byte, t, I, "
                    "C), each beside the figure the paper prints, flagging where they differ.")
    add_format(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    cases = case_studies()
    rows = [{"case": case.id, "symbol": step.symbol, "name": step.name, "ours": step.ours,
             "paper": step.paper_printed, "eq": step.paper_eq,
             "matches": step.matches_paper, "unit": step.unit}
            for case in cases for step in case.steps]
    document = {"cases": [{
        "id": case.id, "title": case.title, "section": case.section, "model": case.model,
        "hardware": case.hardware,
        "steps": {step.key: {key: value for key, value in asdict(step).items() if key != "key"}
                  for step in case.steps},
        "discrepancies": [{"symbol": step.symbol, "ours": step.ours,
                           "paper": step.paper_printed, "note": step.note}
                          for step in case.discrepancies]} for case in cases]}
    emit(args.format, rows, COLUMNS, document,
         title="The paper's case studies (section 6): our figures beside the paper's")
    if args.format == "table":
        for case in cases:
            for step in case.discrepancies:
                print(f"\n! {case.id} {step.symbol}: the paper prints {step.paper_printed}, "
                      f"we compute {step.ours:,.10g}. {step.note or ''}".rstrip())
    return 0
