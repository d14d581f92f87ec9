"""``xlcpb case-studies``: the paper's three worked examples, each step beside the paper's."""

from __future__ import annotations

from dataclasses import asdict

from ..estimators.case_studies import case_studies, realistic_audio_case, realistic_text_case
from .options import add_format
from .output import emit
from .commands import help_of

COLUMNS = ["case", "symbol", "name", "ours", "paper", "eq", "matches", "unit"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "case-studies", help=help_of("case-studies"),
        description="Recompute the paper's section 6 step by step (S, F_byte, T_byte, t, I, "
                    "C), each beside the figure the paper prints, flagging where they differ.")
    parser.add_argument("--realistic", action="store_true",
                        help="also run the text case through the realistic serving model "
                             "(memory bandwidth, KV cache) and the audio case through the "
                             "speech estimator (one decode step per sample), beside the "
                             "paper's formula")
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
    realistic = realistic_text_case() if args.realistic else None
    audio = realistic_audio_case() if args.realistic else None
    if realistic:
        document["realistic_text"] = realistic
        document["realistic_audio"] = audio
    emit(args.format, rows, COLUMNS, document,
         title="The paper's case studies (section 6): our figures beside the paper's")
    if args.format == "table":
        for case in cases:
            for step in case.discrepancies:
                print(f"\n! {case.id} {step.symbol}: the paper prints {step.paper_printed}, "
                      f"we compute {step.ours:,.10g}. {step.note or ''}".rstrip())
        if realistic:
            print()
            keys = [("seconds_per_token", "time per token", "s"),
                    ("generation_s", "time for 1,000 tokens", "s"), ("cost", "cost", "$")]
            emit("table", [{"quantity": label, "paper's formula": realistic["paper"][key],
                            "realistic": realistic["realistic"][key],
                            "realistic / paper": realistic["realistic_over_paper"][key],
                            "unit": unit}
                           for key, label, unit in keys],
                 ["quantity", "paper's formula", "realistic", "realistic / paper", "unit"],
                 title="The text case, realistically: GPT-2 1.5B on a T4, fp16, one stream "
                       f"(decode is {realistic['realistic']['decode_bound']}-bound)")
            print()
            keys = [("generation_s", "time for 60 s of speech", "s"), ("cost", "cost", "$")]
            emit("table", [{"quantity": label, "paper's formula": audio["paper"][key],
                            "realistic": audio["realistic"][key],
                            "realistic / paper": audio["realistic_over_paper"][key],
                            "unit": unit} for key, label, unit in keys],
                 ["quantity", "paper's formula", "realistic", "realistic / paper", "unit"],
                 title="The audio case, realistically: WaveNet on a V100, fp16, one sample per "
                       f"decode step ({audio['setup']['profile']} profile; "
                       f"{audio['realistic']['bound']}-bound). The video case has no "
                       "realistic twin: VideoGPT's structure is not in the catalog.")
    return 0
