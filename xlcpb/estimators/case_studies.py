"""The paper's three case studies (section 6), recomputed step by step beside its figures."""

from __future__ import annotations

from dataclasses import dataclass

from ..data.case_studies import load_case_studies, load_case_study_steps
from ..engine.significant_digits import agrees_to_printed, printed_value, ratio
from .content_cost import ContentEstimate, estimate_content

# Keys of a case in case_studies.toml that describe it rather than feed the estimate.
_DESCRIPTIVE = {"id", "title", "section", "model", "hardware", "unit", "paper", "modality"}


@dataclass(frozen=True)
class Step:
    """One step of a case: our value and, where the paper prints one, the paper's."""

    key: str
    symbol: str
    unit: str
    name: str
    ours: float
    paper: float | None        # the printed figure as a number, None where not printed
    paper_printed: str | None  # verbatim, e.g. "0.00000641"
    paper_eq: str | None       # equation number, e.g. "12"
    matches_paper: bool | None  # to the printed precision; None where not printed
    note: str | None           # why a figure differs (the video byte-count slip)


@dataclass(frozen=True)
class CaseStudy:
    id: str
    title: str
    section: str
    model: str
    hardware: str
    estimate: ContentEstimate
    steps: list[Step]

    @property
    def discrepancies(self) -> list[Step]:
        return [step for step in self.steps if step.matches_paper is False]


def run_case(case: dict, steps: list[dict]) -> CaseStudy:
    """Recompute one case of ``case_studies.toml``."""
    inputs = {key: value for key, value in case.items() if key not in _DESCRIPTIVE}
    estimate = estimate_content(case["modality"], **inputs)
    values = estimate.as_dict()
    rows = []
    for step in steps:
        paper = case["paper"].get(step["key"])
        printed = paper["printed"] if paper else None
        rows.append(Step(
            key=step["key"], symbol=step["symbol"], unit=step["unit"], name=step["name"],
            ours=values[step["key"]],
            paper=printed_value(printed) if printed else None, paper_printed=printed,
            paper_eq=paper["eq"] if paper else None,
            matches_paper=agrees_to_printed(values[step["key"]], printed) if printed else None,
            note=paper.get("note") if paper else None))
    return CaseStudy(id=case["id"], title=case["title"], section=case["section"],
                     model=case["model"], hardware=case["hardware"], estimate=estimate,
                     steps=rows)


def case_studies() -> list[CaseStudy]:
    """The text, audio and video case studies, each step beside the paper's figure.

    Examples
    --------
    >>> video = case_studies()[2]
    >>> video.estimate.size_bytes, [step.symbol for step in video.discrepancies]
    (353894400.0, ['S', 'F_byte', 'T_byte'])
    """
    steps = load_case_study_steps()
    return [run_case(case, steps) for case in load_case_studies()]


# The realistic re-run of the text case: the paper's model and hardware, served as they are.
REALISTIC_TEXT = {"model": "gpt2-xl", "hardware": "t4", "precision": "fp16", "batch": 1,
                  "input_tokens": 1}


def realistic_text_case() -> dict:
    """The text case both ways: the paper's peak-FLOPs formula and the roofline estimate.

    GPT-2 1.5B writing 1,000 tokens on a T4 at $0.50/h, one stream: decode reads all 3.1 GB
    of fp16 weights per token, so it is memory-bound at about 17 ms a token, not 0.05 ms.
    """
    from ..engine import cost_of_seconds
    from ..engine.llm import generation_seconds
    from .llm import estimate_llm

    text = case_studies()[0]
    tokens = text.estimate.units
    price = 0.50
    estimate = estimate_llm(**REALISTIC_TEXT, output_tokens=tokens, price_per_hour=price)
    seconds = generation_seconds(estimate.ttft_s, estimate.tpot_s, tokens)
    paper = {"seconds_per_token": estimate.naive_tpot_s,
             "generation_s": text.estimate.generation_s, "cost": text.estimate.cost}
    realistic = {"seconds_per_token": estimate.tpot_s, "generation_s": seconds,
                 "cost": cost_of_seconds(seconds, estimate.cost_per_s)}
    return {
        "setup": {**REALISTIC_TEXT, "output_tokens": tokens, "price_per_device_hour": price},
        "paper": paper,
        "realistic": {**realistic, "ttft_s": estimate.ttft_s,
                      "decode_bound": str(estimate.bound["decode"])},
        "realistic_over_paper": {key: ratio(realistic[key], paper[key]) for key in paper},
    }


# The realistic re-run of the audio case: the paper's WaveNet, one sample per decode step, on
# a V100 (the sheet's SXM2 16GB row: its 125 TFLOP/s fp16 peak is the paper's P) at $2.50/h.
REALISTIC_AUDIO = {"model": "wavenet", "hardware": "v100-sxm2-16gb", "precision": "fp16",
                   "seconds": 60}


def realistic_audio_case() -> dict:
    """The audio case both ways: the paper's peak-FLOPs formula and the media estimator.

    A minute of 24 kHz speech is 1.44 million sequential WaveNet passes; each is a decode
    step with its fixed cost, so the realistic time is hours where the paper's is seconds.
    The video case has no realistic twin: VideoGPT's structure is not in the catalog.
    """
    from .media import estimate_speech

    audio = case_studies()[1]
    price = load_case_studies()[1]["price_per_device_hour"]
    estimate = estimate_speech(**REALISTIC_AUDIO, price_per_hour=price)
    paper = {"generation_s": audio.estimate.generation_s, "cost": audio.estimate.cost}
    realistic = {"generation_s": estimate.seconds_per_unit, "cost": estimate.cost_per_unit}
    return {
        "setup": {**REALISTIC_AUDIO, "price_per_device_hour": price,
                  "profile": estimate.profile},
        "paper": paper,
        "realistic": {**realistic, "bound": str(estimate.bound),
                      "realtime_factor": estimate.realtime_factor},
        "realistic_over_paper": {key: ratio(realistic[key], paper[key]) for key in paper},
    }
