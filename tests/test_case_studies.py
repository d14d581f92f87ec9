"""The paper's section 6, reproduced to its printed precision (figures typed from the paper)."""

import json

import pytest

from xlcpb import case_studies
from xlcpb.cli import main

# Figures as printed in the paper (section 6), typed here from its text, not from the code.
PAPER = {
    "text": {"size_bytes": "4000", "flops_per_byte": "7.5e8", "t_byte_s": "1.1538e-5",
             "generation_s": "0.04615", "cost_per_s": "0.0001389", "cost": "0.00000641"},
    "audio": {"size_bytes": "2880000", "flops_per_byte": "5e8", "t_byte_s": "4e-6",
              "generation_s": "11.52", "cost_per_s": "0.0006944", "cost": "0.008"},
    "video": {"generation_s": "1440", "cost_per_s": "0.006944", "cost": "10.00"},
}


def half_unit_in_last_place(printed: str) -> float:
    """Half of the last printed digit's place value: the paper's rounding allowance."""
    mantissa, _, exponent = printed.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)


@pytest.mark.parametrize("case_id", PAPER)
def test_case_matches_paper(case_id):
    case = {case.id: case for case in case_studies()}[case_id]
    got = case.estimate.as_dict()
    for key, printed in PAPER[case_id].items():
        assert abs(got[key] - float(printed)) <= half_unit_in_last_place(printed), key
    assert got["cost"] == pytest.approx(got["cost_eq4"], rel=1e-12)


def test_video_byte_count_slip_is_computed_correctly_and_flagged():
    video = case_studies()[2]
    assert video.estimate.size_bytes == 1800 * 65536 * 3 == 353_894_400
    flagged = {step.key: step for step in video.discrepancies}
    assert set(flagged) == {"size_bytes", "flops_per_byte", "t_byte_s"}
    assert flagged["size_bytes"].paper == 354_418_688
    assert "353,894,400" in flagged["size_bytes"].note


def test_text_and_audio_have_no_discrepancy():
    text, audio, _ = case_studies()
    assert text.discrepancies == [] and audio.discrepancies == []


def test_cli_json_gives_every_step_for_all_three_cases(capsys):
    assert main(["case-studies", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    cases = {case["id"]: case for case in document["cases"]}
    assert set(cases) == {"text", "audio", "video"}
    for case in cases.values():
        for key in ("size_bytes", "flops_per_byte", "t_byte_s", "generation_s", "cost_per_s",
                    "cost"):
            assert isinstance(case["steps"][key]["ours"], float)
    assert cases["text"]["steps"]["cost"]["ours"] == pytest.approx(6.41e-6, rel=1e-3)
    assert cases["video"]["steps"]["size_bytes"]["paper_printed"] == "354,418,688"
    assert cases["video"]["steps"]["size_bytes"]["matches_paper"] is False
    assert [d["symbol"] for d in cases["video"]["discrepancies"]] == ["S", "F_byte", "T_byte"]


def test_the_audio_case_realistically_is_a_decode_step_per_sample():
    from xlcpb.estimators.case_studies import realistic_audio_case
    from xlcpb.estimators.llm import profile_efficiency
    audio = realistic_audio_case()
    generic = profile_efficiency("generic")
    # 60 s x 24,000 samples, each a pass of the paper's 1e9 FLOPs at the V100's 125 TFLOP/s
    # fp16 peak and the decode profile's efficiency, plus its fixed time per step
    by_hand = 1_440_000 * (1e9 / (125e12 * generic.compute) + generic.step_overhead_s)
    assert audio["realistic"]["generation_s"] == pytest.approx(by_hand, rel=1e-12)
    assert audio["paper"]["generation_s"] == pytest.approx(11.52)
    assert audio["realistic"]["cost"] == pytest.approx(by_hand * 2.50 / 3600, rel=1e-12)
